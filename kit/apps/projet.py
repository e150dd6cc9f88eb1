"""Session 2 app, "Construire le projet": cap and objectives, actors and project group, actor network,
governance, actor strategies (MACTOR) and power/interest grid, work plan and deliverable.

Every number comes from `kit.sessions.project` and the pure methods it adapts; widgets are built once and
updated in place; every edit is saved at once through `SessionApp.save`.

Every list that offers actors, bodies, objectives or stakes is a `SessionApp.choices` list: what was just
created is offered at once in every tab. Objectives, actors and bodies are edited in place (`EntityForm`,
`SessionApp.save_form`: their ids, so their links, stay), and the edit form shows what was just created.
Removing an actor that something cites asks first, naming what (`edits.actor_references`).
"""

from __future__ import annotations

from collections.abc import Callable

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

from .grid import Grid, pasted_refusal
from .inputs import DateInput, checked_date, checked_number, checked_time
from .session_app import SessionApp
from .session_plan import session_plan
from .ui import (EntityForm, button, checks_html, choice, download_link, esc, near_line, on_choice, table_html,
                 tagged)

PARTS = ("cap", "actors", "network", "governance", "mactor", "plan")


FIRST_MEETING, MEETING_TIME = "La date de la première réunion", "L'heure des réunions"
NEW_OBJECTIVE = ("— nouvel objectif —", "")  # the objective form's choice that adds rather than edits


def short_enough(text: str, model, field: str, what: str) -> str:
    """`text`, or a refusal naming how long it is when it exceeds what the model keeps in `field` (`Name`,
    `ShortText`: 200 characters): said where the person types, rather than pydantic's words."""
    limit = next((m.max_length for m in model.model_fields[field].metadata if hasattr(m, "max_length")), None)
    length = len(text.strip())
    if limit is not None and length > limit:
        raise KitError(f"{what} compte {length} caractères, {limit} au plus : raccourcissez ce texte.")
    return text


def one_of(items, item_id: str, kind: str):
    """The entity `item_id` of `items` in the latest revision, or the French sentence saying it was removed."""
    return edits.existing(items, [item_id], edits.GONE[kind])[0]


def blank(form: EntityForm) -> None:
    """Empty an edit form's widgets (nothing chosen to edit): no field still shows another entity."""
    for widget in form.widgets.values():
        if isinstance(widget, w.SelectMultiple):
            widget.value = ()
        elif isinstance(widget, (w.Dropdown, w.ToggleButtons)):
            if widget.options:
                widget.index = 0
        else:
            widget.value = None if isinstance(widget, DateInput) else ""


class Confirmation:
    """« Supprimer » → a question naming what goes with it → « Oui, supprimer » or « Annuler » (as the home app
    asks before removing a workspace). `asked` holds what is being confirmed while the question is open."""

    def __init__(self, css: str, yes: str):
        self.question = tagged(w.HTML(), f"{css}-question")
        self.yes = tagged(button(yes, style="danger", icon="trash"), f"{css}-confirm")
        self.no = tagged(button("Annuler"), f"{css}-cancel")
        self.widget = w.VBox([self.question, w.HBox([self.yes, self.no])], layout=w.Layout(display="none"))
        self.asked: dict = {}

    def ask(self, html: str, **asked) -> None:
        self.asked = asked
        self.question.value = html
        self.widget.layout.display = None

    def close(self) -> None:
        self.asked = {}
        self.widget.layout.display = "none"

    def confirmed(self, chosen: str, references: Callable[[], list[str]], ask_again: Callable[[], None], *,
                  choose: str, changed: str) -> None:
        """« Oui » clicked for `chosen` (the entity chosen now): refused with `choose` when the question was
        about another one; asked again (`ask_again`) and refused with `changed` when `references()` (on the
        latest revision) cites more than the question said. The caller closes the question once it removes."""
        if self.asked.get("id") is None or self.asked["id"] != chosen:
            self.close()
            raise KitError(choose)
        if set(references()) - set(self.asked["found"]):
            ask_again()  # cited somewhere else meanwhile: ask again, saying it
            raise KitError(changed)


def question_html(head: str, lead: str, found: list[str], tail: str) -> str:
    """The question before a removal: `head` in bold, then `lead` and what goes with it (`found`), then `tail`."""
    return (f"<b>{esc(head)}</b> {esc(lead)}<ul>" + "".join(f"<li>{esc(item)}</li>" for item in found)
            + f"</ul>{esc(tail)}")


def members_box(css: str) -> w.SelectMultiple:
    return tagged(w.SelectMultiple(description="Membres", rows=6, layout=w.Layout(width="640px"),
                                   style={"description_width": "initial"}), css)


def chosen_line(box: w.SelectMultiple, css: str, indent: str) -> w.HTML:
    """The members chosen in `box`, named under it (`indent`: under the list, past its label): in a long list,
    those chosen may be scrolled out of sight."""
    line = tagged(w.HTML(layout=w.Layout(margin=f"0 0 0 {indent}")), css)

    def say(_=None):
        labels = {value: label for label, value in box.options}
        names = [labels[v] for v in box.value if v in labels]
        line.value = (f"<span class='kit-sub'>Choisis ({len(names)}) : {esc(', '.join(names))}</span>" if names else
                      "<span class='kit-sub'>Aucun membre choisi (Ctrl+clic, ou Cmd+clic sur Mac, pour en choisir "
                      "plusieurs).</span>")

    box.observe(say, names=("value", "options"))
    say()
    return line


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
                    contents="Cap et objectifs, groupe projet, carte des acteurs, gouvernance, MACTOR et plan de travail")),
                ("Atelier en direct", self._live())]

    # -- the room's phones (kit/apps/live_panel.py) ------------------------------------------------------

    def _live(self) -> w.Widget:
        from .live_session2 import SESSION_2

        return self.live_tab(SESSION_2, "Les téléphones de la salle disent avec qui leur structure travaille, ou "
                                        "donnent la position de leur acteur sur les objectifs, sans compte ni application.")

    # -- 1. cap and objectives --------------------------------------------------------------------

    def _cap(self) -> w.Widget:
        # A plain number box (a bounded one clamps silently): the model's bounds are checked on save.
        horizon = tagged(w.IntText(description="Horizon", layout=w.Layout(width="200px")), "kit-horizon")
        cap_note = near_line("kit-cap-note")
        ambition = tagged(w.Textarea(placeholder="L'ambition pour les quartiers à cet horizon",
                                     layout=w.Layout(width="760px", height="70px")), "kit-ambition")
        save_cap = tagged(button("Enregistrer le cap", style="primary", icon="save"), "kit-save-cap")
        # One form adds and edits: the objective chosen is what it shows (a new one is chosen once added).
        chooser = self.choices(choice("Objectif", "kit-objective-choice", "760px"),
                               lambda ws: [NEW_OBJECTIVE] + [(o.title, o.id) for o in ws.objectives])
        title = tagged(w.Text(placeholder="Intitulé de l'objectif", layout=w.Layout(width="520px")), "kit-objective-title")
        level = tagged(w.ToggleButtons(options=["stratégique", "opérationnel"], style={"button_width": "auto"}),
                       "kit-objective-level")
        parent = self.choices(choice("Rattaché à", "kit-objective-parent", "520px", disabled=True),
                              lambda ws: [("", "")] + [(o.title, o.id) for o in ws.objectives
                                                       if o.level == "stratégique"])
        answered = self.choices(tagged(w.SelectMultiple(description="Enjeux", rows=4, layout=w.Layout(width="640px")),
                                       "kit-objective-stakes"), lambda ws: [(s.title, s.id) for s in ws.stakes])
        add = tagged(button("Ajouter l'objectif", style="primary", icon="plus"), "kit-add-objective")
        update = tagged(button("Enregistrer l'objectif", icon="save"), "kit-update-objective")
        remove = tagged(button("Retirer l'objectif", icon="trash"), "kit-remove-objective")
        objective_note = near_line("kit-objective-note")
        removal = Confirmation("kit-objective-delete", "Oui, retirer")  # asked first when it takes more with it

        def tree_figure(ws):
            return charts.objective_tree(project.objectives_frame(ws), ws.vision.ambition, ws.vision.horizon)

        tree = self.figure(lambda: tree_figure(self.ws), "kit-objective-tree")
        table, gaps = tagged(w.HTML(), "kit-objectives"), tagged(w.HTML(), "kit-objective-gaps")
        # What a save writes: only what the person changed since the form was loaded (see `EntityForm`).
        cap = EntityForm({"horizon": horizon, "ambition": ambition},
                         read={"horizon": lambda box: checked_number(box.value, Vision, "horizon")})

        def offered(ids):
            return tuple(i for i in ids if i in dict(answered.options).values())

        edited = EntityForm({"title": title, "level": level, "parent_id": parent, "stake_ids": answered},
                            show={"parent_id": lambda v: v or "", "stake_ids": offered},
                            read={"title": lambda box: short_enough(box.value, Objective, "title",
                                                                    "L'intitulé de l'objectif"),
                                  "parent_id": lambda box: box.value or None,
                                  "stake_ids": lambda box: list(box.value)})

        def on_level(change):
            parent.disabled = change["new"] == "stratégique"
            if parent.disabled:
                parent.value = ""  # a strategic objective hangs under none

        def on_cap(_):
            self.save_form(cap, lambda ws: ws.vision, "Cap enregistré.", parts=("cap",))

        def on_add(_):
            top = level.value == "stratégique"
            if not top and not parent.value:
                raise KitError("Un objectif opérationnel se rattache à un objectif stratégique : choisissez-le.")
            short_enough(title.value, Objective, "title", "L'intitulé de l'objectif")
            new = checked(lambda: Objective(title=title.value, level=level.value, parent_id=None if top else parent.value,
                                            stake_ids=list(answered.value)))

            def change(ws):
                edits.require_unique(ws.objectives, new.title, f"L'objectif « {new.title} » existe déjà.")
                # A clear message if someone removed what the person chose meanwhile.
                edits.existing(ws.objectives, [new.parent_id] if new.parent_id else [], edits.GONE["objectif"])
                edits.existing(ws.stakes, new.stake_ids, edits.GONE["enjeux"])
                ws.objectives.append(new)

            self.save(change, f"Objectif « {new.title} » ajouté : le voici dans le formulaire, à compléter si besoin.",
                      parts=("cap", "mactor"))
            chooser.value = new.id  # what was just created is what the form edits next

        def chosen_id(what: str) -> str:
            if not chooser.value:
                raise KitError(f"Choisissez l'objectif à {what} dans la liste « Objectif ».")
            return chooser.value

        def on_update(_):
            chosen = chosen_id("modifier")

            def rules(ws, objective, written):
                if "title" in written:
                    edits.require_unique(ws.objectives, objective.title,
                                         f"Un autre objectif s'intitule déjà « {objective.title} ».", ignore_id=chosen)
                if objective.level == "stratégique":
                    objective.parent_id = None
                    return
                if any(o.parent_id == chosen for o in ws.objectives):
                    raise KitError(f"« {objective.title} » a des objectifs opérationnels : il reste stratégique "
                                   "(rattachez-les d'abord à un autre objectif).")
                if not objective.parent_id:
                    raise KitError("Un objectif opérationnel se rattache à un objectif stratégique : choisissez-le.")
                if objective.parent_id == chosen:
                    raise KitError("Un objectif ne se rattache pas à lui-même : choisissez un autre objectif stratégique.")
                [above] = edits.existing(ws.objectives, [objective.parent_id], edits.GONE["objectif"])
                if above.level != "stratégique":
                    raise KitError("Un objectif opérationnel se rattache à un objectif stratégique.")

            self.save_form(edited, lambda ws: one_of(ws.objectives, chosen, "objectif"), "Objectif enregistré.",
                           parts=("cap", "mactor"), check=rules)

        def on_remove(_):
            chosen = chosen_id("retirer")
            latest = self.store.load(self.ws_id)
            found = edits.objective_references(latest, chosen)
            label = one_of(latest.objectives, chosen, "objectif").title
            if not found:
                remove_now(chosen, label)
                return
            removal.ask(question_html(f"Retirer « {label} » ?", "Cela touche aussi :", found,
                                      "Rétablissable depuis l'historique de l'accueil."), id=chosen, found=found)
            self.messages.info("Confirmez, ou annulez.")

        def remove_now(objective_id: str, label: str) -> None:
            self.save(lambda ws: edits.remove_objective_everywhere(ws, objective_id),
                      f"Objectif « {label} » retiré (rétablissable depuis l'historique de l'accueil).",
                      parts=("cap", "mactor"))

        def on_confirm(_):
            chosen, latest = chooser.value, self.store.load(self.ws_id)
            removal.confirmed(chosen, lambda: edits.objective_references(latest, chosen), lambda: on_remove(None),
                              choose="Choisissez l'objectif à retirer, puis « Retirer l'objectif ».",
                              changed="Entre-temps, d'autres éléments citent cet objectif : relisez la liste, puis "
                                      "confirmez à nouveau.")
            label = one_of(latest.objectives, chosen, "objectif").title
            removal.close()
            remove_now(chosen, label)

        def on_cancel(_):
            removal.close()
            self.messages.info("Rien n'a été retiré.")

        def show_chosen(_=None):
            found = next((o for o in self.ws.objectives if o.id == chooser.value), None)
            if found is None and edited.key is not None:
                title.value = ""  # back to a new objective: the form no longer shows the one it was given
            edited.show(found, self.ws.revision)
            if removal.asked.get("id") != chooser.value:
                removal.close()

        def redraw(ws):
            cap.show(ws.vision, ws.revision)  # what the person is typing stays
            show_chosen()
            frame = project.objectives_frame(ws)
            tree.show(lambda: tree_figure(ws))
            table.value = table_html(frame[["objectif", "niveau", "rattaché à", "enjeux"]]) if not frame.empty else ""
            unanswered, untied = project.objective_gaps(ws)
            gaps.value = "".join([
                f"<p><b>Enjeux auxquels aucun objectif ne répond :</b> {esc(', '.join(unanswered))}</p>" if unanswered else "",
                f"<p><b>Objectifs rattachés à aucun enjeu :</b> {esc(', '.join(untied))}</p>" if untied else ""])

        level.observe(self.messages.guard(on_level), names="value")
        on_choice(chooser, self.messages.guard(show_chosen))
        save_cap.on_click(self.messages.guard(on_cap, near=cap_note))
        for widget, handler in ((add, on_add), (remove, on_remove), (update, on_update), (removal.yes, on_confirm),
                                (removal.no, on_cancel)):
            widget.on_click(self.messages.guard(handler, near=objective_note))
        self.on("cap", redraw)
        return w.VBox([w.HTML("<h2>Le cap</h2>"), w.HBox([horizon, save_cap]), ambition, cap_note,
                       w.HTML("<h2>L'arbre des objectifs</h2><p class='kit-sub'>Choisissez un objectif pour le "
                              "modifier, ou « nouvel objectif » pour en écrire un autre.</p>"),
                       chooser, w.HBox([title, level]), parent, answered, w.HBox([add, update, remove]),
                       objective_note, removal.widget, tree.widget, table, gaps])

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
        add_note = near_line("kit-actor-note")
        listing = tagged(w.HTML(), "kit-actor-list")
        member = self.choices(choice("Membre", "kit-member-choice", "520px"),
                              actor_options)
        role = choice("Rôle", "kit-member-role", "380px", options=list(governance.ROLES))
        join = tagged(button("Ajouter au groupe projet", style="primary", icon="user-plus"), "kit-add-member")
        leave = tagged(button("Retirer du groupe", icon="user-times"), "kit-remove-member")
        group_note = near_line("kit-member-note")
        group = tagged(w.HTML(), "kit-group")
        checklist = tagged(w.HTML(), "kit-group-checklist")
        editor: dict[str, w.Widget] = {}  # the edit form's actor list, once the form is built

        def on_add(_):
            for text, field, what in ((name.value, "name", "Le nom de l'acteur"),
                                      (person.value, "person", "La personne référente"),
                                      (contact.value, "contact", "Le contact")):
                short_enough(text, Actor, field, what)
            new = checked(lambda: Actor(name=name.value, kind=kind.value, person=person.value, contact=contact.value))

            def change(ws):
                edits.require_unique(ws.actors, new.name, f"L'acteur « {new.name} » figure déjà.", field="name")
                ws.actors.append(new)

            # The map (tab 3) is redrawn first: it is what the room looks at when an actor joins.
            self.save(change, f"Acteur « {new.name} » ajouté : complétez-le ci-dessous si besoin.",
                      parts=("network", "actors", "governance", "mactor"))
            name.value = person.value = contact.value = ""
            edit_panel.unfold()
            editor["chooser"].value = new.id  # what was just created is what the edit form shows

        def member_name(ws, actor_id):
            return one_of(ws.actors, actor_id, "acteur").name  # a clear message if someone removed it meanwhile

        def on_join(_):
            chosen, chosen_role = member.value, role.value
            if not chosen:
                raise KitError("Choisissez l'acteur à ajouter au groupe projet.")

            def change(ws):
                label = member_name(ws, chosen)
                if any(m.actor_id == chosen and m.role == chosen_role for m in ws.project_group):
                    raise KitError(f"« {label} » est déjà dans le groupe projet ({chosen_role}).")
                ws.project_group.append(GroupMember(actor_id=chosen, role=chosen_role))

            self.save(change, "Groupe projet mis à jour.", parts=("actors", "governance"))

        def on_leave(_):
            chosen = member.value
            if not chosen:
                raise KitError("Choisissez l'acteur à retirer du groupe projet.")

            def change(ws):
                if not any(m.actor_id == chosen for m in ws.project_group):
                    raise KitError(f"« {member_name(ws, chosen)} » n'est pas dans le groupe projet.")
                ws.project_group = [m for m in ws.project_group if m.actor_id != chosen]

            self.save(change, "Groupe projet mis à jour.", parts=("actors", "governance"))

        def redraw(ws):
            frame = project.actors_frame(ws)
            listing.value = (table_html(frame[["name", "kind", "person", "contact"]].rename(
                columns={"name": "acteur", "kind": "type", "person": "personne", "contact": "contact"}))
                if not frame.empty else "<p class='kit-sub'>Aucun acteur pour l'instant.</p>")
            members = project.group_frame(ws)
            group.value = (table_html(members[["name", "role", "kind"]].rename(
                columns={"name": "acteur", "role": "rôle", "kind": "type"})) if not members.empty
                else "<p class='kit-sub'>Le groupe projet est vide.</p>")
            checklist.value = checks_html(project.group_checklist(ws))

        add.on_click(self.messages.guard(on_add, near=add_note))
        for widget, handler in ((join, on_join), (leave, on_leave)):
            widget.on_click(self.messages.guard(handler, near=group_note))
        self.on("actors", redraw)
        edit_panel = self.lazy("Modifier un acteur", lambda: self._actor_editor(kinds, editor), "kit-lazy-actor-edit",
                               intro="Son nom, son type, sa personne référente, son rôle ou son contact, modifiés sur "
                                     "place : ses relations et ses places restent.")
        return w.VBox([w.HTML("<h2>Les acteurs</h2>"), w.HBox([name, kind]), w.HBox([person, contact, add]), add_note,
                       listing, edit_panel,
                       w.HTML("<h2>Le groupe projet</h2><p class='kit-sub'>Un binôme élu et technicien pour la "
                              "politique de la ville, un pour les transitions, et les acteurs clés du quartier.</p>"),
                       w.HBox([member, role]), w.HBox([join, leave]), group_note, group, checklist])

    def _actor_editor(self, kinds: list[str], editor: dict) -> w.Widget:
        """The actor edit form (built when first opened): the actor chosen, each field saved in place."""
        chooser = self.choices(choice("Acteur", "kit-actor-choice", "640px"),
                               actor_options)
        editor["chooser"] = chooser
        edit_name = tagged(w.Text(description="Nom", layout=w.Layout(width="640px")), "kit-actor-edit-name")
        # The reference types, and any other a saved actor bears (typed elsewhere, or imported).
        edit_kind = self.choices(choice("Type", "kit-actor-edit-kind", "440px"), lambda ws: kinds + sorted(
            {a.kind for a in ws.actors if a.kind not in kinds}))
        edit_person = tagged(w.Text(description="Personne", layout=w.Layout(width="440px")), "kit-actor-edit-person")
        edit_contact = tagged(w.Text(description="Contact", layout=w.Layout(width="440px")), "kit-actor-edit-contact")
        edit_role = tagged(w.Textarea(description="Rôle", placeholder="Son rôle dans le projet",
                                      layout=w.Layout(width="900px", height="60px")), "kit-actor-edit-role")
        save = tagged(button("Enregistrer l'acteur", style="primary", icon="save"), "kit-save-actor")
        delete = tagged(button("Supprimer l'acteur", style="danger", icon="trash"), "kit-remove-actor")
        edit_note = near_line("kit-actor-edit-note")
        removal = Confirmation("kit-actor-delete", "Oui, supprimer")  # asked first when something cites the actor
        for widget in (chooser, edit_name, edit_kind, edit_person, edit_contact, edit_role):
            widget.style.description_width = "100px"  # one column of labels
        form = EntityForm({"name": edit_name, "kind": edit_kind, "person": edit_person, "role": edit_role,
                           "contact": edit_contact},
                          read={"name": lambda box: short_enough(box.value, Actor, "name", "Le nom de l'acteur"),
                                "person": lambda box: short_enough(box.value, Actor, "person", "La personne référente"),
                                "contact": lambda box: short_enough(box.value, Actor, "contact", "Le contact")})

        def chosen_actor(what: str) -> str:
            if not chooser.value:
                raise KitError(f"Choisissez l'acteur à {what} dans la liste « Acteur ».")
            return chooser.value

        def on_save(_):
            chosen = chosen_actor("modifier")

            def unique_name(ws, actor, written):
                if "name" in written:
                    edits.require_unique(ws.actors, actor.name, f"Un autre acteur s'appelle déjà « {actor.name} ».",
                                         field="name", ignore_id=chosen)

            self.save_form(form, lambda ws: one_of(ws.actors, chosen, "acteur"), "Acteur enregistré.",
                           check=unique_name)

        def on_delete(_):
            chosen = chosen_actor("supprimer")
            latest = self.store.load(self.ws_id)
            found = edits.actor_references(latest, chosen)
            if not found:
                remove_now(chosen, one_of(latest.actors, chosen, "acteur").name)
                return
            label = one_of(latest.actors, chosen, "acteur").name
            removal.ask(question_html(f"Supprimer « {label} » ?", "Il figure dans :", found,
                                      "Tout cela sera retiré avec lui (rétablissable depuis l'historique de l'accueil)."),
                        id=chosen, found=found)
            self.messages.info("Confirmez la suppression, ou annulez.")

        def remove_now(actor_id: str, label: str) -> None:
            self.save(lambda ws: edits.remove_actor(ws, actor_id),
                      f"Acteur « {label} » supprimé, avec ses relations et ses places (rétablissable depuis "
                      "l'historique de l'accueil).")

        def on_confirm(_):
            chosen, latest = chooser.value, self.store.load(self.ws_id)
            removal.confirmed(chosen, lambda: edits.actor_references(latest, chosen), lambda: on_delete(None),
                              choose="Choisissez l'acteur à supprimer, puis « Supprimer l'acteur ».",
                              changed="Entre-temps, d'autres éléments citent cet acteur : relisez la liste, puis "
                                      "confirmez à nouveau.")
            label = one_of(latest.actors, chosen, "acteur").name
            removal.close()
            remove_now(chosen, label)

        def on_cancel(_):
            removal.close()
            self.messages.info("Suppression annulée : rien n'a changé.")

        def show_chosen(_=None):
            found = next((a for a in self.ws.actors if a.id == chooser.value), None)
            if found is None:
                blank(form)
            form.show(found, self.ws.revision)
            if removal.asked.get("id") != chooser.value:
                removal.close()

        for widget, handler in ((save, on_save), (delete, on_delete), (removal.yes, on_confirm),
                                (removal.no, on_cancel)):
            widget.on_click(self.messages.guard(handler, near=edit_note))
        on_choice(chooser, self.messages.guard(show_chosen))
        self.on("actors", lambda ws: show_chosen())
        return w.VBox([w.HTML("<h3>Modifier un acteur</h3><p class='kit-sub'>Choisissez-le : ses champs s'enregistrent "
                              "sur place, ses relations et ses places restent.</p>"),
                       chooser, edit_name, w.HBox([edit_kind, edit_person]), edit_contact, edit_role,
                       w.HBox([save, delete]), edit_note, removal.widget])


    # -- 3. network -----------------------------------------------------------------------------------

    def _network(self) -> w.Widget:
        source = self.choices(choice("De", "kit-relation-source", "460px"), actor_options)
        target = self.choices(choice("Vers", "kit-relation-target", "460px"), actor_options)
        kind = choice("Nature", "kit-relation-kind", "300px", options=list(network.RELATION_KINDS))
        intensity = tagged(w.ToggleButtons(options=[("faible", 1), ("moyenne", 2), ("forte", 3)], value=2,
                                           style={"button_width": "auto"}), "kit-relation-intensity")
        add = tagged(button("Ajouter la relation", style="primary", icon="plus"), "kit-add-relation")
        relation_note = near_line("kit-relation-note")
        size_by = choice("Taille selon", "kit-size-by", "520px",
                          options=[(v, k) for k, v in network.SIZE_LABELS.items()], value="betweenness")
        highlight = self.choices(choice("Mettre en avant", "kit-highlight", "520px"), actor_options)
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
            names = {a.id: a.name for a in self.ws.actors}

            def change(ws):
                edits.existing(ws.actors, [new.source, new.target], edits.GONE["acteurs"])  # removed meanwhile?
                ws.relations.append(new)

            self.save(change, f"Relation ajoutée : « {names.get(new.source)} » → « {names.get(new.target)} » "
                              f"({new.kind}).", parts=("network",))

        def redraw(ws):
            view.show(lambda: figure(ws))
            # The readings, table and exports are in a tab the page does not open on: computed (with networkx)
            # once the page is on screen.
            self.later("network", lambda: read_network(ws))

        def read_network(ws):
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

        add.on_click(self.messages.guard(on_add, near=relation_note))
        for control in (size_by, highlight):
            control.observe(self.messages.guard(lambda _: view.show(lambda: figure(self.ws))), names="value")
        self.on(("network", "actors", "governance"), redraw)
        return w.VBox([w.HTML("<h2>Les relations entre acteurs</h2>"), w.HBox([source, target]),
                       w.HBox([kind, intensity, add]), relation_note, w.HBox([size_by, highlight]), view.widget,
                       w.HTML("<h2>Ce que dit le réseau</h2>"), readings, table, exports])

    # -- 4. governance --------------------------------------------------------------------------------

    def _governance(self) -> w.Widget:
        name = tagged(w.Text(placeholder="Nom de l'instance", layout=w.Layout(width="420px")), "kit-body-name")
        kind = choice("Type", "kit-body-kind", "360px", options=list(governance.BODY_KINDS))
        lead = self.choices(choice("Pilote", "kit-body-lead", "420px"), actor_options)
        members = self.choices(members_box("kit-body-members"), lambda ws: actor_options(ws)[1:])
        rhythm = tagged(w.Text(placeholder="Rythme (ex. : trimestriel)", layout=w.Layout(width="300px")), "kit-body-rhythm")
        decides = tagged(w.Text(placeholder="Ce qu'elle décide", layout=w.Layout(width="520px")), "kit-body-decides")
        reports_to = self.choices(choice("Rend compte à", "kit-body-reports", "420px"), body_options)
        first, at = meeting_inputs("kit-body-first", "kit-body-time")
        add = tagged(button("Ajouter l'instance", style="primary", icon="plus"), "kit-add-body")
        body_note = near_line("kit-body-note")
        listing = tagged(w.HTML(), "kit-bodies-list")
        checklist = tagged(w.HTML(), "kit-governance-checklist")
        editor: dict[str, w.Widget] = {}  # the edit form's body list, once the form is built

        def figure(ws):
            if not ws.bodies:
                return charts.placeholder("Ajoutez l'instance décisionnelle, puis les comités")
            return governance.governance_figure(project.bodies_records(ws), project.actors_frame(ws))

        view = self.figure(lambda: figure(self.ws), "kit-governance-map")

        def cited(ws, body):
            """A clear message if someone removed an actor or a body the person chose meanwhile."""
            edits.existing(ws.actors, body.member_ids + ([body.lead_id] if body.lead_id else []), edits.GONE["acteurs"])
            edits.existing(ws.bodies, [body.reports_to] if body.reports_to else [], edits.GONE["instance"])

        def on_add(_):
            short_enough(name.value, GovernanceBody, "name", "Le nom de l'instance")
            short_enough(rhythm.value, GovernanceBody, "rhythm", "Le rythme")
            day, moment = checked_date(first, FIRST_MEETING), checked_time(at.value, MEETING_TIME)
            new = checked(lambda: GovernanceBody(name=name.value, kind=kind.value, lead_id=lead.value or None,
                                                 member_ids=list(members.value), rhythm=rhythm.value,
                                                 decides=decides.value, reports_to=reports_to.value or None,
                                                 first_meeting=day, meeting_time=moment))

            def change(ws):
                edits.require_unique(ws.bodies, new.name, f"L'instance « {new.name} » existe déjà.", field="name")
                cited(ws, new)
                ws.bodies.append(new)

            self.save(change, f"Instance « {new.name} » ajoutée : complétez-la ci-dessous si besoin.",
                      parts=("governance", "actors"))
            name.value = rhythm.value = decides.value = at.value = ""
            first.value, members.value, lead.value, reports_to.value = None, (), "", ""
            edit_panel.unfold()
            editor["chooser"].value = new.id  # what was just created is what the edit form shows

        def redraw(ws):
            listing.value = table_html(bodies_frame(ws)) if ws.bodies else ""
            view.show(lambda: figure(ws))
            checklist.value = checks_html(project.governance_checks(ws))

        add.on_click(self.messages.guard(on_add, near=body_note))
        self.on(("governance", "actors"), redraw)
        edit_panel = self.lazy("Modifier une instance", lambda: self._body_editor(editor, cited), "kit-lazy-body-edit",
                               intro="Son nom, ses membres, son rythme ou sa première réunion, modifiés sur place.")
        return w.VBox([w.HTML("<h2>Les instances du projet</h2>"), w.HBox([name, kind]), w.HBox([lead, reports_to]),
                       members, chosen_line(members, "kit-body-members-chosen", "90px"), w.HBox([rhythm, decides]),
                       w.HBox([first, at]), w.HBox([add]), body_note, listing,
                       edit_panel, view.widget, checklist])

    def _body_editor(self, editor: dict, cited: Callable) -> w.Widget:
        """The governance body edit form (built when first opened): the body chosen, every field saved in place."""
        chooser = self.choices(choice("Instance", "kit-body-choice", "640px"), body_options)
        edit_name = tagged(w.Text(description="Nom", layout=w.Layout(width="640px")), "kit-body-edit-name")
        edit_kind = choice("Type", "kit-body-edit-kind", "440px", options=list(governance.BODY_KINDS))
        edit_lead = self.choices(choice("Pilote", "kit-body-edit-lead", "420px"), actor_options)
        edit_members = self.choices(members_box("kit-body-edit-members"), lambda ws: actor_options(ws)[1:])
        edit_rhythm = tagged(w.Text(description="Rythme", layout=w.Layout(width="440px")), "kit-body-edit-rhythm")
        edit_decides = tagged(w.Text(description="Ce qu'elle décide", layout=w.Layout(width="900px")),
                              "kit-body-edit-decides")
        edit_reports = self.choices(choice("Rend compte à", "kit-body-edit-reports", "420px"), body_options)
        first_edit, at_edit = meeting_inputs("kit-body-first-edit", "kit-body-time-edit")
        save = tagged(button("Enregistrer l'instance", style="primary", icon="save"), "kit-save-body")
        remove = tagged(button("Retirer l'instance", icon="trash"), "kit-remove-body")
        edit_note = near_line("kit-body-edit-note")
        for widget in (chooser, edit_name, edit_kind, edit_members, edit_rhythm, edit_decides):
            widget.style.description_width = "150px"  # one column of labels
        form = EntityForm({"name": edit_name, "kind": edit_kind, "lead_id": edit_lead, "member_ids": edit_members,
                           "rhythm": edit_rhythm, "decides": edit_decides, "reports_to": edit_reports,
                           "first_meeting": first_edit, "meeting_time": at_edit},
                          show={"lead_id": lambda v: v or "", "member_ids": tuple, "reports_to": lambda v: v or "",
                                "meeting_time": lambda t: french_time(t) if t else ""},
                          read={"name": lambda box: short_enough(box.value, GovernanceBody, "name",
                                                                 "Le nom de l'instance"),
                                "rhythm": lambda box: short_enough(box.value, GovernanceBody, "rhythm", "Le rythme"),
                                "lead_id": lambda box: box.value or None, "member_ids": lambda box: list(box.value),
                                "reports_to": lambda box: box.value or None,
                                "first_meeting": lambda box: checked_date(box, FIRST_MEETING),
                                "meeting_time": lambda box: checked_time(box.value, MEETING_TIME)})
        editor["chooser"] = chooser

        def chosen_body(what: str) -> str:
            if not chooser.value:
                raise KitError(f"Choisissez l'instance à {what} dans la liste « Instance ».")
            return chooser.value

        def show_chosen(_=None):
            found = next((b for b in self.ws.bodies if b.id == chooser.value), None)
            if found is None:
                blank(form)
            form.show(found, self.ws.revision)

        def on_save(_):
            chosen = chosen_body("modifier")

            def rules(ws, body, written):
                if "name" in written:
                    edits.require_unique(ws.bodies, body.name, f"Une autre instance s'appelle déjà « {body.name} ».",
                                         field="name", ignore_id=chosen)
                if body.reports_to == chosen:
                    raise KitError("Une instance ne rend pas compte à elle-même : choisissez-en une autre.")
                cited(ws, body)

            self.save_form(form, lambda ws: one_of(ws.bodies, chosen, "instance"), "Instance enregistrée.",
                           parts=("governance", "actors"), check=rules)

        def on_remove(_):
            chosen = chosen_body("retirer")
            self.save(lambda ws: edits.remove_body(ws, chosen),
                      "Instance retirée (rétablissable depuis l'historique de l'accueil).", parts=("governance", "actors"))

        for widget, handler in ((save, on_save), (remove, on_remove)):
            widget.on_click(self.messages.guard(handler, near=edit_note))
        on_choice(chooser, self.messages.guard(show_chosen))
        self.on(("governance", "actors"), lambda ws: show_chosen())
        return w.VBox([w.HTML("<h3>Modifier une instance</h3><p class='kit-sub'>Choisissez-la : son nom, ses membres, "
                              "son rythme ou sa première réunion s'enregistrent sur place.</p>"),
                       chooser, edit_name, w.HBox([edit_kind, edit_lead]), edit_members,
                       chosen_line(edit_members, "kit-body-edit-members-chosen", "158px"),
                       w.HBox([edit_rhythm, edit_reports]), edit_decides, w.HBox([first_edit, at_edit]),
                       w.HBox([save, remove]), edit_note])

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
        # MACTOR on the key actors and objectives (with 25 actors, a 25 x 25 MID is not filled in a session).
        key_actors = self.choices(tagged(w.SelectMultiple(description="Acteurs clés", rows=8, layout=w.Layout(
            width="560px"), style={"description_width": "initial"}), "kit-mactor-actors"),
            lambda ws: [(a.name, a.id) for a in ws.actors])
        key_objectives = self.choices(tagged(w.SelectMultiple(description="Objectifs", rows=8, layout=w.Layout(
            width="560px"), style={"description_width": "initial"}), "kit-mactor-objectives"),
            lambda ws: [(o.title, o.id) for o in ws.objectives])
        scope = EntityForm({"mactor_actor_ids": key_actors, "mactor_objective_ids": key_objectives},
                           show={"mactor_actor_ids": tuple, "mactor_objective_ids": tuple},
                           read={"mactor_actor_ids": lambda box: list(box.value),
                                 "mactor_objective_ids": lambda box: list(box.value)})
        keep = tagged(button("Retenir cette sélection", icon="check"), "kit-mactor-keep")
        scope_note, scope_line = near_line("kit-mactor-keep-note"), tagged(w.HTML(), "kit-mactor-scope")

        def on_keep(_):
            def check(ws, entity, written):
                if len(ws.mactor_actor_ids) == 1:
                    raise KitError("Retenez au moins deux acteurs pour MACTOR (ou aucun : MACTOR porte alors sur tous).")

            ws = self.save_form(scope, lambda ws: ws, "Sélection retenue pour MACTOR.", parts=("mactor",), check=check)
            self.messages.ok(scope_text(ws))

        def strategy_figure(ws, draw):
            result = project.actor_strategies(ws)
            if result is None:
                return charts.placeholder("Remplissez les deux matrices pour voir les rapports de force")
            return draw(result)

        def plane_of(ws, result):  # actors numbered as on every chart of the session (A1… in the list)
            return charts.actor_plane(result.actors, result.cuts, codes=project.actor_codes(ws))

        def convergence_of(ws, result):
            return charts.convergence_graph(result.edges, list(result.actors.index), codes=project.actor_codes(ws))

        plane = self.figure(lambda: strategy_figure(self.ws, lambda r: plane_of(self.ws, r)),
                            "kit-actor-plane")
        convergence = self.figure(lambda: strategy_figure(
            self.ws, lambda r: convergence_of(self.ws, r)), "kit-convergence")
        mobilisation = self.figure(lambda: strategy_figure(self.ws, lambda r: charts.mobilisation(r.objectives)),
                                   "kit-mobilisation")
        power = self.figure(lambda: charts.power_interest(project.actors_frame(self.ws)), "kit-power-interest")

        def on_mid(source, target, text):
            self.save(lambda ws: edits.set_actor_influence(ws, source, target, text), "Influence enregistrée.",
                      parts=("mactor",))
            return mid_shown(text)

        def on_mao(actor_id, objective_id, text):
            self.save(lambda ws: edits.set_position(ws, actor_id, objective_id, text), "Position enregistrée.",
                      parts=("mactor",))
            return mao_shown(text)

        def pasted(grid, setter, shown_as, message):
            """A block pasted from a spreadsheet into a MACTOR grid: every cell checked first (refused cells
            named, nothing saved), then all saved at once."""
            allowed = {c.lower() for c in grid.choices}

            def handler(cells):
                refused = {f"{r}|{c}": grid.choice_error.format(value=text.strip()) for r, c, text in cells
                           if text.strip() and text.strip().lower() not in allowed}
                if refused:
                    raise pasted_refusal(grid, refused)

                def change(ws):
                    for row, col, text in cells:
                        setter(ws, row, col, text)

                self.save(change, f"{len(cells)} case(s) collée(s) et enregistrée(s) : {message}", parts=("mactor",))
                return {f"{r}|{c}": shown_as(text) for r, c, text in cells}
            return handler

        def mid_shown(text):
            return "" if text.strip() in ("", "0") else text.strip()

        def mao_shown(text):
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
            scope.show(ws, ws.revision)
            scope_line.value = f"<p class='kit-sub'>{esc(scope_text(ws))}</p>"
            key = [{"id": a.id, "label": a.name} for a in project.mactor_actors(ws)]
            mid.rows, mid.columns = key, key
            mid.disabled_cells = [f"{a['id']}|{a['id']}" for a in key]
            mid.values = {f"{c.source}|{c.target}": str(c.value) for c in ws.actor_influences}
            mao.rows = key
            mao.columns = [{"id": o.id, "label": o.title} for o in project.mactor_objectives(ws)]
            mao.values = {f"{c.actor_id}|{c.objective_id}": f"{c.value:+d}" for c in ws.actor_positions}
            actors = [{"id": a.id, "label": a.name} for a in ws.actors]
            power_grid.rows = actors
            power_grid.values = {f"{a.id}|{field}": str(getattr(a, field)) for a in ws.actors
                                 for field in ("power", "interest") if getattr(a, field) is not None}
            plane.show(lambda: strategy_figure(ws, lambda r: plane_of(ws, r)))
            convergence.show(lambda: strategy_figure(ws, lambda r: convergence_of(ws, r)))
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
            grid.on_edit(handler, lambda error: self.messages.error(error.message, error.details))
        mid.on_paste(pasted(mid, edits.set_actor_influence, mid_shown, "influences entre acteurs."))
        mao.on_paste(pasted(mao, edits.set_position, mao_shown, "positions sur les objectifs."))
        derive.on_click(self.messages.guard(on_derive))
        keep.on_click(self.messages.guard(on_keep, near=scope_note))
        self.on(("mactor", "actors", "cap"), redraw)
        return w.VBox([
            w.HTML("<h2>Les acteurs clés et les objectifs étudiés</h2><p class='kit-sub'>MACTOR se remplit en séance "
                   "sur les acteurs clés : choisissez-les (Ctrl+clic, ou Cmd+clic sur Mac), ainsi que les objectifs, "
                   "puis « Retenir cette sélection ». Sans sélection, il porte sur tous.</p>"),
            w.HBox([key_actors, key_objectives], layout=w.Layout(flex_flow="row wrap")), w.HBox([keep]), scope_note,
            scope_line,
            w.HTML("<h2>Influences directes entre acteurs (MID)</h2>"), mid,
            w.HTML("<h2>Positions des acteurs sur les objectifs (2MAO)</h2>"), mao,
            plane.widget, tables, convergence.widget, mobilisation.widget,
            w.HTML("<h2>Grille pouvoir / intérêt</h2><p class='kit-sub'>Placez chaque acteur à la main, ou déduisez "
                   "son pouvoir du rapport de force et son intérêt de sa mobilisation.</p>"),
            power_grid, derive, power.widget])


def actor_options(ws) -> list[tuple[str, str]]:
    return [("", "")] + [(a.name, a.id) for a in ws.actors]


def body_options(ws) -> list[tuple[str, str]]:
    return [("", "")] + [(b.name, b.id) for b in ws.bodies]


def scope_text(ws) -> str:
    """What MACTOR works on, in a sentence (« 8 acteurs clés sur 25 et 4 objectifs sur 6 »)."""
    actors, objectives = len(project.mactor_actors(ws)), len(project.mactor_objectives(ws))
    who = (f"{actors} acteurs clés sur {len(ws.actors)}" if ws.mactor_actor_ids else
           f"tous les acteurs ({len(ws.actors)})")
    what = (f"{objectives} objectifs sur {len(ws.objectives)}" if ws.mactor_objective_ids else
            f"tous les objectifs ({len(ws.objectives)})")
    return f"MACTOR porte sur {who} et {what}."


def project_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The session 2 app's root widget (what `notebooks/20_projet.ipynb` displays)."""
    return ProjectApp(store, workspace_id).root
