"""Serving the kit's apps to a room: what the Jupyter/Voilà servers are given on top of their defaults.

- `kernels.KitKernelManager`: a bounded number of live kernels (one per open page), refused past
  the bound with a French "server full" page (HTTP 503). Both servers use it: standalone Voilà
  (`python -m kit serve`, voila.json) and the Jupyter server that Binder starts
  (`jupyter_extension`, the kit's settings for every Jupyter server of its environment).
- `hosts`: the Host check both servers apply (standard library only).
- `app.KitVoila`: the standalone Voilà of `python -m kit serve`: only the apps (`notebooks/*.ipynb`) are
  served, every request's Host header is checked (DNS rebinding), and a token is required when the
  server listens beyond this computer (`--reseau`).

Server side only: nothing here is imported by a kernel, and nothing here imports a widget.
"""
