"""Download the official files listed in data/sources_officielles.csv into the user's cache.

The list is a CSV a facilitator can correct without touching code (an address changes at each vintage).
Each source gets a French report: downloaded, already cached, address to fill in, address no longer
answers, or columns changed (checked with the readers of `kit.reference.indicators` before anything is kept).
One failing source never stops the others, and nothing here raises for a single source.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from kit.errors import KitError, megabytes
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.paths import DATA_DIR
from kit.text import slug
from kit.reference.contours import read_contours
from kit.reference.indicators import OfficialFormatChanged, read_anct_qpv_list, read_insee_qpv_zip

SOURCES_CSV = DATA_DIR / "sources_officielles.csv"
SOURCE_COLUMNS = ["name", "url", "kind", "licence", "page"]
# kind -> (reader that checks the file, extension of the cached copy)
KINDS = {"insee_qpv_zip": (read_insee_qpv_zip, ".zip"), "anct_qpv_list": (read_anct_qpv_list, ".csv"),
         # the GeoJSON of the contours (a zip is recognised by its first bytes, whatever the name)
         "anct_qpv_contours": (lambda data: read_contours(data, "contours.geojson"), ".geojson")}
MAX_DOWNLOAD_BYTES = 200 * 1024 * 1024
USER_AGENT = "quartiers-en-transitions/0.1 (kit d'atelier prospectif)"

DOWNLOADED = "telecharge"
CACHED = "en_cache"
NO_ADDRESS = "adresse_a_renseigner"
UNREACHABLE = "adresse_muette"
FORMAT_CHANGED = "format_change"
FAILED = "echec"


@dataclass(frozen=True)
class FetchReport:
    """What happened to one source; `message` is a French sentence for the user."""

    name: str
    status: str
    message: str
    url: str = ""
    path: Path | None = None

    @property
    def failed(self) -> bool:
        return self.status in (UNREACHABLE, FORMAT_CHANGED, FAILED)


class _Unreachable(Exception):
    """The address gave no file; the argument is the French reason."""


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/quartiers-en-transitions/donnees, ~/.cache/... when the variable is unset."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "quartiers-en-transitions" / "donnees"


def load_sources(path: Path | None = None) -> pd.DataFrame:
    """The list of official files (text cells); a KitError if the list itself is unreadable."""
    path = Path(path) if path else SOURCES_CSV
    try:
        sources = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except FileNotFoundError:
        raise KitError(f"Liste des sources introuvable : {path}") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError):
        raise KitError(f"La liste des sources {path} est illisible : un CSV UTF-8 séparé par des virgules "
                       f"est attendu, avec les colonnes {', '.join(SOURCE_COLUMNS)}.") from None
    return _checked(sources, path)


def _checked(sources: pd.DataFrame, where) -> pd.DataFrame:
    missing = [c for c in SOURCE_COLUMNS if c not in sources.columns]
    if missing:
        raise KitError(f"Il manque des colonnes dans la liste des sources ({where}) : {', '.join(missing)}.")
    return sources.fillna("")


def cache_path(source, cache_dir: Path) -> Path:
    """Where a source's file is kept. The address is part of the name: once a facilitator corrects an
    address, the file is downloaded again instead of the old copy being taken for the new one."""
    name = slug(source["name"], limit=60, default="source")
    digest = hashlib.sha256(source["url"].strip().encode()).hexdigest()[:10]
    return Path(cache_dir) / f"{name}-{digest}{KINDS.get(source['kind'].strip(), (None, ''))[1]}"


def fetch(sources: pd.DataFrame | None = None, cache_dir: Path | None = None, timeout: float = 30,
          *, refresh: bool = False) -> list[FetchReport]:
    """Download every source not yet cached (all of them with `refresh`), one report per source."""
    sources = load_sources() if sources is None else _checked(sources, "tableau fourni")
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    reports = []
    for source in sources.to_dict("records"):
        source = {k: str(v).strip() for k, v in source.items()}
        try:
            reports.append(_fetch_one(source, cache_dir, timeout, refresh))
        except Exception as error:  # noqa: BLE001 - one source must never stop the others
            reports.append(FetchReport(source["name"], FAILED, f"{source['name']} : erreur inattendue "
                                       f"({type(error).__name__} : {error}).", source["url"]))
    return reports


def _fetch_one(source: dict, cache_dir: Path, timeout: float, refresh: bool) -> FetchReport:
    name, url, kind, page = source["name"] or "(source sans nom)", source["url"], source["kind"], source["page"]
    where = f"Vérifiez la page {page} et corrigez l'adresse (colonne url) dans {SOURCES_CSV.name}."
    if kind not in KINDS:
        return FetchReport(name, FAILED, f"{name} : type de fichier « {kind} » inconnu (types possibles : "
                                         f"{', '.join(KINDS)}).", url)
    if not url:
        return FetchReport(name, NO_ADDRESS, f"{name} : adresse du fichier à renseigner. Téléchargez-le depuis "
                                             f"{page}, ou copiez l'adresse du fichier dans la colonne url de "
                                             f"{SOURCES_CSV.name}.", url)
    if urlparse(url).scheme not in ("http", "https"):
        return FetchReport(name, FAILED, f"{name} : « {url} » n'est pas une adresse web (http ou https). {where}",
                           url)
    target = cache_path(source, cache_dir)
    if target.exists() and not refresh:
        return FetchReport(name, CACHED, f"{name} : déjà en cache ({target}).", url, target)
    try:
        data = _download(url, timeout)
    except _Unreachable as reason:
        return FetchReport(name, UNREACHABLE, f"{name} : l'adresse ne répond plus ({reason}). {where}", url)
    reader = KINDS[kind][0]
    try:
        reader(data)
    except OfficialFormatChanged as error:
        return FetchReport(name, FORMAT_CHANGED, f"{name} : le fichier a été reçu mais ses colonnes ont changé "
                                                 f"({_one_line(error)}). Il n'a pas été gardé. {where}", url)
    except KitError as error:
        return FetchReport(name, FORMAT_CHANGED, f"{name} : le fichier reçu n'est plus au format attendu "
                                                 f"({_one_line(error)}). Il n'a pas été gardé. {where}", url)
    try:
        _write_atomic(target, data)
    except OSError as error:
        return FetchReport(name, FAILED, f"{name} : impossible d'écrire dans le cache {cache_dir} "
                                         f"({error.strerror or error}).", url)
    return FetchReport(name, DOWNLOADED, f"{name} : téléchargé ({megabytes(len(data))}) dans {target}.",
                       url, target)


def _download(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            chunks, size = [], 0
            while chunk := response.read(1 << 20):  # by pieces: stop early on an unexpectedly huge answer
                chunks.append(chunk)
                size += len(chunk)
                if size > MAX_DOWNLOAD_BYTES:
                    raise _Unreachable(f"fichier de plus de {MAX_DOWNLOAD_BYTES // 1_048_576} Mo, "
                                       "ce n'est pas celui attendu")
    except urllib.error.HTTPError as error:
        error.close()
        raise _Unreachable(f"le serveur répond « erreur {error.code} »") from None
    except urllib.error.URLError as error:
        raise _Unreachable(_network_reason(error.reason, timeout)) from None
    except (TimeoutError, socket.timeout):
        raise _Unreachable(f"pas de réponse en {timeout:g} secondes") from None
    except (http.client.HTTPException, OSError) as error:
        raise _Unreachable(f"connexion interrompue : {error}") from None
    return b"".join(chunks)


def _network_reason(reason, timeout: float) -> str:
    if isinstance(reason, socket.gaierror):
        return "nom de serveur introuvable, ou pas de connexion à Internet"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"pas de réponse en {timeout:g} secondes"
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée par le serveur"
    return f"connexion impossible : {reason}"


def _one_line(error: KitError) -> str:
    return " ; ".join([error.message.rstrip(".")] + error.details)


def _write_atomic(path: Path, data: bytes) -> None:
    # Temp file in the same folder, then rename: a crash or a full disk never leaves half a file that a
    # later run would take for a complete download.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def fetch_command(sources_path: Path | None = None, cache_dir: Path | None = None, timeout: float = 30,
                  refresh: bool = False) -> tuple[list[str], int]:
    """For `python -m kit data fetch`: French lines to print and the exit code
    (0 all fine, 1 at least one source failed, 2 the list of sources is unreadable)."""
    try:
        sources = load_sources(sources_path)
    except KitError as error:
        return [f"Erreur : {error}"], 2
    cache_dir = Path(cache_dir) if cache_dir else default_cache_dir()
    reports = fetch(sources, cache_dir, timeout, refresh=refresh)
    lines = [f"Sources officielles : {Path(sources_path) if sources_path else SOURCES_CSV}",
             f"Dossier de cache : {cache_dir}"]
    lines += [f"- {report.message}" for report in reports]
    count = {status: sum(r.status == status for r in reports) for status in
             (DOWNLOADED, CACHED, NO_ADDRESS)}
    failed = sum(r.failed for r in reports)
    lines.append(f"Bilan : {count[DOWNLOADED]} téléchargé(s), {count[CACHED]} déjà en cache, "
                 f"{count[NO_ADDRESS]} adresse(s) à renseigner, {failed} en échec.")
    return lines, 1 if failed else 0
