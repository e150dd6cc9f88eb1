"""What « Atelier en direct » shows of session 1's activities: the proposed stakes waiting for the
facilitator (accept, merge into a stake, set aside), and the room's dot-votes."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from kit.errors import KitError
from kit.live import room

from .live_micmac import MicmacReview
from .live_panel import QueueRows, Review
from .ui import button, esc, near_line, set_options, tagged


class ProposalsReview(Review):
    activity = "propositions"

    def __init__(self, panel):
        super().__init__(panel)
        self.queue = tagged(w.VBox(), "kit-live-queue")
        self.rows = QueueRows(self.queue, "Aucune proposition en attente.")
        self.widget = w.VBox([w.HTML("<h3>Propositions à traiter</h3>"), self.queue])

    def redraw(self, shared: dict, ws) -> None:
        self.rows.show([(c["id"], room.Contribution(**c)) for c in shared["contributions"] if c["status"] == "pending"],
                       self._row, ws)

    def _row(self, contribution: room.Contribution):
        panel, store, ws_id = self.panel, self.panel.store, self.panel.ws_id
        text = w.HTML()
        accept = tagged(button("Retenir", style="success", icon="check"), "kit-live-accept")
        into = tagged(w.Dropdown(layout=w.Layout(width="300px")), "kit-live-into")
        merge = tagged(button("Fusionner", icon="compress"), "kit-live-merge")
        aside = tagged(button("Mettre de côté", icon="archive"), "kit-live-aside")
        line = near_line()

        def update(ws) -> None:  # the stakes to merge into, and the neighbourhood's name, as they are now
            places = {n.id: n.name for n in ws.neighbourhoods}
            place = f" · {esc(places[contribution.neighbourhood_id])}" if contribution.neighbourhood_id in places else ""
            text.value = (f"<b>{esc(contribution.title)}</b> <span class='kit-sub'>· "
                          f"{esc(contribution.theme or 'sans thème')} · {esc(contribution.pseudonym or 'anonyme')}"
                          f"{place}</span>")
            set_options(into, [("— fusionner avec… —", "")] + [(s.title, s.id) for s in ws.stakes])

        def on_merge(_):
            if not into.value:
                raise KitError("Choisissez l'enjeu avec lequel fusionner cette proposition.")
            panel.decided(lambda: room.merge(store, ws_id, contribution.id, into.value),
                          f"« {contribution.title} » fusionnée avec un enjeu.")

        def decide(action: Callable[[], object], said: str):
            return panel.guard(lambda _: panel.decided(action, said), near=line)

        accept.on_click(decide(lambda: room.accept(store, ws_id, contribution.id),
                               f"« {contribution.title} » retenue comme enjeu."))
        merge.on_click(panel.guard(on_merge, near=line))
        aside.on_click(decide(lambda: room.set_aside(store, ws_id, contribution.id),
                              f"« {contribution.title} » mise de côté."))
        row = w.VBox([text, w.HBox([accept, into, merge, aside], layout=w.Layout(flex_flow="row wrap")), line])
        return tagged(row, "kit-live-proposal"), update


class VotesReview(Review):
    activity = "votes"

    def __init__(self, panel):
        super().__init__(panel)
        self.widget = tagged(w.HTML(), "kit-live-votes")

    def redraw(self, shared: dict, ws) -> None:
        totals = room.vote_totals(shared)
        names = {s.id: s.title for s in ws.stakes}
        listed = sorted(((n, names[i]) for i, n in totals.items() if i in names), reverse=True)
        self.widget.value = ("<h3>Votes de la salle</h3><ol>" + "".join(
            f"<li>{esc(title)} : {n} point{'s' if n > 1 else ''}</li>" for n, title in listed) + "</ol>"
            if listed else "")

    def closed(self, ws) -> str:
        return "les votes sont ajoutés aux enjeux"


SESSION_1 = (ProposalsReview, VotesReview, MicmacReview)
