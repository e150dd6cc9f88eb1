"""Session 1 app, "Enjeux et défis": diagnostic, stakes, stake map, MICMAC, positioning, deliverable.

What a facilitator projects during session 1. Every edit is saved at once through `kit.store`;
every number shown comes from `kit.sessions.diagnostic`, `kit.sessions.stakes` and `kit.methods.micmac`, the same
functions an analyst calls from a notebook cell. Widgets are built once and updated in place.
"""

from __future__ import annotations

import ipywidgets as w

from kit import charts, edits
from kit.sessions import diagnostic, stakes
from kit.errors import KitError
from kit.reference.indicators import (MAX_ARCHIVE_BYTES, MAX_TABLE_BYTES, import_values, theme_labels,
                                     official_table, read_insee_qpv_zip, read_table)
from kit.model import SCORE_MAX, CustomIndicator, IndicatorValue, LocalProject, Stake, checked
from kit.reference import contours
from kit.store import Store

from .entry import EntryBox
from .grid import Grid, pasted_refusal
from .inputs import checked_number
from .session_plan import session_plan
from .session_app import SessionApp
from .ui import SCORE_CHOICES, EntityForm, button, esc, near_line, on_choice, set_options, table_html, tagged
from .upload import Upload

PROJECT_KINDS = ["Axe du contrat de ville", "PCAET", "PLH", "NPNRU", "PAT", "CLS", "Autre projet local"]
SECTOR_NAMES = {"direct": "directes", "indirect": "indirectes", "potential_direct": "directes potentielles",
                "potential_indirect": "indirectes potentielles"}
# How a list offers an indicator's direction (the model's `direction`, the catalogue's `sens`)
DIRECTION_CHOICES = [(diagnostic.DIRECTIONS[d][:1].upper() + diagnostic.DIRECTIONS[d][1:], d)
                     for d in ("haut", "bas", "neutre")]
PARTS = ("diagnostic", "stakes", "map", "micmac", "positioning", "plan")
SCALE = f"(0 à {SCORE_MAX})"  # how a 0-10 score is named on screen: « Importance (0 à 10) »
COUNT_CSS = """<style>
.kit-enjeux .kit-count { font-size: 14px; color: #555; margin: -2px 0 4px 4px; line-height: 1.2; }
.kit-enjeux .kit-count-over { color: #b3261e; font-weight: 600; }
</style>"""


def _text_box(placeholder: str, css: str, width: str = "420px", area: bool = False) -> w.Widget:
    kind = w.Textarea if area else w.Text
    return tagged(kind(placeholder=placeholder, layout=w.Layout(width=width)), css)


def text_limit(model, field: str) -> int:
    """The most characters the model keeps in `field` (`Name`, `ShortText`: 200; `LongText`: 20 000)."""
    return next(rule.max_length for rule in model.model_fields[field].metadata if hasattr(rule, "max_length"))


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def within_limit(text: str, model, field: str, what: str) -> str:
    """`text`, or the refusal saying how long it is, where the person typed it, in place of pydantic's words."""
    limit, length = text_limit(model, field), len(text.strip())
    if length > limit:
        raise KitError(f"{what} compte {_thousands(length)} caractères, {_thousands(limit)} au plus : "
                       f"raccourcissez-le de {_thousands(length - limit)} caractère(s).")
    return text


def counted(box: w.Widget, model, field: str) -> tuple[w.Widget, w.HTML]:
    """`box` with its count of characters under it, « 87 / 200 caractères », red past the model's maximum;
    updated as the person types (the boxes send each keystroke)."""
    limit = text_limit(model, field)
    count = tagged(w.HTML(), "kit-count")

    def update(_=None):
        length = len(box.value.strip())
        over = length > limit
        count.value = (f"<div class='kit-count{' kit-count-over' if over else ''}'>{_thousands(length)} / "
                       f"{_thousands(limit)} caractères{' : trop long' if over else ''}</div>")

    update()
    box.observe(update, names="value")
    return w.VBox([box, count], layout=w.Layout(width="auto")), count



GONE_NEIGHBOURHOOD = ("Un quartier choisi n'existe plus : il a peut-être été retiré par une autre personne. "
                      "Choisissez à nouveau.")


class StakesApp(SessionApp):
    title = "Session 1 — Enjeux et défis"
    css = "kit-enjeux"
    parts = PARTS
    notebook = "10_enjeux.ipynb"

    def sections(self) -> list[tuple[str, w.Widget]]:
        self.show_next: dict[str, str] = {}  # what was just added, by kind: its editor shows it after the save
        return [("1. Diagnostic", self._diagnostic()), ("2. Enjeux", self._stakes()),
                ("3. Carte des enjeux", self._map()), ("4. Analyse structurelle", self._micmac()),
                ("5. Positionnement", self._positioning()), ("6. Plan de travail et livrable", self._plan()),
                ("Atelier en direct", self._live())]

    def grid_messages(self, grid: Grid, on_cell, on_paste) -> w.HTML:
        """Wire a grid's typed cells and pasted blocks; what they say is shown under the grid too (the page's
        message line is out of sight below a long matrix), refusals with the cells they name."""
        note = near_line()

        def said(handler):
            def wrapped(*args):
                note.value = ""
                result = handler(*args)
                note.value = self.messages.widget.value
                return result
            return wrapped

        def refused(error):
            self.messages.error(error.message, error.details)
            note.value = self.messages.widget.value

        grid.on_edit(said(on_cell), refused)
        grid.on_paste(said(on_paste))
        return note

    # -- the room's phones (kit/apps/live_panel.py) ------------------------------------------------------

    def _live(self) -> w.Widget:
        from .live_reviews import SESSION_1

        return self.live_tab(SESSION_1, "Les téléphones de la salle proposent des enjeux, votent ou notent les influences "
                                        "entre enjeux (MICMAC), sans compte ni application.")

    # -- 1. diagnostic ----------------------------------------------------------------------------

    def _diagnostic(self) -> w.Widget:
        grid = tagged(Grid(rows=[{"id": code, "label": label} for label, code in diagnostic.indicator_options(self.ws)],
                            corner="Indicateur",
                            cell_hint="{row} — {col} : un nombre (12,5), « s » si secret statistique, vide si inconnu"),
                       "kit-diag-grid")

        def on_cell(indicator: str, column: str, text: str) -> str:
            kind, place = diagnostic.split_place(column)
            kept = {}

            def change(ws):
                kept["value"] = diagnostic.set_value(ws, indicator, kind, place, text)

            self.save(change, "Valeur enregistrée.", parts=("diagnostic",))
            return diagnostic.shown(kept["value"])

        def on_paste(cells):
            refused = {}
            for indicator, column, text in cells:
                try:
                    diagnostic.read_cell(indicator, text, self.ws)
                except KitError as error:
                    refused[f"{indicator}|{column}"] = error.message
            if refused:
                raise pasted_refusal(grid, refused)
            shown = {}

            def change(ws):
                for indicator, column, text in cells:
                    kind, place = diagnostic.split_place(column)
                    shown[f"{indicator}|{column}"] = diagnostic.shown(diagnostic.set_value(ws, indicator, kind, place, text))

            self.save(change, f"{len(cells)} case(s) collée(s) et enregistrée(s).", parts=("diagnostic",))
            return shown

        grid_note = self.grid_messages(grid, on_cell, on_paste)

        def redraw_grid(ws):
            rows = [{"id": code, "label": label} for label, code in diagnostic.indicator_options(ws)]
            if rows != grid.rows:  # an indicator of the territory added, renamed or removed
                grid.rows = rows
            columns = diagnostic.places(ws)
            grid.columns = [{"id": c["id"], "label": c["label"]} for c in columns]
            grid.values = {f"{v.indicator}|{v.place_kind}:{v.place}": diagnostic.shown(v) for v in ws.indicator_values}

        self.on("diagnostic", redraw_grid)

        chooser = self.choices(tagged(w.Dropdown(description="Quartier", layout=w.Layout(width="460px")),
                                      "kit-portrait-choice"), self.neighbourhood_options)
        portrait_table = tagged(w.HTML(), "kit-portrait-table")
        def portrait_figure(ws, neighbourhood_id):
            if not ws.neighbourhoods:
                return charts.placeholder("Ajoutez d'abord les quartiers depuis l'accueil")
            frame = diagnostic.portrait(ws, neighbourhood_id or ws.neighbourhoods[0].id)
            reference = next((r for r in ("France", "région", "EPCI") if frame[r].notna().any()), "France")
            return charts.portrait_gaps(frame, reference)

        portrait_chart = self.figure(lambda: portrait_figure(self.ws, None), "kit-portrait-chart")
        comparison = w.HTML()

        def redraw_portrait(ws):
            # Below the data grid, out of the first screen: drawn (with pandas) once the page is on screen.
            self.later("portrait", lambda: draw_portrait(ws))

        def draw_portrait(ws):
            if not ws.neighbourhoods:
                portrait_table.value = "<p class='kit-sub'>Ajoutez d'abord les quartiers depuis l'accueil.</p>"
                return
            frame = diagnostic.portrait(ws, chooser.value or ws.neighbourhoods[0].id)
            known = frame[frame["quartier"].notna() | (frame["note"] != "non renseigné")]
            portrait_table.value = (table_html(known.drop(columns=["où trouver la donnée"]), "kit-portrait")
                                    if not known.empty else "<p class='kit-sub'>Aucune valeur pour ce quartier.</p>")
            missing = frame[frame["quartier"].isna() & (frame["note"] == "non renseigné")]
            if not missing.empty:
                portrait_table.value += ("<details><summary>Données manquantes et où les trouver "
                                         f"({len(missing)})</summary>{table_html(missing[['indicateur', 'où trouver la donnée']])}</details>")
            chosen = chooser.value
            portrait_chart.show(lambda: portrait_figure(ws, chosen))
            table = diagnostic.comparison(ws)
            comparison.value = table_html(table) if len(ws.neighbourhoods) > 1 and not table.empty else ""

        chooser.observe(self.messages.guard(lambda _: redraw_portrait(self.ws)), names="value")
        self.on("diagnostic", redraw_portrait)
        return w.VBox([
            w.HTML("<h2>Les données du quartier</h2><p class='kit-sub'>Tapez les valeurs connues, ligne par ligne "
                   "(Entrée passe à la case suivante), ou collez un bloc copié d'un tableur depuis sa première case. Une "
                   "valeur manquante reste vide : le kit ne l'invente pas.</p>"),
            grid, grid_note,
            self.lazy("Indicateurs du territoire (en plus des 22 du kit)", self._custom_indicators, "kit-lazy-custom"),
            self.lazy("Corriger une valeur, son année et sa source", self._value_editor, "kit-lazy-values"),
            self.lazy("Importer un tableau ou un fichier officiel", self._import_panel, "kit-lazy-import"),
            w.HTML("<h2>Portrait</h2>"), chooser, portrait_table, portrait_chart.widget,
            w.HTML("<h2>Les quartiers côte à côte</h2>"), comparison,
            self.lazy("Carte des quartiers (contours officiels de l'ANCT)", self._neighbourhood_map, "kit-lazy-map"),
        ])

    def _custom_indicators(self) -> w.Widget:
        """The territory's own indicators (« Nombre de jardins partagés »): added, corrected in place, removed
        (asked first when they have values). They appear wherever a catalogue indicator does."""
        what = {"name": "Le nom de l'indicateur", "unit": "L'unité", "source": "La source",
                "definition": "La définition"}

        def limited(field):
            return lambda box: within_limit(box.value, CustomIndicator, field, what[field])

        name = tagged(EntryBox(placeholder="Nom (ex. : Nombre de jardins partagés)", width="420px",
                               max_length=text_limit(CustomIndicator, "name")), "kit-custom-name")
        unit = _text_box("Unité (ex. : jardins, %)", "kit-custom-unit", "200px")
        direction = tagged(w.Dropdown(options=DIRECTION_CHOICES, value="neutre", layout=w.Layout(width="330px")),
                           "kit-custom-direction")
        source = _text_box("Source (ex. : service des espaces verts, 2024)", "kit-custom-source", "420px")
        add = tagged(button("Ajouter l'indicateur", style="primary", icon="plus"), "kit-add-custom")
        add_note = near_line("kit-add-custom-note")

        chooser = self.choices(tagged(w.Dropdown(description="Indicateur", layout=w.Layout(width="640px")),
                                      "kit-custom-choice"),
                               lambda ws: [(diagnostic.indicator_label(r), r.code) for r in
                                           diagnostic.indicator_catalogue(ws).itertuples()
                                           if r.theme == diagnostic.CUSTOM_THEME])
        edit = {"name": _text_box("Nom de l'indicateur", "kit-custom-edit-name", "640px"),
                "unit": _text_box("Unité", "kit-custom-edit-unit", "200px"),
                "direction": tagged(w.Dropdown(options=DIRECTION_CHOICES, layout=w.Layout(width="330px")),
                                    "kit-custom-edit-direction"),
                "source": _text_box("Source", "kit-custom-edit-source", "640px"),
                "definition": _text_box("Définition : ce que l'indicateur compte, comment (facultatif)",
                                        "kit-custom-edit-definition", "640px", area=True)}
        form = EntityForm(edit, read={field: limited(field) for field in what})
        save = tagged(button("Enregistrer l'indicateur", icon="save"), "kit-save-custom")
        remove = tagged(button("Retirer l'indicateur", icon="trash"), "kit-remove-custom")
        # Asked first when values go with it (as `projet.Confirmation` asks; not imported: networkx comes with it)
        question = tagged(w.HTML(), "kit-custom-delete-question")
        confirm = tagged(button("Oui, retirer", style="danger", icon="trash"), "kit-custom-delete-confirm")
        cancel = tagged(button("Annuler"), "kit-custom-delete-cancel")
        asking = w.VBox([question, w.HBox([confirm, cancel])], layout=w.Layout(display="none"))
        asked: dict = {}

        def close():
            asked.clear()
            asking.layout.display = "none"
        edit_note = near_line("kit-custom-note")

        def on_add(_):
            for field, box in (("name", name), ("unit", unit), ("source", source)):
                within_limit(box.value, CustomIndicator, field, what[field])
            new = checked(lambda: CustomIndicator(name=name.value, unit=unit.value, direction=direction.value,
                                                  source=source.value))
            self.show_next["indicator"] = new.id
            typed = name.value, unit.value, source.value
            name.value = unit.value = source.value = ""  # emptied before the redraw, given back if refused
            try:
                self.save(lambda ws: diagnostic.add_custom_indicator(ws, new),
                          f"Indicateur « {new.name} » ajouté : saisissez ses valeurs dans le tableau ci-dessus.",
                          parts=("diagnostic", "stakes"))
            except Exception:
                name.value, unit.value, source.value = typed
                raise
            finally:
                self.show_next.pop("indicator", None)

        def selected():
            if not chooser.value:
                raise KitError("Choisissez d'abord un indicateur du territoire.")
            return chooser.value

        def on_save(_):
            chosen = selected()

            def unique_name(ws, indicator, written):
                if "name" in written:
                    diagnostic.check_indicator_name(ws, indicator.name, ignore_id=chosen)

            self.save_form(form, lambda ws: edits.custom_indicator(ws, chosen), "Indicateur enregistré.",
                           parts=("diagnostic", "stakes"), check=unique_name)

        def remove_now(chosen, label):
            self.save(lambda ws: edits.remove_custom_indicator(ws, chosen),
                      f"Indicateur « {label} » retiré (rétablissable depuis l'historique de l'accueil).",
                      parts=("diagnostic", "stakes"))

        def on_remove(_):
            chosen = selected()
            latest = self.store.load(self.ws_id)
            label, count = edits.custom_indicator(latest, chosen).name, edits.custom_indicator_values(latest, chosen)
            if not count:
                remove_now(chosen, label)
                return
            asked.clear()
            asked.update(id=chosen, count=count)
            plural = "s" if count > 1 else ""
            question.value = (f"<b>Retirer « {esc(label)} » ?</b> Cela retire aussi ses {count} valeur{plural} "
                              f"saisie{plural}. Rétablissable depuis l'historique de l'accueil.")
            asking.layout.display = None
            self.messages.info("Confirmez, ou annulez.")

        def on_confirm(_):
            chosen = asked.get("id")
            if chosen is None or chosen != chooser.value:
                close()
                raise KitError("Choisissez l'indicateur à retirer, puis « Retirer l'indicateur ».")
            latest = self.store.load(self.ws_id)
            if edits.custom_indicator_values(latest, chosen) > asked["count"]:
                on_remove(None)  # values typed meanwhile: ask again, saying how many
                raise KitError("Entre-temps, d'autres valeurs ont été saisies : relisez, puis confirmez à nouveau.")
            label = edits.custom_indicator(latest, chosen).name
            close()
            remove_now(chosen, label)

        def on_cancel(_):
            close()
            self.messages.info("Rien n'a été retiré.")

        def fill(_=None):
            ws = self.ws
            form.show(next((i for i in ws.custom_indicators if i.id == chooser.value), None), ws.revision)
            if asked.get("id") != chooser.value:
                close()

        def redraw(ws):
            wanted = self.show_next.get("indicator")
            if wanted in dict(chooser.options).values() and chooser.value != wanted:
                chooser.value = wanted
            fill()
            editor.layout.display = None if ws.custom_indicators else "none"

        add_guarded = self.messages.guard(on_add, near=add_note)
        add.on_click(add_guarded)
        name.on_submit(lambda: add_guarded(None))
        for widget, handler in ((save, on_save), (remove, on_remove), (confirm, on_confirm), (cancel, on_cancel)):
            widget.on_click(self.messages.guard(handler, near=edit_note))
        on_choice(chooser, self.messages.guard(fill))
        editor = w.VBox([w.HTML("<h4>Corriger ou retirer un indicateur du territoire</h4>"), chooser,
                         w.HBox([counted(edit["name"], CustomIndicator, "name")[0], edit["unit"]],
                                layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                         w.HBox([edit["direction"], counted(edit["source"], CustomIndicator, "source")[0]],
                                layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                         counted(edit["definition"], CustomIndicator, "definition")[0],
                         w.HBox([save, remove]), edit_note, asking])
        self.on(("diagnostic", "stakes"), redraw)
        return w.VBox([w.HTML("<h3>Ajouter un indicateur du territoire</h3><p class='kit-sub'>Une donnée que le "
                              "territoire suit lui-même (ex. : nombre de jardins partagés, taux de logements vacants "
                              "du bailleur) : elle rejoint le tableau, le portrait, la carte et le livrable, sous le "
                              f"thème « {diagnostic.CUSTOM_THEME} ».</p>"),
                       w.HBox([name, unit, direction], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                       w.HBox([counted(source, CustomIndicator, "source")[0], add],
                              layout=w.Layout(flex_flow="row wrap", align_items="flex-start")), add_note, editor])

    def _value_editor(self) -> w.Widget:
        """One value corrected in place with its year and its source (the grid holds the numbers only)."""
        indicator = self.choices(tagged(w.Dropdown(description="Indicateur", style={"description_width": "initial"},
                                                   layout=w.Layout(width="640px")), "kit-value-indicator"),
                                 diagnostic.indicator_options)
        place = self.choices(tagged(w.Dropdown(description="Lieu", layout=w.Layout(width="420px")), "kit-value-place"),
                             lambda ws: [(c["label"], c["id"]) for c in diagnostic.places(ws)])
        number = _text_box("Valeur : 12,5 ; s si secret", "kit-value-number", "230px")
        year = _text_box("Année (ex. : 2021)", "kit-value-year", "170px")
        source = _text_box("Source (ex. : INSEE, recensement 2021)", "kit-value-source", "460px")
        status = tagged(w.HTML(), "kit-value-status")
        save = tagged(button("Enregistrer la valeur", icon="save"), "kit-save-value")
        note = near_line("kit-value-note")

        def read_year(box):
            text = box.value.strip()
            if not text:
                return None
            if not text.isdigit():
                raise KitError(f"L'année : « {text} » n'est pas une année. Indiquez-la en chiffres (2021) ; "
                               "rien n'a été enregistré.")
            return int(checked_number(int(text), IndicatorValue, "year"))

        form = EntityForm({"value": number, "year": year, "source": source},
                          show={"value": lambda v: "" if v is None else diagnostic.format_number(v),
                                "year": lambda y: "" if y is None else str(y)},
                          read={"value": lambda box: diagnostic.read_cell(indicator.value, box.value, self.ws)[0],
                                "year": read_year,
                                "source": lambda box: within_limit(box.value, IndicatorValue, "source", "La source")})

        def cell():
            kind, where = diagnostic.split_place(place.value or "")
            return indicator.value, kind, where

        def shown(ws, again: bool):
            if not place.value:
                return
            value = diagnostic.value_or_blank(ws, *cell())
            (form.show if again else form.load)(value, ws.revision)
            status.value = ("<p class='kit-sub'>Pas encore de valeur pour ce lieu.</p>" if value.value is None and not value.note
                            else f"<p class='kit-sub'>Enregistré : {esc(diagnostic.shown(value))}"
                                 f"{' (' + str(value.year) + ')' if value.year else ''}"
                                 f"{' — ' + esc(value.source) if value.source else ''}.</p>")

        def on_save(_):
            if not place.value:
                raise KitError("Choisissez d'abord le lieu.")
            touched_value, text = form.touched("value"), number.value
            target = cell()

            def change(ws):
                value = diagnostic.keep_value(ws, *target)
                form.apply(value, ws)
                if touched_value:
                    value.note = diagnostic.read_cell(target[0], text, ws)[1] if text.strip() else ""
                diagnostic.drop_if_empty(ws, value)

            try:
                self.save(change, "Valeur enregistrée.", parts=("diagnostic",))
            except edits.EditCollision as collision:
                form.adopt(collision)
                raise
            shown(self.ws, again=False)

        for chooser in (indicator, place):
            on_choice(chooser, self.messages.guard(lambda _: shown(self.ws, again=False)))
        save.on_click(self.messages.guard(on_save, near=note))
        self.on("diagnostic", lambda ws: shown(ws, again=True))
        return w.VBox([w.HTML("<h3>Corriger une valeur, son année et sa source</h3>"),
                       w.HBox([indicator, place], layout=w.Layout(flex_flow="row wrap")),
                       w.HBox([number, year, counted(source, IndicatorValue, "source")[0], save],
                              layout=w.Layout(flex_flow="row wrap", align_items="flex-start")), status, note])

    # -- 1. diagnostic: the map of the neighbourhoods -----------------------------------------------

    def stored_shapes(self) -> contours.NeighbourhoodShapes | None:
        """The neighbourhoods' shapes kept beside the workspace (None when none were imported)."""
        data = self.store.read_side(self.ws_id, contours.KIND, contours.MAX_KEPT_BYTES)
        return contours.loads(data) if data is not None else None

    def _neighbourhood_map(self) -> w.Widget:
        upload = tagged(Upload(accept=".geojson,.json,.zip", description="Importer les contours",
                               limits={"": (contours.MAX_BYTES, " pour un fichier de contours")}), "kit-contours-upload")
        upload.on_refused(self.messages.error)
        note = near_line("kit-contours-note")
        status = tagged(w.HTML(), "kit-contours-status")
        indicator = self.choices(tagged(w.Dropdown(description="Colorer selon", style={"description_width": "initial"},
                                                   layout=w.Layout(width="640px")), "kit-map-indicator"),
                                 diagnostic.indicator_options)
        missing = tagged(w.HTML(), "kit-map-missing")
        state: dict = {"shapes": None, "error": ""}

        def load_kept():
            try:
                state["shapes"], state["error"] = self.stored_shapes(), ""
            except (KitError, OSError) as error:  # a damaged side file: said, and replaced by the next import
                state["shapes"] = None
                state["error"] = getattr(error, "message", "Les contours gardés pour cet espace sont illisibles : "
                                                           "importez-les à nouveau.")

        def figure(ws):
            shapes = state["shapes"]
            if shapes is None or not shapes.shapes:
                return charts.placeholder("Importez les contours officiels des quartiers pour dessiner la carte")
            meta = diagnostic.indicator_meta(indicator.value, ws)
            return charts.neighbourhood_map(shapes, diagnostic.map_frame(ws, indicator.value), meta["label"],
                                            meta["unit"], meta["direction"])

        view = self.figure(lambda: figure(self.ws), "kit-qpv-map")

        def redraw(ws):
            shapes = state["shapes"]
            if shapes is None:
                status.value = (f"<p class='kit-msg kit-msg-error'>{esc(state['error'])}</p>" if state["error"] else
                                "<p class='kit-sub'>Aucun contour importé pour ce territoire.</p>")
                missing.value = ""
            else:
                status.value = (f"<p>Contours de {len(shapes.shapes)} quartier(s), importés de « {esc(shapes.source)} » "
                                f"et gardés avec cet espace de travail.</p>")
                drawn = {s.code for s in shapes.shapes}
                without_shape = [n.name for n in ws.neighbourhoods if n.qpv_code not in drawn]
                frame = diagnostic.map_frame(ws, indicator.value)
                no_value = [row.quartier for row in frame.itertuples() if row.Index in drawn and row.texte == ""]
                lines = []
                if no_value:
                    lines.append("<b>Sans valeur pour cet indicateur (en gris) :</b> " + esc(", ".join(no_value)))
                if without_shape:
                    lines.append("<b>Quartiers sans contour dans le fichier importé :</b> " + esc(", ".join(without_shape))
                                 + " (vérifiez leur code QPV sur la page d'accueil)")
                missing.value = "".join(f"<p>{line}</p>" for line in lines)
            view.show(lambda: figure(ws))

        def on_upload(change):
            if not change["new"]:
                return
            file = change["new"][0]
            upload.value = ()
            self.messages.info(f"Lecture des contours de « {file['name']} »…")
            read = contours.read_contours(bytes(file["content"]), file["name"])
            ws = self.store.load(self.ws_id)
            shapes = contours.neighbourhood_shapes(read, {n.qpv_code for n in ws.neighbourhoods if n.qpv_code},
                                                   ws.territory.epci_siren, source=file["name"])
            self.store.write_side(self.ws_id, contours.KIND, contours.dumps(shapes))
            state["shapes"], state["error"] = shapes, ""
            known = diagnostic.map_indicators(ws)
            wanted = indicator.value if indicator.value in known or not known else known[0]
            if wanted != indicator.value:
                indicator.value = wanted  # which redraws
            else:
                redraw(ws)
            read_count, kept_count = (f"{n:,}".replace(",", "\u202f") for n in (shapes.points_read, shapes.points))
            self.messages.ok(f"Contours importés : {len(shapes.shapes)} quartier(s) de « {file['name']} » "
                             f"({read_count} sommets lus, {kept_count} gardés).")

        def on_indicator(_):
            redraw(self.ws)

        load_kept()
        first = diagnostic.map_indicators(self.ws)
        if first:
            indicator.value = first[0]
        upload.observe(self.messages.guard(on_upload, near=note), names="value")
        indicator.observe(self.messages.guard(on_indicator), names="value")
        self.on("diagnostic", redraw)
        return w.VBox([
            w.HTML("<h2>Carte des quartiers</h2><p class='kit-sub'>Importez les contours officiels des quartiers "
                   "prioritaires 2024 tels que publiés par l'ANCT sur data.gouv.fr (fichier GeoJSON, ou archive "
                   ".zip du shapefile). Le kit ne garde que les quartiers de ce territoire, simplifiés, à côté de "
                   "l'espace de travail : il suffit de le faire une fois. La carte se dessine sans connexion.</p>"),
            upload, note, status, indicator, view.widget, missing])

    def _import_panel(self) -> w.Widget:
        upload = tagged(Upload(accept=".csv,.xlsx,.txt,.zip", description="Importer un tableau",
                               limits={"": (MAX_TABLE_BYTES, " pour un tableau"),
                                       ".zip": (MAX_ARCHIVE_BYTES, " pour une archive de l'INSEE")}),
                        "kit-table-upload")
        upload.on_refused(self.messages.error)
        import_note = near_line("kit-import-note")
        qpv_column = tagged(w.Dropdown(description="Colonne du code QPV", style={"description_width": "initial"}),
                             "kit-qpv-column")
        mapping_box = w.VBox()
        run = tagged(button("Importer ces colonnes", style="primary", icon="upload"), "kit-run-import")
        report = w.HTML()
        state: dict = {}

        def on_upload(change):
            if not change["new"]:
                return
            file = change["new"][0]
            data = bytes(file["content"])
            # An INSEE zip, as published, is laid out like a user's table; anything else is read as CSV/XLSX.
            table = (official_table(read_insee_qpv_zip(data)) if file["name"].lower().endswith(".zip")
                     else read_table(data, file["name"]))
            state.update(table=table, name=file["name"])
            set_options(qpv_column, list(table.columns))
            guess = next((c for c in table.columns if "qp" in c.lower() or "quartier" in c.lower()), table.columns[0])
            qpv_column.value = guess
            options = [("— ignorer —", "")] + diagnostic.indicator_options(self.ws)  # the territory's own too
            mapping_box.children = [tagged(w.Dropdown(options=options, description=str(c)[:40],
                                                       style={"description_width": "220px"},
                                                       layout=w.Layout(width="640px")), "kit-column-map")
                                    for c in table.columns]
            report.value = f"<p>{esc(file['name'])} : {len(table)} lignes. Indiquez quelle colonne est quel indicateur.</p>"
            upload.value = ()

        def on_run(_):
            if "table" not in state:
                raise KitError("Choisissez d'abord un fichier CSV ou XLSX.")
            mapping = {c: d.value for c, d in zip(state["table"].columns, mapping_box.children) if d.value}
            if not mapping:
                raise KitError("Associez au moins une colonne à un indicateur.")
            codes = {n.qpv_code for n in self.store.load(self.ws_id).neighbourhoods if n.qpv_code}
            result = import_values(state["table"], qpv_column=qpv_column.value, mapping=mapping, known_qpv_codes=codes,
                                   other_indicators={i.id for i in self.ws.custom_indicators})
            result.raise_if_errors()
            count = {}
            self.save(lambda ws: count.setdefault("n", diagnostic.apply_import(ws, result.values, state["name"])),
                      f"{len(result.values)} valeur(s) importée(s) depuis « {state['name']} ».", parts=("diagnostic",))
            report.value = ""

        upload.observe(self.messages.guard(on_upload, near=import_note), names="value")
        run.on_click(self.messages.guard(on_run, near=import_note))
        return w.VBox([w.HTML("<h3>Importer des données</h3><p class='kit-sub'>Votre tableau (CSV ou XLSX), ou un "
                              "fichier officiel de l'INSEE tel que publié (archive .zip des quartiers prioritaires "
                              "2024). Rien n'est importé tant qu'une ligne pose problème.</p>"), upload, import_note, report, qpv_column,
                       mapping_box, run])

    # -- 2. stakes --------------------------------------------------------------------------------

    def theme_options(self, ws) -> list[tuple[str, str]]:
        """The transition themes a stake can take (data/themes_transition.csv), then any other theme a stake
        of this workspace already has (typed in an older file): a stake's theme is always offered."""
        themes = theme_labels()
        others = sorted({s.theme for s in ws.stakes if s.theme and s.theme not in themes})
        return [("— thème —", "")] + [(t, t) for t in themes + others]

    def neighbourhood_options(self, ws) -> list[tuple[str, str]]:
        return [(n.name, n.id) for n in ws.neighbourhoods]

    def _stakes(self) -> w.Widget:
        editor = self._stake_editor()
        # Fast entry, keyboard only: the theme (kept from one stake to the next), the title, Enter.
        theme = self.choices(tagged(w.Dropdown(description="Thème", layout=w.Layout(width="330px")),
                                    "kit-stake-theme"), self.theme_options)
        title = tagged(EntryBox(placeholder="Intitulé de l'enjeu (ex. : Chaleur dans les logements l'été)",
                                width="520px", max_length=text_limit(Stake, "title")), "kit-stake-title")
        add = tagged(button("Ajouter l'enjeu", style="primary", icon="plus",
                            tooltip="Ajouter l'enjeu (ou Entrée dans l'intitulé)"), "kit-add-stake")
        places = self.choices(tagged(w.SelectMultiple(description="Quartiers", rows=3), "kit-stake-places"),
                              self.neighbourhood_options)
        raised_by = _text_box("Qui l'a soulevé ? (facultatif)", "kit-stake-by", "330px")
        add_note = near_line("kit-add-stake-note")

        def on_add(_):
            within_limit(title.value, Stake, "title", "L'intitulé de l'enjeu")
            new = checked(lambda: Stake(title=title.value, theme=theme.value, neighbourhood_ids=list(places.value),
                                        raised_by=raised_by.value))
            # The editor below moves to the stake just added: what the person typed there and did not save yet
            # is saved with the new stake (one save), never left behind nor written over another stake.
            form, editing = self.stake_form, self.stake_chooser.value
            pending = bool(editing and form.key == editing and form.edited())

            def change(ws):
                if pending:
                    before = edits.stake(ws, editing)
                    self.stake_rules(ws, before, form.apply(before, ws))
                edits.existing(ws.neighbourhoods, new.neighbourhood_ids, GONE_NEIGHBOURHOOD)
                edits.add_stake(ws, new)

            also = f" (les modifications de « {form.loaded.get('title', '')} » sont enregistrées aussi)" if pending else ""
            self.show_next["stake"] = new.id
            typed = title.value, raised_by.value
            # Emptied first, before the save redraws the page: the box is ready for the next stake at once (the
            # theme and the neighbourhoods stay for it), and gets the text back if the save is refused.
            title.value = raised_by.value = ""
            try:
                self.save(change, f"Enjeu « {new.title} » ajouté{also} : il est ouvert ci-dessous pour le formuler.")
            except edits.EditCollision as collision:
                form.adopt(collision)  # nothing was added: the editor stays on the stake and its typing
                title.value, raised_by.value = typed
                raise
            except Exception:
                title.value, raised_by.value = typed
                raise
            finally:
                self.show_next.pop("stake", None)
            title.focus()

        add_guarded = self.messages.guard(on_add, near=add_note)
        add.on_click(add_guarded)
        title.on_submit(lambda: add_guarded(None))
        overview = tagged(w.HTML(), "kit-stake-list")

        def redraw(ws):
            self.later("stake-list", lambda: draw_overview(ws))  # in tab 2: once the page is on screen

        def draw_overview(ws):
            frame = stakes.stakes_frame(ws)
            if frame.empty:
                overview.value = "<p class='kit-sub'>Aucun enjeu pour l'instant.</p>"
                return
            blocks = []
            for name, group in frame.groupby("thème", sort=False):
                blocks.append(f"<h3>{esc(name)}</h3>" + table_html(
                    group[["enjeu", "énoncé", "quartiers", "porté par", "votes", "critères remplis"]]))
            overview.value = "".join(blocks)

        self.on("stakes", redraw)
        return w.VBox([w.HTML(COUNT_CSS + "<h2>Saisir un enjeu</h2><p class='kit-sub'>Un thème, un intitulé, "
                              "Entrée : l'enjeu est ajouté et s'ouvre ci-dessous pour le formuler. Le thème reste "
                              "choisi pour l'enjeu suivant.</p>"),
                       w.HBox([theme, title, add], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                       w.HBox([raised_by, places], layout=w.Layout(flex_flow="row wrap")), add_note,
                       w.HTML("<h2>Formuler et ordonner</h2>"), editor,
                       w.HTML("<h2>Les enjeux par thème</h2>"), overview])

    def _stake_editor(self) -> w.Widget:
        chooser = self.choices(tagged(w.Dropdown(description="Enjeu", layout=w.Layout(width="640px")),
                                      "kit-edit-choice"),
                               lambda ws: [(f"{i + 1}. {s.title}", s.id) for i, s in enumerate(ws.stakes)])
        labels = {"title": "L'intitulé", "what": "Ce qui est en jeu", "for_whom": "« Pour qui »",
                  "by_when": "L'échéance", "levers": "Les leviers", "statement": "L'énoncé",
                  "evidence": "Les éléments de preuve", "raised_by": "« Soulevé par »"}
        fields = {
            "title": _text_box("Intitulé", "kit-edit-title", "640px"),
            "what": _text_box("Ce qui est en jeu, dit précisément", "kit-edit-what", "640px", area=True),
            "for_whom": _text_box("Pour qui (habitants, publics, lieux)", "kit-edit-for", "640px"),
            "by_when": _text_box("À quelle échéance (ex. : 2030)", "kit-edit-when", "300px"),
            "levers": _text_box("Sur quoi les acteurs locaux peuvent agir", "kit-edit-levers", "640px", area=True),
            "statement": _text_box("Énoncé complet (laisser vide pour l'assembler depuis les champs ci-dessus)",
                               "kit-edit-statement", "640px", area=True),
            "evidence": _text_box("Éléments de preuve : source, chiffre, témoignage", "kit-edit-evidence", "640px"),
        }
        shown_fields = [counted(box, Stake, name)[0] if name != "by_when" else box for name, box in fields.items()]
        raised_by = _text_box("Soulevé par", "kit-edit-by", "420px")
        theme = self.choices(tagged(w.Dropdown(description="Thème", layout=w.Layout(width="420px")),
                                    "kit-edit-theme"), self.theme_options)
        places = self.choices(tagged(w.SelectMultiple(description="Quartiers", rows=3, layout=w.Layout(width="420px")),
                                     "kit-edit-places"), self.neighbourhood_options)
        indicators = self.choices(tagged(w.SelectMultiple(description="Indicateurs", rows=4,
                                                          style={"description_width": "initial"},
                                                          layout=w.Layout(width="460px")), "kit-edit-indicators"),
                                  diagnostic.indicator_names)
        scores = {name: tagged(w.Dropdown(options=SCORE_CHOICES, description=f"{label} {SCALE}",
                                          layout=w.Layout(width="320px"), style={"description_width": "200px"}),
                               f"kit-edit-{name}") for name, label in stakes.AXES.items()}
        # One form over every field: a save writes only what the person changed (see `EntityForm`).
        def offered_indicators(codes):
            return tuple(c for c in codes if c in dict(indicators.options).values())

        def offered_places(ids):
            return tuple(i for i in ids if i in dict(places.options).values())

        def limited(name):
            return lambda box: within_limit(box.value, Stake, name, labels[name])

        form = EntityForm({**fields, "raised_by": raised_by, "theme": theme, "neighbourhood_ids": places,
                           "indicator_codes": indicators, **scores},
                          show={"indicator_codes": offered_indicators,
                                "neighbourhood_ids": offered_places},
                          read={"indicator_codes": lambda box: list(box.value),
                                "neighbourhood_ids": lambda box: list(box.value),
                                **{name: limited(name) for name in labels}})
        check = tagged(w.HTML(), "kit-checklist")
        save = tagged(button("Enregistrer l'enjeu", style="primary", icon="save"), "kit-save-stake")
        up, down = button("Monter", icon="arrow-up"), button("Descendre", icon="arrow-down")
        vote = tagged(button("+1 vote", icon="thumbs-up"), "kit-vote")
        remove = tagged(button("Supprimer", style="danger", icon="trash"), "kit-remove-stake")
        merge_with = self.choices(tagged(w.Dropdown(description="Fusionner avec", style={"description_width": "initial"},
                                                    layout=w.Layout(width="520px")), "kit-merge-choice"),
                                  lambda ws: [("", "")] + [(s.title, s.id) for s in ws.stakes])
        merge = tagged(button("Fusionner", icon="compress"), "kit-merge")
        note = near_line("kit-stake-note")

        def selected():
            if not chooser.value:
                raise KitError("Choisissez d'abord un enjeu.")
            return chooser.value

        def fill(_=None):
            ws = self.ws
            stake = next((s for s in ws.stakes if s.id == chooser.value), None)
            form.show(stake, ws.revision)  # the fields being typed in stay as typed
            if stake is None:
                check.value = ""
                return
            items = "".join(f"<li class='{'ok' if ok else 'ko'}'>{'✓' if ok else '✗'} {esc(label)}</li>"
                            for label, ok in stakes.checklist(stake))
            assembled = stakes.guided_statement(stake)
            check.value = (f"<ul class='kit-check'>{items}</ul>" +
                           (f"<p><i>Énoncé assemblé :</i> {esc(assembled)}</p>" if assembled else ""))

        def rules(ws, stake, written):
            if "title" in written:
                edits.require_unique(ws.stakes, stake.title, f"Un autre enjeu s'intitule déjà « {stake.title} ».",
                                     ignore_id=stake.id)
            if "neighbourhood_ids" in written:
                edits.existing(ws.neighbourhoods, stake.neighbourhood_ids, GONE_NEIGHBOURHOOD)

        self.stake_form, self.stake_chooser, self.stake_rules = form, chooser, rules

        def on_save(_):
            stake_id = selected()
            self.save_form(form, lambda ws: edits.stake(ws, stake_id), "Enjeu enregistré.", check=rules)

        def moved(offset):
            return lambda _: self.save(lambda ws: edits.move_stake(ws, selected(), offset), "Ordre enregistré.",
                                       parts=("stakes", "micmac", "positioning"))

        def on_vote(_):
            stake_id = selected()
            self.save(lambda ws: setattr(edits.stake(ws, stake_id), "votes", edits.stake(ws, stake_id).votes + 1),
                      "Vote compté.", parts=("stakes", "map"))

        def on_remove(_):
            stake_id = selected()
            self.save(lambda ws: edits.remove_stake(ws, stake_id),
                      "Enjeu supprimé (rétablissable depuis l'historique, sur la page d'accueil).")

        def on_merge(_):
            keep, drop = selected(), merge_with.value
            if not drop:
                raise KitError("Choisissez l'enjeu à fusionner dans celui-ci.")
            self.save(lambda ws: edits.merge_stakes(ws, keep, drop), "Enjeux fusionnés.")

        def redraw(ws):
            wanted = self.show_next.get("stake")
            if wanted in dict(chooser.options).values() and chooser.value != wanted:
                chooser.value = wanted  # what was just added is what the editor shows (its choice loads it)
            fill()

        on_choice(chooser, self.messages.guard(fill))
        for widget, handler in ((save, on_save), (up, moved(-1)), (down, moved(1)), (vote, on_vote),
                                (remove, on_remove), (merge, on_merge)):
            widget.on_click(self.messages.guard(handler, near=note))
        self.on("stakes", redraw)
        return w.VBox([chooser, w.HBox([w.VBox(shown_fields),
                                        w.VBox([w.HTML("<b>Énoncé opérant ?</b>"), check, *scores.values(), theme,
                                                places, raised_by, indicators])]),
                       w.HBox([save, up, down, vote, remove]), note, w.HBox([merge_with, merge])])

    # -- 3. stake map ---------------------------------------------------------------------------------

    def _map(self) -> w.Widget:
        axes = [(f"{label} {SCALE}", key) for key, label in stakes.AXES.items()]
        x = tagged(w.Dropdown(options=axes, value="control", description="Axe horizontal",
                              style={"description_width": "initial"}), "kit-map-x")
        y = tagged(w.Dropdown(options=axes, value="importance", description="Axe vertical",
                              style={"description_width": "initial"}), "kit-map-y")

        def figure(ws):
            return charts.stake_map(stakes.stake_map_frame(ws, x.value, y.value), f"{stakes.AXES[x.value]} {SCALE}",
                                    f"{stakes.AXES[y.value]} {SCALE}")

        view = self.figure(lambda: figure(self.ws), "kit-stake-map")
        self.on(("map", "stakes"), lambda ws: view.show(lambda: figure(ws)))
        for axis in (x, y):
            axis.observe(self.messages.guard(lambda _: view.show(lambda: figure(self.ws))), names="value")
        return w.VBox([w.HTML("<p class='kit-sub'>Placez les enjeux dans l'onglet « Enjeux » (importance, maîtrise "
                              f"locale, urgence, notées de 0 à {SCORE_MAX}) ; la taille des points suit les votes des "
                              "participants.</p>"),
                       w.HBox([x, y]), view.widget])

    # -- 4. structural analysis -----------------------------------------------------------------------

    def _micmac(self) -> w.Widget:
        grid = tagged(Grid(choices=["0", "1", "2", "3", "P"], short_headers=True, corner="influence de ↓ sur →",
                           unrated=True, zero_text="0",
                           cell_hint="Influence de « {row} » sur « {col} » : 0 nulle, 1 faible, 2 moyenne, 3 forte, P potentielle",
                           choice_error="« {value} » : tapez 0, 1, 2, 3 ou P"), "kit-micmac-grid")
        count = tagged(w.HTML(), "kit-micmac-count")
        cut = tagged(w.ToggleButtons(options=[("Coupure à la moyenne", "mean"), ("à la médiane", "median")],
                                      style={"button_width": "auto"}), "kit-cut")
        variant = tagged(w.ToggleButtons(options=[("Directes", "direct"), ("Indirectes", "indirect")], value="indirect",
                                          style={"button_width": "auto"}), "kit-variant")
        result_view = tagged(w.HTML(), "kit-micmac-table")
        stability = w.HTML()

        def analysis(ws):
            return stakes.structural_analysis(ws, cut.value) if ws.influences else None

        def titles(ws):
            return {s.id: s.title for s in ws.stakes}

        def plane_figure(ws):
            result = analysis(ws)
            if result is None:
                return charts.placeholder("Remplissez la matrice pour voir le plan influence / dépendance")
            chosen = variant.value if variant.value in ("direct", "indirect") or result.potential_matrix is not None else "indirect"
            return charts.micmac_plane(result, titles(ws), chosen)

        def moves_figure(ws):
            result = analysis(ws)
            return charts.micmac_displacement(result, titles(ws)) if result else charts.placeholder(
                "Le déplacement des positions apparaîtra avec la matrice")

        def heatmap_figure(ws):
            return charts.matrix_heatmap(stakes.influence_matrix(ws), titles(ws))

        plane = self.figure(lambda: plane_figure(self.ws), "kit-micmac-plane")
        displacement = self.figure(lambda: moves_figure(self.ws), "kit-micmac-moves")
        heatmap = self.figure(lambda: heatmap_figure(self.ws), "kit-micmac-heatmap")

        def on_cell(source: str, target: str, text: str) -> str:
            kept = {}

            def change(ws):
                kept["value"] = edits.rate_influence(ws, source, target, text)

            self.save(change, "Case vidée : pas encore notée." if not text.strip() else "Influence enregistrée.",
                      parts=("micmac",))
            return "" if kept["value"] is None else str(kept["value"])

        def on_paste(cells):
            refused = {}
            for source, target, text in cells:
                try:
                    edits.influence_value(text)
                except KitError as error:
                    refused[f"{source}|{target}"] = error.message
            if refused:
                raise pasted_refusal(grid, refused)

            def change(ws):
                for source, target, text in cells:
                    edits.rate_influence(ws, source, target, text)

            self.save(change, f"{len(cells)} case(s) collée(s) et enregistrée(s).", parts=("micmac",))
            return {f"{s}|{t}": "" if edits.influence_value(text) is None else str(edits.influence_value(text))
                    for s, t, text in cells}

        grid_note = self.grid_messages(grid, on_cell, on_paste)

        def redraw(ws):
            rows = [{"id": s.id, "label": s.title} for s in ws.stakes]
            grid.rows, grid.columns = rows, rows
            grid.disabled_cells = [f"{s.id}|{s.id}" for s in ws.stakes]
            grid.values = {f"{c.source}|{c.target}": str(c.value) for c in ws.influences}
            rated, total = stakes.rated_cells(ws)
            count.value = (f"<p><b>{rated} / {total} cases notées</b>" + (
                " — une case vide (fond jaune, ·) n'est pas encore notée ; 0 dit « aucune influence »." if rated < total
                else " — la matrice est entièrement notée.") + "</p>") if total else ""
            result = analysis(ws)
            plane.show(lambda: plane_figure(ws))
            displacement.show(lambda: moves_figure(ws))
            heatmap.show(lambda: heatmap_figure(ws))
            if result is None:
                result_view.value = "<p class='kit-sub'>Remplissez la matrice pour voir le plan influence / dépendance.</p>"
                stability.value = ""
                return
            wanted = [("Directes", "direct"), ("Indirectes", "indirect")] + (
                [("Directes potentielles", "potential_direct"), ("Indirectes potentielles", "potential_indirect")]
                if result.potential_matrix is not None else [])
            if list(variant.options) != wanted:
                keep = variant.value if variant.value in dict(wanted).values() else "indirect"
                variant.options, variant.value = wanted, keep
            prefix = variant.value
            table = stakes.titled(result.table, ws)[[f"{prefix}_influence", f"{prefix}_dependence",
                                                     f"{prefix}_influence_rank", f"{prefix}_dependence_rank",
                                                     f"{prefix}_sector"]]
            table.columns = ["influence", "dépendance", "rang influence", "rang dépendance", "secteur"]
            result_view.value = (table_html(table.reset_index(names="enjeu")) +
                                 "".join(f"<p class='kit-msg kit-msg-info'>{esc(m)}</p>" for m in result.warnings))
            ranks = stakes.titled(result.powers["influence_rank"], ws)
            ranks.columns = [f"M^{k}" for k in ranks.columns]
            stability.value = (f"<p>Classements par l'influence à chaque puissance de la matrice : stables à la "
                               f"puissance {result.stable_power}.</p>" + table_html(ranks.reset_index(names="enjeu")))

        for control in (cut, variant):
            control.observe(self.messages.guard(lambda _: redraw(self.ws)), names="value")
        self.on(("micmac", "stakes"), redraw)
        return w.VBox([
            w.HTML("<h2>Matrice des influences directes</h2><p class='kit-sub'>Ligne par ligne : la ligne agit-elle "
                   "sur la colonne ? 0 nulle, 1 faible, 2 moyenne, 3 forte, P potentielle. Flèches et Entrée pour se "
                   "déplacer ; survolez une case pour la lire en entier. Un bloc copié d'un tableur se colle d'un "
                   "coup depuis sa première case.</p>"),
            count, grid, grid_note, w.HBox([cut, variant]), plane.widget, result_view,
            w.HTML("<h2>Du direct à l'indirect</h2>"), displacement.widget, stability, heatmap.widget])

    # -- 5. positioning ----------------------------------------------------------------------------

    def kind_options(self, ws) -> list[tuple[str, str]]:
        """The kinds of local project, then any other kind a project of this workspace has."""
        others = sorted({p.kind for p in ws.local_projects if p.kind and p.kind not in PROJECT_KINDS})
        return [("— type —", "")] + [(k, k) for k in PROJECT_KINDS + others]

    def _positioning(self) -> w.Widget:
        name = tagged(EntryBox(placeholder="Nom (ex. : Axe 2 — cadre de vie, PCAET 2026-2031)", width="460px",
                               max_length=text_limit(LocalProject, "name")), "kit-project-name")
        kind = self.choices(tagged(w.Dropdown(description="Type"), "kit-project-kind"), self.kind_options)
        add = tagged(button("Ajouter le projet", style="primary", icon="plus"), "kit-add-project")
        add_note = near_line("kit-add-project-note")
        grid = tagged(Grid(choices=["X"], corner="enjeu ↓ couvert par →",
                           cell_hint="« {col} » couvre-t-il l'enjeu « {row} » ? X si oui",
                           choice_error="« {value} » : tapez X (couvert) ou laissez vide"), "kit-positioning-grid")
        reading = tagged(w.HTML(), "kit-positioning-reading")

        # The project chosen is what the editor shows: the one just added, then any other, corrected in place.
        chooser = self.choices(tagged(w.Dropdown(description="Projet", layout=w.Layout(width="640px")),
                                      "kit-project-choice"),
                               lambda ws: [(f"{p.name} ({p.kind})" if p.kind else p.name, p.id) for p in ws.local_projects])
        edit_name = _text_box("Nom du projet", "kit-project-edit-name", "640px")
        edit_kind = self.choices(tagged(w.Dropdown(description="Type"), "kit-project-edit-kind"), self.kind_options)
        description = _text_box("Ce que le projet prévoit, son périmètre, sa période", "kit-project-description",
                                "640px", area=True)
        form = EntityForm({"name": edit_name, "kind": edit_kind, "description": description},
                          read={"name": lambda box: within_limit(box.value, LocalProject, "name", "Le nom du projet"),
                                "description": lambda box: within_limit(box.value, LocalProject, "description",
                                                                        "La description du projet")})
        save = tagged(button("Enregistrer le projet", icon="save"), "kit-save-project")
        remove = tagged(button("Retirer ce projet", icon="trash"), "kit-remove-project")
        edit_note = near_line("kit-project-note")

        def on_add(_):
            within_limit(name.value, LocalProject, "name", "Le nom du projet")
            project = checked(lambda: LocalProject(name=name.value, kind=kind.value))

            def change(ws):
                edits.require_unique(ws.local_projects, project.name, f"Le projet « {project.name} » figure déjà.",
                                     field="name")
                ws.local_projects.append(project)

            self.show_next["project"] = project.id  # the editor below shows the project just added
            typed, name.value = name.value, ""  # emptied before the redraw, given back if refused
            try:
                self.save(change, f"Projet « {project.name} » ajouté : décrivez-le ci-dessous, et cochez les enjeux "
                                  "qu'il couvre dans le tableau.", parts=("positioning",))
            except Exception:
                name.value = typed
                raise
            finally:
                self.show_next.pop("project", None)
            name.focus()

        def selected():
            if not chooser.value:
                raise KitError("Choisissez d'abord un projet.")
            return chooser.value

        def on_save(_):
            project_id = selected()

            def unique_name(ws, project, written):
                if "name" in written:
                    edits.require_unique(ws.local_projects, project.name, f"Le projet « {project.name} » figure déjà.",
                                         field="name", ignore_id=project_id)

            self.save_form(form, lambda ws: edits.local_project(ws, project_id), "Projet enregistré.",
                           parts=("positioning",), check=unique_name)

        def on_cell(stake_id: str, project_id: str, text: str) -> str:
            covered = text.strip().upper() == "X"
            if text.strip() and not covered:
                raise KitError(f"« {text} » : tapez X (couvert) ou laissez vide.")

            def change(ws):
                edits.stake(ws, stake_id)
                project = edits.local_project(ws, project_id)
                ids = [i for i in project.stake_ids if i != stake_id]
                project.stake_ids = ids + [stake_id] if covered else ids

            self.save(change, "Positionnement enregistré.", parts=("positioning",))
            return "X" if covered else ""

        def on_paste(cells):
            refused = {f"{s}|{p}": f"« {text} » : tapez X (couvert) ou laissez vide." for s, p, text in cells
                       if text and text.upper() != "X"}
            if refused:
                raise pasted_refusal(grid, refused)

            def change(ws):
                for stake_id, project_id, text in cells:
                    edits.stake(ws, stake_id)
                    project = edits.local_project(ws, project_id)
                    ids = [i for i in project.stake_ids if i != stake_id]
                    project.stake_ids = ids + [stake_id] if text else ids

            self.save(change, f"{len(cells)} case(s) collée(s) et enregistrée(s).", parts=("positioning",))
            return {f"{s}|{p}": "X" if text else "" for s, p, text in cells}

        def on_remove(_):
            project_id = selected()
            self.save(lambda ws: edits.remove_local_project(ws, project_id), "Projet retiré.", parts=("positioning",))

        def read(ws):
            _, uncovered, unjustified = stakes.positioning(ws)
            parts = []
            if ws.local_projects and uncovered:
                parts.append("<p><b>Enjeux qu'aucun projet ne couvre :</b> " + ", ".join(esc(u) for u in uncovered) + "</p>")
            if unjustified:
                parts.append("<p><b>Projets qu'aucun enjeu ne justifie :</b> " + ", ".join(esc(u) for u in unjustified) + "</p>")
            reading.value = "".join(parts)

        def fill(_=None):
            ws = self.ws
            form.show(next((p for p in ws.local_projects if p.id == chooser.value), None), ws.revision)

        def redraw(ws):
            grid.rows = [{"id": s.id, "label": s.title} for s in ws.stakes]
            grid.columns = [{"id": p.id, "label": f"{p.name} ({p.kind})" if p.kind else p.name} for p in ws.local_projects]
            grid.values = {f"{sid}|{p.id}": "X" for p in ws.local_projects for sid in p.stake_ids}
            self.later("positioning", lambda: read(ws))  # in tab 5: once the page is on screen
            wanted = self.show_next.get("project")
            if wanted in dict(chooser.options).values() and chooser.value != wanted:
                chooser.value = wanted
            fill()

        add_guarded = self.messages.guard(on_add, near=add_note)
        add.on_click(add_guarded)
        name.on_submit(lambda: add_guarded(None))
        save.on_click(self.messages.guard(on_save, near=edit_note))
        remove.on_click(self.messages.guard(on_remove, near=edit_note))
        on_choice(chooser, self.messages.guard(fill))
        grid_note = self.grid_messages(grid, on_cell, on_paste)
        self.on(("positioning", "stakes"), redraw)
        return w.VBox([w.HTML("<h2>Le contrat de ville et les projets locaux</h2>"),
                       w.HBox([name, kind, add], layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                       add_note,
                       w.HTML("<p class='kit-sub'>Un X quand le projet couvre l'enjeu ; un bloc copié d'un tableur se "
                              "colle d'un coup.</p>"), grid, grid_note, reading,
                       w.HTML("<h3>Décrire ou corriger un projet</h3>"), chooser,
                       w.HBox([counted(edit_name, LocalProject, "name")[0], edit_kind],
                              layout=w.Layout(flex_flow="row wrap", align_items="flex-start")),
                       counted(description, LocalProject, "description")[0], w.HBox([save, remove]), edit_note])

    # -- 6. work plan and deliverable -------------------------------------------------------------

    def _plan(self) -> w.Widget:
        def options():
            try:
                return {"shapes": self.stored_shapes()}
            except KitError:  # damaged: the deliverable goes without the map (the data tab says why)
                return {}

        return session_plan(self, number=1, next_step="la session 2", deliverable="session1",
                            contents="Portraits, carte des quartiers, enjeux, carte des enjeux, analyse structurelle, "
                                     "positionnement et plan de travail", export_options=options)


def stakes_app(store: Store | None = None, workspace_id: str | None = None) -> w.Widget:
    """The session 1 app's root widget (what `notebooks/10_enjeux.ipynb` displays)."""
    return StakesApp(store, workspace_id).root
