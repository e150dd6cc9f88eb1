"""Session 2 checks on the project group and its governance, the governance diagram, and the reference
lists of data/acteurs/ (actor types, regional resources)."""

import re

import pandas as pd
import pytest

from kit.reference.resources import RESOURCE_COLUMNS, load_actor_types, load_regional_resources
from kit.errors import KitError
from kit.methods import governance
from kit.methods.governance import (KEY_LOCAL_KINDS, RESIDENT_KINDS, Check, governance_checklist, governance_figure,
                                    project_group_checklist, reporting_cycles)

ACTORS = pd.DataFrame([
    ("vp", "Vice-présidente politique de la ville", "EPCI"), ("cdp", "Cheffe de projet politique de la ville", "EPCI"),
    ("adj", "Adjoint à la transition écologique", "Commune"), ("cm", "Chargé de mission transitions", "EPCI"),
    ("cc", "Conseil citoyen des Tilleuls", "Conseil citoyen"), ("hab", "Habitat Rivebelle", "Bailleur social"),
    ("cs", "Centre social de la Gare", "Centre social"), ("pays", "Pays du Val", "Pays"),
    ("pref", "Délégué du préfet", "Services de l'État"), ("voisins", "Collectif des voisins", "Habitants"),
], columns=["id", "name", "kind"])
KINDS = dict(zip(ACTORS["id"], ACTORS["kind"]))


def group(*rows):
    """(actor_id, role) rows; the kind comes from ACTORS."""
    return pd.DataFrame([{"actor_id": a, "role": r, "kind": KINDS[a]} for a, r in rows])


FULL_GROUP = group(("vp", "élu politique de la ville"), ("cdp", "technicien politique de la ville"),
                   ("adj", "élu transitions"), ("cm", "technicien transitions"), ("cc", "acteur clé"),
                   ("hab", "acteur clé"), ("cs", "acteur clé"), ("pays", "acteur clé"))


def body(name, kind, lead="", members=(), reports_to=None, rhythm="", decides=""):
    return {"name": name, "kind": kind, "lead_id": lead, "member_ids": list(members), "rhythm": rhythm,
            "decides": decides, "reports_to": reports_to}


def full_governance():
    return [
        body("Bureau communautaire", "instance décisionnelle", "vp", rhythm="mensuel", decides="valide"),
        body("Comité de pilotage", "comité de pilotage", "vp", ["adj", "cdp", "cm", "pref", "cc"], "Bureau communautaire",
             rhythm="deux fois par an"),
        body("Comité technique", "comité technique", "cdp", ["cm", "hab", "cs"], "Comité de pilotage"),
        body("Atelier des habitants", "atelier d'habitants", "cs", ["voisins"], "Comité de pilotage"),
    ]


def by_label(checks, start):
    return next(c for c in checks if c.label.startswith(start))


# ---------------------------------------------------------------------------------------------------------
# Project group


def test_complete_project_group_passes_every_check_and_names_who_is_there():
    checks = project_group_checklist(FULL_GROUP, "Bureau communautaire", actors=ACTORS)
    assert [c.ok for c in checks] == [True, True, True, True]
    assert all(isinstance(c, Check) and isinstance(c, tuple) and len(c) == 3 for c in checks)
    label, ok, detail = checks[0]
    assert label == "Binôme politique de la ville : un élu et un technicien"
    assert detail == "« Vice-présidente politique de la ville » et « Cheffe de projet politique de la ville »."
    assert "Centre social (« Centre social de la Gare »)" in checks[2].detail
    assert checks[3].detail == "« Bureau communautaire »."


def test_each_missing_member_of_a_pair_is_named():
    checks = project_group_checklist(FULL_GROUP[FULL_GROUP["actor_id"] != "cm"], True)
    pair = by_label(checks, "Binôme transitions")
    assert not pair.ok and pair.detail == "Il manque le technicien transitions."
    checks = project_group_checklist(group(("cc", "acteur clé")), True)
    assert checks[0].detail == "Il manque l'élu politique de la ville et le technicien politique de la ville."


def test_one_person_cannot_hold_both_roles_of_a_pair():
    members = group(("vp", "élu politique de la ville"), ("vp", "technicien politique de la ville"))
    check = project_group_checklist(members, True)[0]
    assert not check.ok and "tient les deux rôles" in check.detail


def test_missing_key_local_actors_are_listed_by_kind():
    members = FULL_GROUP[~FULL_GROUP["actor_id"].isin(["hab", "cs"])]
    check = by_label(project_group_checklist(members, True), "Acteurs clés")
    assert not check.ok and check.detail == "Il manque : Bailleur social, Centre social."
    # A different list of key kinds, compared without case or accents.
    check = by_label(project_group_checklist(FULL_GROUP, True, key_kinds=("pays", "Conseil Citoyen")), "Acteurs clés")
    assert check.ok


def test_decision_body_must_be_named():
    for missing in (None, "", "   ", False):
        check = project_group_checklist(FULL_GROUP, missing)[3]
        assert not check.ok and "À nommer" in check.detail
    assert project_group_checklist(FULL_GROUP, True)[3].ok


def test_roles_accept_feminine_forms_and_refuse_unknown_ones():
    members = group(("vp", "Élue politique de la ville"), ("cdp", "technicienne politique de la ville"))
    assert project_group_checklist(members, True)[0].ok
    with pytest.raises(KitError) as error:
        project_group_checklist(group(("vp", "présidente")), True)
    assert error.value.details == ["vp : « présidente »"]


# ---------------------------------------------------------------------------------------------------------
# Governance


def test_complete_governance_passes_every_check():
    checks = governance_checklist(full_governance(), FULL_GROUP, ACTORS)
    assert [c.label for c in checks] == [
        "Une instance décisionnelle est désignée", "Chaque instance a un pilote",
        "Les habitants participent à la gouvernance", "Les deux binômes siègent au comité de pilotage",
        "Chaque instance rend compte à une instance décrite", "Pas de boucle dans les comptes rendus"]
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    assert by_label(checks, "Les habitants").detail == (
        "« Conseil citoyen des Tilleuls » et « Collectif des voisins » : « Comité de pilotage » et « Atelier des habitants ».")


def test_missing_decision_body_and_leads_are_named():
    bodies = full_governance()[1:]
    bodies[1]["lead_id"] = ""
    checks = governance_checklist(bodies, FULL_GROUP, ACTORS)
    assert not by_label(checks, "Une instance décisionnelle").ok
    lead = by_label(checks, "Chaque instance a un pilote")
    assert not lead.ok and lead.detail == "Sans pilote : « Comité technique »."
    unknown = by_label(checks, "Chaque instance rend compte")
    assert not unknown.ok and unknown.detail == "Instance inconnue : « Comité de pilotage » → « Bureau communautaire »."


def test_residents_must_sit_somewhere():
    bodies = [b for b in full_governance() if b["kind"] != "atelier d'habitants"]
    bodies[1]["member_ids"].remove("cc")
    check = by_label(governance_checklist(bodies, FULL_GROUP, ACTORS), "Les habitants")
    assert not check.ok and "conseil citoyen" in check.detail
    # The kind of a member outside the group comes from the actors' table; a lead counts as a member.
    bodies[2]["lead_id"] = "voisins"
    assert by_label(governance_checklist(bodies, FULL_GROUP, ACTORS), "Les habitants").ok
    assert not by_label(governance_checklist(bodies, FULL_GROUP), "Les habitants").ok


def test_each_pair_member_absent_from_the_steering_committee_is_named():
    bodies = full_governance()
    bodies[1]["member_ids"] = ["cdp", "pref"]
    check = by_label(governance_checklist(bodies, FULL_GROUP, ACTORS), "Les deux binômes")
    assert not check.ok
    assert check.detail == ("N'y siègent pas : l'élu transitions (« Adjoint à la transition écologique ») "
                            "et le technicien transitions (« Chargé de mission transitions »).")
    without_copil = [b for b in full_governance() if b["kind"] != "comité de pilotage"]
    assert by_label(governance_checklist(without_copil, FULL_GROUP), "Les deux binômes").detail == \
        "Aucun comité de pilotage n'est décrit."
    no_officer = FULL_GROUP[FULL_GROUP["actor_id"] != "cm"]
    check = by_label(governance_checklist(full_governance(), no_officer, ACTORS), "Les deux binômes")
    assert "le technicien transitions (pas encore désigné dans le groupe projet)" in check.detail


def test_reporting_cycle_is_detected_and_spelled_out():
    bodies = full_governance()
    bodies[0]["reports_to"] = "comité technique"  # any case: names are compared without case or accents
    assert reporting_cycles(bodies) == [["Bureau communautaire", "Comité technique", "Comité de pilotage"]]
    check = by_label(governance_checklist(bodies, FULL_GROUP, ACTORS), "Pas de boucle")
    assert not check.ok
    assert ("« Bureau communautaire » → « Comité technique » → « Comité de pilotage » → « Bureau communautaire »"
            in check.detail)
    bodies[0]["reports_to"] = "Bureau communautaire"  # reporting to oneself is a loop too
    assert reporting_cycles(bodies) == [["Bureau communautaire"]]


def test_bodies_need_distinct_names():
    with pytest.raises(KitError) as error:
        governance_checklist([body("Copil", "comité de pilotage"), body("COPIL", "autre"), body("", "autre")], FULL_GROUP)
    assert error.value.details == ["« COPIL » figure deux fois", "instance n° 3 : sans nom"]


def test_member_ids_as_text_and_empty_governance():
    bodies = [body("Copil", "Comité de pilotage", "vp", [])]
    bodies[0]["member_ids"] = "adj; cdp, cm"
    assert by_label(governance_checklist(bodies, FULL_GROUP), "Les deux binômes").ok
    checks = governance_checklist([], FULL_GROUP)
    assert [c.ok for c in checks] == [False, False, False, False, True, True]


# ---------------------------------------------------------------------------------------------------------
# Diagram


def test_governance_figure_draws_layers_boxes_arrows_and_members():
    bodies = full_governance()
    fig = governance_figure(bodies, ACTORS)
    assert len(fig.layout.shapes) == 4
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 3 and {a.arrowcolor for a in arrows} == {"#333"}
    texts = {a.text.split("<br>")[0]: a for a in fig.layout.annotations if not a.showarrow}
    top, copil, tech = (texts[f"<b>{n}</b>"] for n in ("Bureau communautaire", "Comité de pilotage", "Comité technique"))
    assert top.y > copil.y > tech.y  # decision body on top, then who reports to it
    assert texts["<b>Comité technique</b>"].y == texts["<b>Atelier des habitants</b>"].y
    assert "Pilote : Cheffe de projet politique de la ville" in tech.text.replace("<br>", " ")
    assert "Habitat Rivebelle" in tech.text.replace("<br>", " ")
    hover = fig.data[0].hovertext[1]
    assert "Rend compte à : Bureau communautaire" in hover and "Délégué du préfet" in hover


def test_governance_figure_shows_loops_in_red_and_handles_nothing():
    bodies = full_governance()
    bodies[0]["reports_to"] = "Comité technique"
    arrows = [a for a in governance_figure(bodies, ACTORS).layout.annotations if a.showarrow]
    assert sum(a.arrowcolor == "#c62828" for a in arrows) == 3
    assert "Aucune instance" in governance_figure([], ACTORS).layout.annotations[0].text


# ---------------------------------------------------------------------------------------------------------
# Reference data (data/acteurs/)


def test_actor_types_have_unique_codes_labels_and_descriptions():
    types = load_actor_types()
    assert types.columns.tolist() == ["code", "libelle", "famille", "description"]
    assert types["code"].is_unique and types["libelle"].is_unique
    assert types["code"].str.fullmatch(r"[a-z_]+").all()
    for column in ("libelle", "famille", "description"):
        assert (types[column].str.strip() != "").all(), column
    labels = set(types["libelle"])
    assert set(KEY_LOCAL_KINDS) <= labels and set(RESIDENT_KINDS) <= labels
    for kind in ("EPCI", "Commune", "Services de l'État", "Bailleur social", "Centre social", "Association",
                 "Entreprise", "Pays", "Région", "Département", "Organisme ressource régional", "Financeur",
                 "Habitants", "Établissement scolaire", "CAF"):
        assert kind in labels


def test_regional_resources_say_what_they_bring_when_and_where_to_find_them():
    resources = load_regional_resources()
    assert resources.columns.tolist() == RESOURCE_COLUMNS
    assert resources["name"].is_unique and resources["url"].is_unique
    codes = set(load_actor_types()["code"])
    for row in resources.to_dict("records"):
        assert row["name"].strip() and len(row["contribution"]) > 40, row["name"]
        assert row["kind"] in codes, row["name"]
        assert row["scope"].strip(), row["name"]
        assert re.fullmatch(r"[1-3](;[1-3])*", row["sessions"]), row["name"]
        assert re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?", row["url"]), row["name"]
    for name in ("Cerema", "ADEME", "AREC Nouvelle-Aquitaine", "INSEE", "ANCT", "DREAL Nouvelle-Aquitaine",
                 "Banque des Territoires"):
        assert name in set(resources["name"])
    assert any("PQN-A" in n for n in resources["name"])
    for session in (1, 2, 3):
        subset = load_regional_resources(session)
        assert len(subset) and subset["sessions"].str.split(";").map(lambda s: str(session) in s).all()


def test_reference_lists_are_copies():
    types, resources = load_actor_types(), load_regional_resources()
    types.loc[0, "libelle"] = "changé"
    resources.loc[0, "name"] = "changé"
    assert load_actor_types().loc[0, "libelle"] == "EPCI"
    assert load_regional_resources().loc[0, "name"] == "Cerema"


def test_body_kinds_vocabulary_is_stable():
    assert governance.BODY_KINDS[0] == "instance décisionnelle" and "comité de pilotage" in governance.BODY_KINDS


def test_the_model_and_the_checks_speak_of_the_same_bodies_and_roles():
    from typing import get_args

    from kit.model import BodyKind, GroupRole

    assert set(get_args(BodyKind)) == set(governance.BODY_KINDS)
    assert set(get_args(GroupRole)) == set(governance.ROLES)


def test_boxes_show_alike_names_apart_and_text_escaped_once():
    acts = pd.concat([ACTORS, pd.DataFrame([
        ("ha", "CA du Val de Charente-Océan – service habitat", "EPCI"),
        ("cl", "CA du Val de Charente-Océan – service climat", "EPCI")], columns=["id", "name", "kind"])])
    bodies = [body('Atelier "ensemble" & co', "atelier d'habitants", "cs", ["ha", "cl"], decides='Dire "ensemble"')]
    fig = governance_figure(bodies, acts)
    box = fig.layout.annotations[0].text.replace("<br>", " ")
    assert "service habitat" in box and "service climat" in box
    assert box.count("CA du Val de Charente-Océan") == 0 and "CA du Val de Charente…" in box
    assert '<b>Atelier "ensemble" &amp; co</b>' in fig.layout.annotations[0].text  # escaped once, quotes as typed
    hover = fig.data[-1].hovertext[0]
    assert 'Dire "ensemble"' in hover and "&quot;" not in hover and "&amp;amp;" not in hover
    assert "Charente-Océan – service habitat" in hover and "Charente…" not in hover  # whole names in the hover
    assert fig.layout.separators == ", "
