"""The map of the neighbourhoods in a real Voilà and browser: the official contours uploaded, the map drawn
as SVG shapes coloured by an indicator, and not one request outside this computer (no tiles, no world map)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kit.demo import create_demo
from kit.sessions import diagnostic
from kit.store import Store

APP = "notebooks/10_enjeux.ipynb"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "officiels" / "contours_qpv_fictifs.geojson"
GREY = "rgb(201, 201, 201)"  # kit.charts.NO_VALUE_FILL as the browser writes it


def fills(page) -> list[str]:
    return page.eval_on_selector_all(".kit-qpv-map .scatterlayer path.js-fill",
                                     "paths => paths.map(p => getComputedStyle(p).fill)")


def test_contours_uploaded_draw_the_map_offline(page, voila_server, open_app, watch, tmp_path):
    store = Store(voila_server.espaces)
    ws = create_demo(store)
    tilleuls, gare = (n.id for n in ws.neighbourhoods)

    def values(w):
        diagnostic.set_value(w, "taux_pauvrete", "qpv", tilleuls, "41,2")
        diagnostic.set_value(w, "taux_pauvrete", "qpv", gare, "28,7")
        diagnostic.set_value(w, "population", "qpv", gare, "3 120")

    store.update(ws.id, values)
    open_app(page, voila_server.base_url, APP, f"espace={ws.id}")
    page.locator(".kit-lazy-map-open").click()  # the map's panel is built when opened
    page.wait_for_selector(".kit-qpv-map .main-svg", timeout=60_000)  # the placeholder, until contours come

    with page.expect_file_chooser() as chooser:
        page.locator(".kit-contours-upload button").click()
    chooser.value.set_files(str(FIXTURE))
    page.wait_for_selector(".kit-msg-ok:has-text('Contours importés : 2 quartier(s)')", timeout=60_000)
    page.wait_for_function("document.querySelectorAll('.kit-qpv-map .scatterlayer path.js-fill').length === 2",
                           timeout=30_000)
    assert store.side_path(ws.id, "contours").exists()
    # Population: only the station district has one, Les Tilleuls is grey and named under the map.
    colours = fills(page)
    assert colours[0] == GREY and colours[1] != GREY
    assert "Les Tilleuls" in page.locator(".kit-map-missing").inner_text()

    page.locator(".kit-map-indicator select").select_option(label="Taux de pauvreté (%)")
    page.wait_for_selector(".kit-qpv-map .gtitle:has-text('Taux de pauvreté')", timeout=30_000)
    page.wait_for_function(
        "[...document.querySelectorAll('.kit-qpv-map .scatterlayer path.js-fill')]"
        ".every(p => getComputedStyle(p).fill !== 'rgb(201, 201, 201)')", timeout=30_000)
    assert page.locator(".kit-qpv-map .textpoint:has-text('Les Tilleuls')").count() == 1
    assert page.locator(".kit-qpv-map .colorbar").count() == 1
    # Hovering a neighbourhood names it, with its code and its value written the French way.
    box = page.locator(".kit-qpv-map .textpoint:has-text('Les Tilleuls')").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".kit-qpv-map .hoverlayer .hovertext:has-text('QN99901N')", timeout=10_000)
    assert "41,2 %" in page.locator(".kit-qpv-map .hoverlayer .hovertext").first.text_content()
    page.mouse.move(5, 5)
    assert watch.external == []  # no tile, no font, no world map: the room may have no internet

    # What a room sees on the projector (1280 × 720), kept for whoever checks it by eye.
    page.eval_on_selector(".kit-map-indicator", "box => box.scrollIntoView({block: 'start'})")
    shot = tmp_path / "carte-des-quartiers.png"
    page.screenshot(path=str(shot))
    if os.environ.get("KIT_E2E_SCREENSHOTS"):
        shutil.copy(shot, Path(os.environ["KIT_E2E_SCREENSHOTS"]) / shot.name)
