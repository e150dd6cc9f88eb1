"""The ANCT's official list of the QPV, once a data command has loaded it (`python -m kit donnees`): the
codes people type are checked against it. Before it is loaded, only the code's pattern is checked
(`kit.model.QPV_CODE`): nothing is downloaded here."""

from __future__ import annotations

from pathlib import Path

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.datafetch import cache_path, default_cache_dir, load_sources
from kit.reference.indicators import read_anct_qpv_list

MAX_LIST_BYTES = 20 * 1024 * 1024  # the whole of France is about 150 kB


def official_qpv_list(cache_dir: Path | None = None) -> pd.DataFrame | None:
    """The cached ANCT list (one row per QPV: code_qp, lib_qp, communes, lib_com, siren_epci...), or None
    when no data command has loaded it, or its copy no longer reads (then the pattern check alone applies)."""
    folder = Path(cache_dir) if cache_dir else default_cache_dir()
    try:
        sources = load_sources()
    except KitError:
        return None
    for source in sources[sources["kind"].str.strip() == "anct_qpv_list"].to_dict("records"):
        path = cache_path(source, folder)
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_LIST_BYTES + 1)
            if len(data) <= MAX_LIST_BYTES:
                return read_anct_qpv_list(data)
        except (OSError, KitError):
            continue
    return None


def unknown_code_message(code: str, official: pd.DataFrame | None) -> str | None:
    """Why `code` is refused by the official list (French), or None (known, empty, or no list loaded)."""
    if not code or official is None or code in set(official["code_qp"]):
        return None
    return (f"Le code {code} n'est pas dans la liste officielle des quartiers prioritaires 2024 (ANCT) chargée "
            "sur cet ordinateur : vérifiez-le (la liste est sur data.gouv.fr), ou laissez le code vide.")
