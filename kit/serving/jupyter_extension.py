"""The kit's settings for every Jupyter server of its environment: plain `jupyter lab` and its « Render
with Voilà » preview, Binder's `jupyter server`, a JupyterHub's single-user servers.

A server extension, enabled the usual way by a file in ``jupyter_server_config.d`` (which only enables
extensions: Jupyter reads no other setting from there). A wheel installs that file in
``<prefix>/etc/jupyter/jupyter_server_config.d/`` (pyproject's data-files), `make` links it there for an
editable install, and `binder/start` / `kit serve` put the checkout's ``etc/jupyter`` first in
``JUPYTER_CONFIG_PATH``: no environment variable is needed. The extension is linked before the server
builds its kernel manager and its web application, so these settings are in place for both; a value
the person set in their own Jupyter config wins. Standalone Voilà (`kit serve`) is not a Jupyter server
and reads the same values from voila.json (`tests/unit/test_serving.py` keeps the two in step).

The same file enables `kit.live.jupyter`, which on a JupyterHub serves the room's phones (it knows the
kit; this module knows nothing of it, as every server module).
"""

from __future__ import annotations

KERNEL_MANAGER = "kit.serving.kernels.KitKernelManager"

TORNADO_SETTINGS = {
    # A file picked in an upload widget travels to the kernel as ONE websocket message: with Tornado's
    # default limit (10 MiB) a bigger file closes the connection and the page dies instead of showing
    # the kernel's French refusal. Same value as voila.json.
    "websocket_max_message_size": 100 * 1024 * 1024,
    # Unset, Voilà's page config points MathJax at cdnjs.cloudflare.com and every app's page loads it
    # (a request leaving the room); None makes Voilà use the MathJax bundled in its own JavaScript.
    "mathjax_url": None,
    "mathjax_config": None,
}

SETTINGS = {
    # A room's load (kit/serving/kernels.py): one kernel per open page; past the bound, a French
    # « réessayez dans une minute » (503).
    "KitKernelManager": {"max_kernels": 40},
    # Abandoned pages (never connected, or gone without Voilà's shutdown request) free their kernel
    # within cull_idle_timeout + cull_interval; a page still connected, or still running, is never culled.
    "MappingKernelManager": {"cull_idle_timeout": 120, "cull_interval": 30, "cull_connected": False,
                             "cull_busy": False},
    # Voilà runs each page's notebook with nbclient, which waits only 4 s (iopub_timeout) for a cell's
    # output once the kernel has replied: a kernel slowed by twenty neighbours then loses its display and
    # the page stays blank. Wait longer, and fail loudly (the page says to reload) rather than blank.
    # No VoilaExecutor.timeout (a cell's running time): a preheated kernel waits for its page inside its
    # cell (voila.utils.wait_for_request), for as long as nobody opens the app; a limit would stop it.
    "VoilaExecutor": {"startup_timeout": 120, "iopub_timeout": 120, "raise_on_iopub_timeout": True},
}


def _jupyter_server_extension_points():
    return [{"module": "kit.serving.jupyter_extension"}]


def _link_jupyter_server_extension(serverapp) -> None:
    """Called before the server builds its kernel manager and web application."""
    config = serverapp.config
    for section, values in SETTINGS.items():
        for name, value in values.items():
            if name not in config[section]:
                config[section][name] = value
    if "kernel_manager_class" not in config.ServerApp:
        serverapp.kernel_manager_class = KERNEL_MANAGER
    serverapp.tornado_settings = {**TORNADO_SETTINGS, **serverapp.tornado_settings}


def _load_jupyter_server_extension(serverapp) -> None:
    serverapp.log.info("Quartiers en transitions : réglages du kit appliqués au serveur Jupyter.")
