"""No value breaks a workspace: every field's extreme values go through `Store.update` and come back
from `Store.load` unchanged, or are refused in French with nothing written.

The cases are generated from the model's field metadata (types, lengths, bounds, patterns), for every
field of every part of the document: a new field is covered without touching this file, and a field
whose values cannot be generated from its metadata (a text with its own format, like the SIREN) makes
`test_every_field_has_generated_cases` name it, so that a sample is added to `SAMPLES` below.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import sys
import types
import typing
from dataclasses import dataclass

import annotated_types
import pytest
from pydantic import BaseModel

from kit.errors import KitError
from kit.model import (FIELD_LABELS, Action, ActionIndicator, Actor, ActorInfluence, ActorPosition, Application,
                       BudgetLine, CustomIndicator, GovernanceBody, GroupMember, IndicatorValue, Influence,
                       LocalProject, Measurement, Milestone, Neighbourhood, Objective, Relation, SessionRecord, Stake,
                       Step, Territory, Vision, WorkItem, Workspace)
from kit.store import dump

# Set by the store on each save, or the store's key: not something a person types.
STORE_FIELDS = {("Workspace", "id"), ("Workspace", "revision"), ("Workspace", "updated_at"),
                ("Workspace", "format"), ("Workspace", "schema_version")}

ACCEPTED, REFUSED, EITHER = "accepted", "refused", "either"


@dataclass
class Case:
    label: str
    value: object
    outcome: str = ACCEPTED
    expected: object = None  # what is read back when it differs from `value` (stripped text)


# Texts with their own format: their metadata says nothing a generator can use.
SAMPLES = {
    ("Territory", "epci_siren"): [Case("valide", "244000675"), Case("vide", ""),
                                  Case("clé fausse", "244000676", REFUSED), Case("lettres", "24400067a", REFUSED)],
    ("Neighbourhood", "qpv_code"): [Case("Corse", "QN02A01N"), Case("2015", "QP033007"), Case("vide", ""),
                                    Case("espaces", "qn 033 01 m", expected="QN03301M"),
                                    Case("faux", "QN0330M", REFUSED)],
}

# Every script and mark a person may paste: accents, ligatures, typographic apostrophes and dashes,
# emoji (one and several code points), Hebrew and Arabic (right to left) with explicit direction marks,
# line and paragraph separators, CJK, a presentation form, tabs and newlines.
UNICODE_MIX = ("Éléonore œuvre à l’été — « oui » 😀👍🏽👨‍👩‍👧 שלום مرحبا \u200f\u202eRTL\u202c "
               "\u2028ligne\u2029 汉字 ﬁn\tx\ny ")


def text_of_length(length: int) -> str:
    """Exactly `length` characters, starting and ending with a letter (outer spaces are trimmed)."""
    if length <= 1:
        return "z"[:length]
    body = (UNICODE_MIX * (length // len(UNICODE_MIX) + 1))[: length - 1]
    return body + "z"


def full_document() -> Workspace:
    """One of every part of the document, every link and list filled: each field is reachable."""
    return Workspace(
        id="grand-dax", name="Grand Dax",
        territory=Territory(epci_name="CA du Grand Dax", epci_siren="244000675", communes=["Dax"]),
        application=Application(stakes_summary="Chaleur", sent_on=dt.date(2024, 5, 1)),
        neighbourhoods=[Neighbourhood(id="qpv-aaaaaa", name="Le Sablar", qpv_code="QN04001M", commune="Dax")],
        indicator_values=[IndicatorValue(indicator="taux_pauvrete", place_kind="commune", place="40088", value=41.5,
                                         year=2020),  # the first one's place is free text: a commune's code
                          IndicatorValue(indicator="taux_pauvrete", place="qpv-aaaaaa", value=38.0, year=2020),
                          IndicatorValue(indicator="ind-cccccc", place="qpv-aaaaaa", value=3.0)],
        custom_indicators=[CustomIndicator(id="ind-cccccc", name="Jardins partagés", unit="jardins", direction="haut",
                                           source="Ville", definition="Jardins ouverts aux habitants")],
        stakes=[Stake(id="enj-aaaaaa", title="Chaleur", neighbourhood_ids=["qpv-aaaaaa"], importance=5, control=5,
                      urgency=5, indicator_codes=["taux_pauvrete"]),
                Stake(id="enj-bbbbbb", title="Mobilité")],
        influences=[Influence(source="enj-aaaaaa", target="enj-bbbbbb", value=2)],
        local_projects=[LocalProject(id="proj-aaaaaa", name="PCAET", stake_ids=["enj-aaaaaa"])],
        vision=Vision(ambition="Un quartier frais"),
        objectives=[Objective(id="obj-bbbbbb", title="Planter", level="opérationnel", parent_id="obj-aaaaaa"),
                    Objective(id="obj-aaaaaa", title="Rafraîchir", stake_ids=["enj-aaaaaa"])],
        actors=[Actor(id="act-aaaaaa", name="Ville", power=5, interest=5), Actor(id="act-bbbbbb", name="Bailleur")],
        relations=[Relation(id="rel-aaaaaa", source="act-aaaaaa", target="act-bbbbbb")],
        project_group=[GroupMember(actor_id="act-aaaaaa", role="acteur clé")],
        bodies=[GovernanceBody(id="inst-bbbbbb", name="COTECH", lead_id="act-aaaaaa", member_ids=["act-bbbbbb"],
                               reports_to="inst-aaaaaa", first_meeting=dt.date(2025, 2, 3),
                               meeting_time=dt.time(14, 30)),
                GovernanceBody(id="inst-aaaaaa", name="COPIL")],
        actor_influences=[ActorInfluence(source="act-aaaaaa", target="act-bbbbbb", value=2)],
        actor_positions=[ActorPosition(actor_id="act-aaaaaa", objective_id="obj-aaaaaa", value=-2)],
        actions=[Action(id="fa-aaaaaa", title="Ombrières", objective_ids=["obj-bbbbbb"], lead_id="act-aaaaaa",
                        partner_ids=["act-bbbbbb"], neighbourhood_ids=["qpv-aaaaaa"], depends_on=["fa-bbbbbb"],
                        start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1),
                        steps=[Step(id="etape-aaaaaa", title="Étude", due=dt.date(2025, 3, 1))],
                        budget=[BudgetLine(year=2025, amount=1000, funder="Fonds vert")],
                        indicators=[ActionIndicator(id="ind-aaaaaa", name="Arbres", baseline=0, target=100,
                                                    measurements=[Measurement(on=dt.date(2025, 6, 1), value=12)])]),
                 Action(id="fa-bbbbbb", title="Fresque")],
        milestones=[Milestone(id="jalon-aaaaaa", title="COPIL", on=dt.date(2025, 2, 1))],
        sessions=[SessionRecord(number=1, held_on=dt.date(2024, 10, 1), participants=["Ville"],
                                work_plan=[WorkItem(id="tache-aaaaaa", task="Relire", due=dt.date(2024, 11, 1))])],
    )


# -- reading the model's metadata ------------------------------------------------------------------


def parts_of(annotation) -> set[type]:
    """Every model class an annotation may hold, however deep (lists, optionals)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found = {annotation}
        for field in annotation.model_fields.values():
            found |= parts_of(field.annotation)
        return found
    return set().union(set(), *(parts_of(arg) for arg in typing.get_args(annotation)))


def first_instances(obj, path=()):
    """(path, instance) of the first instance of each model class in the document, depth first."""
    seen: dict[type, tuple] = {}

    def walk(item, where):
        if isinstance(item, BaseModel):
            seen.setdefault(type(item), where)
            for name in type(item).model_fields:
                walk(getattr(item, name), (*where, name))
        elif isinstance(item, list):
            for index, element in enumerate(item):
                walk(element, (*where, index))

    walk(obj, path)
    return seen


@dataclass
class Kind:
    """A field's type read from its annotation and metadata."""

    base: object
    optional: bool
    constraints: dict


def constraints_of(metadata) -> dict:
    found = {}
    for item in metadata:
        if hasattr(item, "metadata") and not isinstance(item, annotated_types.BaseMetadata):  # a nested FieldInfo
            found |= constraints_of(item.metadata)
        for key in ("max_length", "min_length", "ge", "le", "gt", "lt", "pattern"):
            if getattr(item, key, None) is not None:
                found[key] = getattr(item, key)
    return found


def kind_of(annotation, metadata=()) -> Kind:
    constraints = constraints_of(metadata)
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = typing.get_args(annotation)
            constraints |= constraints_of(extra)
        elif origin in (typing.Union, types.UnionType) and type(None) in typing.get_args(annotation):
            optional = True
            rest = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]
        else:
            return Kind(annotation, optional, constraints)


def pattern_lengths(pattern: str) -> list[int]:
    return [n for n in range(1, 300) if re.fullmatch(pattern, "a" * n)]


def cases_for(cls: type, name: str) -> list[Case] | None:
    """The extreme values of one field, or None when its metadata gives nothing to build them from."""
    if (cls.__name__, name) in SAMPLES:
        return SAMPLES[(cls.__name__, name)]
    field = cls.model_fields[name]
    kind = kind_of(field.annotation, field.metadata)
    cases = [Case("absent", None, EITHER)] if kind.optional else []
    more = scalar_cases(kind)
    if more is None:
        if typing.get_origin(kind.base) is list:
            item = kind_of(typing.get_args(kind.base)[0])
            cases.append(Case("liste vide", [], EITHER))
            if item.base is str and "max_length" in item.constraints:
                longest = text_of_length(item.constraints["max_length"])
                cases.append(Case("textes extrêmes", [longest, "a\x00b\x1b\x7f"], expected=[longest, "ab"]))
                cases.append(Case("texte trop long", [text_of_length(item.constraints["max_length"] + 1)], REFUSED))
            return cases
        if isinstance(kind.base, type) and issubclass(kind.base, BaseModel):
            return []  # a nested part: its own fields are cases of their own
        return None
    return cases + more


def scalar_cases(kind: Kind) -> list[Case] | None:
    base, c = kind.base, kind.constraints
    if typing.get_origin(base) is typing.Literal:
        return [Case(f"valeur {v!r}", v, EITHER) for v in typing.get_args(base)] + [Case("hors liste", "zzz", REFUSED)]
    if base is bool:
        return [Case("oui", True), Case("non", False)]
    if base is str and "pattern" in c:
        lengths = pattern_lengths(c["pattern"])
        return [Case("identifiant le plus court", "a" * lengths[0]),
                Case("identifiant le plus long", "a" * lengths[-1]),
                Case("identifiant trop long", "a" * (lengths[-1] + 1), REFUSED),
                Case("majuscules", "A" * lengths[0], REFUSED)]
    if base is str and "max_length" in c:
        n = c["max_length"]
        return [Case("texte le plus long", text_of_length(n)), Case("texte trop long", text_of_length(n + 1), REFUSED),
                Case("texte d'un caractère", "é"), Case("texte vide", "", EITHER),
                Case("caractères de contrôle", " a\x00b\x07\x1b\x7fc\x0b ", expected="abc"),
                Case("surrogat isolé", "a\ud800b", REFUSED)]
    if base is int:
        low, high = c.get("ge"), c.get("le")
        if low is None or high is None:
            return None
        return [Case("minimum", low), Case("maximum", high), Case("sous le minimum", low - 1, REFUSED),
                Case("au-dessus du maximum", high + 1, REFUSED), Case("NaN", math.nan, REFUSED),
                Case("infini", math.inf, REFUSED)]
    if base is float:
        cases = [Case("NaN", math.nan, REFUSED), Case("+infini", math.inf, REFUSED),
                 Case("-infini", -math.inf, REFUSED)]
        low, high = c.get("ge"), c.get("le")
        if low is not None and high is not None:
            return cases + [Case("minimum", float(low)), Case("maximum", float(high)),
                            Case("sous le minimum", low - 0.001, REFUSED),
                            Case("au-dessus du maximum", high * 1.001, REFUSED)]
        return cases + [Case("plus grand flottant", sys.float_info.max), Case("plus petit", -sys.float_info.max),
                        Case("sous-normal", 5e-324), Case("moins zéro", -0.0), Case("décimal", 0.1 + 0.2),
                        Case("entier trop grand", 10**400, EITHER)]
    if base is dt.date:
        return [Case("première date", dt.date.min, EITHER), Case("2000", dt.date(2000, 1, 1), EITHER),
                Case("2100", dt.date(2100, 12, 31), EITHER), Case("dernière date", dt.date.max, EITHER),
                Case("date et heure", dt.datetime(2025, 5, 1, 13, 30), EITHER),
                Case("30 février", "2025-02-30", REFUSED)]
    if base is dt.time:
        return [Case("minuit", dt.time(0, 0)), Case("23h59", dt.time(23, 59)),
                Case("avec secondes", dt.time(14, 30, 45, 12), expected=dt.time(14, 30)),
                Case("avec fuseau", dt.time(14, 30, tzinfo=dt.timezone(dt.timedelta(hours=14))), EITHER),
                Case("25 heures", "25:00", REFUSED)]
    if base is dt.datetime:
        utc, far_east = dt.timezone.utc, dt.timezone(dt.timedelta(hours=14))
        return [Case("premier instant", dt.datetime.min.replace(tzinfo=utc), EITHER),
                Case("dernier instant", dt.datetime.max.replace(microsecond=0, tzinfo=utc), EITHER),
                Case("sans fuseau", dt.datetime(2025, 5, 1, 13, 30), EITHER),
                Case("UTC+14 au premier jour", dt.datetime(1, 1, 1, 0, 0, tzinfo=far_east), EITHER)]
    return None


FULL = full_document()
LOCATIONS = first_instances(FULL)
FIELDS = [(cls, name) for cls in sorted(LOCATIONS, key=lambda c: c.__name__) for name in cls.model_fields
          if (cls.__name__, name) not in STORE_FIELDS]


# -- applying a value the way the apps do -----------------------------------------------------------


def target(ws: Workspace, path: tuple):
    item = ws
    for step in path:
        item = item[step] if isinstance(step, int) else getattr(item, step)
    return item


def replace_everywhere(item, old: str, new: str) -> None:
    """Rename an id wherever the document holds it (its entity and every link to it)."""
    for name in type(item).model_fields:
        value = getattr(item, name)
        if isinstance(value, BaseModel):
            replace_everywhere(value, old, new)
        elif isinstance(value, list):
            for index, element in enumerate(value):
                if isinstance(element, BaseModel):
                    replace_everywhere(element, old, new)
                elif element == old:
                    value[index] = new
        elif isinstance(value, str) and value == old:
            setattr(item, name, new)


def setter(cls: type, name: str, value, current):
    """The edit an app would make: an assignment, or for an id a rename wherever it is linked."""
    path = LOCATIONS[cls]
    if renamed(cls, name) and value is not None and current is not None:
        return lambda ws: replace_everywhere(ws, current, value)
    return lambda ws: setattr(target(ws, path), name, copy.deepcopy(value))


def renamed(cls: type, name: str) -> bool:
    """A field holding an id (a pattern): its values are applied by renaming the id everywhere."""
    return "pattern" in kind_of(cls.model_fields[name].annotation, cls.model_fields[name].metadata).constraints


def test_the_full_document_holds_every_part_of_the_model():
    """A part added to the model but not to `full_document` would have no case at all."""
    assert set(LOCATIONS) == parts_of(Workspace), "add the new part to full_document()"


def test_the_first_of_each_part_fills_every_field():
    """Each field is tested on the first part of its kind: an empty optional link there would be tested
    as a dangling link rather than as an id."""
    empty = [f"{cls.__name__}.{name}" for cls, path in LOCATIONS.items() for name in cls.model_fields
             if getattr(target(FULL, path), name) is None]
    assert empty == []


def test_every_field_has_generated_cases():
    missing = [f"{cls.__name__}.{name}" for cls, name in FIELDS if cases_for(cls, name) is None]
    assert missing == [], "add samples of these fields to SAMPLES"


@pytest.fixture
def full(store):
    store.import_bytes(dump(FULL))
    return store


@pytest.mark.parametrize("cls, name", FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FIELDS])
def test_extreme_values_round_trip_or_are_refused_in_french(full, cls, name):
    store, ws_id, path = full, FULL.id, LOCATIONS[cls]
    cases = cases_for(cls, name) or []
    original = getattr(target(FULL, path), name)
    accepted = 0
    for case in cases:
        before = store.path(ws_id).read_bytes()
        try:
            saved = store.update(ws_id, setter(cls, name, case.value, original))
        except KitError as error:
            assert case.outcome != ACCEPTED, f"{case.label}: refused ({error})"
            assert store.path(ws_id).read_bytes() == before, f"{case.label}: refused, yet the file changed"
            if case.outcome == REFUSED and not renamed(cls, name):  # a rename may fail first on a link
                assert FIELD_LABELS[name] in str(error), f"{case.label}: the message does not name the field: {error}"
            continue
        finally:
            assert not list(store.folder.glob(".*.tmp")), f"{case.label}: a temporary file was left behind"
        assert case.outcome != REFUSED, f"{case.label}: {case.value!r} was accepted"
        accepted += 1
        loaded = store.load(ws_id)  # « illisible » is what this test exists to rule out
        assert loaded == saved, f"{case.label}: the file reads back differently"
        got = getattr(target(loaded, path), name)
        if case.outcome == ACCEPTED:
            want = case.value if case.expected is None else case.expected
            assert got == want, f"{case.label}: {case.value!r} read back as {got!r}"
        store.update(ws_id, setter(cls, name, original, case.value))  # back to the full document
    # Emptying a list of parts that others link to is refused, rightly: such a field may accept nothing.
    annotation = cls.model_fields[name].annotation
    parts_list = typing.get_origin(annotation) is list and parts_of(annotation)
    assert not cases or accepted or parts_list, f"no value of {cls.__name__}.{name} was accepted"


FLOAT_FIELDS = [(cls, name) for cls, name in FIELDS if kind_of(cls.model_fields[name].annotation).base is float]


def test_there_are_float_fields_to_check():
    assert {("Measurement", "value"), ("BudgetLine", "amount"), ("IndicatorValue", "value")} <= {
        (c.__name__, n) for c, n in FLOAT_FIELDS}


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize("cls, name", FLOAT_FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FLOAT_FIELDS])
def test_an_imported_file_with_a_non_finite_number_is_refused_naming_the_field(store, cls, name, token):
    raw = FULL.model_dump(mode="json")
    item = raw
    for step in LOCATIONS[cls]:
        item = item[step]
    item[name] = "@@here@@"
    data = json.dumps(raw, ensure_ascii=False).replace('"@@here@@"', token).encode("utf-8")
    with pytest.raises(KitError) as caught:
        store.import_bytes(data)
    assert FIELD_LABELS[name] in str(caught.value) and "nombre fini" in str(caught.value)
    assert not list(store.folder.iterdir()) or not list(store.folder.glob("*.json"))


def test_a_save_that_would_not_read_back_writes_nothing(store, monkeypatch):
    """The bytes are read back before they are written: a document the kit saved is never « illisible »
    (here one that grew past the size a workspace file may have)."""
    monkeypatch.setattr("kit.store.MAX_FILE_BYTES", 64 * 1024)
    ws = store.create("Grand Dax")
    before = store.path(ws.id).read_bytes()
    with pytest.raises(KitError, match="Rien n'a été écrit"):
        store.update(ws.id, lambda w: w.stakes.extend(Stake(title=f"E{i}", statement="x" * 20_000) for i in range(5)))
    assert store.path(ws.id).read_bytes() == before
    assert not list(store.folder.glob(".*.tmp"))
    assert store.load(ws.id).stakes == []
