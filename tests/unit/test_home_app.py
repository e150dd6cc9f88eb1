"""The home app driven as a facilitator would, by setting widget values and clicking, without a browser."""

import json
from datetime import datetime, timezone

import ipywidgets as w
import pytest

from kit.apps.accueil import HomeApp
from kit.demo import create_demo
from kit.sessions.progress import DONE, IN_PROGRESS, NOT_STARTED, SENT, programme_progress, session_progress

NOW = datetime.now(timezone.utc)


def find(root, css):
    """The widgets under `root` that carry the CSS class `css` (what an end-to-end test would click)."""
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        if css in getattr(widget, "_dom_classes", ()):
            found.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return found


def one(root, css):
    widgets = find(root, css)
    assert len(widgets) == 1, f"{css}: {len(widgets)}"
    return widgets[0]


def texts(root):
    return " ".join(x.value for x in find_all(root, w.HTML))


def open_panels(app):
    """Open every secondary panel of a session app (`SessionApp.lazy`), as a person clicks « Ouvrir… »:
    a panel built may hold another."""
    for _ in range(5):
        openers = [b for b in find_all(app.root, w.Button)
                   if any(c.startswith("kit-lazy-") and c.endswith("-open") for c in b._dom_classes)]
        if not openers:
            return app
        for opener in openers:
            opener.click()
    raise AssertionError(f"panels that do not open: {[b._dom_classes for b in openers]}")


def find_all(root, kind):
    out, stack = [], [root]
    while stack:
        widget = stack.pop()
        if isinstance(widget, kind):
            out.append(widget)
        stack.extend(getattr(widget, "children", ()))
    return out


@pytest.fixture
def app(store):
    return HomeApp(store)


def create_grand_dax(app):
    one(app.root, "kit-epci-search").value = "grand dax"
    results = one(app.root, "kit-epci-results")
    assert results.options[0][0] == "CA du Grand Dax (244000675)"
    results.value = "244000675"
    one(app.root, "kit-create").click()
    return app.current


def test_create_from_an_epci_search(app, store):
    ws_id = create_grand_dax(app)
    ws = store.load(ws_id)
    assert (ws.name, ws.territory.epci_siren) == ("CA du Grand Dax", "244000675")
    assert "créé" in app.messages.widget.value
    assert app.chooser.value == ws_id


def test_add_a_neighbourhood_is_saved_at_once_and_shown(app, store):
    ws_id = create_grand_dax(app)
    one(app.root, "kit-new-qpv-name").value = "Le Sablar"
    one(app.root, "kit-new-qpv-code").value = "QN04001M"
    commune = one(app.root, "kit-new-qpv-commune")
    assert "Dax" in commune.options  # communes of the chosen EPCI are offered
    commune.value = "Dax"
    one(app.root, "kit-add-qpv").click()
    assert [n.qpv_code for n in store.load(ws_id).neighbourhoods] == ["QN04001M"]
    assert "Le Sablar" in app.neighbourhood_list.value


@pytest.mark.parametrize("name, code, words", [
    ("", "QN04001M", "Indiquez le nom du quartier"),
    ("Le Sablar", "04001", "QN03301M"),
])
def test_bad_neighbourhood_input_gets_a_french_message_and_changes_nothing(app, store, name, code, words):
    ws_id = create_grand_dax(app)
    one(app.root, "kit-new-qpv-name").value = name
    one(app.root, "kit-new-qpv-code").value = code
    one(app.root, "kit-add-qpv").click()
    assert words in app.messages.widget.value and "kit-msg-error" in app.messages.widget.value
    assert store.load(ws_id).revision == 0


def test_duplicate_qpv_is_refused(app, store):
    ws_id = create_grand_dax(app)
    for _ in range(2):
        one(app.root, "kit-new-qpv-name").value = "Le Sablar"
        one(app.root, "kit-new-qpv-code").value = "QN04001M"
        one(app.root, "kit-add-qpv").click()
    assert "figure déjà" in app.messages.widget.value
    assert len(store.load(ws_id).neighbourhoods) == 1


def test_html_typed_by_a_user_is_shown_as_text(app, store):
    ws_id = create_grand_dax(app)
    one(app.root, "kit-rename-text").value = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    one(app.root, "kit-rename").click()
    page_html = texts(app.root)
    assert "<script>alert(2)" not in page_html and "<img src=x" not in page_html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page_html
    assert store.load(ws_id).name.startswith("<img")
    assert any(label.startswith("<img") for label, _ in app.chooser.options)  # dropdowns show plain text


def test_delete_asks_for_confirmation_and_keeps_a_copy(app, store):
    ws_id = create_grand_dax(app)
    one(app.root, "kit-delete").click()
    assert store.exists(ws_id)
    one(app.root, "kit-delete-cancel").click()
    one(app.root, "kit-delete").click()
    one(app.root, "kit-delete-confirm").click()
    assert not store.exists(ws_id)
    assert list((store.folder / "corbeille").glob(f"{ws_id}-*.json"))
    assert ws_id not in [v for _, v in app.chooser.options]


def test_upload_restores_a_downloaded_workspace(app, store):
    ws_id = create_grand_dax(app)
    data = store.export_bytes(ws_id)
    store.delete(ws_id)
    upload = one(app.root, "kit-upload")
    upload.value = ({"name": "grand-dax.json", "type": "application/json", "size": len(data),
                     "content": memoryview(data), "last_modified": NOW},)
    assert store.export_bytes(ws_id) == data
    assert app.current == ws_id and "importé" in app.messages.widget.value
    assert upload.value == ()  # ready for the next file


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "n'est pas un fichier texte"),
    (b'{"format": "quartiers-en-transitions/espace", "sch', "incomplet ou abîmé"),
    (json.dumps({"type": "FeatureCollection"}).encode(), "n'est pas un espace de travail"),
])
def test_bad_uploads_get_a_french_message_and_change_nothing(app, store, content, words):
    create_grand_dax(app)
    before = sorted(p.name for p in store.folder.rglob("*"))
    one(app.root, "kit-upload").value = ({"name": "x.json", "type": "", "size": len(content),
                                          "content": memoryview(content), "last_modified": NOW},)
    assert words in app.messages.widget.value
    assert sorted(p.name for p in store.folder.rglob("*")) == before


def test_the_download_link_carries_the_whole_workspace(app, store):
    import base64
    import re

    ws_id = create_grand_dax(app)
    link = next(x.value for x in find_all(app.root, w.HTML) if "kit-download" in x.value)
    payload = re.search(r'base64,([^"]+)"', link).group(1)
    assert base64.b64decode(payload) == store.export_bytes(ws_id)


def test_opening_a_corrupt_workspace_offers_the_last_good_revision(app, store):
    ws_id = create_grand_dax(app)
    store.rename(ws_id, "Grand Dax")
    store.path(ws_id).write_text("{ pas du json")
    app.open(ws_id)
    assert "illisible" in app.messages.widget.value
    one(app.root, "kit-restore-good").click()
    assert store.load(ws_id).name == "CA du Grand Dax"


def test_edits_from_another_kernel_are_not_lost(app, store):
    ws_id = create_grand_dax(app)
    store.rename(ws_id, "Renommé ailleurs")  # another tab, another kernel
    one(app.root, "kit-new-qpv-name").value = "Le Sablar"
    one(app.root, "kit-add-qpv").click()
    ws = store.load(ws_id)
    assert ws.name == "Renommé ailleurs" and len(ws.neighbourhoods) == 1


def test_a_workspace_in_the_url_opens_directly(store):
    ws = create_demo(store)
    app = HomeApp(store, ws.id)
    assert app.current == ws.id
    assert "Les Tilleuls" in texts(app.root)
    assert app.panel.layout.display is None  # shown
    assert "kit-ready" in app.root._dom_classes


def test_an_unknown_workspace_in_the_url_is_explained(store):
    app = HomeApp(store, "inconnu")
    assert "n'existe pas" in app.messages.widget.value and app.current is None


def test_session_progress_follows_the_content(store):
    ws = create_demo(store)
    states = {p.number: p.state for p in session_progress(ws)}
    assert states == {1: DONE, 2: IN_PROGRESS, 3: IN_PROGRESS}
    empty = store.create("Vide")
    assert {p.state for p in session_progress(empty)} == {NOT_STARTED}
    facts = session_progress(ws)[0].facts
    assert any("4 enjeux" in f for f in facts) and any("0/2 tâches" in f for f in facts)


def test_the_home_cards_show_the_application_and_the_follow_up_too(store):
    ws = create_demo(store)
    cards = {p.label: p for p in programme_progress(ws)}
    assert list(cards)[0] == "Candidature — note d'intention" and list(cards)[-1] == "Suivi — mise en œuvre"
    assert cards["Candidature — note d'intention"].state == IN_PROGRESS
    assert "2/5 parties rédigées" in cards["Candidature — note d'intention"].facts
    sent = store.update(ws.id, lambda ws: setattr(ws.application, "sent_on", datetime(2027, 1, 20).date()))
    assert programme_progress(sent)[0].state == SENT
    assert programme_progress(sent)[0].facts[0] == "envoyée le 20/01/2027"
    assert "1 engagée" in programme_progress(sent)[-1].facts  # the demo's diagnostic is under way


def test_removing_a_neighbourhood_and_saving_often_creates_no_new_widgets(app, store):
    from ipywidgets.widgets.widget import _instances

    ws_id = create_grand_dax(app)
    before = len(_instances)
    for code in ("QN04001M", "QN04002M", "QN04003M"):
        one(app.root, "kit-new-qpv-name").value = f"Quartier {code}"
        one(app.root, "kit-new-qpv-code").value = code
        one(app.root, "kit-add-qpv").click()
    one(app.root, "kit-remove-choice").value = store.load(ws_id).neighbourhoods[1].id
    one(app.root, "kit-remove-qpv").click()
    assert [n.qpv_code for n in store.load(ws_id).neighbourhoods] == ["QN04001M", "QN04003M"]
    assert "QN04002M" not in app.neighbourhood_list.value
    assert len(_instances) == before  # each save updates widgets, never piles new ones up


def test_two_tabs_renaming_one_workspace_are_asked(app, store):
    ws_id = create_grand_dax(app)
    other = HomeApp(store, ws_id)  # another tab on the same workspace
    one(app.root, "kit-rename-text").value = "Grand Dax — quartiers"
    one(app.root, "kit-rename").click()
    one(other.root, "kit-new-qpv-name").value = "Le Sablar"
    one(other.root, "kit-add-qpv").click()  # this tab's redraw shows the new name: it was not being typed
    assert one(other.root, "kit-rename-text").value == "Grand Dax — quartiers"
    one(app.root, "kit-rename-text").value = "Grand Dax"
    one(app.root, "kit-rename").click()
    one(other.root, "kit-rename-text").value = "Dax et ses quartiers"
    one(other.root, "kit-rename").click()
    said = other.messages.widget.value
    assert "« nom »" in said and "« Grand Dax »" in said and store.load(ws_id).name == "Grand Dax"
    one(other.root, "kit-rename").click()
    assert store.load(ws_id).name == "Dax et ses quartiers"


def test_the_page_address_follows_the_chosen_workspace(app, store):
    """A reload keeps the workspace: the page address carries ?espace= (set in place by PageAddress),
    and a home app opened with that id (as the notebook does with url_workspace_id) shows it."""
    first = store.create("Premier").id
    second = store.create("Second").id
    app._refresh_chooser()
    app.chooser.value = first
    assert app.address.espace == first
    app.chooser.value = second
    assert app.address.espace == second
    app.chooser.value = ""
    assert app.address.espace == ""
    reloaded = HomeApp(store, second)
    assert (reloaded.current, reloaded.chooser.value, reloaded.address.espace) == (second, second, second)


def test_no_match_is_never_shown_beside_matching_epcis(app):
    search, results, note = (one(app.root, css) for css in ("kit-epci-search", "kit-epci-results", "kit-epci-none"))
    search.value = "zzzz introuvable"
    assert "Aucun EPCI" in note.value and results.layout.display == "none"
    search.value = "grand dax"
    assert results.options and results.layout.display is None
    assert "Aucun EPCI" not in note.value + app.messages.widget.value


def test_workspaces_with_the_same_name_read_differently_in_the_list(app, store):
    ids = [store.create("Grand Dax", territory={"epci_name": "CA du Grand Dax"}).id for _ in range(2)]
    other = store.create("Pau").id
    app._refresh_chooser()
    labels = {value: label for label, value in app.chooser.options}
    assert labels[ids[0]] != labels[ids[1]]
    assert all(labels[i].startswith("Grand Dax — CA du Grand Dax (modifié le ") and i in labels[i] for i in ids)
    assert labels[other] == "Pau"  # a name of its own stays as it is


def test_a_neighbourhood_is_corrected_in_place_and_keeps_its_links(store, app):
    from kit.model import Stake

    one(app.root, "kit-new-name").value = "Grand Dax"
    one(app.root, "kit-create").click()
    ws_id = app.current
    one(app.root, "kit-new-qpv-name").value = "Le Sablard"
    one(app.root, "kit-new-qpv-code").value = "QN04001M"
    one(app.root, "kit-add-qpv").click()
    first = store.load(ws_id).neighbourhoods[0]
    store.update(ws_id, lambda ws: ws.stakes.append(Stake(title="Îlots de chaleur", neighbourhood_ids=[first.id])))
    # The editor shows what was just added; a second one, then the first corrected.
    assert one(app.root, "kit-remove-choice").value == first.id
    assert one(app.root, "kit-edit-qpv-name").value == "Le Sablard"
    one(app.root, "kit-new-qpv-name").value = "Cuyès"
    one(app.root, "kit-add-qpv").click()
    one(app.root, "kit-remove-choice").value = first.id
    one(app.root, "kit-edit-qpv-name").value = "Le Sablar"
    one(app.root, "kit-edit-qpv-commune").value = "Dax"
    one(app.root, "kit-save-qpv").click()
    saved = store.load(ws_id)
    assert [(n.name, n.qpv_code, n.commune) for n in saved.neighbourhoods] == [
        ("Le Sablar", "QN04001M", "Dax"), ("Cuyès", "", "")]
    assert saved.stakes[0].neighbourhood_ids == [first.id], "same neighbourhood, links kept"
    assert "« Le Sablar » enregistré" in one(app.root, "kit-edit-qpv-note").value
    # A malformed or duplicate code is refused beside the form, and nothing changes.
    one(app.root, "kit-remove-choice").value = saved.neighbourhoods[1].id
    for code, said in (("QN0400", "QN"), ("QN04001M", "figure déjà")):
        one(app.root, "kit-edit-qpv-code").value = code
        one(app.root, "kit-save-qpv").click()
        assert said in one(app.root, "kit-edit-qpv-note").value
        assert store.load(ws_id).revision == saved.revision


def test_a_code_absent_from_the_official_list_is_refused_once_the_list_is_loaded(store, app, tmp_path, monkeypatch):
    from kit.reference import datafetch

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    source = datafetch.load_sources().query("kind == 'anct_qpv_list'").iloc[0].to_dict()
    path = datafetch.cache_path(source, datafetch.default_cache_dir())
    path.parent.mkdir(parents=True)
    path.write_bytes("code_qp;lib_qp;insee_reg;lib_reg;insee_dep;lib_dep;insee_com;lib_com;siren_epci;lib_epci\r\n"
                     "QN04001M;Le Sablar;75;Nouvelle-Aquitaine;040;Landes;40088;Dax;244000675;CA du Grand Dax\r\n"
                     .encode("utf-8"))
    one(app.root, "kit-new-name").value = "Grand Dax"
    one(app.root, "kit-create").click()
    one(app.root, "kit-new-qpv-name").value = "Inconnu"
    one(app.root, "kit-new-qpv-code").value = "QN04099M"
    one(app.root, "kit-add-qpv").click()
    assert "liste officielle" in one(app.root, "kit-qpv-note").value
    assert store.load(app.current).neighbourhoods == []
    one(app.root, "kit-new-qpv-code").value = "QN04001M"
    one(app.root, "kit-add-qpv").click()
    assert [n.qpv_code for n in store.load(app.current).neighbourhoods] == ["QN04001M"]


def test_a_siren_typed_at_creation_is_checked(app):
    search = one(app.root, "kit-epci-search")
    search.value = "244000675"
    assert "CA du Grand Dax (244000675)" in [label for label, _ in one(app.root, "kit-epci-results").options]
    assert one(app.root, "kit-epci-none").value == ""
    search.value = "244000676"  # one digit off: the Luhn key no longer matches
    assert "n'est pas valide" in one(app.root, "kit-epci-none").value
    search.value = "200000016"  # a valid key, but no EPCI of the region
    assert "Aucun EPCI de Nouvelle-Aquitaine n'a le SIREN 200000016" in one(app.root, "kit-epci-none").value
