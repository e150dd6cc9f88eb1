"""Choosing a workspace: the « Espace » list of the home app, and the chooser a session app shows when
it is opened with no ``?espace=`` in its address (a notebook reopened in JupyterLab, a bare link).

A technician who reopens `10_enjeux.ipynb` next month has no address to carry the workspace: the app
offers the list of workspaces and opens the one chosen in place, with nothing to type.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import ipywidgets as w

from kit.store import Store

from .ui import tagged

NONE = "— choisir un espace —"


def chooser_options(summaries) -> list[tuple[str, str]]:
    """The « Espace » list: name and EPCI; workspaces that would read the same (a duplicate, two
    imports of one file) also show when they were last saved and their id, which always differs."""
    def label(s) -> str:
        name = s.name if s.readable else f"{s.name} (fichier illisible)"
        return f"{name} — {s.epci}" if s.epci else name

    labels = [label(s) for s in summaries]
    options = []
    for s, text in zip(summaries, labels):
        if labels.count(text) > 1:
            saved = _saved_on(s.updated_at)
            text = f"{text} ({f'modifié le {saved}, ' if saved else ''}{s.id})"
        options.append((text, s.id))
    return options


def _saved_on(updated_at: str) -> str:
    try:
        return datetime.fromisoformat(updated_at).astimezone().strftime("%d/%m/%Y %H:%M")
    except (TypeError, ValueError):
        return ""


def workspace_chooser(store: Store, open_workspace: Callable[[str], None]) -> w.Widget:
    """The list of the store's workspaces; choosing one calls `open_workspace(id)` (wrap it in the
    app's message guard: a workspace that cannot be opened is said where the person is)."""
    summaries = [s for s in store.list() if s.readable]  # an unreadable file is repaired from the home app
    if not summaries:
        return w.HTML("<p class='kit-sub'>Aucun espace de travail pour l'instant : créez celui de votre "
                      "territoire depuis l'accueil, puis revenez ici.</p>")
    chooser = tagged(w.Dropdown(options=[(NONE, ""), *chooser_options(summaries)], value="", description="Espace",
                                layout=w.Layout(width="560px")), "kit-session-chooser")

    def chosen(change) -> None:
        if change["new"]:
            open_workspace(change["new"])

    chooser.observe(chosen, names="value")
    return w.VBox([w.HTML("<p><strong>Choisissez l'espace de travail de votre territoire</strong> : "
                          "l'application s'ouvre dessus.</p>"), chooser])
