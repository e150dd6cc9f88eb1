"""The Python configurable-http-proxy (PyPI `configurable-http-proxy`, installed with the kit's test
environment), made to carry a Jupyter kernel's websocket: the subprotocol, and binary messages both ways.

JupyterHub's usual proxy is the Node.js one (`npm install -g configurable-http-proxy`); jupyterhub_config.py
uses it whenever it is on the PATH, and this one otherwise (a machine without Node.js, the tests).

Why: a kernel's page opens its websocket offering the subprotocol `v1.kernel.websocket.jupyter.org`. The
Python proxy (0.4.0) forwards the offer to the single-user server, which accepts it, but its handler keeps
tornado's default `select_subprotocol` (none), so the browser's handshake answer names no subprotocol and
Chromium drops the connection (« Sent non-empty 'Sec-WebSocket-Protocol' header but no response was
received »): every app page then loses its first kernel connection and waits for a reconnection. The proxy
connects to the server before it answers the browser, so it can answer with the server's own choice.

And with that subprotocol every message from the page is binary, which the proxy sends on to the server as a
text frame (`write_message(message)`, where the other direction says `binary=`): the server cannot read it
(« cannot convert 'str' object to bytes ») and the app never gets its widgets. Binary stays binary here.
"""

from __future__ import annotations

import sys

from configurable_http_proxy.cli import main
from configurable_http_proxy.handlers import ProxyHandler


def select_subprotocol(self, subprotocols):
    """The subprotocol the server chose, when the browser offered it (RFC 6455: only one it offered)."""
    client = getattr(self, "ws_client", None)
    chosen = client.selected_subprotocol if client is not None else None
    return chosen if chosen in subprotocols else None


def on_message(self, message):
    """A browser's message to the server, in the kind of frame it came in (text or binary)."""
    if self.ws_client:
        prefix = self.target["prefix"] if self.target else ""
        if prefix:
            self.proxy.update_last_activity(prefix)  # as the original: a message is activity (idle culling)
        self.ws_client.write_message(message, binary=isinstance(message, bytes))


if "select_subprotocol" not in vars(ProxyHandler):  # a later version that does it itself is left alone
    ProxyHandler.select_subprotocol = select_subprotocol
ProxyHandler.on_message = on_message

if __name__ == "__main__":
    sys.exit(main())
