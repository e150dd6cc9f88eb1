"""JupyterHub for a cohort of « Quartiers en transitions »: every territory (EPCI) of one edition of the
programme, and its facilitators, on one machine run by the regional centre.

    KIT_HUB_DATA=/srv/quartiers-en-transitions jupyterhub -f deploy/jupyterhub/jupyterhub_config.py

Everything that changes from one hub to another is an environment variable (read once, below), so this file
is used as it is, by the regional centre and by tests/e2e/test_jupyterhub_cohort.py (which points
KIT_HUB_DATA at a temporary folder). deploy/jupyterhub/README.md (French, for the centre's IT) says how to
install, which folders to create and with which permissions.

    KIT_HUB_DATA         the hub's own files, the territories' workspaces and the cohorts' folder (below)
    KIT_HUB_AUTH         how people log in: pam (default), native, dummy (tests only: any password)
    KIT_HUB_SPAWNER      local (default: one system account per territory) or simple (one account for all)
    KIT_HUB_TERRITOIRES  the territories' user names (separated by commas or spaces)
    KIT_HUB_ANIMATEURS   the facilitators' user names: the hub group « animateurs »
    KIT_HUB_ADMINS       the hub's administrators (the centre's IT), if any
    KIT_HUB_IP, KIT_HUB_PORT           where the hub listens (127.0.0.1:8000: behind the centre's HTTPS proxy)
    KIT_HUB_SSL_CERT, KIT_HUB_SSL_KEY  HTTPS served by the hub itself, when no proxy does it
    KIT_HUB_HUB_PORT, KIT_HUB_PROXY_API_PORT  the hub's and the proxy's internal ports (8081, 8001)
    KIT_HUB_KIT          the kit's checkout (default: the one holding this file)
    KIT_CALENDRIER       the cohort's programme calendar (a CSV, see README « D'une cohorte à l'autre »)

Layout of KIT_HUB_DATA:

    hub/                  the hub's database, cookie secret and proxy pid (the hub's account only)
    espaces/<user>/       one territory's workspaces ($KIT_ESPACES of that user's server): private to it
    cohortes/             the cohorts and what each territory shares ($KIT_COHORTES of every server)
    homes/<user>/         the users' home folders with KIT_HUB_SPAWNER=simple (system accounts have theirs)
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

from jupyterhub.spawner import LocalProcessSpawner, SimpleLocalProcessSpawner

c = get_config()  # noqa: F821 (given by JupyterHub when it reads this file)


def names(variable: str) -> list[str]:
    """A list of user names from an environment variable, separated by commas or spaces. JupyterHub
    lower-cases the names people type, so the lists are lower-cased too (otherwise « Anne » would never
    match the account « anne »)."""
    return [name.lower() for name in re.split(r"[\s,;]+", os.environ.get(variable, "")) if name]


def choice(variable: str, default: str, allowed: tuple[str, ...]) -> str:
    value = os.environ.get(variable, "").strip().lower() or default
    if value not in allowed:
        raise SystemExit(f"{variable}={value!r}: valeurs possibles {', '.join(allowed)}.")
    return value


DATA = Path(os.environ.get("KIT_HUB_DATA", "/srv/quartiers-en-transitions")).expanduser().resolve()
KIT = Path(os.environ.get("KIT_HUB_KIT") or Path(__file__).resolve().parents[2]).resolve()
AUTH = choice("KIT_HUB_AUTH", "pam", ("pam", "native", "dummy"))
SPAWNER = choice("KIT_HUB_SPAWNER", "local", ("local", "simple"))
TERRITORIES = names("KIT_HUB_TERRITOIRES")
FACILITATORS = names("KIT_HUB_ANIMATEURS")
ADMINS = names("KIT_HUB_ADMINS")
IP = os.environ.get("KIT_HUB_IP", "127.0.0.1")

HUB_FILES = DATA / "hub"
WORKSPACES = DATA / "espaces"
COHORTS = DATA / "cohortes"
HOMES = DATA / "homes"

# The kit's notebooks must be in the checkout: a wrong KIT_HUB_KIT would otherwise start a hub whose every
# server answers 404 on its default page, which is much harder to understand than this sentence.
if not (KIT / "notebooks" / "00_accueil.ipynb").is_file():
    raise SystemExit(f"KIT_HUB_KIT={KIT} : ce dossier n'est pas le dépôt du kit (notebooks/00_accueil.ipynb absent).")

# The hub's files are its own (the cookie secret signs every login); the two shared roots are created here so
# a first start works, their permissions are set once by the administrator (README: « Les dossiers »).
HUB_FILES.mkdir(parents=True, exist_ok=True, mode=0o700)
WORKSPACES.mkdir(parents=True, exist_ok=True, mode=0o711)
COHORTS.mkdir(parents=True, exist_ok=True, mode=0o770)

# ---------------------------------------------------------------------------------------------
# Network: where the hub listens, and its internal ports
# ---------------------------------------------------------------------------------------------

# By default the hub listens on this machine only: the regional centre's web server (nginx, Apache) gives it
# a name and HTTPS, and passes the requests on (websockets included: each app is a live kernel connection).
c.JupyterHub.ip = IP
c.JupyterHub.port = int(os.environ.get("KIT_HUB_PORT", "8000"))
# Without a proxy in front, the hub can serve HTTPS itself: passwords must never travel in clear text.
if os.environ.get("KIT_HUB_SSL_CERT"):
    c.JupyterHub.ssl_cert = os.environ["KIT_HUB_SSL_CERT"]
    c.JupyterHub.ssl_key = os.environ.get("KIT_HUB_SSL_KEY", "")
# The hub's API and the proxy's API stay on the loopback: only the hub and the single-user servers (all on
# this machine) talk to them. Their ports are settable so that two hubs (or a test) can run side by side.
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("KIT_HUB_HUB_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('KIT_HUB_PROXY_API_PORT', '8001')}"
# The proxy: the Node.js configurable-http-proxy (JupyterHub's usual one) if the machine has it on its PATH;
# otherwise the Python one of the kit's environment (PyPI `configurable-http-proxy`), started through
# python_proxy.py beside this file, which makes it carry the apps' kernel websockets (see that file).
# (An activated environment puts the Python one on the PATH under the same name: it is recognised by its
# first line, a Python script's, and started through python_proxy.py too.)


def node_proxy() -> str | None:
    found = shutil.which("configurable-http-proxy")
    if found is None:
        return None
    with open(found, "rb") as script:
        first_line = script.readline(200)
    return None if first_line.startswith(b"#!") and b"python" in first_line else found


if node_proxy() is None:
    c.ConfigurableHTTPProxy.command = [sys.executable, str(Path(__file__).resolve().parent / "python_proxy.py")]

# ---------------------------------------------------------------------------------------------
# The hub's own files: under KIT_HUB_DATA/hub, never in the folder it was started from
# ---------------------------------------------------------------------------------------------

# The users, their servers and tokens. SQLite is enough for a cohort (a few dozen accounts).
c.JupyterHub.db_url = f"sqlite:///{HUB_FILES / 'jupyterhub.sqlite'}"
# Signs the login cookies: kept across restarts (nobody is logged out), created with mode 600 by the hub.
c.JupyterHub.cookie_secret_file = str(HUB_FILES / "jupyterhub_cookie_secret")
# The proxy's pid, so that a restarted hub finds (and stops) the proxy it started before (default: the cwd).
c.ConfigurableHTTPProxy.pid_file = str(HUB_FILES / "jupyterhub-proxy.pid")
# Stopping the hub stops the territories' servers (their kernels hold nothing: every edit is already on disk).
c.JupyterHub.cleanup_servers = True

# ---------------------------------------------------------------------------------------------
# Who logs in
# ---------------------------------------------------------------------------------------------

if AUTH == "dummy":
    # Any password is accepted: tests only. Refused on anything but this machine's loopback, so that a
    # forgotten KIT_HUB_AUTH=dummy can never open a real hub to anyone who types a territory's name.
    if IP not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("KIT_HUB_AUTH=dummy accepte n'importe quel mot de passe : seulement avec KIT_HUB_IP=127.0.0.1.")
    c.JupyterHub.authenticator_class = "dummy"
elif AUTH == "native":
    # Passwords kept by the hub (PyPI `jupyterhub-nativeauthenticator`, not installed with the kit: install it
    # when you choose it): people sign up on /hub/signup, an admin approves them on /hub/authorize. With
    # KIT_HUB_SPAWNER=local each name must also be a system account (README: « Les comptes »).
    c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
    c.NativeAuthenticator.open_signup = False  # a new account waits for an admin's approval
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.minimum_password_length = 10
else:
    # The machine's own accounts and passwords (PAM, through `pamela`, installed with JupyterHub): the
    # natural pair of KIT_HUB_SPAWNER=local, where each territory's server runs as its account.
    c.JupyterHub.authenticator_class = "pam"
    # Never create system accounts from the hub: the administrator creates them (README: « Les comptes »).
    c.LocalAuthenticator.create_system_users = False

# Only the cohort's people: its territories and its facilitators (and the admins, always allowed). A name
# that is in no list cannot log in, even with a valid system account (PAM would otherwise admit every
# account of the machine). Reread at each start: adding a territory is adding its name and restarting.
c.Authenticator.allow_all = False
c.Authenticator.allowed_users = set(TERRITORIES) | set(FACILITATORS)
# Hub administrators can open everyone's server (scope access:servers), that is read every territory's
# workspaces: this is the centre's IT, not the facilitators (a facilitator sees only what territories share).
c.Authenticator.admin_users = set(ADMINS)
# A user name becomes a folder name (espaces/<user>): letters, digits, dot, dash and underscore, starting
# with a letter or digit, so no name can be « .. » or hold a slash and point at another folder.
c.Authenticator.username_pattern = r"^[a-z0-9][a-z0-9._-]{0,63}$"

# The facilitators are a hub group, « animateurs »: the cohorts' app knows them by their hub user name
# (`Cohort.facilitators`), and the group gives the administrators one place to see them. The group grants no
# access to the territories' servers: a facilitator's own server reads the cohorts' folder, where each
# territory publishes what it agreed to share, and nothing else of theirs. load_groups only adds: a name taken
# out of KIT_HUB_ANIMATEURS stays in the group until removed on the admin page (/hub/admin).
c.JupyterHub.load_groups = {"animateurs": {"users": FACILITATORS, "properties": {}}}

# ---------------------------------------------------------------------------------------------
# Each person's server: Voilà on the kit's notebooks, their own workspaces, the shared cohorts
# ---------------------------------------------------------------------------------------------


class PrivateFilesMixin:
    """Files a server creates are its account's only (umask 077): a workspace, its history and its locks are
    private by default, whatever the hub's own umask. The cohorts' folder is the one exception, through its
    default ACL (README: « Les dossiers »), which the kernel applies instead of the umask."""

    def make_preexec_fn(self, name):
        inner = super().make_preexec_fn(name)

        def preexec():
            os.umask(0o077)
            inner()

        return preexec


class KitLocalProcessSpawner(PrivateFilesMixin, LocalProcessSpawner):
    """One system account per territory (and per facilitator): the territory's server runs as that account, so
    the operating system itself keeps one territory out of another's workspaces, even from a kernel. The hub
    runs as root (or through sudospawner) to start them."""


class KitSimpleLocalProcessSpawner(PrivateFilesMixin, SimpleLocalProcessSpawner):
    """Every server runs as the hub's own account, in homes/<user>: no system account to create, and no
    isolation between territories but the paths the Jupyter server serves (a kernel can read any file of the
    account). For a test, or a demonstration on one machine: never for a real cohort."""


if SPAWNER == "simple":
    c.JupyterHub.spawner_class = KitSimpleLocalProcessSpawner
    c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # A container or a CI machine may run everything as root, which Jupyter refuses without this flag.
        c.Spawner.args = ["--allow-root"]
else:
    # To switch a test hub to real accounts: KIT_HUB_SPAWNER=local, KIT_HUB_AUTH=pam (or native), one system
    # account per name of KIT_HUB_TERRITOIRES / KIT_HUB_ANIMATEURS, the hub started as root.
    c.JupyterHub.spawner_class = KitLocalProcessSpawner

# The single-user server is this Python's (the kit's environment, where Voilà, the kit and its server
# extensions are installed), not whatever `jupyterhub-singleuser` a system account's PATH would find first.
# The environment must be readable (not writable) by every account.
c.Spawner.cmd = [sys.executable, "-m", "jupyterhub.singleuser"]
# The server's files are the kit's checkout: the apps are its notebooks/ (read-only: the checkout belongs to
# root, or to the admin, never to a territory's account). The workspaces are NOT under it: they are in
# espaces/<user>, which no URL of the server reaches (its contents and files handlers refuse any path
# outside this folder), and which the system account of another territory cannot open.
c.Spawner.notebook_dir = str(KIT)
# Logging in lands on the home app, rendered by Voilà's server extension (/voila/render/<notebook>): people
# see the kit, not JupyterLab (which stays reachable at /user/<name>/lab for whoever needs it).
c.Spawner.default_url = "/voila/render/notebooks/00_accueil.ipynb"
# The kit's first import (pydantic, ipywidgets, the reference data) takes seconds, many more when a whole
# cohort logs in at the start of a session on a small machine: give a server two minutes to answer.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# The variables a server inherits from the hub: JupyterHub's defaults (PATH, LANG...) plus the cohort's
# calendar, so that a cohort's dates are set once for every territory. Nothing else of the hub's environment
# (its proxy token above all) reaches a server.
c.Spawner.env_keep = ["CONDA_DEFAULT_ENV", "CONDA_ROOT", "JUPYTERHUB_SINGLEUSER_APP", "LANG", "LC_ALL",
                      "LD_LIBRARY_PATH", "PATH", "PYTHONPATH", "VIRTUAL_ENV", "KIT_CALENDRIER"]
c.Spawner.environment = {
    # Each user's own workspaces: the kit's store (kit/store.py) in espaces/<user>, one folder per account.
    "KIT_ESPACES": lambda spawner: str(WORKSPACES / spawner.user.name),
    # The one folder every server shares: the cohorts, and what each territory publishes for them
    # (kit/cohort/cohorts.py: a territory's server writes partages/<workspace id>.json, the facilitator's reads).
    "KIT_COHORTES": str(COHORTS),
    # The checkout is one more Jupyter prefix, as binder/start makes it on Binder: its share/jupyter holds the
    # kit's Voilà template (« quartiers », offline: no font from a CDN, the French banners), its etc/jupyter
    # enables the kit's server extensions. The checkout itself is on the config path for its voila.json (the
    # template, no tracebacks, the kernel manager), which Voilà otherwise reads only from the server's current
    # folder, and a single-user server starts in the user's home, not in notebook_dir.
    "JUPYTER_PATH": str(KIT / "share" / "jupyter"),
    "JUPYTER_CONFIG_PATH": os.pathsep.join([str(KIT / "etc" / "jupyter"), str(KIT)]),
}


def prepare_folders(spawner) -> None:
    """Before a server starts: its workspaces folder exists and is its account's only (mode 700). With system
    accounts the hub (root) gives it to the account; the kit would create it too, but with the account's
    umask and under a parent it may not be allowed to write into."""
    folder = WORKSPACES / spawner.user.name
    folder.mkdir(exist_ok=True, mode=0o700)
    if isinstance(spawner, KitLocalProcessSpawner) and os.geteuid() == 0:
        import pwd

        account = pwd.getpwnam(spawner.user.name)  # KeyError: no such account, the spawn fails and says so
        os.chown(folder, account.pw_uid, account.pw_gid)
    folder.chmod(0o700)


c.Spawner.pre_spawn_hook = prepare_folders
