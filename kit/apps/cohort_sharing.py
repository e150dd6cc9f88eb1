"""The home page's « Regards croisés » panel: what the workspace shares with its cohorts, and which
cohorts it belongs to. The choice is the territory's own (consent first): nothing of the workspace
reaches the cohort's folder beyond it, and a change is applied to the cohort's copy at once."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from kit.cohort.cohorts import CohortFolder
from kit.cohort.sharing import LEVEL_HELP, LEVELS, level_of
from kit.errors import KitError
from kit.store import Store
from kit.text import quote

from .ui import app_exists, button, esc, near_line, set_options, tagged

COHORT_APP = "50_regards_croises.ipynb"


class SharingPanel:
    """`on_saved(ws, message)`: the home page redraws the workspace and says what was done."""

    def __init__(self, store: Store, guard: Callable, on_saved: Callable):
        self.store = store
        self.folder = CohortFolder.of(store)
        self.on_saved = on_saved
        self.ws = None
        self.level = tagged(w.ToggleButtons(options=[(label, key) for key, label in LEVELS.items()],
                                            style={"button_width": "auto"}), "kit-sharing-level")
        self.note = near_line("kit-sharing-note")
        self.level.observe(guard(self._level_chosen, near=self.note), names="value")
        self.level_help = tagged(w.HTML(), "kit-sharing-help")
        self.memberships = tagged(w.HTML(), "kit-sharing-cohorts")
        self.joinable = tagged(w.Dropdown(description="Cohorte", layout=w.Layout(width="420px")), "kit-sharing-choice")
        join = tagged(button("Rejoindre cette cohorte", icon="sign-in"), "kit-sharing-join")
        join.on_click(guard(lambda _: self._join(), near=self.note))
        self.leavable = tagged(w.Dropdown(description="Quitter", layout=w.Layout(width="420px")), "kit-sharing-leave-choice")
        leave = tagged(button("Quitter cette cohorte", icon="sign-out"), "kit-sharing-leave")
        leave.on_click(guard(lambda _: self._leave(), near=self.note))
        self.join_row = w.HBox([self.joinable, join])
        self.leave_row = w.HBox([self.leavable, leave])
        link = (f"<a class='kit-link' href='./{COHORT_APP}'>Ouvrir les regards croisés de la cohorte →</a>"
                if app_exists(COHORT_APP) else "")
        self.widget = tagged(w.VBox([
            w.HTML("<h2>Regards croisés : ce que l'espace partage avec sa cohorte</h2><p class='kit-sub'>Les territoires "
                   "d'une même édition du programme se comparent et s'inspirent. C'est vous qui choisissez ce qui "
                   f"leur est montré. {link}</p>"),
            self.level, self.level_help, self.memberships, self.join_row, self.leave_row, self.note,
        ]), "kit-sharing")
        self._showing = False

    def show(self, ws) -> None:
        self.ws = ws
        self._showing = True  # showing the saved level is no choice of the person's
        try:
            self.level.value = level_of(ws)
        finally:
            self._showing = False
        self.level_help.value = f"<p class='kit-sub'>{esc(LEVEL_HELP[level_of(ws)])}</p>"
        mine = self.folder.cohorts_of(ws.id)
        others = [c for c in self.folder.cohorts() if c not in mine]
        if mine:
            names = ", ".join(quote(c.name) for c in mine)
            shared = ("ne partage rien pour l'instant" if level_of(ws) == "rien" else
                      f"partage {LEVELS[level_of(ws)].lower()}")
            self.memberships.value = f"<p>Membre de : {esc(names)} ; l'espace {esc(shared)}.</p>"
        elif others:
            self.memberships.value = "<p>L'espace n'est dans aucune cohorte : rien n'est partagé.</p>"
        else:
            self.memberships.value = ("<p class='kit-sub'>Aucune cohorte pour l'instant : l'animateur du programme la "
                                      "crée dans l'application « Regards croisés », puis chaque territoire la rejoint "
                                      "ici.</p>")
        set_options(self.joinable, [(c.name, c.id) for c in others])
        set_options(self.leavable, [(c.name, c.id) for c in mine])
        self.join_row.layout.display = "" if others else "none"
        self.leave_row.layout.display = "" if mine else "none"

    def _level_chosen(self, change) -> None:
        if self._showing or self.ws is None or change["new"] == level_of(self.ws):
            return
        ws = self.store.update(self.ws.id, lambda ws: setattr(ws, "sharing", change["new"]))
        self.folder.publish(ws)  # the cohort's copy follows at once, removed when « rien »
        said = {"rien": "L'espace ne partage plus rien : il a disparu des regards croisés de ses cohortes.",
                "resume": "L'espace partage désormais un résumé avec ses cohortes.",
                "tout": "L'espace partage désormais tout, sauf les noms et coordonnées des personnes."}
        self.on_saved(ws, said[change["new"]])

    def _join(self) -> None:
        if not self.joinable.value:
            raise KitError("Choisissez la cohorte à rejoindre.")
        ws = self.store.load(self.ws.id)
        cohort = self.folder.join(self.joinable.value, ws)
        what = ("il ne partage rien tant que vous ne choisissez pas « Un résumé » ou « Tout »"
                if level_of(ws) == "rien" else f"il partage {LEVELS[level_of(ws)].lower()}")
        self.on_saved(ws, f"L'espace a rejoint la cohorte {quote(cohort.name)} : {what}.")

    def _leave(self) -> None:
        if not self.leavable.value:
            raise KitError("Choisissez la cohorte à quitter.")
        cohort = self.folder.leave(self.leavable.value, self.ws.id)
        self.on_saved(self.store.load(self.ws.id), f"L'espace a quitté la cohorte {quote(cohort.name)}.")
