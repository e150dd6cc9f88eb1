"""What people type is drawn as typed by plotly.js, on screen and in the HTML deliverables: a stake or an actor
named with markup shows its ``<b>`` and ``<a href>`` as characters, never as bold text or a link."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kit.model import Actor, GovernanceBody, Relation, Stake
from kit.reports import deliverables
from kit.store import Store
from kit.methods.drawing import wrap_lines

MARKUP = '<b>gras</b> <a href="https://evil.example">lien</a> <script>alert(1)</script> &amp; %{x}'

# The texts plotly drew in a chart, and what would betray markup read as markup: a link, or a bold "gras".
READ_CHART = """css => {
    const svg = [...document.querySelectorAll(css + ' .main-svg')];
    const texts = svg.flatMap(s => [...s.querySelectorAll('text')]).map(t => t.textContent);
    const links = svg.reduce((n, s) => n + s.querySelectorAll('a').length, 0);
    const bold = svg.flatMap(s => [...s.querySelectorAll('tspan')])
        .filter(t => (t.getAttribute('style') || '').includes('bold') && t.textContent.trim() === 'gras').length;
    return {texts, links, bold};
}"""


def typed(tag: str) -> str:
    return f"{tag} {MARKUP}"


def fill(ws) -> None:
    ws.stakes = [Stake(title=typed("E1"), importance=8, control=3, votes=2),
                 Stake(title=typed("E2"), importance=4, control=7)]
    first = Actor(name=typed("A1"), kind=typed("Type"))
    second = Actor(name="Cheffe de projet", kind="EPCI")
    ws.actors = [first, second]
    ws.relations = [Relation(source=first.id, target=second.id, kind=typed("Relation"), intensity=2)]
    ws.bodies = [GovernanceBody(name=typed("I1"), kind="comité de pilotage", lead_id=second.id,
                                member_ids=[first.id, second.id])]


def read_chart(page, css: str) -> dict:
    return page.evaluate(READ_CHART, css)


def assert_shown_as_typed(chart: dict, *expected: str) -> None:
    assert chart["links"] == 0, "a link was drawn from a user's text"
    assert chart["bold"] == 0, "a user's <b> was drawn in bold"
    for want in expected:
        assert any(want in text for text in chart["texts"]), (want, chart["texts"])


def hover_labels(page, css: str) -> list[str]:
    """Move the mouse onto each point of a chart as a person would; the hover labels that came up."""
    labels, points = [], page.locator(f"{css} .scatterlayer .point")
    label = page.locator(f"{css} .hoverlayer .hovertext")
    for index in range(points.count()):
        point = points.nth(index)
        point.scroll_into_view_if_needed()
        box = point.bounding_box()
        if not box:
            continue
        page.mouse.move(0, 0)
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        try:
            label.first.wait_for(timeout=3_000)
        except PlaywrightTimeout:  # a point without hover (the rings of the groups)
            continue
        labels.append(label.first.evaluate("node => node.textContent"))
    return labels


def test_stake_map_network_map_and_html_deliverable_show_markup_as_typed(page, voila_server, open_app, tmp_path):
    store = Store(voila_server.espaces)
    ws = store.create("Balisage", territory={"epci_name": "CA de test", "epci_siren": ""})
    ws = store.update(ws.id, fill)

    open_app(page, voila_server.base_url, "notebooks/10_enjeux.ipynb", f"espace={ws.id}")
    page.get_by_role("tab", name="3. Carte des enjeux").click()
    page.wait_for_function("document.querySelectorAll('.kit-stake-map .scatterlayer .trace:first-child .point').length === 2",
                           timeout=30_000)
    # Labels are wrapped (two lines of 24 characters), then escaped: the break falls inside the typed markup.
    assert_shown_as_typed(read_chart(page, ".kit-stake-map"), wrap_lines(typed("E1"), 24, 2)[0],
                          wrap_lines(typed("E2"), 24, 2)[0])
    labels = hover_labels(page, ".kit-stake-map")
    assert any(typed("E1") in label and "votes" in label for label in labels), labels

    open_app(page, voila_server.base_url, "notebooks/20_projet.ipynb", f"espace={ws.id}")
    page.get_by_role("tab", name="3. Réseau d'acteurs").click()
    page.wait_for_function("document.querySelectorAll('.kit-network-map .scatterlayer .point').length >= 2",
                           timeout=30_000)
    # Names beside the points, and the legend: the kind, the relation kind and the body typed by hand.
    assert_shown_as_typed(read_chart(page, ".kit-network-map"), wrap_lines(typed("A1"), 22, 2)[0], typed("Type"),
                          typed("Relation"), typed("I1"))
    legend = page.locator(".kit-network-map .legend .legendtext").all_text_contents()
    assert {typed("Type"), typed("Relation"), typed("I1")} <= set(legend)
    labels = hover_labels(page, ".kit-network-map")
    # The actor (its name in the kit's bold, the markup as typed) and the relation.
    assert any(typed("A1") in label and typed("Type") in label for label in labels), labels
    assert any(f"« {typed('A1')} » ↔ « Cheffe de projet »" in label for label in labels), labels
    assert_shown_as_typed(read_chart(page, ".kit-network-map"))  # still no link, no user bold, hover included

    # The HTML deliverables: plotly.js draws them from the figure JSON the file embeds, as on screen.
    for name, expected in (("session1", [wrap_lines(typed("E1"), 24, 2)[0]]),
                           ("session2", [wrap_lines(typed("A1"), 22, 2)[0], typed("Type"), typed("Relation")])):
        _, data = deliverables.export(store.load(ws.id), name, "html")
        path = tmp_path / f"{name}.html"
        path.write_bytes(data)
        page.goto(path.as_uri())
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0", timeout=30_000)
        assert_shown_as_typed(read_chart(page, ".js-plotly-plot"), *expected)
