"""Benchmark the action-plan workbook: export + import of 300 fiches action, target < 2 s together.

The workspace has 300 actions, each with 4 steps, 3 budget lines and 2 indicators (with measurements),
40 actors, 20 objectives and 6 neighbourhoods: a large plan (real ones have tens of actions).
Measured, interleaved in the same loop so that machine noise hits all alike:

- export: `export_workbook(ws)` (styles, comments, drop-down lists, lists and trace sheets);
- import: `import_workbook(ws, data)` of that unedited file (read, compare, report), then of a file
  with 30 edited rows (parse, three-way merge, validation);
- baseline: the same rows written with `pandas.DataFrame.to_excel` (openpyxl engine, 4 sheets) and read
  back with `pandas.read_excel(sheet_name=None)`: what a bare Excel round trip of this data costs.

Run: python bench/bench_xlsx.py [repeats]. Exit status 1 if the median export + import exceeds 2 s.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import sys
import time

import openpyxl
import pandas as pd

from kit.reports.action_plan_columns import SHEET_ACTIONS
from kit.reports.action_plan_export import export_workbook
from kit.reports.action_plan_import import import_workbook
from kit.model import (Action, ActionIndicator, Actor, BudgetLine, Measurement, Neighbourhood, Objective, Step,
                       Workspace, revalidate)

TARGET_S = 2.0
N_ACTIONS = 300


def big_workspace(n: int = N_ACTIONS) -> Workspace:
    actors = [Actor(name=f"Acteur {i}") for i in range(40)]
    objectives = [Objective(title=f"Objectif {i}") for i in range(20)]
    places = [Neighbourhood(name=f"Quartier {i}") for i in range(6)]
    actions: list[Action] = []
    for i in range(n):
        actions.append(Action(
            title=f"Fiche action {i} : rénover, végétaliser, accompagner",
            description="Description de la fiche, sur plusieurs lignes.\n" * 3,
            objective_ids=[objectives[i % 20].id, objectives[(i + 7) % 20].id],
            lead_id=actors[i % 40].id, partner_ids=[actors[(i + 1) % 40].id, actors[(i + 2) % 40].id],
            neighbourhood_ids=[places[i % 6].id], status="en cours", priority="haute",
            start=dt.date(2026, 1 + i % 12, 1), end=dt.date(2028, 1 + i % 12, 28),
            depends_on=[actions[i - 1].id] if i else [], participation="Ateliers avec le conseil citoyen",
            steps=[Step(title=f"Étape {k}", due=dt.date(2026, 1 + k, 15), done=k < 2) for k in range(4)],
            budget=[BudgetLine(year=2026 + k, kind="investissement" if k % 2 else "fonctionnement",
                               amount=10000.0 * (k + 1) + i, funder="Contrat de ville") for k in range(3)],
            indicators=[ActionIndicator(name=f"Indicateur {k}", unit="%", baseline=10.0, target=50.0, source="INSEE",
                                        measurements=[Measurement(on=dt.date(2026, 6, 1), value=12.5)])
                        for k in range(2)]))
    return revalidate(Workspace(id="bench-xlsx", name="Banc d'essai", actors=actors, objectives=objectives,
                                neighbourhoods=places, actions=actions))


def edited(data: bytes, ws: Workspace, count: int = 30) -> bytes:
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[SHEET_ACTIONS]
    for row in range(2, 2 + count):
        sheet.cell(row, 2).value = f"{sheet.cell(row, 2).value} (revue)"
        sheet.cell(row, 11).value = dt.datetime(2029, 12, 31)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def baseline_frames(ws: Workspace) -> dict[str, pd.DataFrame]:
    actors = {a.id: a.name for a in ws.actors}
    objectives = {o.id: o.title for o in ws.objectives}
    places = {n.id: n.name for n in ws.neighbourhoods}
    return {
        "Fiches action": pd.DataFrame([{
            "Identifiant": a.id, "Intitulé": a.title, "Description": a.description,
            "Objectifs": " ; ".join(objectives[i] for i in a.objective_ids), "Pilote": actors.get(a.lead_id, ""),
            "Partenaires": " ; ".join(actors[i] for i in a.partner_ids),
            "Quartiers": " ; ".join(places[i] for i in a.neighbourhood_ids), "Statut": a.status,
            "Priorité": a.priority, "Début": a.start, "Fin": a.end, "Dépend de": " ; ".join(a.depends_on),
            "Participation": a.participation} for a in ws.actions]),
        "Étapes": pd.DataFrame([{"Fiche": a.id, "Intitulé": a.title, "Id": s.id, "Étape": s.title, "Échéance": s.due,
                                 "Faite": "oui" if s.done else "non"} for a in ws.actions for s in a.steps]),
        "Budget": pd.DataFrame([{"Fiche": a.id, "Intitulé": a.title, "Année": b.year, "Type": b.kind,
                                 "Montant": b.amount, "Financeur": b.funder} for a in ws.actions for b in a.budget]),
        "Indicateurs": pd.DataFrame([{"Fiche": a.id, "Intitulé": a.title, "Id": i.id, "Indicateur": i.name,
                                      "Unité": i.unit, "Référence": i.baseline, "Cible": i.target, "Source": i.source}
                                     for a in ws.actions for i in a.indicators]),
    }


def baseline_round_trip(frames: dict[str, pd.DataFrame]) -> None:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    pd.read_excel(io.BytesIO(buffer.getvalue()), sheet_name=None, engine="openpyxl")


def _line(label: str, times: list[float]) -> str:
    return (f"{label}: median {statistics.median(times) * 1000:.0f} ms "
            f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, {len(times)} runs)")


def main(repeats: int = 7) -> int:
    ws = big_workspace()
    frames = baseline_frames(ws)
    data = export_workbook(ws)
    changed = edited(data, ws)
    report = import_workbook(ws, changed)
    assert report.ok and len(report.updated) == 30, report.summary
    assert not import_workbook(ws, data).changes_anything
    baseline_round_trip(frames)  # warm-up: imports, caches

    times: dict[str, list[float]] = {"export": [], "import": [], "import30": [], "total": [], "baseline": []}
    for _ in range(repeats):
        start = time.perf_counter()
        out = export_workbook(ws)
        middle = time.perf_counter()
        import_workbook(ws, out)
        end = time.perf_counter()
        times["export"].append(middle - start)
        times["import"].append(end - middle)
        times["total"].append(end - start)
        start = time.perf_counter()
        import_workbook(ws, changed)
        times["import30"].append(time.perf_counter() - start)
        start = time.perf_counter()
        baseline_round_trip(frames)
        times["baseline"].append(time.perf_counter() - start)

    rows = {name: len(frame) for name, frame in frames.items()}
    print(f"workbook of {N_ACTIONS} actions: {rows}, {len(data) / 1024:.0f} KiB")
    print(_line("export_workbook", times["export"]))
    print(_line("import_workbook (no edit)", times["import"]))
    print(_line("import_workbook (30 rows edited)", times["import30"]))
    print(_line("baseline pandas to_excel + read_excel", times["baseline"]))
    total = statistics.median(times["total"])
    ratio = total / statistics.median(times["baseline"])
    print(f"export + import: median {total * 1000:.0f} ms; ratio to baseline x{ratio:.2f}; "
          f"target < {TARGET_S:.0f} s: {'ok' if total < TARGET_S else 'TOO SLOW'}")
    return 0 if total < TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 7))
