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
from kit.reference.indicators import (MAX_ARCHIVE_BYTES, MAX_TABLE_BYTES, import_values, load_catalogue, load_themes,
                                     official_table, read_insee_qpv_zip, read_table)
from kit.model import LocalProject, Stake, checked
from kit.reference import contours
from kit.store import Store

from .grid import Grid
from .session_plan import session_plan
from .session_app import SessionApp
from .ui import SCORE_CHOICES, EntityForm, button, esc, near_line, on_choice, set_options, table_html, tagged
from .upload import Upload

PROJECT_KINDS = ["Axe du contrat de ville", "PCAET", "PLH", "NPNRU", "PAT", "CLS", "Autre projet local"]
SECTOR_NAMES = {"direct": "directes", "indirect": "indirectes", "potential_direct": "directes potentielles",
                "potential_indirect": "indirectes potentielles"}
PARTS = ("diagnostic", "stakes", "map", "micmac", "positioning", "plan")


def _text_box(placeholder: str, css: str, width: str = "420px", area: bool = False) -> w.Widget:
    kind = w.Textarea if area else w.Text
    return tagged(kind(placeholder=placeholder, layout=w.Layout(width=width)), css)


class StakesApp(SessionApp):
    title = "Session 1 — Enjeux et défis"
    css = "kit-enjeux"
    parts = PARTS
    notebook = "10_enjeux.ipynb"

    def sections(self) -> list[tuple[str, w.Widget]]:
        return [("1. Diagnostic", self._diagnostic()), ("2. Enjeux", self._stakes()),
                ("3. Carte des enjeux", self._map()), ("4. Analyse structurelle", self._micmac()),
                ("5. Positionnement", self._positioning()), ("6. Plan de travail et livrable", self._plan())]

    # -- 1. diagnostic ----------------------------------------------------------------------------

    def _diagnostic(self) -> w.Widget:
        catalogue = load_catalogue()
        grid = tagged(Grid(rows=[{"id": r.code, "label": f"{r.libelle} ({r.unite})"} for r in catalogue.itertuples()],
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

        grid.on_edit(on_cell, lambda error: self.messages.error(error.message))

        def redraw_grid(ws):
            columns = diagnostic.places(ws)
            grid.columns = [{"id": c["id"], "label": c["label"]} for c in columns]
            grid.values = {f"{v.indicator}|{v.place_kind}:{v.place}": diagnostic.shown(v) for v in ws.indicator_values}

        self.on("diagnostic", redraw_grid)

        chooser = tagged(w.Dropdown(description="Quartier", layout=w.Layout(width="460px")), "kit-portrait-choice")
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
            set_options(chooser, [(n.name, n.id) for n in ws.neighbourhoods])
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
                   "(Entrée passe à la case suivante). Une valeur manquante reste vide : le kit ne l'invente pas.</p>"),
            grid, self._import_panel(),
            w.HTML("<h2>Portrait</h2>"), chooser, portrait_table, portrait_chart.widget,
            w.HTML("<h2>Les quartiers côte à côte</h2>"), comparison,
            self._neighbourhood_map(),
        ])

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
        catalogue = load_catalogue()
        indicator = tagged(w.Dropdown(options=[(f"{r.libelle} ({r.unite})", r.code) for r in catalogue.itertuples()],
                                      description="Colorer selon", style={"description_width": "initial"},
                                      layout=w.Layout(width="640px")), "kit-map-indicator")
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
            meta = diagnostic.indicator_meta(indicator.value)
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
        options = [("— ignorer —", "")] + [(f"{r.libelle} ({r.unite})", r.code) for r in load_catalogue().itertuples()]
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
            result = import_values(state["table"], qpv_column=qpv_column.value, mapping=mapping, known_qpv_codes=codes)
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

    def _stakes(self) -> w.Widget:
        themes = [""] + load_themes()["libelle"].tolist()
        title = _text_box("Intitulé de l'enjeu (ex. : Chaleur dans les logements l'été)", "kit-stake-title", "560px")
        theme = tagged(w.Dropdown(options=themes, description="Thème"), "kit-stake-theme")
        places = tagged(w.SelectMultiple(description="Quartiers", rows=3), "kit-stake-places")
        raised_by = _text_box("Qui l'a soulevé ?", "kit-stake-by", "300px")
        add = tagged(button("Ajouter l'enjeu", style="primary", icon="plus"), "kit-add-stake")

        def on_add(_):
            new = checked(lambda: Stake(title=title.value, theme=theme.value, neighbourhood_ids=list(places.value),
                                           raised_by=raised_by.value))
            self.save(lambda ws: edits.add_stake(ws, new), f"Enjeu « {new.title} » ajouté.")
            title.value = raised_by.value = ""

        add.on_click(self.messages.guard(on_add))
        overview = tagged(w.HTML(), "kit-stake-list")

        def redraw(ws):
            set_options(places, [(n.name, n.id) for n in ws.neighbourhoods])
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
        return w.VBox([w.HTML("<h2>Saisir un enjeu</h2>"), w.HBox([title, add]), w.HBox([theme, raised_by]), places,
                       w.HTML("<h2>Formuler et ordonner</h2>"), self._stake_editor(),
                       w.HTML("<h2>Les enjeux par thème</h2>"), overview])

    def _stake_editor(self) -> w.Widget:
        chooser = tagged(w.Dropdown(description="Enjeu", layout=w.Layout(width="640px")), "kit-edit-choice")
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
        indicators = w.SelectMultiple(options=[(r.libelle, r.code) for r in load_catalogue().itertuples()],
                                      description="Indicateurs", rows=4, layout=w.Layout(width="640px"))
        scores = {name: tagged(w.Dropdown(options=SCORE_CHOICES, description=label, layout=w.Layout(width="260px"),
                                           style={"description_width": "140px"}),
                                f"kit-edit-{name}") for name, label in stakes.AXES.items()}
        # One form over every field: a save writes only what the person changed (see `EntityForm`).
        offered = set(dict(indicators.options).values())
        form = EntityForm({**fields, "indicator_codes": indicators, **scores},
                          show={"indicator_codes": lambda codes: tuple(c for c in codes if c in offered)},
                          read={"indicator_codes": lambda box: list(box.value)})
        check = tagged(w.HTML(), "kit-checklist")
        save = tagged(button("Enregistrer l'enjeu", style="primary", icon="save"), "kit-save-stake")
        up, down = button("Monter", icon="arrow-up"), button("Descendre", icon="arrow-down")
        vote = tagged(button("+1 vote", icon="thumbs-up"), "kit-vote")
        remove = tagged(button("Supprimer", style="danger", icon="trash"), "kit-remove-stake")
        merge_with = tagged(w.Dropdown(description="Fusionner avec", style={"description_width": "initial"},
                                        layout=w.Layout(width="520px")), "kit-merge-choice")
        merge = tagged(button("Fusionner", icon="compress"), "kit-merge")

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
            set_options(merge_with, [("", "")] + [(s.title, s.id) for s in ws.stakes if s.id != stake.id])

        def on_save(_):
            stake_id = selected()

            def unique_title(ws, stake, written):
                if "title" in written:
                    edits.require_unique(ws.stakes, stake.title, f"Un autre enjeu s'intitule déjà « {stake.title} ».",
                                         ignore_id=stake_id)

            self.save_form(form, lambda ws: edits.stake(ws, stake_id), "Enjeu enregistré.", check=unique_title)

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
            current = chooser.value
            set_options(chooser, [(f"{i + 1}. {s.title}", s.id) for i, s in enumerate(ws.stakes)])
            ids = [s.id for s in ws.stakes]
            chooser.value = current if current in ids else (ids[0] if ids else None)
            fill()

        on_choice(chooser, self.messages.guard(fill))
        for widget, handler in ((save, on_save), (up, moved(-1)), (down, moved(1)), (vote, on_vote),
                                (remove, on_remove), (merge, on_merge)):
            widget.on_click(self.messages.guard(handler))
        self.on("stakes", redraw)
        return w.VBox([chooser, w.HBox([w.VBox(list(fields.values()) + [indicators]),
                                        w.VBox([w.HTML("<b>Énoncé opérant ?</b>"), check, *scores.values()])]),
                       w.HBox([save, up, down, vote, remove]), w.HBox([merge_with, merge])])

    # -- 3. stake map ---------------------------------------------------------------------------------

    def _map(self) -> w.Widget:
        x = tagged(w.Dropdown(options=[(v, k) for k, v in stakes.AXES.items()], value="control", description="Axe horizontal",
                               style={"description_width": "initial"}), "kit-map-x")
        y = tagged(w.Dropdown(options=[(v, k) for k, v in stakes.AXES.items()], value="importance",
                               description="Axe vertical", style={"description_width": "initial"}), "kit-map-y")

        def figure(ws):
            return charts.stake_map(stakes.stake_map_frame(ws, x.value, y.value), stakes.AXES[x.value], stakes.AXES[y.value])

        view = self.figure(lambda: figure(self.ws), "kit-stake-map")
        self.on(("map", "stakes"), lambda ws: view.show(lambda: figure(ws)))
        for axis in (x, y):
            axis.observe(self.messages.guard(lambda _: view.show(lambda: figure(self.ws))), names="value")
        return w.VBox([w.HTML("<p class='kit-sub'>Placez les enjeux dans l'onglet « Enjeux » (importance, maîtrise "
                              "locale, urgence) ; la taille des points suit les votes des participants.</p>"),
                       w.HBox([x, y]), view.widget])

    # -- 4. structural analysis -----------------------------------------------------------------------

    def _micmac(self) -> w.Widget:
        grid = tagged(Grid(choices=["0", "1", "2", "3", "P"], short_headers=True, corner="influence de ↓ sur →",
                            cell_hint="Influence de « {row} » sur « {col} » : 0 nulle, 1 faible, 2 moyenne, 3 forte, P potentielle",
                            choice_error="« {value} » : tapez 0, 1, 2, 3 ou P"), "kit-micmac-grid")
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
            self.save(lambda ws: edits.set_influence(ws, source, target, text), "Influence enregistrée.", parts=("micmac",))
            return "P" if text.strip().upper() == "P" else ("" if text.strip() in ("", "0") else text.strip())

        grid.on_edit(on_cell, lambda error: self.messages.error(error.message))

        def redraw(ws):
            rows = [{"id": s.id, "label": s.title} for s in ws.stakes]
            grid.rows, grid.columns = rows, rows
            grid.disabled_cells = [f"{s.id}|{s.id}" for s in ws.stakes]
            grid.values = {f"{c.source}|{c.target}": str(c.value) for c in ws.influences}
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
                   "déplacer ; survolez une case pour la lire en entier.</p>"),
            grid, w.HBox([cut, variant]), plane.widget, result_view,
            w.HTML("<h2>Du direct à l'indirect</h2>"), displacement.widget, stability, heatmap.widget])

    # -- 5. positioning ----------------------------------------------------------------------------

    def _positioning(self) -> w.Widget:
        name = _text_box("Nom (ex. : Axe 2 — cadre de vie, PCAET 2026-2031)", "kit-project-name", "460px")
        kind = tagged(w.Dropdown(options=PROJECT_KINDS, description="Type"), "kit-project-kind")
        add = tagged(button("Ajouter le projet", style="primary", icon="plus"), "kit-add-project")
        grid = tagged(Grid(choices=["X"], corner="enjeu ↓ couvert par →",
                            cell_hint="« {col} » couvre-t-il l'enjeu « {row} » ? X si oui",
                            choice_error="« {value} » : tapez X (couvert) ou laissez vide"), "kit-positioning-grid")
        remove_choice = w.Dropdown(layout=w.Layout(width="420px"))
        remove = button("Retirer ce projet", icon="trash")
        reading = tagged(w.HTML(), "kit-positioning-reading")

        def on_add(_):
            project = checked(lambda: LocalProject(name=name.value, kind=kind.value))

            def change(ws):
                edits.require_unique(ws.local_projects, project.name, f"Le projet « {project.name} » figure déjà.",
                                     field="name")
                ws.local_projects.append(project)

            self.save(change, f"Projet « {project.name} » ajouté.", parts=("positioning",))
            name.value = ""

        def on_cell(stake_id: str, project_id: str, text: str) -> str:
            covered = text.strip().upper() == "X"
            if text.strip() and not covered:
                raise KitError(f"« {text} » : tapez X (couvert) ou laissez vide.")

            def change(ws):
                project = next(p for p in ws.local_projects if p.id == project_id)
                ids = [i for i in project.stake_ids if i != stake_id]
                project.stake_ids = ids + [stake_id] if covered else ids

            self.save(change, "Positionnement enregistré.", parts=("positioning",))
            return "X" if covered else ""

        def on_remove(_):
            project_id = remove_choice.value
            if not project_id:
                raise KitError("Choisissez le projet à retirer.")
            self.save(lambda ws: setattr(ws, "local_projects", [p for p in ws.local_projects if p.id != project_id]),
                      "Projet retiré.", parts=("positioning",))

        def redraw(ws):
            grid.rows = [{"id": s.id, "label": s.title} for s in ws.stakes]
            grid.columns = [{"id": p.id, "label": f"{p.name} ({p.kind})" if p.kind else p.name} for p in ws.local_projects]
            grid.values = {f"{sid}|{p.id}": "X" for p in ws.local_projects for sid in p.stake_ids}
            set_options(remove_choice, [(p.name, p.id) for p in ws.local_projects])
            _, uncovered, unjustified = stakes.positioning(ws)
            parts = []
            if ws.local_projects and uncovered:
                parts.append("<p><b>Enjeux qu'aucun projet ne couvre :</b> " + ", ".join(esc(u) for u in uncovered) + "</p>")
            if unjustified:
                parts.append("<p><b>Projets qu'aucun enjeu ne justifie :</b> " + ", ".join(esc(u) for u in unjustified) + "</p>")
            reading.value = "".join(parts)

        add.on_click(self.messages.guard(on_add))
        remove.on_click(self.messages.guard(on_remove))
        grid.on_edit(on_cell, lambda error: self.messages.error(error.message))
        self.on(("positioning", "stakes"), redraw)
        return w.VBox([w.HTML("<h2>Le contrat de ville et les projets locaux</h2>"), w.HBox([name, kind, add]),
                       grid, reading, w.HBox([remove_choice, remove])])

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
