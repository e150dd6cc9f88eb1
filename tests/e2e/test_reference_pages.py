"""The glossary and the resources pages in a real Voilà and browser, offline: typing and choosing
filter at once, and a facilitator finds a term or a resource for a session."""

from __future__ import annotations


def test_the_glossary_is_searched_as_one_types(page, voila_server, open_app):
    open_app(page, voila_server.base_url, "notebooks/glossaire.ipynb")
    results = page.locator(".kit-glossary-results")
    assert "QPV" in results.inner_text()
    field = page.locator(".kit-glossary-search input")
    field.fill("ilot de chaleur")
    # The full list shows every term: wait until the search has narrowed it.
    page.wait_for_function(
        "!document.querySelector('.kit-glossary-results').innerText.includes('Contrat de ville')")
    assert "Îlot de chaleur urbain" in results.inner_text()
    field.fill("<script>zzz</script>")
    page.wait_for_function("document.querySelector('.kit-glossary-results').innerText.includes('Aucun terme')")


def test_resources_are_filtered_by_session_and_text(page, voila_server, open_app):
    open_app(page, voila_server.base_url, "notebooks/ressources.ipynb")
    results = page.locator(".kit-resources-results")
    assert "Cerema" in results.inner_text()
    page.locator(".kit-resources-session select").select_option(label="Session 2 — Construire le projet")
    page.locator(".kit-resources-search input").fill("Pays et Quartiers")
    page.wait_for_function(
        "!document.querySelector('.kit-resources-results').innerText.includes('Cerema')", timeout=30_000)
    assert "Pays et Quartiers de Nouvelle-Aquitaine" in results.inner_text()
