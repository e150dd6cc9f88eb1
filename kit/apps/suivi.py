"""Follow-up app (phases 2 and 3): update statuses, steps and dated indicator values; see progress by
objective and theme, what is late or stale, and what changed since a chosen date."""

from __future__ import annotations

from datetime import date, datetime, time

import ipywidgets as w

from kit import edits
from kit.sessions import followup
from kit.errors import KitError
from kit.methods import roadmap
from kit.model import Measurement, checked
from kit.store import Store

from .inputs import DateInput, finite_or_none
from .session_app import SessionApp
from .session_plan import checked_date
from .ui import EntityForm, button, choice, esc, near_line, on_choice, set_options, table_html, tagged



class FollowUpApp(SessionApp):
    title = "Suivi — mise en œuvre et suivi du projet"
    css = "kit-suivi"
    parts = ("followup",)
    notebook = "40_suivi.ipynb"

    def sections(self) -> list[tuple[str, w.Widget]]:
        return [("1. Mettre à jour", self._update()), ("2. Avancement", self._progress()),
                ("3. Ce qui a changé", self._changes())]

    def _update(self) -> w.Widget:
        chooser = self.choices(choice("Fiche", "kit-followup-choice", "640px"),
                               lambda ws: [("", "")] + [(a.title, a.id) for a in ws.actions])
        status = choice("Statut", "kit-followup-status", "300px", options=list(roadmap.STATUSES))
        save_status = tagged(button("Enregistrer le statut", style="primary", icon="save"), "kit-followup-save-status")
        steps = tagged(w.SelectMultiple(description="Étapes faites", rows=5, layout=w.Layout(width="640px"),
                                        style={"description_width": "initial"}), "kit-followup-steps")
        save_steps = tagged(button("Enregistrer les étapes", icon="check"), "kit-followup-save-steps")
        indicator = choice("Indicateur", "kit-followup-indicator", "460px")
        on = tagged(DateInput(description="Mesuré le", value=date.today()), "kit-followup-date")
        value = tagged(w.FloatText(description="Valeur", layout=w.Layout(width="220px")), "kit-followup-value")
        add_value = tagged(button("Ajouter la valeur", style="primary", icon="plus"), "kit-followup-add-value")
        history = tagged(w.HTML(), "kit-followup-history")
        value_note = near_line("kit-followup-note")

        def action(ws):
            found = next((a for a in ws.actions if a.id == chooser.value), None)
            if found is None:
                raise KitError("Choisissez d'abord une fiche action.")
            return found

        # What a save writes: only what the person changed since the fiche was shown (see `EntityForm`);
        # the steps' ticks are merged one by one (`edits.merge_form`), so two people ticking two steps
        # both count.
        status_form = EntityForm({"status": status})
        ticks: dict = {"key": None, "loaded": {}, "shown": ()}

        def show_steps(found):
            being_ticked = ticks["key"] == found.id and steps.value != ticks["shown"]
            set_options(steps, [(s.title, s.id) for s in found.steps])
            if not being_ticked:
                steps.value = tuple(s.id for s in found.steps if s.done)
                ticks.update(key=found.id, loaded={s.id: s.done for s in found.steps}, shown=steps.value)

        def fill(_=None):
            found = next((a for a in self.ws.actions if a.id == chooser.value), None)
            status_form.show(found, self.ws.revision)
            if found is None:
                history.value = ""
                return
            show_steps(found)
            set_options(indicator, [(f"{i.name} ({i.unit})" if i.unit else i.name, i.id) for i in found.indicators])
            rows = [{"indicateur": i.name, "date": m.on.strftime("%d/%m/%Y"), "valeur": m.value, "cible": i.target}
                    for i in found.indicators for m in sorted(i.measurements, key=lambda m: m.on)]
            import pandas as pd

            history.value = table_html(pd.DataFrame(rows)) if rows else "<p class='kit-sub'>Aucune valeur mesurée.</p>"

        def on_status(_):
            self.save_form(status_form, action, "Statut enregistré.")

        def on_steps(_):
            done, loaded = set(steps.value), dict(ticks["loaded"])

            def change(ws):
                found = {step.id: step for step in action(ws).steps}
                current = {step_id: step.done for step_id, step in found.items()}
                # Two ticks never collide (a step is done or not): only the person's own changes are written.
                writes, _ = edits.merge_form(current, loaded, {i: i in done for i in loaded if i in found})
                for step_id, value in writes.items():
                    found[step_id].done = value

            self.save(change, "Étapes enregistrées.")
            ticks["key"] = None
            show_steps(action(self.ws))

        def on_value(_):
            if not indicator.value:
                raise KitError("Cette fiche n'a pas d'indicateur : ajoutez-en un dans l'application de la session 3.")
            day = checked_date(on, "La date de mesure")
            if day is None:
                raise KitError("Indiquez la date de la mesure.")
            if day > date.today():
                raise KitError(f"La date de mesure ({day:%d/%m/%Y}) est dans le futur.")
            number = finite_or_none(value.value, "Valeur")
            measurement = checked(lambda: Measurement(on=day, value=number))
            chosen = indicator.value

            def change(ws):
                target = next(i for i in action(ws).indicators if i.id == chosen)
                target.measurements.append(measurement)

            self.save(change, "Valeur ajoutée (les précédentes sont conservées).")

        def redraw(ws):
            fill()  # the fiche list itself follows every save (`self.choices`): a fiche removed elsewhere leaves it

        on_choice(chooser, self.messages.guard(fill))
        for widget, handler, near in ((save_status, on_status, None), (save_steps, on_steps, None),
                                      (add_value, on_value, value_note)):
            widget.on_click(self.messages.guard(handler, near=near))
        self.on("followup", redraw)
        return w.VBox([chooser, w.HBox([status, save_status]), steps, save_steps,
                       w.HTML("<h3>Indicateurs : une valeur datée à chaque mesure</h3>"),
                       w.HBox([indicator, on, value, add_value]), value_note, history])

    def _progress(self) -> w.Widget:
        # The date the situation is judged at: the follow-up meeting's, rarely today. A view setting, not
        # saved in the workspace: each person (each tab) may prepare a different meeting, and reopening
        # the page starts again from today, as a facilitator expects.
        on = tagged(tagged(DateInput(description="À la date du", value=date.today()), "kit-followup-on"),
                    "kit-label-whole")
        situation = tagged(w.HTML(), "kit-followup-situation")
        on_note = near_line("kit-followup-on-note")
        warnings = tagged(w.HTML(), "kit-followup-alerts")
        by_objective, by_theme = tagged(w.HTML(), "kit-progress-objectives"), tagged(w.HTML(), "kit-progress-themes")
        shown = {"day": date.today()}  # the last date accepted: kept while the box holds a refused one

        def chosen_day() -> date:
            """The box's date (empty: today), or a `KitError` for a date it cannot take."""
            return checked_date(on, "La date de la situation") or date.today()

        def draw(ws, day: date):
            shown["day"] = day
            today = " (aujourd'hui)" if day == date.today() else ""
            situation.value = (f"<p class='kit-sub'><b>Situation au {day:%d/%m/%Y}</b>{today} : les échéances sont "
                               "comparées à cette date ; statuts, étapes et valeurs sont ceux enregistrés.</p>")
            found = followup.alerts(ws, today=day)
            warnings.value = "".join(f"<div class='kit-msg kit-msg-error'>{esc(a)}</div>" for a in found) or (
                "<div class='kit-msg kit-msg-ok'>Rien en retard, aucun indicateur oublié.</div>")
            objectives, themes = followup.progress_by_objective(ws, on=day), followup.progress_by_theme(ws, on=day)
            by_objective.value = table_html(objectives) if not objectives.empty else ""
            by_theme.value = table_html(themes) if not themes.empty else ""

        def redraw(ws):
            try:
                day = chosen_day()
            except KitError:
                day = shown["day"]  # a save redraws at the last date accepted; the box says what is wrong
            draw(ws, day)

        def on_date(_):
            try:
                day = chosen_day()
            except KitError:
                shown["refused"] = True
                raise
            draw(self.ws, day)
            if shown.pop("refused", False):
                self.messages.clear()  # the refusal no longer holds

        on.observe(self.messages.guard(on_date, near=on_note), names=["value", "unreadable"])
        self.on("followup", redraw)
        return w.VBox([on, on_note, situation, w.HTML("<h2>À surveiller</h2>"), warnings,
                       w.HTML("<h2>Par objectif</h2>"), by_objective, w.HTML("<h2>Par thème</h2>"), by_theme])

    def _changes(self) -> w.Widget:
        since = tagged(DateInput(description="Depuis le"), "kit-changes-since")
        show = tagged(button("Voir les changements", icon="history"), "kit-show-changes")
        listing = tagged(w.HTML(), "kit-changes")

        def on_show(_):
            day = checked_date(since, "La date")
            if day is None:
                raise KitError("Choisissez une date.")
            moment = datetime.combine(day, time.min)
            # The plan as it stood on that day: the newest revision saved before it (maybe the current one).
            earlier = [r for r in self.store.history(self.ws_id) if r.saved_at < moment]
            now = self.store.load(self.ws_id)
            before = None
            if earlier:
                before = now if earlier[0].current else self.store.load_revision(self.ws_id, earlier[0].number)
            changes = followup.changes_since(before, now)
            listing.value = "<ul>" + "".join(f"<li>{esc(c)}</li>" for c in changes) + "</ul>"

        show.on_click(self.messages.guard(on_show))
        return w.VBox([w.HTML("<p class='kit-sub'>Comparez le plan d'action d'aujourd'hui avec celui enregistré à "
                              "une date passée (l'historique garde les 50 dernières versions).</p>"),
                       w.HBox([since, show]), listing])


def followup_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The follow-up app's root widget (what `notebooks/40_suivi.ipynb` displays)."""
    return FollowUpApp(store, workspace_id).root
