"""Home app: choose, create, import or export a territory's workspace, and see where each session stands.

Thin by design: every change goes through `kit.store` (saved at once, under a lock), every figure
shown comes from the workspace. Each action re-reads the latest revision, so two facilitators with
the same workspace open see each other's work at their next click.

The widgets are built once; showing a workspace only updates their values. Rebuilding them at each
save would send hundreds of new widgets to the browser per click (slow on a projector laptop) and
leave the old ones alive in the kernel.
"""

from __future__ import annotations

import ipywidgets as w

from kit import edits
from kit.cohort.cohorts import publish_after_save
from kit.reference import geography
from kit.errors import KitError, megabytes
from kit.model import Neighbourhood, checked
from kit.sessions.progress import DONE, IN_PROGRESS, SENT, programme_progress
from kit.store import MAX_FILE_BYTES, Store, WorkspaceCorrupt

from .address import PageAddress
from .cohort_sharing import SharingPanel
from .steps_panel import StepsPanel
from .ui import (EntityForm, Messages, app_exists, app_href, button, download_link, esc, esc_attr, heading,
                 near_line, page, safe_filename, set_options, tagged)
from .upload import Upload
from .workspace_choice import NONE, chooser_options

STATE_CLASS = {DONE: "kit-state-done", SENT: "kit-state-done", IN_PROGRESS: "kit-state-doing"}


TOOLS = (("glossaire.ipynb", "Glossaire"), ("ressources.ipynb", "Ressources et organismes experts"),
         ("50_regards_croises.ipynb", "Regards croisés de la cohorte"))


def _toolbox_html() -> str:
    """Links to the kit's reference pages, which need no workspace."""
    links = [f"<a class='kit-link' href='./{esc_attr(nb)}'>{esc(label)}</a>" for nb, label in TOOLS if app_exists(nb)]
    return f"<p class='kit-sub'>Boîte à outils : {' · '.join(links)}</p>" if links else ""


def _shown(widget: w.Widget, visible: bool) -> None:
    widget.layout.display = None if visible else "none"


NO_EPCI = ("<div class='kit-msg kit-msg-info' role='status'>Aucun EPCI de Nouvelle-Aquitaine ne correspond : "
           "vérifiez l'orthographe, ou donnez simplement un nom à l'espace.</div>")


class HomeApp:
    def __init__(self, store: Store | None = None, workspace_id: str | None = None):
        self.store = store or Store()
        self.messages = Messages()
        self.current: str | None = None
        self._select_next: str | None = None  # the neighbourhood the editor shows after the next redraw
        self._refreshing = False

        self.chooser = tagged(w.Dropdown(description="Espace", layout=w.Layout(width="560px")), "kit-chooser")
        self.chooser.observe(self.messages.guard(self._on_choose), names="value")
        self.address = PageAddress()  # ?espace= in the browser's address: a reload keeps the workspace
        self.panel = tagged(w.VBox(self._workspace_widgets()), "kit-workspace")
        self.corrupt = w.VBox()
        _shown(self.panel, False)
        self.root = page(
            heading("Quartiers en transitions", "Accueil : l'espace de travail du territoire"),
            tagged(w.HTML(_toolbox_html()), "kit-toolbox"),
            self.messages.widget,
            self.address,
            self.chooser,
            self.corrupt,
            self.panel,
            self._creation_form(),
            self._import_form(),
            w.HTML(f'<p class="kit-sub">Les espaces sont enregistrés dans <code>{esc(self.store.folder)}</code>. '
                   "Sur Binder, ce dossier disparaît à la fin de la session : téléchargez votre espace.</p>"),
            app_class="kit-home",
        )
        self._refresh_chooser()
        self.steps.find_terms(self.root)
        if workspace_id:
            self.messages.guard(self.open)(workspace_id)
        self.root.add_class("kit-ready")

    # -- the widgets of an open workspace (built once) ---------------------------------------------

    def _workspace_widgets(self) -> list[w.Widget]:
        self.title = w.HTML()
        self.steps = StepsPanel("00_accueil.ipynb", guard=self.messages.guard)
        self.sessions = w.HTML()

        self.neighbourhood_list = w.HTML()
        self.qpv_name = tagged(w.Text(placeholder="Nom du quartier", layout=w.Layout(width="260px")), "kit-new-qpv-name")
        self.qpv_code = tagged(w.Text(placeholder="Code QPV (QN03301M)", layout=w.Layout(width="210px")), "kit-new-qpv-code")
        self.qpv_commune = tagged(w.Combobox(placeholder="Commune", ensure_option=False, layout=w.Layout(width="230px")),
                                   "kit-new-qpv-commune")
        self.qpv_note = near_line("kit-qpv-note")
        add = tagged(button("Ajouter le quartier", style="primary", icon="plus"), "kit-add-qpv")
        add.on_click(self.messages.guard(lambda _: self._add_neighbourhood(), near=self.qpv_note))
        # A neighbourhood is corrected in place (a typo in its name, its code once known), never removed
        # and added again: its data, stakes and fiches stay linked to it.
        self.removable = tagged(w.Dropdown(description="Quartier", layout=w.Layout(width="360px")), "kit-remove-choice")
        self.removable.observe(self.messages.guard(lambda _: self._show_neighbourhood()), names="value")
        edit_name = tagged(w.Text(placeholder="Nom du quartier", layout=w.Layout(width="260px")), "kit-edit-qpv-name")
        edit_code = tagged(w.Text(placeholder="Code QPV", layout=w.Layout(width="170px")), "kit-edit-qpv-code")
        edit_commune = tagged(w.Text(placeholder="Commune", layout=w.Layout(width="230px")), "kit-edit-qpv-commune")
        self.neighbourhood_form = EntityForm({"name": edit_name, "qpv_code": edit_code, "commune": edit_commune})
        self.edit_note = near_line("kit-edit-qpv-note")
        save = tagged(button("Enregistrer le quartier", icon="save"), "kit-save-qpv")
        save.on_click(self.messages.guard(lambda _: self._save_neighbourhood(), near=self.edit_note))
        remove = tagged(button("Retirer ce quartier", icon="trash"), "kit-remove-qpv")
        remove.on_click(self.messages.guard(lambda _: self._remove_neighbourhood(), near=self.edit_note))
        self.remove_row = w.VBox([w.HTML("<p class='kit-sub'>Corriger ou retirer un quartier :</p>"), self.removable,
                                  w.HBox([edit_name, edit_code, edit_commune, save, remove],
                                         layout=w.Layout(flex_flow="row wrap")), self.edit_note])

        self.rename_text = tagged(w.Text(layout=w.Layout(width="420px")), "kit-rename-text")
        self.rename_form = EntityForm({"name": self.rename_text})  # a rename never undoes another one unasked
        rename = tagged(button("Renommer", icon="pencil"), "kit-rename")
        rename.on_click(self.messages.guard(lambda _: self._rename()))

        self.download = w.HTML()
        duplicate = tagged(button("Dupliquer", icon="copy"), "kit-duplicate")
        duplicate.on_click(self.messages.guard(lambda _: self._duplicate()))
        delete = tagged(button("Supprimer", style="danger", icon="trash"), "kit-delete")
        delete.on_click(self.messages.guard(lambda _: self._confirm_delete(True)))
        self.delete_question = w.HTML()
        confirm = tagged(button("Oui, supprimer", style="danger", icon="trash"), "kit-delete-confirm")
        confirm.on_click(self.messages.guard(lambda _: self._delete()))
        cancel = tagged(button("Annuler"), "kit-delete-cancel")
        cancel.on_click(self.messages.guard(lambda _: self._confirm_delete(False)))
        self.delete_row = w.HBox([delete])
        self.confirm_row = w.HBox([self.delete_question, confirm, cancel], layout=w.Layout(align_items="center"))

        self.revisions = w.Dropdown(layout=w.Layout(width="420px"))
        restore = tagged(button("Rétablir cette révision", icon="undo"), "kit-restore")
        restore.on_click(self.messages.guard(lambda _: self._restore(self.current, self.revisions.value)))
        self.sharing = SharingPanel(self.store, self.messages.guard, self._saved)
        self.history = w.VBox([w.HTML("<h2>Historique</h2><p class='kit-sub'>Un mauvais clic ? Rétablissez une "
                                      "version antérieure : la version actuelle reste dans l'historique.</p>"),
                               w.HBox([self.revisions, restore])])
        return [
            self.title,
            self.steps.widget,
            w.HTML("<h2>Où en est le projet</h2>"), self.sessions,
            w.HTML("<h2>Quartiers prioritaires</h2>"), self.neighbourhood_list,
            w.HBox([self.qpv_name, self.qpv_code, self.qpv_commune, add], layout=w.Layout(flex_flow="row wrap")),
            self.qpv_note,
            self.remove_row,
            w.HTML("<h2>Nom de l'espace</h2>"), w.HBox([self.rename_text, rename]),
            w.HTML("<h2>Garder et partager son travail</h2><p class='kit-sub'>Le fichier téléchargé contient "
                   "tout l'espace ; il se réimporte ci-dessous, ici ou sur un autre ordinateur.</p>"),
            w.HBox([self.download, duplicate], layout=w.Layout(align_items="center", grid_gap="24px")),
            self.delete_row, self.confirm_row,
            self.sharing.widget,
            self.history,
        ]

    # -- choosing --------------------------------------------------------------------------------

    def _refresh_chooser(self) -> None:
        options = [(NONE, ""), *chooser_options(self.store.list())]
        self._refreshing = True  # setting options and value must not "open" a workspace again
        try:
            self.chooser.options = options
            self.chooser.value = self.current if self.current in {v for _, v in options} else ""
        finally:
            self._refreshing = False

    def _on_choose(self, change) -> None:
        if self._refreshing:
            return
        self.messages.clear()
        if change["new"]:
            self.open(change["new"])
        else:
            self._close()

    def open(self, workspace_id: str) -> None:
        self.current = workspace_id
        self.address.espace = workspace_id
        try:
            workspace = self.store.load(workspace_id)
        except WorkspaceCorrupt as error:
            self._show_corrupt(workspace_id, error)
            return
        except KitError:
            self._close()
            raise
        self._refresh_chooser()
        self._render(workspace)

    def _close(self) -> None:
        self.current = None
        self.address.espace = ""
        _shown(self.panel, False)
        self.corrupt.children = ()
        self._refresh_chooser()

    # -- showing the open workspace ----------------------------------------------------------------

    def _render(self, ws) -> None:
        t = ws.territory
        epci = f"{t.epci_name} (SIREN {t.epci_siren})" if t.epci_siren else t.epci_name or "EPCI non renseigné"
        self.title.value = (f"<h2 class='kit-ws-name'>{esc(ws.name)}</h2>"
                            f"<p class='kit-sub'>{esc(epci)} · révision {ws.revision} · "
                            f"enregistré le {ws.updated_at.astimezone():%d/%m/%Y à %H:%M}</p>")
        self.sessions.value = self._sessions_html(ws)
        self.steps.redraw(ws)
        self._render_neighbourhoods(ws)
        self.rename_form.show(ws, ws.revision)  # a name being typed stays
        self.sharing.show(ws)
        self.download.value = download_link(self.store.export_bytes(ws.id), f"{safe_filename(ws.name)}.json",
                                            "Télécharger l'espace (fichier .json)")
        self._confirm_delete(False, ws)
        options = [(f"Révision {r.number} — {r.saved_at:%d/%m/%Y %H:%M:%S}", r.number)
                   for r in self.store.history(ws.id) if not r.current]
        set_options(self.revisions, options)
        _shown(self.history, bool(options))
        self.corrupt.children = ()
        _shown(self.panel, True)

    def _sessions_html(self, ws) -> str:
        cards = []
        for s in programme_progress(ws):
            if app_exists(s.notebook):
                link = f"<a class='kit-link' href='{esc_attr(app_href(s.notebook, ws.id))}'>Ouvrir l'application →</a>"
            else:
                link = "<span class='kit-sub'>Application en préparation</span>"
            facts = " · ".join(esc(f) for f in s.facts)
            cards.append(
                f"<div class='kit-card kit-session'><b>{esc(s.label)}</b> "
                f"<span class='kit-state {STATE_CLASS.get(s.state, 'kit-state-todo')}'>{esc(s.state)}</span>"
                f"<br><span class='kit-sub'>{esc(s.aim)}</span><br>{facts}<br>{link}</div>")
        return f"<div class='kit-cards'>{''.join(cards)}</div>"

    def _render_neighbourhoods(self, ws) -> None:
        if ws.neighbourhoods:
            rows = "".join(
                f"<tr class='kit-neighbourhood'><td><b>{esc(n.name)}</b></td><td>{esc(n.qpv_code or 'sans code QPV')}</td>"
                f"<td>{esc(n.commune)}</td></tr>" for n in ws.neighbourhoods)
            self.neighbourhood_list.value = f"<table class='kit-table'>{rows}</table>"
        else:
            self.neighbourhood_list.value = "<p class='kit-sub'>Aucun quartier pour l'instant : ajoutez-en un ci-dessous.</p>"
        set_options(self.removable, [(f"{n.name} ({n.qpv_code})" if n.qpv_code else n.name, n.id) for n in ws.neighbourhoods])
        _shown(self.remove_row, bool(ws.neighbourhoods))
        if self._select_next in {n.id for n in ws.neighbourhoods}:
            self.removable.value = self._select_next
        self._select_next = None
        self._show_neighbourhood(ws)
        siren = ws.territory.epci_siren
        set_options(self.qpv_commune, [c["nom"] for c in geography.communes_of_epci(siren)] if siren else [])

    def _show_corrupt(self, workspace_id: str, error: WorkspaceCorrupt) -> None:
        self._refresh_chooser()
        _shown(self.panel, False)
        self.messages.error(error.message, error.details)
        children = [w.HTML(f"<h2>{esc(workspace_id)}</h2>")]
        if error.good_revisions:
            number = error.good_revisions[0]
            restore = tagged(button(f"Rétablir la révision {number}", style="primary", icon="undo"), "kit-restore-good")
            restore.on_click(self.messages.guard(lambda _: self._restore(workspace_id, number)))
            children.append(restore)
        self.corrupt.children = tuple(children)

    # -- actions -----------------------------------------------------------------------------------

    def _saved(self, ws, message: str) -> None:
        not_shared = publish_after_save(self.store, ws)  # what the cohort sees follows the save
        self._render(ws)
        self._refresh_chooser()
        self.messages.ok(f"{message} {not_shared}".strip())

    def _add_neighbourhood(self) -> None:
        name, code, commune = self.qpv_name.value, self.qpv_code.value, self.qpv_commune.value
        if not name.strip():
            raise KitError("Indiquez le nom du quartier.")
        new = checked(lambda: Neighbourhood(name=name, qpv_code=code, commune=commune))
        _check_official_code(new.qpv_code)

        def add(ws):
            _check_code_unique(ws, new)
            ws.neighbourhoods.append(new)

        ws = self.store.update(self.current, add)
        self.qpv_name.value = self.qpv_code.value = self.qpv_commune.value = ""
        self._select_next = new.id  # the editor below shows what was just added
        self._saved(ws, f"Quartier « {new.name} » ajouté et enregistré.")

    def _show_neighbourhood(self, ws=None) -> None:
        """The editor shows the neighbourhood chosen in the list (its fields being typed stay as typed)."""
        ws = ws or self.store.load(self.current)
        chosen = next((n for n in ws.neighbourhoods if n.id == self.removable.value), None)
        self.neighbourhood_form.show(chosen, ws.revision)

    def _save_neighbourhood(self) -> None:
        neighbourhood_id = self.removable.value
        if not neighbourhood_id:
            raise KitError("Choisissez le quartier à corriger.")

        def change(ws):
            neighbourhood = edits.neighbourhood(ws, neighbourhood_id)
            self.neighbourhood_form.apply(neighbourhood, ws)
            checked(lambda: Neighbourhood.model_validate(neighbourhood.model_dump()))
            if not neighbourhood.name.strip():
                raise KitError("Le nom du quartier ne peut pas être vide.")
            _check_official_code(neighbourhood.qpv_code)
            _check_code_unique(ws, neighbourhood)

        try:
            ws = self.store.update(self.current, change)
        except edits.EditCollision as collision:
            self.neighbourhood_form.adopt(collision)
            raise
        saved = edits.neighbourhood(ws, neighbourhood_id)
        self.neighbourhood_form.load(saved, ws.revision)
        self._saved(ws, f"Quartier « {saved.name} » enregistré.")

    def _remove_neighbourhood(self) -> None:
        neighbourhood_id = self.removable.value
        if not neighbourhood_id:
            raise KitError("Choisissez le quartier à retirer.")
        label = self.removable.label
        ws = self.store.update(self.current, lambda ws: edits.remove_neighbourhood(ws, neighbourhood_id))
        self._saved(ws, f"Quartier « {label} » retiré (rétablissable depuis l'historique).")

    def _rename(self) -> None:
        try:
            ws = self.store.update(self.current, lambda ws: self.rename_form.apply(ws, ws))
        except edits.EditCollision as collision:
            self.rename_form.adopt(collision)
            raise
        self.rename_form.load(ws, ws.revision)
        self._saved(ws, f"Espace renommé « {ws.name} ».")

    def _duplicate(self) -> None:
        copy = self.store.duplicate(self.current)
        self.open(copy.id)
        self.messages.ok(f"Copie créée : « {copy.name} ». C'est elle qui est ouverte.")

    def _confirm_delete(self, asking: bool, ws=None) -> None:
        if asking:
            ws = self.store.load(self.current)
            self.messages.info("Confirmez la suppression, ou annulez.")
        if ws is not None:
            self.delete_question.value = (f"<b>Supprimer « {esc(ws.name)} » ?</b> "
                                          "Il sera placé dans la corbeille du dossier des espaces.")
        _shown(self.delete_row, not asking)
        _shown(self.confirm_row, asking)
        if not asking and ws is None:
            self.messages.clear()

    def _delete(self) -> None:
        ws = self.store.load(self.current)
        target = self.store.delete(ws.id)
        self._close()
        self.messages.ok(f"« {ws.name} » a été supprimé. Une copie reste dans {target.parent}.")

    def _restore(self, workspace_id: str, number: int) -> None:
        ws = self.store.restore(workspace_id, number)
        self.current = workspace_id
        self._saved(ws, f"Révision {number} rétablie (elle devient la révision {ws.revision}).")

    # -- creating and importing --------------------------------------------------------------------

    def _creation_form(self) -> w.Widget:
        search = tagged(w.Text(placeholder="Tapez le nom de votre EPCI (ex. : Grand Dax, Pau, Bordeaux)",
                                continuous_update=True, layout=w.Layout(width="560px")), "kit-epci-search")
        results = tagged(w.Select(options=[], rows=5, layout=w.Layout(width="560px", display="none")), "kit-epci-results")
        name = tagged(w.Text(placeholder="Nom de l'espace (par défaut : celui de l'EPCI)",
                              layout=w.Layout(width="560px")), "kit-new-name")
        create = tagged(button("Créer l'espace", style="primary", icon="plus"), "kit-create")
        # Beside the search, and emptied as soon as a name matches: never shown next to suggestions.
        no_match = tagged(w.HTML(""), "kit-epci-none")

        def on_search(change):
            found = geography.search_epcis(change["new"], limit=8) if len(change["new"].strip()) >= 2 else []
            set_options(results, [(geography.epci_label(e), e["siren"]) for e in found])
            _shown(results, bool(found))
            no_match.value = _siren_note(change["new"]) or (NO_EPCI if change["new"].strip() and not found else "")

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
        return w.VBox([w.HTML("<h2>Créer un espace de travail</h2>"), search, no_match, results,
                       w.HBox([name, create])])

    def _import_form(self) -> w.Widget:
        # A file over the limit is refused by the browser before it is sent (see `Upload`).
        upload = tagged(Upload(accept=".json", description="Importer un fichier .json",
                               limits={"": (MAX_FILE_BYTES, " pour un espace de travail")}), "kit-upload")
        upload.on_refused(self.messages.error)
        note = near_line("kit-import-note")
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

        guarded = self.messages.guard(on_upload, near=note)
        upload.observe(guarded, names="value")
        return w.VBox([w.HTML("<h2>Importer un espace</h2><p class='kit-sub'>Un fichier téléchargé depuis le kit. "
                              "Si l'espace existe déjà, une copie est créée : rien n'est écrasé.</p>"),
                       w.HBox([upload, replace], layout=w.Layout(align_items="center")), note])

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


def _siren_note(query: str) -> str:
    """What a typed SIREN (9 digits) calls for: a wrong check digit, or no EPCI of the region with it."""
    digits = "".join(query.split())
    if len(digits) != 9 or not digits.isdigit():
        return ""
    if not geography.is_valid_siren(digits):
        return (f"<div class='kit-msg kit-msg-error' role='alert'>Le SIREN {digits} n'est pas valide : sa clé de "
                "contrôle (le dernier chiffre) ne correspond pas. Vérifiez-le sur l'avis de situation de l'EPCI.</div>")
    if geography.epci_by_siren(digits) is None:
        return (f"<div class='kit-msg kit-msg-info' role='status'>Aucun EPCI de Nouvelle-Aquitaine n'a le SIREN "
                f"{digits} : vérifiez-le, ou donnez simplement un nom à l'espace.</div>")
    return ""


def _check_official_code(code: str) -> None:
    """A code absent from the official list, once a data command has loaded it, is refused."""
    # Imported here: the list is read with pandas, which the home page does not load otherwise (its start-up).
    from kit.reference.qpv_list import official_qpv_list, unknown_code_message

    if code:
        message = unknown_code_message(code, official_qpv_list())
        if message:
            raise KitError(message)


def _check_code_unique(ws, neighbourhood) -> None:
    if neighbourhood.qpv_code and any(n.qpv_code == neighbourhood.qpv_code and n.id != neighbourhood.id
                                      for n in ws.neighbourhoods):
        raise KitError(f"Le quartier {neighbourhood.qpv_code} figure déjà dans cet espace.")


def home_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The home app's root widget (what `notebooks/00_accueil.ipynb` displays)."""
    return HomeApp(store, workspace_id).root
