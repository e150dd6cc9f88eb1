"""No edit lost, no workspace broken, whatever happens to the files: concurrent creations, kernels killed
mid-save, full or read-only disks, files in other encodings or endless ones. Real files and processes
throughout; the full and read-only disks are a real 1 MB tmpfs (mounting it needs root: skipped otherwise)
and an immutable folder (`chattr +i`, which stops root too)."""

from __future__ import annotations

import codecs
import errno
import multiprocessing
import os
import subprocess
import sys
import textwrap
import time

import pytest

from tests.unit.crashes import kill_during_save

from kit.errors import KitError
from kit.model import Stake
from kit.store import Store, parse


def add_stake(title, **fields):
    return lambda ws: ws.stakes.append(Stake(title=title, **fields))


# -- 30 kernels creating the same workspace at once ---------------------------------------------


def _create(folder, index, barrier, results):
    barrier.wait()
    try:
        workspace = Store(folder).create("Grand Dax", territory={"epci_name": f"EPCI n° {index}"})
        results.put((index, workspace.id))
    except BaseException as error:  # noqa: BLE001 - reported to the test, which fails on it
        results.put((index, f"erreur : {error!r}"))


def test_thirty_creations_of_the_same_name_at_once_give_thirty_workspaces(tmp_path):
    folder = tmp_path / "espaces"
    Store(folder)
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(30), context.Queue()
    workers = [context.Process(target=_create, args=(folder, i, barrier, results)) for i in range(30)]
    for worker in workers:
        worker.start()
    created = dict(results.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=30)
    ids = list(created.values())
    assert len(set(ids)) == 30, ids
    assert len(list(folder.glob("*.json"))) == 30
    store = Store(folder)
    for index, ws_id in created.items():  # each file holds its own creator's content
        assert store.load(ws_id).territory.epci_name == f"EPCI n° {index}"
    assert not list(folder.glob("historique/*/*"))  # nothing was overwritten, not even into the history
    assert not list(folder.glob(".*.tmp"))


# -- temporary files of killed saves --------------------------------------------------------------


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_orphan_temporary_files_are_removed_at_the_next_open_but_never_a_live_save(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    good = store.path(ws.id).read_bytes()
    orphan = store.folder / f".{ws.id}.{dead_pid()}.tmp"
    live = store.folder / f".{ws.id}.1.tmp"  # pid 1 is alive: a save running right now in another process
    stale = store.folder / ".autre-espace.1.tmp"
    unrelated = store.folder / "notes.tmp"
    for path in (orphan, live, stale, unrelated):
        path.write_bytes(b'{"format": "quartiers-en-trans')
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))  # a live pid, but no save lasts an hour: the pid was reused

    reopened = Store(store.folder)
    assert not orphan.exists() and not stale.exists()
    assert live.exists() and unrelated.exists()
    assert reopened.path(ws.id).read_bytes() == good
    assert [s.title for s in reopened.load(ws.id).stakes] == ["Chaleur"]


def test_the_temporary_file_of_a_kernel_killed_mid_save_is_cleaned_and_the_workspace_reads_intact(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    good = store.path(ws.id).read_bytes()
    pid = kill_during_save(store.folder, ws.id)
    assert (store.folder / f".{ws.id}.{pid}.tmp").exists()

    reopened = Store(store.folder)
    assert not list(reopened.folder.glob(".*.tmp"))
    assert reopened.path(ws.id).read_bytes() == good
    assert [s.title for s in reopened.load(ws.id).stakes] == ["Chaleur"]


# -- files from other tools: encodings, nesting ---------------------------------------------------


@pytest.fixture
def exported(store):
    ws = store.create("L’Église — Saint-Étienne")
    store.update(ws.id, add_stake("Îlots de chaleur"))
    return store.export_bytes(ws.id).decode("utf-8")


@pytest.mark.parametrize("encode", [
    lambda text: codecs.BOM_UTF8 + text.encode("utf-8"),
    lambda text: text.encode("utf-16"),  # with its BOM, as Windows tools write it
    lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
    lambda text: text.encode("utf-32"),
    lambda text: text.encode("utf-16-le"),  # no BOM: a JSON text's zero bytes say UTF-16 reliably
], ids=["utf-8 BOM", "utf-16", "utf-16-be BOM", "utf-32", "utf-16-le sans BOM"])
def test_unicode_files_with_a_byte_order_mark_are_read(tmp_path, exported, encode):
    workspace, _ = Store(tmp_path / "ailleurs").import_bytes(encode(exported))
    assert workspace.name == "L’Église — Saint-Étienne"
    assert [s.title for s in workspace.stakes] == ["Îlots de chaleur"]


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
def test_a_latin_1_file_is_named_as_such(store, exported, codec):
    text = exported.replace("’", "'") if codec == "latin-1" else exported
    with pytest.raises(KitError) as caught:
        store.import_bytes(text.replace("—", "-").encode(codec))
    message = str(caught.value)
    assert "n'est pas encodé en UTF-8" in message and "Latin-1 / Windows-1252" in message
    assert "n'est pas un fichier texte" not in message and "tronqué" not in message


def test_a_file_cut_in_the_middle_of_a_character_is_said_truncated(store, exported):
    data = exported.encode("utf-8")
    cut = data.index("É".encode()) + 1
    with pytest.raises(KitError, match="tronqué"):
        store.import_bytes(data[:cut])


def test_a_binary_file_is_not_text(store):
    with pytest.raises(KitError, match="n'est pas un fichier texte"):
        store.import_bytes(bytes(range(256)) * 10)
    with pytest.raises(KitError, match="n'est pas un fichier texte"):
        store.import_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))


@pytest.mark.parametrize("data", [b"[" * 100_000, b'{"a":' * 200_000, b'{"format": ' + b"[" * 5_000_000])
def test_deeply_nested_json_is_refused_in_french_at_once(store, data):
    started = time.monotonic()
    with pytest.raises(KitError, match="trop imbriqué"):
        store.import_bytes(data)
    assert time.monotonic() - started < 2


# -- messages that stay short and never show where the data lives --------------------------------


def test_messages_name_the_folder_not_its_path_and_shorten_long_ids(store):
    with pytest.raises(KitError) as caught:
        store.load("absent")
    assert "« espaces »" in caught.value.message and str(store.folder.parent) not in caught.value.message
    with pytest.raises(KitError) as caught:
        store.load("a" * 10_000)
    assert len(str(caught.value)) < 200
    ws = store.create("Grand Dax")
    with pytest.raises(KitError) as caught:
        store.update(ws.id, add_stake("S", neighbourhood_ids=[f"qpv-{i:06d}" for i in range(500)]))
    assert len(str(caught.value)) < 500
    with pytest.raises(KitError) as caught:
        parse(('{"format": "quartiers-en-transitions/espace", "schema_version": 2, "id": "abc", "name": "A", "'
               + "x" * 10_000 + '": 1}').encode())
    assert len(str(caught.value)) < 300


# -- full and read-only disks ----------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A real 1 MB file system, mounted for the test."""
    mount_point = tmp_path / "petit-disque"
    mount_point.mkdir()
    try:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount_point)],
                              capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        done = None
    if done is None or done.returncode:
        pytest.skip("monter un tmpfs demande d'être root")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], capture_output=True, timeout=10)


def fill(disk) -> None:
    with open(disk / "remplissage", "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"x" * 4096)
        except OSError as error:
            assert error.errno == errno.ENOSPC
    assert (disk / "remplissage").stat().st_size > 0


def assert_refused_with(store, ws_id, change, *words):
    before = store.path(ws_id).read_bytes()
    with pytest.raises(KitError) as caught:
        store.update(ws_id, change)
    message = str(caught.value)
    for word in words:
        assert word in message, message
    assert "inattendue" not in message and str(store.folder.parent) not in message
    assert store.path(ws_id).read_bytes() == before
    assert store.load(ws_id).revision == Store(store.folder).load(ws_id).revision
    assert not list(store.folder.glob(".*.tmp")), "the temporary file of the failed save was left"


def test_a_full_disk_is_said_and_nothing_is_lost(small_disk):
    store = Store(small_disk / "espaces")
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    fill(small_disk)
    assert_refused_with(store, ws.id, add_stake("Mobilité", statement="x" * 5000),
                        "disque est plein", "« espaces »", "révision précédente est intacte")
    with pytest.raises(KitError, match="disque est plein.*Rien n'a été enregistré"):
        store.create("Mont-de-Marsan")
    assert [s.id for s in store.list()] == [ws.id]
    (small_disk / "remplissage").unlink()
    assert [s.title for s in store.update(ws.id, add_stake("Mobilité")).stakes] == ["Chaleur", "Mobilité"]


def test_a_read_only_disk_is_said_and_nothing_is_lost(small_disk):
    store = Store(small_disk / "espaces")
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True, timeout=10)
    try:
        assert_refused_with(store, ws.id, add_stake("Mobilité"), "lecture seule", "« espaces »", "intact")
        with pytest.raises(KitError, match="lecture seule"):
            store.create("Mont-de-Marsan")
        with pytest.raises(KitError, match="lecture seule"):
            store.delete(ws.id)
        assert Store(store.folder).load(ws.id).stakes[0].title == "Chaleur"  # reading still works
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(small_disk)], timeout=10)


@pytest.fixture
def immutable(store):
    """The store's folder made immutable (no file created, renamed or removed in it, even by root)."""
    done = subprocess.run(["chattr", "+i", str(store.folder)], capture_output=True, timeout=10)
    if done.returncode:
        pytest.skip("chattr +i n'est pas possible ici")
    yield store
    subprocess.run(["chattr", "-i", str(store.folder)], timeout=10)


@pytest.fixture
def workspace_in(store):
    ws = store.create("Grand Dax")
    store.update(ws.id, add_stake("Chaleur"))
    Store(store.folder)._lock(ws.id)  # the lock folder exists: only the workspace folder refuses writing
    return ws


def test_a_folder_without_write_permission_is_said_and_nothing_is_lost(workspace_in, immutable):
    assert_refused_with(immutable, workspace_in.id, add_stake("Mobilité"),
                        "pas le droit d'écrire", "« espaces »", "intacte")
    assert immutable.load(workspace_in.id).stakes[0].title == "Chaleur"


# -- endless files --------------------------------------------------------------------------------

ENDLESS = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    from kit.errors import KitError
    from kit.store import Store
    store = Store(sys.argv[1])
    print([s.readable for s in store.list()])
    try:
        store.load("zero")
    except KitError as error:
        print(error.message)
""")


def test_an_endless_file_in_the_folder_is_read_only_up_to_the_bound(store):
    (store.folder / "zero.json").symlink_to("/dev/zero")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", ENDLESS, str(store.folder)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 10
    listed, message = done.stdout.splitlines()
    assert listed == "[False]" and "illisible" in message
