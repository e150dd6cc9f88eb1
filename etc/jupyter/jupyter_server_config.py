# Settings of the Jupyter server that Binder starts (Voilà runs inside it as an extension).
# The server finds this file because binder/start puts etc/jupyter in JUPYTER_CONFIG_PATH
# (kit.serve.jupyter_env does the same). Standalone Voilà (`python -m kit serve`) reads voila.json.
c = get_config()  # noqa: F821 (provided by traitlets when it loads this file)

c.ServerApp.tornado_settings = {
    # A file picked in a FileUpload widget travels to the kernel as ONE websocket message: with
    # Tornado's default limit (10 MiB) a bigger file closes the connection and the page dies
    # instead of showing the kernel's French refusal. Same value as voila.json.
    "websocket_max_message_size": 100 * 1024 * 1024,
    # Unset, Voilà's page config points MathJax at cdnjs.cloudflare.com and its page loads it on
    # every app; None makes Voilà use the MathJax bundled in its own JavaScript (as standalone).
    "mathjax_url": None,
    "mathjax_config": None,
}

# A room's load (kit/serving/kernels.py). Same values as voila.json (tests/unit/test_serving_config.py):
# the server extension passes the Jupyter server's own config to Voilà's executor, not voila.json's.
c.ServerApp.kernel_manager_class = "kit.serving.kernels.KitKernelManager"
c.KitKernelManager.max_kernels = 40  # one kernel per open page; past it, a French "retry in a minute" (503)
# Abandoned pages (never connected, or gone without Voilà's shutdown request) free their kernel
# within cull_idle_timeout + cull_interval; a page still connected, or still running, is never culled.
c.MappingKernelManager.cull_idle_timeout = 120
c.MappingKernelManager.cull_interval = 30
c.MappingKernelManager.cull_connected = False
c.MappingKernelManager.cull_busy = False
# Voilà runs each page's notebook with nbclient, which waits only 4 s (iopub_timeout) for a cell's
# output once the kernel has replied: a kernel slowed by twenty neighbours then loses its display and
# the page stays blank. Wait longer, and fail loudly (the page says to reload) rather than blank.
c.VoilaExecutor.startup_timeout = 120
c.VoilaExecutor.iopub_timeout = 120
c.VoilaExecutor.raise_on_iopub_timeout = True
# No VoilaExecutor.timeout (a cell's running time): a preheated kernel waits for its page inside its
# cell (voila.utils.wait_for_request), for as long as nobody opens the app; a limit would stop it.
