"""Deliverables: a format-independent `Document`, rendered to one HTML file and one Word file.

Reports never read files: screens give them the data, and save or offer the returned bytes.

The renderers are imported on first use (PEP 562 `__getattr__`): python-docx and plotly cost about a
second, and an app that only draws a table (`kit.reports.html_table`) must not pay it at start-up.
"""

from importlib import import_module

_EXPORTS = {
    "Document": "kit.reports.document",
    "deliverable_filename": "kit.reports.filenames",
    "render_docx": "kit.reports.to_docx",
    "render_html": "kit.reports.to_html",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'kit.reports' has no attribute {name!r}")
