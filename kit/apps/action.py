"""Session 3 app, "Passer à l'action": fiches action with their checks, roadmap with the critical path,
steering (meetings of the bodies, responsibilities, indicators), the Excel round trip, the deliverable.

Every number comes from `kit.methods.roadmap`, `kit.sessions.steering` and `kit.reports.action_plan_export`
/ `action_plan_import`; widgets are built once and updated in place; every edit is saved at once through
`SessionApp.save`.
"""

from __future__ import annotations

from datetime import date

import ipywidgets as w

from kit import edits
from kit.sessions import steering
from kit.reference.programme import programme_milestones
from kit.reports.formatting import format_short_number
from kit.reports.icalendar_file import to_ics
from kit.errors import KitError
from kit.methods import roadmap
from kit.model import Action, ActionIndicator, BudgetLine, Milestone, Step, checked
from kit.store import Store
from kit.text import join_french, quote

from .inputs import DateInput, checked_number, finite_or_none
from .session_app import SessionApp
from .session_plan import checked_date, session_plan
from .ui import (EntityForm, button, choice, download_link, esc, near_line, on_choice, set_options, table_html,
                 tagged)
from .upload import Upload

PARTS = ("actions", "roadmap", "steering", "plan")
LEVEL_CLASS = {"erreur": "kit-msg-error", "attention": "kit-msg-error", "à compléter": "kit-msg-info"}
NEW_FICHE = "— nouvelle fiche —"  # the chooser's entry for a fiche not yet created


def _checks_title(found) -> str:
    """The one line the checks fold into: how many of each level (« 1 erreur · 3 à compléter »)."""
    if not found:
        return "Points à vérifier : aucun"
    counts = {level: sum(f.level == level for f in found) for level in dict.fromkeys(f.level for f in found)}
    words = {"erreur": ("erreur", "erreurs"), "attention": ("point d'attention", "points d'attention")}
    return "Points à vérifier : " + " · ".join(
        f"{n} {words.get(level, (level, level))[n > 1]}" for level, n in counts.items()) + " (ouvrir la liste)"


# Projected: what is chosen in a list must show from the back of the room (a list not in use greys its choice).
ACTION_CSS = """<style>
.kit-action select[multiple] option:checked { background: #0b6e4f linear-gradient(#0b6e4f, #0b6e4f); color: #fff; }
.kit-action .kit-chosen { font-size: 16px; color: #333; margin: 0 0 6px; max-width: 600px; }
.kit-action .jupyter-widget-Collapse-header { color: #111; }
.kit-action .kit-action-checks-box.kit-has-errors .jupyter-widget-Collapse-header,
.kit-action .kit-action-checks-box.kit-has-errors .lm-Collapse-header {
  color: #b3261e; border-left: 6px solid #b3261e; }
</style>"""


def _many(description: str, css: str, rows: int = 4, width: str = "460px") -> w.SelectMultiple:
    return tagged(w.SelectMultiple(description=description, rows=rows, layout=w.Layout(width=width),
                                   style={"description_width": "initial"}), css)


def _with_chosen(box: w.SelectMultiple) -> w.VBox:
    """A multiple list and, under it, what is chosen in it: with a dozen fiches the choices scroll out of sight."""
    line = tagged(w.HTML(), "kit-chosen")

    def show(_=None):
        labels = dict((value, label) for label, value in box.options)
        chosen = [labels.get(v, v) for v in box.value]
        line.value = (f"<div class='kit-chosen'>{esc(box.description)} : "
                      f"{esc(join_french([quote(c) for c in chosen]))}</div>" if chosen else "")

    box.observe(show, names=("value", "options"))
    show()
    return w.VBox([box, line])


def _number(value) -> str:
    """A baseline or target as French writes it (« 1 250,5 »), « ? » when not set."""
    return "?" if value is None else format_short_number(value)


class ActionApp(SessionApp):
    title = "Session 3 — Passer à l'action"
    css = "kit-action"
    parts = PARTS
    notebook = "30_action.ipynb"

    def sections(self) -> list[tuple[str, w.Widget]]:
        return [("1. Fiches action", self._fiches()), ("2. Feuille de route", self._roadmap()),
                ("3. Pilotage", self._steering()), ("4. Tableur et fiches", self._files()),
                ("5. Plan de travail et livrable", session_plan(
                    self, number=3, next_step="la mise en œuvre", deliverable="session3",
                    contents="Système de pilotage, plan d'action, feuille de route, responsabilités et plan de travail")),
                ("Atelier en direct", self._live())]

    # -- the room's phones (kit/apps/live_panel.py) ------------------------------------------------------

    def _live(self) -> w.Widget:
        from .live_session3 import SESSION_3

        return self.live_tab(SESSION_3, "Les téléphones de la salle répartissent des points entre les fiches action, "
                                        "sans compte ni application.")

    # -- 1. fiches action ----------------------------------------------------------------------------

    def _fiches(self) -> w.Widget:
        findings = tagged(w.HTML(), "kit-action-checks")
        # Folded to one line (its title counts them): with a dozen fiches the list would push the form off
        # a projector's first screen. An accordion keeps the person's open/closed choice across saves.
        checks_box = tagged(w.Accordion(children=[findings], selected_index=None), "kit-action-checks-box")
        overview = tagged(w.HTML(), "kit-action-list")
        list_box = tagged(w.Accordion(children=[overview], selected_index=None), "kit-action-list-box")
        chooser = self.choices(choice("Fiche", "kit-action-choice", "520px"),
                               lambda ws: [(NEW_FICHE, "")] + _offers_fiches(ws))
        blank = tagged(button("Formulaire vide", icon="file",
                              tooltip="Vider le formulaire pour écrire une autre fiche"), "kit-blank-action")
        # Labelled, not only a placeholder: once typed in, a box must still say what it holds on a projector.
        label = {"style": {"description_width": "initial"}}
        # Its value is sent on Enter or on leaving the box (see `on_enter`).
        title = tagged(w.Text(description="Intitulé", placeholder="Intitulé de la fiche action",
                              continuous_update=False, layout=w.Layout(width="760px"), **label), "kit-action-title")
        description = tagged(w.Textarea(description="Description", placeholder="Ce que la fiche fera, pour qui",
                                        layout=w.Layout(width="760px"), **label), "kit-action-description")
        objectives = self.choices(_many("Objectifs", "kit-action-objectives", width="640px"), _offers_objectives)
        lead = self.choices(choice("Pilote", "kit-action-lead", "360px"), _offers_lead)
        partners = self.choices(_many("Partenaires", "kit-action-partners", rows=5, width="520px"), _offers_actors)
        places = self.choices(_many("Quartiers", "kit-action-places", width="520px"), _offers_places)
        status = choice("Statut", "kit-action-status", "260px", options=list(roadmap.STATUSES))
        priority = choice("Priorité", "kit-action-priority", "260px", options=["haute", "moyenne", "basse"], value="moyenne")
        start = tagged(DateInput(description="Début"), "kit-action-start")
        end = tagged(DateInput(description="Fin"), "kit-action-end")
        # Every fiche, the one shown included: a new fiche written over the one just created may depend on it;
        # a fiche made to depend on itself is refused on save, in words.
        depends = self.choices(_many("Dépend de", "kit-action-depends", rows=5, width="640px"), _offers_fiches)
        participation = tagged(w.Textarea(description="Participation", placeholder="Participation des habitants",
                                          layout=w.Layout(width="760px"), **label), "kit-action-participation")
        create = tagged(button("Nouvelle fiche", style="primary", icon="plus",
                               tooltip="Créer une fiche avec ce qui est écrit dans le formulaire"), "kit-add-action")
        save = tagged(button("Enregistrer la fiche", style="primary", icon="save",
                             tooltip="Enregistrer les changements de la fiche choisie"), "kit-save-action")
        remove = tagged(button("Supprimer la fiche", style="danger", icon="trash"), "kit-remove-action")
        step_title = tagged(w.Text(placeholder="Étape", layout=w.Layout(width="360px")), "kit-step-title")
        step_due = tagged(DateInput(description="Échéance"), "kit-step-due")
        add_step = tagged(button("Ajouter l'étape", icon="plus"), "kit-add-step")
        # Plain number boxes: bounded ones clamp silently; the model's bounds are checked on "Ajouter".
        budget_year = tagged(w.IntText(value=date.today().year, description="Année", layout=w.Layout(width="180px")),
                             "kit-budget-year")
        budget_kind = choice("Type", "kit-budget-kind", "300px", options=["fonctionnement", "investissement"])
        amount = tagged(w.FloatText(description="Montant (€)", layout=w.Layout(width="240px"),
                                    style={"description_width": "initial"}), "kit-budget-amount")
        funder = tagged(w.Combobox(placeholder="Financeur", options=["Contrat de ville", "FEDER", "Fonds vert", "ADEME",
                                                                     "Région", "Département", "Bailleur", "EPCI", "Commune"],
                                   ensure_option=False, layout=w.Layout(width="240px")), "kit-budget-funder")
        add_line = tagged(button("Ajouter au budget", icon="plus"), "kit-add-budget")
        indicator = tagged(w.Text(placeholder="Indicateur de suivi", layout=w.Layout(width="300px")), "kit-indicator-name")
        unit = tagged(w.Text(placeholder="Unité", layout=w.Layout(width="120px")), "kit-indicator-unit")
        baseline = tagged(w.FloatText(description="Référence", layout=w.Layout(width="200px")), "kit-indicator-baseline")
        target = tagged(w.FloatText(description="Cible", layout=w.Layout(width="200px")), "kit-indicator-target")
        add_indicator = tagged(button("Ajouter l'indicateur", icon="plus"), "kit-add-indicator")
        details = tagged(w.HTML(), "kit-action-details")
        fiche_note, items_note = near_line("kit-action-note"), near_line("kit-action-items-note")
        blank_note = near_line("kit-blank-note")

        def selected() -> str:
            if not chooser.value:
                raise KitError("Choisissez d'abord une fiche (ou créez-en une).")
            return chooser.value

        def many(box):
            return list(box.value)

        readers = {"objective_ids": many, "lead_id": lambda box: box.value or None, "partner_ids": many,
                   "neighbourhood_ids": many, "depends_on": many,
                   "start": lambda box: checked_date(box, "La date de début"),
                   "end": lambda box: checked_date(box, "La date de fin")}
        # The fiche chosen, as the form shows it: a save writes only what the person changed (`EntityForm`).
        fiche = EntityForm(
            {"title": title, "description": description, "objective_ids": objectives, "lead_id": lead,
             "partner_ids": partners, "neighbourhood_ids": places, "status": status, "priority": priority,
             "start": start, "end": end, "depends_on": depends, "participation": participation},
            show={"objective_ids": tuple, "lead_id": lambda v: v or "", "partner_ids": tuple,
                  "neighbourhood_ids": tuple, "depends_on": tuple},
            read=readers)

        linked = {"objective_ids": (objectives, lambda ws: ws.objectives), "lead_id": (lead, lambda ws: ws.actors),
                  "partner_ids": (partners, lambda ws: ws.actors),
                  "neighbourhood_ids": (places, lambda ws: ws.neighbourhoods),
                  "depends_on": (depends, lambda ws: ws.actions)}

        def links_hold(ws, action) -> None:
            """A link chosen to something deleted meanwhile (in another tab) is refused, named as the list showed
            it, never dropped without a word; the lists then offer what is saved (`offer_saved`)."""
            gone, count = [], 0
            for name, (box, entities) in linked.items():
                chosen = getattr(action, name)
                present = {e.id for e in entities(ws)}
                labels = {value: label for label, value in box.options}
                missing = [labels.get(i, i) for i in ([chosen] if isinstance(chosen, str) else chosen or [])
                           if i not in present]
                count += len(missing)
                if missing:
                    gone.append(f"{join_french([quote(m) for m in missing])} (« {box.description} »)")
            if gone:
                plural = "s" if count > 1 else ""
                raise _Gone(f"Rien n'a été enregistré : {join_french(gone)} "
                            f"{'n’existent' if plural else 'n’existe'} plus (supprimé{plural} entre-temps, peut-être "
                            f"dans un autre onglet) et vient{'nent' if plural else ''} d'être retiré{plural} de la "
                            "liste. Vérifiez la fiche, puis enregistrez à nouveau.")

        offers = {objectives: _offers_objectives, lead: _offers_lead, partners: _offers_actors,
                  places: _offers_places, depends: _offers_fiches}

        def offer_saved():
            latest = self.store.load(self.ws_id)
            for box in (objectives, lead, partners, places, depends):
                set_options(box, offers[box](latest))

        origin = tagged(w.HTML(), "kit-action-origin")

        def fields() -> dict:
            return {name: readers.get(name, lambda box: box.value)(box) for name, box in fiche.widgets.items()}

        def on_create(_):
            new = checked(lambda: Action(**fields()))

            def change(ws):
                edits.require_unique(ws.actions, new.title, f"Une fiche s'intitule déjà « {new.title} ».")
                links_hold(ws, new)
                ws.actions.append(new)
                _refuse_cycle_through(ws, new.id)

            try:
                self.save(change, f"Fiche « {new.title} » créée : elle est choisie ci-dessus pour la compléter. "
                                  "Pour la suivante, « Formulaire vide ».")
            except _Gone:
                offer_saved()
                raise
            chooser.value = new.id  # what was just created is what the form shows

        def on_save(_):
            action_id = selected()

            def check(ws, action, written):
                links_hold(ws, action)
                if action_id in action.depends_on:
                    raise KitError(f"« {action.title} » ne peut pas dépendre d'elle-même : "
                                   "retirez-la de « Dépend de ».")
                checked(lambda: Action.model_validate(action.model_dump()))  # start and end checked together
                if "depends_on" in written:
                    _refuse_cycle_through(ws, action_id)

            try:
                self.save_form(fiche, lambda ws: _find(ws, action_id), "Fiche enregistrée.", check=check)
            except _Gone:
                offer_saved()
                raise

        def clear(_=None):
            """An empty form for the next fiche (the one shown stays saved as it is)."""
            chooser.value = ""
            for box in (title, description, participation):
                box.value = ""
            for box in (objectives, partners, places, depends):
                box.value = ()
            lead.value, status.value, priority.value = "", roadmap.STATUSES[0], "moyenne"
            for box in (start, end):
                box.value, box.unreadable = None, False
            fiche.show(None, self.ws.revision)

        def on_blank(_):
            clear()
            self.messages.info("Formulaire vidé : écrivez la fiche suivante, puis « Nouvelle fiche ».")

        def on_remove(_):
            action_id = selected()

            def change(ws):
                _find(ws, action_id)
                ws.actions = [a for a in ws.actions if a.id != action_id]
                for other in ws.actions:
                    other.depends_on = [d for d in other.depends_on if d != action_id]

            self.save(change, "Fiche supprimée (rétablissable depuis l'historique de l'accueil).")
            clear()

        entered: list[bool] = []  # Enter was pressed in the title of an empty form; the fiche is not created yet

        def on_enter(_widget, content, _buffers):
            """Enter in the title creates the fiche when the form is an empty one; on a saved fiche it only says
            which button does what (typing a new title over the fiche just created and pressing Enter must not
            rename it). The browser sends Enter before the title's last keys (the value follows, on "change"):
            the fiche is created when the value comes, or shortly after if the title had not changed."""
            if content.get("event") != "submit":
                return
            if chooser.value:
                self.messages.info("« Enregistrer la fiche » enregistre ce changement dans la fiche choisie ; "
                                   "« Nouvelle fiche » crée une autre fiche avec ce formulaire.")
                return
            from tornado.ioloop import IOLoop

            entered.append(True)
            IOLoop.current().call_later(0.5, self.messages.guard(create_entered, near=fiche_note))

        def create_entered(_=None):
            if entered:
                entered.clear()
                on_create(None)

        def add_to(kind: str):
            def handler(_):
                action_id = selected()
                if kind == "step":
                    item = checked(lambda: Step(title=step_title.value, due=checked_date(step_due, "L'échéance")))
                    self.save(lambda ws: _find(ws, action_id).steps.append(item), "Étape ajoutée.")
                    step_title.value = ""
                elif kind == "budget":
                    year = checked_number(budget_year.value, BudgetLine, "year")
                    money = checked_number(amount.value, BudgetLine, "amount", unit="€")
                    if not funder.value.strip():
                        raise KitError("Indiquez le financeur de cette ligne de budget.")
                    item = checked(lambda: BudgetLine(year=year, kind=budget_kind.value, amount=money,
                                                      funder=funder.value))
                    self.save(lambda ws: _find(ws, action_id).budget.append(item), "Ligne de budget ajoutée.")
                else:
                    start_value = finite_or_none(baseline.value, "Référence")
                    target_value = finite_or_none(target.value, "Cible")
                    item = checked(lambda: ActionIndicator(name=indicator.value, unit=unit.value,
                                                           baseline=start_value, target=target_value))
                    self.save(lambda ws: _find(ws, action_id).indicators.append(item), "Indicateur ajouté.")
                    indicator.value = unit.value = ""
            return handler

        def fill(_=None):
            action = next((a for a in self.ws.actions if a.id == chooser.value), None)
            fiche.show(action, self.ws.revision)  # the fields being typed in stay as typed
            # A fiche copied from another territory of the cohort says so, above its fields (Regards croisés).
            origin.value = (f"<p class='kit-action-origin-text'>{esc(action.origin)}</p>"
                            if action is not None and action.origin else "")
            if action is None:
                details.value = "<p class='kit-sub'>Choisissez ou créez d'abord une fiche.</p>"
                return
            steps = "".join(f"<li>{'✓' if s.done else '○'} {esc(s.title)}"
                            f"{' — ' + s.due.strftime('%d/%m/%Y') if s.due else ''}</li>" for s in action.steps)
            budget = "".join(f"<li>{b.year} · {esc(b.kind)} · {b.amount:,.0f} € · {esc(b.funder)}</li>".replace(",", " ")
                             for b in action.budget)
            indicators = "".join(f"<li>{esc(i.name)} ({esc(i.unit)}) : {_number(i.baseline)} → {_number(i.target)}</li>"
                                 for i in action.indicators)
            details.value = (f"<p><b>{esc(action.title)}</b></p><b>Étapes</b><ul>{steps or '<li>aucune</li>'}</ul>"
                             f"<b>Budget</b><ul>{budget or '<li>aucun</li>'}</ul>"
                             f"<b>Indicateurs</b><ul>{indicators or '<li>aucun</li>'}</ul>")

        def redraw(ws):
            fill()
            found = roadmap.checks(ws, today=date.today())
            findings.value = "".join(f"<div class='kit-msg {LEVEL_CLASS.get(f.level, 'kit-msg-info')}'>"
                                     f"<b>{esc(f.level)}</b> : {esc(f.message)}</div>" for f in found) or (
                "<div class='kit-msg kit-msg-ok'>Aucun point à vérifier dans le plan d'action.</div>")
            checks_box.set_title(0, _checks_title(found))
            if any(f.level == "erreur" for f in found):
                checks_box.add_class("kit-has-errors")
            else:
                checks_box.remove_class("kit-has-errors")
            frame = roadmap.actions_frame(ws)
            overview.value = (table_html(frame[["title", "status", "lead", "start", "end"]].rename(columns={
                "title": "fiche", "status": "statut", "lead": "pilote", "start": "début", "end": "fin"}))
                if not frame.empty else "<p class='kit-sub'>Aucune fiche pour l'instant.</p>")
            list_box.set_title(0, f"Les fiches action ({len(ws.actions)}) : le tableau" if ws.actions
                               else "Les fiches action : aucune pour l'instant")

        on_choice(chooser, self.messages.guard(fill))
        title.on_msg(self.messages.guard(on_enter, near=fiche_note))
        title.observe(self.messages.guard(create_entered, near=fiche_note), names="value")
        for widget, handler, near in ((create, on_create, fiche_note), (save, on_save, fiche_note),
                                      (remove, on_remove, fiche_note), (blank, on_blank, blank_note),
                                      (add_step, add_to("step"), items_note),
                                      (add_line, add_to("budget"), items_note),
                                      (add_indicator, add_to("indicator"), items_note)):
            widget.on_click(self.messages.guard(handler, near=near))
        self.on("actions", redraw)
        return w.VBox([
            w.HTML(ACTION_CSS), checks_box, list_box,
            w.HTML("<h2>Écrire une fiche</h2><p class='kit-sub'>Choisissez une fiche pour la modifier, ou « Formulaire "
                   "vide » pour en écrire une autre : au minimum l'intitulé, le pilote et les dates, puis « Nouvelle "
                   "fiche » (ou Entrée dans l'intitulé).</p>"),
            w.HBox([chooser, blank]), blank_note, origin, title, w.HBox([lead, start, end]),
            w.HBox([status, priority]), description, w.HBox([_with_chosen(objectives), _with_chosen(places)]),
            w.HBox([_with_chosen(depends), _with_chosen(partners)]),
            participation, w.HBox([create, save, remove]), fiche_note,
            w.HTML("<h3>Étapes, budget et indicateurs de la fiche choisie</h3>"), details,
            w.HBox([step_title, step_due, add_step]), w.HBox([budget_year, budget_kind, amount, funder, add_line]),
            w.HBox([indicator, unit, baseline, target, add_indicator]), items_note])

    # -- 2. roadmap ---------------------------------------------------------------------------------

    def _roadmap(self) -> w.Widget:
        objective = self.choices(choice("Objectif", "kit-filter-objective", "360px"),
                                 lambda ws: [("tous", "")] + _named(o.title for o in ws.objectives))
        lead = self.choices(choice("Pilote", "kit-filter-lead", "320px"),
                            lambda ws: [("tous", "")] + _named(a.name for a in ws.actors))
        place = self.choices(choice("Quartier", "kit-filter-place", "300px"),
                             lambda ws: [("tous", "")] + _named(n.name for n in ws.neighbourhoods))
        status = choice("Statut", "kit-filter-status", "260px", options=[("tous", "")] + _named(roadmap.STATUSES))
        critical = tagged(w.HTML(), "kit-critical-path")
        name = tagged(w.Text(placeholder="Jalon du territoire (ex. : conseil communautaire)", layout=w.Layout(width="420px")),
                      "kit-milestone-title")
        day = tagged(DateInput(description="Date"), "kit-milestone-date")
        add = tagged(button("Ajouter le jalon", icon="flag"), "kit-add-milestone")
        milestone_note = near_line("kit-milestone-note")

        def figure(ws):
            actions = roadmap.actions_frame(ws)
            try:
                path = roadmap.critical_path(actions)
            except KitError:
                path = None  # the cycle is shown in the checks; the bars are still drawn
            milestones = programme_milestones() + [m.model_dump() for m in ws.milestones]
            return roadmap.gantt_figure(actions, milestones, path, date.today(), objective=objective.value or None,
                                        lead=lead.value or None, neighbourhood=place.value or None,
                                        status=status.value or None)

        view = self.figure(lambda: figure(self.ws), "kit-gantt")

        def redraw(ws):
            view.show(lambda: figure(ws))
            try:
                path = roadmap.critical_path(roadmap.actions_frame(ws))
                titles = {a.id: a.title for a in ws.actions}
                critical.value = (f"<p><b>Chemin critique</b> ({path.duration_days} jours) : "
                                  + " → ".join(esc(titles[i]) for i in path.ids) + "</p>" if path.ids else "")
            except KitError as error:
                critical.value = f"<div class='kit-msg kit-msg-error'>{esc(error.message)}</div>"

        def on_add(_):
            milestone = checked(lambda: Milestone(title=name.value, on=checked_date(day, "La date du jalon")
                                                  or _missing("la date du jalon")))
            self.save(lambda ws: ws.milestones.append(milestone), "Jalon ajouté.", parts=("roadmap",))
            name.value = ""

        for control in (objective, lead, place, status):
            control.observe(self.messages.guard(lambda _: view.show(lambda: figure(self.ws))), names="value")
        add.on_click(self.messages.guard(on_add, near=milestone_note))
        self.on(("roadmap", "actions"), redraw)
        return w.VBox([w.HBox([objective, lead]), w.HBox([place, status]), critical, view.widget,
                       w.HTML("<h3>Jalons du territoire</h3>"), w.HBox([name, day, add]), milestone_note])

    # -- 3. steering ------------------------------------------------------------------------------------

    def _steering(self) -> w.Widget:
        meetings, ics = tagged(w.HTML(), "kit-meetings"), tagged(w.HTML(), "kit-ics")
        matrix, load, dashboard = tagged(w.HTML(), "kit-responsibilities"), w.HTML(), tagged(w.HTML(), "kit-dashboard")

        def redraw(ws):
            found = steering.bodies_meetings(ws)
            meetings.value = (table_html(steering.meetings_frame(found)) if found else
                              "<p class='kit-sub'>Décrivez les instances et leur rythme en session 2.</p>") + "".join(
                f"<p class='kit-msg kit-msg-info'>{esc(n)}</p>" for n in found.notes)
            ics.value = download_link(to_ics(found, f"Pilotage — {ws.name}"), "pilotage.ics",
                                      "Calendrier des réunions (iCalendar, pour Outlook, Thunderbird, Google Agenda…)",
                                      "text/calendar") if found else ""
            table = steering.responsibility_matrix(ws)
            matrix.value = table_html(_who_does_what(table)) if not table.empty else ""
            load.value = table_html(steering.load_per_actor(ws)) if ws.actors else ""
            board = steering.indicator_dashboard(ws)
            dashboard.value = table_html(board) if not board.empty else "<p class='kit-sub'>Aucun indicateur de suivi.</p>"

        self.on(("steering", "actions"), redraw)
        # A year of monthly meetings is two screens long: it scrolls in its own box, "Qui fait quoi" stays near.
        calendar = w.Box([meetings], layout=w.Layout(max_height="330px", overflow="auto", display="block"))
        return w.VBox([w.HTML("<h2>Les réunions des instances</h2>"), calendar, ics,
                       w.HTML("<h2>Qui fait quoi</h2>"), matrix, w.HTML("<h3>Charge par acteur</h3>"), load,
                       w.HTML("<h2>Tableau de bord des indicateurs</h2>"), dashboard])

    # -- 4. spreadsheet and fiches --------------------------------------------------------------------

    def _files(self) -> w.Widget:
        make = tagged(button("Préparer le tableur du plan d'action", icon="table"), "kit-make-xlsx")
        fiches = tagged(button("Préparer les fiches (Word)", icon="file"), "kit-make-fiches")
        tet = tagged(button("Préparer l'import Territoires en Transitions", icon="upload"), "kit-make-tet")
        tet.tooltip = "Le plan d'action au format du fichier d'import de la plateforme de l'ADEME (Excel)"
        links = tagged(w.HTML(), "kit-files")
        from kit.reports.action_plan_reading import MAX_FILE_BYTES  # the browser refuses a larger file

        upload = tagged(Upload(accept=".xlsx", description="Réimporter le tableur",
                               limits={"": (MAX_FILE_BYTES, " pour un plan d'action")}), "kit-xlsx-upload")
        upload.on_refused(self.messages.error)
        upload_note = near_line("kit-xlsx-note")
        report = tagged(w.HTML(), "kit-xlsx-report")
        apply = tagged(button("Appliquer ces changements", style="primary", icon="check"), "kit-xlsx-apply")
        apply.layout.display = "none"
        pending: dict = {}

        def on_make(_):
            from kit.reports.action_plan_export import export_workbook

            links.value = download_link(export_workbook(self.store.load(self.ws_id)), "plan_action.xlsx",
                                        "Télécharger le plan d'action (Excel)",
                                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

        def on_fiches(_):
            from kit.reports import deliverables

            name, data = deliverables.export(self.store.load(self.ws_id), "fiches", "docx")
            links.value = download_link(data, name, f"Télécharger {name}",
                                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document")

        def on_tet(_):
            from kit.reports import deliverables

            name, data = deliverables.export(self.store.load(self.ws_id), "territoires-en-transitions")
            links.value = download_link(data, name, f"Télécharger {name} (import Territoires en Transitions)",
                                        deliverables.MIME_TYPES["xlsx"])

        def on_upload(change):
            if not change["new"]:
                return
            from kit.reports.action_plan_import import import_workbook

            file = change["new"][0]
            result = import_workbook(self.store.load(self.ws_id), bytes(file["content"]))
            pending["report"] = result
            report.value = "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in result.lines()) + "</ul>"
            apply.layout.display = None if result.ok and result.changes_anything else "none"
            if not result.ok:
                self.messages.error("Le tableur n'a pas été importé : corrigez les lignes indiquées, rien n'a changé.")
            upload.value = ()

        def on_apply(_):
            result = pending.pop("report", None)
            if result is None:
                raise KitError("Réimportez d'abord le tableur.")
            self.save(result.apply, "Plan d'action mis à jour depuis le tableur.")
            apply.layout.display = "none"
            report.value = ""

        files_note = near_line("kit-files-note")
        make.on_click(self.messages.guard(on_make, near=files_note))
        fiches.on_click(self.messages.guard(on_fiches, near=files_note))
        tet.on_click(self.messages.guard(on_tet, near=files_note))
        upload.observe(self.messages.guard(on_upload, near=upload_note), names="value")
        apply.on_click(self.messages.guard(on_apply, near=upload_note))
        return w.VBox([w.HTML("<h2>Le plan d'action dans un tableur</h2><p class='kit-sub'>Téléchargez-le, complétez-le "
                              "dans Excel ou LibreOffice, puis réimportez-le : chaque changement est vérifié, et rien "
                              "n'est modifié tant qu'une ligne pose problème.</p>"),
                       w.HBox([make, fiches, tet]), files_note, links, upload, upload_note, report, apply])


def _find(ws, action_id: str) -> Action:
    for action in ws.actions:
        if action.id == action_id:
            return action
    raise KitError("Cette fiche n'existe plus : elle a peut-être été supprimée par une autre personne.")


class _Gone(KitError):
    """A link of the form to something deleted since the lists were drawn."""


def _refuse_cycle_through(ws, action_id: str) -> None:
    """The fiche whose « Dépend de » was just written must not close a circle: refused, the circle named
    (« A » → « B » → « A »). A circle elsewhere, already saved (an older file), is the checks' to show and
    blocks no other save, as in the spreadsheet import: each can then be undone one fiche at a time."""
    import networkx as nx

    graph = roadmap.dependency_graph(roadmap.actions_frame(ws))
    knot = next((k for k in nx.strongly_connected_components(graph) if action_id in k), {action_id})
    if len(knot) > 1 or graph.has_edge(action_id, action_id):
        roadmap.find_cycles(graph.subgraph(knot), raise_error=True)


def _who_does_what(table):
    """The responsibility matrix (actors x fiches) as a screen shows it: one line per fiche, its pilot, partners
    and funders named (a dozen fiches as columns run off a projector's width)."""
    import pandas as pd

    roles = (("pilote", "pilote"), ("partenaire", "partenaires"), ("financeur", "financeurs"))
    rows = [{"fiche": fiche, **{title: join_french([str(n) for n in table.index[table.iloc[:, i] == role]]) or "—"
                                for role, title in roles}} for i, fiche in enumerate(table.columns)]
    frame = pd.DataFrame(rows, columns=["fiche"] + [title for _, title in roles])
    return frame if (frame["financeurs"] != "—").any() else frame.drop(columns="financeurs")


def _offers_objectives(ws) -> list[tuple[str, str]]:
    return [(o.title, o.id) for o in ws.objectives]


def _offers_lead(ws) -> list[tuple[str, str]]:
    return [("", "")] + _offers_actors(ws)


def _offers_actors(ws) -> list[tuple[str, str]]:
    return [(a.name, a.id) for a in ws.actors]


def _offers_places(ws) -> list[tuple[str, str]]:
    return [(n.name, n.id) for n in ws.neighbourhoods]


def _offers_fiches(ws) -> list[tuple[str, str]]:
    return [(a.title, a.id) for a in ws.actions]


def _named(names) -> list[tuple[str, str]]:
    """A filter's entries: each name once, as (label, value)."""
    return [(name, name) for name in dict.fromkeys(names)]


def _missing(what: str):
    raise KitError(f"Indiquez {what}.")


def action_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The session 3 app's root widget (what `notebooks/30_action.ipynb` displays)."""
    return ActionApp(store, workspace_id).root
