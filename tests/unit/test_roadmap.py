"""The roadmap of session 3: dependencies, critical path (checked against hand computations), checks,
filters and the Gantt chart."""

from datetime import date, timedelta
from typing import get_args

import networkx as nx
import pandas as pd
import pytest

from kit.errors import KitError
from kit.methods import roadmap as rm
from kit.model import (Action, ActionStatus, Actor, BudgetLine, Neighbourhood, Objective, Step, Workspace)

D = date(2025, 1, 1)


def day(n: int) -> date:
    """Day n of the plan: day(0) is 1 January 2025."""
    return D + timedelta(days=n)


def act(ident, start=None, length=None, deps=(), **extra):
    """An action starting on day(start) and lasting `length` days (end day included)."""
    record = {"id": ident, "title": ident.upper(), "depends_on": list(deps), "lead": "Pilote",
              "objective": ["Objectif"], "status": "à venir"}
    if start is not None:
        record["start"] = day(start)
        record["end"] = day(start + length - 1)
    record.update(extra)
    return record


def diamond():
    # A (5 days) → B (10 days) → D (4 days), and A → C (3 days) → D.
    return [act("a", 0, 5), act("b", 5, 10, ["a"]), act("c", 5, 3, ["a"]), act("d", 15, 4, ["b", "c"])]


# -- reading the plan ---------------------------------------------------------------------------------


def test_statuses_are_the_models():
    assert rm.STATUSES == get_args(ActionStatus)
    assert set(rm.STATUS_COLOURS) == set(rm.STATUSES)


def workspace() -> Workspace:
    pilot = Actor(id="act-pilote", name="Cheffe de projet")
    strategic = Objective(id="obj-chaleur", title="Adapter à la chaleur")
    child = Objective(id="obj-ombre", title="Ombrager les cours", level="opérationnel", parent_id="obj-chaleur")
    alone = Objective(id="obj-energie", title="Réduire la précarité énergétique")
    quartier = Neighbourhood(id="qpv-tilleuls", name="Les Tilleuls")
    first = Action(id="fa-diag", title="Diagnostic", lead_id=pilot.id, objective_ids=[child.id],
                   neighbourhood_ids=[quartier.id], start=date(2025, 1, 1), end=date(2025, 3, 31), status="réalisé",
                   steps=[Step(title="Relevés", due=date(2025, 2, 1), done=True)],
                   budget=[BudgetLine(year=2025, amount=12000, funder="")])
    second = Action(id="fa-ilots", title="Îlots de fraîcheur", depends_on=[first.id], start=date(2025, 4, 1),
                    end=date(2025, 9, 30))
    return Workspace(id="ws-test", name="Test", actors=[pilot], objectives=[strategic, child, alone],
                     neighbourhoods=[quartier], actions=[first, second])


def test_actions_frame_gives_names_beside_ids():
    frame = rm.actions_frame(workspace())
    assert list(frame.columns) == rm.FRAME_COLUMNS
    first = frame.iloc[0]
    assert first["lead"] == "Cheffe de projet" and first["lead_id"] == "act-pilote"
    assert first["objective"] == ["Ombrager les cours"] and first["neighbourhood"] == ["Les Tilleuls"]
    assert first["steps"][0]["title"] == "Relevés" and first["budget"][0]["amount"] == 12000
    assert frame.iloc[1]["depends_on"] == ["fa-diag"] and frame.iloc[1]["lead"] == ""


def test_model_objects_and_text_forms_are_read():
    ws = workspace()
    assert rm.critical_path(ws.actions).ids == ["fa-diag", "fa-ilots"]
    plan = [{"id": "x", "title": "X", "start": "01/02/2025", "end": "2025-02-10", "depends_on": ""},
            {"id": "y", "title": "Y", "start": pd.Timestamp("2025-02-11"), "end": "2025-02-20", "depends_on": "x; "}]
    path = rm.critical_path(pd.DataFrame(plan))
    assert path.ids == ["x", "y"] and path.duration_days == 20


def test_unreadable_rows_are_named():
    with pytest.raises(KitError) as error:
        rm.critical_path([act("a", 0, 5), {"id": "b", "title": "Bancs", "start": "31/02/2025"},
                          {"id": "a", "title": "Doublon"}, {"title": "Sans id"}])
    details = "\n".join(error.value.details)
    assert "« Bancs » : date de début illisible (« 31/02/2025 »" in details
    assert "l'identifiant a est utilisé par deux fiches" in details
    assert "fiche n° 4 « Sans id » : sans identifiant" in details


# -- dependencies and cycles ----------------------------------------------------------------------------


def test_dependency_graph_edges_go_from_dependency_to_action():
    graph = rm.dependency_graph(diamond() + [act("e", deps=["zzz"])])
    assert set(graph.edges) == {("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")}
    assert graph.nodes["b"]["duration"] == 10 and graph.nodes["e"]["duration"] is None
    assert graph.graph["unknown_dependencies"] == [("e", "zzz")]


def test_cycle_is_named_in_french():
    plan = [act("a", 0, 2, ["c"]), act("b", 2, 2, ["a"]), act("c", 4, 2, ["b"]), act("d", 6, 2, ["c"])]
    assert rm.find_cycles(plan) == [["a", "b", "c"]]
    with pytest.raises(KitError) as error:
        rm.find_cycles(plan, raise_error=True)
    assert "« A » → « B » → « C » → « A »" in str(error.value)
    with pytest.raises(KitError) as error:
        rm.critical_path(plan)
    assert "dépendance circulaire : « A » → « B » → « C » → « A »" in str(error.value)


def test_several_cycles_and_self_dependency():
    plan = [act("a", 0, 2, ["a"]), act("b", 0, 2, ["c"]), act("c", 0, 2, ["b"]), act("d", 0, 2)]
    assert rm.find_cycles(plan) == [["a"], ["b", "c"]]
    assert rm.find_cycles(rm.dependency_graph(plan)) == [["a"], ["b", "c"]]
    with pytest.raises(KitError) as error:
        rm.critical_path(plan)
    assert error.value.details == ["« A » → « A »", "« B » → « C » → « B »"]
    assert rm.find_cycles(diamond()) == []


# -- critical path --------------------------------------------------------------------------------------


def test_critical_path_of_a_diamond():
    # Durations: A 5, B 10, C 3, D 4 days. Forward pass: ES(A)=0, EF(A)=5; ES(B)=5, EF(B)=15;
    # ES(C)=5, EF(C)=8; ES(D)=max(15, 8)=15, EF(D)=19: the plan lasts 19 days.
    # Backward pass: LF(D)=19, LS(D)=15; LF(B)=15, LS(B)=5; LF(C)=15, LS(C)=12; LF(A)=min(5, 12)=5, LS(A)=0.
    # Slack = LS − ES: A 0, B 0, C 7, D 0. The critical path is A → B → D.
    path = rm.critical_path(diamond())
    assert path.ids == ["a", "b", "d"]
    assert path.duration_days == 19
    assert path.slack == {"a": 0, "b": 0, "c": 7, "d": 0}
    assert path.earliest_start == {"a": 0, "b": 5, "c": 5, "d": 15}
    assert path.earliest_finish == {"a": 5, "b": 15, "c": 8, "d": 19}
    assert path.latest_start == {"a": 0, "b": 5, "c": 12, "d": 15}
    assert path.latest_finish == {"a": 5, "b": 15, "c": 15, "d": 19}
    assert path.critical == {"a", "b", "d"}
    assert path.origin == D and path.notes == [] and path.excluded == []
    table = path.table().set_index("id")
    assert table.loc["c", "début au plus tard"] == day(12) and table.loc["c", "fin au plus tard"] == day(14)
    assert table.loc["d", "fin au plus tôt"] == day(18) and table.loc["c", "marge (jours)"] == 7
    assert table.loc["b", "fiche"] == "B" and bool(table.loc["b", "critique"])


def test_critical_path_when_the_other_branch_is_longer():
    # Same diamond with C lasting 12 days: EF(C)=17 > EF(B)=15, so D starts at 17 and the plan lasts 21 days.
    # LS(B) = 17 − 10 = 7: B has 2 days of slack, C none. Critical path A → C → D.
    plan = diamond()
    plan[2] = act("c", 5, 12, ["a"])
    path = rm.critical_path(plan)
    assert path.ids == ["a", "c", "d"] and path.duration_days == 21
    assert path.slack == {"a": 0, "b": 2, "c": 0, "d": 0}


def test_tied_chains_are_all_critical_and_the_first_is_listed():
    # B and C both last 10 days: both chains A → B → D and A → C → D last 19 days.
    plan = diamond()
    plan[2] = act("c", 5, 10, ["a"])
    path = rm.critical_path(plan)
    assert path.critical == {"a", "b", "c", "d"} and path.ids == ["a", "b", "d"]


def test_cpm_uses_durations_not_planned_dates():
    # E is planned late but depends on nothing: its earliest start is day 0, and with 30 days it sets the
    # length of the plan (the diamond lasts 19): E alone is critical, and the diamond has 11 days of slack.
    path = rm.critical_path(diamond() + [act("e", 200, 30)])
    assert path.ids == ["e"] and path.duration_days == 30
    assert path.earliest_start["e"] == 0 and path.slack["a"] == 11 and path.slack["d"] == 11


def test_undated_actions_are_excluded_with_a_note_but_keep_the_order():
    # A (5 days) → U (not dated) → C (3 days); D (10 days) alone.
    # U counts as 0 days: ES(C) = EF(A) = 5, EF(C) = 8; the plan lasts max(8, 10) = 10 days.
    # Slack of A and C: 10 − 8 = 2; D is the critical path.
    plan = [act("a", 0, 5), act("u", deps=["a"]), act("c", 5, 3, ["u"]), act("d", 0, 10)]
    path = rm.critical_path(plan)
    assert path.ids == ["d"] and path.duration_days == 10
    assert path.slack == {"a": 2, "c": 2, "d": 0}
    assert path.excluded == ["u"] and "u" not in path.earliest_start
    assert len(path.notes) == 1 and "1 fiche(s) sans dates complètes" in path.notes[0] and "« U »" in path.notes[0]


def test_undated_link_on_the_critical_chain_is_walked_through():
    plan = [act("a", 0, 5), act("u", deps=["a"]), act("c", 5, 3, ["u"])]
    assert rm.critical_path(plan).ids == ["a", "c"]


def test_no_dated_action():
    path = rm.critical_path([act("a"), act("b", deps=["a"])])
    assert path.ids == [] and path.duration_days == 0 and path.origin is None
    assert any("Aucune fiche n'est datée" in n for n in path.notes)
    assert rm.critical_path([]).ids == []


# -- checks ---------------------------------------------------------------------------------------------


def messages(found, action_id=None):
    return [f.message for f in found if action_id is None or f.action_id == action_id]


def test_every_check():
    plan = [
        act("a", 0, 10, lead="", objective=[], budget=[{"year": 2025, "amount": 12000, "funder": ""},
                                                       {"year": 2025, "amount": 500, "funder": "Région"}]),
        act("b", 5, 10, ["a"]),  # starts on day 5, A ends on day 9
        act("c", 10, 5, ["a"], status="réalisé"),  # starts the day after A ends: fine
        {"id": "d", "title": "D", "start": day(20), "end": day(18), "lead": "P", "objective": ["O"]},
        act("e", 30, 5, ["zzz"]),
        act("f", 40, 2, ["g"]), act("g", 42, 2, ["f"]),
    ]
    found = rm.checks(plan, today=day(12))
    assert all(isinstance(f, rm.Finding) and f.level in rm.LEVELS for f in found)
    assert [f.level for f in found] == sorted((f.level for f in found), key=rm.LEVELS.index)
    assert messages(found, "a") == [
        "« A » devait se terminer le 10/01/2025 et n'est ni réalisée ni abandonnée (statut : à venir) : "
        "en retard ?",
        "« A » n'a pas de pilote.",
        "« A » ne se rattache à aucun objectif.",
        "« A » : la ligne de budget 2025 (12\u202f000 €) n'a pas de financeur.",
    ]
    assert messages(found, "b") == ["« B » commence le 06/01/2025 avant la fin de « A », dont elle dépend "
                                     "(fin le 10/01/2025)."]
    assert messages(found, "c") == []  # handed over the next day, and done
    assert ("erreur", "« D » se termine le 19/01/2025, avant de commencer (le 21/01/2025).", "d") in found
    assert ("erreur", "« E » dépend d'une fiche qui n'existe pas (zzz).", "e") in found
    assert ("erreur", "Dépendance circulaire : « F » → « G » → « F ». Retirez l'une de ces dépendances.",
            "f") in found


def test_same_day_handover_is_accepted_and_a_day_more_is_not():
    same_day = [act("a", 0, 10), act("b", 9, 5, ["a"])]  # B starts on A's last day
    assert not [f for f in rm.checks(same_day, today=D) if "avant la fin" in f.message]
    overlap = [act("a", 0, 10), act("b", 8, 5, ["a"])]
    assert [f.action_id for f in rm.checks(overlap, today=D) if "avant la fin" in f.message] == ["b"]


def test_late_depends_on_today_and_status():
    plan = [act("a", 0, 10), act("b", 0, 10, status="réalisé"), act("c", 0, 10, status="abandonné"),
            act("d", 0, 10, status="en pause")]
    late = lambda today: [f.action_id for f in rm.checks(plan, today=today) if "en retard" in f.message]
    assert late(day(9)) == []  # the last day is not over
    assert late(day(10)) == ["a", "d"]
    assert late("2025-02-01") == ["a", "d"]


def test_objectives_without_action():
    plan = [act("a", 0, 5, objective=[], objective_ids=["obj-ombre"])]
    objectives = [{"id": "obj-chaleur", "title": "Adapter à la chaleur"},
                  {"id": "obj-ombre", "title": "Ombrager les cours", "parent_id": "obj-chaleur"},
                  {"id": "obj-energie", "title": "Réduire la précarité"}]
    found = rm.checks(plan, objectives=objectives, today=D)
    # The strategic objective is covered through its operational one; only "Réduire la précarité" is not.
    assert [f for f in found if f.action_id is None] == [
        ("à compléter", "L'objectif « Réduire la précarité » n'a encore aucune fiche action.", None)]
    by_title = rm.checks([act("a", 0, 5, objective=["réduire la PRÉCARITÉ"])], objectives=objectives, today=D)
    assert "L'objectif « Réduire la précarité » n'a encore aucune fiche action." not in messages(by_title)
    assert rm.checks({"actions": plan, "objectives": objectives}, today=D) == found


def test_checks_on_a_workspace():
    found = rm.checks(workspace(), today=date(2025, 5, 1))
    assert ("à compléter", "« Îlots de fraîcheur » n'a pas de pilote.", "fa-ilots") in found
    assert ("à compléter", "« Diagnostic » : la ligne de budget 2025 (12\u202f000 €) n'a pas de financeur.",
            "fa-diag") in found
    assert ("à compléter", "L'objectif « Réduire la précarité énergétique » n'a encore aucune fiche action.",
            None) in found
    assert not [f for f in found if "Adapter à la chaleur" in f.message or "en retard" in f.message]


# -- filters --------------------------------------------------------------------------------------------


def filter_plan():
    return [
        act("a", 0, 5, lead="Cheffe de projet", lead_id="act-1", objective=["Adapter à la chaleur"],
            objective_ids=["obj-1"], neighbourhood=["Les Tilleuls"], neighbourhood_ids=["qpv-1"], status="en cours"),
        act("b", 0, 5, lead="Bailleur", objective=["Réduire la précarité"], neighbourhood=["La Gare"],
            status="réalisé"),
        act("c", 0, 5, lead="Cheffe de projet", objective=["Réduire la précarité", "Adapter à la chaleur"],
            neighbourhood=["Les Tilleuls", "La Gare"]),
    ]


def ids(rows):
    return [r["id"] for r in rows]


def test_filters():
    plan = filter_plan()
    assert ids(rm.apply_filters(plan)) == ["a", "b", "c"]
    assert ids(rm.apply_filters(plan, objective="adapter a la chaleur")) == ["a", "c"]
    assert ids(rm.apply_filters(plan, objective="obj-1")) == ["a"]
    assert ids(rm.apply_filters(plan, lead="CHEFFE DE PROJET")) == ["a", "c"]
    assert ids(rm.apply_filters(plan, lead="act-1")) == ["a"]
    assert ids(rm.apply_filters(plan, neighbourhood="La Gare")) == ["b", "c"]
    assert ids(rm.apply_filters(plan, neighbourhood="qpv-1")) == ["a"]
    assert ids(rm.apply_filters(plan, status="realise")) == ["b"]
    assert ids(rm.apply_filters(plan, status=["en cours", "à venir"])) == ["a", "c"]
    assert ids(rm.apply_filters(plan, lead="Cheffe de projet", neighbourhood="La Gare")) == ["c"]
    assert ids(rm.apply_filters(plan, lead="Personne")) == []
    assert ids(rm.apply_filters(plan, status=[])) == ["a", "b", "c"]


def test_filters_keep_a_dataframe():
    frame = pd.DataFrame(filter_plan(), index=[10, 11, 12])
    kept = rm.apply_filters(frame, objective="Réduire la précarité")
    assert isinstance(kept, pd.DataFrame) and list(kept.index) == [11, 12]
    assert list(rm.apply_filters(rm.actions_frame(workspace()), lead="Cheffe de projet")["id"]) == ["fa-diag"]


# -- the Gantt chart ------------------------------------------------------------------------------------


def bars(fig):
    """(row, action title, outline colour, outline width, hatch) of every drawn action bar."""
    result = []
    for trace in fig.data:
        if trace.meta != "actions":
            continue
        for i, y in enumerate(trace.y):
            if y is None:
                continue
            line = trace.marker.line
            result.append((y, trace.customdata[i][0], line.color[i], line.width[i], trace.marker.pattern.shape[i]))
    return sorted(result)


def test_gantt_has_one_bar_per_dated_action_and_highlights_the_critical_path():
    plan = diamond() + [act("u")]
    plan[1]["steps"] = [{"title": "Réunion", "due": day(7), "done": True}]
    fig = rm.gantt_figure(plan, today=day(3))
    drawn = bars(fig)
    assert [title for _y, title, *_ in drawn] == ["A", "C", "B", "D"]  # by start, then end; U is not dated
    critical = {title for _y, title, colour, width, _h in drawn if colour == rm.CRITICAL_COLOUR and width > 3}
    assert critical == {"A", "B", "D"}
    assert "4 fiche(s), 3 sur le chemin critique" in fig.layout.title.text
    assert "1 fiche(s) non datée(s) non affichée(s)" in fig.layout.title.subtitle.text
    names = [t.name for t in fig.data]
    for expected in ("à venir", "chemin critique", "dépendance", "étape (pleine : faite)",
                     "aujourd'hui (04/01/2025)"):
        assert expected in names
    arrows = {t.line.color: len([x for x in t.x if x is not None]) // 2 for t in fig.data if t.name == "dépendance"}
    assert arrows == {rm.DEPENDENCY_COLOUR: 2, rm.CRITICAL_COLOUR: 2}  # A → C → D grey, A → B → D red
    assert fig.layout.shapes[-1].line.dash == "dash" and fig.layout.shapes[-1].x0 == "2025-01-04"
    assert fig.layout.xaxis.type == "date" and fig.layout.yaxis.autorange is None
    fig.to_json()


def test_gantt_takes_a_computed_critical_path():
    path = rm.critical_path(diamond())
    fig = rm.gantt_figure(diamond(), critical_ids=path, today=D)
    assert {title for _y, title, colour, *_ in bars(fig) if colour == rm.CRITICAL_COLOUR} == {"A", "B", "D"}
    hover = {c[0]: c[5] for t in fig.data if t.meta == "actions" for c in t.customdata}
    assert hover["C"] == "marge : 7 jour(s)" and hover["B"] == "sur le chemin critique (aucune marge)"


def test_gantt_bars_span_start_to_end_included():
    fig = rm.gantt_figure([act("a", 0, 5)], critical_ids=[], today=D)
    trace = next(t for t in fig.data if t.type == "bar" and t.y[0] is not None)
    assert trace.base[0] == "2025-01-01" and trace.x[0] == 5 * 86_400_000
    assert trace.marker.line.color[0] != rm.CRITICAL_COLOUR  # an empty critical_ids highlights nothing


def test_gantt_late_actions_are_hatched_and_colours_follow_status():
    plan = [act("a", 0, 5, status="en cours"), act("b", 0, 5, status="réalisé")]
    fig = rm.gantt_figure(plan, today=day(30))
    hatch = {title: h for _y, title, _c, _w, h in bars(fig)}
    assert hatch == {"A": "/", "B": ""}
    colours = {t.name: t.marker.color for t in fig.data if t.type == "bar" and t.y[0] is not None}
    assert colours == {"en cours": rm.STATUS_COLOURS["en cours"], "réalisé": rm.STATUS_COLOURS["réalisé"]}


def test_gantt_milestones_and_filters():
    milestones = [{"title": "Session 3", "on": day(4), "kind": "programme"},
                  {"title": "Phase 2", "on": day(0), "end": day(60), "kind": "programme"},
                  {"title": "Conseil communautaire", "date": "2025-01-08"},
                  {"title": "Hors fenêtre", "on": date(2031, 1, 1), "kind": "programme"}]
    fig = rm.gantt_figure(filter_plan(), milestones, today=D, lead="Bailleur")
    assert [title for _y, title, *_ in bars(fig)] == ["B"]
    rows = dict(zip(fig.layout.yaxis.tickvals, fig.layout.yaxis.ticktext))
    marks = {rows[t.y[0]]: list(t.text) for t in fig.data if t.type == "scatter" and t.marker.symbol == "diamond"}
    assert marks == {"Programme": ["Session 3"], "Territoire": ["Conseil communautaire"]}
    assert list(fig.layout.yaxis.ticktext[:3]) == ["Territoire", "Programme", "Périodes"]
    assert list(fig.layout.yaxis.tickvals[:3]) == sorted(fig.layout.yaxis.tickvals[:3], reverse=True)  # upwards
    phase = next(t for t in fig.data if t.type == "bar" and t.meta == "jalons")  # the phase is a bar on its row
    assert rows[phase.y[0]] == "Périodes" and phase.base[0] == "2025-01-01" and phase.customdata[0][0] == "Phase 2"
    assert fig.layout.yaxis.range[1] < min(fig.layout.yaxis.tickvals)  # the top rows are in view
    assert len([s for s in fig.layout.shapes if s.type == "line"]) == 3  # 2 milestones in the window + today


def test_gantt_milestone_labels_make_room():
    # Four milestones on consecutive days: two labels fit (one above, one below), the others are left to
    # the hover; a phase that began before the plan is drawn from the plan's first day.
    milestones = [{"title": f"Jalon {i}", "on": day(10 + i)} for i in range(4)]
    milestones.append({"title": "Phase 1", "on": day(-100), "end": day(100), "kind": "programme"})
    fig = rm.gantt_figure([act("a", 0, 200)], milestones, today=D)
    marks = next(t for t in fig.data if t.type == "scatter" and t.marker.symbol == "diamond")
    assert list(marks.text) == ["Jalon 0", "Jalon 1", "", ""]
    assert list(marks.textposition) == ["top right", "bottom right", "top right", "top right"]
    phase = next(t for t in fig.data if t.type == "bar" and t.meta == "jalons")
    assert phase.base[0] < "2025-01-01" and phase.text[0] == "Phase 1"


def test_gantt_grows_with_the_number_of_actions_and_copes_with_cycles_and_empty_plans():
    small = rm.gantt_figure([act(f"a{i}", i, 3) for i in range(5)], today=D)
    large = rm.gantt_figure([act(f"a{i}", i, 3) for i in range(120)], today=D)
    assert small.layout.height >= 420 and large.layout.height >= 120 * 24
    cyclic = rm.gantt_figure([act("a", 0, 3, ["b"]), act("b", 3, 3, ["a"])], today=D)
    assert len(bars(cyclic)) == 2 and "dépendance circulaire" in cyclic.layout.title.subtitle.text
    empty = rm.gantt_figure([act("a")], today=D)
    assert "Datez les fiches action" in empty.layout.annotations[0].text
    nothing = rm.gantt_figure(filter_plan(), today=D, lead="Personne")
    assert "Aucune fiche ne correspond" in nothing.layout.annotations[0].text


def test_gantt_of_a_workspace_frame():
    fig = rm.gantt_figure(rm.actions_frame(workspace()), today=date(2025, 5, 1))
    assert len(bars(fig)) == 2
    steps = next(t for t in fig.data if t.name == "étape (pleine : faite)")
    assert list(steps.x) == ["2025-02-01"] and list(steps.marker.symbol) == ["circle"]


def test_dependency_graph_is_a_networkx_dag():
    graph = rm.dependency_graph(diamond())
    assert isinstance(graph, nx.DiGraph) and nx.is_directed_acyclic_graph(graph)


def test_gantt_draws_only_critical_links_on_large_plans_unless_asked():
    # A chain of 100 actions, each after the previous (all critical), and a side branch from the first.
    plan = [act(f"a{i:03d}", 3 * i, 3, [f"a{i - 1:03d}"] if i else []) for i in range(100)]
    plan.append(act("side", 3, 2, ["a000"]))
    arrows = lambda fig: {t.line.color: len([x for x in t.x if x is not None]) // 2
                          for t in fig.data if t.name == "dépendance"}
    auto = rm.gantt_figure(plan, today=D)
    assert arrows(auto) == {rm.CRITICAL_COLOUR: 99}
    assert "seules les dépendances critiques sont tracées" in auto.layout.title.subtitle.text
    assert arrows(rm.gantt_figure(plan, today=D, show_dependencies=True)) == {rm.CRITICAL_COLOUR: 99,
                                                                            rm.DEPENDENCY_COLOUR: 1}
    assert arrows(rm.gantt_figure(plan, today=D, show_dependencies=False)) == {}
    assert arrows(rm.gantt_figure(plan[:50] + plan[-1:], today=D)) == {rm.CRITICAL_COLOUR: 49, rm.DEPENDENCY_COLOUR: 1}
