"""The action plan brought back from Excel: what the edited workbook changes, checked as a whole.

    data = export_workbook(ws)                  # kit.reports.action_plan_export: bytes of an .xlsx file
    report = import_workbook(ws, edited_bytes)  # nothing is written yet
    print(report)                               # French: unchanged, updated, added, absent, errors
    if report.changes_anything:                 # False with errors, or when nothing differs
        store.update(ws.id, report.apply)       # all or nothing, on the latest revision

Design (see also the "Mode d'emploi" sheet the workbook carries):

- Rows are matched by the action's stable id (grey "Identifiant" column). A row without id is a new
  action. Ids never change, so renaming an action in the workbook is an ordinary edit.
- Only what differs is applied, field by field: a row whose cells all render the action's current
  values is not touched at all (the saved JSON stays byte-identical), and a changed action keeps the
  fields nobody changed. Comparison is on normalised values ("Haute" = "haute", spaces trimmed,
  2025-03-01 as a date or as "01/03/2025").
- Three-way merge: the workbook carries a very hidden sheet with a fingerprint of every exported
  cell. At import a field that the person did not edit is left alone even if the kit changed it in
  the meantime (no lost update after days offline); a field edited on both sides is a conflict,
  reported as an error. Without that sheet (a hand-made file) the comparison is with the workspace.
- All or nothing: one error and nothing is applied (`report.ok` is False, `apply` refuses).
- Actions absent from the file are kept and listed ("absentes du fichier, conservées"): a missing
  row is more often a filtered copy, a row lost while pasting, or an action created in the kit after
  the export than a decision to delete; deleting an action is done in the kit, where its links show.
  Inside an action present in the file, a removed step or budget row is removed (it is the way to
  edit those lists), except indicators that carry measurements, which are never dropped.
- "Dépend de" holds action ids (robust to renaming an action in the same file); an exact action
  title is accepted too, which is how a new action (without id yet) is named. A dependency cycle is
  refused, named as the roadmap names it.

The steps of an import, in order (the order of the errors in the report follows it): match the rows
of "Fiches action" to actions (`_match_actions`), read each of their cells (`_read_fields`, names
resolved by `_Resolver`, each field decided by `_Merge`), attach the rows of the other sheets to their
action and read them (`_read_steps`, `_read_budget`, `_read_indicators`), check each changed action
as a whole and the plan's dependencies (`_check_actions`, `_check_cycles`), then write the report
(`_conclude`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from pydantic import ValidationError

from kit.methods import roadmap
from kit.model import ID_PATTERN, Action, ActionIndicator, BudgetLine, Step, Workspace, french_errors, new_id
from kit.reports.action_plan_columns import (ACTION_COLUMNS, BUDGET_KINDS, FIELD_LABELS, PRIORITIES, SHEET_ACTIONS,
                                             SHEET_BUDGET, SHEET_INDICATORS, SHEET_STEPS, STATUSES, Col, Names, action_cells,
                                             canon, children_texts, fingerprint, name_index, name_key, rows_text)
from kit.reports.action_plan_parsing import (Invalid, labelled, parse_choice, parse_date, parse_names,
                                             parse_number, parse_year, parse_yes_no)
from kit.reports.action_plan_reading import Row, Trace, read_workbook
from kit.reports.action_plan_report import ImportProblem, ImportReport, RowOutcome, count
from kit.text import quote


def import_workbook(ws: Workspace, data: bytes) -> ImportReport:
    """Read an edited workbook and say what importing it would change; nothing is applied here.

    Raises `KitError` for a file that cannot be an exported plan (not xlsx, too big, sheet or column
    missing, another workspace's plan); problems in the rows are listed in `report.errors`.
    """
    sheets, trace, note = read_workbook(ws, data)
    run = _Run(ws)
    file = _match_actions(run, sheets[SHEET_ACTIONS], trace)
    resolver = _Resolver(ws, file)
    merge = _Merge(run, trace)
    known = {name_key(a.title) for a in ws.actions} | {name_key(fa.title) for fa in file.values() if not fa.new}
    for fa in file.values():
        _check_new_title(run, fa, known)
        _read_fields(run, resolver, merge, fa)
    owned = {key: resolver.attach(run, sheet, sheets[sheet]) for key, sheet in
             (("steps", SHEET_STEPS), ("budget", SHEET_BUDGET), ("indicators", SHEET_INDICATORS))}
    for fa in file.values():
        _read_steps(run, merge, fa, owned["steps"].get(fa.id, []))
        _read_budget(run, merge, fa, owned["budget"].get(fa.id, []))
        _read_indicators(run, merge, fa, owned["indicators"].get(fa.id, []))
    _check_actions(run, file)
    _check_cycles(run, file)
    return _conclude(run, file, note)


# ---------------------------------------------------------------------------------------------
# What the steps share
# ---------------------------------------------------------------------------------------------

_SAME = object()  # "leave this field as the kit has it"


class _Run:
    """What every step of one import shares: the workspace as it was read, the report that collects
    the problems (all of them, so that the person fixes the file once) and the ids already taken."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.current = {a.id: a for a in ws.actions}
        self.report = ImportReport()
        self._taken = set(self.current)

    def error(self, sheet: str, line: int | None, reason: str) -> None:
        """Note a problem and go on: the report lists them all, and one is enough to apply nothing."""
        self.report.errors.append(ImportProblem(sheet, line, reason))

    def errors(self) -> int:
        """How many problems so far: a parser compares before and after to know if it found any."""
        return len(self.report.errors)

    def fresh_id(self, prefix: str) -> str:
        """A new id, unused in the workspace and in this import (ids are random and short)."""
        while True:
            candidate = new_id(prefix)
            if candidate not in self._taken:
                self._taken.add(candidate)
                return candidate


@dataclass
class _FileAction:
    """One row of "Fiches action" and what the import makes of it."""

    line: int
    id: str
    new: bool
    row: Row
    title: str  # as in the file (or the kit's when the cell is empty)
    changes: dict[str, Any] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # fields changed in the kit since the export, kept


# ---------------------------------------------------------------------------------------------
# Reading the rows of "Fiches action"
# ---------------------------------------------------------------------------------------------


def _match_actions(run: _Run, rows: list[Row], trace: Trace | None) -> dict[str, _FileAction]:
    """Which action each row of "Fiches action" is, by its grey id cell; a row without id is a new action.

    The id is the only link between a row and an action, so a changed id is refused rather than guessed
    (a copied row, a typo, an action deleted in the kit since the export each get their own reason).
    """
    file: dict[str, _FileAction] = {}
    seen: dict[str, int] = {}
    for row in rows:
        raw_id = canon(row["id"])
        title = canon(row["title"])
        if not raw_id:
            new = _FileAction(row.line, run.fresh_id("fa"), True, row, title)
            file[new.id] = new
            continue
        if raw_id in seen:
            run.error(SHEET_ACTIONS, row.line, f"l'identifiant {raw_id} figure déjà ligne {seen[raw_id]} "
                                               "(ligne copiée ?) : une fiche ne peut figurer qu'une fois")
            continue
        seen[raw_id] = row.line
        if raw_id not in run.current:
            if trace is not None and raw_id in trace:
                reason = (f"la fiche {raw_id} a été supprimée dans le kit depuis l'export ; pour la recréer, "
                          "videz sa cellule d'identifiant")
            else:
                reason = (f"identifiant inconnu {quote(raw_id)} : ne modifiez pas la colonne grise ; laissez-la "
                          "vide pour une nouvelle fiche")
            run.error(SHEET_ACTIONS, row.line, reason)
            continue
        file[raw_id] = _FileAction(row.line, raw_id, False, row, title or run.current[raw_id].title)
    return file


def _check_new_title(run: _Run, fa: _FileAction, known: set[str]) -> None:
    """A new action titled like an existing one is most likely the same file imported twice."""
    if fa.new and fa.title and name_key(fa.title) in known:
        run.error(SHEET_ACTIONS, fa.line,
                  f"une fiche s'intitule déjà {quote(fa.title)} : ce classeur a peut-être déjà été importé "
                  "(exportez à nouveau le plan d'action) ; pour une fiche distincte, changez son intitulé")


def _read_fields(run: _Run, resolver: _Resolver, merge: _Merge, fa: _FileAction) -> None:
    """Each cell of an action's row: read (names resolved to ids), then kept only if it is an edit.

    A cell is parsed only when its text differs from what the kit would export, so that an unedited
    row costs no parsing and a value the kit itself cannot read back (an old, odd one) is no error.
    """
    action = run.current.get(fa.id)
    cells = action_cells(action, resolver.names) if action else {}
    for col in ACTION_COLUMNS[1:]:
        raw = fa.row[col.key]

        def parse(col=col, raw=raw):
            try:
                value = resolver.field(col, raw)
            except Invalid as problem:
                run.error(SHEET_ACTIONS, fa.line, f"{col.header} : {problem}")
                return None
            return value, canon(resolver.names.render(col.key, value))

        merge.field(fa, col.key, canon(raw), canon(cells.get(col.key)), parse)


# ---------------------------------------------------------------------------------------------
# Resolving names to ids
# ---------------------------------------------------------------------------------------------


class _Resolver:
    """The names a person typed, turned into the ids the workspace links by.

    Actors, objectives and neighbourhoods are looked up among the workspace's; actions among the file's
    titles and the workspace's, since a new action has no id yet and is named by its title.
    """

    def __init__(self, ws: Workspace, file: dict[str, _FileAction]):
        self.names = Names(ws)
        self.current = {a.id for a in ws.actions}
        self.file = file
        self.titles = name_index([(fa.title, fa.id) for fa in file.values()]
                                 + [(a.title, a.id) for a in ws.actions if a.id not in file])
        self.file_titles = name_index((fa.title, fa.id) for fa in file.values())

    def field(self, col: Col, raw: Any) -> Any:
        """The value of one "Fiches action" cell as the model holds it; `Invalid` if it cannot be read."""
        text = canon(raw)
        if col.key in ("title", "description", "participation"):
            return text
        if col.key == "objective_ids":
            return parse_names(text, self.names.objective_index, "objectif", "objectifs")
        if col.key == "partner_ids":
            return parse_names(text, self.names.actor_index, "acteur", "acteurs")
        if col.key == "neighbourhood_ids":
            return parse_names(text, self.names.neighbourhood_index, "quartier", "quartiers")
        if col.key == "lead_id":
            ids = parse_names(text, self.names.actor_index, "acteur", "acteurs")
            if len(ids) > 1:
                raise Invalid("un seul pilote par fiche (les autres acteurs vont dans « Partenaires »)")
            return ids[0] if ids else None
        if col.key == "status":
            return parse_choice(raw, STATUSES, "statut") if text else "à venir"
        if col.key == "priority":
            return parse_choice(raw, PRIORITIES, "priorité") if text else "moyenne"
        if col.key in ("start", "end"):
            return parse_date(raw)
        if col.key == "depends_on":
            return self.dependencies(text)
        raise AssertionError(col.key)

    def dependencies(self, text: str) -> list[str]:
        """"Dépend de": ids of existing actions first, anything else read as action titles (in order)."""
        ids: list[str] = []
        tokens = [t.strip() for t in text.split(";") if t.strip()]
        rest: list[str] = []
        for token in tokens:
            if re.fullmatch(ID_PATTERN, token) and token in self.current:
                if rest:
                    ids += parse_names(";".join(rest), self.titles, "fiche", "fiches", True)
                    rest = []
                if token not in ids:
                    ids.append(token)
            else:
                rest.append(token)
        if rest:
            ids += [i for i in parse_names(";".join(rest), self.titles, "fiche", "fiches", True) if i not in ids]
        return ids

    def attach(self, run: _Run, sheet: str, rows: list[Row]) -> dict[str, list[Row]]:
        """The rows of a child sheet (steps, budget, indicators) grouped by the action they belong to.

        By the action's id, or by its exact title for a new action. Rows of an action absent from
        "Fiches action" are ignored with a note: that action is not part of this import.
        """
        groups: dict[str, list[Row]] = {}
        ignored: dict[str, int] = {}
        for row in rows:
            ref = canon(row["action"])
            if ref:
                if ref in self.file and not self.file[ref].new:
                    groups.setdefault(ref, []).append(row)
                elif ref in run.current:
                    ignored[ref] = ignored.get(ref, 0) + 1
                else:
                    run.error(sheet, row.line, f"identifiant de fiche inconnu {quote(ref)} (il doit figurer dans "
                                               "l'onglet « Fiches action »)")
                continue
            title = canon(row["action_title"])
            if not title:
                run.error(sheet, row.line, "ni identifiant ni intitulé de fiche : impossible de savoir à quelle "
                                           "fiche rattacher cette ligne")
                continue
            matches = self.file_titles.get(name_key(title), [])
            if len(matches) == 1:
                groups.setdefault(matches[0], []).append(row)
            elif matches:
                run.error(sheet, row.line, f"plusieurs fiches s'intitulent {quote(title)} : indiquez l'identifiant")
            else:
                run.error(sheet, row.line, f"aucune fiche de l'onglet « Fiches action » ne s'intitule {quote(title)}")
        for ref, lines in ignored.items():
            run.report.notes.append(
                f"Onglet {quote(sheet)} : {count(lines, 'ligne ignorée', 'lignes ignorées')} pour la fiche "
                f"{quote(run.current[ref].title)}, absente de l'onglet « Fiches action » (elle reste inchangée).")
        return groups


# ---------------------------------------------------------------------------------------------
# Merging against the exported revision
# ---------------------------------------------------------------------------------------------


class _Merge:
    """Which value of a field wins: the file's, the kit's, or neither (a conflict).

    Three versions of each field are known: the file's cell, the kit's current value, and the
    fingerprint of what was exported (the trace). Only a field the person edited is taken; if the kit
    changed it too since the export, that is a conflict the person must resolve on a fresh export.
    """

    def __init__(self, run: _Run, trace: Trace | None):
        self.run = run
        self.trace = trace
        self._texts: dict[str, dict[str, str]] = {}  # action id → comparable text of its child rows

    def field(self, fa: _FileAction, key: str, raw_text: str, current_text: str,
              parse: Callable[[], tuple[Any, str] | None]) -> None:
        """Record in `fa.changes` the value of one field of the file, if it is an edit to apply.

        `parse` reads the cell and records its problems (returning None then); it gives the value and
        its text as the kit would export it. A new action takes every value read.
        """
        if fa.new:
            parsed = parse()
            if parsed is not None:
                fa.changes[key] = parsed[0]
            return
        value = self._decide(fa, key, raw_text, current_text, parse)
        if value is not _SAME:
            fa.changes[key] = value

    def children(self, fa: _FileAction, key: str, raw_rows: list[list[Any]], ordered: bool,
                 parse: Callable[[], tuple[Any, str] | None]) -> None:
        """The same for a list of child rows (steps, budget lines, indicators), compared as a whole.

        `parse` may note in `fa.details` what it removes; those notes are dropped when the list is kept
        as the kit has it. A new action without child rows gets the model's empty list.
        """
        if fa.new:
            if raw_rows:
                parsed = parse()
                if parsed is not None:
                    fa.changes[key] = parsed[0]
            return
        if fa.id not in self._texts:
            self._texts[fa.id] = children_texts(self.run.current[fa.id])
        details = len(fa.details)
        value = self._decide(fa, key, rows_text(raw_rows, ordered=ordered), self._texts[fa.id][key], parse)
        if value is _SAME:
            del fa.details[details:]  # a parse whose result is not applied deleted nothing
        else:
            fa.changes[key] = value

    def _decide(self, fa: _FileAction, key: str, raw_text: str, current_text: str,
                parse: Callable[[], tuple[Any, str] | None]) -> Any:
        """Three-way decision for one field of an existing action: the file's value, or `_SAME`."""
        if raw_text == current_text:
            return _SAME
        base = (self.trace or {}).get(fa.id, {}).get(key)
        if base is not None and fingerprint(raw_text) == base:
            fa.kept.append(FIELD_LABELS[key])  # untouched in the file, changed in the kit since
            return _SAME
        parsed = parse()
        if parsed is None:  # errors were recorded
            return _SAME
        value, text = parsed
        if text == current_text:
            return _SAME
        if base is not None:
            if fingerprint(text) == base:
                fa.kept.append(FIELD_LABELS[key])
                return _SAME
            if fingerprint(current_text) != base:
                self.run.error(SHEET_ACTIONS, fa.line,
                               f"{quote(FIELD_LABELS[key])} de la fiche {quote(fa.title)} a été modifié dans le "
                               "classeur et, depuis l'export, dans le kit : exportez à nouveau le plan d'action et "
                               "reportez-y votre modification")
                return _SAME
        return value


# ---------------------------------------------------------------------------------------------
# Checking the rows of steps, budget lines and indicators
# ---------------------------------------------------------------------------------------------


def _child_ids(run: _Run, sheet: str, fa: _FileAction, rows: list[Row], existing: dict[str, Any]) -> dict[int, str]:
    """The id cell of each child row, checked: known in this action, used once.

    The id keeps a step's or an indicator's identity (an indicator's measurements hang on it), so an
    id copied to a second row or typed by hand is refused.
    """
    ids: dict[int, str] = {}
    seen: dict[str, int] = {}
    for row in rows:
        item_id = canon(row["id"])
        if not item_id:
            continue
        if item_id in seen:
            run.error(sheet, row.line, f"l'identifiant {item_id} figure déjà ligne {seen[item_id]}")
        elif item_id not in existing:
            run.error(sheet, row.line, f"identifiant {quote(item_id)} inconnu pour la fiche {quote(fa.title)} : "
                                       "laissez la colonne grise vide pour une nouvelle ligne")
        seen[item_id] = row.line
        ids[row.line] = item_id
    return ids


def _validated(run: _Run, sheet: str, line: int, model: type, values: dict[str, Any]) -> dict[str, Any] | None:
    """`values` checked by the model (lengths, required fields), its errors reported at the row's line."""
    try:
        return model.model_validate(values).model_dump()
    except ValidationError as error:
        for problem in french_errors(error):
            run.error(sheet, line, problem)
        return None


def _raw(rows: list[Row], keys: tuple[str, ...]) -> list[list[Any]]:
    """The cells of child rows as typed, compared with the kit's before anything is parsed."""
    return [[row[k] for k in keys] for row in rows]


def _read_steps(run: _Run, merge: _Merge, fa: _FileAction, rows: list[Row]) -> None:
    """An action's rows of "Étapes": a missing row is a deleted step, a row without id a new one."""
    action = run.current.get(fa.id)
    existing = {s.id: s for s in (action.steps if action else [])}

    def parse():
        errors = run.errors()
        ids = _child_ids(run, SHEET_STEPS, fa, rows, existing)
        steps, shown = [], []
        for row in rows:
            try:
                due = labelled("Échéance", parse_date, row["due"])
                done = labelled("Faite", parse_yes_no, row["done"])
            except Invalid as problem:
                run.error(SHEET_STEPS, row.line, str(problem))
                continue
            step_id = ids.get(row.line, "")
            old = existing.get(step_id)
            values = {**(old.model_dump() if old else {"id": run.fresh_id("etape")}),
                      "title": canon(row["title"]), "due": due, "done": done}
            step = _validated(run, SHEET_STEPS, row.line, Step, values)
            if step is not None:
                steps.append(step)
                shown.append([step_id, step["title"], step["due"], step["done"]])
        if run.errors() > errors:
            return None
        kept = {s["id"] for s in steps}
        fa.details += [f"étape supprimée : {quote(s.title)}" for s in existing.values() if s.id not in kept]
        return steps, rows_text(shown)

    merge.children(fa, "steps", _raw(rows, ("id", "title", "due", "done")), True, parse)


def _read_budget(run: _Run, merge: _Merge, fa: _FileAction, rows: list[Row]) -> None:
    """An action's rows of "Budget": lines have no id, the list is compared whatever its order."""

    def parse():
        errors = run.errors()
        lines, shown = [], []
        for row in rows:
            try:
                year = labelled("Année", parse_year, row["year"])
                if not canon(row["kind"]):
                    raise Invalid(f"Type : manquant (valeurs admises : {', '.join(BUDGET_KINDS)})")
                kind = labelled("Type", parse_choice, row["kind"], BUDGET_KINDS, "type de budget")
                amount = labelled("Montant", parse_number, row["amount"], "un montant en euros")
                if amount is None:
                    raise Invalid("Montant : manquant")
                if amount < 0:
                    raise Invalid(f"Montant : {canon(amount)} est négatif")
            except Invalid as problem:
                run.error(SHEET_BUDGET, row.line, str(problem))
                continue
            values = {"year": year, "kind": kind, "amount": amount, "funder": canon(row["funder"])}
            line = _validated(run, SHEET_BUDGET, row.line, BudgetLine, values)
            if line is not None:
                lines.append(line)
                shown.append([line["year"], line["kind"], line["amount"], line["funder"]])
        if run.errors() > errors:
            return None
        return lines, rows_text(shown, ordered=False)

    merge.children(fa, "budget", _raw(rows, ("year", "kind", "amount", "funder")), False, parse)


def _read_indicators(run: _Run, merge: _Merge, fa: _FileAction, rows: list[Row]) -> None:
    """An action's rows of "Indicateurs"; an indicator with measurements is never dropped by a
    missing row (follow-up data is entered in the kit and must not be lost through a spreadsheet)."""
    action = run.current.get(fa.id)
    existing = {i.id: i for i in (action.indicators if action else [])}

    def parse():
        errors = run.errors()
        ids = _child_ids(run, SHEET_INDICATORS, fa, rows, existing)
        indicators, shown = [], []
        for row in rows:
            try:
                baseline = labelled("Valeur de référence", parse_number, row["baseline"])
                target = labelled("Cible", parse_number, row["target"])
            except Invalid as problem:
                run.error(SHEET_INDICATORS, row.line, str(problem))
                continue
            item_id = ids.get(row.line, "")
            old = existing.get(item_id)
            values = {**(old.model_dump() if old else {"id": run.fresh_id("ind")}),
                      "name": canon(row["name"]), "unit": canon(row["unit"]), "baseline": baseline,
                      "target": target, "source": canon(row["source"])}
            indicator = _validated(run, SHEET_INDICATORS, row.line, ActionIndicator, values)
            if indicator is not None:
                indicators.append(indicator)
                shown.append([item_id, indicator["name"], indicator["unit"], indicator["baseline"],
                              indicator["target"], indicator["source"]])
        if run.errors() > errors:
            return None
        kept = {i["id"] for i in indicators}
        for old in existing.values():
            if old.id in kept:
                continue
            if old.measurements:  # never lose follow-up data through a spreadsheet
                indicators.append(old.model_dump())
                shown.append([old.id, old.name, old.unit, old.baseline, old.target, old.source])
                run.report.notes.append(
                    f"Indicateur {quote(old.name)} de la fiche {quote(fa.title)} absent de l'onglet « Indicateurs » : "
                    f"conservé, car il a {count(len(old.measurements), 'mesure', 'mesures')} (supprimez-le dans le kit si besoin).")
            else:
                fa.details.append(f"indicateur supprimé : {quote(old.name)}")
        return indicators, rows_text(shown)

    merge.children(fa, "indicators", _raw(rows, ("id", "name", "unit", "baseline", "target", "source")), True, parse)


# ---------------------------------------------------------------------------------------------
# Checking the plan as a whole
# ---------------------------------------------------------------------------------------------


def _check_actions(run: _Run, file: dict[str, _FileAction]) -> None:
    """Each new or changed action as a whole (title required, lengths, dates in order): cells that are
    each fine may still make an invalid action, and `apply` must not be the one to find out."""
    for fa in file.values():
        if not fa.changes and not fa.new:
            continue
        base = {"id": fa.id} if fa.new else run.current[fa.id].model_dump()
        try:
            Action.model_validate({**base, **fa.changes})
        except ValidationError as error:
            for problem in french_errors(error):
                run.error(SHEET_ACTIONS, fa.line, problem)


def _check_cycles(run: _Run, file: dict[str, _FileAction]) -> None:
    """A changed "Dépend de" must not close a circle: no action of it could ever start.

    The search is the roadmap's (`kit.methods.roadmap.find_cycles`: one cycle per knot of mutually
    dependent actions). Only knots holding an action whose dependencies the file changes are reported,
    each once, at the line of its first such action: a circle already in the workspace is the
    roadmap's to report, not this file's. The message reads as the column does, from the action that
    depends to what it depends on: « A » → « B » → « A » (A depends on B, B on A).
    """
    changed = [fa for fa in file.values() if "depends_on" in fa.changes]
    if not changed:
        return
    changed_ids = {fa.id for fa in changed}
    depends = {a.id: list(a.depends_on) for a in run.ws.actions} | {fa.id: fa.changes["depends_on"] for fa in changed}
    titles = {a.id: a.title for a in run.ws.actions} | {fa.id: fa.title for fa in file.values()}
    # Changed actions first: the roadmap starts each cycle at the action that comes first in the plan.
    order = [fa.id for fa in changed] + [i for i in depends if i not in changed_ids]
    graph = roadmap.dependency_graph([{"id": i, "title": titles.get(i, i), "depends_on": depends[i]} for i in order])
    knots = [knot for knot in nx.strongly_connected_components(graph) if knot & changed_ids]
    found = []
    for cycle in roadmap.find_cycles(graph.subgraph(set().union(*knots))):
        knot = next(k for k in knots if cycle[0] in k)
        owner = next((fa for fa in changed if fa.id in cycle), None) or next(fa for fa in changed if fa.id in knot)
        path = cycle[:1] + cycle[:0:-1]  # the roadmap's arrows go from a dependency to the action that waits for it
        if owner.id in path:
            start = path.index(owner.id)
            path = path[start:] + path[:start]
        found.append((changed.index(owner), owner, path))
    for _, owner, path in sorted(found, key=lambda item: item[0]):
        chain = " → ".join(quote(titles.get(i, i)) for i in [*path, path[0]])
        run.error(SHEET_ACTIONS, owner.line, f"Dépend de : dépendance circulaire {chain}")


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


def _conclude(run: _Run, file: dict[str, _FileAction], note: str | None) -> ImportReport:
    """Sort the file's actions into added, updated, unchanged and kept from the kit, list the absent
    ones, and stage the edits for `apply` only if there is no error (all or nothing)."""
    report = run.report
    for fa in file.values():
        outcome = RowOutcome(fa.line, fa.id, fa.title)
        if fa.new:
            report.added.append(outcome)
            if report.ok:
                report.stage_new({"id": fa.id, **fa.changes})
            continue
        if fa.kept:
            report.kept_from_kit.append(RowOutcome(fa.line, fa.id, fa.title, tuple(fa.kept)))
        if fa.changes:
            fields = tuple(FIELD_LABELS[k] for k in fa.changes)
            report.updated.append(RowOutcome(fa.line, fa.id, fa.title, fields, tuple(fa.details)))
            if report.ok:
                report.stage_update(run.current[fa.id], fa.changes)
        else:
            report.unchanged.append(outcome)
    report.absent = [RowOutcome(None, a.id, a.title) for a in run.ws.actions if a.id not in file]
    if note:
        report.notes.insert(0, note)
    return report
