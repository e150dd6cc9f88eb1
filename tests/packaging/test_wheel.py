"""The kit installed as a wheel, as JupyterHub and containers install it, works away from the checkout.

A wheel is built from this repository, installed in a fresh virtual environment outside it, and the
kit is run from another folder: it must find its reference data (data/, carried inside the package)
and the widgets' JavaScript, create the demo workspace and export a Word deliverable. The page template
is installed where every Voilà looks (<prefix>/share/jupyter): plain `voila`, with no JUPYTER_PATH, renders
the home app with it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.harness import MACHINE_JUPYTER_VARS, free_port, local_url, serving

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = Path("share/jupyter/voila/templates/quartiers")
TEMPLATE_MARKER = "kit-page-problem"  # the banner of the quartiers template's page (index.html.j2)


def run(command: list[str], cwd: Path, env: dict | None = None, timeout: float = 300) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, command))}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(dist),
         str(ROOT)], cwd=dist)
    return next(dist.glob("quartiers_en_transitions-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv holding only the wheel; its dependencies are read from this test environment's
    site-packages (a plain path line: the editable install's own .pth hook is not run from there)."""
    base = tmp_path_factory.mktemp("wheel-venv")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=base).strip())
    (site / "kit-test-dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)], cwd=base)
    # The dependencies' Jupyter data files (Voilà's own templates, kernels, lab extensions) are this
    # environment's too: linked, as the .pth line does for their code; the wheel's template stays its own.
    link_data(Path(sys.prefix) / "share" / "jupyter", venv / "share" / "jupyter")
    elsewhere = base / "ailleurs"
    elsewhere.mkdir()
    (base / "home").mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", *MACHINE_JUPYTER_VARS, "JUPYTER_PREFER_ENV_PATH")}
    env.update(KIT_ESPACES=str(base / "espaces"), HOME=str(base / "home"))  # no ~/.local/share/jupyter
    return {"python": str(python), "cwd": elsewhere, "env": env, "site": site, "prefix": venv}


def link_data(source: Path, target: Path, inside: Path = Path()) -> None:
    """Link every file or folder of `source` missing in `target`, but the kit's template (and its folders)."""
    template = TEMPLATE.relative_to("share/jupyter")
    target.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        here = inside / entry.name
        if here in template.parents:
            link_data(entry, target / entry.name, here)
        elif here != template and not (target / entry.name).exists():
            (target / entry.name).symlink_to(entry.resolve())


def test_the_wheel_carries_the_reference_data_and_the_widgets_code(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for data_file in (ROOT / "data").rglob("*"):
        if data_file.is_file():
            assert f"kit/data/{data_file.relative_to(ROOT / 'data').as_posix()}" in names, data_file
    for static in (ROOT / "kit" / "apps" / "static").iterdir():
        assert f"kit/apps/static/{static.name}" in names, static


def test_the_wheel_installs_the_template_where_voila_looks(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.data/data"
    for template_file in (ROOT / TEMPLATE).iterdir():
        assert f"{data}/{TEMPLATE.as_posix()}/{template_file.name}" in names, template_file


def test_the_installed_kit_s_jupyter_server_reads_its_settings_without_jupyter_config_path(installed):
    """Plain `jupyter lab` of the environment gets the upload size, no MathJax CDN and the room's bounds."""
    shown = run([installed["python"], "-c", "from jupyter_server.serverapp import ServerApp\n"
                 "app = ServerApp(); app.initialize(argv=['--port=0'], new_httpserver=False)\n"
                 "print(repr(app.web_app.settings['mathjax_url']), type(app.kernel_manager).__name__)"],
                cwd=installed["cwd"], env=installed["env"]).split()
    assert "JUPYTER_CONFIG_PATH" not in installed["env"]
    assert shown == ["None", "KitKernelManager"]


def test_voila_of_the_installed_kit_finds_the_template_without_jupyter_path(installed):
    found = run([installed["python"], "-c", "from voila.paths import collect_template_paths\n"
                 "print('\\n'.join(collect_template_paths(['voila', 'nbconvert'], 'quartiers')))"],
                cwd=installed["cwd"], env=installed["env"]).splitlines()
    assert "JUPYTER_PATH" not in installed["env"]
    first = next(Path(p) for p in found if Path(p).name == "quartiers" and (Path(p) / "index.html.j2").is_file())
    assert first == installed["prefix"] / TEMPLATE, found  # the wheel's copy, not the checkout's


def test_plain_voila_renders_the_home_app_with_the_template(installed, tmp_path):
    """`voila` as anyone runs it, in the repository root (voila.json selects the template): no kit serve."""
    from urllib.request import urlopen

    port = free_port()
    command = [installed["python"], "-m", "voila", "--no-browser", f"--port={port}", "--Voila.port_retries=0"]
    with serving(command, installed["env"], tmp_path / "voila.log", port=port, name="voila", detach=True):
        with urlopen(f"{local_url(port)}voila/render/notebooks/00_accueil.ipynb", timeout=120) as response:
            status, page = response.status, response.read().decode()
    assert status == 200
    assert TEMPLATE_MARKER in page, page[:2000]


def test_every_package_of_the_kit_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kit").rglob("__init__.py")}
    assert found <= listed, f"packages missing from pyproject.toml: {sorted(found - listed)}"


def test_the_installed_kit_runs_from_another_folder(installed):
    python, cwd, env = installed["python"], installed["cwd"], installed["env"]
    where = run([python, "-c", "import kit, kit.reference.paths as p; print(kit.__file__); print(p.DATA_DIR)"],
                cwd=cwd, env=env).splitlines()
    assert where[0].startswith(str(installed["site"])), "the kit was imported from the checkout, not the wheel"
    assert where[1] == str(installed["site"] / "kit" / "data")

    out = run([python, "-m", "kit", "demo"], cwd=cwd, env=env)
    workspace_id = out.strip().splitlines()[-1]
    assert re.fullmatch(r"[a-z0-9-]+", workspace_id), out

    target = cwd / "livrable.docx"
    run([python, "-m", "kit", "export", workspace_id, "--deliverable", "session1", "--format", "docx",
         "--output", str(target)], cwd=cwd, env=env)
    import docx

    document = docx.Document(str(target))
    assert "Livrable de la session 1" in "\n".join(p.text for p in document.paragraphs)
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    catalogue = (ROOT / "data" / "indicateurs" / "catalogue.csv").read_text(encoding="utf-8")
    assert any(len(cell) > 15 and cell in catalogue for cell in cells)  # indicator names read from the installed data

    # The widgets' code is read from the installed package, not from the checkout.
    js = run([python, "-c", "from kit.apps.plot import Chart; print(Chart()._esm[:200])"], cwd=cwd, env=env)
    assert "Plotly" in js or "render" in js
