"""The actors' network: every metric checked on small hand-made graphs, with the expected values worked
out in the comments; the French readings; layout, figure and exports.

Conventions (kit/methods/network.py): betweenness is normalised by the number of pairs of other actors,
(n-1)(n-2)/2 on an undirected graph; closeness is (r-1)/Σd × (r-1)/(n-1), r = actors reachable from
the actor, itself included (Wasserman-Faust); tensions count in no metric unless include_tension=True.
"""

import io
import math

import networkx as nx
import pandas as pd
import pytest

from kit.reference.resources import load_actor_types
from kit.errors import KitError
from kit.methods import network
from kit.methods.network import (KIND_COLOURS, build_graph, edges_table, kind_colour, layout, metrics,
                                 network_figure, readings, to_gexf)


def actors(*specs):
    """("cc", "Conseil citoyen", "Conseil citoyen") or just "cc" (name = id, kind EPCI)."""
    rows = []
    for spec in specs:
        actor_id, name, kind = spec if isinstance(spec, tuple) else (spec, spec, "EPCI")
        rows.append({"id": actor_id, "name": name, "kind": kind})
    return pd.DataFrame(rows)


def relations(*specs):
    """("a", "b") is a coopération of intensity 1; ("a", "b", "décision", 3) says it all."""
    rows = []
    for spec in specs:
        source, target, kind, intensity = list(spec) + ["coopération", 1][len(spec) - 2:]
        rows.append({"source": source, "target": target, "kind": kind, "intensity": intensity})
    return pd.DataFrame(rows, columns=["source", "target", "kind", "intensity"])


def analyse(acts, rels, **options):
    graph = build_graph(acts, rels)
    table = metrics(graph, **options)
    return graph, table, readings(graph, table, acts)


# ---------------------------------------------------------------------------------------------------------
# A path conseil citoyen — centre social — bailleur: the centre social is the only link.
#   betweenness: cs lies on the one shortest path between the two others: 1 pair out of (3-1)(3-2)/2 = 1 → 1.0
#   closeness: cs reaches 2 actors at distance 1: 2/2 = 1.0; cc reaches cs (1) and bs (2): 2/3
#   weighted degree: cs = 1 (information) + 2 (coopération) = 3
PATH = actors(("cc", "Conseil citoyen des Tilleuls", "Conseil citoyen"), ("cs", "Centre social de la Gare", "Centre social"),
              ("bs", "Habitat Rivebelle", "Bailleur social"))
PATH_RELATIONS = relations(("cc", "cs", "information", 1), ("cs", "bs", "coopération", 2))


def test_bridge_actor_is_measured_flagged_and_named_in_the_reading():
    graph, table, sentences = analyse(PATH, PATH_RELATIONS)
    assert table["degree"].tolist() == [1, 2, 1]
    assert table["weighted_degree"].tolist() == [1, 3, 2]
    assert table["betweenness"].tolist() == [0.0, 1.0, 0.0]
    assert table["closeness"].tolist() == pytest.approx([2 / 3, 1.0, 2 / 3])
    assert table["articulation"].tolist() == [False, True, False]
    assert table["broker"].tolist() == [False, True, False]
    assert not table["isolated"].any()
    assert ("« Centre social de la Gare » est le seul lien entre « Conseil citoyen des Tilleuls » "
            "et « Habitat Rivebelle ».") in sentences
    assert ("« Centre social de la Gare » est l'acteur le plus relié (2 partenaires directs) et le principal "
            "point de passage entre les autres acteurs.") in sentences


def test_an_actor_linked_to_the_rest_by_one_partner_only_is_named():
    # A triangle a-b-c and d hanging on c: c is an articulation point with sides {a, b} and {d}.
    graph, table, sentences = analyse(actors("a", "b", "c", "d"), relations(("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")))
    assert table.loc["c", "articulation"] and not table.loc["a", "articulation"]
    assert "« d » n'est relié au reste du réseau que par « c »." in sentences
    # betweenness of c: pairs (a,d) and (b,d) go through c: 2 out of (4-1)(4-2)/2 = 3
    assert table.loc["c", "betweenness"] == pytest.approx(2 / 3)


def test_isolated_actor_has_zero_scores_and_is_read_out():
    acts = pd.concat([PATH, actors(("pays", "Pays du Val", "Pays"))], ignore_index=True)
    graph, table, sentences = analyse(acts, PATH_RELATIONS)
    row = table.loc["pays"]
    assert (row["degree"], row["weighted_degree"], row["betweenness"], row["closeness"]) == (0, 0, 0.0, 0.0)
    assert row["isolated"] and not row["broker"]
    assert pd.isna(row["community"])
    # closeness stays defined on a disconnected graph: cs reaches r = 3 of n = 4 actors: (2/2) × (2/3)
    assert table.loc["cs", "closeness"] == pytest.approx(2 / 3)
    assert "« Pays du Val » n'est relié à personne." in sentences


def test_two_groups_that_do_not_talk_are_read_out_by_their_most_linked_actor():
    graph, table, sentences = analyse(actors("a", "b", "c", "d", "e"), relations(("a", "b"), ("c", "d"), ("d", "e")))
    assert "Deux groupes d'acteurs ne se parlent pas : celui de « d » (3 acteurs) et celui de « a » (2 acteurs)." in sentences
    assert table.loc["a", "community"] != table.loc["c", "community"]
    assert table.loc["c", "community"] == table.loc["d", "community"] == table.loc["e", "community"] == 1  # larger first


def test_tension_edges_are_kept_but_excluded_from_metrics_by_default():
    acts = actors("a", "b", "c")
    rels = relations(("a", "b", "coopération", 2), ("b", "c", "tension", 3))
    graph, table, sentences = analyse(acts, rels)
    assert graph.has_edge("b", "c") and graph["b"]["c"]["tension"] == 3 and graph["b"]["c"]["weight"] == 0
    assert table.loc["c", "degree"] == 0 and table.loc["c", "isolated"]
    assert table.loc["b", "betweenness"] == 0.0 and table.loc["b", "weighted_degree"] == 2
    assert table["tensions"].tolist() == [0, 1, 1]
    assert "« c » n'est relié aux autres que par des tensions." in sentences
    assert "Tension à surveiller entre « b » et « c » (forte)." in sentences
    assert not any("n'est relié à personne" in s for s in sentences)

    graph, table, sentences = analyse(acts, rels, include_tension=True)
    assert table.loc["c", "degree"] == 1 and not table.loc["c", "isolated"]
    assert table.loc["b", "betweenness"] == 1.0 and table.loc["b", "weighted_degree"] == 5
    assert not any("que par des tensions" in s for s in sentences)


def test_a_tension_between_partners_says_what_else_links_them():
    _, _, sentences = analyse(actors("a", "b"), relations(("a", "b", "information", 1), ("b", "a", "tension", 2),
                                                          ("a", "b", "coopération", 1)))
    assert ("Tension à surveiller entre « a » et « b » (moyenne), qui ont aussi une relation de coopération "
            "et d'information.") in sentences


def test_several_relations_between_two_actors_make_one_weighted_edge():
    graph, table, _ = analyse(actors("a", "b"), relations(("a", "b", "coopération", 3), ("b", "a", "Financement", 2)))
    edge = graph["a"]["b"]
    assert edge["weight"] == 5 and [r["kind"] for r in edge["relations"]] == ["coopération", "financement"]
    assert [r["directed"] for r in edge["relations"]] == [False, True]
    assert edge["relations"][1]["source"] == "b"  # the direction is kept
    assert table["degree"].tolist() == [1, 1] and table["weighted_degree"].tolist() == [5, 5]


def test_pagerank_sums_to_one_and_ranks_the_hub_of_a_star_first():
    graph, table, _ = analyse(actors("hub", "a", "b", "c", "alone"), relations(("hub", "a"), ("hub", "b"), ("hub", "c")))
    assert table["pagerank"].sum() == pytest.approx(1.0)
    assert table["pagerank"].idxmax() == "hub"
    assert table.loc["a", "pagerank"] == pytest.approx(table.loc["c", "pagerank"])
    assert (table["pagerank"] > 0).all()
    # On a cycle every actor is alike: 1/n each.
    _, cycle, _ = analyse(actors("a", "b", "c", "d"), relations(("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")))
    assert cycle["pagerank"].tolist() == pytest.approx([0.25] * 4)


def test_two_triangles_joined_by_one_link_form_two_numbered_circles():
    # a-b-c and d-e-f, joined by c-d: c and d are both the only link between the two triangles.
    acts = actors("a", "b", "c", "d", "e", "f")
    rels = relations(("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"), ("f", "d"), ("c", "d"))
    graph, table, sentences = analyse(acts, rels)
    assert table["community"].tolist() == [1, 1, 1, 2, 2, 2]  # equal sizes: the one holding the first actor is 1
    assert table["articulation"].tolist() == [False, False, True, True, False, False]
    # c: of the (6-1)(6-2)/2 = 10 pairs of other actors, those from {a, b} to {d, e, f} pass through c: 6 → 0.6
    assert table.loc["c", "betweenness"] == pytest.approx(0.6)
    assert "« c » est le seul lien entre le groupe de « d » (3 acteurs) et le groupe de « a » (2 acteurs)." in sentences
    assert ("Dans le réseau, deux cercles d'acteurs travaillent surtout entre eux, autour de « c » et « d ».") in sentences
    # Same input, same circles and sentences.
    assert analyse(acts, rels)[1]["community"].tolist() == table["community"].tolist()
    assert analyse(acts, rels)[2] == sentences


def test_readings_order_and_empty_cases():
    assert readings(build_graph([], []), None) == [
        "Aucun acteur n'est encore saisi : ajoutez les acteurs du quartier pour voir leur réseau."]
    graph = build_graph(actors("a", "b"), [])
    assert readings(graph, metrics(graph)) == [
        "Le réseau compte 2 acteurs et aucune relation.",
        "Aucune relation n'est encore saisie : reliez les acteurs qui travaillent ensemble."]
    acts = pd.concat([PATH, actors("x", "y", "seul")], ignore_index=True)
    rels = pd.concat([PATH_RELATIONS, relations(("x", "y"), ("y", "cs", "tension", 1))], ignore_index=True)
    sentences = readings(build_graph(acts, rels), None, acts)
    assert sentences[0] == "Le réseau compte 6 acteurs et 4 relations, dont 1 tension."
    kinds = ["plus relié", "seul lien", "à personne", "ne se parlent pas", "Tension"]
    positions = [next(i for i, s in enumerate(sentences) if k in s) for k in kinds]
    assert positions == sorted(positions)


def test_readings_use_the_names_of_the_actors_table():
    graph = build_graph(PATH, PATH_RELATIONS)
    renamed = PATH.assign(name=["CC", "CS", "BS"])
    assert "« CS » est le seul lien entre « CC » et « BS »." in readings(graph, metrics(graph), renamed)


def test_long_lists_are_summed_up():
    acts = actors(*[f"a{i}" for i in range(10)])
    graph = build_graph(acts, relations(("a0", "a1")))
    sentences = readings(graph, metrics(graph))
    assert "« a2 », « a3 », « a4 », « a5 », « a6 », « a7 » et 2 autres acteurs ne sont reliés à personne." in sentences


# ---------------------------------------------------------------------------------------------------------
# Input checks


def test_relations_citing_unknown_actors_are_refused_with_their_line():
    with pytest.raises(KitError) as error:
        build_graph(PATH, relations(("cc", "cs"), ("cs", "fantome")))
    assert "relation n° 2" in error.value.details[0] and "fantome" in error.value.details[0]


def test_repeated_actor_ids_and_bad_intensities_are_refused():
    with pytest.raises(KitError, match="même identifiant"):
        build_graph(actors("a", "a"), [])
    with pytest.raises(KitError) as error:
        build_graph(actors("a", "b"), relations(("a", "b", "coopération", 5)))
    assert "intensité « 5 »" in error.value.details[0]
    with pytest.raises(KitError, match="colonne « source »"):
        build_graph(actors("a"), pd.DataFrame({"from": ["a"]}))


def test_plain_lists_defaults_and_self_relations():
    graph = build_graph([{"id": "a", "name": "A"}, {"id": "b", "name": ""}],
                        [{"source": "a", "target": "b"}, {"source": "a", "target": "a", "kind": "décision"}])
    assert graph.nodes["b"]["name"] == "b" and graph.nodes["a"]["kind"] == network.UNKNOWN_KIND
    assert graph.graph["relations"] == [{"id": "rel-1", "source": "a", "target": "b", "kind": "coopération",
                                         "intensity": 1, "directed": False}]
    assert network.relation_kind("Décision") == network.relation_kind("decision") == "décision"
    assert network.relation_kind(" partenariat ") == "partenariat"


# ---------------------------------------------------------------------------------------------------------
# Layout


def test_layout_is_stable_and_places_every_actor():
    acts = actors("a", "b", "c", "d", "e", "f", "alone")
    rels = relations(("a", "b"), ("b", "c"), ("c", "a"), ("d", "e"), ("e", "f"))
    graph = build_graph(acts, rels)
    first = layout(graph, seed=3)
    assert first == layout(graph, seed=3)
    assert set(first) == set(graph)
    assert all(isinstance(v, float) and math.isfinite(v) for xy in first.values() for v in xy)
    assert layout(graph, seed=4) != first


def test_groups_that_do_not_talk_are_drawn_apart():
    acts = actors(*"abcdefgh")
    rels = relations(("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("e", "f"), ("f", "g"), ("g", "e"))
    pos = layout(build_graph(acts, rels))

    def box(nodes):
        xs, ys = [pos[n][0] for n in nodes], [pos[n][1] for n in nodes]
        return min(xs), max(xs), min(ys), max(ys)

    first, second = box("abcd"), box("efg")
    apart = first[1] < second[0] or second[1] < first[0] or first[3] < second[2] or second[3] < first[2]
    assert apart
    for a, b in [("a", "b"), ("e", "f")]:  # neighbours about one unit apart, never on top of each other
        assert 0.3 < math.dist(pos[a], pos[b]) < 3


def test_adding_an_isolated_actor_does_not_reshape_a_group():
    acts = actors("a", "b", "c", "d")
    rels = relations(("a", "b"), ("b", "c"), ("c", "d"), ("d", "a"), ("a", "c"))
    before = layout(build_graph(acts, rels))
    after = layout(build_graph(pd.concat([acts, actors("new")], ignore_index=True), rels))
    shift = (after["a"][0] - before["a"][0], after["a"][1] - before["a"][1])
    for node in "bcd":
        assert after[node][0] - before[node][0] == pytest.approx(shift[0])
        assert after[node][1] - before[node][1] == pytest.approx(shift[1])


def test_large_groups_use_the_force_layout():
    acts = actors(*[f"n{i}" for i in range(network.STRESS_UP_TO + 5)])
    rels = relations(*[(f"n{i}", f"n{i + 1}") for i in range(network.STRESS_UP_TO + 4)])
    pos = layout(build_graph(acts, rels), iterations=5)
    assert len(pos) == network.STRESS_UP_TO + 5 and len(set(pos.values())) == len(pos)


# ---------------------------------------------------------------------------------------------------------
# Figure


def traces(fig, name=None, mode=None):
    return [t for t in fig.data if (name is None or t.name == name) and (mode is None or t.mode == mode)]


def test_figure_colours_by_kind_sizes_by_metric_and_writes_french_hover():
    acts = pd.concat([PATH, actors(("pays", "Pays du Val", "Pays"))], ignore_index=True)
    fig = network_figure(acts, PATH_RELATIONS, size_by="betweenness")
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend[:2] == ["coopération", "information (qui informe → qui reçoit)"]
    assert legend[2:] == ["Pays", "Bailleur social", "Centre social", "Conseil citoyen"]  # the reference order
    centre = [t for t in fig.data if t.customdata is not None and "cs" in t.customdata][0]
    assert centre.marker.color == KIND_COLOURS["Centre social"]
    assert centre.marker.symbol == ("diamond",)  # a broker
    sizes = {node: size for t in fig.data if t.customdata is not None for node, size in zip(t.customdata, t.marker.size)}
    assert sizes["cs"] > sizes["cc"] == sizes["pays"]
    # With "pays" the pairs of others are (4-1)(4-2)/2 = 3, one of which passes through cs: 1/3.
    assert "2 partenaires directs" in centre.hovertext[0] and "intermédiarité 0,33" in centre.hovertext[0]
    assert fig.layout.font.size >= 16 and "intermédiarité" in fig.layout.title.text
    arrows = [t for t in fig.data if t.marker is not None and t.marker.symbol == "arrow"]
    assert len(arrows) == 1 and "→" in arrows[0].text[0]  # information is directed, coopération is not


def test_arrow_points_from_source_to_target():
    pos = {"a": (0.0, 0.0), "b": (1.0, 0.0), "c": (0.0, 1.0)}
    fig = network_figure(actors("a", "b", "c"), relations(("a", "b", "décision", 2), ("c", "a", "financement", 1)),
                         positions=pos)
    angles = {t.text[0].split(" →")[0]: t.marker.angle[0] % 360 for t in fig.data
              if t.marker is not None and t.marker.symbol == "arrow"}  # plotly stores angles in [-180, 180]
    assert angles == {"« a »": 90.0, "« c »": 180.0}  # clockwise from up: to the right, then downwards


def test_highlight_fades_everything_but_the_neighbourhood():
    acts = pd.concat([PATH, actors("far")], ignore_index=True)
    rels = pd.concat([PATH_RELATIONS, relations(("bs", "far"))], ignore_index=True)
    fig = network_figure(acts, rels, highlight="cc", size_by=None)
    opacity = {n: o for t in fig.data if t.customdata is not None for n, o in zip(t.customdata, t.marker.opacity)}
    assert opacity["cc"] == opacity["cs"] > opacity["bs"] == opacity["far"]
    labels = {n: text for t in fig.data if t.customdata is not None for n, text in zip(t.customdata, t.text)}
    assert labels["cc"] and labels["cs"] and labels["bs"] == labels["far"] == ""  # only the neighbourhood is named
    lines = [t for t in fig.data if t.mode == "lines" and t.x != (None,)]
    assert {round(t.opacity, 2) for t in lines} == {0.8, 0.12}
    with pytest.raises(KitError, match="n'existe plus"):
        network_figure(acts, rels, highlight="gone")
    with pytest.raises(ValueError):
        network_figure(acts, rels, size_by="taille")


def test_figure_without_actors_says_what_to_do():
    fig = network_figure([], [])
    assert "Aucun acteur" in fig.layout.annotations[0].text


def test_every_reference_kind_has_its_own_colour():
    labels = load_actor_types()["libelle"].tolist()
    assert labels == list(KIND_COLOURS)
    assert len(set(KIND_COLOURS.values())) == len(KIND_COLOURS)
    assert kind_colour("conseil CITOYEN") == KIND_COLOURS["Conseil citoyen"]
    assert kind_colour("Fablab") == kind_colour("Fablab") in network.PALETTE


# ---------------------------------------------------------------------------------------------------------
# Exports


def test_gexf_round_trip_keeps_actors_relations_and_metrics():
    acts = pd.concat([PATH, actors(("pays", "Pays du Val", "Pays"))], ignore_index=True)
    rels = pd.concat([PATH_RELATIONS, relations(("bs", "cs", "tension", 2))], ignore_index=True)
    table = metrics(build_graph(acts, rels))
    data = to_gexf(acts, rels, table)
    assert isinstance(data, bytes) and data.startswith(b"<?xml")
    back = nx.read_gexf(io.BytesIO(data))
    assert sorted(back.nodes) == ["bs", "cc", "cs", "pays"]
    assert back.nodes["cs"]["label"] == "Centre social de la Gare" and back.nodes["cs"]["kind"] == "Centre social"
    assert back.nodes["cs"]["betweenness"] == pytest.approx(1 / 3) and back.nodes["cs"]["broker"] is True
    assert "community" not in back.nodes["pays"]
    edges = sorted((u, v, d["kind"], d["intensity"], d["directed"]) for u, v, d in back.edges(data=True))
    assert edges == [("bs", "cs", "tension", 2, False), ("cc", "cs", "information", 1, True),
                     ("cs", "bs", "coopération", 2, False)]


def test_exported_relation_ids_stay_distinct():
    rels = relations(("cc", "cs"), ("cs", "bs")).assign(id=["rel-1", "rel-1"])
    back = nx.read_gexf(io.BytesIO(to_gexf(PATH, rels)))
    assert sorted(d["id"] for _, _, d in back.edges(data=True)) == ["rel-1", "rel-1-2"]
    assert edges_table(PATH, rels)["id"].tolist() == ["rel-1", "rel-1-2"]


def test_edges_table_lists_each_relation_with_names_and_direction():
    table = edges_table(PATH, PATH_RELATIONS)
    assert table.columns.tolist() == ["id", "source", "cible", "de", "vers", "nature", "intensité", "sens"]
    assert table[["de", "vers", "sens"]].values.tolist() == [
        ["Conseil citoyen des Tilleuls", "Centre social de la Gare", "→"],
        ["Centre social de la Gare", "Habitat Rivebelle", "↔"]]


def test_names_on_a_crowded_map_overlap_nothing_and_the_rest_are_numbered():
    """Eight actors named alike around one hub: each name is placed where its estimated box overlaps no other
    name and no point; an actor whose name finds no room is written by its number, named under the map."""
    from kit.methods.drawing import LINE_EM, text_size

    names = [f"CA du Val de Charente-Océan – service {s}" for s in
             ("habitat", "climat", "mobilités", "eau", "déchets", "culture", "sport", "économie")]
    acts = actors(("hub", "Cheffe de projet", "EPCI"), *[(f"s{i}", n, "EPCI") for i, n in enumerate(names)])
    fig = network_figure(acts, relations(*[("hub", f"s{i}") for i in range(len(names))]))
    nodes = [t for t in fig.data if t.customdata is not None and t.mode == "markers+text"]
    texts = [text for t in nodes for text in t.text if text]
    assert len(texts) == len(set(texts)) == len(names) + 1  # every actor written, no two alike
    assert not any(text.count("CA du Val de Charente-Océan") and text.endswith("…") for text in texts)
    numbered = [text for text in texts if text.startswith("A") and text[1:].isdigit()]
    note = " ".join(a.text for a in fig.layout.annotations)
    assert all(f"{code} " in note for code in numbered)
    assert fig.layout.margin.r > 200 and fig.layout.separators == ", "  # the legend's room, French decimals
    assert LINE_EM > 1 and text_size(["abc"], 15)[0] > 0
