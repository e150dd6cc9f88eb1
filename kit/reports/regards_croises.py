"""« Regards croisés »: the regional meeting's document, the territories of a cohort side by side.

Built from the shares only (`kit.cohort.cohorts.Share`: what each territory consents to share, through
`kit.cohort.sharing.shared_view`), with the tables and charts of `kit.cohort.compare`, the same the cohort's
app shows. A territory that shares nothing is not given here, so it is nowhere in the document; the
opening says so. Rendered like every deliverable (`render_docx`, `render_html`); `synthesis_bytes` is what
the command line and the app's download button call.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kit.cohort import compare
from kit.cohort.compare import Share
from kit.errors import KitError
from kit.reports import Document, deliverable_filename, render_docx, render_html
from kit.text import join_french, quote

DELIVERABLE = "regards-croises"
FILE_KIND = "regards-croises"
FORMATS = ("docx", "html")
TITLE = "Regards croisés entre les territoires"
# The document's parts, in order (level-1 headings).
PARTS = ("Les territoires et ce qu'ils partagent", "Les conditions de candidature",
         "Les quartiers et leurs indicateurs", "Les thèmes de transition", "Les variables clés (MICMAC)",
         "Le groupe projet et la gouvernance", "Les plans d'action", "Le suivi par thème")
MAX_INDICATORS = 4  # indicators compared in the document (those most territories filled); the app shows them all
SIDE_BY_SIDE = 6  # territories a table can hold as columns on an A4 page; past it, a table of counts
LEVEL_NAMES = {"resume": "un résumé", "tout": "tout, sauf les personnes"}


def synthesis(shares: Sequence[Share], cohort_name: str) -> Document:
    """The regional synthesis of `shares` (each territory's shared view), for the cohort `cohort_name`."""
    shares = list(shares)
    doc = Document(TITLE, subtitle=cohort_name, territory=cohort_name)
    doc.toc()
    _territories(doc, shares, cohort_name)
    if not shares:
        return doc

    doc.heading(PARTS[1], 1)
    doc.paragraph("Les conditions de l'appel à candidatures, telles que la liste de vérification de chaque "
                  "territoire les juge au moment où il partage (✓ remplie, ✗ à réunir).")
    _checks(doc, compare.eligibility_table(shares), shares, "Conditions de candidature")

    _indicators(doc, shares)

    doc.heading(PARTS[3], 1)
    themes = compare.themes_table(shares)
    if not themes.iloc[:, 1:].to_numpy().any():
        doc.note("Aucun enjeu n'est encore partagé par les territoires.", kind="warning")
    else:
        doc.figure(compare.themes_figure(shares), caption="Les thèmes de transition travaillés par les territoires",
                   alt="Nombre de territoires ayant au moins un enjeu sur chaque thème de transition")
        if len(shares) <= SIDE_BY_SIDE:
            doc.table(themes[themes.iloc[:, 1:].sum(axis=1) > 0], caption="Nombre d'enjeux par thème et par territoire")
        else:
            doc.table(_themes_counts(themes), caption="Les thèmes et les territoires qui y travaillent")

    doc.heading(PARTS[4], 1)
    doc.paragraph("Les variables clés de l'analyse structurelle de chaque territoire (relations indirectes) : "
                  "les enjeux moteurs, qui agissent beaucoup sur les autres et en dépendent peu, et les enjeux "
                  "relais, qui agissent et dépendent beaucoup. Influence et dépendance en ‰ du total de la "
                  "matrice du territoire, pour les lire sur une même échelle.")
    doc.table(compare.key_variables_table(shares), caption="Les variables clés de chaque territoire",
              number_format=compare.NUMBER_FORMAT)

    doc.heading(PARTS[5], 1)
    _checks(doc, compare.governance_table(shares), shares, "Le groupe projet et la gouvernance")

    doc.heading(PARTS[6], 1)
    actions = compare.actions_table(shares)
    if actions.empty:
        doc.note("Aucun territoire n'a encore de fiche action.", kind="warning")
    else:
        doc.paragraph("Les fiches action par thème de transition (le thème d'une fiche est celui des enjeux "
                      "auxquels répondent ses objectifs ; une fiche sur plusieurs thèmes compte dans chacun).")
        doc.table(actions, caption="Fiches action, budgets et financeurs par thème",
                  number_format=compare.NUMBER_FORMAT)

    doc.heading(PARTS[7], 1)
    progress = compare.progress_table(shares)
    if progress.empty:
        doc.note("Aucune fiche action n'est encore rattachée à un enjeu par ses objectifs.", kind="warning")
    else:
        doc.table(progress, caption="Avancement du plan d'action par thème (étapes faites)",
                  number_format=compare.NUMBER_FORMAT)
    return doc


def _territories(doc: Document, shares: list[Share], cohort_name: str) -> None:
    doc.heading(PARTS[0], 1)
    if not shares:
        doc.note("Aucun territoire de la cohorte ne partage encore quoi que ce soit : la synthèse est vide.",
                 kind="warning")
    else:
        count = f"{len(shares)} territoire{'s' if len(shares) > 1 else ''}"
        doc.paragraph(f"Cette synthèse met côte à côte {count} de la cohorte {quote(cohort_name)} : "
                      f"{join_french([s.name for s in shares])}.")
        doc.table(pd.DataFrame([{"Territoire": s.name, "Partage": LEVEL_NAMES.get(s.level, s.level),
                                 "Quartiers": len(s.ws.neighbourhoods), "Enjeux": len(s.ws.stakes),
                                 "Fiches action": len(s.ws.actions)} for s in shares]),
                  caption="Les territoires et ce que chacun partage")
    doc.paragraph("Chaque territoire choisit ce qu'il partage avec sa cohorte. Un territoire qui ne partage rien "
                  "n'apparaît pas dans cette synthèse. Le résumé ne montre ni les personnes, ni leurs coordonnées, "
                  "ni les textes libres (formulations des enjeux, note d'intention, décisions des sessions) ; "
                  "les noms et coordonnées des personnes ne quittent jamais le territoire.")


def _indicators(doc: Document, shares: list[Share]) -> None:
    doc.heading(PARTS[2], 1)
    options = compare.indicator_options(shares)
    tables = {code: compare.indicator_table(shares, code) for _, code in options}
    filled = {code: table.dropna(subset=["Valeur"]) for code, table in tables.items()}
    # The indicators most territories filled first (the catalogue's order among equals).
    ranked = sorted(options, key=lambda option: -filled[option[1]]["Territoire"].nunique())
    if not ranked:
        doc.note("Aucune valeur d'indicateur n'est encore saisie pour les quartiers des territoires.", kind="warning")
        return
    doc.paragraph("Pour chaque indicateur, la valeur de chaque quartier (l'année la plus récente saisie) et, quand "
                  "le territoire l'a saisie, celle de la région, avec l'écart à la région dans l'unité de "
                  "l'indicateur.")
    for label, code in ranked[:MAX_INDICATORS]:
        doc.heading(label, 2)
        table = filled[code]
        missing = len(tables[code]) - len(table)
        doc.table(table, caption=label, number_format=compare.NUMBER_FORMAT)
        if missing:
            doc.paragraph(f"{missing} quartier{'s' if missing > 1 else ''} sans valeur pour cet indicateur.")
        for number, part in enumerate(chunks := _chunks(shares, table), start=1):
            caption = label if len(chunks) == 1 else f"{label} ({number}/{len(chunks)})"
            doc.figure(compare.indicator_figure(part, code, x_range=_range(tables[code])),
                       caption=f"{caption} : les quartiers et la région",
                       alt=f"{label} : une barre par quartier, une ligne pour la région")
    others = [label for label, _ in ranked[MAX_INDICATORS:]]
    if others:
        doc.note(f"Autres indicateurs renseignés, à comparer dans l'application de la cohorte : "
                 f"{join_french(others)}.", kind="info")


def _chunks(shares: list[Share], table: pd.DataFrame) -> list[list[Share]]:
    """The territories with a value in groups whose bars fit one chart (a territory is never split)."""
    bars = table["Territoire"].value_counts().to_dict()
    groups: list[list[Share]] = [[]]
    count = 0
    for share in shares:
        n = bars.get(share.name, 0)
        if not n:
            continue
        if groups[-1] and count + n > compare.BARS_PER_FIGURE:
            groups.append([])
            count = 0
        groups[-1].append(share)
        count += n
    return [g for g in groups if g]


def _range(table: pd.DataFrame) -> list[float]:
    """One axis for every chart of an indicator: its values and the region's, zero included."""
    values = pd.concat([table["Valeur"], table["Région"]]).dropna()
    low, high = min(0.0, float(values.min())), max(0.0, float(values.max()))
    width = (high - low) or 1.0
    return [low - 0.12 * width * (low < 0), high + 0.15 * width]


def _checks(doc: Document, table: pd.DataFrame, shares: list[Share], caption: str) -> None:
    """Checks side by side while the territories fit as columns; past that, how many territories meet each
    one and which do not yet."""
    if len(shares) <= SIDE_BY_SIDE:
        doc.table(table, caption=caption)
        return
    first = table.columns[0]
    territories = table.columns[1:]
    rows = []
    for record in table.to_dict("records"):
        done = [t for t in territories if record[t] == compare.YES]
        not_yet = [t for t in territories if record[t] == compare.NO]
        rows.append({first: record[first], "Territoires où c'est fait": f"{len(done)} sur {len(territories)}",
                     "Pas encore": ", ".join(not_yet) or "—"})
    doc.table(pd.DataFrame(rows), caption=caption)


def _themes_counts(themes: pd.DataFrame) -> pd.DataFrame:
    table = themes.set_index("Thème")
    rows = []
    for theme, counts in table.iterrows():
        working = [t for t, n in counts.items() if n > 0]
        if working:
            rows.append({"Thème": theme, "Territoires": len(working), "Enjeux": int(counts.sum()),
                         "Territoires concernés": ", ".join(working)})
    return pd.DataFrame(rows, columns=["Thème", "Territoires", "Enjeux", "Territoires concernés"])


def synthesis_bytes(shares: Sequence[Share], cohort_name: str, fmt: str = "docx") -> tuple[bytes, str]:
    """(content, file name) of the regional synthesis in `fmt` (docx or html)."""
    if fmt not in FORMATS:
        raise KitError(f"Format inconnu pour la synthèse « regards croisés » : « {fmt} » (docx ou html).")
    doc = synthesis(shares, cohort_name)
    data = render_docx(doc) if fmt == "docx" else render_html(doc)
    place = cohort_name.removeprefix("Regards croisés").lstrip(" :–-") or cohort_name  # not twice in the name
    return data, deliverable_filename(place, FILE_KIND, fmt)
