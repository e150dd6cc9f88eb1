"""Deliverables: a format-independent `Document`, rendered to one HTML file and one Word file.

Reports never read files: screens give them the data, and save or offer the returned bytes.
"""

from kit.reports.document import Document
from kit.reports.filenames import deliverable_filename
from kit.reports.to_docx import render_docx
from kit.reports.to_html import render_html

__all__ = ["Document", "deliverable_filename", "render_docx", "render_html"]
