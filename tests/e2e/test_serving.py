"""Serving the kit: offline pages, local icons, query string, hidden tracebacks, large uploads.

The offline proof (no request outside localhost, no JavaScript error) is checked by the
`browser_context` fixture after every test. Test notebooks: tests/e2e/notebooks (bare.ipynb is
also the baseline of the benchmark: keep it one cell).
"""

from __future__ import annotations

import json

import pytest

from kit.serve import REPO_ROOT, ServeError, check_port_free
from kit.serving.jupyter_extension import TORNADO_SETTINGS

NB = "tests/e2e/notebooks"
UPLOAD_BYTES = 50 * 1024 * 1024


def test_bare_page_offline_with_french_title(page, voila_server, open_app):
    open_app(page, voila_server.base_url, f"{NB}/bare.ipynb")
    assert page.title() == "Quartiers en transitions"
    assert page.locator(".kit-ready").inner_text() == "OK"


def test_bare_page_offline_through_jupyter_server_like_binder(page, jupyter_server, open_app):
    open_app(page, jupyter_server.base_url, f"{NB}/bare.ipynb")
    assert page.title() == "Quartiers en transitions"


def test_other_voila_pages_are_offline(page, voila_server, watch):
    # The error pages use the template's page.html, not Voilà's (which links a CDN); the server's root
    # leads to the home app (kit serve shows no file tree).
    watch.allow("404 (Not Found)", "The model for kernel id  does not exist")  # no kernel on these pages
    response = page.goto(voila_server.base_url + "voila/render/notebooks/absent.ipynb")
    assert response.status == 404
    assert page.locator("html").get_attribute("lang") == "fr"  # quartiers/page.html
    page.goto(voila_server.base_url)
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/voila/render/notebooks/00_accueil.ipynb")


def test_button_icon_uses_the_local_font_awesome(page, voila_server, open_app):
    fonts = []
    page.on("response", lambda r: fonts.append((r.url, r.status)) if ".woff" in r.url else None)
    open_app(page, voila_server.base_url, f"{NB}/icon.ipynb")
    icon = page.locator(".kit-ready i.fa-download")
    glyph = icon.evaluate("i => { const s = getComputedStyle(i, '::before'); return [s.fontFamily, s.content]; }")
    assert glyph == ['"Font Awesome 5 Free"', '"\uf019"']
    # The glyph is drawn with the font file, fetched from Voilà itself.
    assert page.evaluate("""async () => { await document.fonts.ready;
                                          return document.fonts.check('900 16px "Font Awesome 5 Free"'); }""")
    assert fonts and all(url.startswith(voila_server.base_url) and status == 200 for url, status in fonts)
    # LaTeX in Markdown is typeset by the MathJax bundled with Voilà (no MathJax CDN).
    assert page.locator("mjx-container").count() == 1


def test_query_string_reaches_a_preheated_kernel(page, voila_server, open_app):
    open_app(page, voila_server.base_url, f"{NB}/query.ipynb", "espace=abc")
    # "True": the kernel was started before the request (VOILA_PREHEAT) and still got the query.
    assert page.locator(".kit-query").inner_text() == "espace=abc|True"


@pytest.mark.parametrize("server", ["voila_server", "jupyter_server"])
def test_cell_error_shows_no_traceback(page, request, server, open_app):
    open_app(page, request.getfixturevalue(server).base_url, f"{NB}/error.ipynb")
    page.wait_for_selector(".kit-cell-error")
    text = page.locator("body").inner_text()
    for leak in ("Traceback", "SECRET_DETAIL", "secret_helper", "ValueError", "There was an error"):
        assert leak not in text
    assert "Une erreur est survenue" in text


@pytest.mark.parametrize("server", ["voila_server", "jupyter_server"])
def test_large_upload_reaches_the_kernel(page, request, server, open_app, tmp_path):
    base_url = request.getfixturevalue(server).base_url
    big = tmp_path / "gros.csv"
    with big.open("wb") as f:
        f.truncate(UPLOAD_BYTES)
    open_app(page, base_url, f"{NB}/upload.ipynb")
    # ipywidgets 8's FileUpload creates its <input type=file> only when clicked.
    with page.expect_file_chooser() as chooser:
        page.locator(".kit-upload").click()
    chooser.value.set_files(big)
    page.wait_for_function(
        f"document.querySelector('.kit-size').innerText === '{UPLOAD_BYTES}'", timeout=60_000)
    # The page still talks to its kernel after the big message.
    page.locator(".kit-ping").click()
    page.wait_for_function("document.querySelector('.kit-size').innerText === 'pong'")


def test_both_modes_accept_the_same_message_size():
    voila = json.loads((REPO_ROOT / "voila.json").read_text())
    standalone = voila["Voila"]["tornado_settings"]["websocket_max_message_size"]
    assert TORNADO_SETTINGS["websocket_max_message_size"] == standalone
    # Standalone Voilà cannot raise Tornado's 100 MiB stream buffer: a larger frame never arrives.
    assert UPLOAD_BYTES < standalone <= 100 * 1024 * 1024


def test_busy_port_is_a_french_error(voila_server):
    port = int(voila_server.base_url.rstrip("/").rsplit(":", 1)[1])
    with pytest.raises(ServeError, match="déjà utilisé"):
        check_port_free(port)
