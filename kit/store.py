"""Workspaces on disk: one readable JSON file each, saved at once, safe for many kernels.

Layout of the folder (``$KIT_ESPACES``, by default ``~/quartiers-en-transitions/espaces``)::

    <id>.json                      the current revision, pretty-printed (a human can read and diff it)
    historique/<id>/<rev>.json     earlier revisions, the last HISTORY_KEPT of them
    corbeille/<id>-<when>.json     deleted workspaces, never destroyed by the kit
    .verrous/<id>.lock             one lock file per workspace
    pieces/<kind>/<id>.json        what a workspace keeps beside its document (« contours »: its map shapes)

Every edit is a function applied by `Store.update` to the latest revision *on disk*, under the
workspace's lock: two kernels editing at once are serialised, each edit sees the other's, and none
is lost. Saving writes a temporary file, fsyncs it and renames it over the current one, so a crash
at any moment leaves either the old or the new revision, never half a file. The previous revision
is kept in the history by a hard link (no copy, so history costs nothing at save time).

The bytes are read back before they are written (a file the kit saved always opens), a new workspace's
file is created exclusively (two kernels creating the same name get two ids, never one file), the
temporary files of killed saves are removed when a store is opened, and a full or read-only disk is
said in French with the previous revision intact.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from kit.errors import KitError, megabytes
from kit.model import FORMAT, ID_PATTERN, Workspace, checked, new_id, revalidate, slugify, utc_now, workspace_from_dict
from kit.text import shorten

ENV_VAR = "KIT_ESPACES"
DEFAULT_FOLDER = Path.home() / "quartiers-en-transitions" / "espaces"
HISTORY_KEPT = 50
LOCK_TIMEOUT_S = 15
# An exported workspace with hundreds of stakes, actors and actions weighs well under 1 MB; a file
# ten times larger than anything the kit writes is refused before it is even parsed.
MAX_FILE_BYTES = 10 * 1024 * 1024
# A save's temporary file, `.<id>.<pid>.tmp`, lives a few milliseconds; see `Store._remove_orphans`.
TEMPORARY_FILE = re.compile(r"^\.(?P<id>[a-z0-9][a-z0-9-]{1,63})\.(?P<pid>[0-9]+)\.tmp$")
ORPHAN_AFTER_S = 10 * 60
CREATE_ATTEMPTS = 50
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(10))})


def default_folder() -> Path:
    return Path(os.environ.get(ENV_VAR) or DEFAULT_FOLDER).expanduser()


@dataclass(frozen=True)
class Summary:
    """What the home screen lists about a workspace, read without validating the whole file."""

    id: str
    name: str
    epci: str
    revision: int
    updated_at: str
    readable: bool


@dataclass(frozen=True)
class Revision:
    number: int
    saved_at: datetime
    path: Path
    current: bool


class WorkspaceCorrupt(KitError):
    """The current file cannot be read; `good_revisions` lists what can be restored."""

    def __init__(self, message: str, *, details: list[str], good_revisions: list[int]):
        super().__init__(message, details=details)
        self.good_revisions = good_revisions


class Store:
    def __init__(self, folder: Path | str | None = None):
        self.folder = Path(folder) if folder else default_folder()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            reason = disk_reason(error, self.folder)
            if reason is None:
                raise
            raise KitError(f"Le dossier des espaces de travail ne peut pas être créé : {reason}.") from None
        self._remove_orphans()

    def _remove_orphans(self) -> None:
        """Remove the temporary files of saves that never finished (a kernel killed with kill -9, a
        power cut): they hold nothing the workspace lacks, since the rename that would have made them
        current never happened.

        A save writes `.<id>.<pid>.tmp` and renames it over `<id>.json` within milliseconds. Such a file
        is an orphan when the process named in it is gone, or when it is older than ORPHAN_AFTER_S
        whatever its pid says (the pid was reused, or the file comes from another machine): no save
        lasts minutes. The temporary file of a save running right now in another kernel belongs to a
        live process and is seconds old at most, so it is never touched. (Two kernels of one machine
        share the pid space; a folder shared by several machines is only cleaned by age.)
        """
        now = time.time()
        for path in self.folder.glob(".*.tmp"):
            match = TEMPORARY_FILE.match(path.name)
            if not match:
                continue
            try:
                age = now - path.stat().st_mtime
                if age > ORPHAN_AFTER_S or not _process_alive(int(match["pid"])):
                    path.unlink()
            except OSError:  # gone meanwhile, or a read-only folder: nothing to clean, nothing lost
                pass

    # -- paths ---------------------------------------------------------------------------------

    def path(self, workspace_id: str) -> Path:
        if not _safe_id(workspace_id):
            raise KitError(f"Identifiant d'espace invalide : « {shorten(workspace_id, 70)} ».")
        return self.folder / f"{workspace_id}.json"

    def _history_folder(self, workspace_id: str) -> Path:
        return self.folder / "historique" / workspace_id

    def _lock(self, workspace_id: str) -> FileLock:
        folder = self.folder / ".verrous"
        folder.mkdir(exist_ok=True)
        return FileLock(folder / f"{workspace_id}.lock", timeout=LOCK_TIMEOUT_S)

    # -- side files ----------------------------------------------------------------------------
    # What belongs to one workspace but is no part of its document: a file kept beside it, one per
    # `kind` (« contours »: the neighbourhoods' simplified shapes, a few kB), in `pieces/<kind>/<id>.json`.
    # It lives in the workspaces' folder, so whoever opens the workspace (a technician next month, on the
    # same server or shared folder) finds it; it is not in the workspace's history nor its export.

    def side_path(self, workspace_id: str, kind: str) -> Path:
        if not re.fullmatch(r"[a-z]{1,30}", kind):
            raise ValueError(f"side file kind {kind!r}")
        return self.folder / "pieces" / kind / self.path(workspace_id).name

    def side_ids(self, kind: str) -> list[str]:
        """The workspaces that have a side file of `kind` (the participant server of a territory's JupyterHub
        server answers the join codes of every workspace with a room's file)."""
        if not re.fullmatch(r"[a-z]{1,30}", kind):
            raise ValueError(f"side file kind {kind!r}")
        folder = self.folder / "pieces" / kind
        return sorted(p.stem for p in folder.glob("*.json") if _safe_id(p.stem)) if folder.is_dir() else []

    def write_side(self, workspace_id: str, kind: str, data: bytes) -> Path:
        """Save a side file at once (temporary file, fsync, rename: never half a file)."""
        path = self.side_path(workspace_id, kind)
        with self._disk_errors("L'enregistrement", "Rien n'a été enregistré."):
            write_atomically(path, data)
        return path

    def read_side(self, workspace_id: str, kind: str, limit: int) -> bytes | None:
        """A side file's bytes (None when there is none); one over `limit` bytes is read as damaged (b"")."""
        try:
            with open(self.side_path(workspace_id, kind), "rb") as handle:
                data = handle.read(limit + 1)
        except FileNotFoundError:
            return None
        return data if len(data) <= limit else b""

    def remove_side(self, workspace_id: str, kind: str) -> None:
        with self._disk_errors("La suppression", "Rien n'a été supprimé."):
            self.side_path(workspace_id, kind).unlink(missing_ok=True)

    def exists(self, workspace_id: str) -> bool:
        return self.path(workspace_id).exists()

    # -- reading ---------------------------------------------------------------------------------

    def list(self) -> list[Summary]:
        summaries = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                raw = json.loads(read_bounded(path))
                summaries.append(
                    Summary(
                        id=path.stem,
                        name=str(raw.get("name") or path.stem),
                        epci=str((raw.get("territory") or {}).get("epci_name") or ""),
                        revision=int(raw.get("revision") or 0),
                        updated_at=str(raw.get("updated_at") or ""),
                        readable=raw.get("format") == FORMAT,
                    )
                )
            except (KitError, OSError, ValueError, TypeError, AttributeError, RecursionError):
                summaries.append(Summary(path.stem, path.stem, "", 0, "", readable=False))
        return sorted(summaries, key=lambda s: s.name.casefold())

    def load(self, workspace_id: str) -> Workspace:
        path = self.path(workspace_id)
        try:
            return parse(read_bounded(path))
        except FileNotFoundError:
            raise KitError(f"L'espace « {workspace_id} » n'existe pas (ou plus) dans le dossier "
                           f"« {self.folder.name} ».") from None
        except OSError as error:
            denied = error.errno in (errno.EACCES, errno.EPERM)
            reason = "droits insuffisants" if denied else "le système refuse de le lire"
            raise KitError(f"Le fichier de l'espace « {workspace_id} » ne peut pas être lu : {reason}.") from None
        except KitError as error:
            good = self._good_revisions(workspace_id)
            offer = (
                f"La révision {good[0]} est intacte : vous pouvez la restaurer."
                if good
                else "Aucune révision antérieure intacte n'a été trouvée."
            )
            raise WorkspaceCorrupt(
                f"Le fichier de l'espace « {workspace_id} » est illisible. {offer}",
                details=[error.message, *error.details],
                good_revisions=good,
            ) from None

    def history(self, workspace_id: str) -> list[Revision]:
        """Every kept revision, newest first; the first is the current one."""
        revisions = []
        current = self.path(workspace_id)
        if current.exists():
            revisions.append(Revision(_revision_of(current), _mtime(current), current, True))
        for path in self._history_folder(workspace_id).glob("*.json"):
            if path.stem.isdigit():
                revisions.append(Revision(int(path.stem), _mtime(path), path, False))
        revisions.sort(key=lambda r: (r.current, r.number), reverse=True)
        return revisions

    def load_revision(self, workspace_id: str, number: int) -> Workspace:
        for revision in self.history(workspace_id):
            if revision.number == number and not revision.current:
                return parse(read_bounded(revision.path))
        if number == _revision_of(self.path(workspace_id)):
            return self.load(workspace_id)
        raise KitError(f"La révision {number} de l'espace « {workspace_id} » n'est plus conservée.")

    def _good_revisions(self, workspace_id: str) -> list[int]:
        good = []
        for revision in self.history(workspace_id):
            if revision.current:
                continue
            try:
                parse(read_bounded(revision.path))
                good.append(revision.number)
            except (KitError, OSError):
                pass
        return good

    # -- writing ---------------------------------------------------------------------------------

    def create(self, name: str, **fields) -> Workspace:
        """A new workspace with a readable id made from its name."""
        return self._create_new(name, lambda ws_id: checked(lambda: Workspace(id=ws_id, name=name, **fields)))

    def update(self, workspace_id: str, change: Callable[[Workspace], object]) -> Workspace:
        """Apply `change` (which edits the document in place) to the latest revision and save it.

        The change runs under the lock on a freshly read document, so concurrent edits from other
        kernels are never overwritten. If it raises, or the result is invalid, nothing is saved.
        """
        with self._locked(workspace_id):
            workspace = self.load(workspace_id)
            checked(lambda: change(workspace))
            workspace = revalidate(workspace)
            workspace.revision += 1
            workspace.updated_at = utc_now()
            self._write(workspace)
            return workspace

    def rename(self, workspace_id: str, name: str) -> Workspace:
        return self.update(workspace_id, lambda ws: setattr(ws, "name", name))

    def duplicate(self, workspace_id: str, name: str | None = None) -> Workspace:
        source = self.load(workspace_id)
        name = name or f"{source.name} (copie)"
        copy = self._create_new(name, lambda ws_id: revalidate(source.model_copy(update={
            "id": ws_id, "name": name, "revision": 0, "created_at": utc_now(), "updated_at": utc_now()})))
        for side in sorted((self.folder / "pieces").glob(f"*/{workspace_id}.json")):  # its map shapes too
            with suppress(OSError):
                shutil.copyfile(side, self.side_path(copy.id, side.parent.name))
        return copy

    def delete(self, workspace_id: str) -> Path:
        """Move the workspace to the bin folder (the kit never destroys a participant's work)."""
        with self._locked(workspace_id):
            path = self.path(workspace_id)
            if not path.exists():
                raise KitError(f"L'espace « {workspace_id} » n'existe pas (ou plus).")
            bin_folder = self.folder / "corbeille"
            target = bin_folder / f"{workspace_id}-{datetime.now():%Y%m%d-%H%M%S-%f}.json"
            with self._disk_errors("La suppression", "Rien n'a été supprimé."):
                bin_folder.mkdir(exist_ok=True)
                os.replace(path, target)
            _fsync_folder(self.folder)
            return target

    def restore(self, workspace_id: str, number: int) -> Workspace:
        """Make revision `number` current again, as a new revision (the present one stays in history)."""
        with self._locked(workspace_id):
            old = self.load_revision(workspace_id, number)
            current = _revision_of(self.path(workspace_id))
            old.revision = max(current, self._newest_kept(workspace_id)) + 1
            old.updated_at = utc_now()
            self._write(old)
            return old

    # -- import / export -------------------------------------------------------------------------

    def export_bytes(self, workspace_id: str) -> bytes:
        return dump(self.load(workspace_id))

    def import_bytes(self, data: bytes, *, replace: bool = False) -> tuple[Workspace, str]:
        """Bring a downloaded workspace back. Returns the workspace and a French sentence saying what happened.

        An import never silently overwrites: if the id exists, it becomes a copy, unless `replace`
        is asked, in which case the present version stays in the history.
        """
        incoming = parse(data)
        if not self.exists(incoming.id):
            try:
                with self._locked(incoming.id):
                    self._write(incoming, new=True)
                return incoming, f"L'espace « {incoming.name} » a été importé."
            except FileExistsError:
                pass  # another kernel created this id meanwhile: the file is then an existing one
        if replace:
            with self._locked(incoming.id):
                newest = max(_revision_of(self.path(incoming.id)), self._newest_kept(incoming.id))
                incoming.revision = newest + 1
                incoming.updated_at = utc_now()
                self._write(incoming)
            return incoming, (
                f"L'espace « {incoming.name} » a été remplacé par le fichier importé ; "
                "la version précédente reste dans l'historique."
            )
        name = _copy_name(incoming.name)
        copy = self._create_new(name, lambda ws_id: incoming.model_copy(
            update={"id": ws_id, "name": name, "revision": 0}))
        return copy, (
            f"Un espace portant cet identifiant existe déjà : le fichier a été importé comme "
            f"une copie, « {copy.name} », sans rien modifier de l'existant."
        )

    # -- internals -------------------------------------------------------------------------------

    def _locked(self, workspace_id: str):
        """The workspace's lock, held until the `with` block ends (filelock's own context manager), or a
        French refusal once another save has held it for `LOCK_TIMEOUT_S` seconds."""
        try:
            unchanged = "Rien n'a été modifié : ce qui était enregistré est intact."
            with self._disk_errors("L'enregistrement", unchanged):
                return self._lock(workspace_id).acquire()
        except Timeout:
            raise KitError(
                "L'espace est occupé par un autre enregistrement depuis plus de "
                f"{LOCK_TIMEOUT_S} secondes. Réessayez dans un instant."
            ) from None

    def _create_new(self, name: str, build: Callable[[str], Workspace]) -> Workspace:
        """Save a new workspace, `build(id)`, under a free id made from `name`, never over another one:
        the file is created exclusively, and if another kernel took the id meanwhile, the next free id
        is tried."""
        for _ in range(CREATE_ATTEMPTS):
            workspace = build(self._free_id(name))
            try:
                with self._locked(workspace.id):
                    self._write(workspace, new=True)
                return workspace
            except FileExistsError:
                continue
        raise KitError("Aucun identifiant libre n'a été trouvé pour ce nouvel espace : réessayez dans un instant.")

    def _write(self, workspace: Workspace, *, new: bool = False) -> None:
        """Atomic save: temp file + fsync + rename; the replaced revision goes to the history.

        The bytes are first read back as `load` will read them: a document that would not read back
        (or would read back different) is refused before anything is written, so a file the kit saved
        is never « illisible ». With `new`, the file is created, never replaced: `FileExistsError` if
        the id is taken. A failure of the disk (full, read-only, no permission) is said in French, and
        leaves the current revision and no temporary file behind.
        """
        path = self.path(workspace.id)
        data = dump(workspace)
        _check_reads_back(data, workspace)
        temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        nothing_lost = "Rien n'a été enregistré." if new else (
            "Votre modification n'a pas été enregistrée, mais rien n'est perdu : "
            "la révision précédente est intacte.")
        with self._disk_errors("L'enregistrement", nothing_lost):
            try:
                with open(temporary, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                if new:
                    _create_exclusively(temporary, path)
                else:
                    if path.exists():
                        self._archive(path)
                    _replace(temporary, path)
            finally:
                with suppress(OSError):
                    temporary.unlink()  # after a failure; after a rename it is already gone
        _fsync_folder(self.folder)

    def _disk_errors(self, what: str, nothing_lost: str):
        return disk_errors(self.folder, what, nothing_lost)

    def _archive(self, path: Path) -> None:
        folder = self._history_folder(path.stem)
        folder.mkdir(parents=True, exist_ok=True)
        number = _revision_of(path)
        target = folder / f"{number:06d}.json"
        if number >= 0 and not target.exists():
            try:
                os.link(path, target)  # same bytes, no copy: the rename below gives `path` a new inode
            except OSError:
                shutil.copy2(path, target)  # file systems without hard links
        if number < 0:  # unreadable current file: keep it aside for inspection, never lose it
            shutil.copy2(path, folder / f"illisible-{datetime.now():%Y%m%d-%H%M%S-%f}.json")
        kept = sorted(p for p in folder.glob("*.json") if p.stem.isdigit())
        for old in kept[:-HISTORY_KEPT]:
            old.unlink(missing_ok=True)

    def _newest_kept(self, workspace_id: str) -> int:
        numbers = [r.number for r in self.history(workspace_id)]
        return max(numbers, default=0)

    def _free_id(self, name: str) -> str:
        base = slugify(name)
        # Ids need a few characters to stay readable in a URL and a file name; and Windows opens a device,
        # not a file, for `con.json`, `nul.json`, `com1.json`... whatever the folder.
        if len(base) < 3 or base in WINDOWS_DEVICES:
            base = f"espace-{base}"
        candidate = base
        # A deleted workspace keeps its history (it can be restored from the bin): its id stays taken,
        # or a new workspace would share that history and its first revisions would not be archived.
        while self.path(candidate).exists() or self._history_folder(candidate).exists():
            candidate = f"{base}-{new_id('x')[2:]}"
        return candidate


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, fsync, rename, fsync of the folder.
    A disk's refusal passes as `OSError` (callers say it in French with `Store._disk_errors`)."""
    temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _replace(temporary, path)
    finally:
        with suppress(OSError):
            temporary.unlink()
    _fsync_folder(path.parent)


def read_bounded(path: Path) -> bytes:
    """The bytes of a file to import or load, read up to MAX_FILE_BYTES + 1 only: a file larger than any
    workspace, or an endless one (/dev/zero, a pipe), is refused without being read whole."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise KitError(
            f"Fichier trop volumineux (plus de {MAX_FILE_BYTES // 1_048_576} Mo) : un espace de travail "
            "pèse bien moins. Vérifiez qu'il s'agit du bon fichier."
        )
    return data


def parse(data: bytes) -> Workspace:
    """Read a workspace file's bytes, or raise a `KitError` saying in French what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise KitError(
            f"Fichier trop volumineux ({megabytes(len(data))}) : un espace de travail "
            f"pèse au plus {MAX_FILE_BYTES // 1_048_576} Mo. Vérifiez qu'il s'agit du bon fichier."
        )
    text = _text_of(data)
    if not text.strip():
        raise KitError("Le fichier est vide.")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()) or error.msg.startswith("Unterminated string"):  # cut short
            raise KitError(
                "Le fichier est incomplet ou abîmé (JSON illisible, "
                f"ligne {error.lineno}, colonne {error.colno}) : il a peut-être été tronqué."
            ) from None
        raise KitError(
            f"Le fichier est abîmé ou n'est pas un espace de travail (JSON illisible, ligne {error.lineno}, "
            f"colonne {error.colno})."
        ) from None
    except RecursionError:  # the parser stops at Python's recursion limit: bounded time and memory
        raise KitError(_TOO_NESTED) from None
    try:
        return workspace_from_dict(raw)
    except RecursionError:
        raise KitError(_TOO_NESTED) from None


_TOO_NESTED = ("Le fichier est trop imbriqué (des listes ou des objets les uns dans les autres sur des "
               "centaines de niveaux) : ce n'est pas un espace de travail du kit.")
_NOT_TEXT = "Ce fichier n'est pas un fichier texte : ce n'est pas un espace de travail du kit."
# Windows tools (Notepad, PowerShell, Excel) may write these marks at the start of a text: each names
# its encoding without doubt. UTF-32 comes first: its little-endian mark begins with UTF-16's.
_BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
                     (codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
                     (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text_of(data: bytes) -> str:
    """The file's text: UTF-8 (what the kit writes), or UTF-8/16/32 with a byte order mark, or
    UTF-16/32 without one (a JSON text starts with an ASCII character, so its zero bytes tell them
    apart reliably). Anything else is named as precisely as can be told for sure."""
    for mark, codec, name in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data[len(mark):].decode(codec)
            except UnicodeDecodeError:
                raise KitError(f"Le fichier s'annonce en {name} mais contient des octets invalides : "
                               "il est abîmé, ou ce n'est pas un fichier texte.") from None
    if b"\x00" in data[:4]:
        codec = json.detect_encoding(data)
        try:
            text = data.decode(codec) if codec != "utf-8" else ""
        except UnicodeDecodeError:
            text = ""
        if text.lstrip()[:1] in ("{", "["):
            return text
        raise KitError(_NOT_TEXT)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":  # valid up to a character cut in its middle
            raise KitError("Le fichier est incomplet (il s'arrête au milieu d'un caractère) : "
                           "il a peut-être été tronqué.") from None
        if _CONTROL_BYTES.search(data):
            raise KitError(_NOT_TEXT) from None
        line = data.count(b"\n", 0, error.start) + 1
        try:
            data.decode("cp1252")  # every byte a character: what Latin-1 and Windows-1252 texts are
        except UnicodeDecodeError:
            raise KitError(f"Le fichier n'est pas encodé en UTF-8 (caractère invalide ligne {line}) : "
                           "enregistrez-le en UTF-8, puis importez-le à nouveau.") from None
        raise KitError(f"Le fichier n'est pas encodé en UTF-8 (il semble en Latin-1 / Windows-1252, "
                       f"ligne {line}) : enregistrez-le en UTF-8, puis importez-le à nouveau.") from None


def _check_reads_back(data: bytes, workspace: Workspace) -> None:
    """Refuse to write bytes that `load` would not read back as this very document."""
    if len(data) > MAX_FILE_BYTES:
        raise KitError(
            f"Enregistrement refusé : l'espace dépasserait {MAX_FILE_BYTES // 1_048_576} Mo, la taille qu'un espace "
            "de travail peut avoir. Rien n'a été écrit, la dernière version enregistrée reste intacte : "
            "raccourcissez les textes les plus longs.")
    try:
        again = parse(data)
    except KitError as error:
        raise KitError(
            "Enregistrement refusé : le fichier ne pourrait pas être relu. Rien n'a été écrit, la dernière "
            "version enregistrée reste intacte.", details=[error.message, *error.details]) from None
    if again.model_dump() != workspace.model_dump():
        raise KitError(
            "Enregistrement refusé : le fichier relu différerait du document saisi. Rien n'a été écrit, "
            "la dernière version enregistrée reste intacte.")


def dump(workspace: Workspace) -> bytes:
    # Indented, in the model's field order, so that a person can read and diff it.
    return workspace.model_dump_json(indent=1).encode("utf-8") + b"\n"


def _revision_of(path: Path) -> int:
    """The revision number stored in a file, read cheaply; -1 when the file is unreadable."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096)
        start = head.index(b'"revision":') + len(b'"revision":')
        return int(head[start:].split(b",", 1)[0].strip())
    except (OSError, ValueError):
        return -1


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime)


def _fsync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a power cut could bring the old name back.
    if os.name == "nt":  # Windows opens no folder with os.open (and NTFS journals renames itself)
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _create_exclusively(temporary: Path, path: Path) -> None:
    """Give the fully written `temporary` the name `path`, or raise `FileExistsError` if the name is
    taken: a hard link fails rather than replace an existing file, so two kernels creating the same id
    at once never overwrite each other (the loser picks the next free id)."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise
    except OSError as error:
        # Windows names a FAT or exFAT key's refusal of hard links with other numbers (EINVAL...): the
        # reservation below then refuses a taken name, or says what the disk refuses, just as well.
        if os.name != "nt" and error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV,
                                                   errno.ENOSYS, errno.EMLINK):
            raise
        # A file system without hard links (FAT, some network shares): reserve the name exclusively,
        # then rename the finished file over the reservation (empty for the instant in between).
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        _replace(temporary, path)


def _replace(source: Path, target: Path, attempts: int = 20) -> None:
    """`os.replace`, which on Windows is refused (PermissionError) while another kernel is reading the
    target for a few milliseconds (Python opens files there without FILE_SHARE_DELETE): tried again
    for about a second there; elsewhere a rename never waits for readers."""
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if os.name != "nt" or attempt == attempts - 1:
                raise
            time.sleep(0.05)


_DISK_REASONS = {
    errno.ENOSPC: "le disque est plein (dossier « {folder} ») : libérez de la place, puis recommencez",
    errno.EROFS: "le dossier « {folder} » est en lecture seule",
    errno.EACCES: "le kit n'a pas le droit d'écrire dans le dossier « {folder} »",
    errno.EPERM: "le kit n'a pas le droit d'écrire dans le dossier « {folder} »",
    errno.EFBIG: "le fichier dépasse la taille que le système permet d'écrire (dossier « {folder} »)",
}
if hasattr(errno, "EDQUOT"):  # not on every system
    _DISK_REASONS[errno.EDQUOT] = ("votre quota d'espace disque est atteint (dossier « {folder} ») : "
                                   "libérez de la place, puis recommencez")


@contextmanager
def disk_errors(folder: Path, what: str, nothing_lost: str) -> Iterator[None]:
    """The disk's refusals (full, read-only, no permission) as a French sentence; other errors pass."""
    try:
        yield
    except OSError as error:
        reason = disk_reason(error, folder)
        if reason is None:
            raise
        raise KitError(f"{what} est impossible : {reason}. {nothing_lost}") from None


def disk_reason(error: OSError, folder: Path) -> str | None:
    """Why the disk refused, in French, naming the folder but not its whole path; None if not the disk's doing."""
    reason = _DISK_REASONS.get(error.errno)
    return reason.format(folder=shorten(folder.name, 60)) if reason else None


def _process_alive(pid: int) -> bool:
    """Whether process `pid` still runs on this machine (a zombie, killed but not yet reaped, does not)."""
    if os.name == "nt":  # os.kill would end the process on Windows: only the age rule applies there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # another user's process (or a number no pid can be): left to the age rule
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True


def _safe_id(workspace_id: str) -> bool:
    # Ids become file names: this pattern (the model's) forbids "/", ".." and hidden files.
    return bool(re.fullmatch(ID_PATTERN, workspace_id or ""))


def _copy_name(name: str) -> str:
    suffix = " (copie importée)"
    return name[: 200 - len(suffix)] + suffix
