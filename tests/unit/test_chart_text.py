"""What people type is shown as typed in every chart: plotly reads a subset of HTML (and ``%{…}`` in its
templates) in labels, hovers, legends, titles, ticks and annotations, so every figure builder gives it user
text through `kit.methods.drawing.plain`. Each test builds a figure from texts full of markup and walks every
string of its JSON (data and layout)."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest

from kit import charts, edits
from kit.demo import create_demo
from kit.methods import governance, network, roadmap
from kit.methods.drawing import plain, wrap_lines
from kit.model import ActorInfluence, LocalProject, Milestone, Step
from kit.reports import deliverables
from kit.sessions import project, stakes
from kit.text import shorten

MARKUP = '<b>gras</b> <a href="https://evil.example">lien</a> <script>alert(1)</script> &amp; %{x}'
# What would be left of the markup had it reached plotly unescaped (the kit's own markup never writes these).
RAW = ("<b>gras", "gras</b>", "<a ", "lien</a>", "<script", "</script>", "&amp; %{x}", "&quot;")
USER_WORDS = ("gras", "evil", "alert", "lien")  # never inside a hovertemplate or texttemplate
NOT_SHOWN = {"legendgroup", "ids", "parents", "meta", "uid"}  # keys plotly never draws
PLOTLY_ENTITY = re.compile(r"&(#\d+|#x[\da-fA-F]+|[a-z]+);")
PLOTLY_NAMED = {"mu": "μ", "amp": "&", "lt": "<", "gt": ">", "nbsp": "\xa0", "times": "×", "plusmn": "±", "deg": "°"}


def typed(tag: str) -> str:
    """A text as someone could type it: a short distinct start (lists keep names unique), then markup."""
    return f"{tag} {MARKUP}"


def strings(value, path=""):
    """Every (path, string) of a figure's JSON."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings(item, f"{path}[{index}]")


def drawn(figure: dict) -> list[tuple[str, str]]:
    """The (path, string) pairs of a figure's JSON that plotly may draw (group keys and ids left out)."""
    return [(path, text) for path, text in strings(figure)
            if re.sub(r"(\[\d+\])+$", "", path).rsplit(".", 1)[-1] not in NOT_SHOWN]


def shown(text: str) -> str:
    """What plotly.js shows for a label (svg_text_utils.convertToTspans): tags are markup (``<br>`` a new
    line), the rest is text whose entities are decoded once."""
    def entity(match):
        name = match.group(1)
        if name.startswith("#"):
            return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
        return PLOTLY_NAMED.get(name, match.group(0))

    parts = re.split(r"(<[^<>]*>)", text)
    return "".join("\n" if re.fullmatch(r"<br\s*/?>", p, re.I) else "" if p.startswith("<") and p.endswith(">")
                   else PLOTLY_ENTITY.sub(entity, p) for p in parts)


def check(fig, *expected: str) -> list[str]:
    """No markup of user text left in the figure, no user text in a template, no entity cut in half or
    unknown to plotly; each of `expected` (user texts as typed) is written escaped somewhere. Returns the
    figure's strings as plotly shows them."""
    found = drawn(json.loads(fig.to_json()))
    assert found
    for path, text in found:
        for raw in RAW:
            assert raw not in text, f"{path}: {text!r}"
        if path.endswith("template"):
            assert not any(word in text for word in USER_WORDS), f"{path}: {text!r}"
        for match in re.finditer("&", text):
            entity = PLOTLY_ENTITY.match(text, match.start())
            assert entity and (entity.group(1).startswith("#") or entity.group(1) in PLOTLY_NAMED), f"{path}: {text!r}"
    texts = [text for _, text in found]
    for want in expected:
        assert any(plain(want) in text for text in texts), f"{plain(want)!r} absent"
        assert any(want in shown(text) for text in texts), f"{want!r} is not shown as typed"
    return [shown(text) for text in texts]


def test_plain_escapes_what_plotly_reads_and_nothing_it_would_show_as_is():
    assert plain('<b>gras</b> & "x" l\'été') == "&lt;b&gt;gras&lt;/b&gt; &amp; \"x\" l'été"
    assert plain("&amp;") == "&amp;amp;" and shown(plain("&amp;")) == "&amp;"  # decoded once
    assert plain("%{x} 50 %") == "&#37;{x} 50 &#37;" and shown(plain("%{x}")) == "%{x}"
    assert plain(12) == "12" and shown(plain(MARKUP)) == MARKUP


@pytest.fixture
def ws(store):
    """The demo territory, every text people type rewritten with markup."""
    ws = create_demo(store)
    ws.name = typed("Espace")
    for i, stake in enumerate(ws.stakes, start=1):
        stake.title = typed(f"E{i}")
        stake.votes = i
    for i, actor in enumerate(ws.actors, start=1):
        actor.name = typed(f"A{i}")
        actor.power, actor.interest = i, 10 - i
    ws.actors[-1].kind = typed("Type")  # a kind typed by hand
    ws.relations[-1].kind = typed("Relation")  # a relation kind typed by hand
    for i, objective in enumerate(ws.objectives, start=1):
        objective.title = typed(f"O{i}")
    ws.vision.ambition = typed("Ambition")
    for i, body in enumerate(ws.bodies, start=1):
        body.name, body.rhythm, body.decides = typed(f"I{i}"), typed("Rythme"), typed("Décide")
    for i, action in enumerate(ws.actions, start=1):
        action.title = typed(f"F{i}")
        action.steps = [Step(title=typed(f"S{i}"), due=action.start)]
    ws.milestones = [Milestone(title=typed("J1"), on=date(2027, 1, 15))]
    ws.local_projects = [LocalProject(name=typed("P1"), stake_ids=[ws.stakes[0].id]), LocalProject(name=typed("P2"))]
    a, b, c, d = [s.id for s in ws.stakes]
    for source, target, value in [(a, b, 3), (b, c, 2), (c, a, 1), (a, d, "P"), (d, b, 2)]:
        edits.set_influence(ws, source, target, value)
    ws.actor_influences.append(ActorInfluence(source=ws.actors[2].id, target=ws.actors[4].id, value=3))
    return ws


def titles(ws) -> dict[str, str]:
    return {s.id: s.title for s in ws.stakes}


def test_session1_charts(ws):
    shown_texts = check(charts.stake_map(stakes.stake_map_frame(ws), "maîtrise", "importance"), typed("E1"))
    assert any("\n".join(wrap_lines(typed("E2"), 24, 2)) == text for text in shown_texts)  # wrapped, then escaped
    result = stakes.structural_analysis(ws)
    check(charts.micmac_plane(result, titles(ws)), typed("E1"))
    check(charts.micmac_displacement(result, titles(ws)), typed("E3"))
    check(charts.matrix_heatmap(stakes.influence_matrix(ws), titles(ws)), shorten(typed("E4"), 24))
    coverage, _, _ = stakes.positioning(ws)
    check(charts.coverage_heatmap(coverage), shorten(typed("E1"), 36), shorten(typed("P2"), 24))
    portrait = pd.DataFrame({"indicateur": [typed("Ind")], "quartier": [12.0], "France": [10.0],
                             "lecture": ["plus élevé"]})
    check(charts.portrait_gaps(portrait), shorten(typed("Ind"), 40))


def test_the_map_of_the_neighbourhoods(ws):
    from kit.reference import contours
    from kit.sessions import diagnostic

    # Names typed in the workspace, and names read from a contour file (which anyone could have edited).
    ws.neighbourhoods[0].name = typed("Q1")
    ring = [[-0.60, 44.85], [-0.59, 44.85], [-0.59, 44.86], [-0.60, 44.86], [-0.60, 44.85]]
    features = [{"type": "Feature", "properties": {"code_qp": code, "lib_qp": typed(label), "lib_com": typed("C")},
                 "geometry": {"type": "Polygon", "coordinates": [[[x + dx, y] for x, y in ring]]}}
                for code, label, dx in (("QN99901N", "F1", 0), ("QN99903N", "F3", 0.3))]
    read = contours.read_contours(json.dumps({"type": "FeatureCollection", "features": features}).encode(), "c.geojson")
    shapes = contours.neighbourhood_shapes(read, {"QN99901N", "QN99903N"})
    diagnostic.set_value(ws, "taux_pauvrete", "qpv", ws.neighbourhoods[0].id, "30")
    frame = diagnostic.map_frame(ws, "taux_pauvrete")
    check(charts.neighbourhood_map(shapes, frame, typed("Indicateur"), typed("Unité")),
          typed("Q1"), typed("F3"), typed("C"), shorten(typed("Q1"), 24), typed("Indicateur"), typed("Unité"))


def test_session2_charts(ws):
    check(charts.objective_tree(project.objectives_frame(ws), ws.vision.ambition, ws.vision.horizon),
          typed("O1"), typed("Ambition"), typed("E4"), wrap_lines(typed("O2"), 30, 3)[0])
    result = project.actor_strategies(ws)
    check(charts.actor_plane(result.actors, result.cuts), typed("A5"))
    check(charts.convergence_graph(result.edges, list(result.actors.index)), wrap_lines(typed("A5"), 24, 2)[0])
    check(charts.mobilisation(result.objectives), wrap_lines(typed("O1"), 36, 2)[0])
    check(charts.power_interest(project.actors_frame(ws)), wrap_lines(typed("A1"), 24, 2)[0])


def test_network_map_hovers_and_legend(ws):
    actors, relations = project.actors_frame(ws), project.relations_frame(ws)
    fig = network.network_figure(actors, relations, highlight=ws.actors[0].id, groups=project.network_groups(ws),
                                 title=typed("Titre"))
    check(fig, typed("A1"), typed("Type"), typed("Relation"), typed("I2"), typed("Titre"), wrap_lines(typed("A2"), 22, 2)[0])
    legend = {trace.name for trace in fig.data if trace.showlegend is not False}
    assert {plain(typed("Type")), plain(typed("Relation")), plain(typed("I1"))} <= legend
    assert any(t.startswith(f"<b>{plain(typed('A1'))}</b>") for trace in fig.data for t in (trace.hovertext or []))


def test_governance_diagram(ws):
    fig = governance.governance_figure(project.bodies_records(ws), project.actors_frame(ws))
    shown_texts = check(fig, typed("I1"), typed("Rythme"))
    assert any(f"<b>{plain(typed('I2'))}</b>" in t for trace in fig.data for t in trace.hovertext)  # the kit's bold
    assert any(text.startswith("I1 <b>gras</b>") for text in shown_texts)  # the box, wrapped then escaped


def test_roadmap(ws):
    milestones = [m.model_dump() for m in ws.milestones] + [
        {"title": typed("Phase"), "on": date(2026, 11, 1), "end": date(2027, 2, 28), "kind": "programme"}]
    fig = roadmap.gantt_figure(roadmap.actions_frame(ws), milestones, today=date(2026, 12, 1), title=typed("Titre"))
    check(fig, typed("F1"), typed("S2"), typed("J1"), typed("Phase"), typed("A5"), typed("Titre"))
    ticks = fig.layout.yaxis.ticktext
    assert f"<b>{plain(shorten(typed('F1'), 42))}</b>" in ticks  # critical: the kit's bold around the escaped title


def embedded_figures(page: str) -> list[dict]:
    """The figures of an HTML deliverable, as plotly.js is given them: Plotly.newPlot(id, data, layout, …)."""
    decoder, figures = json.JSONDecoder(), []
    for call in re.finditer(r"Plotly\.newPlot\(\s*", page):
        values, at = [], call.end()
        for _ in range(3):  # the div's id, the traces, the layout
            value, at = decoder.raw_decode(page, at)
            values.append(value)
            at = re.compile(r"\s*,\s*").match(page, at).end()
        figures.append({"data": values[1], "layout": values[2]})
    return figures


def test_html_deliverables_embed_escaped_figures(ws):
    expected = {"session1": [typed("E1")], "session2": [typed("A1"), typed("O1"), typed("I1")],
                "session3": [typed("F1"), typed("J1")]}
    for name, texts in expected.items():
        _, data = deliverables.export(ws, name, "html")
        figures = embedded_figures(data.decode("utf-8"))
        assert figures, name
        found = [text for fig in figures for _, text in drawn(fig)]
        for text in found:
            for raw in RAW:
                assert raw not in text, f"{name}: {text!r}"
        for want in texts:
            assert any(plain(want) in text for text in found), f"{name}: {want!r}"
