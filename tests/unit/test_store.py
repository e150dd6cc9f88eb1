import json
import subprocess
import sys
import textwrap
import time

import pytest

from tests.unit.crashes import kill_during_save

from kit.errors import KitError
from kit.model import Stake
from kit.store import MAX_FILE_BYTES, WorkspaceCorrupt


def add_stake(title):
    return lambda ws: ws.stakes.append(Stake(title=title))


def test_every_edit_is_on_disk_at_once_and_readable_by_a_human(store):
    ws = store.create("Grand Dax", territory={"epci_name": "CA du Grand Dax", "epci_siren": "244000675"})
    store.update(ws.id, add_stake("Chaleur l'été"))
    on_disk = json.loads(store.path(ws.id).read_text(encoding="utf-8"))
    assert on_disk["revision"] == 1
    assert on_disk["stakes"][0]["title"] == "Chaleur l'été"
    assert "\n" in store.path(ws.id).read_text()  # indented, diffable


def test_a_refused_edit_changes_nothing(store):
    ws = store.create("Grand Dax")
    before = store.path(ws.id).read_bytes()
    with pytest.raises(KitError):
        store.update(ws.id, lambda w: setattr(w.territory, "epci_siren", "12"))
    with pytest.raises(KitError, match="qui n'existe pas"):
        store.update(ws.id, lambda w: w.stakes.append(Stake(title="S", neighbourhood_ids=["qpv-abcdef"])))
    assert store.path(ws.id).read_bytes() == before


def test_history_keeps_earlier_revisions_and_restores_one(store):
    ws = store.create("Grand Dax")
    for i in range(3):
        store.update(ws.id, add_stake(f"Enjeu {i}"))
    assert [r.number for r in store.history(ws.id)] == [3, 2, 1, 0]
    restored = store.restore(ws.id, 1)
    assert restored.revision == 4 and [s.title for s in restored.stakes] == ["Enjeu 0"]
    assert 3 in [r.number for r in store.history(ws.id)]  # the undone state stays reachable


def test_history_is_bounded(store, monkeypatch):
    monkeypatch.setattr("kit.store.HISTORY_KEPT", 5)
    ws = store.create("Grand Dax")
    for i in range(12):
        store.update(ws.id, add_stake(f"E{i}"))
    numbers = [r.number for r in store.history(ws.id)]
    assert numbers == [12, 11, 10, 9, 8, 7]


def test_rename_duplicate_delete(store):
    ws = store.create("Grand Dax")
    store.rename(ws.id, "Grand Dax — quartiers")
    copy = store.duplicate(ws.id)
    assert copy.id != ws.id and copy.name == "Grand Dax — quartiers (copie)"
    binned = store.delete(ws.id)
    assert binned.exists() and not store.exists(ws.id)
    assert [s.id for s in store.list()] == [copy.id]


def test_import_never_overwrites_silently(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    exported = store.export_bytes(ws.id)
    store.update(ws.id, add_stake("Mobilité"))

    copy, message = store.import_bytes(exported)
    assert copy.id != ws.id and "copie" in message
    assert len(store.load(ws.id).stakes) == 2

    replaced, message = store.import_bytes(exported, replace=True)
    assert replaced.id == ws.id and len(store.load(ws.id).stakes) == 1
    assert "historique" in message
    previous = store.load_revision(ws.id, 2)
    assert [s.title for s in previous.stakes] == ["Chaleur", "Mobilité"]


def test_export_then_import_after_delete_gives_the_same_document(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur <b>été</b>"))
    exported = store.export_bytes(ws.id)
    store.delete(ws.id)
    back, _ = store.import_bytes(exported)
    assert back.id == ws.id
    assert store.export_bytes(ws.id) == exported


BAD_FILES = {
    "truncated": (b'{"format": "quartiers-en-transitions/espace", "schema_version": 1, "id": "ab', "incomplet ou abîmé"),
    "other program": (json.dumps({"cells": [], "nbformat": 4}).encode(), "n'est pas un espace de travail"),
    "binary": (bytes(range(256)) * 10, "n'est pas un fichier texte"),
    "empty": (b"   ", "vide"),
    "huge": (b" " * (MAX_FILE_BYTES + 1), "trop volumineux"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_files_are_refused_in_french_and_change_nothing(store, name):
    ws = store.create("Grand Dax")
    before = sorted(p.name for p in store.folder.rglob("*"))
    data, words = BAD_FILES[name]
    with pytest.raises(KitError, match=words):
        store.import_bytes(data)
    assert sorted(p.name for p in store.folder.rglob("*")) == before
    assert store.load(ws.id).revision == 0


def test_a_corrupt_workspace_offers_its_last_good_revision(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    store.path(ws.id).write_bytes(b'{"format": "quartiers-en-transitions/esp')
    with pytest.raises(WorkspaceCorrupt) as caught:
        store.load(ws.id)
    assert caught.value.good_revisions == [0]
    assert "révision 0 est intacte" in caught.value.message
    assert [s.readable for s in store.list()] == [False]
    restored = store.restore(ws.id, 0)
    assert restored.revision == 1 and store.load(ws.id).name == "Grand Dax"
    kept = [p.name for p in (store.folder / "historique" / ws.id).iterdir()]
    assert any(name.startswith("illisible-") for name in kept)  # the broken file is kept aside


def test_ids_cannot_escape_the_folder(store):
    with pytest.raises(KitError, match="Identifiant d'espace invalide"):
        store.load("../../etc/passwd")


WRITER = textwrap.dedent("""
    import sys
    from kit.model import Stake
    from kit.store import Store
    store, ws_id, tag = Store(sys.argv[1]), sys.argv[2], sys.argv[3]
    for i in range(200):
        store.update(ws_id, lambda ws: ws.stakes.append(Stake(title=f"{tag}-{i}")))
""")


def test_two_processes_appending_at_once_lose_nothing(store):
    ws = store.create("Grand Dax")
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(store.folder), ws.id, tag]) for tag in "AB"]
    assert [p.wait(timeout=120) for p in writers] == [0, 0]
    final = store.load(ws.id)
    titles = [s.title for s in final.stakes]
    assert len(titles) == 400 and len(set(titles)) == 400
    assert final.revision == 400
    for tag in "AB":  # each writer's edits arrive in its own order
        mine = [t for t in titles if t.startswith(tag)]
        assert mine == [f"{tag}-{i}" for i in range(200)]


def test_a_process_killed_in_the_middle_of_a_save_leaves_the_last_good_revision(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    good = store.path(ws.id).read_bytes()
    kill_during_save(store.folder, ws.id)
    assert store.path(ws.id).read_bytes() == good
    started = time.monotonic()
    after = store.update(ws.id, add_stake("Mobilité"))  # the dead process's lock is gone
    assert time.monotonic() - started < 5
    assert [s.title for s in after.stakes] == ["Chaleur", "Mobilité"]


def test_a_new_workspace_never_takes_the_history_of_a_deleted_one(tmp_path):
    from kit.store import Store

    store = Store(tmp_path / "espaces")
    old = store.create("Grand Dax")
    store.update(old.id, lambda ws: setattr(ws, "name", "Grand Dax (ancien)"))
    store.delete(old.id)
    old_history = sorted(p.name for p in (store.folder / "historique" / old.id).iterdir())
    new = store.create("Grand Dax")
    assert new.id != old.id
    store.update(new.id, lambda ws: setattr(ws, "name", "Grand Dax (nouveau)"))
    assert [r.number for r in store.history(new.id)] == [1, 0]  # its own first revision archived
    assert sorted(p.name for p in (store.folder / "historique" / old.id).iterdir()) == old_history
