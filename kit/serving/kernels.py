"""A bounded number of live kernels, for standalone Voilà and the Jupyter server alike.

Every page of an app gets its own kernel (about 140 MB): an unbounded server lets a curious script, or a
room reloading its pages, exhaust the machine. `KitKernelManager` refuses a new page past `max_kernels`
with HTTP 503, which the page template turns into a French "server full, retry in a minute" page
(share/jupyter/voila/templates/quartiers/error.html). Abandoned kernels are stopped by jupyter_server's
own culler, configured in voila.json and kit/serving/jupyter_extension.py (`MappingKernelManager`):

- `cull_idle_timeout`: a kernel with no message for that long may be culled;
- `cull_connected = False`: never while a page is connected to it (a participant reading, not clicking);
- `cull_busy = False`: never while it runs (a page still being prepared under load);
- `cull_interval`: how often the culler looks.

So a page fetched without a browser (its websocket never connects) or left without Voilà's shutdown
request (a phone put to sleep, a closed laptop) frees its kernel within `cull_idle_timeout + cull_interval`.
"""

from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

# Voilà's preheated kernels (a pool per notebook, voila.json's kernel_pools_config) carry this variable:
# their number is fixed by the pool sizes, and refusing a pool refill would break the pool.
PREHEAT_ENV = "VOILA_PREHEAT"


class ServerFull(web.HTTPError):
    """No kernel for a new page: the server already holds `max_kernels` (HTTP 503)."""

    def __init__(self, live: int, limit: int):
        super().__init__(503, "%d live kernels, the limit is %d", live, limit, reason="Service Unavailable")


class KitKernelManager(AsyncMappingKernelManager):
    max_kernels = Integer(
        40, config=True,
        help="Most kernels alive at once (one per open page; 0: no limit). A page asked for past it gets "
             "HTTP 503 and a French page saying to retry in a minute. Sized for a room: 20 participants "
             "with a page or two open each, at about 140 MB a kernel.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._starting = 0  # kernels asked for and not yet in the map: counted, or a burst would pass the bound

    @property
    def live_kernels(self) -> int:
        return len(self.list_kernel_ids()) + self._starting

    def check_room(self) -> None:
        """Raise `ServerFull` if a new page cannot get a kernel now."""
        live = self.live_kernels
        if self.max_kernels > 0 and live >= self.max_kernels:
            self.log.warning("Refusing a new kernel: %d alive, KitKernelManager.max_kernels=%d", live,
                             self.max_kernels)
            raise ServerFull(live, self.max_kernels)

    async def start_kernel(self, *, kernel_id: str | None = None, path: str | None = None, **kwargs) -> str:
        preheated = (kwargs.get("env") or {}).get(PREHEAT_ENV) == "True"
        if not preheated and (kernel_id is None or kernel_id not in self):
            self.check_room()
        self._starting += 1
        try:
            return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)
        finally:
            self._starting -= 1
