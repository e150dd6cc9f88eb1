"""The install paths agree: pyproject.toml, environment.yml, Binder's copy, the Makefile, README and CI."""

import json
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pip_list(path):
    env = yaml.safe_load(path.read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    return env, sorted(pip)


def test_environment_yml_pins_exactly_the_package_dependencies():
    env, pins = pip_list(ROOT / "environment.yml")
    assert pins == sorted(pyproject()["project"]["dependencies"])
    assert all(re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", pin) for pin in pins)
    assert "python=3.11" in env["dependencies"]  # repo2docker would otherwise pick its default Python


def test_binder_builds_the_same_environment_and_installs_the_kit():
    assert pip_list(ROOT / "binder" / "environment.yml") == pip_list(ROOT / "environment.yml")
    post_build = (ROOT / "binder" / "postBuild").read_text()
    assert "set -euo pipefail" in post_build and "pip install --no-deps -e ." in post_build
    assert (ROOT / "binder" / "postBuild").stat().st_mode & 0o111


def test_readme_commands_are_the_ones_ci_and_make_run():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make app" in readme and "make test" in readme
    assert re.search(r"^app:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make lab" in readme and re.search(r"^lab:.*git-filter", makefile, re.M)
    # Every install path sets the notebooks' git filter (tests/packaging/test_git_filter.py runs it).
    assert all(re.search(rf"^{target}:.*git-filter", makefile, re.M) for target in ("app", "test"))
    assert re.search(r"^\s*make test\s*$", (ROOT / ".ci" / "run").read_text(), re.M)
    assert "urlpath=voila%2Frender%2Fnotebooks%2F00_accueil.ipynb" in readme


def test_notebooks_are_committed_without_outputs_or_widget_state():
    for path in (ROOT / "notebooks").glob("*.ipynb"):
        nb = json.loads(path.read_text())
        assert "widgets" not in nb["metadata"], path.name
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


def test_every_dataset_states_source_licence_and_date():
    readme = (ROOT / "data" / "README.md").read_text().lower()
    for csv in (ROOT / "data").rglob("*.csv"):
        assert csv.name in readme, f"{csv.name} is not described in data/README.md"
    for word in ("source", "licence", "date"):
        assert word in readme
