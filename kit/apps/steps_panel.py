"""The "pas à pas" panel of an app: where the group is, what to do next, the result expected.

One line stays in view (the step to do now, with a button that opens its tab); the full list of
steps, the words of the page from the glossary and the facilitator guide of the session unfold
below it. A facilitator hides the whole panel for projection with one click, or opens the app with
``&pasapas=non`` in its address so it starts hidden.
"""

from __future__ import annotations

import os
import re
from urllib.parse import parse_qs

import ipywidgets as w

from kit import guidance

from .session_plan import MIME
from .ui import button, download_link, esc, tagged

SHOW, HIDE = "Afficher le pas à pas", "Masquer le pas à pas"
MARK = {True: "✓", False: "○", None: "·"}

PANEL_CSS = """
<style>
.kit-app .kit-steps-box { background: #f3f7f5; border-left: 6px solid #0b6e4f; padding: 6px 14px; margin: 4px 0 8px; }
.kit-app .kit-steps-head, .kit-app .kit-steps-now { font-size: 18px; }
.kit-app .kit-steps ol { margin: 4px 0 4px 22px; padding: 0; }
.kit-app .kit-steps li.kit-step-current { font-weight: 700; }
.kit-app .kit-steps details { margin: 2px 0; }
.kit-app .kit-steps h3 { font-size: 19px; margin: 10px 0 4px; color: #0b3d2e; }
.kit-app .kit-steps summary { cursor: pointer; color: #0b4f9c; font-weight: 600; }
.kit-app abbr.kit-term { text-decoration: underline dotted; cursor: help; }
</style>
"""


def starts_hidden() -> bool:
    """True when the page address asks for the panel hidden (``pasapas=non``)."""
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get("pasapas", [""])
    return values[0].strip().lower() in ("non", "0", "masque", "masqué")


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def visible_text(widget: w.Widget) -> str:
    """The words an app shows (titles, labels, placeholders, tab names), to find its glossary terms."""
    parts: list[str] = []
    stack = [widget]
    while stack:
        item = stack.pop()
        if isinstance(item, w.HTML):
            if "<style>" not in item.value:
                parts.append(_plain(item.value))
        for attribute in ("description", "placeholder"):
            value = getattr(item, attribute, "")
            if isinstance(value, str):
                parts.append(value)
        if isinstance(item, w.Tab):
            parts.extend(item.titles)
        stack.extend(getattr(item, "children", ()))
    return "\n".join(parts)


class StepsPanel:
    """The panel; `redraw(ws)` after every save, `select_tab` opens a tab of the app (may be None)."""

    def __init__(self, notebook: str, select_tab=None, guard=lambda f: f):
        self.notebook = notebook
        self.session = guidance.session_of(notebook)
        self.select_tab = select_tab
        self.terms_html = ""
        self.toggle = tagged(button(HIDE, icon="eye-slash"), "kit-steps-toggle")
        self.head = tagged(w.HTML(), "kit-steps-head")  # where the group is and the step to do now
        self.now = tagged(w.HTML(), "kit-steps-now")  # what to do and the result expected
        self.go = tagged(button("Aller à l'onglet", icon="arrow-right"), "kit-steps-go")
        self.more = tagged(w.HTML(), "kit-steps")
        self.guide_docx = tagged(button("Guide (Word)", icon="print", tooltip="Le guide d'animation de la session, à imprimer"),
                                 "kit-guide-docx")
        self.guide_link = tagged(w.HTML(), "kit-guide-download")
        self._target = ""
        self._guide_html: str | None = None
        self._ws = None
        self.toggle.on_click(guard(lambda _: self.show(not self.visible)))
        self.go.on_click(guard(lambda _: self._open_tab()))
        self.guide_docx.on_click(guard(lambda _: self._guide()))
        for widget in (self.go, self.guide_docx, self.toggle):
            widget.layout.min_width, widget.layout.flex = "max-content", "0 0 auto"
        self.head.layout.flex = "1 1 auto"
        if not self.session:
            self.guide_docx.layout.display = "none"
        bar = w.HBox([self.head, self.go, self.guide_docx, self.toggle],
                     layout=w.Layout(align_items="center", justify_content="flex-end", grid_gap="8px"))
        self.box = w.VBox([bar, self.now, self.more, self.guide_link])
        self.widget = tagged(w.VBox([w.HTML(PANEL_CSS), self.box]), "kit-steps-panel")
        self.show(not starts_hidden())

    @property
    def visible(self) -> bool:
        return self.more.layout.display != "none"

    def show(self, visible: bool) -> None:
        """Show or hide everything but the toggle, which stays as a small button on the right."""
        for widget in (self.head, self.now, self.more, self.guide_link):
            widget.layout.display = None if visible else "none"
        self.go.layout.display = None if visible and self._target and self.select_tab else "none"
        self.guide_docx.layout.display = None if visible and self.session else "none"
        self.box.remove_class("kit-steps-box") if not visible else self.box.add_class("kit-steps-box")
        self.toggle.description = HIDE if visible else SHOW
        self.toggle.icon = "eye-slash" if visible else "eye"

    def find_terms(self, root: w.Widget) -> None:
        """The glossary terms the page shows, listed under the steps with their definitions."""
        from kit import glossary

        self.terms_html = glossary.terms_panel_html(glossary.terms_in(visible_text(root)))

    def redraw(self, ws) -> None:
        from kit.glossary import annotate_html

        self._ws = ws
        items = guidance.steps(self.notebook, ws)
        current = guidance.next_step(items)
        known = [s for s in items if s.done is not None]
        done = sum(bool(s.done) for s in known)
        where = f"Session {self.session} · " if self.session else ""
        self._target = ""
        if not items:
            self.head.value = self.now.value = ""
        elif current is None:
            self.head.value = (f"<div><b>Pas à pas</b> · {where}toutes les étapes sont faites ({done} sur "
                               f"{len(known)}).</div>")
            self.now.value = "<div>Relisez le livrable avant de le transmettre.</div>"
        else:
            step = items[current]
            self._target = step.tab
            tab = f" <span class='kit-sub'>(onglet « {esc(step.tab)} »)</span>" if step.tab else ""
            self.head.value = (f"<div><b>Pas à pas</b> · {where}étape {current + 1} sur {len(items)} · {done} "
                               f"faite{'s' if done > 1 else ''}<br><b>À faire maintenant : {esc(step.title)}</b>"
                               f"{tab}</div>")
            self.now.value = (f"<div>{annotate_html(step.what)}<br>"
                              f"<i>Résultat attendu : {annotate_html(step.expected)}</i></div>")
        self.go.layout.display = None if self.visible and self._target and self.select_tab else "none"
        lines = "".join(
            f"<li class='{'kit-step-current' if i == current else ''}'>{MARK[s.done]} {esc(s.title)}"
            f"{' — ' + esc(s.when) if s.when else ''}{' — onglet « ' + esc(s.tab) + ' »' if s.tab else ''}"
            f"<br><span class='kit-sub'>Résultat attendu : {esc(s.expected)}</span></li>"
            for i, s in enumerate(items))
        steps = f"<h3>Les étapes</h3><ol>{lines}</ol>" if items else ""
        parts = [label for label, present in (("les étapes", items), ("le guide d'animation", self.session),
                                               ("les mots de la page", self.terms_html)) if present]
        self.more.value = (f"<details><summary>Voir {', '.join(parts)}</summary>{steps}{self._session_guide()}"
                           f"{self.terms_html}</details>" if parts else "")

    def _session_guide(self) -> str:
        """The facilitator guide of the session, unfolded on demand (built once: it does not change)."""
        if not self.session:
            return ""
        if self._guide_html is None:
            from kit.guides import guide_html

            self._guide_html = (f"<div class='kit-guide-view'><h3>Guide d'animation de la session {self.session}</h3>"
                                f"{guide_html(self.session)}</div>")
        return self._guide_html

    def _open_tab(self) -> None:
        if self._target and self.select_tab:
            self.select_tab(self._target)

    def _guide(self) -> None:
        from kit import deliverables

        name, data = deliverables.export(self._ws, f"guide-session{self.session}", "docx")
        self.guide_link.value = download_link(data, name, f"Télécharger {name}", MIME["docx"])
