"""On a JupyterHub, the room's phones reach the territory's own Jupyter server: a server extension (enabled
with the kit's settings in ``etc/jupyter/jupyter_server_config.d/quartiers_en_transitions.json``) serving the
participant pages of `kit.live.server` under ``<base_url>atelier/``, for the workspaces of this server's store.

Only on a single-user server of a hub (``JUPYTERHUB_SERVICE_PREFIX`` set by the hub's spawner): on a laptop
the phones cannot reach a Jupyter server listening on 127.0.0.1, and « Atelier en direct » starts the
participant server of its own instead.

A phone is no user of the hub: these handlers are plain Tornado handlers, outside Jupyter's login, and answer
nothing but the join codes' pages (no workspace listed, no file, no kernel: the same handlers as the laptop's
participant server). The kernels started afterwards find the prefix in `names.HUB_PREFIX_VARIABLE`.
"""

from __future__ import annotations

import os

from kit.live.names import HUB_PREFIX_VARIABLE


def _jupyter_server_extension_points():
    return [{"module": "kit.live.jupyter"}]


def _load_jupyter_server_extension(serverapp) -> None:
    if os.environ.get("JUPYTERHUB_SERVICE_PREFIX"):
        add_live_routes(serverapp)


def add_live_routes(serverapp) -> str:
    """The participant routes under ``<base_url>atelier/``; returns that prefix."""
    from jupyter_server.utils import url_path_join

    from kit.live.server import routes
    from kit.store import Store

    prefix = url_path_join(serverapp.base_url, "atelier/")
    serverapp.web_app.add_handlers(".*$", routes(Store(), None, prefix=prefix))
    os.environ[HUB_PREFIX_VARIABLE] = prefix
    serverapp.log.info("Quartiers en transitions : pages des participants sous %s", prefix)
    return prefix
