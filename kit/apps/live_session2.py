"""What « Atelier en direct » shows of session 2's activities: the relations the room proposed, which the
facilitator keeps in the actor network or sets aside, and the actors' positions on the MACTOR objectives,
shown per actor (its representatives side by side) and reported into the 2MAO matrix."""

from __future__ import annotations

import ipywidgets as w

from kit.live.activities import positions, relations

from .live_panel import QueueRows, Review
from .ui import button, esc, near_line, tagged


class RelationsReview(Review):
    activity = relations.NAME

    def __init__(self, panel):
        super().__init__(panel)
        self.queue = tagged(w.VBox(), "kit-live-relations")
        self.rows = QueueRows(self.queue, "Aucune relation en attente.")
        self.widget = w.VBox([w.HTML("<h3>Relations proposées à traiter</h3>"), self.queue])

    def redraw(self, shared: dict, ws) -> None:
        self.rows.show([(p.id, p) for p in relations.pending(shared)], self._row, {a.id: a.name for a in ws.actors})

    def _row(self, proposal: relations.Proposal):
        panel, store, ws_id = self.panel, self.panel.store, self.panel.ws_id
        text, names = w.HTML(), {}
        accept = tagged(button("Retenir", style="success", icon="check"), "kit-live-relation-accept")
        aside = tagged(button("Mettre de côté", icon="archive"), "kit-live-relation-aside")
        line = near_line()

        def described() -> str:
            return relations.describe(proposal, names)

        def update(latest: dict[str, str]) -> None:  # the actors' names as they are now
            names.clear()
            names.update(latest)
            text.value = f"<b>{esc(described())}</b> <span class='kit-sub'>· {esc(proposal.pseudonym or 'anonyme')}</span>"

        def on_accept(_):
            added: list[bool] = []
            said = described()
            panel.decided(lambda: added.append(relations.accept(store, ws_id, proposal.id)[1]),
                          f"Relation « {said} » ajoutée au réseau d'acteurs.")
            if not added[0]:
                panel.said(f"« {said} » : le réseau avait déjà une relation de ce type entre ces deux acteurs, "
                           "elle n'est pas ajoutée deux fois.")

        def on_aside(_):
            said = described()
            panel.decided(lambda: relations.set_aside(store, ws_id, proposal.id), f"Relation « {said} » mise de côté.")

        accept.on_click(panel.guard(on_accept, near=line))
        aside.on_click(panel.guard(on_aside, near=line))
        row = w.VBox([text, w.HBox([accept, aside], layout=w.Layout(flex_flow="row wrap")), line])
        return tagged(row, "kit-live-relation"), update


class PositionsReview(Review):
    activity = positions.NAME

    def __init__(self, panel):
        super().__init__(panel)
        self.table = tagged(w.HTML(), "kit-live-positions")
        self.pending = tagged(w.HTML(), "kit-live-positions-kept")
        self.apply = tagged(button("Reporter dans la matrice 2MAO", style="primary", icon="table"),
                            "kit-live-positions-apply")
        self.replace = tagged(button("Remplacer aussi les cases déjà remplies", icon="exchange"),
                              "kit-live-positions-replace")
        line = near_line()
        self.apply.on_click(panel.guard(lambda _: self._report(False), near=line))
        self.replace.on_click(panel.guard(lambda _: self._report(True), near=line))
        self.buttons = w.HBox([self.apply, self.replace], layout=w.Layout(flex_flow="row wrap"))
        self.widget = w.VBox([w.HTML("<h3>Positions reçues des acteurs</h3>"), self.table, self.pending,
                              self.buttons, line])

    def _report(self, replace: bool) -> None:
        panel, done = self.panel, []
        panel.decided(lambda: done.append(positions.apply(panel.store, panel.ws_id, replace=replace)),
                      "Positions reportées dans la matrice 2MAO.")
        result, ws = done[0], panel.store.load(panel.ws_id)
        written = len(result.write)
        said = (f"{written} position{'s' if written > 1 else ''} reportée{'s' if written > 1 else ''} dans la matrice "
                "2MAO." if written else "Rien de nouveau à reporter dans la matrice 2MAO.")
        if result.kept:
            said += (f" {len(result.kept)} case(s) que vous aviez remplie(s) autrement n'ont pas changé ("
                     + " ; ".join(result.sentences(ws)[:len(result.kept)]) + ") : « Remplacer aussi les cases déjà "
                     "remplies » leur donne la valeur de la salle.")
        if result.disagree:
            said += f" {len(result.disagree)} case(s) à trancher : les représentants d'un même acteur divergent."
        panel.said(said)

    def redraw(self, shared: dict, ws) -> None:
        said = positions.received(shared)
        actors = {a.id: a.name for a in ws.actors}
        cells = {(c.actor_id, c.objective_id): c.value for c in ws.actor_positions}
        objectives = [o for o in ws.objectives]
        parts = []
        for actor_id, answers in said.items():
            shown = [o for o in objectives if any(o.id in p for _, p in answers)]
            head = "".join(f"<th>{esc(pseudonym)}</th>" for pseudonym, _ in answers)
            body = "".join(
                f"<tr><td>{esc(o.title)}</td><td>{esc(positions.signed(cells.get((actor_id, o.id), 0)))}</td>" + "".join(
                    f"<td>{esc(positions.signed(p[o.id])) if o.id in p else '—'}</td>" for _, p in answers) + "</tr>"
                for o in shown)
            parts.append(f"<h4>{esc(actors.get(actor_id, 'Acteur supprimé'))}</h4><table class='kit-table'><tr>"
                         f"<th>objectif</th><th>matrice 2MAO</th>{head}</tr>{body}</table>")
        self.table.value = "".join(parts) or "<p class='kit-sub'>Aucune position reçue pour le moment.</p>"
        plan = positions.plan(ws, shared)
        notes = plan.sentences(ws)
        self.pending.value = (
            (f"<p>{len(plan.write)} case(s) à reporter dans la matrice 2MAO.</p>" if plan.write else "") +
            ("<p><b>Cases à regarder</b> (« Reporter » ne les change pas) :</p><ul>" +
             "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>" if notes else ""))
        self.buttons.layout.display = None if said else "none"
        self.replace.disabled = not plan.kept

    def closed(self, ws) -> str:
        return "« Reporter dans la matrice 2MAO » y met les positions reçues"


SESSION_2 = (RelationsReview, PositionsReview)
