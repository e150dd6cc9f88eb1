"""Regards croisés app: the territories of a cohort side by side, within what each of them shares.

Reads the cohort's shares only (`CohortFolder.shares`: on a JupyterHub, the copies each territory's server
publishes; on a laptop holding the workspaces, built from them as they are now, through the same gate).
Nothing here reads a workspace for another purpose but the model copy, which writes into the person's own
workspace, the one they chose.

A tab's tables are built when it is first opened: with fifty territories every table is long, and the
page is usable as soon as the first one is drawn. Every table has its CSV download.
"""

from __future__ import annotations

import ipywidgets as w

from kit.cohort import compare
from kit.cohort.cohorts import CohortFolder
from kit.cohort.models import copy_fiche
from kit.cohort.sharing import LEVELS
from kit.errors import KitError
from kit.store import Store
from kit.text import quote

from .plot import RenderedSignal
from .session_plan import MIME
from .ui import (FigureView, Messages, app_href, button, choice, download_link, draw_charts, esc, heading, near_line,
                 page, set_options, tagged)

STYLE = """
<style>
.kit-regards .kit-table { font-size: 16px; }
.kit-regards .kit-regards-table { max-width: 1220px; overflow-x: auto; }
.kit-regards .kit-regards-origin { color: #35566b; }
.kit-regards .kit-regards-members-list { max-height: 250px; overflow-y: auto; display: inline-block; }
</style>
"""
# Short titles: the nine tabs fit on one line of a projected 1280-pixel page.
TABS = (("Indicateurs", "indicateurs"), ("Thèmes", "themes"), ("Variables clés", "variables"),
        ("Gouvernance", "gouvernance"), ("Plans d'action", "actions"), ("Suivi", "suivi"),
        ("Candidature", "candidature"), ("S'inspirer des autres", "inspirer"), ("Synthèse régionale", "synthese"))


SIDE_BY_SIDE = 6  # past this many territories, a table of checks lists the territories as rows


def checks_frame(frame):
    """A table of checks (rows) by territory (columns), turned to one row per territory when the cohort is
    large: fifty columns of « ✓ » cannot be read, fifty rows of a few checks can."""
    if len(frame.columns) - 1 <= SIDE_BY_SIDE:
        return frame
    turned = frame.set_index(frame.columns[0]).T
    turned.index.name = "Territoire"
    return turned.reset_index()


def csv_link(frame, name: str) -> str:
    data = frame.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")  # opens as is in a French Excel
    return download_link(data, f"{name}.csv", f"Télécharger le tableau ({name}.csv)", "text/csv")


def shown_table(frame, name: str, css: str) -> str:
    if frame.empty:
        return "<p class='kit-sub'>Rien à comparer pour l'instant : aucun territoire ne partage ces éléments.</p>"
    from kit.reports.html_table import frame_html

    table = frame_html(frame.reset_index(drop=True), css_class="kit-table", missing="—",
                       number_format=compare.NUMBER_FORMAT, booleans=("✓", ""))
    return f"<div class='kit-regards-table {css}'>{table}</div><p>{csv_link(frame, name)}</p>"


class RegardsApp:
    def __init__(self, store: Store | None = None, cohort_id: str | None = None):
        self.store = store or Store()
        self.folder = CohortFolder.of(self.store)
        self.messages = Messages()
        self.shares, self.cohort = [], None
        self.cohort_choice = tagged(w.Dropdown(description="Cohorte", layout=w.Layout(width="560px")), "kit-regards-cohort")
        self.cohort_choice.observe(self.messages.guard(lambda _: self.show()), names="value")
        self.members = tagged(w.HTML(), "kit-regards-members")
        self.tabs = tagged(w.Tab(children=[tagged(w.VBox(), f"kit-regards-{key}") for _, key in TABS],
                                 titles=[title for title, _ in TABS]), "kit-tabs")
        self.tabs.observe(self.messages.guard(lambda _: self._draw_tab()), names="selected_index")
        self.built: set[str] = set()
        self.views: list[FigureView] = []
        self.rendered = False
        self.signal = RenderedSignal()
        self.signal.on_rendered(self.messages.guard(self._rendered))
        self.root = page(
            w.HTML(STYLE),
            heading("Regards croisés", "Les territoires de la cohorte côte à côte, dans ce que chacun partage"),
            w.HTML("<a class='kit-link' href='./00_accueil.ipynb'>← Retour à l'accueil</a>"),
            self.messages.widget,
            self.cohort_choice,
            self._cohort_forms(),
            self.members,
            self.tabs,
            self.signal,
            app_class="kit-regards",
        )
        self._refresh_cohorts(cohort_id)
        self.messages.guard(self.show)()
        self.root.add_class("kit-ready")

    # -- the cohort ------------------------------------------------------------------------------

    def _cohort_forms(self) -> w.Widget:
        self.new_name = tagged(w.Text(placeholder="Nom de la cohorte (ex. : Nouvelle-Aquitaine 2025-2026)",
                                      layout=w.Layout(width="460px")), "kit-regards-new-name")
        self.new_facilitators = tagged(w.Text(placeholder="Animateurs (noms ou identifiants, séparés par des virgules)",
                                              layout=w.Layout(width="460px")), "kit-regards-new-facilitators")
        self.forms_note = near_line("kit-regards-forms-note")
        create = tagged(button("Créer la cohorte", style="primary", icon="plus"), "kit-regards-create")
        create.on_click(self.messages.guard(lambda _: self._create(), near=self.forms_note))
        self.create_button = create
        self.local = tagged(w.Dropdown(description="Espace", layout=w.Layout(width="460px")), "kit-regards-local")
        add = tagged(button("Ajouter à la cohorte", icon="plus"), "kit-regards-add")
        add.on_click(self.messages.guard(lambda _: self._add_local(), near=self.forms_note))
        self.add_button = add
        self.add_row = w.HBox([self.local, add])
        return w.Accordion(children=[w.VBox([
            w.HTML("<p class='kit-sub'>Une cohorte réunit les territoires d'une édition du programme. Chaque territoire "
                   "la rejoint depuis sa page d'accueil, ou l'animateur y ajoute un espace de cet ordinateur ; "
                   "chacun choisit ce qu'il partage.</p>"),
            w.HBox([self.new_name, self.new_facilitators, create], layout=w.Layout(flex_flow="row wrap")),
            self.add_row, self.forms_note])], titles=("Créer une cohorte, y ajouter un espace",), selected_index=None)

    def _refresh_cohorts(self, wanted: str | None = None) -> None:
        cohorts = self.folder.cohorts()
        options = [(c.name, c.id) for c in cohorts]
        set_options(self.cohort_choice, options)
        ids = [c.id for c in cohorts]
        if wanted in ids:
            self.cohort_choice.value = wanted
        elif self.cohort_choice.value not in ids and ids:
            self.cohort_choice.value = ids[0]

    def _create(self) -> None:
        facilitators = [f for f in self.new_facilitators.value.split(",") if f.strip()]
        cohort = self.folder.create(self.new_name.value, facilitators)
        self.new_name.value = self.new_facilitators.value = ""
        self._refresh_cohorts(cohort.id)
        self.show()
        self.messages.ok(f"Cohorte {quote(cohort.name)} créée : ajoutez-y les territoires.")

    def _add_local(self) -> None:
        if self.cohort is None:
            raise KitError("Créez d'abord une cohorte.")
        if not self.local.value:
            raise KitError("Choisissez l'espace à ajouter.")
        ws = self.store.load(self.local.value)
        self.folder.join(self.cohort.id, ws)
        self.show()
        self.messages.ok(f"{quote(ws.name)} fait partie de la cohorte ; il y partage : {LEVELS[ws.sharing].lower()}.")

    def show(self) -> None:
        """The chosen cohort's shares, read again; the tabs are drawn again when opened."""
        cohort_id = self.cohort_choice.value
        self.cohort = self.folder.cohort(cohort_id) if cohort_id else None
        members = self.cohort.member_ids() if self.cohort else []
        set_options(self.local, [(s.name, s.id) for s in self.store.list() if s.readable and s.id not in members])
        self.add_row.layout.display = "" if self.cohort else "none"
        if self.cohort is None:
            self.shares = []
            self.members.value = ("<p>Aucune cohorte pour l'instant : créez-la ci-dessus (« Créer une cohorte »), "
                                  "puis chaque territoire la rejoint depuis sa page d'accueil.</p>")
        else:
            self.shares, problems = self.folder.shares(self.cohort, store=self.store)
            self.members.value = self._members_html(problems)
        self.built.clear()
        self.views = []  # the charts of the tabs emptied below
        for child in self.tabs.children:
            child.children = ()
        self._draw_tab()

    def _members_html(self, problems: list[str]) -> str:
        rows = "".join(
            f"<tr class='kit-regards-member'><td><b>{esc(s.name)}</b></td><td>{esc(LEVELS[s.level])}</td>"
            f"<td>{esc(f'{s.published_at.astimezone():%d/%m/%Y}' if s.published_at else '')}</td></tr>"
            for s in self.shares)
        silent = len(self.cohort.members) - len(self.shares) - len(problems)
        lines = []
        if silent == 1:
            lines.append("1 territoire de la cohorte ne partage rien (ou pas encore) : il n'apparaît nulle part ici.")
        elif silent:
            lines.append(f"{silent} territoires de la cohorte ne partagent rien (ou pas encore) : ils n'apparaissent "
                         "nulle part ici.")
        lines += problems
        # A cohort of fifty stays a box of its own: the tabs below remain in sight on a projector.
        table = (f"<div class='kit-regards-members-list'><table class='kit-table'><tr><th>Territoire</th><th>Partage</th>"
                 f"<th>Mis à jour le</th></tr>{rows}</table></div>"
                 if rows else "<p>Aucun territoire de la cohorte ne partage encore quelque chose.</p>")
        notes = "".join(f"<p class='kit-sub'>{esc(line)}</p>" for line in lines)
        return f"<h2>{esc(self.cohort.name)} : {len(self.shares)} territoire{'s' if len(self.shares) > 1 else ''}</h2>{table}{notes}"

    # -- the tabs --------------------------------------------------------------------------------

    def _rendered(self) -> None:
        self.rendered = True
        draw_charts(self.root, self.views)

    def _draw_tab(self) -> None:
        index = self.tabs.selected_index or 0
        key = TABS[index][1]
        if key in self.built:
            return
        self.built.add(key)
        box = self.tabs.children[index]
        box.children = tuple(getattr(self, f"_tab_{key}")())

    def _table(self, frame, name: str) -> w.Widget:
        return tagged(w.HTML(shown_table(frame, name, f"kit-regards-{name}")), f"kit-regards-{name}-box")

    def _tab_indicateurs(self) -> list[w.Widget]:
        options = compare.indicator_options(self.shares)
        if not options:
            return [w.HTML("<p class='kit-sub'>Aucun indicateur partagé pour l'instant.</p>")]
        picker = choice("Indicateur", "kit-regards-indicator", "640px", options=options, value=options[0][1])
        table = tagged(w.HTML(), "kit-regards-indicator-table")
        chart = FigureView(lambda: compare.indicator_figure(self.shares, picker.value), "kit-regards-indicator-chart")
        self.views.append(chart)

        def draw(_=None) -> None:
            table.value = shown_table(compare.indicator_table(self.shares, picker.value), "indicateur", "")
            chart.show(lambda: compare.indicator_figure(self.shares, picker.value))

        picker.observe(self.messages.guard(draw), names="value")
        draw()
        self._activate_late(chart)
        return [w.HTML("<p class='kit-sub'>Un indicateur, chaque quartier de chaque territoire, et la valeur de la "
                       "région quand elle est connue.</p>"), picker, chart.widget, table]

    def _activate_late(self, view: FigureView) -> None:
        """A chart in a tab opened after the page was on screen is drawn at once."""
        if self.rendered:
            draw_charts(self.root, [view])

    def _tab_themes(self) -> list[w.Widget]:
        chart = FigureView(lambda: compare.themes_figure(self.shares), "kit-regards-themes-chart")
        self.views.append(chart)
        self._activate_late(chart)
        return [w.HTML("<p class='kit-sub'>Qui a retenu quel thème de transition : nombre d'enjeux par thème.</p>"),
                chart.widget, self._table(compare.themes_table(self.shares), "themes")]

    def _tab_variables(self) -> list[w.Widget]:
        return [w.HTML("<p class='kit-sub'>Les variables clés du plan influence / dépendance (MICMAC) de chaque "
                       "territoire : très influentes et très dépendantes à la fois.</p>"),
                self._table(compare.key_variables_table(self.shares), "variables_cles")]

    def _tab_gouvernance(self) -> list[w.Widget]:
        return [w.HTML("<p class='kit-sub'>Les repères du groupe projet et de la gouvernance, territoire par "
                       "territoire.</p>"), self._table(checks_frame(compare.governance_table(self.shares)), "gouvernance")]

    def _tab_actions(self) -> list[w.Widget]:
        return [w.HTML("<p class='kit-sub'>Les fiches action par thème, leur budget et leurs financeurs.</p>"),
                self._table(compare.actions_table(self.shares), "plans_action")]

    def _tab_suivi(self) -> list[w.Widget]:
        return [w.HTML("<p class='kit-sub'>L'avancement du suivi, par thème.</p>"),
                self._table(compare.progress_table(self.shares), "suivi")]

    def _tab_candidature(self) -> list[w.Widget]:
        return [w.HTML("<p class='kit-sub'>Les conditions de la candidature, remplies (✓) ou non (✗).</p>"),
                self._table(checks_frame(compare.eligibility_table(self.shares)), "candidature")]

    def _tab_inspirer(self) -> list[w.Widget]:
        own_ids = {s.id for s in self.store.list() if s.readable}
        mine = [s for s in self.shares if s.workspace_id in own_ids]
        if not self.shares:
            return [w.HTML("<p class='kit-sub'>Aucun territoire ne partage encore quelque chose.</p>")]
        own = choice("Votre espace", "kit-regards-own", "560px",
                     options=[(s.name, s.id) for s in self.store.list() if s.readable])
        if mine:
            own.value = mine[0].workspace_id
        found = tagged(w.HTML(), "kit-regards-peers")
        fiche = choice("Fiche à copier", "kit-regards-fiche", "760px", options=[])
        note = near_line("kit-regards-copy-note")
        copy = tagged(button("Copier comme modèle dans mon espace", style="primary", icon="copy"), "kit-regards-copy")
        done = w.Box()  # where the copy landed, with a link to complete it

        def draw(_=None) -> None:
            if not own.value:
                found.value = "<p class='kit-sub'>Aucun espace sur ce serveur dans lequel copier.</p>"
                set_options(fiche, [])
                return
            peers = compare.peers(self.store.load(own.value), self.shares)
            parts = []
            for key, title in (("enjeux", "Leurs enjeux"), ("objectifs", "Leurs objectifs"), ("fiches", "Leurs fiches action")):
                frame = peers[key].drop(columns=["share_id", "action_id"], errors="ignore")
                parts.append(f"<h3>{title} sur vos thèmes</h3>{shown_table(frame, f'inspirer_{key}', '')}")
            found.value = "".join(parts)
            rows = peers["fiches"]
            set_options(fiche, [(f"{r['Titre']} — {r['Territoire']}", f"{r['share_id']}|{r['action_id']}")
                                for _, r in rows.iterrows()])

        def copy_chosen() -> None:
            if not own.value:
                raise KitError("Choisissez d'abord votre espace.")
            if not fiche.value:
                raise KitError("Choisissez la fiche à copier.")
            share_id, action_id = fiche.value.split("|", 1)
            share = next((s for s in self.shares if s.workspace_id == share_id), None)
            if share is None:
                raise KitError("Ce territoire ne partage plus cette fiche : rechargez la page.")
            ws = self.store.update(own.value, copy_fiche(share, action_id))
            copied = ws.actions[-1]
            from kit.cohort.cohorts import publish_after_save

            not_shared = publish_after_save(self.store, ws)
            where = tagged(w.HTML(), "kit-regards-copied")
            where.value = (f"<p class='kit-regards-origin'>{esc(copied.origin)}. <a class='kit-link' "
                           f"href='{app_href('30_action.ipynb', ws.id)}'>La compléter dans la session 3 →</a></p>")
            done.children = (where,)
            self.messages.ok(f"Fiche {quote(copied.title)} copiée dans {quote(ws.name)}. {not_shared}".strip())

        own.observe(self.messages.guard(draw), names="value")
        copy.on_click(self.messages.guard(lambda _: copy_chosen(), near=note))
        draw()
        return [w.HTML("<p class='kit-sub'>Ce que les autres territoires ont retenu sur les thèmes de vos enjeux. "
                       "Une fiche copiée comme modèle arrive « à venir » dans votre plan d'action, sans pilote ni "
                       "dates, avec son origine.</p>"), own, found, w.HBox([fiche, copy]), note, done]

    def _tab_synthese(self) -> list[w.Widget]:
        from kit.reports.regards_croises import synthesis_bytes

        link = tagged(w.HTML(), "kit-regards-synthesis-link")
        note = near_line("kit-regards-synthesis-note")

        def prepare(fmt: str) -> None:
            if not self.shares:
                raise KitError("Aucun territoire ne partage encore quelque chose : rien à synthétiser.")
            data, name = synthesis_bytes(self.shares, self.cohort.name, fmt)
            link.value = download_link(data, name, f"Télécharger {name}", MIME[fmt])
            self.messages.ok(f"Synthèse prête : {name}.")

        buttons = []
        for fmt, label in (("docx", "Préparer la synthèse (Word)"), ("html", "Préparer la synthèse (page web)")):
            b = tagged(button(label, icon="file-text"), f"kit-regards-synthesis-{fmt}")
            b.on_click(self.messages.guard(lambda _, fmt=fmt: prepare(fmt), near=note))
            buttons.append(b)
        return [w.HTML("<p class='kit-sub'>Le document de la rencontre régionale : les territoires comparés sur tous "
                       "ces points, dans ce que chacun partage.</p>"), w.HBox(buttons), note, link]


def regards_app(store: Store | None = None, cohort_id: str | None = None) -> w.Widget:
    return RegardsApp(store, cohort_id).root
