"""The room's activities, one module each, on one pattern (what the participant server asks of them):

    NAME, LABEL      the activity's name (as in `python -m kit atelier --activite`) and its French label
    SCRIPT           its page's own script, between `pages.SCRIPT_HEAD` and `pages.SCRIPT_TAIL` (uses `K`)
    page(ctx)        -> (title, body HTML, data for the script): the participant's page
    state(ctx, who)  -> dict: what /etat answers the participant `who` ("" when not given), beyond open/message
    send(ctx, body)  -> dict: what the phone sent, checked and kept through `kit.live.room` (its lock), and
                     the answer's fields (a `message` at least); a `KitError` is a French refusal, `room.Busy`
                     and `room.RateLimited` ask the phone to send again later

The facilitator's side of each activity (what the apps show and apply) is in the same module, as plain
functions of the store, so the apps and the command line share them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from kit.live import pages, room
from kit.live.names import ACTIVITIES
from kit.model import Workspace
from kit.store import Store



def _modules() -> dict[str, ModuleType]:
    """Each activity of `names.ACTIVITIES` by its module here (`priorites` in priorites.py...)."""
    found = {}
    for name in ACTIVITIES:
        try:
            found[name] = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as missing:
            if missing.name != f"{__name__}.{name}":
                raise
            # Not written yet: the server does not offer it (tests/unit/test_live_activities.py names it).
    return found


MODULES: dict[str, ModuleType] = _modules()
SCRIPTS = {name: pages.page_script(module.SCRIPT) for name, module in MODULES.items()}
CONTENT_SECURITY_POLICY = pages.content_security_policy(SCRIPTS.values())


@dataclass(frozen=True)
class Context:
    """One request's view of an activity: the store, the workspace and the room's side file as last read."""

    store: Store
    ws: Workspace
    side: dict
    name: str
    code: str
    themes: tuple[str, ...]
    prefix: str = "/"  # where the server's routes are ("/user/<name>/atelier/" on a JupyterHub)

    @property
    def open(self) -> bool:
        return room.is_open(self.side, self.name)

    @property
    def settings(self) -> dict:
        return room.activity(self.side, self.name)


def module(name: str) -> ModuleType:
    return MODULES[room._activity_name(name)]


def render(ctx: Context) -> str:
    """The participant's page of the activity: its body under the closed notice, with its script."""
    title, body, data = module(ctx.name).page(ctx)
    heading = (f"<h1>{pages.text(title)}</h1><p class='ws'>{pages.text(ctx.ws.name)}</p>"
               f"{pages.notice(ctx.open, room.closed_sentence(ctx.name))}")
    data = {"code": ctx.code, "base": f"{ctx.prefix}{ctx.code}", "activity": ctx.name, **data}
    return pages.page(title, heading + body, data, SCRIPTS[ctx.name])


def state(ctx: Context, participant: str) -> dict:
    opened = ctx.open
    return {"ok": True, "open": opened, "message": "" if opened else room.closed_sentence(ctx.name),
            **module(ctx.name).state(ctx, participant)}


def send(ctx: Context, body: dict) -> dict:
    return module(ctx.name).send(ctx, body)
