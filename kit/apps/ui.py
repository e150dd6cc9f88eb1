"""Widgets and helpers shared by every app: page style, messages, safe callbacks, links, downloads.

Every piece of text a user typed goes through `esc()` before it enters an `HTML` widget; `Label`,
`Button` and `Dropdown` show plain text by themselves. Callbacks are wrapped by `Messages.guard` so
an error becomes a French sentence in the app, never a traceback.
"""

from __future__ import annotations

import base64
import functools
import html
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote

import ipywidgets as w

from kit.edits import apply_form
from kit.errors import KitError
from kit.model import SCORE_MAX

from .kernel_log import keep_errors_in_kernel

log = logging.getLogger("kit.apps")

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
# A 0-10 score chosen from a list: "—" leaves it unscored (None), which is not a 0.
SCORE_CHOICES = [("—", None)] + [(str(i), i) for i in range(SCORE_MAX + 1)]

# Projected in a workshop room: large type, strong contrast, nothing wider than 1280 px.
PAGE_CSS = """
<style>
.kit-app { --jp-widgets-font-size: 17px; --jp-widgets-inline-height: 38px; --jp-ui-font-size1: 17px;
  --jp-content-font-size1: 17px; font-size: 17px; color: #111; max-width: 1220px; margin: 0 auto;
  font-family: system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.kit-app .widget-label, .kit-app .widget-inline-hbox .widget-label { font-size: 17px; }
.kit-app .widget-html-content { line-height: 1.45; }
.kit-app textarea { font-family: inherit; font-size: 17px; line-height: 1.4; }
.kit-app ul.kit-check { list-style: none; padding-left: 4px; } .kit-app ul.kit-check li { margin: 3px 0; }
.kit-app ul.kit-check li.ok::first-letter { color: #1e7a3c; } .kit-app ul.kit-check li.ko::first-letter { color: #b3261e; }
.kit-app h1 { font-size: 30px; margin: 8px 0 2px; color: #0b3d2e; }
.kit-app h2 { font-size: 23px; margin: 14px 0 6px; color: #0b3d2e; }
.kit-app .kit-sub { font-size: 18px; color: #333; margin: 0 0 8px; }
.kit-app .kit-card { border: 2px solid #c9d6cf; border-radius: 8px; padding: 10px 14px; margin: 6px 0;
  background: #fbfdfc; }
.kit-app .kit-msg-ok { background: #e3f4e8; border-left: 6px solid #1e7a3c; padding: 10px 14px; }
.kit-app .kit-msg-error { background: #fdeaea; border-left: 6px solid #b3261e; padding: 10px 14px; }
.kit-app .kit-msg-info { background: #eaf1fb; border-left: 6px solid #1f5fa8; padding: 10px 14px; }
.kit-app .kit-msg ul { margin: 4px 0 0 18px; padding: 0; }
.kit-app .jupyter-button { font-size: 17px; height: 40px; }
.kit-app .jupyter-button.mod-primary { background: #0b6e4f; }
.kit-app .jupyter-button.mod-danger { background: #b3261e; }
.kit-app a.kit-link { font-size: 18px; font-weight: 600; color: #0b4f9c; }
.kit-app .kit-state { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; }
.kit-app .kit-state-todo { background: #eee; } .kit-app .kit-state-doing { background: #fff1c2; }
.kit-app .kit-state-done { background: #cdeccf; }
.kit-app .lm-TabBar-tab, .kit-app .widget-tab > .p-TabBar .p-TabBar-tab { flex: 0 0 auto !important;
  max-width: none !important; min-width: 0 !important; font-size: 17px; padding: 4px 14px; }
.kit-app .lm-TabBar-tab.lm-mod-current { font-weight: 700; }
.kit-app .kit-cards { display: flex; flex-wrap: wrap; gap: 10px; }
.kit-app .kit-cards .kit-card { width: 370px; }
.kit-app .kit-label-whole > .widget-label { width: auto; max-width: none; margin-right: 8px; }
.kit-app table.kit-table { border-collapse: collapse; font-size: 17px; }
.kit-app table.kit-table td, .kit-app table.kit-table th { border-bottom: 1px solid #ccd; padding: 4px 10px;
  text-align: left; }
</style>
"""


def esc(text: object) -> str:
    """Text typed by a user, made safe to put between HTML tags (shown as typed, never interpreted)."""
    return html.escape(str(text), quote=False)


def esc_attr(text: object) -> str:
    """The same, for a value inside an HTML attribute (quotes escaped too)."""
    return html.escape(str(text), quote=True)


def page(*children: w.Widget, app_class: str) -> w.VBox:
    """The root box of an app: shared style, a CSS class per app, and `kit-ready` for tests."""
    root = w.VBox([w.HTML(PAGE_CSS), *children], layout=w.Layout(width="100%"))
    root.add_class("kit-app")
    root.add_class(app_class)
    return root


def tagged(widget: w.Widget, css: str) -> w.Widget:
    """`widget` with a CSS class: how tests and the page's style find it."""
    widget.add_class(css)
    return widget


def set_options(widget: w.Widget, options) -> None:
    """Offer `options` in a choice list, keeping what the person chose when it is still offered.

    Reassigning options resets a list's choice, and a redraw caused by someone else's save would
    undo a choice being made; unchanged options send nothing. A multiple selection is cleared before
    its options change (changing both at once fails in the browser), then restored.
    """
    options = [tuple(o) if isinstance(o, list) else o for o in options]
    if [tuple(o) if isinstance(o, list) else o for o in widget.options] == options:
        return
    values = [o[1] if isinstance(o, tuple) else o for o in options]
    kept = widget.value
    widget._kit_setting_options = True  # the values passed through on the way are no choice (`on_choice`)
    try:
        if isinstance(widget, w.SelectMultiple):
            widget.value = ()
            widget.options = options
            widget.value = tuple(v for v in kept if v in values)
        else:
            widget.options = options
            if kept in values:
                widget.value = kept
            elif values and not isinstance(widget, w.Combobox):
                widget.value = values[0]  # as a list shows its first choice when nothing was chosen
    finally:
        widget._kit_setting_options = False
    if widget.value != kept:
        for callback in getattr(widget, "_kit_choice_callbacks", ()):
            callback({"name": "value", "old": kept, "new": widget.value, "owner": widget, "type": "change"})


def on_choice(widget: w.Widget, callback: Callable) -> None:
    """Call `callback(change)` when the choice of `widget` changes: chosen by the person, or replaced
    because a redraw took it away, never for the values `set_options` passes through on the way
    (reassigning options selects the first one for a moment, which would load it into a form)."""
    def observer(change):
        if not getattr(widget, "_kit_setting_options", False):
            callback(change)

    widget.observe(observer, names="value")
    widget._kit_choice_callbacks = (*getattr(widget, "_kit_choice_callbacks", ()), callback)


class EntityForm:
    """The widgets of a form that edits one saved entity, and what they showed when it was loaded.

    A save sends only the fields the person changed, with the values the form was loaded from
    (`edits.apply_form`): fields nobody else touched merge into the latest revision, and a field
    someone else changed meanwhile is refused, named, with the other person's value
    (`edits.EditCollision`); the form then starts from that value (`adopt`), so saving again keeps
    the person's, knowingly. Showing the same entity again (a redraw after a save, this tab's or
    another's) refreshes only the fields the person has not touched: what they are typing stays.

    `show` turns a field's saved value into its widget's value (identity by default), `read` a widget
    into the value to save (its value by default; it may raise a `KitError`, as `checked_date` does).
    """

    def __init__(self, widgets: dict[str, w.Widget], *, show: dict[str, Callable] | None = None,
                 read: dict[str, Callable] | None = None):
        self.widgets = dict(widgets)
        self._to_widget = show or {}
        self._from_widget = read or {}
        self.key: str | None = None  # the entity shown: its id, or its kind for a part without id
        self.revision: int | None = None  # the revision the form was loaded from
        self.loaded: dict = {}  # its saved values then
        self._shown = {name: _state(widget) for name, widget in self.widgets.items()}

    def show(self, entity, revision: int | None) -> None:
        """Show `entity` (None: none chosen, the widgets are left as they are): every field when it is
        not the entity shown, else only the fields the person has not touched."""
        if entity is None:
            self.key, self.revision, self.loaded = None, revision, {}
            self._shown = {name: _state(widget) for name, widget in self.widgets.items()}
            return
        key = getattr(entity, "id", type(entity).__name__)
        again, kept = key == self.key, False
        for name, widget in self.widgets.items():
            value = getattr(entity, name)
            shown = self._to_widget.get(name, _same_value)(value)
            if again and self.touched(name) and _state(widget) != (shown, False):
                kept = True  # being typed: kept, and so is the value it was loaded from
                continue
            if widget.value != shown:  # (a field typed as it is now saved counts as loaded from it)
                widget.value = shown
            self.loaded[name] = value
            self._shown[name] = _state(widget)
        self.key = key
        self.revision = self.revision if kept else revision

    def load(self, entity, revision: int | None) -> None:
        """Show `entity` afresh, every field (after the person's own save, or to start over)."""
        self.key = None
        self.show(entity, revision)

    def touched(self, name: str) -> bool:
        return _state(self.widgets[name]) != self._shown.get(name)

    def edited(self) -> dict:
        """The fields the person changed since the form was loaded, as saved values."""
        return {name: self._from_widget.get(name, _value)(widget)
                for name, widget in self.widgets.items() if self.touched(name)}

    def apply(self, entity, ws=None) -> list[str]:
        """Write the person's changes onto `entity` of the latest revision `ws` (see `edits.apply_form`)."""
        return apply_form(entity, self.loaded, self.edited(), ws=ws, since=self.revision)

    def adopt(self, collision) -> None:
        """After a refused save: the other person's values become the form's starting point, so the
        next save keeps the person's (they have been told)."""
        self.loaded.update({name: value for name, value in collision.theirs.items() if name in self.widgets})


def _same_value(value):
    return value


def _value(widget: w.Widget):
    return widget.value


def _state(widget: w.Widget):
    """What a person may have changed in a widget: its value, and whether it holds a date the browser
    could not read (`inputs.DateInput`, whose value is then None)."""
    return widget.value, getattr(widget, "unreadable", False)


def choice(description: str, css: str, width: str = "420px", **extra) -> w.Dropdown:
    """A labelled choice list, its label kept whole (no ellipsis on a projector)."""
    return tagged(w.Dropdown(description=description, layout=w.Layout(width=width),
                             style={"description_width": "initial"}, **extra), css)


def checks_html(checks) -> str:
    """A checklist (items with `label`, `ok`, `detail`) as ✓ / ✗ lines."""
    items = "".join(f"<li class='{'ok' if c.ok else 'ko'}'>{'✓' if c.ok else '✗'} <b>{esc(c.label)}</b>"
                    f"{' — ' + esc(c.detail) if c.detail else ''}</li>" for c in checks)
    return f"<ul class='kit-check'>{items}</ul>"


def heading(title: str, subtitle: str = "") -> w.HTML:
    sub = f'<p class="kit-sub">{esc(subtitle)}</p>' if subtitle else ""
    return w.HTML(f"<h1>{esc(title)}</h1>{sub}")


class Messages:
    """The message line of an app: what just happened, or what went wrong, in French."""

    def __init__(self):
        keep_errors_in_kernel()  # every app builds its Messages first: from now on no traceback leaves the kernel
        self.widget = w.HTML("")
        self.widget.add_class("kit-messages")
        self._near: w.HTML | None = None  # the line beside the form in use, while its callback runs
        self._shown_near: w.HTML | None = None  # the last such line written to (cleared by the next action)

    def _show(self, kind: str, text: str, details: list[str] | None = None) -> None:
        items = "".join(f"<li>{esc(d)}</li>" for d in details or [])
        listing = f"<ul>{items}</ul>" if items else ""
        self.widget.value = f'<div class="kit-msg kit-msg-{kind}" role="status">{esc(text)}{listing}</div>'
        if self._near is not None:
            self._near.value = self.widget.value
            self._shown_near = self._near

    def ok(self, text: str) -> None:
        self._show("ok", text)

    def info(self, text: str) -> None:
        self._show("info", text)

    def error(self, text: str, details: list[str] | None = None) -> None:
        self._show("error", text, details)

    def clear(self) -> None:
        self.widget.value = ""

    def guard(self, callback: Callable, near: w.HTML | None = None) -> Callable:
        """Wrap a widget callback: a `KitError` is shown as is, anything else as a generic message.

        `near`: a line beside the form (`near_line()`) that shows the callback's messages too, since the
        message line at the top of the page may be out of sight; the next action clears it."""

        @functools.wraps(callback)
        def wrapped(*args, **kwargs):
            outer = self._near
            if outer is None and self._shown_near is not None:
                self._shown_near.value = ""
                self._shown_near = None
            if near is not None:
                self._near = near
            try:
                return callback(*args, **kwargs)
            except KitError as error:
                self.error(error.message, error.details)
            except Exception:  # noqa: BLE001 - the last barrier before a user would see a traceback
                log.exception("Erreur dans une action de l'application")
                self.error(
                    "Une erreur inattendue est survenue ; rien n'a été modifié. "
                    "Réessayez, ou rechargez la page : votre travail déjà enregistré est conservé."
                )
            finally:
                self._near = outer

        return wrapped


def near_line(css: str = "") -> w.HTML:
    """The line beside a form where `Messages.guard(..., near=line)` repeats what its action said."""
    line = tagged(w.HTML(""), "kit-near")
    return tagged(line, css) if css else line


def button(description: str, *, style: str = "", icon: str = "", tooltip: str = "") -> w.Button:
    b = w.Button(description=description, button_style=style, icon=icon, tooltip=tooltip or description,
                 layout=w.Layout(width="auto", min_width="120px"))
    return b


def download_link(data: bytes, filename: str, label: str, mime: str = "application/json") -> str:
    """An HTML link that downloads `data` (Voilà refuses FileLink; a data: URL works offline)."""
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<a class="kit-link kit-download" download="{esc_attr(filename)}" '
            f'href="data:{mime};base64,{encoded}">⬇ {esc(label)}</a>')


def safe_filename(name: str) -> str:
    cleaned = re.sub(r"[^\w\- ]+", "", name, flags=re.UNICODE).strip().replace(" ", "_")
    return cleaned[:60] or "espace"


def url_workspace_id() -> str | None:
    """The workspace named in the page address (``?espace=...``), if any.

    In a preheated Voilà kernel the request is not known yet: `wait_for_request` blocks until it is.
    Outside Voilà (JupyterLab, nbval) it returns at once and there is no query string.
    """
    # Only a preheated kernel has to wait; importing voila.utils loads the whole Jupyter server
    # package (about half a second), so a cold kernel, Binder or nbval never pays it.
    if os.environ.get("VOILA_PREHEAT") == "True":
        try:
            from voila.utils import wait_for_request

            from kit.lazy import preload

            preload()  # pandas, networkx, plotly: imported while the kernel waits, not once the page is asked for
            wait_for_request()
        except Exception:  # noqa: BLE001 - then the page simply opens with no workspace chosen
            log.warning("no Voilà request info", exc_info=True)
    return url_parameter("espace")


def url_parameter(name: str) -> str | None:
    """A parameter of the page address (Voilà puts its query string in the kernel's environment);
    in a preheated kernel, call it after `url_workspace_id`, which waits for the request."""
    values = parse_qs(os.environ.get("QUERY_STRING", "")).get(name)
    return values[0] if values else None


def app_href(notebook: str, workspace_id: str) -> str:
    """A link to another app on the same workspace, relative so it works locally and on Binder."""
    return f"./{quote(notebook)}?espace={quote(workspace_id)}"


def app_exists(notebook: str) -> bool:
    return (NOTEBOOKS_DIR / notebook).exists()


class FigureView:
    """A plotly chart in an app, drawn once the page is on screen and redrawn in place afterwards.

    `figure` may be a figure or a function returning one: until `activate()` (called when the page
    has rendered, see `SessionApp`), only the latest function is kept, so no chart is computed nor
    sent while the page loads. After activation, an unchanged figure sends nothing.
    """

    def __init__(self, figure, css: str = ""):
        self.css = css
        self.widget = w.Box(layout=w.Layout(width="100%"))
        if css:
            self.widget.add_class(f"{css}-box")
        self.chart = None
        self._pending = figure

    @property
    def figure(self) -> dict:
        return self.chart.figure if self.chart is not None else {}

    def show(self, figure) -> None:
        if self.chart is None:
            self._pending = figure
            return
        from .plot import figure_json

        drawn = figure_json(figure() if callable(figure) else figure)
        if drawn != self.chart.figure:
            self.chart.figure = drawn

    def activate(self) -> None:
        if self.chart is not None:
            return
        from .plot import Chart, figure_json

        figure = self._pending() if callable(self._pending) else self._pending
        self.chart = Chart(figure=figure_json(figure), layout=w.Layout(width="100%"))
        if self.css:
            self.chart.add_class(self.css)
        self.widget.children = (self.chart,)


def draw_charts(root: w.Box, views: list[FigureView]) -> None:
    """Draw `views` in the page `root` once it is on screen: plotly.js added to the page first, once (a page
    without charts never loads it)."""
    if not views:
        return
    from .plot import plotly_library

    if plotly_library() not in root.children:
        root.children = (*root.children, plotly_library())
    for view in views:
        view.activate()


def table_html(frame, css: str = "", missing: str = "—") -> str:
    """A DataFrame as an escaped HTML table, numbers and dates written as in the deliverables."""
    from kit.reports.formatting import format_short_number
    from kit.reports.html_table import frame_html

    return frame_html(frame.reset_index(drop=True), css_class=f"kit-table {css}", missing=missing,
                      number_format=format_short_number, booleans=("✓", ""))
