"""« Atelier en direct » in a session app: the room's phones take part in an activity (propose stakes, vote,
score MICMAC pairs...), the projected app shows the join address and its QR code, and what arrives (within
about a second), which the facilitator reviews and applies.

The panel is the same in every app; what it shows of each activity is a `Review` (`kit/apps/live_reviews.py`
for session 1's proposals and votes), which the app chooses.

The phones never open Voilà: they talk to the participant server (`kit.live.server`, a process of its own,
started here with `kit.live.command.atelier_command`), which keeps what they send beside the workspace
(`kit.live.room`). This panel only reads that file when its stamp moves (`room.stamp`, a stat each tick of
`Ticker`) and writes through `room.accept` / `merge` / `set_aside`, which save the workspace through the store.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import anywidget
import ipywidgets as w
import traitlets as t

from kit.errors import KitError
from kit.live import room
from kit.live.names import HUB_PREFIX_VARIABLE
from kit.store import Store

from .plot import STATIC
from .ui import button, esc, near_line, tagged

PORT = 8870  # the participant server's usual port (a free one if another workshop holds it)
SERVER_START_S = 20  # the participant server answers within a second or two; a busy laptop may take longer


class Ticker(anywidget.AnyWidget):
    """Hidden: a message every `every_ms` while the page is shown."""

    _esm = STATIC / "ticker.js"
    every_ms = t.Int(1000).tag(sync=True)

    def on_tick(self, callback: Callable[[], None]) -> None:
        self.on_msg(lambda _, content, buffers: callback() if isinstance(content, dict) and
                    content.get("kind") == "tick" else None)


class Review:
    """What the panel shows of one activity, under the join codes; `redraw(shared, ws)` when the room's file or
    the workspace moved, `closed(ws)` once the facilitator closed the activity (a sentence to add, or "")."""

    activity = ""

    def __init__(self, panel: LivePanel):
        self.panel = panel
        self.widget: w.Widget = w.VBox()

    def redraw(self, shared: dict, ws) -> None:
        raise NotImplementedError

    def closed(self, ws) -> str:
        return ""


class QueueRows:
    """The rows of a moderation queue in `box`, one per pending item, kept by the item's id from one redraw to
    the next: the room sends every second, and rebuilding every row would send them all to the browser again
    and undo what the facilitator was choosing in one (the stake to merge into). A row leaves, closed, once its
    item is decided; `build(item)` gives a new item's row and the function that brings it up to date."""

    def __init__(self, box: w.Box, empty: str):
        self.box, self.empty = box, w.HTML(f"<p class='kit-sub'>{esc(empty)}</p>")
        self.rows: dict[str, tuple[w.Widget, Callable]] = {}

    def show(self, items: list[tuple[str, object]], build: Callable, *context) -> None:
        wanted = dict(items)
        for item_id in [i for i in self.rows if i not in wanted]:
            _close_all(self.rows.pop(item_id)[0])
        for item_id, item in wanted.items():
            if item_id not in self.rows:
                self.rows[item_id] = build(item)
            self.rows[item_id][1](*context)
        self.box.children = [self.rows[i][0] for i in wanted] or [self.empty]


def _close_all(widget: w.Widget) -> None:
    """Close a widget and what it holds (its children, layout and style): nothing of a decided row stays in
    the kernel or the page."""
    for child in getattr(widget, "children", ()):
        _close_all(child)
    for part in ("layout", "style"):
        if isinstance(getattr(widget, part, None), w.Widget):
            getattr(widget, part).close()
    widget.close()


class LivePanel:
    """The panel; `on_saved(ws)` redraws the app after the room's contributions changed the workspace.
    `reviews`: the activities the app offers, each a `Review` subclass (built here with the panel)."""

    def __init__(self, store: Store, ws_id: str, guard: Callable, on_saved: Callable, reviews,
                 intro: str = "", origin: Callable[[], str] = lambda: ""):
        self.store, self.ws_id, self.on_saved, self.guard = store, ws_id, on_saved, guard
        self.origin = origin  # where the page's browser reached it (a JupyterHub's address)
        self.server: subprocess.Popen | None = None  # the participant server this page started, if any
        self._stamp: object = "never"
        self.reviews = [make(self) for make in reviews]
        names = [r.activity for r in self.reviews]
        self.activity = tagged(w.ToggleButtons(options=[(room.ACTIVITIES[n], n) for n in names], value=names[0],
                                               style={"button_width": "auto"}), "kit-live-activity")
        self.network = tagged(w.Checkbox(value=True, description="Téléphones du Wi-Fi de la salle (sinon : cet "
                                         "ordinateur seulement)", indent=False, layout=w.Layout(width="auto")),
                              "kit-live-network")
        self.note = near_line("kit-live-note")
        start = tagged(button("Ouvrir l'activité aux téléphones", style="primary", icon="mobile"), "kit-live-open")
        close = tagged(button("Fermer l'activité", icon="lock"), "kit-live-close")
        stop = tagged(button("Arrêter le serveur des participants", icon="stop"), "kit-live-stop")
        if os.environ.get(HUB_PREFIX_VARIABLE):  # on a JupyterHub: no server to start or stop, no Wi-Fi to choose
            stop.layout.display = self.network.layout.display = "none"
        start.on_click(guard(lambda _: self.open(), near=self.note))
        close.on_click(guard(lambda _: self.close(), near=self.note))
        stop.on_click(guard(lambda _: self.stop(), near=self.note))
        self.join = tagged(w.HTML(), "kit-live-join")
        self.ticker = Ticker()
        self.ticker.on_tick(guard(self.tick))
        self.activity.observe(lambda _: self._show_chosen(), names="value")
        self._show_chosen()
        self.widget = w.VBox([
            w.HTML("<h2>Atelier en direct</h2><p class='kit-sub'>" + esc(intro or (
                "Les participants contribuent depuis leur téléphone, sans compte : projetez l'adresse et le code "
                "QR. Ce qu'ils envoient arrive ici, et vous décidez de ce qui entre dans le projet.")) + "</p>"),
            self.activity, self.network, w.HBox([start, close, stop]), self.note, self.join,
            *(r.widget for r in self.reviews), self.ticker])
        self.redraw()

    def _show_chosen(self) -> None:
        """Under the codes, only what the chosen activity received: the room sees one thing at a time."""
        for review in self.reviews:
            review.widget.layout.display = None if review.activity == self.activity.value else "none"

    def said(self, text: str) -> None:
        """The panel's line under its buttons: what was just done."""
        self.note.value = f"<div class='kit-msg kit-msg-ok'>{esc(text)}</div>"

    def decided(self, action: Callable[[], object], said: str) -> None:
        """A review's decision (accept, merge, apply...): done, then the app and the panel redrawn."""
        action()
        self.on_saved(self.store.load(self.ws_id))
        self.redraw()
        self.said(said)

    # -- the participant server and the activities ------------------------------------------------------

    def open(self) -> None:
        activity = self.activity.value
        room.open_activity(self.store, self.ws_id, activity)
        hub_prefix = os.environ.get(HUB_PREFIX_VARIABLE)
        if hub_prefix:
            self._on_the_hub(hub_prefix)
        elif room.join_url(self.store, self.ws_id, activity) is None:
            self._start_server(activity)
        self.redraw()
        self.said(f"Activité « {room.ACTIVITIES[activity]} » ouverte : les téléphones peuvent la rejoindre.")

    def _on_the_hub(self, prefix: str) -> None:
        """On a JupyterHub, this territory's own server answers the phones (`kit.live.jupyter`): no server
        to start, and the address is the hub's, as the facilitator's browser reached it."""
        origin = self.origin()
        if not origin.startswith(("http://", "https://")):
            raise KitError("L'adresse de cette page n'est pas encore connue : réessayez dans un instant.")
        room.set_server(self.store, self.ws_id, origin.rstrip("/") + prefix)

    def _start_server(self, activity: str) -> None:
        """The participant server in a process of its own (it goes on if this page closes: the room keeps
        sending), on its usual port, or on a free one when another workshop holds that port."""
        from kit.live.command import atelier_command

        log = self.store.side_path(self.ws_id, "journal").with_suffix(".log")
        log.parent.mkdir(parents=True, exist_ok=True)
        for port in (PORT, 0):
            with open(log, "ab") as out:
                self.server = subprocess.Popen(
                    atelier_command([self.ws_id], activity=activity, network=self.network.value, port=port),
                    stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_server_env(self.store),
                    start_new_session=True)
            deadline = time.monotonic() + SERVER_START_S
            while room.join_url(self.store, self.ws_id, activity) is None:
                if self.server.poll() is not None:
                    break  # did not start (its port taken): the next port, or the French refusal below
                if time.monotonic() > deadline:
                    raise KitError("Le serveur des participants ne répond pas encore : réessayez dans un instant.")
                time.sleep(0.2)
            else:
                return
        raise KitError("Le serveur des participants n'a pas démarré : lancez-le dans un terminal avec "
                       f"python -m kit atelier {self.ws_id} --reseau, et lisez ce qu'il dit.", details=_tail(log))

    def close(self) -> None:
        activity = self.activity.value
        room.close_activity(self.store, self.ws_id, activity)  # closing the votes adds them to the stakes
        ws = self.store.load(self.ws_id)
        self.on_saved(ws)
        self.redraw()
        added = next((r.closed(ws) for r in self.reviews if r.activity == activity), "")
        self.said(f"Activité « {room.ACTIVITIES[activity]} » fermée{' : ' + added if added else ''}.")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
        elif room.read(self.store, self.ws_id).get("server"):
            raise KitError("Ce serveur a été lancé ailleurs (un terminal, une autre page) : arrêtez-le là, avec Ctrl+C.")
        self.server = None
        self.redraw()
        self.said("Serveur des participants arrêté.")

    # -- what the page shows -----------------------------------------------------------------------------

    def tick(self) -> None:
        """Each second while the page is shown: redraw only when the room's file moved."""
        if room.stamp(self.store, self.ws_id) != self._stamp:
            self.redraw()

    def redraw(self) -> None:
        self._stamp = room.stamp(self.store, self.ws_id)
        shared = room.read(self.store, self.ws_id)
        self.join.value = _join_html(self.store, self.ws_id, shared, [r.activity for r in self.reviews])
        ws = self.store.load(self.ws_id)
        for review in self.reviews:
            review.redraw(shared, ws)


def _join_html(store: Store, ws_id: str, shared: dict, activities: list[str]) -> str:
    """The address, the code and the QR code of each open activity, large, for projection."""
    from kit.live.qr import qr_svg

    parts = []
    for name in activities:
        label = room.ACTIVITIES[name]
        if not room.is_open(shared, name):
            continue
        url = room.join_url(store, ws_id, name)
        code = room.activity(shared, name).get("code") or ""
        if url is None:
            parts.append(f"<p>« {esc(label)} » est ouverte, mais aucun serveur des participants ne tourne : ouvrez "
                         "l'activité ci-dessus pour le lancer.</p>")
            continue
        svg = qr_svg(url, scale=8, fit=True).decode("utf-8")  # made by segno from the address: markup of its own only
        parts.append(f"<div class='kit-live-code' style='display:flex;gap:24px;align-items:center'>"
                     f"<div class='kit-live-qr' style='width:260px'>{svg}</div><div><p style='font-size:22px'>{esc(label)}</p>"
                     f"<p style='font-size:28px'><b>{esc(url)}</b></p>"
                     f"<p style='font-size:40px;letter-spacing:6px'>Code : <b>{esc(code)}</b></p></div></div>")
    style = "<style>.kit-live-qr svg { display: block; width: 100%; height: auto; }</style>"
    return style + "".join(parts) if parts else "<p class='kit-sub'>Aucune activité ouverte.</p>"


def _server_env(store: Store) -> dict[str, str]:
    import os

    return {**os.environ, "KIT_ESPACES": str(store.folder)}


def _tail(log: Path) -> list[str]:
    try:
        return log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
    except OSError:
        return []
