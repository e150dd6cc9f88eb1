import pytest

from kit.errors import KitError
from kit.model import (FORMAT, SCHEMA_VERSION, Action, Neighbourhood, Stake, Workspace, revalidate,
                       siren_is_valid, slugify, workspace_from_dict)


def raw(**fields):
    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "id": "grand-dax", "name": "Grand Dax", **fields}


def test_a_valid_document_round_trips_unchanged():
    ws = workspace_from_dict(raw(neighbourhoods=[{"id": "qpv-1a2b3c", "name": "Le Sablar", "qpv_code": "QN04001M"}]))
    again = workspace_from_dict(ws.model_dump(mode="json"))
    assert again == ws


def test_errors_are_listed_in_french_with_the_field_concerned():
    with pytest.raises(KitError) as caught:
        workspace_from_dict(raw(name="  ", territory={"epci_siren": "123456789"},
                                neighbourhoods=[{"name": "X", "qpv_code": "ZZ"}]))
    text = str(caught.value)
    assert "nom : ne peut pas être vide" in text
    assert "SIREN de l'EPCI" in text
    assert "quartier n° 1 › code QPV" in text


@pytest.mark.parametrize("document, words", [
    ({"hello": 1}, "n'est pas un espace de travail"),
    ([1, 2], "n'est pas un espace de travail"),
    (raw(schema_version=99), "version plus récente"),
    (raw(schema_version="x"), "ne précise pas sa version"),
    (raw(colour="blue"), "n'est pas un champ connu"),
])
def test_foreign_or_future_documents_are_refused_with_a_reason(document, words):
    with pytest.raises(KitError, match=words):
        workspace_from_dict(document)


def test_a_workspace_saved_by_the_first_version_opens_with_an_empty_application_note():
    ws = workspace_from_dict(raw(schema_version=1, neighbourhoods=[{"id": "qpv-1a2b3c", "name": "Le Sablar"}]))
    assert ws.schema_version == SCHEMA_VERSION == 5
    assert ws.neighbourhoods[0].name == "Le Sablar"
    assert ws.application.stakes_summary == "" and ws.application.three_phases is False


def test_links_must_point_to_existing_entities():
    with pytest.raises(KitError, match="cite un quartier qui n'existe pas"):
        workspace_from_dict(raw(stakes=[{"title": "Chaleur", "neighbourhood_ids": ["qpv-000000"]}]))
    with pytest.raises(KitError, match="utilisé deux fois"):
        workspace_from_dict(raw(neighbourhoods=[{"id": "qpv-aaaaaa", "name": "A"}, {"id": "qpv-aaaaaa", "name": "B"}]))


def test_html_is_kept_as_typed_text():
    ws = Workspace(id="abc", name="<script>alert(1)</script>")
    assert ws.name == "<script>alert(1)</script>"


def test_absurd_dates_are_refused():
    with pytest.raises(ValueError, match="la date de fin précède la date de début"):
        Action(title="Fresque", start="2027-05-01", end="2026-01-01")


def test_edits_in_place_are_checked_by_revalidate():
    ws = Workspace(id="abc", name="A", neighbourhoods=[Neighbourhood(name="Q")])
    ws.stakes.append(Stake(title="S", neighbourhood_ids=["qpv-ffffff"]))
    with pytest.raises(KitError, match="Modification refusée"):
        revalidate(ws)


@pytest.mark.parametrize("code, ok", [("QN03301M", True), ("qn 033 01 m", True), ("QN02A01N", True),
                                      ("QP033007", True), ("QN0330M", False), ("QN０3301M", False), ("", True)])
def test_qpv_codes(code, ok):
    if ok:
        assert Neighbourhood(name="Q", qpv_code=code).qpv_code == code.upper().replace(" ", "")
    else:
        with pytest.raises(ValueError, match="QN03301M"):
            Neighbourhood(name="Q", qpv_code=code)


def test_siren_and_slug_helpers():
    assert siren_is_valid("244000675") and not siren_is_valid("244000676")
    assert slugify("Communauté d'Agglo « Grand Dax »") == "communaute-d-agglo-grand-dax"
    assert slugify("<<>>") == "espace"


def test_a_field_name_has_one_french_label_in_every_entity():
    from pydantic import BaseModel

    import kit.model as model

    seen: dict[str, tuple[str, str]] = {}
    for entity in [v for v in vars(model).values() if isinstance(v, type) and issubclass(v, BaseModel)]:
        for name, field in entity.model_fields.items():
            if field.title:
                first = seen.setdefault(name, (entity.__name__, field.title))
                assert first[1] == field.title, f"{name}: « {first[1]} » in {first[0]}, « {field.title} » in {entity.__name__}"
    assert model.FIELD_LABELS["qpv_code"] == "code QPV" and model.FIELD_LABELS["neighbourhoods"] == "quartier"


def test_a_refusal_names_the_field_in_french():
    from kit.errors import KitError
    from kit.model import Neighbourhood, checked

    with pytest.raises(KitError, match="code QPV"):
        checked(lambda: Neighbourhood(name="Les Pins", qpv_code="pas un code"))


def test_every_field_has_a_french_label_for_the_messages():
    from pydantic import BaseModel

    import kit.model as model

    unlabelled = [f"{entity.__name__}.{name}" for entity in vars(model).values()
                  if isinstance(entity, type) and issubclass(entity, BaseModel) and entity.__module__ == "kit.model"
                  for name, field in entity.model_fields.items() if not field.title]
    assert unlabelled == []


def test_no_part_of_the_document_accepts_a_non_finite_number():
    """JSON cannot write NaN or infinity: a part that took one would save a file that does not read back."""
    import math

    from pydantic import BaseModel

    import kit.model as model
    from kit.model import Measurement, checked

    parts = [v for v in vars(model).values() if isinstance(v, type) and issubclass(v, BaseModel) and v.__module__ == "kit.model"]
    assert [p.__name__ for p in parts if p.model_config.get("allow_inf_nan") is not False] == []
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(KitError, match="valeur : doit être un nombre fini"):
            checked(lambda value=value: Measurement(on="2025-01-01", value=value))


def test_a_body_keeps_its_first_meeting_and_time_and_older_files_open_without_them():
    from datetime import date, time

    body = {"id": "inst-aaaaaa", "name": "Comité de pilotage", "kind": "comité de pilotage", "rhythm": "trimestriel"}
    for version in (1, 2):  # saved before bodies had a first meeting
        ws = workspace_from_dict(raw(schema_version=version, bodies=[body]))
        assert ws.schema_version == 5
        assert ws.bodies[0].first_meeting is None and ws.bodies[0].meeting_time is None
    ws = workspace_from_dict(raw(bodies=[{**body, "first_meeting": "2027-03-12", "meeting_time": "14:30"}]))
    assert (ws.bodies[0].first_meeting, ws.bodies[0].meeting_time) == (date(2027, 3, 12), time(14, 30))
    saved = ws.model_dump(mode="json")
    assert saved["bodies"][0]["first_meeting"] == "2027-03-12" and saved["bodies"][0]["meeting_time"] == "14:30:00"
    assert workspace_from_dict(saved) == ws
    with pytest.raises(KitError, match="date de la première réunion"):
        workspace_from_dict(raw(bodies=[{**body, "first_meeting": "1027-03-12"}]))
    with pytest.raises(KitError, match="heure des réunions"):
        workspace_from_dict(raw(bodies=[{**body, "meeting_time": "25:00"}]))


def test_a_vanished_entity_is_named_in_correct_french():
    from kit.model import _find

    said = {}
    for what in ("acteur", "instance", "projet"):
        with pytest.raises(KitError) as error:
            _find([], "x", what)
        said[what] = error.value.message
    assert said["acteur"].startswith("Cet acteur n'existe plus")
    assert said["instance"].startswith("Cette instance n'existe plus : elle a peut-être été supprimée")
    assert said["projet"].startswith("Ce projet n'existe plus")


def test_indicators_of_the_territory_and_older_files_without_them():
    for version in (1, 2, 3):  # saved before the territory's own indicators
        ws = workspace_from_dict(raw(schema_version=version))
        assert ws.schema_version == 5 and ws.custom_indicators == []
    garden = {"id": "ind-1a2b3c", "name": "Jardins partagés", "unit": "jardins", "direction": "haut",
              "source": "Ville"}
    value = {"indicator": "ind-1a2b3c", "place_kind": "france", "value": 3}
    ws = workspace_from_dict(raw(custom_indicators=[garden], indicator_values=[value]))
    assert ws.custom_indicators[0].definition == "" and workspace_from_dict(ws.model_dump(mode="json")) == ws
    with pytest.raises(KitError, match="indicateur du territoire qui n'existe pas"):
        workspace_from_dict(raw(indicator_values=[value]))
    with pytest.raises(KitError, match="sens de lecture"):
        workspace_from_dict(raw(custom_indicators=[{**garden, "direction": "mieux"}]))
    with pytest.raises(KitError, match="utilisé deux fois"):
        workspace_from_dict(raw(custom_indicators=[garden, {**garden, "name": "Autre"}]))
    from kit.model import CustomIndicator
    assert CustomIndicator(name="Jardins").id.startswith("ind-")


def test_a_workspace_shares_a_summary_by_default_and_older_files_open_with_that():
    for version in (1, 2, 3, 4):  # saved before the cohorts
        ws = workspace_from_dict(raw(schema_version=version, actions=[{"id": "fa-1a2b3c", "title": "Compost"}]))
        assert ws.schema_version == 5 and ws.sharing == "resume" and ws.actions[0].origin == ""
    ws = workspace_from_dict(raw(sharing="rien"))
    assert ws.sharing == "rien" and workspace_from_dict(ws.model_dump(mode="json")) == ws
    with pytest.raises(KitError, match="partage avec la cohorte"):
        workspace_from_dict(raw(sharing="public"))
