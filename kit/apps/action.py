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
from kit.reports.icalendar_file import to_ics
from kit.errors import KitError
from kit.methods import roadmap
from kit.model import Action, ActionIndicator, BudgetLine, Milestone, Step, checked
from kit.store import Store

from .inputs import DateInput, checked_number, finite_or_none
from .session_app import SessionApp
from .session_plan import checked_date, session_plan
from .ui import EntityForm, button, choice, download_link, esc, near_line, on_choice, set_options, table_html, tagged
from .upload import Upload

PARTS = ("actions", "roadmap", "steering", "plan")
LEVEL_CLASS = {"erreur": "kit-msg-error", "attention": "kit-msg-error", "à compléter": "kit-msg-info"}


def _many(description: str, css: str, rows: int = 4) -> w.SelectMultiple:
    return tagged(w.SelectMultiple(description=description, rows=rows, layout=w.Layout(width="460px"),
                                   style={"description_width": "initial"}), css)


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
                    contents="Système de pilotage, plan d'action, feuille de route, responsabilités et plan de travail"))]

    # -- 1. fiches action ----------------------------------------------------------------------------

    def _fiches(self) -> w.Widget:
        findings = tagged(w.HTML(), "kit-action-checks")
        overview = tagged(w.HTML(), "kit-action-list")
        chooser = choice("Fiche", "kit-action-choice", "640px")
        title = tagged(w.Text(placeholder="Intitulé de la fiche action", layout=w.Layout(width="640px")), "kit-action-title")
        description = tagged(w.Textarea(placeholder="Description", layout=w.Layout(width="640px")), "kit-action-description")
        objectives = _many("Objectifs", "kit-action-objectives")
        lead = choice("Pilote", "kit-action-lead")
        partners = _many("Partenaires", "kit-action-partners")
        places = _many("Quartiers", "kit-action-places", rows=3)
        status = choice("Statut", "kit-action-status", "260px", options=list(roadmap.STATUSES))
        priority = choice("Priorité", "kit-action-priority", "260px", options=["haute", "moyenne", "basse"], value="moyenne")
        start = tagged(DateInput(description="Début"), "kit-action-start")
        end = tagged(DateInput(description="Fin"), "kit-action-end")
        depends = _many("Dépend de", "kit-action-depends")
        participation = tagged(w.Textarea(placeholder="Participation des habitants", layout=w.Layout(width="640px")),
                               "kit-action-participation")
        create = tagged(button("Nouvelle fiche", style="primary", icon="plus"), "kit-add-action")
        save = tagged(button("Enregistrer la fiche", style="primary", icon="save"), "kit-save-action")
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

        def selected() -> str:
            if not chooser.value:
                raise KitError("Choisissez d'abord une fiche (ou créez-en une).")
            return chooser.value

        def fields() -> dict:
            return dict(title=title.value, description=description.value, objective_ids=list(objectives.value),
                        lead_id=lead.value or None, partner_ids=list(partners.value), neighbourhood_ids=list(places.value),
                        status=status.value, priority=priority.value,
                        start=checked_date(start, "La date de début"), end=checked_date(end, "La date de fin"),
                        depends_on=list(depends.value), participation=participation.value)

        def many(box):
            return list(box.value)

        # The fiche chosen, as the form shows it: a save writes only what the person changed (`EntityForm`).
        fiche = EntityForm(
            {"title": title, "description": description, "objective_ids": objectives, "lead_id": lead,
             "partner_ids": partners, "neighbourhood_ids": places, "status": status, "priority": priority,
             "start": start, "end": end, "depends_on": depends, "participation": participation},
            show={"objective_ids": tuple, "lead_id": lambda v: v or "", "partner_ids": tuple,
                  "neighbourhood_ids": tuple, "depends_on": tuple},
            read={"objective_ids": many, "lead_id": lambda box: box.value or None, "partner_ids": many,
                  "neighbourhood_ids": many, "depends_on": many,
                  "start": lambda box: checked_date(box, "La date de début"),
                  "end": lambda box: checked_date(box, "La date de fin")})

        def on_create(_):
            new = checked(lambda: Action(**fields()))

            def change(ws):
                edits.require_unique(ws.actions, new.title, f"Une fiche s'intitule déjà « {new.title} ».")
                ws.actions.append(new)
                roadmap.find_cycles(roadmap.actions_frame(ws), raise_error=True)

            self.save(change, f"Fiche « {new.title} » créée.")
            chooser.value = new.id

        def on_save(_):
            action_id = selected()

            def check(ws, action, written):
                if action_id in action.depends_on:
                    raise KitError("Une fiche ne peut pas dépendre d'elle-même.")
                checked(lambda: Action.model_validate(action.model_dump()))  # start and end checked together
                roadmap.find_cycles(roadmap.actions_frame(ws), raise_error=True)

            self.save_form(fiche, lambda ws: _find(ws, action_id), "Fiche enregistrée.", check=check)

        def on_remove(_):
            action_id = selected()

            def change(ws):
                _find(ws, action_id)
                ws.actions = [a for a in ws.actions if a.id != action_id]
                for other in ws.actions:
                    other.depends_on = [d for d in other.depends_on if d != action_id]

            self.save(change, "Fiche supprimée (rétablissable depuis l'historique de l'accueil).")

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
            # A fiche can depend on any other one (a new fiche on any existing one).
            set_options(depends, [(a.title, a.id) for a in self.ws.actions if a is not action])
            fiche.show(action, self.ws.revision)  # the fields being typed in stay as typed
            if action is None:
                details.value = ""
                return
            steps = "".join(f"<li>{'✓' if s.done else '○'} {esc(s.title)}"
                            f"{' — ' + s.due.strftime('%d/%m/%Y') if s.due else ''}</li>" for s in action.steps)
            budget = "".join(f"<li>{b.year} · {esc(b.kind)} · {b.amount:,.0f} € · {esc(b.funder)}</li>".replace(",", " ")
                             for b in action.budget)
            indicators = "".join(f"<li>{esc(i.name)} ({esc(i.unit)}) : {i.baseline} → {i.target}</li>" for i in action.indicators)
            details.value = (f"<b>Étapes</b><ul>{steps or '<li>aucune</li>'}</ul><b>Budget</b><ul>{budget or '<li>aucun</li>'}"
                             f"</ul><b>Indicateurs</b><ul>{indicators or '<li>aucun</li>'}</ul>")

        def redraw(ws):
            set_options(objectives, [(o.title, o.id) for o in ws.objectives])
            actors = [(a.name, a.id) for a in ws.actors]
            set_options(lead, [("", "")] + actors)
            set_options(partners, actors)
            set_options(places, [(n.name, n.id) for n in ws.neighbourhoods])
            current = chooser.value
            set_options(chooser, [("", "")] + [(a.title, a.id) for a in ws.actions])
            chooser.value = current if current in {a.id for a in ws.actions} else ""
            fill()
            found = roadmap.checks(ws, today=date.today())
            findings.value = "".join(f"<div class='kit-msg {LEVEL_CLASS.get(f.level, 'kit-msg-info')}'>"
                                     f"<b>{esc(f.level)}</b> : {esc(f.message)}</div>" for f in found) or (
                "<div class='kit-msg kit-msg-ok'>Aucun point à vérifier dans le plan d'action.</div>")
            frame = roadmap.actions_frame(ws)
            overview.value = (table_html(frame[["title", "status", "lead", "start", "end"]].rename(columns={
                "title": "fiche", "status": "statut", "lead": "pilote", "start": "début", "end": "fin"}))
                if not frame.empty else "<p class='kit-sub'>Aucune fiche pour l'instant.</p>")

        on_choice(chooser, self.messages.guard(fill))
        for widget, handler, near in ((create, on_create, fiche_note), (save, on_save, fiche_note),
                                      (remove, on_remove, fiche_note), (add_step, add_to("step"), items_note),
                                      (add_line, add_to("budget"), items_note),
                                      (add_indicator, add_to("indicator"), items_note)):
            widget.on_click(self.messages.guard(handler, near=near))
        self.on("actions", redraw)
        return w.VBox([
            w.HTML("<h2>Points à vérifier</h2>"), findings, w.HTML("<h2>Les fiches action</h2>"), overview,
            w.HTML("<h2>Écrire une fiche</h2><p class='kit-sub'>Choisissez une fiche pour la modifier, ou remplissez "
                   "les champs puis « Nouvelle fiche ».</p>"),
            chooser, title, description, w.HBox([objectives, places]), w.HBox([lead, status, priority]), partners,
            w.HBox([start, end]), depends, participation, w.HBox([create, save, remove]), fiche_note,
            w.HTML("<h3>Étapes, budget et indicateurs de la fiche choisie</h3>"), details,
            w.HBox([step_title, step_due, add_step]), w.HBox([budget_year, budget_kind, amount, funder, add_line]),
            w.HBox([indicator, unit, baseline, target, add_indicator]), items_note])

    # -- 2. roadmap ---------------------------------------------------------------------------------

    def _roadmap(self) -> w.Widget:
        objective = choice("Objectif", "kit-filter-objective", "360px")
        lead = choice("Pilote", "kit-filter-lead", "320px")
        place = choice("Quartier", "kit-filter-place", "300px")
        status = choice("Statut", "kit-filter-status", "260px", options=[""] + list(roadmap.STATUSES))
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
            set_options(objective, [""] + [o.title for o in ws.objectives])
            set_options(lead, [""] + [a.name for a in ws.actors])
            set_options(place, [""] + [n.name for n in ws.neighbourhoods])
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
        return w.VBox([w.HBox([objective, lead]), w.HBox([place, status]), view.widget, critical,
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
            matrix.value = table_html(table.reset_index(names="acteur")) if not table.empty else ""
            load.value = table_html(steering.load_per_actor(ws)) if ws.actors else ""
            board = steering.indicator_dashboard(ws)
            dashboard.value = table_html(board) if not board.empty else "<p class='kit-sub'>Aucun indicateur de suivi.</p>"

        self.on(("steering", "actions"), redraw)
        return w.VBox([w.HTML("<h2>Les réunions des instances</h2>"), meetings, ics,
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

        make.on_click(self.messages.guard(on_make))
        fiches.on_click(self.messages.guard(on_fiches))
        tet.on_click(self.messages.guard(on_tet))
        upload.observe(self.messages.guard(on_upload, near=upload_note), names="value")
        apply.on_click(self.messages.guard(on_apply, near=upload_note))
        return w.VBox([w.HTML("<h2>Le plan d'action dans un tableur</h2><p class='kit-sub'>Téléchargez-le, complétez-le "
                              "dans Excel ou LibreOffice, puis réimportez-le : chaque changement est vérifié, et rien "
                              "n'est modifié tant qu'une ligne pose problème.</p>"),
                       w.HBox([make, fiches, tet]), links, upload, upload_note, report, apply])


def _find(ws, action_id: str) -> Action:
    for action in ws.actions:
        if action.id == action_id:
            return action
    raise KitError("Cette fiche n'existe plus : elle a peut-être été supprimée par une autre personne.")


def _missing(what: str):
    raise KitError(f"Indiquez {what}.")


def action_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The session 3 app's root widget (what `notebooks/30_action.ipynb` displays)."""
    return ActionApp(store, workspace_id).root
