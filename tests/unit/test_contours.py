"""The official contours of the neighbourhoods: read (GeoJSON, zipped GeoJSON, zipped shapefile), chosen
for a territory, simplified, kept beside the workspace, drawn, and carried by the session 1 deliverable."""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import pytest
import shapefile
from shapely.geometry import Point, Polygon as ShapelyPolygon

from kit import charts
from kit.demo import create_demo
from kit.errors import KitError
from kit.reference import contours
from kit.reference.indicators import OfficialFormatChanged
from kit.reports import deliverables
from kit.sessions import diagnostic
from tests.unit.zip_bombs import repeated, zip_of

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "officiels" / "contours_qpv_fictifs.geojson"
DEMO_CODES = {"QN99901N", "QN99902M"}
EPCI = "200099919"  # Rivebelle Agglomération (fictive) in the fixture
NO_VALUE = charts.NO_VALUE_FILL
# Lambert-93 has the projection's name in the .prj the ANCT ships (shortened here).
LAMBERT_PRJ = ('PROJCS["RGF93_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,'
               '298.257222101]]],PROJECTION["Lambert_Conformal_Conic"]]')


@pytest.fixture(scope="module")
def official() -> bytes:
    return FIXTURE.read_bytes()


@pytest.fixture(scope="module")
def read(official) -> contours.Contours:
    return contours.read_contours(official, FIXTURE.name)


def geojson(features: list[dict], **extra) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra}).encode()


def square(x: float, y: float, side: float) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]


def feature(code: str, ring: list, **properties) -> dict:
    return {"type": "Feature", "properties": {"code_qp": code, "lib_qp": f"Quartier {code}", **properties},
            "geometry": {"type": "Polygon", "coordinates": [ring]}}


def lambert_shapefile_zip(official: bytes) -> bytes:
    """The fixture's features as the ANCT's shapefile has them: Lambert-93 metres, in a zip (built with pyshp)."""
    features = json.loads(official)["features"]
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    with shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8") as writer:
        for name in features[0]["properties"]:
            writer.field(name, "C", size=80)
        for f in features:
            geometry = f["geometry"]
            polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
            # Roughly where Bordeaux sits in Lambert-93, one degree taken as 80 km east and 111 km north.
            rings = [[[417_000 + (x + 0.6) * 80_000, 6_423_000 + (y - 44.85) * 111_000] for x, y in ring]
                     for polygon in polygons for ring in polygon]
            writer.poly(rings)
            writer.record(**f["properties"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for suffix, buffer in ((".shp", shp), (".shx", shx), (".dbf", dbf)):
            archive.writestr(f"QP2024_France_L93/qp2024_france_l93{suffix}", buffer.getvalue())
        archive.writestr("QP2024_France_L93/qp2024_france_l93.prj", LAMBERT_PRJ)
        archive.writestr("QP2024_France_L93/qp2024_france_l93.cpg", "UTF-8")
    return out.getvalue()


# -- reading ------------------------------------------------------------------------------------------

def test_the_official_geojson_is_read_feature_by_feature(read):
    assert read.degrees is True
    assert read.columns[:2] == ("code_qp", "lib_qp") and "siren_epci" in read.columns
    assert [f.code for f in read.features] == ["QN99901N", "QN99902M", "QN99902M", "QN99903N", "QN04001M"]
    gare = [f for f in read.features if f.code == "QN99902M"]
    assert [f.commune for f in gare] == ["Saint-Aubin-des-Prés", "Rivebelle"]  # one feature per commune
    assert [len(f.polygons) for f in gare] == [1, 2]  # a Polygon, then a MultiPolygon
    assert len(read.features[0].polygons[0]) == 2  # Les Tilleuls has a hole (a park)


def test_a_zipped_geojson_and_a_zipped_shapefile_are_read(official):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("qp2024/qp2024_france.geojson", official)
    zipped = contours.read_contours(out.getvalue(), "qp2024.zip")
    assert zipped.degrees is True and len(zipped.features) == 5

    lambert = contours.read_contours(lambert_shapefile_zip(official), "QP2024_France_L93.zip")
    assert lambert.degrees is False and [f.code for f in lambert.features][:2] == ["QN99901N", "QN99902M"]
    assert lambert.features[1].commune == "Saint-Aubin-des-Prés"  # the .cpg's encoding
    shapes = contours.neighbourhood_shapes(lambert, DEMO_CODES, source="QP2024_France_L93.zip")
    assert shapes.projection == "Lambert-93"
    x, y = shapes.by_code()["QN99901N"].label
    assert 410_000 < x < 420_000 and 6_420_000 < y < 6_425_000  # kept as published, in metres


def test_every_part_of_an_archive_is_read_and_a_damaged_one_is_said(official):
    features = json.loads(official)["features"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:  # as France and overseas could come
        archive.writestr("qp2024_metropole.geojson", geojson(features[:3]))
        archive.writestr("qp2024_outremer.geojson", geojson(features[3:]))
    both = contours.read_contours(out.getvalue(), "qp2024.zip")
    assert [f.code for f in both.features] == ["QN99901N", "QN99902M", "QN99902M", "QN99903N", "QN04001M"]

    data = bytearray(out.getvalue())
    middle = data.index(b"qp2024_metropole.geojson") + 200
    data[middle:middle + 40] = bytes(40)
    with pytest.raises(KitError, match="est abîmée"):
        contours.read_contours(bytes(data), "qp2024.zip")


@pytest.mark.parametrize("data, name, words", [
    (b"", "vide.geojson", "est vide"),
    (b"<html>Page introuvable</html>", "qp.geojson", "n'est pas un GeoJSON lisible"),
    (b'{"type": "Feature"}', "qp.geojson", "FeatureCollection"),
    ("é".encode("latin-1"), "qp.geojson", "UTF-8"),
    (b"PK\x03\x04 pas une archive", "qp.zip", "n'est pas une archive zip lisible"),
    (b"SQLite format 3\x00", "qp2024.gpkg", "GeoPackage"),
    (geojson([feature("QN99901N", [[0, 0], [1, "a"], [1, 1], [0, 0]])]), "qp.geojson", "géométrie abîmée"),
    (geojson([{"type": "Feature", "properties": {"code_qp": "QN99901N", "lib_qp": "x"},
               "geometry": {"type": "Point", "coordinates": [0, 0]}}]), "qp.geojson", "aucun contour"),
    (b"[" * 100_000 + b"]" * 100_000, "qp.geojson", "imbriqué trop profondément"),
])
def test_a_file_that_is_no_contour_file_is_refused_in_french(data, name, words):
    with pytest.raises(KitError) as refused:
        contours.read_contours(data, name)
    assert words in str(refused.value)


def test_renamed_attributes_say_which_are_missing_and_which_were_found():
    renamed = geojson([{"type": "Feature", "properties": {"CODE_QP_2024": "QN99901N", "NOM": "Les Tilleuls"},
                        "geometry": {"type": "Polygon", "coordinates": [square(0, 0, 1)]}}])
    with pytest.raises(OfficialFormatChanged) as refused:
        contours.read_contours(renamed, "qp.geojson")
    assert refused.value.details[0] == "attributs attendus absents : code_qp, lib_qp"
    assert "CODE_QP_2024, NOM" in refused.value.details[1] and contours.PAGE in refused.value.details[2]


def test_sizes_and_counts_are_bounded_before_anything_large_is_built(monkeypatch, official):
    with pytest.raises(KitError, match="trop volumineux .* 50 Mo au plus"):
        contours.read_contours(b" " * (contours.MAX_BYTES + 1), "qp.geojson")
    monkeypatch.setattr(contours, "MAX_FEATURES", 4)
    with pytest.raises(KitError, match="5 contours, au plus 4 admis"):
        contours.read_contours(official, "qp.geojson")
    monkeypatch.setattr(contours, "MAX_FEATURES", 100)
    monkeypatch.setattr(contours, "MAX_POINTS", 100)
    with pytest.raises(KitError, match="plus de 100 sommets"):
        contours.read_contours(official, "qp.geojson")


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    bomb = zip_of([repeated("qp2024.geojson", b"[0.0,0.0]," * 100_000, 1000)])  # 1 GB once inflated
    with pytest.raises(KitError, match="Import refusé"):
        contours.read_contours(bomb, "qp2024.zip")
    with pytest.raises(KitError, match="ni GeoJSON ni shapefile") as refused:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("lisez-moi.txt", "rien")
        contours.read_contours(out.getvalue(), "qp2024.zip")
    assert "lisez-moi.txt" in refused.value.details[0]


# -- the territory's neighbourhoods -------------------------------------------------------------------

def test_the_workspace_neighbourhoods_are_chosen_by_code_and_grouped(read):
    shapes = contours.neighbourhood_shapes(read, DEMO_CODES | {"QN99999X"}, EPCI, source=FIXTURE.name)
    by_code = shapes.by_code()
    assert list(by_code) == ["QN99901N", "QN99902M"] and shapes.not_found == ("QN99999X",)
    gare = by_code["QN99902M"]
    assert gare.communes == ("Saint-Aubin-des-Prés", "Rivebelle")
    # Its two halves, one per commune, are joined along the boundary: one block, plus the detached piece.
    assert len(gare.polygons) == 2
    assert len(by_code["QN99901N"].polygons[0]) == 2  # the hole is kept
    for shape in shapes.shapes:  # the label lies inside the shape
        assert any(ShapelyPolygon(p[0], p[1:]).contains(Point(shape.label)) for p in shape.polygons)
    assert shapes.projection == "équirectangulaire locale (latitude 44,85°)"


def test_without_codes_the_epci_chooses_and_nothing_found_is_said(read):
    by_epci = contours.neighbourhood_shapes(read, set(), EPCI)
    assert [s.code for s in by_epci.shapes] == ["QN99901N", "QN99902M", "QN99903N"]
    with pytest.raises(KitError, match="Aucun quartier de cet espace") as refused:
        contours.select(read, {"QN33301M"}, "200099901")
    assert "QN33301M" in refused.value.details[0] and "200099901" in refused.value.details[0]


def test_the_projection_keeps_distances_and_shapes_are_simplified():
    # A round neighbourhood of 500 m radius digitised with 2,000 vertices, at Bordeaux's latitude.
    lat0, radius = 44.84, 500
    metre_lat, metre_lon = 1 / 111_195, 1 / (111_195 * math.cos(math.radians(lat0)))
    ring = [[-0.57 + radius * math.cos(t) * metre_lon, lat0 + radius * math.sin(t) * metre_lat]
            for t in (2 * math.pi * i / 2000 for i in range(2000))]
    read = contours.read_contours(geojson([feature("QN03301M", ring + [ring[0]])]), "rond.geojson")
    shape = contours.neighbourhood_shapes(read, {"QN03301M"}).shapes[0]
    xs = [x for x, _ in shape.polygons[0][0]]
    ys = [y for _, y in shape.polygons[0][0]]
    assert max(xs) - min(xs) == pytest.approx(1000, abs=6) and max(ys) - min(ys) == pytest.approx(1000, abs=6)
    assert shape.points < 200  # 2,001 vertices read; 3 m from the true line is far below a pixel


def test_the_kept_file_reads_back_and_a_damaged_one_is_said(read):
    shapes = contours.neighbourhood_shapes(read, DEMO_CODES, source=FIXTURE.name)
    data = contours.dumps(shapes)
    assert len(data) < 4000
    again = contours.loads(data)
    assert again.by_code()["QN99902M"].polygons == shapes.by_code()["QN99902M"].polygons
    assert (again.source, again.projection, again.points_read) == (shapes.source, shapes.projection, shapes.points_read)
    for damaged in (b"", b"{}", data[:-10], b'{"format": "autre"}', b"x" * (contours.MAX_KEPT_BYTES + 1)):
        with pytest.raises(KitError, match="importez à nouveau"):
            contours.loads(damaged)


def test_the_store_keeps_them_beside_the_workspace(store, read):
    ws = store.create("Rivebelle")
    assert store.read_side(ws.id, contours.KIND, 100) is None
    data = contours.dumps(contours.neighbourhood_shapes(read, DEMO_CODES))
    path = store.write_side(ws.id, contours.KIND, data)
    assert path == store.folder / "pieces" / "contours" / f"{ws.id}.json"
    assert store.read_side(ws.id, contours.KIND, contours.MAX_KEPT_BYTES) == data
    assert store.read_side(ws.id, contours.KIND, 10) == b""  # too large: read as damaged
    assert [s.id for s in store.list()] == [ws.id]  # no workspace is listed for it
    copy = store.duplicate(ws.id)
    assert store.read_side(copy.id, contours.KIND, contours.MAX_KEPT_BYTES) == data
    store.remove_side(ws.id, contours.KIND)
    assert store.read_side(ws.id, contours.KIND, 100) is None


# -- the map ------------------------------------------------------------------------------------------

@pytest.fixture
def demo(store):
    ws = create_demo(store)
    tilleuls = ws.neighbourhoods[0].id
    store.update(ws.id, lambda w: diagnostic.set_value(w, "taux_pauvrete", "qpv", tilleuls, "41,2"))
    return store.load(ws.id)


def map_of(ws, shapes, indicator="taux_pauvrete"):
    meta = diagnostic.indicator_meta(indicator)
    return charts.neighbourhood_map(shapes, diagnostic.map_frame(ws, indicator), meta["label"], meta["unit"],
                                    meta["direction"])


def test_the_map_colours_each_neighbourhood_and_greys_those_without_value(demo, read):
    shapes = contours.neighbourhood_shapes(read, DEMO_CODES | {"QN99903N"})
    fig = map_of(demo, shapes)
    areas = [t for t in fig.data if t.fill == "toself"]
    assert len(areas) == 3 and all(t.mode == "lines" for t in areas)
    fills = {t.name.split(" (QN")[0]: t.fillcolor for t in areas}
    assert fills["Les Tilleuls"] not in (NO_VALUE, None)
    assert fills["Quartier de la Gare"] == NO_VALUE  # known to the workspace, no value
    assert fills["Le Moulin (fictif)"] == NO_VALUE  # in the file, not in the workspace
    assert areas[0].name == "Les Tilleuls (QN99901N) : 41,2 &#37;"  # « % », as plotly shows it
    labels = next(t for t in fig.data if t.mode == "text")
    assert labels.text[0] == "<b>Les Tilleuls</b><br>41,2 &#37;"  # no overlap here: names at their centre
    assert labels.customdata[1][2] == "non renseigné"
    scale = next(t for t in fig.data if t.marker.showscale)
    assert scale.marker.colorbar.title.text == "&#37;" and fig.layout.separators == ", "
    notes = fig.layout.annotations[0].text
    assert "En gris, sans valeur : Quartier de la Gare, Le Moulin (fictif)" in notes and "ANCT" in notes
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    bar = next(t for t in fig.data if t.mode == "lines+text")  # distances read on the map
    assert bar.text[1] == "1 km" and bar.x[1] - bar.x[0] == 1000
    # Every label fits in the plot: half the widest label of room at each side.
    left, right = fig.layout.xaxis.range
    assert all(left < x < right for x in labels.x) and labels.cliponaxis is False
    # Plain scatter traces in metres: no geo or map trace, which would fetch a world map or tiles.
    assert {t.type for t in fig.data} == {"scatter"} and not {"geo", "map", "mapbox"} & set(fig.to_dict()["layout"])


def test_close_neighbourhoods_are_numbered_and_named_in_the_legend(demo):
    # Two neighbourhoods 40 m apart and a third one 20 km away: at the territory's scale, two names would
    # be written over each other.
    near = geojson([feature("QN99901N", square(-0.600, 44.85, 0.002)),
                    feature("QN99902M", square(-0.5975, 44.85, 0.002)),
                    feature("QN99903N", square(-0.350, 44.85, 0.002))])
    shapes = contours.neighbourhood_shapes(contours.read_contours(near, "proches.geojson"), DEMO_CODES | {"QN99903N"})
    fig = map_of(demo, shapes)
    marks = next(t for t in fig.data if t.mode == "markers+text")
    assert list(marks.text) == ["1", "2", "3"]
    legend = [t.name for t in fig.data if t.fill == "toself"]
    assert legend == ["1. Les Tilleuls : 41,2 &#37;", "2. Quartier de la Gare : non renseigné",
                      "3. Quartier QN99903N : hors de l'espace de travail"]
    apart = contours.neighbourhood_shapes(contours.read_contours(near, "proches.geojson"), {"QN99901N", "QN99903N"})
    assert not any(t.mode == "markers+text" for t in map_of(demo, apart).data)
    assert all(t.showlegend for t in fig.data if t.fill == "toself")
    # The two numbers are moved apart (never one over the other), above their shapes, tied by a line.
    (x1, x2), (y1, y2) = marks.x[:2], marks.y[:2]
    top = max(y for p in shapes.by_code()["QN99901N"].polygons for _, y in p[0])
    scale = (fig.layout.width - charts.MAP_MARGIN["l"] - charts.MAP_MARGIN["r"]) / (
        fig.layout.xaxis.range[1] - fig.layout.xaxis.range[0])
    assert math.dist((x1, y1), (x2, y2)) * scale >= charts.MARKER_PX and min(y1, y2) > top
    assert any(t.mode == "lines" and t.fill is None and t.hoverinfo == "skip" for t in fig.data)
    assert fig.layout.height == charts.MAP_SIZE[1] + 24 * 3 + 8  # the legend under the map


def test_an_indicator_without_any_value_draws_the_contours_alone(demo, read):
    fig = map_of(demo, contours.neighbourhood_shapes(read, DEMO_CODES), "no2")
    assert "aucune valeur" in fig.layout.title.text
    assert all(t.fillcolor == NO_VALUE for t in fig.data if t.fill == "toself")
    assert not any(t.marker.showscale for t in fig.data)
    empty = contours.NeighbourhoodShapes((), "Lambert-93")
    assert "Importez les contours" in map_of(demo, empty).layout.annotations[0].text


# -- the deliverable ----------------------------------------------------------------------------------

def test_the_session1_deliverable_carries_the_map(demo, read):
    shapes = contours.neighbourhood_shapes(read, DEMO_CODES, source=FIXTURE.name)
    document = deliverables.session1(demo, shapes=shapes)
    titles = [b.text for b in document.blocks if type(b).__name__ == "Heading"]
    assert "Carte des quartiers" in titles
    figures = [b for b in document.blocks if type(b).__name__ == "Figure"]
    maps = [f for f in figures if f.caption.startswith("Les quartiers")]
    assert [m.caption for m in maps] == ["Les quartiers : Taux de pauvreté (%)"]
    _, html = deliverables.export(demo, "session1", "html", shapes=shapes)
    assert "Carte des quartiers : Taux de pauvret" in html.decode() and "toself" in html.decode()
    _, whole = deliverables.export(demo, "projet", "html", shapes=shapes)
    assert "Carte des quartiers" in whole.decode()
    without = [b.text for b in deliverables.session1(demo).blocks if type(b).__name__ == "Heading"]
    assert "Carte des quartiers" not in without


def test_the_word_deliverable_has_the_map_as_an_image(demo, read):
    import docx

    shapes = contours.neighbourhood_shapes(read, DEMO_CODES, source=FIXTURE.name)
    _, plain_doc = deliverables.export(demo, "session1", "docx")
    _, mapped = deliverables.export(demo, "session1", "docx", shapes=shapes)
    count = [len(docx.Document(io.BytesIO(d)).inline_shapes) for d in (plain_doc, mapped)]
    assert count[1] == count[0] + 1
