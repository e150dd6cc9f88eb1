"""What a Voilà page's kernel loads before its first screen: pandas (with numpy, about a third of a second)
and networkx only once a table or a graph needs them.

Every module takes them from `kit.lazy` (`from kit.lazy import pandas as pd`); the glossary, which annotates
the words of every page, reads its CSV with the csv module, and the home page's progress of the sessions
(the project group's checks, the application deadline) reads plain rows. Checked in a fresh interpreter:
this test process has imported pandas long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kit.demo import create_demo

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accueil", "enjeux", "projet", "action", "suivi", "candidature", "glossaire", "ressources"]

PROBE = """
import json, sys
from kit.apps.accueil import home_app
from kit.reference import glossary
from kit.store import Store

loaded = {}
store = Store(sys.argv[1])
home_app(store)  # the home page as first opened, no workspace in its address
loaded["home page"] = "pandas" in sys.modules
home_app(store, sys.argv[3])  # and opened on a workspace: its sessions' progress, its eligibility
loaded["home page on a workspace"] = "pandas" in sys.modules
slow = [name for name in ("numpy", "networkx", "plotly") if name in sys.modules]
annotated = glossary.annotate_markup("<p>Le contrat de ville et son binôme élu-technicien</p>")
terms = glossary.terms_in("Le contrat de ville et son binôme élu-technicien")
loaded["glossary"] = "pandas" in sys.modules
for name in sys.argv[2].split(","):
    __import__(f"kit.apps.{name}")
    loaded[f"import kit.apps.{name}"] = "pandas" in sys.modules
print(json.dumps({"loaded": loaded, "slow": slow, "annotated": "<abbr" in annotated, "terms": terms}))
"""


def run_fresh(*args: str, probe: str = PROBE) -> dict:
    """What `probe` prints (JSON, its last line), run in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, cwd=ROOT, check=False,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_apps_and_the_first_home_page_load_without_pandas(store):
    demo = create_demo(store)  # a workspace whose sessions are under way
    found = run_fresh(str(store.folder), ",".join(APPS), demo.id)
    assert not any(found["loaded"].values()), [step for step, loaded in found["loaded"].items() if loaded]
    assert found["slow"] == []  # nor numpy, networkx or plotly for the home page
    # the words of a page still get their definitions, from the glossary read without pandas
    assert found["annotated"] and found["terms"] == ["Contrat de ville", "Binôme élu-technicien"]


SESSION_2 = """
import json, sys
from kit.apps.projet import ProjectApp
from kit.store import Store

app = ProjectApp(Store(sys.argv[1]), sys.argv[2])
before = "networkx" in sys.modules
app.draw_charts()  # what the page does once it is on screen
tab = app.tabs.children[list(app.tabs.titles).index("3. Réseau d'acteurs")]
print(json.dumps({"before": before, "after": "networkx" in sys.modules, "readings": "<li>" in repr(tab)}))
"""


def test_the_session_2_app_reads_its_network_once_the_page_is_on_screen(store):
    # The network's readings (brokers, communities: networkx, a third of a second) are in tab 3: computed once
    # the page is usable, and there when the tab is opened.
    demo = create_demo(store)
    found = run_fresh(str(store.folder), demo.id, probe=SESSION_2)
    assert found == {"before": False, "after": True, "readings": True}


SESSION_1 = """
import json, sys
from kit.apps.enjeux import StakesApp
from kit.store import Store

app = StakesApp(Store(sys.argv[1]), sys.argv[2])
before = "pandas" in sys.modules
def value(css):
    found = []
    def walk(widget):
        if css in getattr(widget, "_dom_classes", ()):
            found.append(widget.value)
        for child in getattr(widget, "children", ()):
            walk(child)
    walk(app.root)
    return found[0]
empty = value("kit-portrait-table") == "" and value("kit-stake-list") == ""
app.draw_charts()  # what the page does once it is on screen
print(json.dumps({"before": before, "empty before": empty, "after": "pandas" in sys.modules,
                  "portrait": "Taux" in value("kit-portrait-table") or "Aucune valeur" in value("kit-portrait-table"),
                  "stakes": "Chaleur dans les logements" in value("kit-stake-list")}))
"""


def test_the_session_1_app_shows_its_first_screen_without_pandas_and_its_tables_right_after(store):
    # The data grid, the stake forms and the "pas à pas" need no pandas; the portrait (below the grid) and the
    # list of stakes (tab 2) are drawn once the page is on screen.
    demo = create_demo(store)
    found = run_fresh(str(store.folder), demo.id, probe=SESSION_1)
    assert found == {"before": False, "empty before": True, "after": True, "portrait": True, "stakes": True}
