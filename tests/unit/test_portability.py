"""The kit on a Windows or macOS laptop, as far as Linux can show it: every POSIX-only call is guarded.

`os.name` (as the store and `kit serve` see it) and `signal.SIGBREAK` are set as on Windows around the store's folder fsync, its hard links
and renames, and `kit serve`'s stop handlers, to show that they take their Windows branch without error.
The real launch, stopped by Ctrl+C, is tests/e2e/test_launch.py.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess

import pytest

from kit import serve as kit_serve
from kit import store as kit_store
from kit.cli import main


class WindowsOs:
    """The `os` module as the kit's modules see it on Windows (`os.name` itself cannot change here:
    pathlib reads it at every path it makes)."""

    name = "nt"

    def __getattr__(self, attribute):
        return getattr(os, attribute)


@pytest.fixture
def windows(monkeypatch):
    monkeypatch.setattr(kit_store, "os", WindowsOs())
    monkeypatch.setattr(kit_serve, "os", WindowsOs())
    monkeypatch.setattr(signal, "SIGBREAK", signal.SIGUSR1, raising=False)  # a number Linux can handle


def test_no_folder_is_opened_for_fsync_on_windows(windows, monkeypatch, tmp_path):
    def refuse(*_):
        raise AssertionError("os.open of a folder fails on Windows")

    monkeypatch.setattr(os, "open", refuse)
    kit_store._fsync_folder(tmp_path)


def test_a_key_without_hard_links_on_windows_still_creates_the_file_exclusively(windows, monkeypatch, tmp_path):
    def no_link(*_):
        raise OSError(errno.EINVAL, "Fonction incorrecte")  # what Windows says for a FAT key

    monkeypatch.setattr(os, "link", no_link)
    temporary, path = tmp_path / ".a.1.tmp", tmp_path / "a.json"
    temporary.write_bytes(b"{}")
    kit_store._create_exclusively(temporary, path)
    assert path.read_bytes() == b"{}" and not temporary.exists()
    temporary.write_bytes(b"[]")
    with pytest.raises(FileExistsError):
        kit_store._create_exclusively(temporary, path)


def test_a_rename_over_a_file_being_read_is_tried_again_on_windows(windows, monkeypatch, tmp_path):
    real, calls = os.replace, []

    def busy_then_free(source, target):
        calls.append(source)
        if len(calls) < 3:
            raise PermissionError(13, "Accès refusé")  # another kernel is reading the target
        real(source, target)

    monkeypatch.setattr(os, "replace", busy_then_free)
    monkeypatch.setattr(kit_store.time, "sleep", lambda _: None)
    (tmp_path / "new").write_text("2")
    kit_store._replace(tmp_path / "new", tmp_path / "current")
    assert (tmp_path / "current").read_text() == "2" and len(calls) == 3


def test_a_save_works_with_the_windows_branches(windows, store):
    workspace = store.create("Grand Dax")
    assert store.update(workspace.id, lambda ws: setattr(ws, "name", "Dax")).name == "Dax"
    assert kit_store._process_alive(2 ** 22)  # no os.kill (it would end the process there): the age rule


def test_on_windows_serve_stops_on_ctrl_break_and_the_closed_console(windows):
    before_term = signal.getsignal(signal.SIGTERM)
    restore = kit_serve.stop_handlers(process=None)
    try:
        handler = signal.getsignal(signal.SIGBREAK)
        with pytest.raises(KeyboardInterrupt):  # the same path as Ctrl+C: wait for Voilà's own stop
            handler(signal.SIGBREAK, None)
        assert signal.getsignal(signal.SIGTERM) is before_term  # no SIGTERM between Windows processes
    finally:
        restore()
    assert signal.getsignal(signal.SIGBREAK) is not handler


def test_elsewhere_a_sigterm_is_passed_on_to_voila():
    class Voila:
        terminated = False

        def terminate(self):
            self.terminated = True

    voila = Voila()
    restore = kit_serve.stop_handlers(voila)
    try:
        signal.getsignal(signal.SIGTERM)(signal.SIGTERM, None)
    finally:
        restore()
    assert voila.terminated


def test_ctrl_c_stops_serve_cleanly(monkeypatch, capsys):
    """Ctrl+C reaches `kit serve` and Voilà: `serve` waits for Voilà to stop its kernels, says so, exits 0."""
    class Voila:
        waits = 0

        def __init__(self, *args, **kwargs):
            pass

        def wait(self, timeout=None):
            Voila.waits += 1
            if Voila.waits == 1:
                raise KeyboardInterrupt
            return 0

        def terminate(self):
            raise AssertionError("Voilà stopped by itself: never killed")

    monkeypatch.setattr(kit_serve, "check_port_free", lambda *_: None)
    monkeypatch.setattr(subprocess, "Popen", Voila)
    assert main(["serve", "--no-browser", "--port", "18999"]) == 0
    out = capsys.readouterr()
    assert "L'atelier est arrêté." in out.out and "Traceback" not in out.err + out.out
    assert Voila.waits == 2


@pytest.mark.parametrize("name", ["Con", "NUL", "aux", "Com1", "LPT9"])
def test_no_workspace_file_is_named_as_a_windows_device(store, name):
    workspace = store.create(name)
    assert workspace.id == f"espace-{name.lower()}" and store.load(workspace.id).name == name


def test_serve_waits_for_voila_in_short_steps_that_ctrl_c_can_interrupt_on_windows():
    class Voila:
        def __init__(self):
            self.timeouts = []

        def wait(self, timeout=None):
            self.timeouts.append(timeout)
            if len(self.timeouts) < 3:
                raise subprocess.TimeoutExpired("voila", timeout)
            return 0

    voila = Voila()
    assert kit_serve._wait(voila) == 0
    assert voila.timeouts == [0.5, 0.5, 0.5]  # never an endless wait (uninterruptible on Windows)
