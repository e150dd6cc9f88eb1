"""`tornado.testing` in the same pytest session as the end-to-end tests.

Playwright's sync API keeps its event loop marked as running in this thread (its session fixture lives to
the end): tornado's test loop cannot run under it. `OutsidePlaywrightLoop` sets it aside for each test."""

from __future__ import annotations

import asyncio


class OutsidePlaywrightLoop:
    """Mixin, before `tornado.testing.AsyncHTTPTestCase` in the bases."""

    def setUp(self):
        self._outer_loop = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(None)
        super().setUp()

    def tearDown(self):
        try:
            super().tearDown()
        finally:
            asyncio.events._set_running_loop(self._outer_loop)
