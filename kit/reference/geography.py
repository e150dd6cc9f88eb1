"""Reference geography of Nouvelle-Aquitaine: find an EPCI by name, list its communes.

Reads the CSVs built by scripts/build_geography.py (source and licence: data/README.md).
No widget import here, so the apps and the tests can both use it.
"""

import csv
from functools import lru_cache
from pathlib import Path

from kit.model import siren_is_valid
from kit.reference.paths import data_path
from kit.text import words_only

DATA_DIR = data_path("geographie")

# EPCI names abbreviate their type ("CA du Grand Dax"): users type "agglo" or
# "communauté", so the search also looks at the spelled-out type.
TYPE_WORDS = {
    "CA": "communauté d'agglomération agglo",
    "CC": "communauté de communes",
    "CU": "communauté urbaine",
    "METRO": "métropole",
}


def _read(path: Path) -> tuple[dict, ...]:
    # Everything as text: SIREN, INSEE and département codes are identifiers, an int would drop
    # leading zeros ("01001"); only counts become numbers. Read with the csv module: the home app
    # searches EPCIs without paying pandas' import in its kernel.
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for col in ("population", "nb_communes"):
            if col in row:
                row[col] = int(row[col])
    return tuple(rows)


@lru_cache(maxsize=2)
def _records(name: str) -> tuple[dict, ...]:
    return _read(DATA_DIR / name)


def _epcis() -> tuple[dict, ...]:
    return _records("epci_nouvelle_aquitaine.csv")


def _communes() -> tuple[dict, ...]:
    return _records("communes_nouvelle_aquitaine.csv")


def load_epcis():
    """EPCIs with at least one commune in Nouvelle-Aquitaine, sorted by name (a DataFrame)."""
    import pandas as pd

    return pd.DataFrame(list(_epcis()))


def load_communes():
    """Current communes of Nouvelle-Aquitaine with the SIREN of their EPCI (a DataFrame)."""
    import pandas as pd

    return pd.DataFrame(list(_communes()))


@lru_cache(maxsize=1)
def _search_index() -> list[tuple[str, dict]]:
    return [
        (words_only(f"{row['nom']} {TYPE_WORDS.get(row['type'], '')}"), _epci_dict(row))
        for row in _epcis()
    ]


def _epci_dict(row) -> dict:
    return {"siren": row["siren"], "nom": row["nom"], "type": row["type"], "population": int(row["population"])}


def search_epcis(query: str, limit: int = 10) -> list[dict]:
    """EPCIs whose name contains every word of the query (any order, accents and case
    ignored), or whose SIREN starts with the query. Most populated first, so that a
    short query such as "pau" shows the likely answer on top."""
    words = words_only(query).split()
    if not words:
        return []
    digits = "".join(query.split())
    hits = [
        epci for text, epci in _search_index()
        if (digits.isdigit() and epci["siren"].startswith(digits)) or all(w in text for w in words)
    ]
    hits.sort(key=lambda e: (-e["population"], e["nom"]))
    return hits[:limit]


def epci_label(row) -> str:
    """Display label, e.g. "CA du Grand Dax (244000675)". Accepts a dict or a DataFrame row."""
    return f"{row['nom']} ({row['siren']})"


def communes_of_epci(siren: str) -> list[dict]:
    """Communes of Nouvelle-Aquitaine that belong to this EPCI, sorted by name.
    For the few EPCIs straddling a regional border, communes outside the region are not listed."""
    siren = str(siren).strip()
    return sorted((dict(r) for r in _communes() if r["siren_epci"] == siren), key=lambda r: words_only(r["nom"]))


def is_valid_siren(siren: str) -> bool:
    """9 digits passing the Luhn checksum (the SIREN control key); the model's own check."""
    return isinstance(siren, str) and siren_is_valid(siren)


def epci_by_siren(siren: str) -> dict | None:
    """The EPCI with this SIREN, as `search_epcis` returns it, or None."""
    siren = str(siren).strip()
    return next((_epci_dict(r) for r in _epcis() if r["siren"] == siren), None)
