"""Reference lists for session 2: kinds of actors, and regional resources a group can call on.

Both are written for the kit and shipped in `data/acteurs/` (see `data/README.md`). Read once, then
copied: a caller editing its frame never changes anybody else's list.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd
from kit.reference.paths import data_path


DATA_DIR = data_path("acteurs")
ACTOR_TYPE_COLUMNS = ["code", "libelle", "famille", "description"]
RESOURCE_COLUMNS = ["name", "kind", "scope", "contribution", "sessions", "url", "themes", "verifie"]


@lru_cache(maxsize=2)
def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name, dtype=str, keep_default_na=False, encoding="utf-8")


def load_actor_types() -> pd.DataFrame:
    """Kinds of actors (data/acteurs/types_acteurs.csv): ``code``, ``libelle`` (what `Actor.kind` holds),
    ``famille``, ``description``, in the order the app offers them."""
    return _read("types_acteurs.csv").copy()


def load_regional_resources(session: int | None = None) -> pd.DataFrame:
    """Resources a project group can call on (data/acteurs/ressources_regionales.csv): ``name``, ``kind``
    (a code of the actor types), ``scope``, ``contribution``, ``sessions`` (numbers 1-3 separated by
    ``;``), ``url`` (the public website), ``themes`` (the themes of `kit.reference.resources.THEMES` separated by
    ``;``, so the resources app files them with the references) and ``verifie`` (``oui`` when the
    website was confirmed while the list was written). With `session`, only those useful for that
    session. Kept as raw text: `kit.reference.resources.load_resources` is the parsed, checked view."""
    frame = _read("ressources_regionales.csv").copy()
    if session is not None:
        frame = frame[frame["sessions"].map(lambda s: str(session) in s.split(";"))].reset_index(drop=True)
    return frame
