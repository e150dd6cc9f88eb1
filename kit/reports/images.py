"""PNG images of plotly charts for the Word deliverable, all rendered by one headless Chromium.

`fig.to_image()` starts a browser for every call (about 3.5 s each here); opening one `kaleido.Kaleido`
for the whole document costs that once, then about 0.2 s per chart. Failures never raise: a chart
that cannot be rendered comes back as None and the Word renderer puts a note in its place.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence

import plotly.graph_objects as go

logger = logging.getLogger(__name__)

# (figure, width px, height px): the image is `scale` times larger, for sharp printing.
ImageJob = tuple[go.Figure, int, int]

START_SECONDS = 60  # launching Chromium on a slow, busy laptop
SECONDS_PER_IMAGE = 30


async def _render_all(jobs: Sequence[ImageJob], scale: float, browser_path: str | None) -> list[bytes | None]:
    import kaleido  # imported here: loading it costs time and only Word exports need it

    options = {"path": browser_path} if browser_path else {}
    # mathjax=False: kaleido's default page would fetch MathJax from a CDN, and workshops are offline.
    async with kaleido.Kaleido(n=1, timeout=SECONDS_PER_IMAGE, mathjax=False, **options) as browser:
        images: list[bytes | None] = []
        for fig, width, height in jobs:
            try:
                images.append(await browser.calc_fig(
                    fig, opts={"format": "png", "width": width, "height": height, "scale": scale}))
            except Exception:  # one broken chart must not cost the others their image
                logger.warning("Rendu PNG impossible pour une figure", exc_info=True)
                images.append(None)
        return images


def render_pngs(jobs: Sequence[ImageJob], *, scale: float = 2, browser_path: str | None = None) -> list[bytes | None]:
    """One PNG (or None) per job, in order. `browser_path` overrides kaleido's Chromium lookup."""
    if not jobs:
        return []
    result: list[bytes | None] = [None] * len(jobs)
    deadline = START_SECONDS + SECONDS_PER_IMAGE * len(jobs)

    def run() -> None:
        try:
            result[:] = asyncio.run(asyncio.wait_for(_render_all(jobs, scale, browser_path), deadline))
        except BaseException:  # no Chromium, crash, time out: the document is still produced
            logger.warning("Rendu des graphiques impossible", exc_info=True)

    # A thread of its own: in Jupyter and Voilà the calling thread already runs an event loop,
    # where asyncio.run() is refused.
    worker = threading.Thread(target=run, name="kit-reports-images", daemon=True)
    worker.start()
    worker.join(deadline + 15)  # wait_for cancels first and lets kaleido close the browser
    return list(result)
