"""The "pas à pas" panel of an app: where the group is, what to do next, the result expected.

One line stays in view (the step to do now, with a button that opens its tab); the full list of
steps, the words of the page from the glossary and the facilitator guide of the session unfold
below it. A facilitator hides the whole panel for projection with one click, or opens the app with
``&pasapas=non`` in its address so it starts hidden.
"""

from __future__ import annotations

import re

import ipywidgets as w

from kit.sessions import guidance

from .session_plan import MIME
from .ui import app_exists, app_href, button, download_link, esc, esc_attr, tagged, url_parameter

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
    return (url_parameter("pasapas") or "").strip().lower() in ("non", "0", "masque", "masqué")


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _tree(widget: w.Widget):
    stack = [widget]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(getattr(item, "children", ()))


def visible_text(widget: w.Widget) -> str:
    """The words an app shows (titles, labels, placeholders, tab names), to find its glossary terms."""
    parts: list[str] = []
    for item in _tree(widget):
        if isinstance(item, w.HTML):
            if "<style>" not in item.value:
                parts.append(_plain(item.value))
        for attribute in ("description", "placeholder"):
            value = getattr(item, attribute, "")
            if isinstance(value, str):
                parts.append(value)
        if isinstance(item, w.Tab):
            parts.extend(item.titles)
    return "\n".join(parts)


class StepsPanel:
    """The panel; `redraw(ws)` after every save, `select_tab` opens a tab of the app (may be None)."""

    def __init__(self, notebook: str, select_tab=None, guard=lambda f: f):
        self.notebook = notebook
        self.session = guidance.session_of(notebook)
        self.select_tab = select_tab
        self.terms_html = ""
        self._target = ""
        self._ws = None
        self.toggle = tagged(button(HIDE, icon="eye-slash"), "kit-steps-toggle")
        self.head = tagged(w.HTML(), "kit-steps-head")  # where the group is and the step to do now
        self.now = tagged(w.HTML(), "kit-steps-now")  # what to do and the result expected
        self.go = tagged(button("Aller à l'onglet", icon="arrow-right"), "kit-steps-go")
        self.guide_show = tagged(button("Guide d'animation", icon="book"), "kit-guide-show")
        self.more = tagged(w.HTML(), "kit-steps")
        # The guide is built when asked for: reading it at every load would cost each app its
        # document layer (python-docx, plotly) before the page shows.
        self.guide_view = tagged(w.HTML(), "kit-guide-view")
        guide_docx = tagged(button("Imprimer le guide (Word)", icon="print"), "kit-guide-docx")
        self.guide_link = tagged(w.HTML(), "kit-guide-download")
        self.guide = w.VBox([self.guide_view, w.HBox([guide_docx, self.guide_link],
                                                     layout=w.Layout(align_items="center", grid_gap="12px"))],
                            layout=w.Layout(display="none"))
        self.toggle.on_click(guard(lambda _: self.show(not self.visible)))
        self.go.on_click(guard(lambda _: self._open_tab()))
        self.guide_show.on_click(guard(lambda _: self._show_guide()))
        guide_docx.on_click(guard(lambda _: self._guide_docx()))
        for widget in (self.go, self.guide_show, self.toggle):
            widget.layout.min_width, widget.layout.flex = "max-content", "0 0 auto"
        self.head.layout.flex = "1 1 auto"
        bar = w.HBox([self.head, self.go, self.guide_show, self.toggle],
                     layout=w.Layout(align_items="center", justify_content="flex-end", grid_gap="8px"))
        self.box = w.VBox([bar, self.now, self.more, self.guide])
        self.widget = tagged(w.VBox([w.HTML(PANEL_CSS), self.box]), "kit-steps-panel")
        self.show(not starts_hidden())

    @property
    def visible(self) -> bool:
        return self.more.layout.display != "none"

    def show(self, visible: bool) -> None:
        """Show or hide everything but the toggle, which stays as a small button on the right."""
        for widget in (self.head, self.now, self.more):
            widget.layout.display = None if visible else "none"
        if not visible:
            self.guide.layout.display = "none"
        self._buttons()
        self.box.add_class("kit-steps-box") if visible else self.box.remove_class("kit-steps-box")
        self.toggle.description = HIDE if visible else SHOW
        self.toggle.icon = "eye-slash" if visible else "eye"

    def _buttons(self) -> None:
        self.go.layout.display = None if self.visible and self._target and self.select_tab else "none"
        self.guide_show.layout.display = None if self.visible and self.session else "none"

    def find_terms(self, root: w.Widget) -> None:
        """Give the page's own help texts their glossary definitions on hover, and list the terms the
        page uses, with their definitions, under the steps. Called once the app is built and before
        its first redraw: the HTML filled by then is the kit's own text, never a participant's."""
        from kit.reference import glossary

        for item in _tree(root):
            if isinstance(item, w.HTML) and item.value and "<style" not in item.value:
                item.value = glossary.annotate_markup(item.value)
        self.terms_html = glossary.terms_panel_html(glossary.terms_in(visible_text(root)))

    def redraw(self, ws) -> None:
        from kit.reference.glossary import annotate_html

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
            self.now.value = "<div>Relisez ce qui a été produit avant de le transmettre.</div>"
        else:
            step = items[current]
            self._target = step.tab
            tab = f" <span class='kit-sub'>(onglet « {esc(step.tab)} »)</span>" if step.tab else ""
            if step.app and app_exists(step.app):
                tab += f" · <a class='kit-link' href='{esc_attr(app_href(step.app, ws.id))}'>ouvrir l'application →</a>"
            self.head.value = (f"<div><b>Pas à pas</b> · {where}étape {current + 1} sur {len(items)} · {done} "
                               f"faite{'s' if done > 1 else ''}<br><b>À faire maintenant : {esc(step.title)}</b>"
                               f"{tab}</div>")
            self.now.value = (f"<div>{annotate_html(step.what)}<br>"
                              f"<i>Résultat attendu : {annotate_html(step.expected)}</i></div>")
        self._buttons()
        lines = "".join(
            f"<li class='{'kit-step-current' if i == current else ''}'>{MARK[s.done]} {esc(s.title)}"
            f"{' — ' + esc(s.when) if s.when else ''}{' — onglet « ' + esc(s.tab) + ' »' if s.tab else ''}"
            f"<br><span class='kit-sub'>Résultat attendu : {esc(s.expected)}</span></li>"
            for i, s in enumerate(items))
        steps = f"<h3>Les étapes</h3><ol>{lines}</ol>" if items else ""
        parts = [label for label, present in (("les étapes", items), ("les mots de la page", self.terms_html))
                 if present]
        self.more.value = (f"<details><summary>Voir {' et '.join(parts)}</summary>{steps}{self.terms_html}</details>"
                           if parts else "")

    def _open_tab(self) -> None:
        if self._target and self.select_tab:
            self.select_tab(self._target)

    def _show_guide(self) -> None:
        """Unfold (or fold) the facilitator guide of the session, with the resources it can call on."""
        if self.guide.layout.display != "none":
            self.guide.layout.display = "none"
            return
        if not self.guide_view.value:
            from kit.reports.guides import guide_html

            self.guide_view.value = guide_html(self.session) + _resources_html(self.session)
        self.guide.layout.display = None

    def _guide_docx(self) -> None:
        from kit.reports import deliverables

        name, data = deliverables.export(self._ws, f"guide-session{self.session}", "docx")
        self.guide_link.value = download_link(data, name, f"Télécharger {name}", MIME["docx"])


def _resources_html(session: int) -> str:
    """The regional bodies useful for this session, with where to find them."""
    from kit.reference.resources import is_link, resources_for_session

    frame = resources_for_session(session)
    bodies = frame[frame["type"] == "organisme"]
    if bodies.empty:
        return ""
    items = "".join(
        f"<li><b>{esc(r.titre)}</b> — {esc(r.apport)} "
        + (f"<a href='{esc_attr(r.ou_trouver)}' target='_blank' rel='noopener'>{esc(r.ou_trouver)}</a>"
           if is_link(r.ou_trouver) else esc(r.ou_trouver)) + "</li>"
        for r in bodies.itertuples())
    return (f"<h4>Organismes ressources à mobiliser pour la session {session}</h4><ul>{items}</ul>"
            "<p class='kit-sub'>Toutes les références : page « Ressources et organismes experts ».</p>")
