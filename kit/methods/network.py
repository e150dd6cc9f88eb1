"""The actors' network of session 2: who works with whom, who holds the group together, who is left out.

Pure functions on plain data: `actors` is a DataFrame (or a list of dicts) with ``id``, ``name`` and
``kind``; `relations` one with ``source``, ``target``, ``kind`` and ``intensity`` (1 to 3), and
optionally ``id``. No widget and no file here: the app passes its tables and shows what comes back.

Choices, so that a facilitator can explain every number:

- **One undirected edge per pair of actors** (`nx.Graph`). The questions read from the map (is this actor
  linked to anyone, who is the only link between two groups, which groups never talk) are questions of
  connection, and a decision or a grant connects two actors whichever way it goes. Each relation is still
  kept whole, with its direction, in the edge's ``relations`` list (and in ``graph.graph["relations"]``,
  in input order): the figure draws arrows for directed kinds (décision, financement, information) and
  the GEXF export writes one edge per relation. Coopération and tension are symmetric.
- **Weight = intensity.** An edge's ``weight`` is the sum of the intensities of its relations other than
  tensions; ``tension`` is the sum of its tension intensities. Tensions are kept in the graph, drawn and
  read out, but **do not count in the metrics** unless ``include_tension=True``: a conflict is not a
  channel through which a project circulates.
- **Paths count steps, not intensities**: betweenness and closeness use the number of intermediaries
  (intensities are rough 1-3 judgements made in a room; "who stands between whom" should not hinge on
  them). Intensities weigh in the weighted degree, PageRank, communities and the layout.
- **Closeness** uses the Wasserman-Faust correction (networkx's default), which stays meaningful when the
  network falls into separate groups; an isolated actor scores 0.
- **PageRank** rather than eigenvector centrality: eigenvector centrality may not converge, and gives 0 to
  every group but the largest, on the small and split networks a workshop draws. Computed here with
  numpy (networkx's own needs scipy, which the kit does not ship).
- **Communities**: Louvain (networkx) with a fixed seed, on actors that have at least one relation,
  numbered from 1 by decreasing size (ties: the group whose first actor comes first in the table).
  Isolated actors have no community (``<NA>``).
- **Broker**: an articulation point (the only link between parts of the network) or an actor on at least
  `BROKER_BETWEENNESS` of the shortest paths between the others.
- **Layout**: each group of actors that talk together is laid out on its own, by stress majorization
  (the Kamada-Kawai family: even link lengths) up to `STRESS_UP_TO` actors and by a force layout beyond,
  both seeded; groups are then packed side by side. Written with numpy: networkx's Kamada-Kawai and its
  force layout beyond 500 nodes need scipy. Tensions do not pull actors together on the map.
"""

from __future__ import annotations

import io
import math
import zlib
from dataclasses import dataclass

import numpy as np
from kit.lazy import networkx as nx  # imported on first graph (see kit.lazy)
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.lazy import plotly_go as go  # imported on first chart (see kit.lazy)

from kit.errors import KitError
from kit.methods.drawing import FONT, SEPARATORS, Spot, place_labels, plain, short_names, text_size, wrap_lines
from kit.methods.frames import table_with_columns
from kit.text import as_text, fold, join_french, quote

# ---------------------------------------------------------------------------------------------
# Vocabulary and styles
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RelationKind:
    directed: bool
    colour: str
    dash: str
    legend: str  # French, for the figure's legend


TENSION = "tension"
DEFAULT_RELATION_KIND = "coopération"
RELATION_KINDS = {
    "coopération": RelationKind(False, "#2e7d32", "solid", "coopération"),
    "décision": RelationKind(True, "#1f3a93", "solid", "décision (qui décide → pour qui)"),
    "financement": RelationKind(True, "#b26a00", "dash", "financement (qui finance → qui reçoit)"),
    "information": RelationKind(True, "#5f6b7a", "dot", "information (qui informe → qui reçoit)"),
    TENSION: RelationKind(False, "#c62828", "dashdot", "tension"),
}
OTHER_RELATION = RelationKind(False, "#8a8a8a", "longdash", "")
INTENSITY_WORDS = {1: "faible", 2: "moyenne", 3: "forte"}
UNKNOWN_KIND = "Type non précisé"

# Actor kinds as listed in data/acteurs/types_acteurs.csv (the `libelle` column), in that order; the
# tests check that every listed kind has its colour. Another kind gets a stable colour from PALETTE.
KIND_COLOURS = {
    "EPCI": "#1f5fa8",
    "Commune": "#5b9bd5",
    "Département": "#6a3d9a",
    "Région": "#9e6ac8",
    "Pays": "#00838f",
    "Services de l'État": "#37474f",
    "Organisme ressource régional": "#8d6e63",
    "Financeur": "#c9a000",
    "Bailleur social": "#c0392b",
    "Copropriété": "#e57373",
    "Centre social": "#ef6c00",
    "Association": "#2e9d4f",
    "Conseil citoyen": "#d81b60",
    "Habitants": "#f06292",
    "Établissement scolaire": "#00897b",
    "CAF": "#3949ab",
    "Emploi et insertion": "#7cb342",
    "Acteur de santé": "#26a69a",
    "Entreprise": "#6d4c41",
    "Autre": "#9e9e9e",
}
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#e15759"]
UNKNOWN_KIND_COLOUR = "#bdbdbd"

METRIC_COLUMNS = ["name", "kind", "degree", "weighted_degree", "betweenness", "closeness", "pagerank", "community",
                  "isolated", "articulation", "broker", "tensions"]
METRIC_LABELS = {  # French column titles for the app's table
    "name": "acteur", "kind": "type", "degree": "partenaires directs", "weighted_degree": "intensité totale",
    "betweenness": "intermédiarité", "closeness": "proximité", "pagerank": "influence (PageRank)",
    "community": "cercle", "isolated": "relié à personne", "articulation": "seul lien", "broker": "fait le lien",
    "tensions": "tensions",
}
SIZE_LABELS = {
    "betweenness": "intermédiarité (par qui passent les échanges)",
    "degree": "nombre de partenaires directs",
    "weighted_degree": "intensité totale des relations",
    "closeness": "proximité avec l'ensemble du réseau",
    "pagerank": "influence (PageRank)",
}

BROKER_BETWEENNESS = 0.25  # share of the shortest paths between the others
COMMUNITY_SEED = 42
LAYOUT_SEED = 7
STRESS_UP_TO = 120  # actors in one group laid out by stress majorization; larger groups: force layout
PAGERANK_ALPHA = 0.85
MAX_DETAILS = 20  # error details shown at most
MAX_SENTENCES = 5  # readings of one kind read aloud at most (the rest is summed up)
MAX_NAMES = 6  # names listed in one sentence at most
LABEL_ALL_UP_TO = 30  # every actor's name is written on the map up to this many actors
LABELS_ON_LARGE_MAPS = 15  # otherwise only the largest points; with a highlight, only its neighbourhood
SMALL_MAP = 60  # up to this many actors, larger points
NUMBERS = {2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit", 9: "neuf", 10: "dix"}


# ---------------------------------------------------------------------------------------------
# Reading the input tables
# ---------------------------------------------------------------------------------------------


_KIND_SPELLINGS = {fold(k): k for k in RELATION_KINDS}


def relation_kind(value: object) -> str:
    """The canonical spelling of a relation kind ("Décision", "decision" → "décision"); an empty kind is a
    coopération (the model's default); any other kind is kept as typed."""
    text = as_text(value)
    if not text:
        return DEFAULT_RELATION_KIND
    return _KIND_SPELLINGS.get(fold(text), text)


def relation_style(kind: str) -> RelationKind:
    return RELATION_KINDS.get(kind, OTHER_RELATION)


def kind_colour(kind: str) -> str:
    """A stable colour per actor kind: fixed for the reference kinds, derived from the name otherwise."""
    folded = fold(kind)
    for label, colour in KIND_COLOURS.items():
        if fold(label) == folded:
            return colour
    if not folded or kind == UNKNOWN_KIND:
        return UNKNOWN_KIND_COLOUR
    return PALETTE[zlib.crc32(folded.encode()) % len(PALETTE)]


def _intensity(value: object) -> int | None:
    if as_text(value) == "":
        return 1
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        return None
    return int(number) if number in (1.0, 2.0, 3.0) else None


# ---------------------------------------------------------------------------------------------
# The graph
# ---------------------------------------------------------------------------------------------


def build_graph(actors, relations) -> nx.Graph:
    """One node per actor (attributes ``name``, ``kind``), one edge per pair of related actors.

    Edge attributes: ``relations`` (each relation as a dict: id, source, target, kind, intensity,
    directed), ``weight`` (sum of intensities, tensions excluded), ``tension`` (sum of tension
    intensities). ``graph.graph["relations"]`` lists every relation in input order. A relation of an actor
    with itself says nothing about the network and is left out. Raises `KitError` when an actor id is
    repeated, a relation cites an unknown actor, or an intensity is not 1, 2 or 3.
    """
    actors = table_with_columns(actors, ["id", "name"], "acteurs")
    relations = table_with_columns(relations, ["source", "target"], "relations")
    graph = nx.Graph()
    repeated = []
    kinds = actors["kind"] if "kind" in actors.columns else [""] * len(actors)
    for actor_id, name, kind in zip(actors["id"], actors["name"], kinds):
        actor_id = as_text(actor_id)
        if not actor_id:
            raise KitError("Un acteur n'a pas d'identifiant : le tableau des acteurs est incomplet.")
        if actor_id in graph:
            repeated.append(actor_id)
        graph.add_node(actor_id, name=as_text(name) or actor_id, kind=as_text(kind) or UNKNOWN_KIND)
    if repeated:
        raise KitError("Plusieurs acteurs portent le même identifiant :", details=sorted(set(repeated))[:MAX_DETAILS])

    ids = relations["id"] if "id" in relations.columns else [""] * len(relations)
    kinds = relations["kind"] if "kind" in relations.columns else [""] * len(relations)
    intensities = relations["intensity"] if "intensity" in relations.columns else [1] * len(relations)
    problems, records, seen = [], [], set()
    for position, (rid, source, target, kind, intensity) in enumerate(
            zip(ids, relations["source"], relations["target"], kinds, intensities), start=1):
        source, target, kind = as_text(source), as_text(target), relation_kind(kind)
        unknown = [a for a in (source, target) if a not in graph]
        if unknown:
            listed = ", ".join(f"« {a or '(vide)'} »" for a in unknown)
            problems.append(f"relation n° {position} : acteur inconnu {listed}")
            continue
        value = _intensity(intensity)
        if value is None:
            problems.append(f"relation n° {position} : intensité « {as_text(intensity)} » (attendu 1, 2 ou 3)")
            continue
        if source == target:
            continue
        rid = as_text(rid) or f"rel-{position}"
        if rid in seen:  # ids key the relations in exports: keep them distinct
            rid = f"{rid}-{position}"
        seen.add(rid)
        record = {"id": rid, "source": source, "target": target, "kind": kind, "intensity": value,
                  "directed": relation_style(kind).directed}
        records.append(record)
        if not graph.has_edge(source, target):
            graph.add_edge(source, target, relations=[], weight=0, tension=0)
        edge = graph[source][target]
        edge["relations"].append(record)
        edge["tension" if kind == TENSION else "weight"] += value
    if problems:
        more = [f"… et {len(problems) - MAX_DETAILS} autre(s)"] if len(problems) > MAX_DETAILS else []
        raise KitError("Certaines relations ne peuvent pas être lues :", details=problems[:MAX_DETAILS] + more)
    graph.graph["relations"] = records
    return graph


def _working_graph(graph: nx.Graph, include_tension: bool) -> nx.Graph:
    """The graph the metrics are computed on: every actor, the edges that carry something other than a
    tension (or every edge with `include_tension`), weighted by the intensities that count."""
    work = nx.Graph()
    work.add_nodes_from(graph.nodes(data=True))
    for u, v, data in graph.edges(data=True):
        weight = data["weight"] + (data["tension"] if include_tension else 0)
        if weight > 0:
            work.add_edge(u, v, weight=weight)
    return work


def _pagerank(work: nx.Graph, alpha: float = PAGERANK_ALPHA, tolerance: float = 1e-12) -> dict:
    """Weighted PageRank by power iteration; an actor without relations shares its score with everyone."""
    nodes = list(work)
    n = len(nodes)
    if n == 0:
        return {}
    matrix = nx.to_numpy_array(work, nodelist=nodes, weight="weight")
    out = matrix.sum(axis=1)
    linked = out > 0
    transition = np.zeros_like(matrix)
    transition[linked] = matrix[linked] / out[linked, None]
    scores = np.full(n, 1.0 / n)
    for _ in range(1000):
        new = alpha * (scores @ transition + scores[~linked].sum() / n) + (1 - alpha) / n
        done = np.abs(new - scores).sum() < n * tolerance
        scores = new
        if done:
            break
    scores = scores / scores.sum()
    return dict(zip(nodes, scores.tolist()))


def _communities(work: nx.Graph, seed: int = COMMUNITY_SEED) -> dict:
    linked = [n for n in work if work.degree(n) > 0]
    if not linked:
        return {}
    order = {node: i for i, node in enumerate(work)}
    parts = nx.community.louvain_communities(work.subgraph(linked), weight="weight", seed=seed)
    parts = sorted(parts, key=lambda part: (-len(part), min(order[n] for n in part)))
    return {node: number for number, part in enumerate(parts, start=1) for node in part}


def metrics(graph: nx.Graph, include_tension: bool = False) -> pd.DataFrame:
    """One row per actor (index ``id``, graph order), columns `METRIC_COLUMNS`.

    degree: actors linked directly; weighted_degree: sum of the intensities of those links; betweenness:
    share of the shortest paths between two other actors that pass through this one (0-1); closeness:
    how few steps separate the actor from those it can reach, scaled by how many it can reach (0-1);
    pagerank: weighted PageRank (sums to 1); community: number of the circle found by Louvain (``<NA>``
    when isolated); isolated: no relation (tensions aside); articulation: removing it splits the network;
    broker: articulation or betweenness ≥ `BROKER_BETWEENNESS`; tensions: tension relations it is part of.
    ``frame.attrs["include_tension"]`` records the option for `readings`.
    """
    return _metrics(graph, include_tension)


def _metrics(graph: nx.Graph, include_tension: bool = False) -> pd.DataFrame:
    work = _working_graph(graph, include_tension)
    nodes = list(graph)
    betweenness = nx.betweenness_centrality(work, normalized=True) if nodes else {}
    closeness = nx.closeness_centrality(work) if nodes else {}
    pagerank = _pagerank(work)
    articulation = set(nx.articulation_points(work))
    communities = _communities(work)
    tensions = {node: 0 for node in nodes}
    for relation in graph.graph.get("relations", []):
        if relation["kind"] == TENSION:
            tensions[relation["source"]] += 1
            tensions[relation["target"]] += 1
    rows = []
    for node in nodes:
        data = graph.nodes[node]
        rows.append({
            "id": node, "name": data["name"], "kind": data["kind"], "degree": work.degree(node),
            "weighted_degree": work.degree(node, weight="weight"), "betweenness": betweenness[node],
            "closeness": closeness[node], "pagerank": pagerank[node], "community": communities.get(node, pd.NA),
            "isolated": work.degree(node) == 0, "articulation": node in articulation,
            "broker": node in articulation or betweenness[node] >= BROKER_BETWEENNESS,
            "tensions": tensions[node],
        })
    frame = pd.DataFrame(rows, columns=["id"] + METRIC_COLUMNS).set_index("id")
    frame = frame.astype({"degree": "int64", "weighted_degree": "int64", "betweenness": "float64",
                          "closeness": "float64", "pagerank": "float64", "community": "Int64", "isolated": "bool",
                          "articulation": "bool", "broker": "bool", "tensions": "int64"})
    frame.attrs["include_tension"] = include_tension
    return frame


# ---------------------------------------------------------------------------------------------
# Readings: sentences a facilitator reads aloud
# ---------------------------------------------------------------------------------------------


def _names(nodes, names: dict, limit: int = MAX_NAMES) -> str:
    nodes = list(nodes)
    shown = [quote(names[n]) for n in nodes[:limit]]
    if len(nodes) > limit:
        rest = len(nodes) - limit
        return ", ".join(shown) + f" et {rest} autre{'s' if rest > 1 else ''} acteur{'s' if rest > 1 else ''}"
    return join_french(shown)


def _number(n: int, capital: bool = False) -> str:
    word = NUMBERS.get(n, str(n))
    return word[:1].upper() + word[1:] if capital else word


def _de(word: str) -> str:
    return ("d'" if fold(word)[:1] in "aeiouyh" else "de ") + word


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n <= 1 else (plural or singular + 's')}"  # French: 0 and 1 take the singular


def readings(graph: nx.Graph, metrics: pd.DataFrame | None = None, actors=None) -> list[str]:
    """French sentences on the network, in a fixed order: its size, the most linked actor and the main
    go-between, the only links between parts of the network, actors linked to nobody, groups that do not
    talk to each other, circles that work mostly among themselves, tensions to watch.

    `metrics` is `metrics(graph)` (computed when None; its ``include_tension`` option is followed);
    `actors`, when given, provides the names (so that a name edited since the graph was built is read).
    Ties are broken by the order of the actors' table: the same input always gives the same sentences.
    """
    table = _metrics(graph) if metrics is None else metrics
    include_tension = bool(table.attrs.get("include_tension", False))
    names = {node: graph.nodes[node]["name"] for node in graph}
    if actors is not None:
        frame = table_with_columns(actors, ["id", "name"], "acteurs")
        names.update({as_text(i): as_text(n) for i, n in zip(frame["id"], frame["name"]) if as_text(i) in names and as_text(n)})
    if not len(graph):
        return ["Aucun acteur n'est encore saisi : ajoutez les acteurs du quartier pour voir leur réseau."]
    relations = graph.graph.get("relations", [])
    tension_count = sum(r["kind"] == TENSION for r in relations)
    summary = (f"Le réseau compte {_plural(len(graph), 'acteur')} et "
               f"{_plural(len(relations), 'relation') if relations else 'aucune relation'}")
    if tension_count:
        summary += f", dont {_plural(tension_count, 'tension')}"
    sentences = [summary + "."]
    if not relations:
        sentences.append("Aucune relation n'est encore saisie : reliez les acteurs qui travaillent ensemble.")
        return sentences

    work = _working_graph(graph, include_tension)
    order = {node: i for i, node in enumerate(graph)}
    table = table.reindex(list(graph))
    degree = table["degree"].fillna(0).to_dict()
    strength = table["weighted_degree"].fillna(0).to_dict()
    betweenness = table["betweenness"].fillna(0).to_dict()

    def most_linked(nodes):
        return min(nodes, key=lambda n: (-degree[n], -strength[n], order[n]))

    sentences += _central_sentences(work, names, degree, strength, betweenness, most_linked, order)
    sentences += _articulation_sentences(work, names, betweenness, most_linked, order)
    sentences += _isolation_sentences(graph, work, names, include_tension)
    sentences += _group_sentences(work, names, most_linked, order)
    sentences += _circle_sentences(work, table, names, most_linked, order)
    sentences += _tension_sentences(graph, names, order)
    return sentences


def _central_sentences(work, names, degree, strength, betweenness, most_linked, order) -> list[str]:
    linked = [n for n in work if degree[n] > 0]
    if not linked:
        return []
    top = most_linked(linked)
    partners = _plural(int(degree[top]), "partenaire direct", "partenaires directs")
    hub = min(work, key=lambda n: (-betweenness[n], order[n]))
    if betweenness[hub] <= 0:
        return [f"{quote(names[top])} est l'acteur le plus relié : {partners}."]
    if hub == top:
        return [f"{quote(names[top])} est l'acteur le plus relié ({partners}) et le principal point de passage "
                "entre les autres acteurs."]
    return [f"{quote(names[top])} est l'acteur le plus relié : {partners}.",
            f"{quote(names[hub])} est le principal point de passage : c'est par lui que passent le plus souvent "
            "les échanges entre les autres acteurs."]


def _describe_side(side, names, most_linked) -> str:
    if len(side) == 1:
        return quote(names[next(iter(side))])
    return f"le groupe de {quote(names[most_linked(side)])} ({len(side)} acteurs)"


def _articulation_sentences(work, names, betweenness, most_linked, order) -> list[str]:
    cuts = sorted(nx.articulation_points(work), key=lambda n: (-betweenness[n], order[n]))
    sentences = []
    for node in cuts[:MAX_SENTENCES]:
        rest = work.copy()
        rest.remove_node(node)
        neighbours = set(work[node])
        sides = [c for c in nx.connected_components(rest) if c & neighbours]
        sides.sort(key=lambda side: (-len(side), min(order[n] for n in side)))
        main, others = sides[0], sides[1:]
        if len(main) > 1 and all(len(side) == 1 for side in others):
            leaves = sorted((next(iter(side)) for side in others), key=order.get)
            verb = "n'est relié" if len(leaves) == 1 else "ne sont reliés"
            sentences.append(f"{_names(leaves, names)} {verb} au reste du réseau que par {quote(names[node])}.")
        elif len(sides) == 2:
            sentences.append(f"{quote(names[node])} est le seul lien entre "
                             f"{_describe_side(main, names, most_linked)} et {_describe_side(others[0], names, most_linked)}.")
        else:
            parts = [_describe_side(side, names, most_linked) for side in sides]
            sentences.append(f"{quote(names[node])} est le seul lien entre {_number(len(sides))} groupes : {join_french(parts)}.")
    if len(cuts) > MAX_SENTENCES:
        sentences.append(f"D'autres acteurs sont aussi le seul lien vers une partie du réseau : "
                         f"{_names(cuts[MAX_SENTENCES:], names)}.")
    return sentences


def _isolation_sentences(graph, work, names, include_tension) -> list[str]:
    alone = [n for n in work if work.degree(n) == 0]
    only_tension = [n for n in alone if not include_tension and graph.degree(n) > 0]
    nobody = [n for n in alone if n not in only_tension]
    sentences = []
    if nobody:
        verb = "n'est relié" if len(nobody) == 1 else "ne sont reliés"
        sentences.append(f"{_names(nobody, names)} {verb} à personne.")
    if only_tension:
        verb = "n'est relié" if len(only_tension) == 1 else "ne sont reliés"
        sentences.append(f"{_names(only_tension, names)} {verb} aux autres que par des tensions.")
    return sentences


def _group_sentences(work, names, most_linked, order) -> list[str]:
    groups = [c for c in nx.connected_components(work) if len(c) > 1]
    if len(groups) < 2:
        return []
    groups.sort(key=lambda group: (-len(group), min(order[n] for n in group)))
    described = [f"celui de {quote(names[most_linked(g)])} ({len(g)} acteurs)" for g in groups[:4]]
    if len(groups) > 4:
        described.append(f"{_plural(len(groups) - 4, 'autre')}")
    return [f"{_number(len(groups), capital=True)} groupes d'acteurs ne se parlent pas : {join_french(described)}."]


def _circle_sentences(work, table, names, most_linked, order) -> list[str]:
    """Circles (communities) only when they say more than the groups: several within one group of 6+."""
    community = table["community"]
    sentences = []
    for group in sorted((c for c in nx.connected_components(work) if len(c) >= 6),
                        key=lambda g: (-len(g), min(order[n] for n in g))):
        circles: dict[int, list] = {}
        for node in sorted(group, key=order.get):
            if not pd.isna(community[node]):
                circles.setdefault(int(community[node]), []).append(node)
        circles = {k: v for k, v in circles.items() if len(v) >= 2}
        if len(circles) < 2:
            continue
        centres = [quote(names[most_linked(members)]) for _, members in sorted(circles.items())]
        shown = centres[:MAX_NAMES] + ([f"{len(centres) - MAX_NAMES} autres"] if len(centres) > MAX_NAMES else [])
        where = "Dans le réseau" if len(group) == len(work) else f"Dans le groupe de {quote(names[most_linked(group)])}"
        sentences.append(f"{where}, {_number(len(circles))} cercles d'acteurs travaillent surtout entre eux, "
                         f"autour de {join_french(shown)}.")
        if len(sentences) == MAX_SENTENCES:
            break
    return sentences


def _tension_sentences(graph, names, order) -> list[str]:
    pairs = []
    for u, v, data in graph.edges(data=True):
        if data["tension"] <= 0:
            continue
        first, second = sorted((u, v), key=order.get)
        strongest = max(r["intensity"] for r in data["relations"] if r["kind"] == TENSION)
        others = sorted({r["kind"] for r in data["relations"] if r["kind"] != TENSION})
        pairs.append((-strongest, order[first], order[second], first, second, strongest, others))
    pairs.sort(key=lambda p: p[:3])
    sentences = []
    for *_, first, second, strongest, others in pairs[:MAX_SENTENCES]:
        sentence = f"Tension à surveiller entre {quote(names[first])} et {quote(names[second])} ({INTENSITY_WORDS[strongest]})"
        if others:
            sentence += f", qui ont aussi une relation {join_french([_de(k) for k in others])}"
        sentences.append(sentence + ".")
    if len(pairs) > MAX_SENTENCES:
        rest = len(pairs) - MAX_SENTENCES
        sentences.append(f"Et {_plural(rest, 'autre tension', 'autres tensions')} à surveiller, "
                         f"listée{'s' if rest > 1 else ''} dans le tableau des relations.")
    return sentences


# ---------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------


def _spring(weights: np.ndarray, rng: np.random.Generator, iterations: int) -> np.ndarray:
    """Fruchterman-Reingold force layout (dense numpy; the same scheme as networkx's, without its scipy
    path beyond 500 nodes): linked actors attract in proportion to their link's weight, all repel."""
    n = weights.shape[0]
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)
    temperature = 0.1
    step = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        distance = np.sqrt((delta * delta).sum(axis=-1))
        np.clip(distance, 0.01, None, out=distance)
        force = k * k / (distance * distance) - weights * distance / k
        displacement = np.einsum("ijk,ij->ik", delta, force)
        length = np.sqrt((displacement * displacement).sum(axis=-1))
        np.clip(length, 0.01, None, out=length)
        pos += displacement * (temperature / length)[:, None]
        temperature -= step
    return pos


def _stress(work: nx.Graph, nodes: list, rng: np.random.Generator, iterations: int = 300) -> np.ndarray:
    """Stress majorization (the family of Kamada-Kawai): places actors so that distances on the map
    follow distances in the network (number of steps, a strong link counting a little shorter).
    Starts from classical scaling (deterministic), plus a small seeded jitter so that actors with the
    same partners do not start on the same spot."""
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_weighted_edges_from((u, v, 1.3 - 0.15 * min(w, 3.0)) for u, v, w in work.subgraph(nodes).edges(data="weight"))
    target = np.zeros((n, n))
    for source, lengths in nx.all_pairs_dijkstra_path_length(sub):
        for other, length in lengths.items():
            target[index[source], index[other]] = length
    centred = -0.5 * target ** 2
    centred -= centred.mean(axis=0)
    centred -= centred.mean(axis=1)[:, None]
    values, vectors = np.linalg.eigh(centred)
    pos = vectors[:, -2:] * np.sqrt(np.maximum(values[-2:], 1e-9))
    pos += rng.normal(scale=0.05, size=pos.shape)
    weights = np.zeros_like(target)
    linked = target > 0
    weights[linked] = target[linked] ** -2.0
    total = weights.sum(axis=1)[:, None]
    for _ in range(iterations):
        squares = (pos * pos).sum(axis=1)
        distance = np.sqrt(np.maximum(squares[:, None] + squares[None, :] - 2 * pos @ pos.T, 1e-12))
        pull = weights * target / distance
        new = (weights @ pos + pull.sum(axis=1)[:, None] * pos - pull @ pos) / total
        moved = np.abs(new - pos).max()
        pos = new
        if moved < 1e-4:
            break
    return pos


def _component_positions(work: nx.Graph, nodes: list, seed: int, iterations: int | None) -> np.ndarray:
    """Positions of one connected group, centred on 0, scaled so that the median distance from an actor
    to its nearest neighbour is 1 (what decides whether names overlap on the map). Up to
    `STRESS_UP_TO` actors: stress majorization (even link lengths, readable); beyond: force layout."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[0.0, 0.6], [0.0, -0.6]])  # one above the other: their names do not collide
    rng = np.random.default_rng(seed)
    if n <= STRESS_UP_TO:
        pos = _stress(work, nodes, rng, iterations or 300)
    else:
        # Intensity shortens a link a little (weights 0.85 to 1.15), not enough to pile strong partners up.
        weights = nx.to_numpy_array(work, nodelist=nodes, weight="weight")
        weights = np.where(weights > 0, 0.7 + 0.15 * np.minimum(weights, 3.0), 0.0)
        pos = _spring(weights, rng, iterations or 50)
    pos -= pos.mean(axis=0)
    delta = pos[:, None, :] - pos[None, :, :]
    distance = np.sqrt((delta * delta).sum(axis=-1))
    np.fill_diagonal(distance, np.inf)
    nearest = float(np.median(distance.min(axis=1)))
    return pos / nearest if nearest > 0 else pos


def layout(graph: nx.Graph, seed: int = LAYOUT_SEED, *, include_tension: bool = False,
           iterations: int | None = None) -> dict[str, tuple[float, float]]:
    """Positions of the actors, in units of the typical distance between neighbours on the map.

    Each group of actors that talk together is laid out on its own: up to `STRESS_UP_TO` actors by
    stress majorization (map distances follow network distances, a strong link a little shorter),
    beyond by a force layout (linked actors attract, all repel); the seed drives the small jitter of
    the first and the start of the second. Groups are placed side by side, largest first, in rows,
    followed by the actors linked to nobody. The same graph and seed give the same positions, and
    adding an isolated actor or a separate group does not reshape the others. `iterations`: at most 300
    steps of stress majorization (it stops once settled), 50 of force layout, unless given.
    """
    work = _working_graph(graph, include_tension)
    order = {node: i for i, node in enumerate(work)}
    groups = [sorted(c, key=order.get) for c in nx.connected_components(work) if len(c) > 1]
    groups.sort(key=lambda g: (-len(g), order[g[0]]))
    alone = [n for n in work if work.degree(n) == 0]
    # Every group, then every actor linked to nobody, is a disc; discs are packed in rows, left to right.
    items = [(group, _component_positions(work, group, seed, iterations)) for group in groups]
    items += [([node], np.zeros((1, 2))) for node in alone]
    radii = [float(np.sqrt((shape * shape).sum(axis=1)).max()) + 0.6 for _, shape in items]
    gap = 0.8
    row_width = max([2 * r for r in radii] + [math.sqrt(sum((2 * r + gap) ** 2 for r in radii)) * 1.4, 6.0])
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for (members, shape), radius in zip(items, radii):
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y - row_height - gap, 0.0
        for node, (px, py) in zip(members, shape):
            positions[node] = (round(float(x + radius + px), 6), round(float(y - radius + py), 6))
        x += 2 * radius + gap
        row_height = max(row_height, 2 * radius)
    return positions


# ---------------------------------------------------------------------------------------------
# Figure
# ---------------------------------------------------------------------------------------------


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


def _placeholder(message: str) -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=18, color="#555"), xref="paper", yref="paper",
                       x=0.5, y=0.5)
    fig.update_layout(font=FONT, template="plotly_white", height=300, width=1100,
                      xaxis=dict(visible=False), yaxis=dict(visible=False))
    return fig


def _kind_order(kinds) -> list[str]:
    reference = {fold(k): i for i, k in enumerate(KIND_COLOURS)}
    return sorted(set(kinds), key=lambda k: (k == UNKNOWN_KIND, reference.get(fold(k), len(reference)), fold(k)))


def _node_hover(node: str, row, names: dict) -> str:
    parts = [f"<b>{plain(names[node])}</b>", plain(row["kind"])]
    degree = int(row["degree"])
    parts.append(f"{_plural(degree, 'partenaire direct', 'partenaires directs')}"
                 f" · intensité totale {int(row['weighted_degree'])}")
    parts.append(f"intermédiarité {_decimal(float(row['betweenness']))} · proximité {_decimal(float(row['closeness']))}")
    if not pd.isna(row["community"]):
        parts.append(f"cercle n° {int(row['community'])}")
    if bool(row["isolated"]):
        parts.append("<i>relié à personne</i>")
    if bool(row["articulation"]):
        parts.append("<i>seul lien vers une partie du réseau</i>")
    elif bool(row["broker"]):
        parts.append("<i>point de passage entre les autres</i>")
    if int(row["tensions"]):
        parts.append(_plural(int(row["tensions"]), "tension"))
    return "<br>".join(parts)


def network_figure(actors, relations, metrics: pd.DataFrame | None = None, size_by: str | None = "betweenness",
                   highlight: str | None = None, *, positions: dict | None = None, include_tension: bool = False,
                   seed: int = LAYOUT_SEED, title: str = "Réseau des acteurs",
                   groups: dict[str, list[str]] | None = None) -> go.Figure:
    """The network map: points coloured by actor kind (legend), sized by `size_by` (a column of `metrics`,
    or None for equal sizes), drawn as diamonds for brokers; one line per relation, coloured and dashed by
    kind, thicker when stronger, with an arrow halfway for directed kinds and a French hover text.

    `groups`: {label: actor ids}, e.g. the project group and each governance body, drawn as rings.
    `highlight`: an actor id whose neighbourhood (itself and every actor it has a relation with, tensions
    included) stays bright while the rest fades. `positions` defaults to `layout(...)` with `seed`.
    """
    if size_by is not None and size_by not in SIZE_LABELS:
        raise ValueError(f"size_by must be one of {sorted(SIZE_LABELS)} or None, not {size_by!r}")
    graph = build_graph(actors, relations)
    if not len(graph):
        return _placeholder("Aucun acteur à afficher : ajoutez les acteurs du quartier.")
    if highlight is not None and highlight not in graph:
        raise KitError("Cet acteur n'existe plus : il a peut-être été supprimé par une autre personne.")
    table = (_metrics(graph, include_tension) if metrics is None else metrics).reindex(list(graph))
    missing = table["name"].isna()
    if missing.any():  # metrics computed before an actor was added: recompute rather than guess
        table = _metrics(graph, include_tension)
    pos = layout(graph, seed, include_tension=include_tension) if positions is None else positions
    unplaced = [n for n in graph if n not in pos]
    if unplaced:
        pos = {**layout(graph, seed, include_tension=include_tension), **pos}
    names = {node: graph.nodes[node]["name"] for node in graph}
    bright = None if highlight is None else {highlight, *graph[highlight]}

    pos = {node: pos[node] for node in graph}
    traces: list[dict] = []  # validated once, by go.Figure, rather than once per add_trace
    _add_edges(traces, graph, pos, names, highlight)
    _add_groups(traces, groups or {}, pos)
    legend_texts = [t["name"] for t in traces if t.get("showlegend", True) and t.get("name")]
    legend_texts += [plain(k) for k in _kind_order(graph.nodes[n]["kind"] for n in graph)]
    legend_texts += ["Groupe projet et instances", "Types d'acteurs"]
    # The legend's width, estimated from its texts, is kept as the right margin: the plot's box is then known
    # in pixels, and the names can be placed where they overlap nothing.
    legend_px = min(60 + max(text_size([_shown(t)], 16)[0] for t in legend_texts), 440)
    kinds_count = len(_kind_order(graph.nodes[n]["kind"] for n in graph))
    legend_rows = sum(1 for t in traces if t.get("showlegend", True)) + kinds_count + 2
    width, top = 1100, 110 if highlight is not None else 90
    height = max(760, 140 + 27 * legend_rows)
    margin = dict(l=20, r=int(legend_px) + 20, t=top, b=20)
    plot_w, plot_h = width - margin["l"] - margin["r"], height - margin["t"] - margin["b"]
    x_range = _padded([p[0] for p in pos.values()], 0.9)
    y_range = _padded([p[1] for p in pos.values()], 0.7)
    scale = min(plot_w / (x_range[1] - x_range[0]), plot_h / (y_range[1] - y_range[0]))
    x_range, y_range = _widened(x_range, plot_w / scale), _widened(y_range, plot_h / scale)
    codes = {node: f"A{i + 1}" for i, node in enumerate(graph)}
    texts, positions = _node_labels(graph, table, pos, names, size_by, bright, codes,
                                    lambda x, y: (margin["l"] + (x - x_range[0]) * scale,
                                                  margin["t"] + (y_range[1] - y) * scale),
                                    (margin["l"], margin["t"], width - margin["r"], height - margin["b"]))
    _add_nodes(traces, graph, table, pos, names, size_by, highlight, bright, texts, positions)
    coded = [f"{codes[n]} {names[n]}" for n in graph if texts[n] == plain(codes[n])]
    note = _note_lines(coded, width - 40)
    extra = 21 * len(note) + (10 if note else 0)
    fig = go.Figure(data=traces)
    if note:
        fig.add_annotation(text="<br>".join(plain(line) for line in note), showarrow=False, xref="paper", yref="paper",
                           x=0, y=-6 / plot_h, xanchor="left", yanchor="top", align="left",
                           font=dict(size=15, color="#222"))
    subtitle = "◆ : fait le lien entre des acteurs"
    if size_by is not None:
        subtitle = f"Taille des points : {SIZE_LABELS[size_by]} · " + subtitle
    if highlight is not None:
        subtitle += f"<br>Voisinage de {plain(quote(names[highlight]))}"
    fig.update_layout(
        title=dict(text=f"{plain(title)}<br><sup>{subtitle}</sup>", font=dict(size=22)),
        font=FONT, template="plotly_white", width=width, height=height + extra, separators=SEPARATORS,
        margin={**margin, "b": margin["b"] + extra},
        hoverlabel=dict(font=dict(size=16)), legend=dict(font=dict(size=16), itemsizing="constant",
                                                         groupclick="togglegroup", tracegroupgap=0),
        xaxis=dict(visible=False, range=x_range),
        yaxis=dict(visible=False, scaleanchor="x", scaleratio=1, range=y_range),
        dragmode="pan", plot_bgcolor="white",
    )
    return fig


def _shown(text: str) -> str:
    """A plotly text as it reads (entities decoded, tags dropped): to measure it."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]*>", "", text))


def _widened(bounds: list[float], span: float) -> list[float]:
    centre = (bounds[0] + bounds[1]) / 2
    return [centre - span / 2, centre + span / 2]


def _note_lines(parts: list[str], width_px: float) -> list[str]:
    """The actors written by their number on the map, named under it, packed into lines."""
    if not parts:
        return []
    per_line = max(int(width_px / (0.55 * 15)), 20)
    lines, line = [], "Sur la carte par leur numéro : "
    for part in parts:
        for piece in wrap_lines(part, per_line, 4):
            candidate = f"{line} · {piece}" if not line.endswith(": ") else line + piece
            if len(candidate) <= per_line:
                line = candidate
            else:
                lines.append(line)
                line = piece
    lines.append(line)
    return lines


def _node_sizes(nodes: list, table: pd.DataFrame, size_by: str | None) -> tuple[dict, pd.Series]:
    values = table[size_by].astype(float).fillna(0.0) if size_by is not None else pd.Series(0.0, index=table.index)
    top = values.max()
    smallest, span = (14, 34) if len(nodes) <= SMALL_MAP else (8, 22)
    sizes = {n: (smallest + span * math.sqrt(values[n] / top)) if top > 0 else smallest + span / 3 for n in nodes}
    return sizes, values


def _node_labels(graph, table, pos, names, size_by, bright, codes, to_px, bounds) -> tuple[dict, dict]:
    """Each labelled actor's text and textposition: its name (two lines at most, unique) where it overlaps no
    other name and no point, else its number (named under the map), else nothing (its hover names it); the
    largest points are placed first."""
    nodes = list(graph)
    sizes, values = _node_sizes(nodes, table, size_by)
    if bright is not None:
        labelled = [n for n in nodes if n in bright]
    elif len(nodes) <= LABEL_ALL_UP_TO:
        labelled = nodes
    else:  # the largest points; sorted() is stable, so ties keep the table's order
        labelled = sorted(nodes, key=lambda n: -values[n])[:LABELS_ON_LARGE_MAPS]
    lines = dict(zip(nodes, short_names([names[n] for n in nodes], 22, 2)))
    spots = [Spot(*to_px(*pos[n]), sizes[n] / 2, lines[n]) for n in nodes]
    index = {n: i for i, n in enumerate(nodes)}
    order = sorted((index[n] for n in labelled), key=lambda i: (-values[nodes[i]], i))
    chosen = place_labels(spots, 15, bounds, order)
    texts = {n: "" for n in nodes}
    positions = {n: "top center" for n in nodes}
    for i in order:
        if chosen[i]:
            texts[nodes[i]], positions[nodes[i]] = "<br>".join(plain(x) for x in lines[nodes[i]]), chosen[i]
    missing = [i for i in order if chosen[i] is None]
    if missing:
        from kit.methods.drawing import label_box

        taken = [label_box(spots[i], chosen[i], 15) for i in order if chosen[i]]
        for i in missing:
            spots[i].lines = [codes[nodes[i]]]
        again = place_labels(spots, 15, bounds, missing, taken)
        still = [i for i in missing if again[i] is None]
        if still:  # anywhere clear, even nearer another point; else no text (the hover still names it)
            taken += [label_box(spots[i], again[i], 15) for i in missing if again[i]]
            last = place_labels(spots, 15, bounds, still, taken, strict=False)
            for i in still:
                again[i] = last[i]
        for i in missing:
            if again[i]:
                texts[nodes[i]], positions[nodes[i]] = plain(codes[nodes[i]]), again[i]
    return texts, positions


GROUP_COLOURS = ["#7b1fa2", "#00838f", "#ef6c00", "#2e7d32", "#ad1457", "#455a64"]


def _add_groups(traces: list, groups: dict[str, list[str]], pos: dict) -> None:
    """The project group and each governance body drawn as coloured rings around their members (one
    legend entry each, so a group can be shown alone); an actor in several groups wears several rings."""
    for index, (label, members) in enumerate(groups.items()):
        placed = [m for m in members if m in pos]
        if not placed:
            continue
        traces.append(dict(
            type="scatter", x=[pos[m][0] for m in placed], y=[pos[m][1] for m in placed], mode="markers",
            name=plain(label), legendgroup="groups", legendgrouptitle_text="Groupe projet et instances" if index == 0 else None,
            marker=dict(symbol="circle-open", size=44 + 10 * index, color=GROUP_COLOURS[index % len(GROUP_COLOURS)],
                        line=dict(width=3)), hoverinfo="skip"))


def _add_edges(traces: list, graph: nx.Graph, pos: dict, names: dict, highlight: str | None) -> None:
    """Relations drawn as lines grouped by (kind, intensity, faded), so that 1,000 relations make a few
    traces; a marker halfway along each one carries its arrow (directed kinds) and its hover text.
    Several relations between the same two actors are drawn side by side."""
    lengths = [math.dist(pos[u], pos[v]) for u, v in graph.edges]
    gap = 0.06 * (float(np.median(lengths)) if lengths else 1.0)
    lines: dict[tuple, tuple[list, list]] = {}
    marks: dict[tuple, dict[str, list]] = {}
    for u, v, data in graph.edges(data=True):
        count = len(data["relations"])
        (x0, y0), (x1, y1) = pos[u], pos[v]
        length = math.hypot(x1 - x0, y1 - y0) or 1.0
        normal = (-(y1 - y0) / length, (x1 - x0) / length)
        faded = highlight is not None and highlight not in (u, v)
        for i, relation in enumerate(data["relations"]):
            shift = (i - (count - 1) / 2) * gap
            sx, sy = pos[relation["source"]]
            tx, ty = pos[relation["target"]]
            sx, sy, tx, ty = (sx + shift * normal[0], sy + shift * normal[1], tx + shift * normal[0],
                              ty + shift * normal[1])
            key = (relation["kind"], relation["intensity"], faded)
            xs, ys = lines.setdefault(key, ([], []))
            xs += [sx, tx, None]
            ys += [sy, ty, None]
            mark = marks.setdefault((relation["kind"], faded), {"x": [], "y": [], "angle": [], "text": []})
            mark["x"].append(sx + 0.55 * (tx - sx))
            mark["y"].append(sy + 0.55 * (ty - sy))
            mark["angle"].append(round(math.degrees(math.atan2(tx - sx, ty - sy)) % 360, 2))  # clockwise from up
            arrow = "→" if relation["directed"] else "↔"
            mark["text"].append(f"{plain(quote(names[relation['source']]))} {arrow} "
                                f"{plain(quote(names[relation['target']]))}<br>{plain(relation['kind'])}, "
                                f"intensité {INTENSITY_WORDS[relation['intensity']]}")
    order = list(RELATION_KINDS)
    kinds = sorted({key[0] for key in lines}, key=lambda k: (k not in order, order.index(k) if k in order else 0, k))
    for kind in kinds:  # legend entries first, one per kind; clicking one hides its lines and arrows
        style = relation_style(kind)
        traces.append(dict(
            type="scatter", x=[None], y=[None], mode="lines", name=plain(style.legend or kind), legendgroup=f"rel-{kind}",
            legendgrouptitle_text="Relations" if kind == kinds[0] else None,
            line=dict(color=style.colour, dash=style.dash, width=3), hoverinfo="skip"))
    for (kind, intensity, faded), (xs, ys) in sorted(lines.items(),
                                                     key=lambda item: (item[0][2], kinds.index(item[0][0]), item[0][1])):
        style = relation_style(kind)
        traces.append(dict(
            type="scatter", x=xs, y=ys, mode="lines", showlegend=False, legendgroup=f"rel-{kind}",
            line=dict(color=style.colour, dash=style.dash, width=1.2 + 1.4 * intensity),
            opacity=0.12 if faded else 0.8, hoverinfo="skip"))
    for (kind, faded), mark in sorted(marks.items(), key=lambda item: (item[0][1], kinds.index(item[0][0]))):
        style = relation_style(kind)
        marker = (dict(symbol="arrow", size=15, angle=mark["angle"], color=style.colour, line=dict(width=0))
                  if style.directed else dict(symbol="circle", size=12, color="rgba(0,0,0,0)"))
        traces.append(dict(
            type="scatter", x=mark["x"], y=mark["y"], mode="markers", showlegend=False, legendgroup=f"rel-{kind}",
            marker=marker, opacity=0.15 if faded else 1.0, text=mark["text"], hovertemplate="%{text}<extra></extra>"))


def _padded(values: list[float], margin: float) -> list[float]:
    """An axis range with room for the names written around the outermost points."""
    return [min(values) - margin, max(values) + margin]


def _add_nodes(traces: list, graph, table, pos, names, size_by, highlight, bright, texts: dict,
               positions: dict) -> None:
    """One trace per actor kind (colour and legend), sized by `size_by`, names written beside the points
    (`texts` and `positions` from `_node_labels`)."""
    nodes = list(graph)
    sizes, _ = _node_sizes(nodes, table, size_by)
    kinds = {n: graph.nodes[n]["kind"] for n in nodes}
    rows = dict(zip(table.index, table.to_dict("records")))
    brokers = {n: bool(rows[n]["broker"]) for n in nodes}
    for position, kind in enumerate(_kind_order(kinds.values())):
        members = [n for n in nodes if kinds[n] == kind]
        faded = [bright is not None and n not in bright for n in members]
        # A legend-only entry per kind (a round dot), so that a broker's diamond never stands for its kind.
        traces.append(dict(
            type="scatter", x=[None], y=[None], mode="markers", name=plain(kind), legendgroup=f"kind-{kind}",
            legendgrouptitle_text="Types d'acteurs" if position == 0 else None,
            marker=dict(size=14, color=kind_colour(kind), symbol="circle"), hoverinfo="skip"))
        traces.append(dict(
            type="scatter", x=[pos[n][0] for n in members], y=[pos[n][1] for n in members], mode="markers+text",
            name=plain(kind), legendgroup=f"kind-{kind}", showlegend=False,
            text=[texts[n] for n in members], textposition=[positions[n] for n in members],
            textfont=dict(size=15, color=["rgba(17,17,17,0.25)" if f else "#111" for f in faded]),
            marker=dict(size=[sizes[n] for n in members], color=kind_colour(kind),
                        symbol=["diamond" if brokers[n] else "circle" for n in members],
                        opacity=[0.15 if f else 0.95 for f in faded],
                        line=dict(color=["#000" if n == highlight else "#fff" for n in members],
                                  width=[4 if n == highlight else 1.5 for n in members])),
            customdata=members, cliponaxis=False,
            hovertext=[_node_hover(n, rows[n], names) for n in members], hoverinfo="text",
        ))


# ---------------------------------------------------------------------------------------------
# Exports
# ---------------------------------------------------------------------------------------------


def _plain(value):
    """A value GEXF can write (Python scalars), or None for a missing one."""
    if value is None or pd.isna(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    return str(value)


def to_gexf(actors, relations, metrics: pd.DataFrame | None = None) -> bytes:
    """The network as a GEXF file (Gephi and other tools), UTF-8 bytes.

    A directed multigraph: one edge per relation, from its source to its target, with attributes
    ``kind``, ``intensity``, ``directed`` (False for coopération and tension, whose direction means
    nothing) and ``weight`` = intensity; nodes carry ``label`` (name), ``kind`` and, when `metrics` is
    given, its columns.
    """
    graph = build_graph(actors, relations)
    out = nx.MultiDiGraph()
    columns = [c for c in METRIC_COLUMNS if c not in ("name", "kind")] if metrics is not None else []
    for node, data in graph.nodes(data=True):
        attributes = {"label": data["name"], "kind": data["kind"]}
        if metrics is not None and node in metrics.index:
            for column in columns:
                value = _plain(metrics.at[node, column])
                if value is not None:
                    attributes[column] = value
        out.add_node(node, **attributes)
    for relation in graph.graph["relations"]:
        out.add_edge(relation["source"], relation["target"], key=relation["id"], id=relation["id"],
                     label=relation["kind"], kind=relation["kind"], intensity=relation["intensity"],
                     directed=relation["directed"], weight=float(relation["intensity"]))
    buffer = io.BytesIO()
    nx.write_gexf(out, buffer)
    return buffer.getvalue()


def edges_table(actors, relations) -> pd.DataFrame:
    """One row per relation, as the app lists them: ids (``id``, ``source``, ``cible``) and, in French,
    ``de``, ``vers`` (names), ``nature``, ``intensité`` (1-3), ``sens`` (→ directed, ↔ symmetric)."""
    graph = build_graph(actors, relations)
    rows = [{"id": r["id"], "source": r["source"], "cible": r["target"], "de": graph.nodes[r["source"]]["name"],
             "vers": graph.nodes[r["target"]]["name"], "nature": r["kind"], "intensité": r["intensity"],
             "sens": "→" if r["directed"] else "↔"} for r in graph.graph["relations"]]
    return pd.DataFrame(rows, columns=["id", "source", "cible", "de", "vers", "nature", "intensité", "sens"])
