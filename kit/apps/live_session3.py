"""What « Atelier en direct » shows of session 3's activity: the room's ranking of the fiches action by their
dots, and « Reporter dans les priorités des fiches », which turns it into haute / moyenne / basse by the rule
of `kit.live.activities.priorites` (shown under the ranking). Applying is the facilitator's click, never the
activity's close: a priority they set by hand afterwards stays."""

from __future__ import annotations

import ipywidgets as w

from kit.live.activities import priorites
from kit.reports.html_table import html_table

from .live_panel import Review
from .ui import button, esc, near_line, tagged


def _points(n: int) -> str:
    return f"{n} point{'s' if n > 1 else ''}"


class PrioritiesReview(Review):
    activity = priorites.NAME

    def __init__(self, panel):
        super().__init__(panel)
        self.ranking = tagged(w.HTML(), "kit-live-priorities")
        self.apply = tagged(button("Reporter dans les priorités des fiches", style="primary", icon="sort"),
                            "kit-live-priorities-apply")
        self.line = near_line("kit-live-priorities-note")
        self.apply.on_click(panel.guard(lambda _: self.applied(), near=self.line))
        self.widget = w.VBox([self.ranking, w.HTML(f"<p class='kit-sub'>{esc(priorites.RULE)}</p>"), self.apply,
                              self.line])

    def applied(self) -> None:
        result: list = []
        self.panel.decided(lambda: result.append(priorites.apply(self.panel.store, self.panel.ws_id)),
                           "Classement de la salle reporté dans les priorités des fiches.")
        changed = result[0][1]
        self.panel.said("Classement de la salle reporté dans les priorités des fiches : " + (
            f"{changed} fiche{'s' if changed > 1 else ''} changée{'s' if changed > 1 else ''}." if changed
            else "elles l'avaient déjà."))

    def redraw(self, shared: dict, ws) -> None:
        ranked = priorites.ranking(shared, ws)
        self.apply.disabled = not ranked
        if not ranked:
            self.ranking.value = ("<h3>Priorités de la salle</h3><p class='kit-sub'>Aucune fiche action n'a encore "
                                  "reçu de point.</p>")
            return
        people = priorites.participants(shared)
        table = html_table(["rang", "fiche", "points", "participants", "priorité actuelle", "selon la salle"],
                           [[str(r.place + 1), r.title, _points(r.dots), str(r.participants), r.current, r.level]
                            for r in ranked], [True, False, True, True, False, False], css_class="kit-table")
        ranked_ids = {r.id for r in ranked}
        without = [a.title for a in ws.actions if a.id not in ranked_ids]
        rest = (f"<p class='kit-sub'>Sans point (priorité inchangée) : {esc(', '.join(without))}</p>" if without else "")
        self.ranking.value = (
            f"<h3>Priorités de la salle</h3><p>{people} participant{'s' if people > 1 else ''} "
            f"{'ont' if people > 1 else 'a'} donné des points.</p>"
            f"{table}{rest}")

    def closed(self, ws) -> str:
        return "rien n'est reporté tout seul : « Reporter dans les priorités des fiches » le fait"


SESSION_3 = (PrioritiesReview,)
