"""The official contours of the priority neighbourhoods (ANCT, QPV 2024), read and cut down to a territory.

    features = read_contours(data, "qp2024_france.geojson")     # every feature of the official file
    shapes = neighbourhood_shapes(features, codes={"QN03301M"}, siren="200099991", source=name)
    data = dumps(shapes); shapes = loads(data)                  # the small file kept beside a workspace

The ANCT publishes the contours on data.gouv.fr (dataset 5a561801c751df42d7fca9b6, Licence Ouverte) as a
GeoJSON in WGS84 (about 10 MB for France), a shapefile and a GeoPackage in Lambert-93, with the attributes
`code_qp`, `lib_qp`, `insee_reg`, `lib_reg`, `insee_dep`, `lib_dep`, `insee_com`, `lib_com`, `siren_epci`,
`lib_epci`: one feature per neighbourhood and commune (a QPV over two communes has two features, grouped
here by `code_qp`), Polygons and MultiPolygons. The kit reads the GeoJSON (``.geojson``/``.json``, or inside
a zip) and the shapefile (a zip of ``.shp``, ``.shx``, ``.dbf``, read with pyshp).

What is kept is small: only the territory's neighbourhoods, projected to metres (Lambert-93 as published;
WGS84 through a local equirectangular projection, exact enough at a territory's scale), simplified to
`TOLERANCE_M` with shapely (topology preserved: no ring crosses itself), rounded to the metre, with a label
point inside each shape. Drawing needs nothing more, and nothing from outside the computer.

Every refusal is a `KitError` in French (a layout that changed: `OfficialFormatChanged`); sizes and counts
are bounded before anything large is built, and zips go through `kit.archives`.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath

from kit import archives
from kit.errors import KitError, megabytes
from kit.reference.indicators import OfficialFormatChanged, normalize_qpv_code

PAGE = "https://www.data.gouv.fr/fr/datasets/5a561801c751df42d7fca9b6/"
MAX_BYTES = 50 * 1024 * 1024  # a contour file as given (the France GeoJSON is about 10 MB)
ZIP_LIMITS = archives.Limits(total=150 * archives.MiB, member=MAX_BYTES, members=200)  # GeoJSON, shapefile, GeoPackage
MAX_FEATURES = 20_000  # France has about 1,600 neighbourhoods, a few hundred of them over two communes
MAX_POINTS = 5_000_000  # vertices of the whole file
MAX_KEPT_BYTES = 5 * 1024 * 1024  # the file kept beside a workspace (a territory's shapes weigh a few kB)
TOLERANCE_M = 3.0  # simplification: well under a pixel of a territory's map, a third of the points or fewer
EARTH_RADIUS_M = 6_371_000
REQUIRED = ("code_qp", "lib_qp")
OPTIONAL = ("insee_com", "lib_com", "siren_epci", "lib_epci", "insee_dep")
FORMAT = "quartiers-en-transitions/contours"
KIND = "contours"  # the side file's kind in the store (`Store.write_side`)
LAMBERT_93 = "Lambert-93"
WGS84 = "WGS84"
SUFFIXES = (".geojson", ".json", ".zip")

Ring = tuple[tuple[float, float], ...]
Polygon = tuple[Ring, ...]  # the exterior ring, then the holes


@dataclass(frozen=True)
class Feature:
    """One feature of the official file: a neighbourhood in one commune."""

    code: str
    name: str
    commune: str
    siren_epci: str
    polygons: tuple[Polygon, ...]  # in the file's coordinates (degrees or Lambert-93 metres)
    crs: str = WGS84  # WGS84 (degrees), or the name of the metres they are in (Lambert-93)


@dataclass(frozen=True)
class Contours:
    """What a contour file holds once read: its features (of every part of an archive) and attributes."""

    features: tuple[Feature, ...]
    columns: tuple[str, ...] = ()

    @property
    def degrees(self) -> bool:
        return all(f.crs == WGS84 for f in self.features)


@dataclass(frozen=True)
class Shape:
    """One neighbourhood drawn in metres: its polygons (exterior ring then holes) and a point inside it."""

    code: str
    name: str
    communes: tuple[str, ...]
    polygons: tuple[Polygon, ...]
    label: tuple[float, float]

    @property
    def points(self) -> int:
        return sum(len(ring) for polygon in self.polygons for ring in polygon)


@dataclass(frozen=True)
class NeighbourhoodShapes:
    """A territory's neighbourhoods as kept beside its workspace (`dumps`/`loads`)."""

    shapes: tuple[Shape, ...]
    projection: str  # "Lambert-93" or "équirectangulaire locale (latitude 44,84°)"
    source: str = ""  # the file they were read from
    points_read: int = 0  # vertices of the selected features before simplification
    not_found: tuple[str, ...] = field(default=())  # codes asked for that the file does not hold

    def by_code(self) -> dict[str, Shape]:
        return {s.code: s for s in self.shapes}

    @property
    def points(self) -> int:
        return sum(s.points for s in self.shapes)


# -- reading the official file -------------------------------------------------------------------------

def read_contours(data: bytes, filename: str) -> Contours:
    """Every feature of an ANCT contour file (GeoJSON, or a zip holding a GeoJSON or a shapefile)."""
    data = bytes(data)
    name = PurePosixPath(filename or "contours").name
    if not data:
        raise KitError(f"Le fichier « {name} » est vide.")
    if len(data) > MAX_BYTES:
        raise KitError(f"Fichier de contours trop volumineux ({megabytes(len(data))}) : {MAX_BYTES // 1_048_576} Mo "
                       f"au plus (les contours de toute la France pèsent environ 10 Mo). Rien n'a été importé.")
    lowered = name.lower()
    if lowered.endswith(".gpkg"):
        raise KitError("Le kit ne lit pas le format GeoPackage (.gpkg). Prenez sur la même page de l'ANCT le "
                       f"fichier GeoJSON, ou l'archive .zip du shapefile : {PAGE}")
    if lowered.endswith(".zip") or data[:4] == b"PK\x03\x04":
        return _read_zip(data, name)
    return _read_geojson(data, name)


def _read_zip(data: bytes, name: str) -> Contours:
    try:
        archive = archives.open_zip(data, f"l'archive « {name} »", ZIP_LIMITS)  # zip bombs refused here
    except zipfile.BadZipFile:
        raise KitError(f"« {name} » n'est pas une archive zip lisible (fichier incomplet ?). Rien n'a été "
                       "importé.") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and not PurePosixPath(m.filename).name.startswith(".")]
        by_suffix: dict[str, list[zipfile.ZipInfo]] = {}
        for member in members:
            by_suffix.setdefault(PurePosixPath(member.filename).suffix.lower(), []).append(member)
        # Every GeoJSON of the archive (all in degrees), else every shapefile (France, overseas...): a
        # territory's neighbourhoods are chosen afterwards, in whichever part holds them.
        geojson = by_suffix.get(".geojson", []) + by_suffix.get(".json", [])
        try:
            parts = ([_read_geojson(archive.read(m), PurePosixPath(m.filename).name) for m in geojson] if geojson
                     else [_read_shapefile(archive, by_suffix, shp, name) for shp in by_suffix.get(".shp", [])])
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, RuntimeError):
            raise KitError(f"L'archive « {name} » est abîmée (un élément ne se décompresse pas) : rien n'a été "
                           "importé.") from None
        if parts:
            features = tuple(f for part in parts for f in part.features)
            _check_count(len(features), name)
            return Contours(features, tuple(dict.fromkeys(c for part in parts for c in part.columns)))
    found = ", ".join(sorted(PurePosixPath(m.filename).name for m in members)[:8]) or "rien"
    raise KitError(f"L'archive « {name} » ne contient ni GeoJSON ni shapefile des contours des quartiers.",
                   details=[f"fichiers trouvés : {found}", f"les contours officiels : {PAGE}"])


def _read_geojson(data: bytes, name: str) -> Contours:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KitError(f"« {name} » n'est pas un fichier GeoJSON (texte UTF-8 attendu). Rien n'a été importé.") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise KitError(f"« {name} » n'est pas un GeoJSON lisible (ligne {error.lineno}, colonne {error.colno}) : "
                       "fichier tronqué ou d'un autre type ? Rien n'a été importé.") from None
    except RecursionError:
        raise KitError(f"« {name} » est imbriqué trop profondément pour un GeoJSON. Rien n'a été importé.") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise KitError(f"« {name} » n'est pas une collection de contours GeoJSON (« FeatureCollection » attendue). "
                       "Rien n'a été importé.", details=[f"les contours officiels : {PAGE}"])
    raw = document["features"]
    _check_count(len(raw), name)
    records = []
    for feature in raw:
        if not isinstance(feature, dict):
            continue
        properties = feature.get("properties") if isinstance(feature.get("properties"), dict) else {}
        records.append((properties, feature.get("geometry")))
    crs = json.dumps(document.get("crs", ""))
    return _contours(records, name, planar=_planar_name(crs))


def _read_shapefile(archive: zipfile.ZipFile, by_suffix: dict, shp: zipfile.ZipInfo, name: str) -> Contours:
    import shapefile  # pyshp, pure Python: loaded only when a shapefile is given

    # pyshp logs a warning per polygon whose rings turn the wrong way (it still reads them, as exteriors):
    # the drawing is the same, and a server's log has no use for thousands of such lines.
    shapefile.VERBOSE = False

    stem = PurePosixPath(shp.filename).with_suffix("")

    def sibling(suffix: str) -> zipfile.ZipInfo | None:
        return next((m for m in by_suffix.get(suffix, []) if PurePosixPath(m.filename).with_suffix("") == stem), None)

    dbf, shx, cpg, prj = sibling(".dbf"), sibling(".shx"), sibling(".cpg"), sibling(".prj")
    if dbf is None:
        raise KitError(f"L'archive « {name} » contient « {PurePosixPath(shp.filename).name} » sans son fichier "
                       "d'attributs .dbf : rien n'a été importé.")
    encoding = "utf-8"
    if cpg is not None:
        declared = archive.read(cpg)[:40].decode("ascii", "replace").strip().lower()
        encoding = {"1252": "cp1252", "ansi 1252": "cp1252", "iso-8859-1": "latin-1", "8859-1": "latin-1"}.get(
            declared, declared or "utf-8")
    projection = archive.read(prj)[:4000].decode("latin-1") if prj is not None else ""
    try:
        reader = shapefile.Reader(shp=io.BytesIO(archive.read(shp)), dbf=io.BytesIO(archive.read(dbf)),
                                  shx=io.BytesIO(archive.read(shx)) if shx is not None else None,
                                  encoding=encoding, encodingErrors="replace")
    except LookupError:
        raise KitError(f"L'encodage « {encoding} » déclaré dans l'archive « {name} » est inconnu.") from None
    except Exception as error:  # noqa: BLE001 - pyshp raises many kinds for a damaged file
        raise KitError(f"Le shapefile de l'archive « {name} » est illisible ({type(error).__name__}) : rien n'a "
                       "été importé.") from None
    with reader:
        _check_count(len(reader), name)
        columns = [f[0] for f in reader.fields[1:]]
        records = []
        try:
            for record in reader.iterShapeRecords():
                geometry = record.shape.__geo_interface__ if record.shape.shapeType != shapefile.NULL else None
                records.append((dict(zip(columns, record.record)), geometry))
        except Exception as error:  # noqa: BLE001
            raise KitError(f"Le shapefile de l'archive « {name} » est abîmé ({type(error).__name__}) : rien n'a été "
                           "importé.") from None
    return _contours(records, name, planar=_planar_name(projection))


def _planar_name(declared: str) -> str:
    """What metres the file's coordinates are (the ANCT's are Lambert-93; degrees are told by their values)."""
    if not declared.strip(' "') or re.search(r"lambert.?93|2154", declared, re.I):
        return LAMBERT_93
    return "coordonnées du fichier, en mètres"


def _check_count(count: int, name: str) -> None:
    if count > MAX_FEATURES:
        raise KitError(f"« {name} » contient {_count(count)} contours, au plus {_count(MAX_FEATURES)} admis (la France "
                       "en compte environ 2\u202f000) : ce n'est pas le fichier des quartiers prioritaires.")


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")  # 20 000, as French typography writes it


def _contours(records: list[tuple[dict, object]], name: str, planar: str = LAMBERT_93) -> Contours:
    """Features from (properties, GeoJSON geometry) pairs. Degrees (WGS84) or metres (Lambert-93) are told
    apart by the coordinates themselves: no French point in metres lies within ±180 and ±90."""
    columns = list(dict.fromkeys(k for properties, _ in records for k in properties)) if records else []
    by_name = {str(c).casefold(): c for c in columns}
    missing = [c for c in REQUIRED if c not in by_name]
    if missing:
        raise OfficialFormatChanged(
            f"« {name} » n'a pas les attributs des contours officiels des quartiers prioritaires : rien n'a été importé.",
            details=[f"attributs attendus absents : {', '.join(missing)}",
                     f"attributs trouvés : {', '.join(map(str, columns[:15])) or 'aucun'}",
                     f"les contours officiels : {PAGE}"])
    features, points = [], 0
    for properties, geometry in records:
        def attribute(key: str) -> str:
            value = properties.get(by_name[key]) if key in by_name else None
            return "" if value is None else str(value).strip()

        polygons = _polygons(geometry, name)
        code = normalize_qpv_code(attribute("code_qp"))
        if not polygons or not code:
            continue  # a point, a line or an empty geometry: nothing to draw
        points += sum(len(ring) for polygon in polygons for ring in polygon)
        if points > MAX_POINTS:
            raise KitError(f"« {name} » compte plus de {_count(MAX_POINTS)} sommets : bien plus que les contours de "
                           "toute la France. Rien n'a été importé.")
        features.append(Feature(code=code, name=attribute("lib_qp") or code, commune=attribute("lib_com"),
                                siren_epci=attribute("siren_epci"), polygons=polygons, crs=planar))
    if not features:
        raise KitError(f"« {name} » ne contient aucun contour de quartier (polygones avec un code_qp). Rien n'a été "
                       "importé.")
    if all(-180 <= x <= 180 and -90 <= y <= 90 for f in features[:50] for p in f.polygons[:1] for x, y in p[0][:5]):
        features = [replace(f, crs=WGS84) for f in features]
    return Contours(tuple(features), tuple(map(str, columns)))


def _polygons(geometry, name: str) -> tuple[Polygon, ...]:
    """The polygons of a GeoJSON Polygon or MultiPolygon (anything else: none); a damaged one is refused."""
    if not isinstance(geometry, dict):
        return ()
    kind, coordinates = geometry.get("type"), geometry.get("coordinates")
    if kind not in ("Polygon", "MultiPolygon"):
        return ()
    polygons = [coordinates] if kind == "Polygon" else coordinates
    try:
        result = tuple(tuple(tuple((float(p[0]), float(p[1])) for p in ring) for ring in polygon)
                       for polygon in polygons)
    except (TypeError, ValueError, IndexError):
        raise KitError(f"« {name} » contient une géométrie abîmée (coordonnées illisibles). Rien n'a été "
                       "importé.") from None
    if any(not math.isfinite(v) for polygon in result for ring in polygon for point in ring for v in point):
        raise KitError(f"« {name} » contient des coordonnées qui ne sont pas des nombres. Rien n'a été importé.")
    # A ring needs four points (the last repeats the first); a degenerate hole is left out, not the polygon.
    return tuple((polygon[0], *(ring for ring in polygon[1:] if len(ring) >= 4)) for polygon in result
                 if polygon and len(polygon[0]) >= 4)


# -- the territory's neighbourhoods ---------------------------------------------------------------------

def select(contours: Contours, codes: set[str], siren: str = "") -> tuple[list[Feature], str]:
    """The features of the territory: those of its neighbourhoods' QPV codes, else those of its EPCI's
    SIREN. Returns them and how they were chosen ("codes" or "epci"); a KitError when none matches."""
    codes = {normalize_qpv_code(c) for c in codes if c}
    chosen = [f for f in contours.features if f.code in codes]
    if chosen:
        return chosen, "codes"
    if siren:
        chosen = [f for f in contours.features if f.siren_epci == siren]
        if chosen:
            return chosen, "epci"
    asked = ", ".join(sorted(codes)[:6]) or "aucun code QPV"
    raise KitError("Aucun quartier de cet espace de travail ne figure dans ce fichier de contours : rien n'a été "
                   "gardé.", details=[f"codes de l'espace : {asked}" + (f" ; SIREN de l'EPCI : {siren}" if siren else ""),
                                      "renseignez les codes QPV des quartiers sur la page d'accueil, ou prenez le "
                                      f"fichier national : {PAGE}"])


def neighbourhood_shapes(contours: Contours, codes: set[str], siren: str = "", source: str = "",
                         tolerance: float = TOLERANCE_M) -> NeighbourhoodShapes:
    """The territory's neighbourhoods (see `select`), one shape per QPV code, in metres, simplified."""
    from shapely import geometry as sg  # shapely (GEOS) is loaded only when contours are read
    from shapely.errors import GEOSException
    from shapely.geometry.polygon import orient
    from shapely.ops import polylabel, unary_union
    from shapely.validation import make_valid

    features, _ = select(contours, codes, siren)
    systems = {f.crs for f in features}
    if len(systems) > 1:
        raise KitError("Les contours de ce territoire sont donnés dans plusieurs systèmes de coordonnées à la fois ("
                       f"{', '.join(sorted(systems))}) : importez le seul fichier GeoJSON de l'ANCT.")
    project, projection = _projection(features, systems.pop())
    grouped: dict[str, list[Feature]] = {}
    for feature in features:
        grouped.setdefault(feature.code, []).append(feature)
    shapes, read = [], 0
    for code, parts in grouped.items():
        pieces = []
        try:
            for feature in parts:
                for polygon in feature.polygons:
                    read += sum(len(r) for r in polygon)
                    rings = [[project(x, y) for x, y in ring] for ring in polygon]
                    pieces.append(make_valid(sg.Polygon(rings[0], rings[1:])))
            # The communes' halves of a neighbourhood are joined: no line is drawn along the commune boundary.
            whole = unary_union(pieces).simplify(tolerance, preserve_topology=True)
        except (GEOSException, ValueError):
            raise KitError(f"Le contour du quartier {code} est abîmé dans ce fichier (polygone illisible) : rien n'a "
                           "été gardé.") from None
        # Exterior rings counter-clockwise, holes clockwise: plotly's fill then leaves the holes empty.
        polygons = tuple(_rounded(orient(p, 1.0)) for p in _parts(whole) if p.area > 0)
        if not polygons:
            continue
        # The label's place: the point of the largest part farthest from its edges (holes included), where
        # a name has the most room.
        largest = max(_parts(whole), key=lambda p: p.area)
        label = polylabel(largest, tolerance=max(1.0, math.sqrt(largest.area) / 100))
        communes = tuple(dict.fromkeys(f.commune for f in parts if f.commune))
        shapes.append(Shape(code=code, name=parts[0].name, communes=communes, polygons=polygons,
                            label=(round(label.x, 1), round(label.y, 1))))
    not_found = tuple(sorted({normalize_qpv_code(c) for c in codes if c} - set(grouped)))
    return NeighbourhoodShapes(tuple(sorted(shapes, key=lambda s: s.code)), projection, source, read, not_found)


def _projection(features: list[Feature], crs: str):
    if crs != WGS84:
        return (lambda x, y: (x, y)), crs
    ys = [y for f in features for p in f.polygons for x, y in p[0]]
    latitude = (min(ys) + max(ys)) / 2
    scale = math.radians(1) * EARTH_RADIUS_M
    shrink = math.cos(math.radians(latitude))
    text = f"{latitude:.2f}".replace(".", ",")
    return (lambda x, y: (x * scale * shrink, y * scale)), f"équirectangulaire locale (latitude {text}°)"


def _parts(geometry) -> list:
    if geometry.geom_type == "Polygon":
        return [geometry]
    if geometry.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geometry.geoms for p in _parts(g)]
    return []


def _rounded(polygon) -> Polygon:
    def ring(coords) -> Ring:
        return tuple((round(x), round(y)) for x, y, *_ in coords)

    return (ring(polygon.exterior.coords), *(ring(r.coords) for r in polygon.interiors))


# -- the file kept beside a workspace -------------------------------------------------------------------

def dumps(shapes: NeighbourhoodShapes) -> bytes:
    """The shapes as a small JSON document (coordinates in whole metres)."""
    document = {"format": FORMAT, "version": 1, "projection": shapes.projection, "source": shapes.source,
                "points_read": shapes.points_read, "not_found": list(shapes.not_found),
                "shapes": [{"code": s.code, "name": s.name, "communes": list(s.communes), "label": list(s.label),
                            "polygons": [[[list(p) for p in ring] for ring in polygon] for polygon in s.polygons]}
                           for s in shapes.shapes]}
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def loads(data: bytes) -> NeighbourhoodShapes:
    """The shapes `dumps` wrote; a KitError if the file was damaged (it is then simply loaded again)."""
    damaged = KitError("Le fichier des contours gardé pour cet espace est abîmé : importez à nouveau le fichier "
                       "des contours des quartiers.")
    if len(data) > MAX_KEPT_BYTES:
        raise damaged
    try:
        document = json.loads(bytes(data).decode("utf-8"))
        if document.get("format") != FORMAT:
            raise ValueError
        shapes = tuple(Shape(code=str(s["code"]), name=str(s["name"]), communes=tuple(map(str, s.get("communes", []))),
                             label=(float(s["label"][0]), float(s["label"][1])),
                             polygons=tuple(tuple(tuple((float(x), float(y)) for x, y in ring) for ring in polygon)
                                            for polygon in s["polygons"]))
                       for s in document["shapes"])
        return NeighbourhoodShapes(shapes, str(document.get("projection", "")), str(document.get("source", "")),
                                   int(document.get("points_read") or 0),
                                   not_found=tuple(map(str, document.get("not_found", []))))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError, UnicodeDecodeError):
        raise damaged from None
