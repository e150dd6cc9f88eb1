"""A session app opened with no workspace in its address (a notebook reopened in JupyterLab) offers the
list of workspaces and opens the chosen one in place."""

import pytest

from kit.apps.action import ActionApp
from kit.apps.candidature import ApplicationApp
from kit.apps.enjeux import StakesApp
from kit.apps.projet import ProjectApp
from kit.apps.suivi import FollowUpApp
from kit.apps.workspace_choice import chooser_options
from kit.demo import create_demo
from tests.unit.test_home_app import find, one, texts

APPS = [ApplicationApp, StakesApp, ProjectApp, ActionApp, FollowUpApp]


@pytest.mark.parametrize("app_class", APPS, ids=lambda c: c.__name__)
def test_an_app_without_a_workspace_opens_the_one_chosen_in_its_list(store, app_class):
    demo = create_demo(store)
    other = store.create("Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    app = app_class(store, None)
    assert "kit-ready" in app.root._dom_classes and find(app.root, "kit-tabs") == []
    chooser = one(app.root, "kit-session-chooser")
    assert dict((v, k) for k, v in chooser.options)[other.id] == "Grand Dax — CA du Grand Dax"
    chooser.value = demo.id
    assert app.ws_id == demo.id
    assert one(app.root, "kit-tabs").children, "the app's tabs are shown in place of the list"
    assert find(app.root, "kit-session-chooser") == []
    assert demo.name in texts(app.root)
    assert app.address.espace == demo.id  # a Voilà page's address then names it: a reload keeps it


def test_an_unknown_workspace_is_said_and_the_list_is_offered(store):
    ws = store.create("Grand Dax")
    app = StakesApp(store, "inconnu")
    assert "n'existe pas" in app.messages.widget.value
    one(app.root, "kit-session-chooser").value = ws.id
    assert app.ws_id == ws.id and "n'existe pas" not in app.messages.widget.value


def test_with_no_workspace_at_all_the_app_says_where_to_create_one(store):
    app = ProjectApp(store, None)
    assert find(app.root, "kit-session-chooser") == []
    assert "créez celui de votre territoire depuis l'accueil" in texts(app.root)


def test_an_unreadable_file_is_not_offered(store):
    ws = store.create("Grand Dax")
    (store.folder / "abime.json").write_text("{pas du json", encoding="utf-8")
    app = StakesApp(store, None)
    assert [v for _, v in one(app.root, "kit-session-chooser").options] == ["", ws.id]


def test_same_names_are_told_apart_in_every_list(store):
    a, b = store.create("Grand Dax"), store.create("Grand Dax")
    labels = [label for label, _ in chooser_options(store.list())]
    assert len(set(labels)) == 2 and a.id in " ".join(labels) and b.id in " ".join(labels)
