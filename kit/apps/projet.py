"""Session 2 app, "Construire le projet": cap and objectives, actors and project group, actor network,
governance, actor strategies (MACTOR) and power/interest grid, work plan and deliverable.

Every number comes from `kit.sessions.project` and the pure methods it adapts; widgets are built once and
updated in place; every edit is saved at once through `SessionApp.save`.
"""

from __future__ import annotations

import ipywidgets as w

from kit import charts, edits
from kit.sessions import project, steering
from kit.reference.resources import load_actor_types
from kit.errors import KitError
from kit.methods import governance, network
from kit.methods.meetings import french_time
from kit.model import Actor, GovernanceBody, GroupMember, Objective, Relation, Vision, checked
from kit.reports.tables import csv_bytes
from kit.store import Store

from .grid import Grid
from .inputs import DateInput, checked_date, checked_number, checked_time
from .session_app import SessionApp
from .session_plan import session_plan
from .ui import (EntityForm, button, checks_html, choice, download_link, esc, near_line, on_choice, set_options,
                 table_html, tagged)

PARTS = ("cap", "actors", "network", "governance", "mactor", "plan")


FIRST_MEETING, MEETING_TIME = "La date de la première réunion", "L'heure des réunions"


def meeting_inputs(day_css: str, time_css: str, label: str = "Première réunion le") -> tuple[DateInput, w.Text]:
    """A body's first meeting: the browser's date box, and the time typed as 14h30 (see `checked_time`)."""
    width = f"{len(label) * 9 + 200}px"  # the label whole, and the date in full beside it
    day = tagged(tagged(DateInput(description=label, layout=w.Layout(width=width)), day_css), "kit-label-whole")
    at = tagged(w.Text(description="à", placeholder="14h30", layout=w.Layout(width="150px"),
                       style={"description_width": "initial"}), time_css)
    return day, at


def bodies_frame(ws):
    """The bodies as the governance tab lists them, with their first meeting."""
    import pandas as pd

    return pd.DataFrame([{"instance": b.name, "type": b.kind, "rythme": b.rhythm,
                          "première réunion": steering.first_meeting_text(b)} for b in ws.bodies],
                        columns=["instance", "type", "rythme", "première réunion"])


class ProjectApp(SessionApp):
    title = "Session 2 — Construire le projet"
    css = "kit-projet"
    parts = PARTS
    notebook = "20_projet.ipynb"

    def sections(self) -> list[tuple[str, w.Widget]]:
        return [("1. Cap et objectifs", self._cap()), ("2. Acteurs et groupe projet", self._actors()),
                ("3. Réseau d'acteurs", self._network()), ("4. Gouvernance", self._governance()),
                ("5. Stratégies d'acteurs", self._mactor()),
                ("6. Plan de travail et livrable", session_plan(
                    self, number=2, next_step="la session 3", deliverable="session2",
                    contents="Cap et objectifs, groupe projet, carte des acteurs, gouvernance, MACTOR et plan de travail"))]

    # -- 1. cap and objectives --------------------------------------------------------------------

    def _cap(self) -> w.Widget:
        # A plain number box (a bounded one clamps silently): the model's bounds are checked on save.
        horizon = tagged(w.IntText(description="Horizon", layout=w.Layout(width="200px")), "kit-horizon")
        cap_note = near_line("kit-cap-note")
        ambition = tagged(w.Textarea(placeholder="L'ambition pour les quartiers à cet horizon",
                                     layout=w.Layout(width="760px", height="70px")), "kit-ambition")
        save_cap = tagged(button("Enregistrer le cap", style="primary", icon="save"), "kit-save-cap")
        title = tagged(w.Text(placeholder="Intitulé de l'objectif", layout=w.Layout(width="520px")), "kit-objective-title")
        level = tagged(w.ToggleButtons(options=["stratégique", "opérationnel"], style={"button_width": "auto"}),
                       "kit-objective-level")
        parent = choice("Rattaché à", "kit-objective-parent", "520px")
        answered = tagged(w.SelectMultiple(description="Enjeux", rows=4, layout=w.Layout(width="640px")),
                          "kit-objective-stakes")
        add = tagged(button("Ajouter l'objectif", style="primary", icon="plus"), "kit-add-objective")
        remove_choice = choice("Objectif", "kit-objective-remove-choice", "520px")
        remove = tagged(button("Retirer", icon="trash"), "kit-remove-objective")
        load = tagged(button("Modifier", icon="pencil"), "kit-load-objective")
        update = tagged(button("Enregistrer l'objectif", style="primary", icon="save"), "kit-update-objective")
        def tree_figure(ws):
            return charts.objective_tree(project.objectives_frame(ws), ws.vision.ambition, ws.vision.horizon)

        tree = self.figure(lambda: tree_figure(self.ws), "kit-objective-tree")
        table, gaps = tagged(w.HTML(), "kit-objectives"), tagged(w.HTML(), "kit-objective-gaps")
        # What a save writes: only what the person changed since the form was loaded (see `EntityForm`).
        cap = EntityForm({"horizon": horizon, "ambition": ambition},
                         read={"horizon": lambda box: checked_number(box.value, Vision, "horizon")})
        def offered(ids):
            return tuple(i for i in ids if i in dict(answered.options).values())

        edited = EntityForm({"title": title, "stake_ids": answered}, show={"stake_ids": offered},
                            read={"stake_ids": lambda box: list(box.value)})

        def on_cap(_):
            self.save_form(cap, lambda ws: ws.vision, "Cap enregistré.", parts=("cap",))

        def on_add(_):
            top = level.value == "stratégique"
            if not top and not parent.value:
                raise KitError("Un objectif opérationnel se rattache à un objectif stratégique : choisissez-le.")
            new = checked(lambda: Objective(title=title.value, level=level.value, parent_id=None if top else parent.value,
                                            stake_ids=list(answered.value)))

            def change(ws):
                edits.require_unique(ws.objectives, new.title, f"L'objectif « {new.title} » existe déjà.")
                ws.objectives.append(new)

            self.save(change, f"Objectif « {new.title} » ajouté.", parts=("cap", "mactor"))
            title.value = ""
            edited.show(None, self.ws.revision)  # the form no longer edits the objective it was given

        def on_load(_):
            chosen = next((o for o in self.ws.objectives if o.id == remove_choice.value), None)
            if chosen is None:
                raise KitError("Choisissez l'objectif à modifier.")
            edited.load(chosen, self.ws.revision)
            self.messages.info("Modifiez l'intitulé ou les enjeux ci-dessus, puis « Enregistrer l'objectif ».")

        def on_update(_):
            chosen = remove_choice.value
            if not chosen:
                raise KitError("Choisissez l'objectif à modifier.")
            if edited.key != chosen:
                raise KitError("Cliquez d'abord sur « Modifier » : l'objectif choisi vient alors dans le formulaire.")

            def unique_title(ws, objective, written):
                if "title" in written:
                    edits.require_unique(ws.objectives, objective.title,
                                         f"Un autre objectif s'intitule déjà « {objective.title} ».", ignore_id=chosen)

            self.save_form(edited, lambda ws: edits.objective(ws, chosen), "Objectif enregistré.",
                           parts=("cap", "mactor"), check=unique_title)
            title.value = ""
            edited.show(None, self.ws.revision)  # the form adds objectives again

        def on_remove(_):
            chosen = remove_choice.value
            if not chosen:
                raise KitError("Choisissez l'objectif à retirer.")
            self.save(lambda ws: edits.remove_objective(ws, chosen),
                      "Objectif retiré (avec ses objectifs opérationnels ; rétablissable depuis l'historique).",
                      parts=("cap", "mactor"))

        def redraw(ws):
            cap.show(ws.vision, ws.revision)  # what the person is typing stays
            frame = project.objectives_frame(ws)
            tree.show(lambda: tree_figure(ws))
            table.value = table_html(frame[["objectif", "niveau", "rattaché à", "enjeux"]]) if not frame.empty else ""
            unanswered, untied = project.objective_gaps(ws)
            gaps.value = "".join([
                f"<p><b>Enjeux auxquels aucun objectif ne répond :</b> {esc(', '.join(unanswered))}</p>" if unanswered else "",
                f"<p><b>Objectifs rattachés à aucun enjeu :</b> {esc(', '.join(untied))}</p>" if untied else ""])
            set_options(parent, [("", "")] + [(o.title, o.id) for o in ws.objectives if o.level == "stratégique"])
            set_options(answered, [(s.title, s.id) for s in ws.stakes])
            set_options(remove_choice, [("", "")] + [(o.title, o.id) for o in ws.objectives])

        save_cap.on_click(self.messages.guard(on_cap, near=cap_note))
        for widget, handler in ((add, on_add), (remove, on_remove), (load, on_load),
                                (update, on_update)):
            widget.on_click(self.messages.guard(handler))
        self.on("cap", redraw)
        return w.VBox([w.HTML("<h2>Le cap</h2>"), w.HBox([horizon, save_cap]), ambition, cap_note,
                       w.HTML("<h2>L'arbre des objectifs</h2>"), w.HBox([title, level]), parent, answered, add,
                       tree.widget, table, gaps, w.HBox([remove_choice, load, update, remove])])

    # -- 2. actors and project group ----------------------------------------------------------------

    def _actors(self) -> w.Widget:
        kinds = [""] + load_actor_types()["libelle"].tolist()
        name = tagged(w.Text(placeholder="Nom de l'acteur (structure ou personne)", layout=w.Layout(width="420px")),
                      "kit-actor-name")
        kind = choice("Type", "kit-actor-kind", "360px", options=kinds)
        person = tagged(w.Text(placeholder="Personne référente", layout=w.Layout(width="300px")), "kit-actor-person")
        contact = tagged(w.Text(placeholder="Contact (courriel, téléphone)", layout=w.Layout(width="300px")),
                         "kit-actor-contact")
        add = tagged(button("Ajouter l'acteur", style="primary", icon="plus"), "kit-add-actor")
        listing = tagged(w.HTML(), "kit-actor-list")
        remove_choice = choice("Acteur", "kit-actor-remove-choice")
        remove = tagged(button("Retirer l'acteur", icon="trash"), "kit-remove-actor")
        member = choice("Membre", "kit-member-choice")
        role = choice("Rôle", "kit-member-role", "380px", options=list(governance.ROLES))
        join = tagged(button("Ajouter au groupe projet", style="primary", icon="user-plus"), "kit-add-member")
        leave = tagged(button("Retirer du groupe", icon="user-times"), "kit-remove-member")
        group = tagged(w.HTML(), "kit-group")
        checklist = tagged(w.HTML(), "kit-group-checklist")

        def on_add(_):
            new = checked(lambda: Actor(name=name.value, kind=kind.value, person=person.value, contact=contact.value))

            def change(ws):
                edits.require_unique(ws.actors, new.name, f"L'acteur « {new.name} » figure déjà.", field="name")
                ws.actors.append(new)

            # The map (tab 3) is redrawn first: it is what the room looks at when an actor joins.
            self.save(change, f"Acteur « {new.name} » ajouté.", parts=("network", "actors", "governance", "mactor"))
            name.value = person.value = contact.value = ""

        def on_remove(_):
            chosen = remove_choice.value
            if not chosen:
                raise KitError("Choisissez l'acteur à retirer.")
            self.save(lambda ws: edits.remove_actor(ws, chosen),
                      "Acteur retiré, avec ses relations et ses places (rétablissable depuis l'historique).")

        def on_join(_):
            chosen, chosen_role = member.value, role.value
            if not chosen:
                raise KitError("Choisissez l'acteur à ajouter au groupe projet.")
            self.save(lambda ws: ws.project_group.append(GroupMember(actor_id=chosen, role=chosen_role)),
                      "Groupe projet mis à jour.", parts=("actors", "governance"))

        def on_leave(_):
            chosen = member.value
            self.save(lambda ws: setattr(ws, "project_group", [m for m in ws.project_group if m.actor_id != chosen]),
                      "Groupe projet mis à jour.", parts=("actors", "governance"))

        def redraw(ws):
            frame = project.actors_frame(ws)
            listing.value = (table_html(frame[["name", "kind", "person", "contact"]].rename(
                columns={"name": "acteur", "kind": "type", "person": "personne", "contact": "contact"}))
                if not frame.empty else "<p class='kit-sub'>Aucun acteur pour l'instant.</p>")
            options = [("", "")] + [(a.name, a.id) for a in ws.actors]
            set_options(remove_choice, options)
            set_options(member, options)
            members = project.group_frame(ws)
            group.value = (table_html(members[["name", "role", "kind"]].rename(
                columns={"name": "acteur", "role": "rôle", "kind": "type"})) if not members.empty
                else "<p class='kit-sub'>Le groupe projet est vide.</p>")
            checklist.value = checks_html(project.group_checklist(ws))

        for widget, handler in ((add, on_add), (remove, on_remove), (join, on_join), (leave, on_leave)):
            widget.on_click(self.messages.guard(handler))
        self.on("actors", redraw)
        return w.VBox([w.HTML("<h2>Les acteurs</h2>"), w.HBox([name, kind]), w.HBox([person, contact, add]), listing,
                       w.HBox([remove_choice, remove]),
                       w.HTML("<h2>Le groupe projet</h2><p class='kit-sub'>Un binôme élu et technicien pour la "
                              "politique de la ville, un pour les transitions, et les acteurs clés du quartier.</p>"),
                       w.HBox([member, role]), w.HBox([join, leave]), group, checklist])

    # -- 3. network -----------------------------------------------------------------------------------

    def _network(self) -> w.Widget:
        source = choice("De", "kit-relation-source", "380px")
        target = choice("Vers", "kit-relation-target", "380px")
        kind = choice("Nature", "kit-relation-kind", "300px", options=list(network.RELATION_KINDS))
        intensity = tagged(w.ToggleButtons(options=[("faible", 1), ("moyenne", 2), ("forte", 3)], value=2,
                                           style={"button_width": "auto"}), "kit-relation-intensity")
        add = tagged(button("Ajouter la relation", style="primary", icon="plus"), "kit-add-relation")
        size_by = choice("Taille selon", "kit-size-by", "380px",
                          options=[(v, k) for k, v in network.SIZE_LABELS.items()], value="betweenness")
        highlight = choice("Mettre en avant", "kit-highlight", "420px")
        readings = tagged(w.HTML(), "kit-network-readings")
        table = tagged(w.HTML(), "kit-network-metrics")
        exports = tagged(w.HTML(), "kit-network-exports")

        def figure(ws):
            actors, relations = project.actors_frame(ws), project.relations_frame(ws)
            if actors.empty:
                return charts.placeholder("Ajoutez des acteurs, puis leurs relations")
            metrics = network.metrics(network.build_graph(actors, relations))
            return network.network_figure(actors, relations, metrics, size_by.value, highlight.value or None,
                                          groups=project.network_groups(ws))

        view = self.figure(lambda: figure(self.ws), "kit-network-map")

        def on_add(_):
            if not source.value or not target.value:
                raise KitError("Choisissez les deux acteurs de la relation.")
            if source.value == target.value:
                raise KitError("Une relation relie deux acteurs différents.")
            new = checked(lambda: Relation(source=source.value, target=target.value, kind=kind.value,
                                           intensity=intensity.value))
            self.save(lambda ws: ws.relations.append(new), "Relation ajoutée.", parts=("network",))

        def redraw(ws):
            options = [("", "")] + [(a.name, a.id) for a in ws.actors]
            set_options(source, options)
            set_options(target, options)
            current = highlight.value
            set_options(highlight, options)
            highlight.value = current if current in {a.id for a in ws.actors} else ""
            view.show(lambda: figure(ws))
            actors, relations = project.actors_frame(ws), project.relations_frame(ws)
            if actors.empty:
                readings.value = table.value = exports.value = ""
                return
            graph = network.build_graph(actors, relations)
            metrics = network.metrics(graph)
            readings.value = "<ul>" + "".join(f"<li>{esc(r)}</li>" for r in network.readings(graph, metrics, actors)) + "</ul>"
            shown = metrics[["name", "kind", "degree", "betweenness", "closeness", "community"]].rename(
                columns={k: network.METRIC_LABELS.get(k, k) for k in metrics.columns})
            table.value = table_html(shown)
            edges = network.edges_table(actors, relations)
            exports.value = (download_link(network.to_gexf(actors, relations, metrics), "reseau_acteurs.gexf",
                                           "Réseau pour Gephi (GEXF)", "application/xml") + " &nbsp; " +
                             download_link(csv_bytes(edges), "relations.csv",
                                           "Relations (tableau CSV)", "text/csv"))

        add.on_click(self.messages.guard(on_add))
        for control in (size_by, highlight):
            control.observe(self.messages.guard(lambda _: view.show(lambda: figure(self.ws))), names="value")
        self.on(("network", "actors", "governance"), redraw)
        return w.VBox([w.HTML("<h2>Les relations entre acteurs</h2>"), w.HBox([source, target]),
                       w.HBox([kind, intensity, add]), w.HBox([size_by, highlight]), view.widget,
                       w.HTML("<h2>Ce que dit le réseau</h2>"), readings, table, exports])

    # -- 4. governance --------------------------------------------------------------------------------

    def _governance(self) -> w.Widget:
        name = tagged(w.Text(placeholder="Nom de l'instance", layout=w.Layout(width="420px")), "kit-body-name")
        kind = choice("Type", "kit-body-kind", "360px", options=list(governance.BODY_KINDS))
        lead = choice("Pilote", "kit-body-lead", "380px")
        members = tagged(w.SelectMultiple(description="Membres", rows=5, layout=w.Layout(width="520px")),
                         "kit-body-members")
        rhythm = tagged(w.Text(placeholder="Rythme (ex. : trimestriel)", layout=w.Layout(width="300px")), "kit-body-rhythm")
        decides = tagged(w.Text(placeholder="Ce qu'elle décide", layout=w.Layout(width="520px")), "kit-body-decides")
        reports_to = choice("Rend compte à", "kit-body-reports", "420px")
        first, at = meeting_inputs("kit-body-first", "kit-body-time")
        add = tagged(button("Ajouter l'instance", style="primary", icon="plus"), "kit-add-body")
        body_note = near_line("kit-body-note")
        listing = tagged(w.HTML(), "kit-bodies-list")
        # The first meeting of a body already described (in the application, or before this field existed).
        chosen_body = choice("Première réunion de", "kit-body-meeting-choice", "460px")
        first_edit, at_edit = meeting_inputs("kit-body-first-edit", "kit-body-time-edit", "le")
        save_meeting = tagged(button("Enregistrer", icon="save"), "kit-save-body-meeting")
        meeting_note = near_line("kit-body-meeting-note")
        meeting_form = EntityForm({"first_meeting": first_edit, "meeting_time": at_edit},
                                  show={"meeting_time": lambda t: french_time(t) if t else ""},
                                  read={"first_meeting": lambda box: checked_date(box, FIRST_MEETING),
                                        "meeting_time": lambda box: checked_time(box.value, MEETING_TIME)})
        remove_choice = choice("Instance", "kit-body-remove-choice")
        remove = tagged(button("Retirer l'instance", icon="trash"), "kit-remove-body")
        checklist = tagged(w.HTML(), "kit-governance-checklist")

        def figure(ws):
            if not ws.bodies:
                return charts.placeholder("Ajoutez l'instance décisionnelle, puis les comités")
            return governance.governance_figure(project.bodies_records(ws), project.actors_frame(ws))

        view = self.figure(lambda: figure(self.ws), "kit-governance-map")

        def on_add(_):
            day, moment = checked_date(first, FIRST_MEETING), checked_time(at.value, MEETING_TIME)
            new = checked(lambda: GovernanceBody(name=name.value, kind=kind.value, lead_id=lead.value or None,
                                                 member_ids=list(members.value), rhythm=rhythm.value,
                                                 decides=decides.value, reports_to=reports_to.value or None,
                                                 first_meeting=day, meeting_time=moment))

            def change(ws):
                edits.require_unique(ws.bodies, new.name, f"L'instance « {new.name} » existe déjà.", field="name")
                ws.bodies.append(new)

            self.save(change, f"Instance « {new.name} » ajoutée.", parts=("governance", "actors"))
            name.value = rhythm.value = decides.value = at.value = ""
            first.value = None

        def show_meeting(_=None):
            found = next((b for b in self.ws.bodies if b.id == chosen_body.value), None)
            if found is None:
                first_edit.value, at_edit.value = None, ""
            meeting_form.show(found, self.ws.revision)

        def on_save_meeting(_):
            chosen = chosen_body.value
            if not chosen:
                raise KitError("Choisissez l'instance dont vous fixez la première réunion.")
            self.save_form(meeting_form, lambda ws: edits.body(ws, chosen), "Première réunion enregistrée.",
                           parts=("governance",))

        def on_remove(_):
            chosen = remove_choice.value
            if not chosen:
                raise KitError("Choisissez l'instance à retirer.")
            self.save(lambda ws: edits.remove_body(ws, chosen), "Instance retirée.", parts=("governance", "actors"))

        def redraw(ws):
            actor_options = [("", "")] + [(a.name, a.id) for a in ws.actors]
            set_options(lead, actor_options)
            set_options(members, actor_options[1:])
            body_options = [("", "")] + [(b.name, b.id) for b in ws.bodies]
            set_options(reports_to, body_options)
            set_options(remove_choice, body_options)
            set_options(chosen_body, body_options)
            show_meeting()
            listing.value = table_html(bodies_frame(ws)) if ws.bodies else ""
            view.show(lambda: figure(ws))
            checklist.value = checks_html(project.governance_checks(ws))

        add.on_click(self.messages.guard(on_add, near=body_note))
        save_meeting.on_click(self.messages.guard(on_save_meeting, near=meeting_note))
        on_choice(chosen_body, self.messages.guard(show_meeting))
        remove.on_click(self.messages.guard(on_remove))
        self.on(("governance", "actors"), redraw)
        return w.VBox([w.HTML("<h2>Les instances du projet</h2>"), w.HBox([name, kind]), w.HBox([lead, reports_to]),
                       members, w.HBox([rhythm, decides]), w.HBox([first, at]), add, body_note, listing,
                       w.HBox([chosen_body, first_edit, at_edit, save_meeting]), meeting_note,
                       view.widget, checklist, w.HBox([remove_choice, remove])])

    # -- 5. MACTOR and power/interest -------------------------------------------------------------------

    def _mactor(self) -> w.Widget:
        mid = tagged(Grid(choices=["0", "1", "2", "3", "4"], short_headers=True, corner="influence de ↓ sur →",
                          cell_hint="Influence de « {row} » sur « {col} » : 0 aucune, 1 sur ses procédures, 2 sur ses "
                                    "projets, 3 sur ses missions, 4 sur son existence",
                          choice_error="« {value} » : tapez un entier de 0 à 4"), "kit-mid-grid")
        mao = tagged(Grid(choices=[str(i) for i in range(-4, 5)] + [f"+{i}" for i in range(1, 5)],
                          corner="position de ↓ sur →",
                          cell_hint="Position de « {row} » sur « {col} » : de -4 (opposé, vital) à +4 (favorable, "
                                    "vital), 0 neutre",
                          choice_error="« {value} » : tapez un entier de -4 à +4"), "kit-mao-grid")
        power_grid = tagged(Grid(choices=[str(i) for i in range(11)], corner="acteur",
                                 columns=[{"id": "power", "label": "pouvoir"}, {"id": "interest", "label": "intérêt"}],
                                 cell_hint="{col} de « {row} » : de 0 à 10", choice_error="« {value} » : de 0 à 10"),
                            "kit-power-grid")
        derive = tagged(button("Déduire de MACTOR", icon="magic"), "kit-derive-power")
        tables = tagged(w.HTML(), "kit-mactor-tables")

        def strategy_figure(ws, draw):
            result = project.actor_strategies(ws)
            if result is None:
                return charts.placeholder("Remplissez les deux matrices pour voir les rapports de force")
            return draw(result)

        plane = self.figure(lambda: strategy_figure(self.ws, lambda r: charts.actor_plane(r.actors, r.cuts)),
                            "kit-actor-plane")
        convergence = self.figure(lambda: strategy_figure(
            self.ws, lambda r: charts.convergence_graph(r.edges, list(r.actors.index))), "kit-convergence")
        mobilisation = self.figure(lambda: strategy_figure(self.ws, lambda r: charts.mobilisation(r.objectives)),
                                   "kit-mobilisation")
        power = self.figure(lambda: charts.power_interest(project.actors_frame(self.ws)), "kit-power-interest")

        def on_mid(source, target, text):
            self.save(lambda ws: edits.set_actor_influence(ws, source, target, text), "Influence enregistrée.",
                      parts=("mactor",))
            return "" if text.strip() in ("", "0") else text.strip()

        def on_mao(actor_id, objective_id, text):
            self.save(lambda ws: edits.set_position(ws, actor_id, objective_id, text), "Position enregistrée.",
                      parts=("mactor",))
            number = int(text.strip() or 0)
            return "" if number == 0 else f"{number:+d}"

        def on_power(actor_id, field, text):
            if text.strip() and not (text.strip().isdigit() and int(text) <= 10):
                raise KitError(f"« {text} » : le {'pouvoir' if field == 'power' else 'intérêt'} se note de 0 à 10.")
            value = int(text) if text.strip() else None
            self.save(lambda ws: checked(lambda: setattr(edits.actor(ws, actor_id), field, value)),
                      "Placement enregistré.", parts=("mactor",))

        def on_derive(_):
            result = project.actor_strategies(self.ws)
            if result is None:
                raise KitError("Remplissez d'abord les matrices MACTOR (influences et positions).")
            scores = project.power_interest_from_mactor(result)
            label = project.labels(self.ws.actors)

            def change(ws):
                for actor in ws.actors:
                    if label.get(actor.id) in scores:
                        actor.power, actor.interest = scores[label[actor.id]]

            self.save(change, "Pouvoir et intérêt déduits de MACTOR (rapport de force et mobilisation).",
                      parts=("mactor",))

        def redraw(ws):
            actors = [{"id": a.id, "label": a.name} for a in ws.actors]
            mid.rows, mid.columns = actors, actors
            mid.disabled_cells = [f"{a.id}|{a.id}" for a in ws.actors]
            mid.values = {f"{c.source}|{c.target}": str(c.value) for c in ws.actor_influences}
            mao.rows = actors
            mao.columns = [{"id": o.id, "label": o.title} for o in ws.objectives]
            mao.values = {f"{c.actor_id}|{c.objective_id}": f"{c.value:+d}" for c in ws.actor_positions}
            power_grid.rows = actors
            power_grid.values = {f"{a.id}|{field}": str(getattr(a, field)) for a in ws.actors
                                 for field in ("power", "interest") if getattr(a, field) is not None}
            plane.show(lambda: strategy_figure(ws, lambda r: charts.actor_plane(r.actors, r.cuts)))
            convergence.show(lambda: strategy_figure(ws, lambda r: charts.convergence_graph(r.edges, list(r.actors.index))))
            mobilisation.show(lambda: strategy_figure(ws, lambda r: charts.mobilisation(r.objectives)))
            power.show(lambda: charts.power_interest(project.actors_frame(ws)))
            result = project.actor_strategies(ws)
            if result is None:
                tables.value = ""
                return
            balance = result.actors[["influence", "dependence", "ri_star", "sector", "mobilisation_3"]].rename(
                columns={"influence": "influence (MIDI)", "dependence": "dépendance", "ri_star": "rapport de force ri*",
                         "sector": "position", "mobilisation_3": "mobilisation"}).reset_index(names="acteur")
            tables.value = (table_html(balance) + "".join(
                f"<p class='kit-msg kit-msg-info'>{esc(m)}</p>" for m in result.warnings))

        for grid, handler in ((mid, on_mid), (mao, on_mao), (power_grid, on_power)):
            grid.on_edit(handler, lambda error: self.messages.error(error.message))
        derive.on_click(self.messages.guard(on_derive))
        self.on(("mactor", "actors", "cap"), redraw)
        return w.VBox([
            w.HTML("<h2>Influences directes entre acteurs (MID)</h2>"), mid,
            w.HTML("<h2>Positions des acteurs sur les objectifs (2MAO)</h2>"), mao,
            plane.widget, tables, convergence.widget, mobilisation.widget,
            w.HTML("<h2>Grille pouvoir / intérêt</h2><p class='kit-sub'>Placez chaque acteur à la main, ou déduisez "
                   "son pouvoir du rapport de force et son intérêt de sa mobilisation.</p>"),
            power_grid, derive, power.widget])


def project_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The session 2 app's root widget (what `notebooks/20_projet.ipynb` displays)."""
    return ProjectApp(store, workspace_id).root
