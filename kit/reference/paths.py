"""Where the kit's editable reference data (`data/`) is, in a checkout and in an installed wheel.

In a checkout (``make app``, Binder, an editable install) the data is the repository's ``data/``
folder, the one a facilitator edits. A wheel (JupyterHub, a container, ``pip install`` of a built
package) carries the same files inside the package as ``kit/data`` (``pyproject.toml`` maps the
folder in). The checkout wins when both exist, so an edit to ``data/`` is always what the kit reads.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent
_MARKER = "themes_transition.csv"  # a file every complete data folder has


def _find_data_dir() -> Path:
    for candidate in (_PACKAGE.parent / "data", _PACKAGE / "data"):
        if (candidate / _MARKER).is_file():
            return candidate
    # Neither found: name the checkout's folder, so that a message says where the kit looked.
    return _PACKAGE.parent / "data"


DATA_DIR = _find_data_dir()


def data_path(*parts: str) -> Path:
    """A file or folder of the reference data: ``data_path("glossaire", "glossaire.csv")``."""
    return DATA_DIR.joinpath(*parts)
