"""`python -m kit atelier`: the server's last lines (address, code), a participant's export and erasure, closing."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from kit.live import room
from kit.store import Store


@pytest.fixture
def env(tmp_path):
    return {**os.environ, "KIT_ESPACES": str(tmp_path / "espaces")}


def kit(env, cwd, *args, ok=True):
    done = subprocess.run([sys.executable, "-m", "kit", *args], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=60)
    assert "Traceback" not in done.stderr
    assert (done.returncode == 0) == ok, done.stderr
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_server_prints_address_and_code_last_then_stops_on_sigterm(env, tmp_path):
    ws_id = kit(env, tmp_path, "demo").stdout.split()[-1]
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "kit", "atelier", ws_id, "--port", str(port), "--qr", "qr.svg"],
                               env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 30
        while not (lines and lines[-1].startswith("Code : ")) and time.monotonic() < deadline:
            lines.append(process.stdout.readline().rstrip("\n"))
        address, code = lines[-2].removeprefix("Adresse pour rejoindre : "), lines[-1].removeprefix("Code : ")
        assert address == f"http://127.0.0.1:{port}/{code}" and room.CODE_PATTERN.fullmatch(code)
        assert (tmp_path / "qr.svg").read_bytes().startswith(b"<svg")
        with urllib.request.urlopen(address, timeout=10) as response:
            assert "Proposer un enjeu" in response.read().decode()
        assert room.join_url(Store(tmp_path / "espaces"), ws_id, "propositions") == address
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0 and "Atelier arrêté." in out and err == ""
    assert room.join_url(Store(tmp_path / "espaces"), ws_id, "propositions") is None


def test_a_busy_port_and_an_unknown_workspace_are_said_in_french(env, tmp_path):
    ws_id = kit(env, tmp_path, "demo").stdout.split()[-1]
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = kit(env, tmp_path, "atelier", ws_id, "--port", str(taken.getsockname()[1]), ok=False)
    assert "déjà pris" in done.stderr
    assert "n'existe pas" in kit(env, tmp_path, "atelier", "inconnu", ok=False).stderr


def test_export_erase_and_close_from_the_command_line(env, tmp_path):
    ws_id = kit(env, tmp_path, "demo").stdout.split()[-1]
    store = Store(tmp_path / "espaces")
    room.open_activity(store, ws_id, "propositions")
    room.propose(store, store.load(ws_id), participant="p-1111111111111111", pseudonym="Élodie",
                 contribution_id="c-0000000000000001", title="Ombre dans la cour")
    exported = json.loads(kit(env, tmp_path, "atelier", ws_id, "--exporter", "elodie").stdout)
    assert [c["title"] for c in exported["propositions"]] == ["Ombre dans la cour"]
    assert "1 proposition(s) et 0 vote(s)" in kit(env, tmp_path, "atelier", ws_id, "--effacer", "Élodie").stdout
    assert room.contributions(store, ws_id) == []
    assert "fermée" in kit(env, tmp_path, "atelier", ws_id, "--fermer").stdout
    assert not room.is_open(room.read(store, ws_id), "propositions")
