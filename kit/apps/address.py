"""The page address kept in step with the app: ``?espace=<id>`` names the workspace open in the page.

The browser's address is changed in place (``history.replaceState``: no reload, no new history entry),
so that reloading the page, bookmarking it or copying its address opens the same workspace; on load
the app reads it back with `ui.url_workspace_id`.
"""

from __future__ import annotations

import anywidget
import traitlets as t

from .plot import STATIC


class PageAddress(anywidget.AnyWidget):
    """Hidden: sets ``?espace=`` in the page address to `espace` (removes it when empty)."""

    _esm = STATIC / "page_address.js"
    espace = t.Unicode("", help="id of the workspace open in the page, '' for none").tag(sync=True)
    origin = t.Unicode("", help="the page's scheme, host and port, as its browser reached it (set by the page)").tag(
        sync=True)
