"""Names for exported deliverables: readable, and safe on Windows, macOS, e-mail and USB sticks."""

from __future__ import annotations

import re

from kit.errors import KitError
from kit.text import ascii_letters, slug

FORMATS = ("docx", "html", "xlsx")


def deliverable_filename(workspace_name: str, deliverable: str, fmt: str) -> str:
    """``("Grand Dax", "livrable-session1", "docx")`` → ``"livrable-session1_Grand_Dax.docx"``.

    The deliverable part is a lower-case slug, the territory keeps its capitals (easier to spot in a
    folder of exports); both drop accents and anything a file system could object to.
    """
    extension = (fmt or "").lower().lstrip(".")
    if extension not in FORMATS:
        raise KitError(f"Format d'export inconnu : « {fmt} » (formats possibles : {', '.join(FORMATS)}).")
    kind = slug(deliverable, limit=40, default="livrable")
    place = re.sub(r"[^A-Za-z0-9]+", "_", ascii_letters(workspace_name)).strip("_")[:60].strip("_") or "espace"
    return f"{kind}_{place}.{extension}"
