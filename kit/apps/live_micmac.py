"""What « Atelier en direct » shows of « Noter les influences (MICMAC) »: how many cells have their k scores,
the cells where the room disagrees most, the aggregate chosen (median, mean, most frequent value), the
activity's settings (k, cells per participant), and « Reporter dans la matrice », which writes the room's
values into the direct-influence matrix without overwriting a cell the facilitator rated otherwise (those
are listed; a second button replaces them). The rules are in `kit.live.activities.micmac`."""

from __future__ import annotations

import ipywidgets as w

from kit.live import room
from kit.live.activities import micmac

from .live_panel import Review
from .ui import button, esc, near_line, tagged

SHOWN = 12  # rows of the disagreement table


def _value(value) -> str:
    return "—" if value is None else str(value)


class MicmacReview(Review):
    activity = "micmac"

    def __init__(self, panel):
        super().__init__(panel)
        self.coverage = tagged(w.HTML(), "kit-live-micmac-coverage")
        self.method = tagged(w.ToggleButtons(options=[(label, name) for name, label in micmac.METHODS.items()],
                                             value=micmac.DEFAULT_METHOD, style={"button_width": "auto"}),
                             "kit-live-micmac-method")
        self.k = tagged(w.BoundedIntText(value=micmac.DEFAULT_K, min=1, max=micmac.K_MAX,
                                         description="Notes par case", style={"description_width": "auto"},
                                         layout=w.Layout(width="190px")), "kit-live-micmac-k")
        self.share = tagged(w.BoundedIntText(value=micmac.DEFAULT_SHARE, min=1, max=micmac.SHARE_MAX,
                                             description="Paires par participant", style={"description_width": "auto"},
                                             layout=w.Layout(width="240px")), "kit-live-micmac-share")
        save = tagged(button("Enregistrer les réglages", icon="save"), "kit-live-micmac-save")
        self.table = tagged(w.HTML(), "kit-live-micmac-table")
        self.conflicts = tagged(w.HTML(), "kit-live-micmac-conflicts")
        self.apply = tagged(button("Reporter dans la matrice", style="primary", icon="table"), "kit-live-micmac-apply")
        self.replace = tagged(button("Remplacer aussi les cases notées autrement", style="warning", icon="exchange"),
                              "kit-live-micmac-replace")
        self.line = near_line()
        guard = panel.guard
        save.on_click(guard(lambda _: self.save_settings(), near=self.line))
        self.method.observe(guard(lambda change: self.choose(change["new"]), near=self.line), names="value")
        self.apply.on_click(guard(lambda _: self.report(replace=False), near=self.line))
        self.replace.on_click(guard(lambda _: self.report(replace=True), near=self.line))
        self._drawing = False
        self._settings: dict = {}  # as last drawn: a redraw leaves a number being typed alone
        self.widget = w.VBox([
            w.HTML("<h3>Notes MICMAC de la salle</h3><p class='kit-sub'>Chaque participant note une part des "
                   "paires d'enjeux ; une case n'est reportée dans la matrice qu'avec assez de notes. Médiane et "
                   "moyenne : P quand plus de la moitié des notes sont P, sinon calculées sur les notes 0 à 3 "
                   "(médiane : entre deux valeurs du milieu, la plus basse). Valeur la plus fréquente : P compte "
                   "comme une note (à égalité, la plus basse). L'écart va de la note la plus basse à la plus "
                   "haute.</p>"),
            self.coverage, self.method, w.HBox([self.k, self.share, save], layout=w.Layout(flex_flow="row wrap")),
            self.table, self.conflicts, w.HBox([self.apply, self.replace], layout=w.Layout(flex_flow="row wrap")),
            self.line])

    # -- the facilitator's decisions ------------------------------------------------------------------------

    def save_settings(self) -> None:
        panel = self.panel
        panel.decided(lambda: micmac.configure(panel.store, panel.ws_id, k=int(self.k.value),
                                               share=int(self.share.value)),
                      f"Réglages enregistrés : {self.k.value} notes par case, {self.share.value} paires par "
                      "nouveau participant.")

    def choose(self, method: str) -> None:
        if self._drawing:
            return
        panel = self.panel
        panel.decided(lambda: micmac.configure(panel.store, panel.ws_id, method=method),
                      f"Valeur des cases : {micmac.METHODS[method]}.")

    def report(self, *, replace: bool) -> None:
        panel = self.panel
        shared, ws = room.read(panel.store, panel.ws_id), panel.store.load(panel.ws_id)
        coming = self._plan(shared, ws, replace=replace)
        n = len(coming.write)
        said = (f"{n} case{'s' if n > 1 else ''} reportée{'s' if n > 1 else ''} dans la matrice" if n else
                "Aucune case à reporter dans la matrice")
        if coming.conflicts:
            said += (f" ; {len(coming.conflicts)} case(s) notée(s) autrement dans la matrice laissée(s) telle(s) "
                     "quelle(s)")
        panel.decided(lambda: micmac.apply_scores(panel.store, panel.ws_id, replace=replace), said + ".")

    # -- what it shows --------------------------------------------------------------------------------------

    @staticmethod
    def _plan(shared: dict, ws, *, replace: bool = False) -> micmac.Plan:
        wanted = micmac.settings(shared)
        found = micmac.aggregate(room.answers(shared, micmac.NAME), micmac.live_cells(ws), wanted["method"])
        applied = room.activity(shared, micmac.NAME).get("applied") or {}
        return micmac.plan(found, ws.influences, applied, wanted["k"], replace=replace)

    def redraw(self, shared: dict, ws) -> None:
        wanted = micmac.settings(shared)
        if wanted != self._settings:
            self._drawing = True
            try:
                self.method.value, self.k.value, self.share.value = wanted["method"], wanted["k"], wanted["share"]
            finally:
                self._drawing = False
            self._settings = wanted
        answers = room.answers(shared, micmac.NAME)
        found = micmac.aggregate(answers, micmac.live_cells(ws), wanted["method"])
        titles = {s.id: s.title for s in ws.stakes}
        scores = sum(c.count for c in found.values())
        none = sum(1 for c in found.values() if not c.count)
        if not found:
            self.coverage.value = "<p class='kit-sub'>Il faut au moins deux enjeux pour noter des influences.</p>"
        else:
            self.coverage.value = (
                f"<p style='font-size:20px'><b>{esc(micmac.coverage_sentence(found, wanted['k']))}</b></p>"
                f"<p class='kit-sub'>{len(answers)} participant{'s' if len(answers) > 1 else ''} · {scores} "
                f"note{'s' if scores > 1 else ''} · {none} case{'s' if none > 1 else ''} sans aucune note</p>")
        disputed = sorted((c for c in found.values() if c.count > 1 and c.disagreement[:2] != (0, False)),
                          key=lambda c: c.disagreement, reverse=True)[:SHOWN]
        if disputed:
            rows = "".join(
                f"<tr><td>{esc(titles[c.source])} → {esc(titles[c.target])}</td>"
                f"<td>{esc(', '.join(map(str, c.scores)))}</td><td><b>{esc(_value(c.value))}</b></td>"
                f"<td>{esc(_value(c.spread))}{' · P mêlé' if 0 < c.potential < c.count else ''}"
                f"{' · désaccord' if c.disagrees else ''}</td></tr>" for c in disputed)
            self.table.value = ("<p><b>Où la salle n'est pas d'accord</b></p><table class='kit-table'><tr>"
                                "<th>Influence de → sur</th><th>Notes</th><th>Valeur</th><th>Écart</th></tr>"
                                f"{rows}</table>")
        else:
            self.table.value = ("<p class='kit-sub'>Aucun désaccord entre les notes pour le moment.</p>"
                                if scores else "")
        coming = self._plan(shared, ws)
        if coming.conflicts:
            items = "".join(
                f"<li>{esc(titles[s])} → {esc(titles[t])} : {esc(_value(there))} dans la matrice, {esc(_value(room_value))} "
                "pour la salle</li>"
                for cell_key, (there, room_value) in coming.conflicts.items() for s, t in [micmac.pair(cell_key)])
            self.conflicts.value = (f"<p><b>{len(coming.conflicts)} case(s) déjà notée(s) autrement dans la matrice"
                                    "</b> : « Reporter dans la matrice » les laisse telles quelles.</p>"
                                    f"<ul>{items}</ul>")
        else:
            self.conflicts.value = ""
        n = len(coming.write)
        self.apply.description = f"Reporter dans la matrice ({n} case{'s' if n > 1 else ''})"
        self.apply.disabled = not n
        self.replace.disabled = not coming.conflicts
        self.replace.layout.display = None if coming.conflicts else "none"
