"""`python -m kit serve`: the kit's apps in a standalone Voilà, offline, on this computer (or a room's network).

Voilà serves the repository root, so the app URLs are the same as on Binder (where Voilà runs as a
Jupyter server extension): ``/voila/render/notebooks/00_accueil.ipynb``. The page template
(``share/jupyter/voila/templates/quartiers``) requests nothing outside localhost; ``voila.json`` selects
it. Installed, it is where every Voilà looks (``<prefix>/share/jupyter``: the wheel's data files, the link
``make`` adds to an editable install); ``JUPYTER_PATH`` (set here, and by ``binder/start`` on Binder) still
puts the checkout's copy first: a checkout never installed (Binder's editable install has no data files),
or a template edited since the install.
The Voilà run is the kit's (`kit.serving.app.KitVoila`): the apps only, the Host header checked, a token
when listening on the network (``--reseau``).

No ipywidgets import here: the CLI imports this module before any kernel exists.
"""

from __future__ import annotations

import errno
import importlib.util
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
from pathlib import Path

import kit
from kit.errors import KitError

REPO_ROOT = Path(kit.__file__).resolve().parent.parent
HOME_APP = "notebooks/00_accueil.ipynb"  # share/jupyter/voila/templates/quartiers/browser-open.html repeats it


class ServeError(KitError, RuntimeError):
    """Voilà cannot be started; the message is a French sentence for the person at the keyboard."""


def app_url(base_url: str, notebook: str = HOME_APP, query: str = "") -> str:
    """URL of an app (a notebook path relative to the repository root), the same on Binder."""
    url = f"{base_url.rstrip('/')}/voila/render/{notebook}"
    return f"{url}?{query.lstrip('?')}" if query else url


def jupyter_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """Environment in which Jupyter/Voilà find the kit's template and server settings.

    The repository acts as one more Jupyter prefix: ``share/jupyter`` (data: the Voilà template)
    and ``etc/jupyter`` (config: enables `kit.serving.jupyter_extension`, the kit's settings for a Jupyter server).
    """
    env = dict(os.environ if base is None else base)

    def prepend(name: str, path: Path) -> None:
        env[name] = os.pathsep.join(p for p in (str(path), env.get(name, "")) if p)

    prepend("JUPYTER_PATH", REPO_ROOT / "share" / "jupyter")
    prepend("JUPYTER_CONFIG_PATH", REPO_ROOT / "etc" / "jupyter")
    # Kernel specs from this Python environment before ~/.local/share/jupyter: a stale `python3`
    # kernel in the home folder must not start kernels in another Python without the kit.
    env["JUPYTER_PREFER_ENV_PATH"] = "1"
    return env


APPS = (r"notebooks/[^/]+\.ipynb",)  # what the server renders (kit.serving.app.KitVoila.apps)


def voila_command(port: int, *, open_browser: bool, preheat: bool = True, pools: dict | None = None,
                  network: bool = False, hosts: tuple[str, ...] = (), extra_apps: tuple[str, ...] = ()) -> list[str]:
    """The standalone Voilà command line, to run with ``env=jupyter_env()`` (any working directory).

    With `preheat`, each notebook listed in voila.json's `VoilaKernelManager.kernel_pools_config`
    (the home app) has a kernel that already ran the notebook up to `wait_for_request()` when the
    browser asks for it. `pools` replaces that mapping (the tests preheat their own notebooks).
    `network`: listen on every address of this computer, the token in $KIT_SERVE_TOKEN required;
    `hosts`: more names accepted in the Host header (a proxy's); `extra_apps`: more notebooks served
    (regular expressions of their paths: the tests' own notebooks, never in production).
    """
    command = [
        sys.executable, "-m", "kit.serving", str(REPO_ROOT),
        # voila.json of the repository only, wherever we are started from, and never ~/.jupyter's.
        f"--Voila.config_file_paths={REPO_ROOT}",
        # This computer only, unless asked; wait_for_request() connects to 127.0.0.1 either way.
        f"--Voila.ip={'0.0.0.0' if network else '127.0.0.1'}",
        f"--port={port}",
        "--Voila.port_retries=0",  # a busy port is an error, not a silent move to another URL
        # Voilà opens its "browser-open" page, which our template redirects to the home app.
        f"--Voila.open_browser={open_browser}",
    ]
    if network:
        command.append("--KitVoila.network=True")
    if hosts:
        command.append(f"--KitVoila.allowed_hosts={json.dumps(list(hosts))}")
    if extra_apps:
        command.append(f"--KitVoila.apps={json.dumps([*APPS, *extra_apps])}")
    if preheat:
        command.append("--preheat_kernel=True")
        if pools is not None:
            command.append(f"--VoilaKernelManager.kernel_pools_config={json.dumps(pools)}")
    return command


def new_token() -> str:
    """The code a room's browsers need when the server listens on the network (as Jupyter's token)."""
    return secrets.token_hex(16)  # letters and digits only: nothing a chat or a mail cuts off


def network_address() -> str:
    """This computer's address on its local network, as participants' browsers reach it.

    A UDP socket "connected" to a documentation address sends nothing: the system only picks the
    interface it would use. Without any network, the computer's name."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1 (RFC 5737): never routed anywhere
            return probe.getsockname()[0]
        except OSError:
            return socket.gethostname()


def check_port_free(port: int, address: str = "127.0.0.1") -> None:
    """Raise a French `ServeError` if Voilà could not listen on `port`."""
    if not 1 <= port <= 65535:
        raise ServeError(f"Port invalide : {port} (choisissez un nombre entre 1024 et 65535).")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        if os.name != "nt":  # as Tornado: a port held by a closed connection (TIME_WAIT) is free;
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # on Windows it means "steal"
        try:
            probe.bind((address, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise ServeError(
                    f"Le port {port} est déjà utilisé, peut-être par l'atelier déjà ouvert "
                    f"({app_url(f'http://127.0.0.1:{port}')}). Fermez l'autre fenêtre de commande "
                    f"ou choisissez un autre port : python -m kit serve --port {port + 1}"
                ) from None
            if error.errno == errno.EACCES:
                raise ServeError(
                    f"Le port {port} est réservé sur cet ordinateur : choisissez un port entre 1024 "
                    f"et 65535, par exemple python -m kit serve --port 8866"
                ) from None
            raise ServeError(f"Impossible d'utiliser le port {port} : {error.strerror or error}.") from None


def stop_handlers(process: subprocess.Popen):
    """Make `kit serve` stop the way its system stops a console program; returns what undoes it.

    Ctrl+C reaches Voilà as well as this process everywhere (same console, same process group):
    `serve` then waits for Voilà to stop its kernels. On Linux and macOS a process manager's SIGTERM is
    passed on to Voilà. Windows has no SIGTERM between processes: Ctrl+Break and closing the console
    window arrive as SIGBREAK, to Voilà too (`kit.serving.app.KitVoila` stops on it), so here it is
    handled as Ctrl+C is (Python's default for SIGBREAK would end this process at once)."""
    if os.name == "nt":
        def on_break(*_):
            raise KeyboardInterrupt

        chosen = {signal.SIGBREAK: on_break}  # Windows only
    else:
        chosen = {signal.SIGTERM: lambda *_: process.terminate()}
    previous = {number: signal.signal(number, handler) for number, handler in chosen.items()}

    def restore() -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    return restore


def _wait(process: subprocess.Popen) -> int:
    """Voilà's exit code. On Windows a wait without a timeout cannot be interrupted (Ctrl+C would be
    seen only once Voilà has exited): short waits let the interruption through at once."""
    while True:
        try:
            return process.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            continue


def precompile_kit() -> None:
    """Write the kit's bytecode (``kit/**/__pycache__``) where it is missing or older than its source.

    Every page's kernel imports the kit. An editable install writes no bytecode, and where
    PYTHONDONTWRITEBYTECODE is set Python never caches it: each kernel then compiles the kit's modules
    again (about a quarter of a second per page on a two-core laptop, measured with `python -X importtime`).
    Files already compiled are only looked at; a folder that cannot be written to is left as it is."""
    import compileall

    compileall.compile_dir(REPO_ROOT / "kit", quiet=2)


def serve(port: int = 8866, open_browser: bool = True, network: bool = False, hosts: tuple[str, ...] = ()) -> None:
    """Run Voilà until Ctrl+C; the browser opens on the home app once the server listens.

    `network`: the room's computers and phones can open the apps too, with the address printed here
    (it carries a new token, which every request must bring: the first page sets it in a cookie)."""
    if importlib.util.find_spec("voila") is None:
        raise ServeError("Voilà n'est pas installé dans cet environnement Python : "
                         "lancez « pip install -e . » à la racine du kit.")
    if not (REPO_ROOT / HOME_APP).is_file():
        raise ServeError(f"Application d'accueil introuvable : {REPO_ROOT / HOME_APP}.")
    check_port_free(port, "0.0.0.0" if network else "127.0.0.1")
    precompile_kit()
    env = jupyter_env()
    if network:
        env["KIT_SERVE_TOKEN"] = token = new_token()  # read, then removed, by kit.serving.app.KitVoila
        print(f"L'atelier démarre pour la salle. Adresse à ouvrir sur les ordinateurs et téléphones du même "
              f"réseau (elle contient le code d'accès, à ne pas diffuser hors de la salle) :\n"
              f"  {app_url(f'http://{network_address()}:{port}', query=f'token={token}')}\n"
              f"Sur cet ordinateur : {app_url(f'http://127.0.0.1:{port}', query=f'token={token}')}\n"
              "(Ctrl+C dans cette fenêtre pour l'arrêter.)", flush=True)
    else:
        print(f"L'atelier démarre sur {app_url(f'http://127.0.0.1:{port}')}\n"
              "(Ctrl+C dans cette fenêtre pour l'arrêter.)", flush=True)
    process = subprocess.Popen(voila_command(port, open_browser=open_browser, network=network, hosts=hosts),
                               cwd=REPO_ROOT, env=env)
    restore = stop_handlers(process)
    try:
        code = _wait(process)
    except KeyboardInterrupt:
        # Ctrl+C reached Voilà too (same process group): let it stop its kernels, killing it
        # now would leave them running.
        try:
            process.wait(timeout=30)
        except (KeyboardInterrupt, subprocess.TimeoutExpired):
            process.terminate()
            process.wait()
        print("L'atelier est arrêté.")
        return
    finally:
        restore()
    if code != 0:
        raise ServeError(f"Voilà s'est arrêté sur une erreur (code {code}) : voir les messages ci-dessus.")
