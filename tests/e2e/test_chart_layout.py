"""Charts a room can read at 1280x720 on a projector: on a crowded workspace (25 actors, some named alike,
40 relations, 15 stakes of which several share their scores, a full MICMAC matrix, MACTOR for part of the
actors), no two texts a chart draws overlap, none is cut at the chart's edge, and no page scrolls sideways."""

from __future__ import annotations

import os
from pathlib import Path

from kit.demo import create_demo
from kit.model import Actor, ActorInfluence, ActorPosition, GovernanceBody, Influence, Objective, Relation, Stake
from kit.store import Store

TOLERANCE_PX = 3  # two boxes may touch, antialiasing included
SHOTS = os.environ.get("KIT_CHART_SHOTS")  # a folder: each chart's screenshot is saved there, to look at

# Prefix shared by four actors: the labels must keep what differs.
CA = "CA du Val de Charente-Océan"
EXTRA_ACTORS = [
    (f"{CA} – service habitat", "EPCI"), (f"{CA} – service climat", "EPCI"),
    (f"{CA} – service mobilités", "EPCI"), (f"{CA} – service développement économique", "EPCI"),
    ("Mairie de Rivebelle – direction de l'éducation", "Commune"),
    ("Mairie de Rivebelle – direction des espaces verts", "Commune"),
    ("Département – action sociale territoriale", "Département"), ("Région – direction de l'énergie", "Région"),
    ("Préfecture – délégué du préfet", "Services de l'État"), ("Agence régionale de l'énergie", "Organisme ressource régional"),
    ("Banque des Territoires", "Financeur"), ("Association Les Jardins partagés de la Gare", "Association"),
    ("Collège Jean Moulin", "Établissement scolaire"), ("CAF de la Charente-Océan", "CAF"),
    ("Mission locale", "Emploi et insertion"), ("Maison de santé pluriprofessionnelle", "Acteur de santé"),
    ("Régie de quartier", "Entreprise"), ("Collectif d'habitants de la Gare", "Habitants"),
]
# Stakes: several share their (control, importance), so their points coincide on the map.
EXTRA_STAKES = [
    ("Logements mal isolés et humides", 8, 4), ("Mobilité vers l'emploi difficile", 6, 7),
    ("Îlots de chaleur dans les cours d'école", 7, 8), ("Gaspillage alimentaire à la cantine", 5, 5),
    ("Déchets et encombrants dans les halls", 5, 5), ("Inondations des caves", 5, 5),
    ("Isolement des personnes âgées l'été", 9, 5), ("Bruit de la rocade", 4, 3),
    ("Jardins partagés trop peu nombreux", 6, 7), ("Qualité de l'air près de l'école", 7, 6),
    ("Emplois locaux dans la rénovation", 6, 3),
]


def crowd(ws) -> None:
    """The demo territory grown to a full workshop's worth of material."""
    ws.actors += [Actor(name=name, kind=kind) for name, kind in EXTRA_ACTORS]
    actors = ws.actors
    assert len(actors) == 25
    pairs = set()
    kinds = ["coopération", "information", "financement", "décision", "tension"]
    for i in range(len(actors)):  # a ring, then chords: 25 + 20 relations
        pairs.add((i, (i + 1) % len(actors)))
    for i in range(0, 25, 1):
        j = (i * 7 + 3) % 25
        if i != j and (j, i) not in pairs and len(pairs) < 45:
            pairs.add((i, j))
    existing = {(r.source, r.target) for r in ws.relations}
    for n, (i, j) in enumerate(sorted(pairs)):
        if (actors[i].id, actors[j].id) in existing or (actors[j].id, actors[i].id) in existing:
            continue
        ws.relations.append(Relation(source=actors[i].id, target=actors[j].id, kind=kinds[n % len(kinds)],
                                     intensity=1 + n % 3))
    assert len(ws.relations) >= 40
    ws.stakes += [Stake(title=title, control=control, importance=importance)
                  for title, control, importance in EXTRA_STAKES]
    ws.stakes[3].control, ws.stakes[3].importance = 5, 5  # one more on (5, 5)
    assert len(ws.stakes) == 15
    stakes = ws.stakes
    ws.influences = [Influence(source=a.id, target=b.id, value=(i * 3 + j * 5) % 4)
                     for i, a in enumerate(stakes) for j, b in enumerate(stakes)
                     if i != j and (i * 3 + j * 5) % 4]
    # MACTOR for part of the actors: the demo's seven and five more; power and interest for some.
    scored = actors[:12]
    ws.actor_influences = [ActorInfluence(source=a.id, target=b.id, value=1 + (i + 2 * j) % 4)
                           for i, a in enumerate(scored) for j, b in enumerate(scored) if i != j and (i + j) % 3 == 0]
    ws.objectives.append(Objective(title="L'EPCI porte un contrat de ville tourné vers les transitions "
                                         "écologiques et sociales des quartiers"))
    ws.actor_positions = [ActorPosition(actor_id=a.id, objective_id=o.id, value=((i + 2 * k) % 9) - 4)
                          for i, a in enumerate(scored) for k, o in enumerate(ws.objectives) if ((i + 2 * k) % 9) != 4]
    for i, actor in enumerate(actors[:15]):
        actor.power, actor.interest = (3 + i % 5, 6 + i % 3) if i % 4 else (7, 7)  # several on (7, 7)
    ws.bodies.append(GovernanceBody(name='Atelier "ensemble" des habitants', kind="atelier d'habitants",
                                    lead_id=actors[5].id, member_ids=[a.id for a in actors[5:12]],
                                    rhythm="tous les deux mois", decides='Propositions "ensemble" au comité',
                                    reports_to=ws.bodies[1].id))


# Every text plotly drew in a chart on screen (`css`: the chart's class), with its box; and whether the page
# scrolls sideways. `text.slicetext` only: a treemap's slice is a group of that class too.
READ_LAYOUT = """css => {
    const charts = [...document.querySelectorAll('.' + css + ' .js-plotly-plot')].filter(c => c.offsetParent !== null);
    const shown = el => {
        for (let node = el; node && node.nodeType === 1; node = node.parentNode) {
            const style = getComputedStyle(node);
            if (style.display === 'none' || style.visibility === 'hidden' || Number(style.opacity) === 0)
                return false;
        }
        return true;
    };
    const kinds = [['data', '.textpoint text'], ['annotation', '.annotation-text'], ['legend', '.legendtext'],
                   ['tick', '.xtick text, .ytick text'], ['treemap', 'text.slicetext']];
    return {
        scrollWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
        charts: charts.map(chart => {
            const frame = chart.querySelector('.main-svg').getBoundingClientRect();
            const labels = [];
            for (const [kind, css] of kinds) {
                for (const el of chart.querySelectorAll(css)) {
                    const text = el.textContent.trim();
                    if (!text || !shown(el)) continue;
                    const r = el.getBoundingClientRect();
                    if (r.width < 1 || r.height < 1) continue;
                    labels.push({kind, text, x: r.left, y: r.top, w: r.width, h: r.height});
                }
            }
            return {frame: {x: frame.left, y: frame.top, w: frame.width, h: frame.height}, labels};
        }),
    };
}"""


def overlaps(labels: list[dict]) -> list[str]:
    found = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > TOLERANCE_PX and dy > TOLERANCE_PX:
                found.append(f"{a['kind']} « {a['text']} » / {b['kind']} « {b['text']} »")
    return found


def cut(chart: dict) -> list[str]:
    f = chart["frame"]
    return [f"{label['kind']} « {label['text']} »" for label in chart["labels"]
            if label["x"] < f["x"] - TOLERANCE_PX or label["x"] + label["w"] > f["x"] + f["w"] + TOLERANCE_PX
            or label["y"] < f["y"] - TOLERANCE_PX or label["y"] + label["h"] > f["y"] + f["h"] + TOLERANCE_PX]


def visit(page, tab: str, charts: list[str]) -> list[str]:
    """Open a tab, bring each chart on screen until plotly drew it, and return what would not read."""
    page.get_by_role("tab", name=tab).click()
    problems = []
    for css in charts:
        box = page.locator(f".{css}")
        box.first.scroll_into_view_if_needed()
        page.wait_for_selector(f".{css} .js-plotly-plot .main-svg", timeout=60_000)
        page.wait_for_timeout(600)  # plotly's text placement and autosize settle
        read = page.evaluate(READ_LAYOUT, css)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.locator(f".{css} .js-plotly-plot").first.screenshot(path=str(Path(SHOTS) / f"{css}.png"))
        if read["scrollWidth"] > read["viewport"]:
            problems.append(f"{tab} : la page défile de côté ({read['scrollWidth']} px > {read['viewport']} px)")
        assert read["charts"], f"{css}: no chart on screen"
        for chart in read["charts"]:
            assert chart["labels"], f"{css}: no text read"
            problems += [f"{css} : chevauchement {o}" for o in overlaps(chart["labels"])]
            problems += [f"{css} : coupé au bord {c}" for c in cut(chart)]
            problems += [f"{css} : entité HTML visible « {label['text']} »" for label in chart["labels"]
                         if "&quot;" in label["text"] or "&amp;" in label["text"] or "&#" in label["text"]]
    return list(dict.fromkeys(problems))


def test_crowded_charts_read_at_1280x720(page, voila_server, open_app):
    store = Store(voila_server.espaces)
    ws = store.update(create_demo(store).id, crowd)
    assert page.viewport_size == {"width": 1280, "height": 720}

    problems = []
    open_app(page, voila_server.base_url, "notebooks/10_enjeux.ipynb", f"espace={ws.id}")
    problems += visit(page, "3. Carte des enjeux", ["kit-stake-map"])
    problems += visit(page, "4. Analyse structurelle", ["kit-micmac-plane", "kit-micmac-moves"])

    open_app(page, voila_server.base_url, "notebooks/20_projet.ipynb", f"espace={ws.id}")
    problems += visit(page, "1. Cap et objectifs", ["kit-objective-tree"])
    problems += visit(page, "3. Réseau d'acteurs", ["kit-network-map"])
    problems += visit(page, "4. Gouvernance", ["kit-governance-map"])
    problems += visit(page, "5. Stratégies d'acteurs", ["kit-actor-plane", "kit-convergence", "kit-mobilisation",
                                                          "kit-power-interest"])
    assert not problems, f"{len(problems)} problème(s) :\n" + "\n".join(problems)
