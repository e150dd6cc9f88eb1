"""Notebooks never reach git with their outputs: the set-up of `make app`, `make lab` and `make test`
installs nbstripout as a git filter of the checkout (JupyterLab saves outputs into the notebook file)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"git {' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_notebook_saved_with_outputs_is_staged_without_them(tmp_path):
    clone = tmp_path / "clone"
    git("clone", "--quiet", "--no-local", str(ROOT), str(clone), cwd=tmp_path)
    for key, value in (("user.name", "Test"), ("user.email", "test@example.org")):
        git("config", key, value, cwd=clone)
    # The Makefile's own step (this checkout's Makefile, run in the clone), with this environment's
    # nbstripout: no venv is built in the clone.
    done = subprocess.run(["make", "--no-print-directory", "-f", str(ROOT / "Makefile"), "git-filter",
                           f"VENV={sys.prefix}"], cwd=clone,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nbstripout" in git("config", "filter.nbstripout.clean", cwd=clone)

    notebook = clone / "notebooks" / "00_accueil.ipynb"
    nb = json.loads(notebook.read_text())
    code = next(cell for cell in nb["cells"] if cell["cell_type"] == "code")
    code["execution_count"] = 3
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["SORTIE-A-RETIRER\n"]}]
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}, "version_major": 2,
                                                                               "version_minor": 0}}
    notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n")
    git("add", "notebooks/00_accueil.ipynb", cwd=clone)

    # The blob staged is the one committed (cells' ids kept); --no-textconv: the diff of the blobs themselves.
    assert git("diff", "--cached", "--no-textconv", cwd=clone).strip() == ""
    staged = json.loads(git("show", ":notebooks/00_accueil.ipynb", cwd=clone))
    assert "SORTIE-A-RETIRER" not in json.dumps(staged) and "widgets" not in staged["metadata"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in staged["cells"] if c["cell_type"] == "code")
