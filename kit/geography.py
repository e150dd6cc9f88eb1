"""Reference geography of Nouvelle-Aquitaine: find an EPCI by name, list its communes.

Reads the CSVs built by scripts/build_geography.py (source and licence: data/README.md).
No widget import here, so the apps and the tests can both use it.
"""

import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd

import kit
from kit.model import siren_is_valid

DATA_DIR = Path(kit.__file__).resolve().parent.parent / "data" / "geographie"

# EPCI names abbreviate their type ("CA du Grand Dax"): users type "agglo" or
# "communauté", so the search also looks at the spelled-out type.
TYPE_WORDS = {
    "CA": "communauté d'agglomération agglo",
    "CC": "communauté de communes",
    "CU": "communauté urbaine",
    "METRO": "métropole",
}


def _read(path: Path) -> pd.DataFrame:
    # Everything as text first: SIREN, INSEE and département codes are identifiers,
    # an int would drop leading zeros ("01001"); only counts become numbers.
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    for col in ("population", "nb_communes"):
        if col in df:
            df[col] = df[col].astype(int)
    return df


@lru_cache(maxsize=1)
def load_epcis() -> pd.DataFrame:
    """EPCIs with at least one commune in Nouvelle-Aquitaine, sorted by name."""
    return _read(DATA_DIR / "epci_nouvelle_aquitaine.csv")


@lru_cache(maxsize=1)
def load_communes() -> pd.DataFrame:
    """Current communes of Nouvelle-Aquitaine with the SIREN of their EPCI."""
    return _read(DATA_DIR / "communes_nouvelle_aquitaine.csv")


def normalize(text: str) -> str:
    """Lower-case, without accents, punctuation turned into spaces ("L'Agglo" -> "l agglo")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in ascii_text).split())


@lru_cache(maxsize=1)
def _search_index() -> list[tuple[str, dict]]:
    return [
        (normalize(f"{row['nom']} {TYPE_WORDS.get(row['type'], '')}"), _epci_dict(row))
        for row in load_epcis().to_dict("records")
    ]


def _epci_dict(row) -> dict:
    return {"siren": row["siren"], "nom": row["nom"], "type": row["type"], "population": int(row["population"])}


def search_epcis(query: str, limit: int = 10) -> list[dict]:
    """EPCIs whose name contains every word of the query (any order, accents and case
    ignored), or whose SIREN starts with the query. Most populated first, so that a
    short query such as "pau" shows the likely answer on top."""
    words = normalize(query).split()
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
    df = load_communes()
    rows = df[df["siren_epci"] == str(siren).strip()].to_dict("records")
    return sorted(rows, key=lambda r: normalize(r["nom"]))


def is_valid_siren(siren: str) -> bool:
    """9 digits passing the Luhn checksum (the SIREN control key); the model's own check."""
    return isinstance(siren, str) and siren_is_valid(siren)


def epci_by_siren(siren: str) -> dict | None:
    """The EPCI with this SIREN, as `search_epcis` returns it, or None."""
    rows = load_epcis()
    match = rows[rows["siren"] == str(siren).strip()]
    return _epci_dict(match.iloc[0]) if len(match) else None
