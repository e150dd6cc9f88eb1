"""Home app: choose, create, import or export a territory's workspace, and see where each session stands.

Thin by design: every change goes through `kit.store` (saved at once, under a lock), every figure
shown comes from the workspace. Each action re-reads the latest revision, so two facilitators with
the same workspace open see each other's work at their next click.
"""

from __future__ import annotations

import ipywidgets as w

from kit import edits, geography
from kit.errors import KitError, megabytes
from kit.model import Neighbourhood
from kit.progress import DONE, IN_PROGRESS, session_progress
from kit.store import MAX_FILE_BYTES, Store, WorkspaceCorrupt

from .ui import Messages, app_exists, app_href, button, download_link, esc, esc_attr, heading, page, safe_filename

STATE_CLASS = {DONE: "kit-state-done", IN_PROGRESS: "kit-state-doing"}
NONE = "— choisir un espace —"


class HomeApp:
    def __init__(self, store: Store | None = None, workspace_id: str | None = None):
        self.store = store or Store()
        self.messages = Messages()
        self.current: str | None = None
        self.pending_delete = False
        self._refreshing = False

        self.chooser = w.Dropdown(description="Espace", layout=w.Layout(width="560px"))
        self.chooser.add_class("kit-chooser")
        self.chooser.observe(self.messages.guard(self._on_choose), names="value")

        self.panel = w.VBox()
        self.panel.add_class("kit-workspace")
        self.root = page(
            heading("Quartiers en transitions", "Accueil : l'espace de travail du territoire"),
            self.messages.widget,
            w.HBox([self.chooser], layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.panel,
            self._creation_form(),
            self._import_form(),
            w.HTML(f'<p class="kit-sub">Les espaces sont enregistrés dans <code>{esc(self.store.folder)}</code>. '
                   "Sur Binder, ce dossier disparaît à la fin de la session : téléchargez votre espace.</p>"),
            app_class="kit-home",
        )
        self._refresh_chooser()
        if workspace_id:
            self.messages.guard(self.open)(workspace_id)
        self.root.add_class("kit-ready")

    # -- choosing --------------------------------------------------------------------------------

    def _refresh_chooser(self) -> None:
        options = [(NONE, "")]
        for s in self.store.list():
            label = s.name if s.readable else f"{s.name} (fichier illisible)"
            options.append((f"{label} — {s.epci}" if s.epci else label, s.id))
        self._refreshing = True  # setting options and value must not "open" a workspace again
        try:
            self.chooser.options = options
            self.chooser.value = self.current if self.current in {v for _, v in options} else ""
        finally:
            self._refreshing = False

    def _on_choose(self, change) -> None:
        if self._refreshing:
            return
        if change["new"]:
            self.messages.clear()
            self.open(change["new"])
        else:
            self.current = None
            self.panel.children = ()

    def open(self, workspace_id: str) -> None:
        self.current = workspace_id
        self.pending_delete = False
        self._refresh_chooser()
        try:
            workspace = self.store.load(workspace_id)
        except WorkspaceCorrupt as error:
            self._show_corrupt(workspace_id, error)
            return
        except KitError:
            self.current = None
            self.panel.children = ()
            self._refresh_chooser()
            raise
        self._render(workspace)

    # -- the open workspace ----------------------------------------------------------------------

    def _render(self, ws) -> None:
        t = ws.territory
        epci = f"{t.epci_name} (SIREN {t.epci_siren})" if t.epci_siren else t.epci_name or "EPCI non renseigné"
        title = w.HTML(f"<h2 class='kit-ws-name'>{esc(ws.name)}</h2>"
                       f"<p class='kit-sub'>{esc(epci)} · révision {ws.revision} · "
                       f"enregistré le {ws.updated_at.astimezone():%d/%m/%Y à %H:%M}</p>")
        self.panel.children = (title, self._sessions(ws), self._neighbourhoods(ws), self._file_actions(ws),
                               self._history(ws))

    def _sessions(self, ws) -> w.Widget:
        cards = []
        for s in session_progress(ws):
            if app_exists(s.notebook):
                link = f"<a class='kit-link' href='{esc_attr(app_href(s.notebook, ws.id))}'>Ouvrir l'application →</a>"
            else:
                link = "<span class='kit-sub'>Application en préparation</span>"
            facts = " · ".join(esc(f) for f in s.facts)
            cards.append(w.HTML(
                f"<div class='kit-card kit-session'><b>Session {s.number} — {esc(s.title)}</b> "
                f"<span class='kit-state {STATE_CLASS.get(s.state, 'kit-state-todo')}'>{esc(s.state)}</span>"
                f"<br><span class='kit-sub'>{esc(s.aim)}</span><br>{facts}<br>{link}</div>",
                layout=w.Layout(width="390px")))
        return w.VBox([w.HTML("<h2>Où en sont les sessions</h2>"),
                       w.HBox(cards, layout=w.Layout(flex_flow="row wrap"))])

    def _neighbourhoods(self, ws) -> w.Widget:
        rows = []
        for n in ws.neighbourhoods:
            remove = button("Retirer", icon="trash", tooltip=f"Retirer le quartier {n.name}")
            remove.on_click(self.messages.guard(lambda _, nid=n.id, name=n.name: self._remove_neighbourhood(nid, name)))
            label = w.HTML(f"<b>{esc(n.name)}</b> · {esc(n.qpv_code or 'sans code QPV')}"
                           + (f" · {esc(n.commune)}" if n.commune else ""))
            label.add_class("kit-neighbourhood")
            rows.append(w.HBox([label, remove], layout=w.Layout(justify_content="space-between", width="760px")))
        if not rows:
            rows.append(w.HTML("<p class='kit-sub'>Aucun quartier pour l'instant : ajoutez-en un ci-dessous.</p>"))

        name = w.Text(placeholder="Nom du quartier", layout=w.Layout(width="260px"))
        code = w.Text(placeholder="Code QPV (QN03301M)", layout=w.Layout(width="210px"))
        communes = [c["nom"] for c in geography.communes_of_epci(ws.territory.epci_siren)] if ws.territory.epci_siren else []
        commune = w.Combobox(placeholder="Commune", options=communes, ensure_option=False,
                             layout=w.Layout(width="230px"))
        add = button("Ajouter le quartier", style="primary", icon="plus")
        for field, css in ((name, "kit-new-qpv-name"), (code, "kit-new-qpv-code"), (commune, "kit-new-qpv-commune")):
            field.add_class(css)
        add.add_class("kit-add-qpv")
        add.on_click(self.messages.guard(lambda _: self._add_neighbourhood(name.value, code.value, commune.value)))

        rename = w.Text(value=ws.name, layout=w.Layout(width="420px"))
        rename.add_class("kit-rename-text")
        rename_button = button("Renommer", icon="pencil")
        rename_button.add_class("kit-rename")
        rename_button.on_click(self.messages.guard(lambda _: self._rename(rename.value)))
        return w.VBox([
            w.HTML("<h2>Quartiers prioritaires</h2>"), *rows,
            w.HBox([name, code, commune, add], layout=w.Layout(flex_flow="row wrap")),
            w.HTML("<h2>Nom de l'espace</h2>"), w.HBox([rename, rename_button]),
        ])

    def _file_actions(self, ws) -> w.Widget:
        data = self.store.export_bytes(ws.id)
        link = w.HTML(download_link(data, f"{safe_filename(ws.name)}.json", "Télécharger l'espace (fichier .json)"))
        duplicate = button("Dupliquer", icon="copy")
        duplicate.add_class("kit-duplicate")
        duplicate.on_click(self.messages.guard(lambda _: self._duplicate()))
        if self.pending_delete:
            confirm = button("Oui, supprimer", style="danger", icon="trash")
            confirm.add_class("kit-delete-confirm")
            confirm.on_click(self.messages.guard(lambda _: self._delete()))
            cancel = button("Annuler")
            cancel.add_class("kit-delete-cancel")
            cancel.on_click(self.messages.guard(lambda _: self._cancel_delete()))
            question = w.HTML(f"<b>Supprimer « {esc(ws.name)} » ?</b> Il sera placé dans la corbeille du dossier des espaces.")
            delete_row = w.HBox([question, confirm, cancel], layout=w.Layout(align_items="center"))
        else:
            delete = button("Supprimer", style="danger", icon="trash")
            delete.add_class("kit-delete")
            delete.on_click(self.messages.guard(lambda _: self._ask_delete()))
            delete_row = w.HBox([delete])
        return w.VBox([
            w.HTML("<h2>Garder et partager son travail</h2><p class='kit-sub'>Le fichier téléchargé contient "
                   "tout l'espace ; il se réimporte ci-dessous, ici ou sur un autre ordinateur.</p>"),
            w.HBox([link, duplicate], layout=w.Layout(align_items="center", grid_gap="24px")),
            delete_row,
        ])

    def _history(self, ws) -> w.Widget:
        revisions = self.store.history(ws.id)
        options = [(f"Révision {r.number} — {r.saved_at:%d/%m/%Y %H:%M:%S}", r.number)
                   for r in revisions if not r.current]
        if not options:
            return w.HTML("")
        picker = w.Dropdown(options=options, layout=w.Layout(width="420px"))
        restore = button("Rétablir cette révision", icon="undo")
        restore.add_class("kit-restore")
        restore.on_click(self.messages.guard(lambda _: self._restore(ws.id, picker.value)))
        return w.VBox([w.HTML("<h2>Historique</h2><p class='kit-sub'>Un mauvais clic ? Rétablissez une "
                              "version antérieure : la version actuelle reste dans l'historique.</p>"),
                       w.HBox([picker, restore])])

    def _show_corrupt(self, workspace_id: str, error: WorkspaceCorrupt) -> None:
        self.messages.error(error.message, error.details)
        children = [w.HTML(f"<h2>{esc(workspace_id)}</h2>")]
        if error.good_revisions:
            number = error.good_revisions[0]
            restore = button(f"Rétablir la révision {number}", style="primary", icon="undo")
            restore.add_class("kit-restore")
            restore.on_click(self.messages.guard(lambda _: self._restore(workspace_id, number)))
            children.append(restore)
        self.panel.children = tuple(children)

    # -- actions -----------------------------------------------------------------------------------

    def _saved(self, ws, message: str) -> None:
        self._render(ws)
        self._refresh_chooser()
        self.messages.ok(message)

    def _add_neighbourhood(self, name: str, code: str, commune: str) -> None:
        if not name.strip():
            raise KitError("Indiquez le nom du quartier.")
        new = _validated_neighbourhood(name, code, commune)

        def add(ws):
            if new.qpv_code and any(n.qpv_code == new.qpv_code for n in ws.neighbourhoods):
                raise KitError(f"Le quartier {new.qpv_code} figure déjà dans cet espace.")
            ws.neighbourhoods.append(new)

        ws = self.store.update(self.current, add)
        self._saved(ws, f"Quartier « {new.name} » ajouté et enregistré.")

    def _remove_neighbourhood(self, neighbourhood_id: str, name: str) -> None:
        ws = self.store.update(self.current, lambda ws: edits.remove_neighbourhood(ws, neighbourhood_id))
        self._saved(ws, f"Quartier « {name} » retiré (rétablissable depuis l'historique).")

    def _rename(self, name: str) -> None:
        ws = self.store.rename(self.current, name)
        self._saved(ws, f"Espace renommé « {ws.name} ».")

    def _duplicate(self) -> None:
        copy = self.store.duplicate(self.current)
        self.open(copy.id)
        self.messages.ok(f"Copie créée : « {copy.name} ». C'est elle qui est ouverte.")

    def _ask_delete(self) -> None:
        self.pending_delete = True
        self._render(self.store.load(self.current))
        self.messages.info("Confirmez la suppression, ou annulez.")

    def _cancel_delete(self) -> None:
        self.pending_delete = False
        self._render(self.store.load(self.current))
        self.messages.clear()

    def _delete(self) -> None:
        ws = self.store.load(self.current)
        target = self.store.delete(ws.id)
        self.current = None
        self.pending_delete = False
        self.panel.children = ()
        self._refresh_chooser()
        self.messages.ok(f"« {ws.name} » a été supprimé. Une copie reste dans {target.parent}.")

    def _restore(self, workspace_id: str, number: int) -> None:
        ws = self.store.restore(workspace_id, number)
        self.current = workspace_id
        self._saved(ws, f"Révision {number} rétablie (elle devient la révision {ws.revision}).")

    # -- creating and importing --------------------------------------------------------------------

    def _creation_form(self) -> w.Widget:
        search = w.Text(placeholder="Tapez le nom de votre EPCI (ex. : Grand Dax, Pau, Bordeaux)",
                        continuous_update=True, layout=w.Layout(width="560px"))
        search.add_class("kit-epci-search")
        results = w.Select(options=[], rows=5, layout=w.Layout(width="560px", display="none"))
        results.add_class("kit-epci-results")
        name = w.Text(placeholder="Nom de l'espace (par défaut : celui de l'EPCI)", layout=w.Layout(width="560px"))
        name.add_class("kit-new-name")
        create = button("Créer l'espace", style="primary", icon="plus")
        create.add_class("kit-create")

        def on_search(change):
            found = geography.search_epcis(change["new"], limit=8) if len(change["new"].strip()) >= 2 else []
            results.options = [(geography.epci_label(e), e["siren"]) for e in found]
            results.layout.display = "flex" if found else "none"
            if change["new"].strip() and not found:
                self.messages.info("Aucun EPCI de Nouvelle-Aquitaine ne correspond : vérifiez l'orthographe, "
                                   "ou donnez simplement un nom à l'espace.")

        def on_create(_):
            epci = geography.epci_by_siren(results.value) if results.value else None
            title = name.value.strip() or (epci["nom"] if epci else "")
            if not title:
                raise KitError("Choisissez un EPCI dans la liste, ou donnez un nom à l'espace.")
            territory = {"epci_name": epci["nom"], "epci_siren": epci["siren"]} if epci else {}
            ws = self.store.create(title, territory=territory)
            name.value, search.value = "", ""
            self.open(ws.id)
            self.messages.ok(f"Espace « {ws.name} » créé. Ajoutez maintenant ses quartiers.")

        search.observe(self.messages.guard(on_search), names="value")
        create.on_click(self.messages.guard(on_create))
        return w.VBox([w.HTML("<h2>Créer un espace de travail</h2>"), search, results, w.HBox([name, create])])

    def _import_form(self) -> w.Widget:
        upload = w.FileUpload(accept=".json", multiple=False, description="Importer un fichier .json",
                              layout=w.Layout(width="300px"))
        upload.add_class("kit-upload")
        replace = w.Checkbox(value=False, indent=False, layout=w.Layout(width="auto"),
                             description="Remplacer l'espace de même identifiant (l'ancienne version reste dans l'historique)")

        def on_upload(change):
            files = change["new"]
            if not files:
                return
            try:
                self._import(files[0], replace.value)
            finally:
                upload.unobserve(guarded, names="value")
                upload.value = ()
                upload.observe(guarded, names="value")

        guarded = self.messages.guard(on_upload)
        upload.observe(guarded, names="value")
        return w.VBox([w.HTML("<h2>Importer un espace</h2><p class='kit-sub'>Un fichier téléchargé depuis le kit. "
                              "Si l'espace existe déjà, une copie est créée : rien n'est écrasé.</p>"),
                       w.HBox([upload, replace], layout=w.Layout(align_items="center"))])

    def _import(self, file: dict, replace: bool) -> None:
        size = file.get("size") or len(file["content"])
        if size > MAX_FILE_BYTES:
            raise KitError(f"Fichier trop volumineux ({megabytes(size)}) : un espace de travail pèse "
                           f"au plus {MAX_FILE_BYTES // 1_048_576} Mo. Rien n'a été importé.")
        try:
            ws, message = self.store.import_bytes(bytes(file["content"]), replace=replace)
        except KitError as error:
            raise KitError(f"« {file.get('name', 'fichier')} » n'a pas été importé. {error.message}",
                           details=error.details) from None
        self.open(ws.id)
        self.messages.ok(message)


def _validated_neighbourhood(name: str, code: str, commune: str) -> Neighbourhood:
    from pydantic import ValidationError

    from kit.model import french_errors

    try:
        return Neighbourhood(name=name, qpv_code=code, commune=commune)
    except ValidationError as error:
        raise KitError("Quartier non ajouté :", details=french_errors(error)) from None


def home_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The home app's root widget (what `notebooks/00_accueil.ipynb` displays)."""
    return HomeApp(store, workspace_id).root
