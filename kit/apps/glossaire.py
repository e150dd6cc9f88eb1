"""Glossary app: look up a word of the programme while working, in JupyterLab or Voilà.

A search box, a theme filter, and the matching entries below, updated at each keystroke. The widgets
are built once and only their values change: a new widget per keystroke would pile up in the kernel
and make typing lag on a projector laptop. Every text of the CSV goes through `esc()`/`esc_attr()`
before entering HTML: a facilitator edits that file by hand, and what is typed in the search box is
shown back in the "no match" message.
"""

from __future__ import annotations

import ipywidgets as w

from kit.reference import glossary

from .ui import Messages, choice, esc, esc_attr, heading, page, set_options, tagged

ALL_THEMES = "Tous les thèmes"

GLOSSARY_CSS = """
<style>
.kit-glossary dl.kit-glossary-list { margin: 6px 0; }
.kit-glossary dl.kit-glossary-list dt { font-size: 19px; margin-top: 14px; color: #0b3d2e; }
.kit-glossary dl.kit-glossary-list dd { margin: 2px 0 0 18px; }
.kit-glossary dl.kit-glossary-list dd p { margin: 2px 0; }
.kit-glossary .kit-glossary-tag { font-size: 14px; background: #e3efe8; border-radius: 10px; padding: 1px 8px;
  margin-left: 6px; font-weight: 400; color: #234; }
.kit-glossary .kit-glossary-variants, .kit-glossary .kit-glossary-source { color: #444; font-size: 16px; }
.kit-glossary .kit-glossary-count { color: #333; }
</style>
"""


def _theme_label(theme: str) -> str:
    return theme[:1].upper() + theme[1:]


def _terms(count: int) -> str:
    return f"{count} terme" if count == 1 else f"{count} termes"


def _entry_html(entry: dict) -> str:
    """One entry as a term and its description; the link only when it is a web address.

    A link is shown only if it starts with https:// so a mistyped or hostile cell (``javascript:``)
    in the hand-edited CSV never becomes a clickable link.
    """
    theme = f'<span class="kit-glossary-tag">{esc(_theme_label(entry["theme"]))}</span>' if entry["theme"] else ""
    parts = []
    variants = [v.strip() for v in entry["variantes"].split(";") if v.strip()]
    if variants:
        parts.append(f'<p class="kit-glossary-variants">Autres formes : {esc(", ".join(variants))}</p>')
    parts.append(f'<p class="kit-glossary-definition">{esc(entry["definition"])}</p>')
    if entry["source"]:
        parts.append(f'<p class="kit-glossary-source">Source : {esc(entry["source"])}</p>')
    sessions = [s.strip() for s in entry["sessions"].split(";") if s.strip()]
    if sessions:
        label = "Session" if len(sessions) == 1 else "Sessions"
        parts.append(f'<p class="kit-glossary-source">{label} : {esc(", ".join(sessions))}</p>')
    if entry["lien"].startswith("https://"):
        parts.append(f'<p><a class="kit-link" href="{esc_attr(entry["lien"])}" target="_blank" rel="noopener">'
                     f'En savoir plus ({esc(entry["lien"].removeprefix("https://").rstrip("/"))})</a></p>')
    return f'<dt><b>{esc(entry["terme"])}</b>{theme}</dt><dd>{"".join(parts)}</dd>'


def _nothing_found(query: str, theme: str | None) -> str:
    """The French sentence shown instead of an empty list, saying what was looked for."""
    where = f" dans le thème « {_theme_label(theme)} »" if theme else ""
    if not query.strip():
        return f"Aucun terme{where} pour l'instant."
    return (f"Aucun terme ne correspond à « {query.strip()} »{where}. "
            "Essayez un autre mot, ou le début du mot seulement.")


class GlossaryApp:
    """The searchable glossary: `.root` is the widget to display."""

    def __init__(self):
        self.messages = Messages()
        self.total = len(glossary.load_glossary())
        self.query = tagged(w.Text(placeholder="Chercher un mot : îlot de chaleur, MICMAC, gouvernance…",
                                   continuous_update=True, layout=w.Layout(width="560px")),
                            "kit-glossary-search")
        self.theme = choice("Thème", "kit-glossary-theme", width="360px")
        set_options(self.theme, [(ALL_THEMES, "")] + [(_theme_label(t), t) for t in glossary.THEMES])
        self.theme.value = ""
        self.count = tagged(w.HTML(), "kit-glossary-count")
        self.results = tagged(w.HTML(), "kit-glossary-results")

        self.query.observe(self.messages.guard(self._on_change), names="value")
        self.theme.observe(self.messages.guard(self._on_change), names="value")
        self.root = page(
            w.HTML(GLOSSARY_CSS),
            heading("Glossaire", "Les mots du programme Quartiers en transitions, expliqués simplement"),
            w.HTML("<a class='kit-link' href='./00_accueil.ipynb'>← Retour à l'accueil</a>"),
            self.messages.widget,
            w.HBox([self.query, self.theme], layout=w.Layout(flex_flow="row wrap", grid_gap="16px")),
            self.count,
            self.results,
            app_class="kit-glossary",
        )
        self.show()
        self.root.add_class("kit-ready")

    def _on_change(self, _change) -> None:
        self.show()

    def show(self) -> None:
        """Show the entries matching the search box and the theme chosen (all of them when both are empty)."""
        query, theme = self.query.value, self.theme.value or None
        found = glossary.search(query, theme)
        if found.empty:
            self.count.value = f'<p class="kit-glossary-count">0 terme sur {self.total}</p>'
            self.results.value = f'<div class="kit-msg kit-msg-info">{esc(_nothing_found(query, theme))}</div>'
            return
        shown = len(found)
        count = _terms(shown) if shown == self.total else f"{_terms(shown)} sur {self.total}"
        self.count.value = f'<p class="kit-glossary-count">{esc(count)}</p>'
        entries = "".join(_entry_html(entry) for entry in found.to_dict("records"))
        self.results.value = f'<dl class="kit-glossary-list">{entries}</dl>'


def glossary_app() -> w.Widget:
    """The glossary app's root widget (what `notebooks/glossaire.ipynb` displays)."""
    return GlossaryApp().root
