"""The action plan in the import template of ADEME's Territoires en Transitions (TeT).

Many EPCIs pilot their plan climat on that platform, which creates a plan from an Excel file: one row
per fiche action, its axis path in the first three columns. This module writes the workspace's fiches
action in that file so that the plan built in session 3 goes into the platform the territory uses.

Source followed (facts only: column names, allowed values, row layout; no code carried over), in the
public repository ``incubateur-ademe/territoires-en-transitions`` at commit
``dbb36dc375c099ca71f1b6f85de76a3d6f80d51c`` (7 August 2026):

- the importer, ``apps/backend/src/plans/plans/import-plan-aggregate/parsers/excel-parser.ts``: it
  takes the first sheet whose cell A2 is « Axe (x) », checks the 28 first headers of row 2 in order
  (each trimmed, then compared exactly), reads every row from row 4 on (rows 1 to 3 are not data) and
  ignores the columns after the 28th;
- its values, ``.../import-plan-aggregate/schemas/import-action.input.ts``: lists split on commas
  (not inside parentheses, quotes or « »), statut, priorité and participation matched (fuzzily) against
  the domain's values (``packages/domain/src/plans/fiches/statut.enum.schema.ts``,
  ``priorite.enum.schema.ts``, ``participation-citoyenne.enum.schema.ts``), dates as date cells or
  JJ/MM/AAAA, amounts as numbers;
- the template people download, ``apps/app/public/modele-import-pa.xlsx``: 33 columns (the last five
  are not imported), its sheet « Fichier dimport », its group row 1 and its drop-down lists.

One disagreement between the two at that commit: the template's column D reads « Titre de la fiche
action » while the importer requires « Titre de l'action » (the template's own wording until April
2026, and that of the importer's test files). The header follows the importer, or the platform
would refuse the file. The other headers are the template's, trailing spaces included.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

from kit.model import Action, Workspace
from kit.text import fold

SOURCE = ("incubateur-ademe/territoires-en-transitions@dbb36dc375c099ca71f1b6f85de76a3d6f80d51c: "
          "apps/app/public/modele-import-pa.xlsx, "
          "apps/backend/src/plans/plans/import-plan-aggregate/parsers/excel-parser.ts")

SHEET = "Fichier dimport"  # the template's sheet name (the importer finds the sheet by its A2 cell)
HEADER_ROW, FIRST_DATA_ROW = 2, 4

HEADERS: tuple[str, ...] = (
    "Axe (x)", "Sous-axe (x.x)", "Sous-sous axe (x.x.x)",
    "Titre de l'action",  # the importer's wording (the template of May 2026 says « Titre de la fiche action »)
    "Titre de la sous-action", "Descriptif", "Instances de gouvernance", "Objectifs", "Indicateurs liés",
    "Structure pilote", "Moyens humains et techniques", "Partenaires ", "Direction ou service pilote",
    "Personne pilote", "Élu·e référent·e ", "Participation Citoyenne", "Financements",
    "Financeur 1", "Montant € HT", "Financeur 2", "Montant € HT", "Financeur 3", "Montant € HT",
    "Budget prévisionnel total € HT", "Statut ", "Niveau de priorité", "Date de début", "Date de fin",
    "Action en amélioration continue", "Mesures liées", "Actions liées", "Notes", "Documents et liens",
)
IMPORTED = 28  # the importer reads the first 28 columns; the template keeps the others for reference
GROUPS = {1: "Présentation de l’action", 8: "Objectifs et indicateurs", 10: "Acteurs",
          17: "Modalités de mise en oeuvre ", 30: "Actions liées"}  # the template's row 1
FUNDER_COLUMNS = 3  # « Financeur 1..3 » each followed by its « Montant € HT »

# The platform's values (packages/domain/src/plans/fiches/*.enum.schema.ts at the commit above).
TET_STATUSES = ("À venir", "En cours", "Réalisé", "En pause", "Abandonné", "Bloqué", "En retard", "A discuter")
TET_PRIORITIES = ("Élevé", "Moyen", "Bas")
# Participation: the template's drop-down labels, which the importer matches to
# pas-de-participation, information, consultation, concertation, co-construction.
TET_PARTICIPATION = ("Pas de participation citoyenne", "Information", "Consultation", "Concertation",
                     "Co-construction")

STATUS_TO_TET = {
    "à venir": "À venir",      # same word, the platform capitalises
    "en cours": "En cours",    # same
    "réalisé": "Réalisé",      # same
    "en pause": "En pause",    # same
    "abandonné": "Abandonné",  # same; the kit has no Bloqué, En retard nor A discuter
}
PRIORITY_TO_TET = {
    "haute": "Élevé",    # the platform's three levels in the same order, its masculine labels
    "moyenne": "Moyen",
    "basse": "Bas",
}
# The kit records how residents take part as free text, not as a level. The level is read from the
# words of that text, the most participative first (a text that says « concertation puis
# co-construction » is co-construction); a text naming none leaves the cell empty for the person
# to choose on the platform, and so does an empty text (nothing said is not « no participation »).
# The text itself goes into the description (« Descriptif »), the imported column nearest to it.
PARTICIPATION_WORDS = (
    ("co-construction", "Co-construction"), ("coconstruction", "Co-construction"),
    ("co-construire", "Co-construction"), ("coconstruire", "Co-construction"),
    ("concertation", "Concertation"), ("concerter", "Concertation"),
    ("consultation", "Consultation"), ("consulter", "Consultation"),
    ("information", "Information"), ("informer", "Information"),
    ("pas de participation", "Pas de participation citoyenne"),
    ("aucune participation", "Pas de participation citoyenne"),
)
DATE_FORMAT = "DD/MM/YYYY"  # the template asks for JJ/MM/AAAA; the cells hold real dates
SEPARATOR = ", "  # the template's list separator


def participation_level(text: str) -> str:
    """The template's participation label for the kit's free text, or "" when it names none."""
    folded = fold(text)
    for word, level in PARTICIPATION_WORDS:
        if word in folded:
            return level
    return ""


def names_list(names: list[str]) -> str:
    """Names joined by commas; a name holding a comma goes inside « » so the importer keeps it whole."""
    return SEPARATOR.join(f"« {n} »" if "," in n else n for n in names if n)


def axis_path(ws: Workspace, action: Action) -> tuple[str, str]:
    """(axe, sous-axe) of a fiche: its first objective, a strategic one as the axis, an operational
    one as the sub-axis of its parent. The platform files a fiche under one path; the titles of all
    its objectives go into « Objectifs »."""
    objectives = {o.id: o for o in ws.objectives}
    first = next((objectives[i] for i in action.objective_ids if i in objectives), None)
    if first is None:
        return "", ""
    parent = objectives.get(first.parent_id) if first.parent_id else None
    if first.level == "opérationnel" and parent is not None:
        return parent.title, first.title
    if first.level == "opérationnel":
        return "", first.title
    return first.title, ""


def _amount(value: float) -> int:
    return round(value)  # the template asks for whole euros


def row_values(ws: Workspace, action: Action) -> list:
    actors = {a.id: a for a in ws.actors}
    objectives = {o.id: o for o in ws.objectives}
    titles = {a.id: a.title for a in ws.actions}
    lead = actors.get(action.lead_id) if action.lead_id else None
    axe, sous_axe = axis_path(ws, action)
    description = action.description.strip()
    if action.participation.strip():
        description = "\n\n".join(p for p in (description, "Participation des habitants : "
                                               + action.participation.strip()) if p)
    by_funder: dict[str, float] = defaultdict(float)
    for line in action.budget:
        if line.funder.strip():
            by_funder[line.funder.strip()] += line.amount
    funders = sorted(by_funder.items(), key=lambda item: -item[1])[:FUNDER_COLUMNS]
    funder_cells: list = []
    for n in range(FUNDER_COLUMNS):
        name, amount = funders[n] if n < len(funders) else ("", None)
        funder_cells += [name, _amount(amount) if amount is not None else None]
    financements = "\n".join(
        f"{line.year} — {line.kind} — {_amount(line.amount)} €" + (f" — {line.funder}" if line.funder else "")
        for line in sorted(action.budget, key=lambda b: (b.year, b.kind)))
    indicators = "\n".join(
        i.name + (f" ({i.unit})" if i.unit else "") + (f", cible {i.target:g}" if i.target is not None else "")
        for i in action.indicators)
    steps = "\n".join(("☑ " if s.done else "☐ ") + s.title + (f" ({s.due:%d/%m/%Y})" if s.due else "")
                      for s in action.steps)
    values = [
        axe, sous_axe, "", action.title, "", description, "",
        "\n".join(objectives[i].title for i in action.objective_ids if i in objectives),
        indicators,
        lead.name if lead else "", "",
        names_list([actors[i].name for i in action.partner_ids if i in actors]), "",
        names_list([lead.person] if lead and lead.person else []), "",
        participation_level(action.participation),
        financements,
        *funder_cells,
        _amount(sum(line.amount for line in action.budget)) if action.budget else None,
        STATUS_TO_TET[action.status], PRIORITY_TO_TET[action.priority],
        action.start, action.end,
        "", "", "\n".join(titles[i] for i in action.depends_on if i in titles),
        ("Étapes :\n" + steps) if steps else "", "",
    ]
    assert len(values) == len(HEADERS)
    return values


def export_tet_workbook(ws: Workspace) -> bytes:
    """The .xlsx the platform imports: row 1 the template's groups, row 2 its headers, row 3 what each
    column holds, one row per fiche action from row 4."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from kit.reports.action_plan_columns import put

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for column, label in GROUPS.items():
        put(sheet, 1, column, label).font = bold
    for column, header in enumerate(HEADERS, start=1):
        cell = put(sheet, HEADER_ROW, column, header)
        cell.font, cell.alignment = bold, wrap
        cell.fill = PatternFill("solid", fgColor="FFF2CC" if column <= IMPORTED else "F4CCCC")
        sheet.column_dimensions[get_column_letter(column)].width = 40 if header in ("Descriptif", "Objectifs") else 20
        put(sheet, 3, column, _kind_note(header, column)).alignment = wrap
    for row, action in enumerate(ws.actions, start=FIRST_DATA_ROW):
        for column, value in enumerate(row_values(ws, action), start=1):
            if value in ("", None):
                continue
            cell = put(sheet, row, column, value)
            cell.alignment = wrap
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
    sheet.freeze_panes = "B4"  # as the template
    info = book.create_sheet("Mode d'emploi")
    for row, line in enumerate((
            f"Plan d'action de {ws.name}, au format d'import de Territoires en Transitions.",
            "Une ligne par fiche action, à partir de la ligne 4 de l'onglet « Fichier dimport ».",
            "Les axes sont les objectifs stratégiques, les sous-axes les objectifs opérationnels (session 2).",
            "Montants en euros tels que saisis dans le kit : vérifiez s'ils sont HT avec le service financier.",
            "Les colonnes sur fond rouge ne sont pas importées par la plateforme.",
            f"Modèle suivi : {SOURCE}."), start=1):
        put(info, row, 1, line)
    info.column_dimensions["A"].width = 110
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _kind_note(header: str, column: int) -> str:
    if column > IMPORTED:
        return "Non importé"
    if header in ("Participation Citoyenne", "Statut ", "Niveau de priorité"):
        return "Liste (choix prédéfinis)"
    if header.startswith(("Date de",)):
        return "Date JJ/MM/AAAA"
    if header.startswith(("Montant", "Budget")):
        return "Nombre entier"
    if header in ("Structure pilote", "Partenaires ", "Direction ou service pilote", "Personne pilote",
                  "Élu·e référent·e ", "Instances de gouvernance") or header.startswith("Financeur"):
        return "Texte (séparateur virgule)"
    if header == "Indicateurs liés":
        return "Texte non importé"
    return "Texte"
