"""Charts a room can read on a projector: labels short and unique, wrapped rather than cut, placed where
they overlap nothing (estimated from the font: the browser check is tests/e2e/test_chart_layout.py), points
at the same place told apart, actors without scores named under the chart, MICMAC's key variables named
and its axes in the units of the app's table, French decimals."""

from __future__ import annotations

import json
import tempfile

import pandas as pd
import pytest

from kit import charts
from kit.demo import create_demo
from kit.methods import governance, network
from kit.methods.drawing import (SEPARATORS, Spot, compact_alike, label_box, place_labels, plain, same_place,
                                 short_names, wrap_lines)
from kit.sessions import project, stakes
from kit.store import Store
from tests.e2e.test_chart_layout import CA, crowd

LONG = [f"{CA} – service habitat", f"{CA} – service climat", f"{CA} – service mobilités",
        f"{CA} – service développement économique"]


@pytest.fixture(scope="module")
def ws():
    """The demo territory grown as in the browser check: 25 actors, 48 relations, 15 stakes (4 on (5, 5))."""
    store = Store(tempfile.mkdtemp())
    return store.update(create_demo(store).id, crowd)


def texts_of(fig) -> list[str]:
    """Every label and annotation text of a figure, as JSON strings."""
    found = [a.text for a in fig.layout.annotations if a.text]
    for trace in fig.data:
        text = getattr(trace, "text", None)
        if isinstance(text, (list, tuple)):
            found += [t for t in text if t]
        elif isinstance(text, str) and text:
            found.append(text)
    return found


def label_texts(fig) -> list[str]:
    """The texts written beside the points (mode with "text", not the hover-only ones)."""
    return [t for trace in fig.data if "text" in (trace.mode or "") for t in (trace.text or []) if t]


def boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


# -- shortening ---------------------------------------------------------------------------------------


def test_names_sharing_a_long_start_keep_what_differs():
    labels = short_names(LONG + ["Banque des Territoires"], 24, 2)
    assert len({tuple(label) for label in labels}) == 5
    assert labels[0][-1] == "service habitat" and labels[1][-1] == "service climat"
    assert all(len(line) <= 24 for label in labels for line in label)
    assert labels[-1] == ["Banque des Territoires"]  # short names untouched
    one_line = [label[0] for label in short_names(LONG, 26, 1)]
    assert len(set(one_line)) == 4 and one_line[0].endswith("service habitat")
    assert not any(line.startswith(CA) and line.endswith("…") for line in one_line)


def test_the_same_name_twice_is_numbered_and_short_names_are_kept():
    assert short_names(["Même", "Même", "Autre"], 24, 2) == [["Même (1)"], ["Même (2)"], ["Autre"]]
    assert short_names(["Chaleur dans les logements l'été", "Chaleur dans les logements l'hiver"], 24, 2) == [
        ["Chaleur dans les", "logements l'été"], ["Chaleur dans les", "logements l'hiver"]]


def test_long_labels_are_wrapped_on_two_lines_before_being_cut():
    text = "L'EPCI porte un contrat de ville tourné vers les transitions"
    lines = wrap_lines(text, 30, 2)
    assert lines == ["L'EPCI porte un contrat de", "ville tourné vers les…"]
    assert wrap_lines("Court", 30, 2) == ["Court"]
    assert wrap_lines("Un objectif de deux lignes tout juste", 30, 2) == ["Un objectif de deux lignes", "tout juste"]


def test_governance_boxes_list_alike_names_apart():
    assert compact_alike(LONG[:2] + ["Cheffe de projet politique de la ville"]) == [
        "CA du Val de Charente… service habitat", "CA du Val de Charente… service climat",
        "Cheffe de projet politique de la ville"]


# -- placing ------------------------------------------------------------------------------------------


def test_the_placer_keeps_labels_apart_and_says_when_none_fits():
    spots = [Spot(100, 100, 8, ["un nom assez long"]), Spot(110, 100, 8, ["un autre nom long"]),
             Spot(300, 300, 8, ["seul"])]
    chosen = place_labels(spots, 15, (0, 0, 400, 400))
    placed = [label_box(s, p, 15) for s, p in zip(spots, chosen) if p]
    assert all(not boxes_overlap(a, b) for i, a in enumerate(placed) for b in placed[i + 1:])
    assert chosen[2] == "top center"
    assert place_labels(spots, 15, (0, 0, 400, 400)) == chosen  # deterministic
    crowded = [Spot(50, 50, 8, ["x" * 30]) for _ in range(2)] + [Spot(50, 50, 8, ["y" * 30])]
    assert None in place_labels(crowded, 15, (0, 0, 120, 120))


def test_points_at_the_same_place_are_grouped():
    assert same_place([(0, 0), (3, 0), (100, 0), (5, 1)], 10) == [[0, 1, 3], [2]]


# -- the charts ---------------------------------------------------------------------------------------


def test_stake_map_tells_coincident_stakes_apart_and_lists_them(ws):
    frame = stakes.stake_map_frame(ws)
    fig = charts.stake_map(frame, "maîtrise", "importance")
    at_five = [f"E{i + 1}" for i, row in frame.iterrows() if (row["x"], row["y"]) == (5, 5)]
    assert len(at_five) == 4
    grouped = [t for t in label_texts(fig) if all(code in t for code in at_five)]
    assert grouped, label_texts(fig)  # one label « E4, E8, E9, E10 » for the four points
    note = " ".join(a.text for a in fig.layout.annotations)
    for code in at_five:  # each is named under the map
        title = frame.at[int(code[1:]) - 1, "enjeu"]
        assert f"{code} {plain(title)}" in note.replace("<br>", " ")
    assert fig.layout.separators == SEPARATORS


def test_stake_map_lists_stakes_still_to_place(ws):
    frame = stakes.stake_map_frame(ws)
    frame.loc[0, ["x", "placé"]] = [None, False]
    fig = charts.stake_map(frame, "maîtrise", "importance")
    assert "À placer : E1" in " ".join(a.text for a in fig.layout.annotations)


def test_every_label_of_the_crowded_charts_is_unique(ws):
    actors, relations = project.actors_frame(ws), project.relations_frame(ws)
    result = project.actor_strategies(ws)
    figures = [network.network_figure(actors, relations, groups=project.network_groups(ws)),
               charts.power_interest(actors), charts.actor_plane(result.actors, result.cuts),
               charts.convergence_graph(result.edges, list(result.actors.index))]
    for fig in figures:
        labels = label_texts(fig)
        assert len(labels) == len(set(labels)), labels
        assert not any(t.startswith(plain(CA)) and t.endswith("…") and "<br>" not in t for t in labels)


def test_unscored_actors_are_listed_not_piled_at_zero(ws):
    actors = project.actors_frame(ws)
    fig = charts.power_interest(actors)
    placed = actors.dropna(subset=["power", "interest"])
    assert len(fig.data[0].x) == len(placed) < len(actors)
    note = " ".join(a.text for a in fig.layout.annotations).replace("<br>", " ")
    assert "À placer (pouvoir et intérêt à noter)" in note and "A25 Collectif d'habitants de la Gare" in note

    result = project.actor_strategies(ws)
    plane = charts.actor_plane(result.actors, result.cuts)
    on_plane = sum(len(t.x) for t in plane.data if t.mode == "markers")
    blank = ((result.actors["influence"] == 0) & (result.actors["dependence"] == 0)).sum()
    assert blank and on_plane == len(result.actors) - blank
    note = " ".join(a.text for a in plane.layout.annotations).replace("<br>", " ")
    assert "Sans influence saisie" in note and "A25" in note
    assert not any(0.0 in (x, y) for t in plane.data if t.mode == "markers" for x, y in zip(t.x, t.y))

    graph = charts.convergence_graph(result.edges, list(result.actors.index))
    note = " ".join(a.text for a in graph.layout.annotations).replace("<br>", " ")
    assert "Sans convergence ni divergence" in note and "A25" in note


def test_micmac_plane_names_key_variables_and_uses_the_tables_units(ws):
    result = stakes.structural_analysis(ws)
    titles = {s.id: s.title for s in ws.stakes}
    fig = charts.micmac_plane(result, titles, "indirect")
    note = " ".join(a.text for a in fig.layout.annotations).replace("<br>", " ")
    assert "Variables clés (motrices et relais) :" in note
    key = result.table[result.table["indirect_sector"].isin(["motrice", "relais"])]
    assert len(key)
    for stake_id in key.index:
        assert plain(titles[stake_id]) in note
    # The axes carry the sums the app's table shows (influence, dépendance), and say so.
    xs = [x for t in fig.data if t.mode == "markers" for x in t.x]
    assert sorted(xs) == sorted(float(v) for v in result.table["indirect_dependence"])
    assert "total de la colonne" in fig.layout.xaxis.title.text and "puissance" in fig.layout.xaxis.title.text
    assert "total de la ligne" in fig.layout.yaxis.title.text
    direct = charts.micmac_plane(result, titles, "direct")
    assert "matrice directe" in direct.layout.xaxis.title.text
    assert fig.layout.separators == ", "


def test_governance_text_is_escaped_once(ws):
    bodies = project.bodies_records(ws)
    fig = governance.governance_figure(bodies, project.actors_frame(ws))
    shown = json.dumps(fig.to_plotly_json(), ensure_ascii=False)
    assert 'Atelier \\"ensemble\\" des habitants' in shown
    assert "&quot;" not in shown and "&amp;amp;" not in shown and "&amp;quot;" not in shown
    bodies[0]["name"] = "Bureau & co"
    text = " ".join(a.text for a in governance.governance_figure(bodies).layout.annotations)
    assert "Bureau &amp; co" in text and "&amp;amp;" not in text


def test_network_names_are_placed_apart_and_numbered_when_crowded(ws):
    actors, relations = project.actors_frame(ws), project.relations_frame(ws)
    fig = network.network_figure(actors, relations, groups=project.network_groups(ws))
    labels = label_texts(fig)
    codes = [t for t in labels if t.startswith("A") and t[1:].isdigit()]
    note = " ".join(a.text for a in fig.layout.annotations).replace("<br>", " ")
    for code in codes:
        assert f"{code} " in note
    assert fig.layout.separators == SEPARATORS
    assert fig == network.network_figure(actors, relations, groups=project.network_groups(ws))  # deterministic


def test_french_decimals_in_every_chart_layout(ws):
    result = stakes.structural_analysis(ws)
    titles = {s.id: s.title for s in ws.stakes}
    mactor = project.actor_strategies(ws)
    for fig in (charts.micmac_displacement(result, titles), charts.mobilisation(mactor.objectives),
                charts.objective_tree(project.objectives_frame(ws), "Ambition", 2030),
                charts.placeholder("Vide")):
        assert fig.layout.separators == SEPARATORS
    convergence = charts.convergence_graph(mactor.edges, list(mactor.actors.index))
    hovers = [t.text for t in convergence.data if t.mode == "lines"]
    assert hovers and all("." not in h.rsplit(":", 1)[-1] for h in hovers)


def test_objective_labels_wrap_instead_of_cutting():
    objectives = pd.DataFrame([{"id": "o1", "parent_id": "", "objectif": "L'EPCI porte un contrat de ville tourné "
                                "vers les transitions", "niveau": "stratégique", "rattaché à": "", "enjeux": ""}])
    fig = charts.objective_tree(objectives, "", 2030)
    assert fig.data[0].labels[1] == "L'EPCI porte un contrat de<br>ville tourné vers les<br>transitions"


def test_actor_numbers_can_follow_the_workspace_list(ws):
    result = project.actor_strategies(ws)
    labels = list(result.actors.index)
    numbers = {label: f"A{30 + i}" for i, label in enumerate(labels)}
    plane = charts.actor_plane(result.actors, result.cuts, numbers)
    graph = charts.convergence_graph(result.edges, labels, codes=numbers)
    for fig in (plane, graph):
        note = " ".join(a.text for a in fig.layout.annotations)
        assert "A54" in note and " A25 " not in f" {note} "
