"""The map of the neighbourhoods in the session 1 app, driven like a facilitator does (widget values), and
in the command line's deliverable."""

from __future__ import annotations

import json

import pytest

from kit import cli
from kit.apps.enjeux import StakesApp
from kit.demo import create_demo
from kit.reference import contours
from kit.sessions import diagnostic
from tests.unit.test_contours import FIXTURE
from tests.unit.test_enjeux_app import shown
from tests.unit.test_home_app import one


def give(upload, name: str, data: bytes) -> None:
    """What `Upload` sets once a file has arrived whole."""
    upload.value = ({"name": name, "type": "", "size": len(data), "content": memoryview(data), "last_modified": 0},)


@pytest.fixture
def demo(store):
    ws = create_demo(store)
    tilleuls, gare = (n.id for n in ws.neighbourhoods)

    def values(w):
        diagnostic.set_value(w, "taux_pauvrete", "qpv", tilleuls, "41,2")
        diagnostic.set_value(w, "taux_pauvrete", "qpv", gare, "s")
        diagnostic.set_value(w, "population", "qpv", gare, "3 120")

    store.update(ws.id, values)
    return store.load(ws.id)


def areas(app) -> list[dict]:
    return [t for t in one(app.root, "kit-qpv-map").figure["data"] if t.get("fill") == "toself"]


def test_contours_uploaded_are_drawn_kept_and_found_again(store, demo):
    app = shown(StakesApp(store, demo.id))
    assert "Aucun contour importé" in one(app.root, "kit-contours-status").value
    assert areas(app) == []  # a placeholder says what to do
    give(one(app.root, "kit-contours-upload"), FIXTURE.name, FIXTURE.read_bytes())
    assert "Contours importés : 2 quartier(s)" in app.messages.widget.value
    assert one(app.root, "kit-map-indicator").value == "population"  # the first indicator with values
    names = [t["name"] for t in areas(app)]
    assert names == ["Les Tilleuls (QN99901N) : non renseigné", "Quartier de la Gare (QN99902M) : 3 120 habitants"]
    assert "Les Tilleuls" in one(app.root, "kit-map-missing").value

    one(app.root, "kit-map-indicator").value = "taux_pauvrete"
    names = [t["name"] for t in areas(app)]
    assert names == ["Les Tilleuls (QN99901N) : 41,2 &#37;", "Quartier de la Gare (QN99902M) : secret statistique"]
    assert "Quartier de la Gare" in one(app.root, "kit-map-missing").value  # secret: grey, and listed

    kept = store.side_path(demo.id, contours.KIND)
    assert kept.exists() and kept.stat().st_size < 4000
    assert store.load(demo.id).revision == demo.revision  # the workspace itself is untouched
    later = shown(StakesApp(store, demo.id))  # next month, another kernel
    assert "importés de « contours_qpv_fictifs.geojson »" in one(later.root, "kit-contours-status").value
    assert len(areas(later)) == 2


def test_a_value_typed_recolours_the_map(store, demo):
    app = shown(StakesApp(store, demo.id))
    give(one(app.root, "kit-contours-upload"), FIXTURE.name, FIXTURE.read_bytes())
    one(app.root, "kit-map-indicator").value = "taux_pauvrete"
    before = [t["fillcolor"] for t in areas(app)]
    gare = f"qpv:{demo.neighbourhoods[1].id}"
    one(app.root, "kit-diag-grid")._handle_custom_msg(
        {"kind": "edit", "row": "taux_pauvrete", "col": gare, "value": "28"}, [])
    after = [t["fillcolor"] for t in areas(app)]
    assert before[1] == "#c9c9c9" and after[1] != "#c9c9c9" and after[0] != before[0]  # the scale moved


@pytest.mark.parametrize("name, data, words", [
    ("qp.geojson", b"<html>", "n'est pas un GeoJSON lisible"),
    ("qp.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "QN99901N"}, "geometry": None}]}).encode(), "attributs attendus"),
    ("autre.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code_qp": "QN03301M", "lib_qp": "Ailleurs"},
         "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}}]}).encode(),
     "Aucun quartier de cet espace"),
])
def test_a_wrong_file_is_refused_and_nothing_is_kept(store, demo, name, data, words):
    app = shown(StakesApp(store, demo.id))
    give(one(app.root, "kit-contours-upload"), name, data)
    assert words in app.messages.widget.value and "Traceback" not in app.messages.widget.value
    assert words in one(app.root, "kit-contours-note").value  # beside the button too
    assert not store.side_path(demo.id, contours.KIND).exists()


def test_a_damaged_kept_file_is_said_and_replaced_by_the_next_import(store, demo):
    store.write_side(demo.id, contours.KIND, b"{abim")
    app = shown(StakesApp(store, demo.id))
    assert "abîmé" in one(app.root, "kit-contours-status").value
    give(one(app.root, "kit-contours-upload"), FIXTURE.name, FIXTURE.read_bytes())
    assert len(areas(app)) == 2


def test_the_deliverable_button_and_the_command_line_carry_the_map(store, demo, monkeypatch, capsys, tmp_path):
    app = shown(StakesApp(store, demo.id))
    give(one(app.root, "kit-contours-upload"), FIXTURE.name, FIXTURE.read_bytes())
    one(app.root, "kit-make-html").click()
    link = one(app.root, "kit-deliverable").value
    assert "base64," in link
    import base64

    html = base64.b64decode(link.split("base64,")[1].split('"')[0]).decode()
    assert "Carte des quartiers" in html and "toself" in html

    monkeypatch.setenv("KIT_ESPACES", str(store.folder))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["export", demo.id, "--deliverable", "session1", "--format", "html", "--output", "l.html"]) == 0
    assert "Carte des quartiers : Population du quartier" in (tmp_path / "l.html").read_text(encoding="utf-8")


def test_the_command_line_keeps_the_contours_of_a_workspace(store, demo, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("KIT_ESPACES", str(store.folder))
    assert cli.main(["contours", demo.id, str(FIXTURE)]) == 0
    out = capsys.readouterr().out
    assert "Contours de 2 quartier(s) gardés" in out and "Traceback" not in out
    assert len(contours.loads(store.read_side(demo.id, contours.KIND, contours.MAX_KEPT_BYTES)).shapes) == 2
    (tmp_path / "page.geojson").write_text("<html>", encoding="utf-8")
    assert cli.main(["contours", demo.id, str(tmp_path / "page.geojson")]) != 0
    assert "n'est pas un GeoJSON lisible" in capsys.readouterr().err


def test_data_fetch_checks_a_downloaded_contour_file():
    from kit.reference import datafetch

    reader, suffix = datafetch.KINDS["anct_qpv_contours"]
    assert suffix == ".geojson" and len(reader(FIXTURE.read_bytes()).features) == 5
    with pytest.raises(contours.OfficialFormatChanged):
        reader(json.dumps({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"CODE": "x"}, "geometry": None}]}).encode())
