"""Downloading official files: against a local HTTP server serving fixtures (never the real sites)."""

import http.server
import io
import shutil
import socket
import threading
import time
import zipfile
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from kit.reference import datafetch as df

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class Handler(http.server.SimpleHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        Handler.requests.append(self.path)
        if self.path == "/lent.zip":  # answers too late for the test's timeout
            time.sleep(1.5)
        super().do_GET()

    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def server(tmp_path):
    """Serves a folder with the ANCT list, an INSEE zip, a list with changed columns and a web page."""
    root = tmp_path / "site"
    root.mkdir()
    shutil.copy(FIXTURES / "officiels/anct_liste_qpv.csv", root / "qpv.csv")
    shutil.copy(FIXTURES / "officiels/anct_liste_qpv_colonnes_changees.csv", root / "qpv_v2.csv")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in (FIXTURES / "officiels/insee_qpv_fictif").iterdir():
            archive.write(path, path.name)
    (root / "filosofi.zip").write_bytes(buffer.getvalue())
    (root / "lent.zip").write_bytes(buffer.getvalue())
    (root / "page.zip").write_text("<html><body>Nouvelle page</body></html>")
    Handler.requests = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(root)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def sources(*rows) -> pd.DataFrame:
    return pd.DataFrame([{"name": n, "url": u, "kind": k, "licence": "Licence Ouverte 2.0",
                          "page": "https://exemple.invalid/page"} for n, u, k in rows])


def test_download_then_cached_on_the_second_run(server, tmp_path):
    cache = tmp_path / "cache"
    listed = sources(("Liste ANCT", f"{server}/qpv.csv", "anct_qpv_list"),
                     ("Filosofi QPV", f"{server}/filosofi.zip", "insee_qpv_zip"))
    first = df.fetch(listed, cache, timeout=5)
    assert [r.status for r in first] == [df.DOWNLOADED, df.DOWNLOADED]
    assert first[0].path.read_bytes() == (FIXTURES / "officiels/anct_liste_qpv.csv").read_bytes()
    assert first[1].path.suffix == ".zip" and "téléchargé" in first[1].message
    assert not list(cache.glob("*.tmp"))  # written through a temp file, nothing left behind

    second = df.fetch(listed, cache, timeout=5)
    assert [r.status for r in second] == [df.CACHED, df.CACHED]
    assert "déjà en cache" in second[0].message
    assert len(Handler.requests) == 2  # nothing downloaded again

    again = df.fetch(listed.iloc[:1], cache, timeout=5, refresh=True)
    assert again[0].status == df.DOWNLOADED and len(Handler.requests) == 3


def test_failures_are_reported_one_by_one_and_never_stop_the_others(server, tmp_path):
    with socket.socket() as probe:  # a local port nobody listens to
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    listed = sources(("Disparu", f"{server}/absent.csv", "anct_qpv_list"),
                     ("Port fermé", f"http://127.0.0.1:{closed_port}/qpv.csv", "anct_qpv_list"),
                     ("Trop lent", f"{server}/lent.zip", "insee_qpv_zip"),
                     ("Nouvelle version", f"{server}/qpv_v2.csv", "anct_qpv_list"),
                     ("Page web", f"{server}/page.zip", "insee_qpv_zip"),
                     ("Sans adresse", "", "insee_qpv_zip"),
                     ("Type inconnu", f"{server}/qpv.csv", "shapefile"),
                     ("Liste ANCT", f"{server}/qpv.csv", "anct_qpv_list"))
    reports = {r.name: r for r in df.fetch(listed, tmp_path / "cache", timeout=0.5)}

    assert reports["Disparu"].status == df.UNREACHABLE
    assert "l'adresse ne répond plus (le serveur répond « erreur 404 »)" in reports["Disparu"].message
    assert "https://exemple.invalid/page" in reports["Disparu"].message  # where to look for the new address
    assert reports["Port fermé"].status == df.UNREACHABLE and "connexion refusée" in reports["Port fermé"].message
    assert reports["Trop lent"].status == df.UNREACHABLE and "0.5 secondes" in reports["Trop lent"].message
    assert reports["Nouvelle version"].status == df.FORMAT_CHANGED
    assert "colonnes ont changé" in reports["Nouvelle version"].message
    assert "code_qp" in reports["Nouvelle version"].message  # says which column went missing
    assert reports["Page web"].status == df.FORMAT_CHANGED and "format attendu" in reports["Page web"].message
    assert reports["Sans adresse"].status == df.NO_ADDRESS and not reports["Sans adresse"].failed
    assert reports["Type inconnu"].status == df.FAILED
    assert reports["Liste ANCT"].status == df.DOWNLOADED
    # Only the good file was kept: a file with changed columns is never taken for a valid one.
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [reports["Liste ANCT"].path.name]


def test_a_corrected_address_is_downloaded_again(server, tmp_path):
    old = sources(("Liste ANCT", f"{server}/qpv.csv", "anct_qpv_list"))
    new = sources(("Liste ANCT", f"{server}/qpv.csv?v=2", "anct_qpv_list"))
    assert df.fetch(old, tmp_path, timeout=5)[0].status == df.DOWNLOADED
    assert df.fetch(new, tmp_path, timeout=5)[0].status == df.DOWNLOADED


def test_fetch_command_reads_the_csv_a_facilitator_edits(server, tmp_path):
    listed = tmp_path / "sources.csv"
    sources(("Liste ANCT", f"{server}/qpv.csv", "anct_qpv_list"),
            ("Disparu", f"{server}/absent.csv", "anct_qpv_list")).to_csv(listed, index=False)
    lines, code = df.fetch_command(listed, tmp_path / "cache", timeout=5)
    assert code == 1
    assert lines[-1] == "Bilan : 1 téléchargé(s), 0 déjà en cache, 0 adresse(s) à renseigner, 1 en échec."
    assert any(line.startswith("- Disparu : l'adresse ne répond plus") for line in lines)

    listed.write_text("nom,adresse\nx,y\n")
    lines, code = df.fetch_command(listed, tmp_path / "cache")
    assert code == 2 and "Il manque des colonnes" in lines[0]


def test_cache_goes_under_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert df.default_cache_dir() == tmp_path / "quartiers-en-transitions" / "donnees"


def test_shipped_source_list_is_valid():
    shipped = df.load_sources()
    assert list(shipped.columns) == df.SOURCE_COLUMNS
    assert shipped["name"].is_unique and set(shipped["kind"]) <= set(df.KINDS)
    assert all(page.startswith("https://") for page in shipped["page"])
    assert all(url == "" or url.startswith("https://") for url in shipped["url"])
