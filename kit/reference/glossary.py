"""The glossary of the kit: the words a project group meets in the programme, explained simply.

The terms live in `data/glossaire/glossaire.csv` (written for the kit, see `data/README.md`), so a
facilitator adds or corrects a word in a spreadsheet, without code. This module only reads it: no
widgets here. The apps use it three ways: a searchable list (`search`), the words of a page shown
with their definition on hover (`annotate_html`) and a "words of this page" panel (`terms_panel_html`).

Matching ignores case and accents ("ilot" finds "Îlot de chaleur urbain") and treats a hyphen like a
space ("élu technicien" finds "Binôme élu-technicien"), because participants type fast, on a
projector keyboard, and texts spell the same word several ways.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.paths import data_path
from kit.text import fold_same_length, open_ligatures

GLOSSARY_CSV = data_path("glossaire", "glossaire.csv")
COLUMNS = ["terme", "variantes", "definition", "source", "lien", "theme", "sessions"]
THEMES = ("politique de la ville", "transitions", "prospective", "projet et gouvernance",
          "action et pilotage", "données")

# A hyphen, a slash, a space or a line break between two words of a term are the same thing in a
# text ("binôme élu/technicien", "élu-technicien").
_SEPARATOR = r"[\s\-/]+"
def _key(text: str) -> str:
    """How two spellings of a term are compared: folded, ligatures opened, separators collapsed."""
    return re.sub(_SEPARATOR, " ", open_ligatures(fold_same_length(text))).strip()


def _variants(cell: str) -> list[str]:
    return [v.strip() for v in str(cell).split(";") if v.strip()]


def _phrase_pattern(phrase: str) -> str:
    """A regex for `phrase` in folded text, any run of spaces or hyphens between its words."""
    words = re.split(_SEPARATOR, fold_same_length(phrase).strip())
    return _SEPARATOR.join(re.escape(w) for w in words if w)


@dataclass(frozen=True)
class _Glossary:
    rows: tuple[dict[str, str], ...]  # the CSV, sorted by term (plain rows: the words of a page need no pandas)
    by_key: dict[str, int]         # _key(term or variant) -> index in `rows`
    pattern: re.Pattern            # every term and variant, longest first, on folded text
    term_keys: tuple[str, ...]     # per row, for search ranking
    variant_keys: tuple[str, ...]
    definition_keys: tuple[str, ...]


def _read_csv(path: Path) -> list[dict[str, str]]:
    """The CSV's rows as text cells (the columns of `COLUMNS`, stripped), blank terms left out, sorted by term;
    with a French message a facilitator can act on when a column is missing. Read with the csv module: every
    page annotates its words with the glossary, before any table needs pandas."""
    with open(path, encoding="utf-8-sig", newline="") as file:  # -sig: a BOM, as pandas, is not part of a name
        reader = csv.DictReader(file)
        columns = reader.fieldnames or []
        missing = [c for c in COLUMNS if c not in columns]
        if missing:
            raise KitError(f"Le glossaire ({path.name}) n'a pas les colonnes attendues.",
                           details=[f"colonne manquante : {c}" for c in missing])
        rows = [{c: (row[c] or "").strip() for c in COLUMNS} for row in reader]
    rows = [row for row in rows if row["terme"] != ""]
    return sorted(rows, key=lambda row: (_key(row["terme"]), row["terme"]))


def _frame(rows) -> pd.DataFrame:
    """Rows of the glossary as the table `load_glossary` and `search` return (text cells, numbered from 0)."""
    return pd.DataFrame([dict(row) for row in rows], columns=COLUMNS, dtype=str)


@lru_cache(maxsize=1)
def _glossary() -> _Glossary:
    """Read and index the glossary once per process: every app and page shares it."""
    rows = _read_csv(GLOSSARY_CSV)
    by_key: dict[str, int] = {}
    phrases: dict[str, str] = {}  # pattern -> phrase, so a spelling shared by two rows is compiled once
    for row, entry in enumerate(rows):
        for phrase in [entry["terme"], *_variants(entry["variantes"])]:
            by_key.setdefault(_key(phrase), row)  # a duplicate is reported by the tests, never here
            phrases.setdefault(_phrase_pattern(phrase), phrase)
    # Longest first: at one position the regex takes the first alternative that matches, so
    # "contrat de ville" is found whole before any shorter term it contains.
    alternatives = sorted(phrases, key=lambda p: (-len(fold_same_length(phrases[p])), p))
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)") if alternatives else re.compile(r"(?!)")
    return _Glossary(
        rows=tuple(rows),
        by_key=by_key,
        pattern=pattern,
        term_keys=tuple(_key(r["terme"]) for r in rows),
        variant_keys=tuple(" | ".join(_key(v) for v in _variants(r["variantes"])) for r in rows),
        definition_keys=tuple(_key(r["definition"]) for r in rows),
    )


def load_glossary() -> pd.DataFrame:
    """All the terms (columns of the CSV), sorted by term as a French reader expects: "Îlot" among the I.

    A copy: a caller that edits it changes nobody else's glossary."""
    return _frame(_glossary().rows)


def search(query: str, theme: str | None = None) -> pd.DataFrame:
    """The terms matching `query`, best first; every term when `query` is empty.

    Each word of the query must begin a word (so that results follow the typing, and "ilot" does not
    find "pilotage") of the term, its variants or its definition. Terms whose name holds every word
    come first, then those found by a variant, then those only mentioned in a definition: someone
    who types "gouvernance" wants the entry "Gouvernance" before the entries that use the word.
    Within a rank, the alphabetical order of the glossary.
    """
    g = _glossary()
    words = [re.compile(r"(?<!\w)" + re.escape(w)) for w in _key(query or "").split()]
    wanted = (theme or "").strip()
    ranked = []
    for row in range(len(g.rows)):
        if wanted and g.rows[row]["theme"] != wanted:
            continue
        rank = _rank(words, g.term_keys[row], g.variant_keys[row], g.definition_keys[row])
        if rank is not None:
            ranked.append((rank, row))
    rows = [row for _, row in sorted(ranked)]
    return _frame(g.rows[row] for row in rows)


def _rank(words: list[re.Pattern], term: str, variants: str, definition: str) -> int | None:
    """0 when the term holds every word, 1 with its variants, 2 with its definition; None otherwise."""
    for rank, haystack in enumerate((term, f"{term} | {variants}", f"{term} | {variants} | {definition}")):
        if all(w.search(haystack) for w in words):
            return rank
    return None


def _matches(text: str):
    """(start, end, row) of every glossary term in `text`, left to right, overlaps resolved."""
    g = _glossary()
    folded = fold_same_length(text)
    for match in g.pattern.finditer(folded):
        row = g.by_key.get(_key(match.group()))
        if row is not None:
            yield match.start(), match.end(), row


def terms_in(text: str) -> list[str]:
    """The glossary terms used in `text`, in order of first appearance, each once.

    Whole words only, any case or accents, plurals and other spellings included (the variants).
    Where two terms overlap the longest wins: "contrat de ville" is one term, not "ville" too.
    """
    rows = _glossary().rows
    seen: dict[str, None] = {}
    for _, _, row in _matches(str(text or "")):
        seen.setdefault(rows[row]["terme"], None)
    return list(seen)


def definition(term: str) -> dict | None:
    """The entry of `term` (found by its name or any variant, any case or accents) as a dict, or None."""
    g = _glossary()
    row = g.by_key.get(_key(term or ""))
    return None if row is None else dict(g.rows[row])


def annotate_html(text: str) -> str:
    """`text` escaped for HTML, the first use of each term wrapped so that hovering shows its definition.

    Everything from `text` is escaped (it may be what a participant typed), the definition too, in
    the ``title`` attribute. Only the first use is marked: a page where every other word is
    underlined is harder to read, not easier.
    """
    return _annotate(str(text or ""), set())


def annotate_markup(markup: str) -> str:
    """An app's own HTML (trusted: written in the kit, never typed by a participant) with the first
    use of each term given its definition on hover. Tags and entities are kept; the text of links
    and of existing definitions is left alone (a link inside a link would not work)."""
    out, done, inside = [], set(), 0
    for part in re.split(r"(<[^>]*>)", markup):
        if part.startswith("<"):
            tag = re.match(r"</?\s*([a-zA-Z]+)", part)
            if tag and tag.group(1).lower() in ("a", "abbr", "code", "style", "script"):
                inside += -1 if part.startswith("</") else 1
            out.append(part)
        else:
            out.append(_annotate(html.unescape(part), done) if part and inside <= 0 else part)
    return "".join(out)


def _annotate(text: str, done: set[int]) -> str:
    """`text` escaped, the first use of each term not in `done` wrapped in an <abbr> (updates `done`)."""
    rows = _glossary().rows
    parts, last = [], 0
    for start, end, row in _matches(text):
        if row in done:
            continue
        done.add(row)
        title = html.escape(rows[row]["definition"], quote=True)
        parts.append(html.escape(text[last:start], quote=False))
        parts.append(f'<abbr class="kit-term" title="{title}">{html.escape(text[start:end], quote=False)}</abbr>')
        last = end
    parts.append(html.escape(text[last:], quote=False))
    return "".join(parts)


def terms_panel_html(terms: list[str]) -> str:
    """A folding panel with the terms of a page and their definitions; "" when there is none.

    Unknown terms are left out rather than shown empty: the panel is built from `terms_in`, and
    a term removed from the CSV since should not leave a hole."""
    entries = [entry for entry in (definition(t) for t in dict.fromkeys(terms or [])) if entry]
    if not entries:
        return ""
    items = []
    for entry in entries:
        source = (f'<br><span class="kit-glossary-source">Source : {html.escape(entry["source"], quote=False)}</span>'
                  if entry["source"] else "")
        items.append(f'<dt>{html.escape(entry["terme"], quote=False)}</dt>'
                     f'<dd>{html.escape(entry["definition"], quote=False)}{source}</dd>')
    return (f'<details class="kit-glossary-panel"><summary>Les mots de cette page ({len(entries)})</summary>'
            f'<dl>{"".join(items)}</dl></details>')
