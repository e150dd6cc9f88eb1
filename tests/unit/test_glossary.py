"""The glossary, as a participant meets it: complete entries, words found however they are typed,
definitions on hover that never let markup through, and the searchable glossary app."""

import re

import pytest

from kit.reference import glossary
from kit.apps.glossaire import GlossaryApp
from kit.reference.glossary import annotate_html, definition, load_glossary, search, terms_in, terms_panel_html
from tests.unit.test_home_app import one

THEMES = {"politique de la ville", "transitions", "prospective", "projet et gouvernance",
          "action et pilotage", "données"}

# The words the programme's call and the three sessions rely on: a group must find each of them.
EXPECTED = {
    "QPV": "QPV", "contrat de ville": "Contrat de ville", "EPCI": "EPCI",
    "politique de la ville": "Politique de la ville", "conseil citoyen": "Conseil citoyen",
    "NPNRU": "NPNRU", "transition écologique": "Transition écologique", "adaptation": "Adaptation",
    "atténuation": "Atténuation", "sobriété": "Sobriété", "résilience": "Résilience",
    "justice environnementale": "Justice environnementale", "îlot de chaleur": "Îlot de chaleur urbain",
    "précarité énergétique": "Précarité énergétique", "prospective": "Prospective", "enjeu": "Enjeu",
    "variable clé": "Variable clé", "MICMAC": "MICMAC", "MACTOR": "MACTOR", "cap": "Cap",
    "gouvernance": "Gouvernance", "instance décisionnelle": "Instance décisionnelle",
    "pilotage": "Pilotage", "fiche action": "Fiche action", "indicateur": "Indicateur",
    "feuille de route": "Feuille de route",
}


@pytest.fixture(scope="module")
def frame():
    return load_glossary()


def spellings(frame):
    """(spelling, term) for every term and variant of the CSV."""
    for term, variants in zip(frame["terme"], frame["variantes"]):
        yield term, term
        for variant in variants.split(";"):
            if variant.strip():
                yield variant.strip(), term


# -- the file ----------------------------------------------------------------------------------------


def test_the_glossary_has_at_least_sixty_complete_terms(frame):
    assert list(frame.columns) == ["terme", "variantes", "definition", "source", "lien", "theme", "sessions"]
    assert len(frame) >= 60
    for row in frame.itertuples():
        assert row.terme and len(row.definition) >= 60, row.terme
        # 2 to 4 sentences: a definition a participant reads in a few seconds
        assert 2 <= len(re.findall(r"[.!?…](?:\s|$)", row.definition)) <= 4, row.terme


def test_no_spelling_points_to_two_terms(frame):
    owner = {}
    for spelling, term in spellings(frame):
        key = glossary._key(spelling)
        assert owner.setdefault(key, term) == term, f"« {spelling} » : {owner[key]} et {term}"
        assert definition(spelling)["terme"] == term


def test_themes_sessions_and_links_are_valid(frame):
    assert set(frame["theme"]) <= THEMES
    for row in frame.itertuples():
        if row.sessions:
            numbers = row.sessions.split(";")
            assert set(numbers) <= {"1", "2", "3"} and len(set(numbers)) == len(numbers), row.terme
        if row.lien:
            assert re.fullmatch(r"https://[\w.-]+\.[a-z]{2,}(/\S*)?", row.lien), row.terme


def test_terms_are_sorted_as_a_french_reader_expects(frame):
    terms = list(frame["terme"])
    assert terms.index("Îlot de chaleur urbain") < terms.index("Indicateur") < terms.index("Instance décisionnelle")
    assert terms.index("Économie circulaire") < terms.index("Enjeu")


@pytest.mark.parametrize("typed, term", sorted(EXPECTED.items()))
def test_the_words_of_the_programme_are_defined(typed, term):
    entry = definition(typed)
    assert entry is not None and entry["terme"] == term
    assert definition(typed.upper())["terme"] == term  # as typed on a projector keyboard


def test_definitions_from_a_law_name_it():
    assert "2014-173" in definition("QPV")["source"]
    assert "L229-26" in definition("PCAET")["source"]
    assert definition("Cap")["source"] == ""  # the kit's own usage


def test_definition_finds_variants_and_returns_a_copy():
    assert definition("quartiers prioritaires")["terme"] == "QPV"
    assert definition("Etablissement public de cooperation intercommunale")["terme"] == "EPCI"
    assert definition("mot inconnu") is None
    definition("QPV")["definition"] = "modifié"
    assert definition("QPV")["definition"] != "modifié"


# -- search ------------------------------------------------------------------------------------------


def test_a_term_match_ranks_before_a_definition_match():
    found = list(search("gouvernance")["terme"])
    assert found[0] == "Gouvernance" and len(found) > 1  # other entries use the word in their definition
    found = list(search("pilotage")["terme"])
    assert found[:2] == ["Comité de pilotage", "Pilotage"]


def test_a_variant_match_ranks_before_a_definition_match():
    found = list(search("intercommunalite")["terme"])
    assert found[0] == "EPCI" and len(found) > 1


def test_search_ignores_accents_and_case_and_follows_typing():
    assert search("ilot")["terme"].iloc[0] == "Îlot de chaleur urbain"
    assert search("ÎLOT DE CHAL")["terme"].iloc[0] == "Îlot de chaleur urbain"
    assert "Comité de pilotage" not in list(search("ilot")["terme"])  # "pilotage" does not start with "ilot"


def test_a_several_word_query_needs_every_word():
    found = list(search("chaleur école")["terme"])
    assert found and all("chaleur" in glossary._key(" ".join(definition(t).values())) for t in found)
    assert "Îlot de chaleur urbain" not in found  # its entry says nothing of schools
    assert search("elu technicien")["terme"].iloc[0] == "Binôme élu-technicien"


def test_theme_filter_and_empty_query(frame):
    assert len(search("")) == len(frame)
    data = search("", "données")
    assert len(data) and set(data["theme"]) == {"données"}
    assert "Pilotage" not in list(search("pilotage", "projet et gouvernance")["terme"])
    assert search("zzzz").empty


# -- terms in a text ---------------------------------------------------------------------------------


def test_terms_in_finds_plurals_and_other_spellings_in_order():
    text = ("Les quartiers prioritaires de l'intercommunalité font face à des îlots de chaleur ; "
            "les ENJEUX sont partagés, puis le binôme élu/technicien prépare les fiches action.")
    assert terms_in(text) == ["QPV", "EPCI", "Îlot de chaleur urbain", "Enjeu", "Binôme élu-technicien",
                              "Fiche action"]


def test_terms_in_takes_the_longest_match_and_whole_words_only():
    assert terms_in("Le comité de pilotage suit le pilotage du contrat de ville.") == \
        ["Comité de pilotage", "Pilotage", "Contrat de ville"]
    assert terms_in("Cap sur la capitalisation ; un capteur.") == ["Cap", "Capitalisation"]
    assert terms_in("Les QPVs et l'EPCIx") == []
    assert terms_in("") == []


def test_terms_in_is_fast_on_a_page_of_text():
    import time

    page = ("Le contrat de ville de l'EPCI fixe les enjeux des quartiers prioritaires : précarité énergétique, "
            "îlots de chaleur, mobilité. Le groupe projet prépare la feuille de route. ") * 30
    terms_in(page)
    start = time.perf_counter()
    for _ in range(10):
        terms_in(page)
    assert (time.perf_counter() - start) / 10 < 0.02  # generous: a shared CI machine


# -- HTML --------------------------------------------------------------------------------------------


def test_annotate_html_escapes_the_text_and_marks_the_first_use_only():
    out = annotate_html('<script>alert("x")</script> Le QPV & le QPV <b>gras</b>')
    assert "<script>" not in out and "&lt;script&gt;" in out and "<b>" not in out
    assert out.count('<abbr class="kit-term"') == 1
    assert '">QPV</abbr> &amp; le QPV' in out


def test_annotate_html_puts_the_escaped_definition_in_the_title():
    out = annotate_html("Un îlot de chaleur.")
    title = re.search(r'title="([^"]*)"', out).group(1)
    assert title.startswith("Zone de la ville")
    assert "'" not in title and '"' not in title  # quotes escaped: the attribute cannot be broken
    assert ">îlot de chaleur</abbr>" in out  # shown as written in the text


def test_terms_panel_lists_terms_with_definition_and_source():
    html = terms_panel_html(["QPV", "Cap", "inconnu"])
    assert html.startswith('<details class="kit-glossary-panel"><summary>Les mots de cette page (2)</summary>')
    assert "<dt>QPV</dt>" in html and "Source : Loi n° 2014-173" in html
    assert html.count("Source :") == 1  # "Cap" is the kit's own usage
    assert terms_panel_html([]) == "" and terms_panel_html(["inconnu"]) == ""


# -- the app -----------------------------------------------------------------------------------------


@pytest.fixture
def app():
    return GlossaryApp()


def test_the_app_opens_with_every_term(app, frame):
    assert "kit-ready" in app.root._dom_classes and "kit-glossary" in app.root._dom_classes
    assert one(app.root, "kit-glossary-count").value.count(f"{len(frame)} termes") == 1
    results = one(app.root, "kit-glossary-results").value
    assert results.count("<dt>") == len(frame)
    assert 'target="_blank" rel="noopener"' in results and 'href="https://sig.ville.gouv.fr"' in results
    assert one(app.root, "kit-glossary-theme").options[0] == ("Tous les thèmes", "")


def test_typing_updates_results_and_count_in_place(app, frame):
    results = one(app.root, "kit-glossary-results")
    one(app.root, "kit-glossary-search").value = "ilot"
    assert one(app.root, "kit-glossary-results") is results  # updated, not rebuilt
    assert results.value.count("<dt>") == 1 and "<b>Îlot de chaleur urbain</b>" in results.value
    assert "Autres formes : îlots de chaleur urbains" in results.value
    assert f"1 terme sur {len(frame)}" in one(app.root, "kit-glossary-count").value


def test_theme_filter_narrows_the_list(app):
    one(app.root, "kit-glossary-theme").value = "prospective"
    results = one(app.root, "kit-glossary-results").value
    assert "<b>MICMAC</b>" in results and "<b>QPV</b>" not in results
    one(app.root, "kit-glossary-search").value = "qpv"
    assert "Aucun terme ne correspond à « qpv » dans le thème « Prospective »" in \
        one(app.root, "kit-glossary-results").value
    one(app.root, "kit-glossary-theme").value = ""
    assert "<b>QPV</b>" in one(app.root, "kit-glossary-results").value


def test_no_match_message_shows_the_search_escaped(app):
    one(app.root, "kit-glossary-search").value = "<script>alert(1)</script>"
    results = one(app.root, "kit-glossary-results").value
    assert "Aucun terme ne correspond à « &lt;script&gt;alert(1)&lt;/script&gt; »" in results
    assert "<script>" not in results
    assert "0 terme" in one(app.root, "kit-glossary-count").value
    assert app.messages.widget.value == ""  # no error on the way


def test_an_apps_own_markup_gets_hover_definitions_but_links_and_entities_stay_whole():
    from kit.reference.glossary import annotate_markup

    markup = ("<h2>Les enjeux</h2><p class='kit-sub'>Le QPV &amp; ses <a href='./x'>enjeux</a>, "
              "<code>~/quartiers-en-transitions/espaces</code></p>")
    out = annotate_markup(markup)
    assert out.startswith('<h2>Les <abbr class="kit-term" title="')
    assert "&amp; ses <a href='./x'>enjeux</a>" in out  # the link's text is not wrapped, the entity is kept
    assert "<code>~/quartiers-en-transitions/espaces</code>" in out
    assert out.count("<abbr") == 2  # enjeux (first use) and QPV
    assert re.sub(r"<[^>]+>", "", out) == re.sub(r"<[^>]+>", "", markup)  # the text reads the same
