"""What every session app shares: open the workspace named in the address (or chosen in the app when
the address names none), tabs, save-and-redraw.

A session app subclasses `SessionApp`, names its `title`, `css` and the `parts` its tabs redraw, and
builds its tabs in `sections()`. Every edit goes through `save(change, message, parts)`: the change
runs on the latest revision under the store's lock, then only the named parts are redrawn.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from kit.edits import EditCollision
from kit.store import Store

from .address import PageAddress
from .plot import RenderedSignal
from .steps_panel import StepsPanel
from .ui import EntityForm, FigureView, Messages, button, draw_charts, esc, esc_attr, heading, page, set_options, tagged
from .workspace_choice import workspace_chooser


class SessionApp:
    title = ""
    css = ""
    parts: tuple[str, ...] = ()
    notebook = ""  # the app's notebook: its "pas à pas" steps are found by it

    def __init__(self, store: Store | None = None, workspace_id: str | None = None):
        self.store = store or Store()
        self.messages = Messages()
        self.ws_id: str | None = None
        self.ws = None
        self.address = PageAddress()  # ?espace= in a Voilà page's address: a reload keeps the workspace
        self.root = page(self.messages.widget, app_class=self.css)
        ws = self.messages.guard(self.store.load)(workspace_id) if workspace_id else None
        if ws is None:
            self._offer_choice()
        else:
            self._build(ws)
        self.root.add_class("kit-ready")

    def _offer_choice(self) -> None:
        """No workspace in the address (JupyterLab, a bare link) or one that cannot be opened: the list
        of workspaces, and the app opens in place on the one chosen."""
        self.root.children = (self.root.children[0], heading(self.title), self.messages.widget,
                              workspace_chooser(self.store, self.messages.guard(self._open_chosen)),
                              w.HTML("<a class='kit-link' href='./00_accueil.ipynb'>← Retour à l'accueil</a>"))

    def _open_chosen(self, workspace_id: str) -> None:
        ws = self.store.load(workspace_id)
        self.messages.clear()
        self._build(ws)

    def _build(self, ws) -> None:
        self.ws_id, self.ws = ws.id, ws
        self.refreshers: dict[str, list[Callable]] = {part: [] for part in self.parts}
        self.choice_lists: list[tuple[w.Widget, Callable]] = []
        self.views: list[FigureView] = []
        self._later: dict[str, Callable[[], None]] = {}
        sections = self.sections()
        self.tabs = w.Tab(children=[body for _, body in sections], titles=[title for title, _ in sections])
        self.tabs.add_class("kit-tabs")
        self.header = w.HTML()
        self.signal = RenderedSignal()
        self.signal.on_rendered(self.messages.guard(self.draw_charts))
        self.steps = StepsPanel(self.notebook, self.select_tab, self.messages.guard)
        self.address.espace = ws.id
        self.root.children = (self.root.children[0], self.header, self.messages.widget, self.address,
                              self.steps.widget, self.tabs, self.signal)
        self.steps.find_terms(self.root)
        self.refresh(self.ws)

    def figure(self, figure, css: str) -> FigureView:
        """A chart of this app (a figure, or a function returning one, computed once the page is shown)."""
        view = FigureView(figure, css)
        self.views.append(view)
        return view

    def later(self, key: str, work: Callable[[], None]) -> None:
        """What a tab the page does not show at first needs to compute (the network's readings, its exports):
        done once the page is on screen, as the charts are, so that it costs nothing before the page is usable;
        at once afterwards. Only the latest `work` of each `key` is kept until then."""
        if getattr(self, "charts_drawn", False):
            work()
        else:
            self._later[key] = work

    def draw_charts(self) -> None:
        """Once the page is on screen: plotly.js, sent once, then every chart with its latest figure; then the work
        left for `later` (hidden tabs: after the charts the person sees)."""
        pending, self._later = self._later, {}
        self.charts_drawn = True
        draw_charts(self.root, self.views)
        for work in pending.values():
            work()

    def lazy(self, title: str, build: Callable[[], w.Widget], css: str, intro: str = "") -> w.Widget:
        """A secondary panel built when the person first opens it: every widget of a page is sent to the browser
        before the page is usable, so what a session seldom needs is not sent with it. Once built, the panel's
        redraws run on the latest revision and its charts are drawn as the page's were."""
        opener = tagged(button(title, icon="chevron-down"), f"{css}-open")
        box = tagged(w.VBox([w.HTML(f"<p class='kit-sub'>{esc(intro)}</p>") if intro else w.HTML(), opener]), css)

        def open_panel(_=None) -> None:
            if opener not in box.children:
                return  # built already (opened by the person, or by `unfold` after a creation)
            known = {id(r) for redraws in self.refreshers.values() for r in redraws}
            views = len(self.views)
            panel = build()
            box.children = (panel,)
            for redraw in dict.fromkeys(r for redraws in self.refreshers.values() for r in redraws if id(r) not in known):
                redraw(self.ws)
            if getattr(self, "charts_drawn", False):
                draw_charts(self.root, self.views[views:])

        opener.on_click(self.messages.guard(open_panel))
        box.unfold = open_panel  # for a form that must show what was just created in the panel
        return box

    def live_tab(self, reviews, intro: str) -> w.Widget:
        """« Atelier en direct »: the room's phones take part in this session's activities (`reviews`, see
        kit/apps/live_panel.py), the panel built when the facilitator first opens it."""
        from .live_panel import LivePanel

        def saved(ws) -> None:  # the room's contributions changed the workspace: the whole app redrawn
            self.ws = ws
            self.refresh(ws)

        return self.lazy("Préparer l'atelier en direct", lambda: LivePanel(
            self.store, self.ws_id, self.messages.guard, saved, reviews, origin=lambda: self.address.origin).widget,
            "kit-lazy-live", intro)

    def sections(self) -> list[tuple[str, w.Widget]]:
        raise NotImplementedError

    def select_tab(self, title: str) -> None:
        """Open the tab with this title (the "pas à pas" panel's button), and its panel if it is built when
        first opened: the step's button leads to the work itself."""
        if title in self.tabs.titles:
            index = list(self.tabs.titles).index(title)
            self.tabs.selected_index = index
            unfold = getattr(self.tabs.children[index], "unfold", None)
            if unfold is not None:
                unfold()

    def save(self, change: Callable, message: str, parts: tuple[str, ...] | None = None):
        """Apply `change` to the latest revision, save it, redraw what depends on it, say so."""
        from kit.cohort.cohorts import publish_after_save

        self.ws = self.store.update(self.ws_id, change)
        self.refresh(self.ws, parts or self.parts)
        not_shared = publish_after_save(self.store, self.ws)  # what the cohort sees follows the save
        self.messages.ok(f"{message} {not_shared}".strip())
        return self.ws

    def save_form(self, form: EntityForm, find: Callable, message: str, parts: tuple[str, ...] | None = None,
                  check: Callable | None = None):
        """Save what the person changed in `form` onto the entity `find(ws)` of the latest revision, then
        `check(ws, entity, written)` (a further rule, which may refuse). Fields nobody else changed since
        the form was loaded merge; one someone else changed is refused and named (`EditCollision`), and
        the form takes their value as its starting point: saving again keeps the person's."""
        def change(ws):
            entity = find(ws)
            written = form.apply(entity, ws)
            if check is not None:
                check(ws, entity, written)

        try:
            self.save(change, message, parts)
        except EditCollision as collision:
            form.adopt(collision)
            raise
        form.load(find(self.ws), self.ws.revision)
        return self.ws

    def refresh(self, ws, parts: tuple[str, ...] | None = None) -> None:
        self.header.value = (f"<h1>{esc(self.title)}</h1><p class='kit-sub'>{esc(ws.name)} · révision {ws.revision} · "
                             f"<a class='kit-link' href='./00_accueil.ipynb?espace={esc_attr(ws.id)}'>accueil</a></p>")
        # Every list that offers entities first, whatever the parts: a thing just saved is offered at once,
        # in every tab (a form redrawn below then finds its choices).
        for widget, options in self.choice_lists:
            set_options(widget, options(ws))
        # A redraw that depends on several of the parts runs once, in the order the tabs registered them.
        redraws = [r for part in (parts or self.parts) for r in self.refreshers[part]]
        for redraw in dict.fromkeys(redraws):
            redraw(ws)
        self.steps.redraw(ws)

    def choices(self, widget: w.Widget, options: Callable) -> w.Widget:
        """`widget` (a list offering entities: actors, stakes, fiches...) gets `options(ws)` now and after every
        save, from the saved workspace, in every tab: the one mechanism that keeps choice lists current, so a
        link to something just created is never dropped for want of being offered. Keeps the person's choice
        while it is still offered (`ui.set_options`)."""
        self.choice_lists.append((widget, options))
        if self.ws is not None:
            set_options(widget, options(self.ws))
        return widget

    def on(self, parts: str | tuple[str, ...], redraw: Callable) -> None:
        for part in (parts,) if isinstance(parts, str) else parts:
            self.refreshers[part].append(redraw)
