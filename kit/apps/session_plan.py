"""The last tab of every session app: the session's date and place, the work plan until the next
step (tasks, owners, due dates, done or not) and the session's deliverable, downloadable at once.

Shared by the session apps: `app` is the app object (its `save`, `on`, `messages`, `store`, `ws_id`).
"""

from __future__ import annotations

import ipywidgets as w

from kit.errors import KitError
from kit.model import SessionRecord, WorkItem, checked
from kit.reports.html_table import html_table

from .inputs import DateInput, checked_date
from .ui import EntityForm, button, download_link, esc, near_line, set_options, tagged

MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "html": "text/html"}


def session_plan(app, *, number: int, next_step: str, deliverable: str, contents: str,
                 export_options=None) -> w.Widget:
    """The tab, built when first opened (`SessionApp.lazy`: it is used at the end of a session, and a page is
    usable only once all its widgets are sent). `export_options`: a function giving `deliverables.export`'s
    further arguments (the map's shapes)."""
    return app.lazy("Ouvrir le plan de travail et le livrable", lambda: _plan(
        app, number=number, next_step=next_step, deliverable=deliverable, contents=contents,
        export_options=export_options), "kit-lazy-plan",
        f"La date et le lieu de la session, le plan de travail jusqu'à {next_step} et le livrable de la session.")


def _plan(app, *, number: int, next_step: str, deliverable: str, contents: str, export_options=None) -> w.Widget:
    held_on = tagged(tagged(DateInput(description="Date de la session"), "kit-session-date"), "kit-label-whole")
    place = tagged(w.Text(placeholder="Lieu", layout=w.Layout(width="360px")), "kit-session-place")
    save_session = tagged(button("Enregistrer", icon="save"), "kit-save-session")
    task = tagged(w.Text(placeholder="Tâche (ex. : compléter les données de chaleur)", layout=w.Layout(width="460px")),
                   "kit-task")
    owner = tagged(w.Text(placeholder="Qui ?", layout=w.Layout(width="220px")), "kit-task-owner")
    due = tagged(tagged(DateInput(description="Échéance"), "kit-task-due"), "kit-label-whole")
    add = tagged(button("Ajouter au plan de travail", style="primary", icon="plus"), "kit-add-task")
    items = tagged(w.HTML(), "kit-plan")
    item_choice = w.Dropdown(layout=w.Layout(width="460px"))
    toggle = button("Fait / à faire", icon="check")
    drop = button("Retirer", icon="trash")
    docx = tagged(button("Préparer le livrable (Word)", icon="file"), "kit-make-docx")
    html_button = tagged(button("Préparer le livrable (HTML)", icon="file"), "kit-make-html")
    link = tagged(w.HTML(), "kit-deliverable")
    session_note, task_note = near_line("kit-session-note"), near_line("kit-task-note")

    def find(ws, item_id: str) -> WorkItem:
        for item in ws.session(number).work_plan:
            if item.id == item_id:
                return item
        raise KitError("Choisissez une tâche du plan de travail.")

    # The session's date and place: a save writes only what the person changed (see `EntityForm`).
    session = EntityForm({"held_on": held_on, "place": place},
                         read={"held_on": lambda box: checked_date(box, "La date de la session")})

    def on_session(_):
        app.save_form(session, lambda ws: ws.session(number), "Session enregistrée.", parts=("plan",))

    def on_add(_):
        item = checked(lambda: WorkItem(task=task.value, owner=owner.value, due=checked_date(due, "L'échéance")))
        app.save(lambda ws: ws.session(number).work_plan.append(item), "Tâche ajoutée au plan de travail.",
                 parts=("plan",))
        task.value = owner.value = ""

    def on_toggle(_):
        item_id = item_choice.value
        app.save(lambda ws: setattr(find(ws, item_id), "done", not find(ws, item_id).done),
                 "Plan de travail mis à jour.", parts=("plan",))

    def on_drop(_):
        item_id = item_choice.value

        def change(ws):
            find(ws, item_id)
            ws.session(number).work_plan = [i for i in ws.session(number).work_plan if i.id != item_id]

        app.save(change, "Tâche retirée.", parts=("plan",))

    def make(fmt):
        def handler(_):
            from kit.reports import deliverables  # the document layer is loaded when a deliverable is asked for

            app.messages.info("Préparation du livrable…")
            options = export_options() if export_options else {}
            name, data = deliverables.export(app.store.load(app.ws_id), deliverable, fmt, **options)
            link.value = download_link(data, name, f"Télécharger {name}", MIME[fmt])
            app.messages.ok("Livrable prêt : cliquez sur le lien pour le télécharger.")
        return handler

    def redraw(ws):
        record = next((r for r in ws.sessions if r.number == number), None)
        session.show(record or SessionRecord(number=number), ws.revision)  # what the person is typing stays
        plan = record.work_plan if record else []
        rows = [("✓" if i.done else "○", i.task, i.owner, i.due.strftime("%d/%m/%Y") if i.due else "") for i in plan]
        items.value = (html_table(["", "tâche", "qui", "échéance"], rows, css_class="kit-table") if plan
                       else "<p class='kit-sub'>Aucune tâche pour l'instant.</p>")
        set_options(item_choice, [(i.task, i.id) for i in plan])

    for widget, handler, near in ((save_session, on_session, session_note), (add, on_add, task_note),
                                  (toggle, on_toggle, task_note), (drop, on_drop, task_note),
                                  (docx, make("docx"), None), (html_button, make("html"), None)):
        widget.on_click(app.messages.guard(handler, near=near))
    app.on("plan", redraw)
    return w.VBox([w.HTML("<h2>La session</h2>"), w.HBox([held_on, place, save_session]), session_note,
                   w.HTML(f"<h2>Plan de travail jusqu'à {esc(next_step)}</h2>"), w.HBox([task, owner]),
                   w.HBox([due, add]), task_note, items, w.HBox([item_choice, toggle, drop]),
                   w.HTML(f"<h2>Livrable de la session {number}</h2><p class='kit-sub'>{esc(contents)}, "
                          "prêts à transmettre.</p>"),
                   w.HBox([docx, html_button]), link])
