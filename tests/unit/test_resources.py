"""References and resource bodies: the shipped data are sound, the filters find what a facilitator looks
for, a broken line is reported in French without hiding the others, and the app is driven as a person
would, through its widgets' values."""

import re

import pandas as pd
import pytest

from kit.reference.resources import RESOURCE_COLUMNS, load_regional_resources
from kit.apps.ressources import ResourcesApp, resource_card
from kit.errors import KitError
from kit.reference.resources import (BODY, COLUMNS, KINDS, REFERENCE, REFERENCES_PATH, THEMES, check_resources,
                           filter_resources, fold, is_link, load_resources, resources_for_session,
                           valid_resources)

from .test_home_app import one

URL = re.compile(r"https://[a-z0-9.-]+\.[a-z]{2,}(/\S*)?")


@pytest.fixture(scope="module")
def resources():
    return load_resources()


def references(frame):
    return frame[frame["categorie"] == REFERENCE]


def bodies(frame):
    return frame[frame["categorie"] == BODY]


# -- the shipped data ---------------------------------------------------------------------------


def test_one_frame_with_uniform_columns_and_parsed_lists(resources):
    assert resources.columns.tolist() == COLUMNS
    assert set(resources["categorie"]) == {REFERENCE, BODY}
    assert (bodies(resources)["type"] == "organisme").all()
    assert resources["themes"].map(lambda v: isinstance(v, list)).all()
    assert resources["sessions"].map(lambda v: all(isinstance(s, int) for s in v)).all()
    assert 35 <= len(references(resources)) <= 50
    assert len(bodies(resources)) == len(load_regional_resources())


def test_every_resource_can_be_shown_and_found(resources):
    assert check_resources(resources) == []
    for _, row in resources.iterrows():
        assert row["titre"].strip(), row.name
        assert row["type"] in KINDS, row["titre"]
        assert row["themes"] and set(row["themes"]) <= set(THEMES), row["titre"]
        assert row["sessions"] and set(row["sessions"]) <= {1, 2, 3}, row["titre"]
        assert row["ou_trouver"].strip(), row["titre"]
        assert len(row["apport"]) > 40, row["titre"]
        assert row["verifie"] in ("oui", "non"), row["titre"]
        if row["ou_trouver"].startswith("http"):
            assert URL.fullmatch(row["ou_trouver"]) and is_link(row["ou_trouver"]), row["titre"]
    assert resources["titre"].map(fold).is_unique


def test_references_cover_each_theme_session_and_kind(resources):
    refs = references(resources)
    assert {t for themes in refs["themes"] for t in themes} == set(THEMES)
    assert {s for sessions in refs["sessions"] for s in sessions} == {1, 2, 3}
    assert set(refs["type"]) == set(KINDS) - {"organisme"}
    # Godet's methods (MICMAC, MACTOR) are the kit's own: their toolbox must be there.
    assert any("boîte à outils de prospective stratégique" in t.lower() for t in refs["titre"])
    assert (refs["annee"].str.fullmatch(r"(19|20)\d\d") | (refs["annee"] == "")).all()


def test_the_bodies_named_by_the_programme_are_present(resources):
    names = " | ".join(bodies(resources)["titre"])
    for name in ("Cerema", "ADEME", "AREC", "INSEE", "ANCT", "PQN-A", "DREAL", "DREETS", "Banque des Territoires",
                 "ANRU", "biodiversité"):
        assert name in names, name


def test_regional_resources_keep_their_columns_for_session_2():
    raw = load_regional_resources()
    assert raw.columns.tolist() == RESOURCE_COLUMNS
    assert raw.loc[0, "name"] == "Cerema"  # rows kept in place: new bodies are appended
    assert len(load_regional_resources(2)) < len(raw)


def test_loaded_frames_are_copies(resources):
    mine = load_resources()
    mine.iloc[0, mine.columns.get_loc("titre")] = "changé"
    mine["themes"].iloc[0].append("changé")
    again = load_resources()
    assert again["titre"].iloc[0] == "Cerema" and "changé" not in again["themes"].iloc[0]


# -- checks of a facilitator's edit ---------------------------------------------------------------


def broken_line(**changes):
    row = {"titre": "Guide de test", "type": "guide", "themes": ["participation"], "sessions": [2],
           "ou_trouver": "https://www.exemple.fr", "apport": "x" * 50, "auteur": "Moi", "annee": "2024",
           "categorie": REFERENCE, "verifie": "non"}
    row.update(changes)
    return pd.DataFrame([row], index=["ressources/references.csv, ligne 47"])[COLUMNS]


@pytest.mark.parametrize("changes, expected", [
    ({"titre": ""}, "titre manquant"),
    ({"type": "livre"}, "type « livre » inconnu"),
    ({"themes": ["climat"]}, "thème inconnu : « climat »"),
    ({"themes": []}, "aucun thème"),
    ({"sessions": [4]}, "hors de 1 à 3"),
    ({"sessions": [0]}, "session illisible"),
    ({"ou_trouver": ""}, "rien pour la trouver"),
    ({"ou_trouver": "http://www.exemple.fr"}, "mal formée"),
    ({"ou_trouver": "https://exemple fr"}, "mal formée"),
])
def test_a_broken_line_is_reported_in_french_with_its_place(changes, expected):
    problems = check_resources(broken_line(**changes))
    assert len(problems) == 1 and expected in problems[0]
    assert problems[0].startswith("ressources/references.csv, ligne 47")


def test_a_book_without_address_is_fine_and_duplicates_are_reported(resources):
    assert check_resources(broken_line(ou_trouver="Dunod, collection Topos")) == []
    twice = pd.concat([resources.head(2), broken_line(titre=resources["titre"].iloc[0].upper())])
    assert any("Titre en double" in p for p in check_resources(twice))


def test_valid_lines_survive_a_broken_one(resources):
    mixed = pd.concat([resources, broken_line(themes=["climat"])])
    assert len(valid_resources(mixed)) == len(resources)


def test_a_spreadsheet_saved_with_semicolons_reads_the_same(tmp_path, monkeypatch):
    import kit.reference.resources as module

    shipped = pd.read_csv(REFERENCES_PATH, dtype=str, keep_default_na=False)
    copy = tmp_path / "references.csv"
    shipped.to_csv(copy, sep=";", index=False, encoding="utf-8-sig")
    monkeypatch.setattr(module, "REFERENCES_PATH", copy)
    assert references(load_resources())["titre"].tolist() == shipped["titre"].tolist()
    assert check_resources(load_resources()) == []


def test_a_missing_column_is_a_french_error(tmp_path, monkeypatch):
    import kit.reference.resources as module

    shipped = pd.read_csv(REFERENCES_PATH, dtype=str, keep_default_na=False)
    copy = tmp_path / "references.csv"
    shipped.drop(columns="themes").to_csv(copy, index=False)
    monkeypatch.setattr(module, "REFERENCES_PATH", copy)
    with pytest.raises(KitError, match="colonnes attendues") as error:
        load_resources()
    assert error.value.details == ["Colonne manquante : themes"]


# -- filters -----------------------------------------------------------------------------------------


def test_filter_by_theme_session_and_kind(resources):
    found = filter_resources(resources, theme="participation")
    assert len(found) and found["themes"].map(lambda t: "participation" in t).all()
    found = filter_resources(resources, session=3)
    assert len(found) and found["sessions"].map(lambda s: 3 in s).all()
    found = filter_resources(resources, kind="données")
    assert len(found) and (found["type"] == "données").all()
    both = filter_resources(resources, theme="prospective", session=1, kind="ouvrage")
    assert len(both) and len(both) < len(filter_resources(resources, theme="prospective"))
    assert len(filter_resources(resources)) == len(filter_resources(resources, session=0)) == len(resources)


def test_text_search_ignores_case_and_accents_and_keeps_the_index(resources):
    found = filter_resources(resources, text="ILOT CHALEUR")
    assert any("îlot de chaleur" in a for a in found["apport"])
    assert filter_resources(resources, text="precarite energetique")["titre"].str.contains("précarité énergétique").any()
    assert "Michel Godet" in " ".join(filter_resources(resources, text="godet")["auteur"])
    assert filter_resources(resources, text="cerema").index[0] == "acteurs/ressources_regionales.csv, ligne 2"
    assert filter_resources(resources, text="mot-introuvable-xyz").empty


def test_resources_for_a_session_list_bodies_first():
    found = resources_for_session(2)
    assert len(found) and found["sessions"].map(lambda s: 2 in s).all()
    categories = found["categorie"].tolist()
    assert categories == sorted(categories, key=lambda c: c != BODY) and categories[0] == BODY
    with pytest.raises(KitError, match="trois"):
        resources_for_session(4)


# -- the app -----------------------------------------------------------------------------------------


@pytest.fixture
def app():
    return ResourcesApp()


def count(app):
    return int(re.search(r"(\d+) ressource", one(app.root, "kit-resources-count").value).group(1))


def test_the_app_opens_with_everything_bodies_above_references(app, resources):
    assert "kit-ready" in app.root._dom_classes and "kit-resources" in app.root._dom_classes
    html = one(app.root, "kit-resources-results").value
    assert count(app) == len(resources)
    assert html.index("<h2>Organismes ressources</h2>") < html.index("<h2>Références</h2>")
    assert html.count("kit-card kit-resource'") == len(resources)
    assert app.messages.widget.value == ""  # the shipped data have nothing to fix
    theme, session = one(app.root, "kit-resources-theme"), one(app.root, "kit-resources-session")
    assert theme.options[0] == ("Tous les thèmes", "") and theme.value == ""
    assert session.options == (("Toutes les sessions", 0), ("Session 1 — Enjeux et défis", 1),
                               ("Session 2 — Construire le projet", 2), ("Session 3 — Passer à l'action", 3))
    assert one(app.root, "kit-resources-search").continuous_update


@pytest.mark.parametrize("css, value, expected", [
    ("kit-resources-theme", "participation", dict(theme="participation")),
    ("kit-resources-session", 3, dict(session=3)),
    ("kit-resources-kind", "outil", dict(kind="outil")),
    ("kit-resources-search", "prospective", dict(text="prospective")),
])
def test_each_filter_updates_the_count_and_the_results(app, resources, css, value, expected):
    before = one(app.root, "kit-resources-results").value
    one(app.root, css).value = value
    wanted = filter_resources(resources, **expected)
    assert 0 < count(app) == len(wanted) < len(resources)
    html = one(app.root, "kit-resources-results").value
    assert html != before and html.count("kit-card kit-resource'") == len(wanted)


def test_only_references_means_no_body_heading(app):
    one(app.root, "kit-resources-kind").value = "guide"
    html = one(app.root, "kit-resources-results").value
    assert "Organismes ressources</h2>" not in html and "<h2>Références</h2>" in html


def test_no_match_says_so_in_french(app):
    one(app.root, "kit-resources-theme").value = "participation"
    one(app.root, "kit-resources-kind").value = "données"
    assert "Aucune ressource" in one(app.root, "kit-resources-count").value
    assert "Aucune ressource ne correspond à ces filtres" in one(app.root, "kit-resources-results").value


def test_what_is_typed_in_the_search_is_escaped(app):
    one(app.root, "kit-resources-search").value = "<script>alert('x')</script><b>"
    html = one(app.root, "kit-resources-results").value
    assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html


def test_cards_link_out_and_flag_what_to_check(resources):
    checked = resources[(resources["verifie"] == "oui") & resources["ou_trouver"].map(is_link)].iloc[0]
    card = resource_card(checked)
    assert f"href='{checked['ou_trouver']}'" in card and "target='_blank'" in card and "rel='noopener" in card
    assert "à vérifier" not in card
    book = resources[~resources["ou_trouver"].map(is_link)].iloc[0]
    assert "<a " not in resource_card(book)
    unchecked = resources[resources["verifie"] != "oui"].iloc[0]
    assert "kit-resource-unchecked" in resource_card(unchecked)


def test_csv_text_is_escaped_in_the_cards(resources):
    row = broken_line(titre="<img src=x onerror=alert(1)>", apport="<script>x</script>" * 5,
                      ou_trouver="https://exemple.fr/'onmouseover='alert(1)").iloc[0]
    card = resource_card(row)
    assert "<img" not in card and "<script>" not in card
    assert "href='https://exemple.fr/&#x27;onmouseover=&#x27;alert(1)'" in card  # the quote cannot close href


def test_a_broken_line_is_listed_and_the_others_still_shown(resources):
    app = ResourcesApp(pd.concat([resources, broken_line(themes=["climat"])]))
    assert "ligne 47" in app.messages.widget.value and "thème inconnu" in app.messages.widget.value
    assert count(app) == len(resources)
