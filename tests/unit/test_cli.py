"""The command line as a user runs it: a real process, real files, French output, exit codes."""

import json
import os
import subprocess
import sys
import time

import pytest


@pytest.fixture
def kit(tmp_path):
    env = {**os.environ, "KIT_ESPACES": str(tmp_path / "espaces")}

    def run(*args, ok=True):
        done = subprocess.run([sys.executable, "-m", "kit", *args], env=env, cwd=tmp_path,
                              capture_output=True, text=True, timeout=60)
        assert "Traceback" not in done.stderr
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    run.folder = tmp_path / "espaces"
    run.cwd = tmp_path
    return run


def last_line(done):
    return done.stdout.strip().splitlines()[-1]


def test_new_prints_the_id_on_its_last_line_and_list_shows_it(kit):
    ws_id = last_line(kit("new", "Grand Dax", "--epci", "CA du Grand Dax", "--siren", "244000675"))
    assert (kit.folder / f"{ws_id}.json").exists()
    assert f"{ws_id}\tGrand Dax\tCA du Grand Dax" in kit("list").stdout


def test_demo_is_clearly_fictional_and_has_content(kit):
    ws_id = last_line(kit("demo"))
    document = json.loads((kit.folder / f"{ws_id}.json").read_text())
    assert "fictif" in document["name"]
    assert document["neighbourhoods"] and document["stakes"] and document["actors"] and document["actions"]


def test_a_demo_cohort_of_invented_territories_exports_its_regional_synthesis(kit):
    cohort_id = last_line(kit("demo", "--cohorte", "3"))
    cohort = json.loads((kit.folder / "cohortes" / f"{cohort_id}.json").read_text())
    names = [m["name"] for m in cohort["members"]]
    assert len(names) == 3 and len(set(names)) == 3 and all("fictif" in n for n in names)
    assert len(list((kit.folder / "cohortes" / "partages").glob("*.json"))) == 3
    kit("export", "--cohorte", cohort_id, "--deliverable", "regards-croises", "--format", "html",
        "--output", "synthese.html")
    page = (kit.cwd / "synthese.html").read_text(encoding="utf-8")
    assert all(name in page for name in names)
    refused = kit("demo", "--cohorte", "0", ok=False)
    assert refused.returncode != 0 and "de 1 à 100 territoires" in refused.stderr


def test_export_import_round_trip_never_overwrites(kit):
    ws_id = last_line(kit("new", "Grand Dax"))
    kit("export", ws_id, "--format", "json", "--output", "sauvegarde.json")
    exported = (kit.cwd / "sauvegarde.json").read_bytes()
    assert json.loads(exported)["id"] == ws_id

    copy_id = last_line(kit("import", "sauvegarde.json"))
    assert copy_id != ws_id
    replaced = kit("import", "sauvegarde.json", "--replace")
    assert last_line(replaced) == ws_id and "historique" in replaced.stdout


def test_history_and_restore(kit):
    ws_id = last_line(kit("new", "Grand Dax"))
    kit("import", "--replace", str(kit.folder / f"{ws_id}.json"))
    assert "(actuelle)" in kit("history", ws_id).stdout
    assert "Révision 0 rétablie" in kit("restore", ws_id, "0").stdout


@pytest.mark.parametrize("args, words", [
    (["export", "inconnu"], "n'existe pas"),
    (["import", "absent.json"], "Fichier introuvable"),
    (["new", "  "], "ne peut pas être vide"),
    (["new", "X", "--siren", "123"], "SIREN"),
    (["restore", "inconnu", "3"], "n'est plus conservée"),
])
def test_errors_are_french_sentences_and_a_non_zero_exit(kit, args, words):
    done = kit(*args, ok=False)
    assert done.returncode != 0
    assert done.stderr.startswith("Erreur") and words in done.stderr


def test_usage_errors_are_in_french(kit):
    done = kit("export", ok=False)
    assert done.returncode == 2 and "il manque" in done.stderr
    done = kit("inventer", ok=False)
    assert done.returncode == 2 and "choix invalide" in done.stderr


def test_a_foreign_file_is_refused(kit):
    (kit.cwd / "notebook.json").write_text(json.dumps({"cells": []}))
    done = kit("import", "notebook.json", ok=False)
    assert done.returncode == 1 and "n'est pas un espace de travail" in done.stderr
    assert not kit.folder.exists() or not list(kit.folder.glob("*.json"))


def test_export_a_deliverable(kit):
    import docx

    ws_id = last_line(kit("demo"))
    kit("export", ws_id, "--deliverable", "session1", "--format", "docx", "--output", "livrable.docx")
    headings = [p.text for p in docx.Document(str(kit.cwd / "livrable.docx")).paragraphs if p.style.name.startswith("Heading")]
    assert "Les enjeux" in headings and "Plan de travail jusqu'à la session 2" in headings
    done = kit("export", ws_id, "--deliverable", "session1", "--format", "html")
    html_file = kit.cwd / done.stdout.split("Exporté dans ")[1].strip()
    assert html_file.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    refused = kit("export", ws_id, "--format", "docx", ok=False)
    assert refused.returncode == 1 and "--deliverable" in refused.stderr
    unknown = kit("export", ws_id, "--deliverable", "session7", ok=False)
    assert "Livrable inconnu" in unknown.stderr


def test_export_the_application_note_and_a_facilitator_guide(kit):
    import docx

    ws_id = last_line(kit("demo"))
    done = kit("export", ws_id, "--deliverable", "candidature")
    note = kit.cwd / done.stdout.split("Exporté dans ")[1].strip()
    assert note.name.startswith("note-d-intention_") and note.suffix == ".docx"
    assert "La volonté politique" in [p.text for p in docx.Document(str(note)).paragraphs]
    done = kit("export", ws_id, "--deliverable", "guide-session1", "--format", "html")
    guide = (kit.cwd / done.stdout.split("Exporté dans ")[1].strip()).read_text(encoding="utf-8")
    assert "Guide d&#x27;animation — session 1" in guide  # the HTML escapes every apostrophe
    assert "13:30" in guide and "Matériel à prévoir" in guide


ENDLESS_IMPORT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from kit.cli import main
sys.exit(main(["import", "/dev/zero"]))
"""


def test_an_endless_file_is_refused_at_once_without_filling_memory(kit):
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", ENDLESS_IMPORT], cwd=kit.cwd, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "KIT_ESPACES": str(kit.folder)})
    assert time.monotonic() - started < 10
    assert done.returncode == 1 and "trop volumineux" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_list_has_a_header_line_in_french(kit):
    kit("new", "Grand Dax", "--epci", "CA du Grand Dax")
    lines = kit("list").stdout.splitlines()
    assert lines[0] == "IDENTIFIANT\tNOM\tEPCI\tÉTAT"
    assert lines[1].split("\t")[1:] == ["Grand Dax", "CA du Grand Dax", "révision 0"]


def test_a_python_without_the_kit_s_packages_is_told_the_command_to_use(tmp_path):
    # -S: no site-packages, so none of the kit's dependencies (filelock, pydantic...), as with a
    # python.org Python where the kit was never installed; the kit's own code is found by PYTHONPATH.
    from kit.serve import REPO_ROOT

    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO_ROOT), "KIT_ESPACES": str(tmp_path / "e")}
    done = subprocess.run([sys.executable, "-S", "-m", "kit", "list"], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "ModuleNotFoundError" not in done.stderr
    assert "python -m pip install -e ." in done.stderr and "py -m pip install -e ." in done.stderr
    assert "Sans make (Windows, macOS)" in done.stderr
