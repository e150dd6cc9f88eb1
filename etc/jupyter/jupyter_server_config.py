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
