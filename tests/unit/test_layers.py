"""The layers of `kit/` hold: each arrow of the import graph points the way CONTRIBUTING.md says.

Read from the source (every `import`, at the top of a module or inside a function), so an import
added for a quick fix cannot cross a layer unseen:

    apps → sessions, reports, charts → methods, reference → store → model → text, errors

Methods are pure computations (no widgets, no store, no files); the model knows nothing of the kit
but its error type and its text rules; documents and charts are given the workspace, they never
fetch it from the store; nothing but an app imports an app.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

KIT = Path(__file__).resolve().parents[2] / "kit"
WIDGETS = ("ipywidgets", "anywidget", "traitlets", "IPython")


def module_name(path: Path) -> str:
    parts = path.relative_to(KIT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, relative imports resolved, `from kit import x` read as kit.x."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names if (KIT.parent / base.replace(".", "/") / alias.name).with_suffix(".py").exists()
                      or (KIT.parent / base.replace(".", "/") / alias.name / "__init__.py").exists()}
    return found


PATHS = {module_name(p): p for p in KIT.rglob("*.py")}
GRAPH = {module: imports_of(path) for module, path in PATHS.items()}


def kit_imports(module: str) -> set[str]:
    return {i for i in GRAPH[module] if i == "kit" or i.startswith("kit.")} - {"kit"}


def crosses(module: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(i for i in GRAPH[module] if any(i == f or i.startswith(f + ".") for f in forbidden))


def modules(prefix: str) -> list[str]:
    return sorted(m for m in GRAPH if m == prefix or m.startswith(prefix + "."))


def test_the_graph_is_read():
    assert len(GRAPH) > 50 and "kit.model" in GRAPH and "kit.store" in kit_imports("kit.apps.accueil")


@pytest.mark.parametrize("module", ["kit.text", "kit.errors", "kit.lazy"])
def test_leaf_modules_import_nothing_of_the_kit(module):
    assert kit_imports(module) == set()


def test_the_model_imports_only_errors_and_text_rules():
    assert kit_imports("kit.model") <= {"kit.errors", "kit.text"}


def test_the_archive_guard_imports_only_the_error_type():
    # kit/reference and kit/reports both open the zips they are given through it: it sits below both.
    assert kit_imports("kit.archives") <= {"kit.errors"}


@pytest.mark.parametrize("module", modules("kit.methods"))
def test_methods_touch_no_widget_no_store_no_file(module):
    assert crosses(module, WIDGETS + ("kit.store", "kit.apps", "kit.sessions", "kit.reports", "kit.reference",
                                      "kit.charts", "kit.demo", "kit.cli", "kit.serve")) == []
    tree = ast.parse(PATHS[module].read_text(encoding="utf-8"))
    opened = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
              and n.func.id == "open"]
    read = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Attribute)
            and n.attr in ("read_text", "write_text", "read_bytes", "write_bytes", "read_csv", "to_csv")]
    assert opened == [] and read == [], f"{module} reads or writes files (lines {opened + read})"


@pytest.mark.parametrize("module", modules("kit.reports") + ["kit.charts"])
def test_documents_and_charts_are_given_the_workspace(module):
    assert crosses(module, WIDGETS + ("kit.store", "kit.apps", "kit.cli", "kit.serve")) == []


@pytest.mark.parametrize("module", modules("kit.sessions"))
def test_session_logic_has_no_screen_and_no_store(module):
    assert crosses(module, WIDGETS + ("kit.store", "kit.apps", "kit.cli", "kit.serve")) == []


@pytest.mark.parametrize("module", modules("kit.reference"))
def test_reference_readers_know_nothing_of_workspaces_screens_or_documents(module):
    assert crosses(module, WIDGETS + ("kit.store", "kit.apps", "kit.sessions", "kit.reports", "kit.charts",
                                      "kit.edits", "kit.demo", "kit.cli", "kit.serve")) == []


def test_the_store_knows_nothing_of_screens():
    assert crosses("kit.store", WIDGETS + ("kit.apps", "kit.sessions", "kit.reports", "kit.charts")) == []


@pytest.mark.parametrize("module", sorted(set(GRAPH) - set(modules("kit.apps"))))
def test_only_apps_import_apps_and_widgets(module):
    # The servers' classes (kit.serving) are configured with traitlets, as every Jupyter server is.
    widgets = tuple(w for w in WIDGETS if not (w == "traitlets" and module in modules("kit.serving")))
    assert crosses(module, ("kit.apps",) + widgets) == []


@pytest.mark.parametrize("module", modules("kit.serving"))
def test_the_servers_know_nothing_of_the_kit(module):
    # Loaded by the Jupyter and Voilà servers, never by a kernel: no workspace, no screen, no document.
    assert {i for i in kit_imports(module) if i not in modules("kit.serving")} == set()


def test_no_import_cycle_between_modules():
    import networkx as nx

    # `from kit.reports import x` runs kit/reports/__init__.py, which re-exports its own modules: an
    # arrow from a package to its own module is the package's table of contents, not a dependency.
    graph = nx.DiGraph((m, i) for m in GRAPH for i in kit_imports(m)
                       if i in GRAPH and i != m and not i.startswith(m + "."))
    cycles = list(nx.simple_cycles(graph))
    assert cycles == []


@pytest.mark.parametrize("module", modules("kit.cohort"))
def test_the_cohort_logic_has_no_screen(module):
    assert crosses(module, WIDGETS + ("kit.apps", "kit.cli", "kit.serve")) == []


@pytest.mark.parametrize("module", sorted(set(modules("kit.cohort")) - {"kit.cohort.cohorts"}))
def test_only_the_cohorts_folder_reads_the_store(module):
    # Comparisons, documents and the model copy are given the shares: they cannot read a workspace
    # that shares nothing, since they never reach the store.
    assert crosses(module, ("kit.store", "kit.cohort.cohorts")) == []
