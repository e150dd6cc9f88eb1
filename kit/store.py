"""Workspaces on disk: one readable JSON file each, saved at once, safe for many kernels.

Layout of the folder (``$KIT_ESPACES``, by default ``~/quartiers-en-transitions/espaces``)::

    <id>.json                      the current revision, pretty-printed (a human can read and diff it)
    historique/<id>/<rev>.json     earlier revisions, the last HISTORY_KEPT of them
    corbeille/<id>-<when>.json     deleted workspaces, never destroyed by the kit
    .verrous/<id>.lock             one lock file per workspace

Every edit is a function applied by `Store.update` to the latest revision *on disk*, under the
workspace's lock: two kernels editing at once are serialised, each edit sees the other's, and none
is lost. Saving writes a temporary file, fsyncs it and renames it over the current one, so a crash
at any moment leaves either the old or the new revision, never half a file. The previous revision
is kept in the history by a hard link (no copy, so history costs nothing at save time).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from kit.errors import KitError, megabytes
from kit.model import FORMAT, ID_PATTERN, Workspace, checked, new_id, revalidate, slugify, utc_now, workspace_from_dict

ENV_VAR = "KIT_ESPACES"
DEFAULT_FOLDER = Path.home() / "quartiers-en-transitions" / "espaces"
HISTORY_KEPT = 50
LOCK_TIMEOUT_S = 15
# An exported workspace with hundreds of stakes, actors and actions weighs well under 1 MB; a file
# ten times larger than anything the kit writes is refused before it is even parsed.
MAX_FILE_BYTES = 10 * 1024 * 1024


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
        self.folder.mkdir(parents=True, exist_ok=True)

    # -- paths ---------------------------------------------------------------------------------

    def path(self, workspace_id: str) -> Path:
        if not _safe_id(workspace_id):
            raise KitError(f"Identifiant d'espace invalide : « {workspace_id} ».")
        return self.folder / f"{workspace_id}.json"

    def _history_folder(self, workspace_id: str) -> Path:
        return self.folder / "historique" / workspace_id

    def _lock(self, workspace_id: str) -> FileLock:
        folder = self.folder / ".verrous"
        folder.mkdir(exist_ok=True)
        return FileLock(folder / f"{workspace_id}.lock", timeout=LOCK_TIMEOUT_S)

    def exists(self, workspace_id: str) -> bool:
        return self.path(workspace_id).exists()

    # -- reading ---------------------------------------------------------------------------------

    def list(self) -> list[Summary]:
        summaries = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                raw = json.loads(path.read_bytes())
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
            except (OSError, ValueError, TypeError, AttributeError):
                summaries.append(Summary(path.stem, path.stem, "", 0, "", readable=False))
        return sorted(summaries, key=lambda s: s.name.casefold())

    def load(self, workspace_id: str) -> Workspace:
        path = self.path(workspace_id)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise KitError(f"L'espace « {workspace_id} » n'existe pas (ou plus) dans {self.folder}.") from None
        try:
            return parse(data)
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
                return parse(revision.path.read_bytes())
        if number == _revision_of(self.path(workspace_id)):
            return self.load(workspace_id)
        raise KitError(f"La révision {number} de l'espace « {workspace_id} » n'est plus conservée.")

    def _good_revisions(self, workspace_id: str) -> list[int]:
        good = []
        for revision in self.history(workspace_id):
            if revision.current:
                continue
            try:
                parse(revision.path.read_bytes())
                good.append(revision.number)
            except (KitError, OSError):
                pass
        return good

    # -- writing ---------------------------------------------------------------------------------

    def create(self, name: str, **fields) -> Workspace:
        """A new workspace with a readable id made from its name."""
        workspace = checked(lambda: Workspace(id=self._free_id(name), name=name, **fields))
        with self._lock(workspace.id):
            self._write(workspace)
        return workspace

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
        copy = source.model_copy(update={"id": self._free_id(name), "name": name, "revision": 0,
                                         "created_at": utc_now(), "updated_at": utc_now()})
        copy = revalidate(copy)
        with self._lock(copy.id):
            self._write(copy)
        return copy

    def delete(self, workspace_id: str) -> Path:
        """Move the workspace to the bin folder (the kit never destroys a participant's work)."""
        with self._locked(workspace_id):
            path = self.path(workspace_id)
            if not path.exists():
                raise KitError(f"L'espace « {workspace_id} » n'existe pas (ou plus).")
            bin_folder = self.folder / "corbeille"
            bin_folder.mkdir(exist_ok=True)
            target = bin_folder / f"{workspace_id}-{datetime.now():%Y%m%d-%H%M%S-%f}.json"
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
            with self._lock(incoming.id):
                if not self.exists(incoming.id):
                    self._write(incoming)
                    return incoming, f"L'espace « {incoming.name} » a été importé."
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
        copy = incoming.model_copy(update={"id": self._free_id(name), "name": name, "revision": 0})
        with self._lock(copy.id):
            self._write(copy)
        return copy, (
            f"Un espace portant cet identifiant existe déjà : le fichier a été importé comme "
            f"une copie, « {copy.name} », sans rien modifier de l'existant."
        )

    # -- internals -------------------------------------------------------------------------------

    def _locked(self, workspace_id: str):
        """The workspace's lock, held until the `with` block ends (filelock's own context manager), or a
        French refusal once another save has held it for `LOCK_TIMEOUT_S` seconds."""
        try:
            return self._lock(workspace_id).acquire()
        except Timeout:
            raise KitError(
                "L'espace est occupé par un autre enregistrement depuis plus de "
                f"{LOCK_TIMEOUT_S} secondes. Réessayez dans un instant."
            ) from None

    def _write(self, workspace: Workspace) -> None:
        """Atomic save: temp file + fsync + rename; the replaced revision goes to the history."""
        path = self.path(workspace.id)
        data = dump(workspace)
        temporary = path.with_name(f".{path.stem}.{os.getpid()}.tmp")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            self._archive(path)
        os.replace(temporary, path)
        _fsync_folder(self.folder)

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
        if len(base) < 3:  # ids need a few characters to stay readable in a URL and a file name
            base = f"espace-{base}"
        candidate = base
        while self.path(candidate).exists():
            candidate = f"{base}-{new_id('x')[2:]}"
        return candidate


def parse(data: bytes) -> Workspace:
    """Read a workspace file's bytes, or raise a `KitError` saying in French what is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise KitError(
            f"Fichier trop volumineux ({megabytes(len(data))}) : un espace de travail "
            f"pèse au plus {MAX_FILE_BYTES // 1_048_576} Mo. Vérifiez qu'il s'agit du bon fichier."
        )
    if not data.strip():
        raise KitError("Le fichier est vide.")
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise KitError("Ce fichier n'est pas un fichier texte : ce n'est pas un espace de travail du kit.") from None
    except json.JSONDecodeError as error:
        raise KitError(
            "Le fichier est incomplet ou abîmé (JSON illisible, "
            f"ligne {error.lineno}, colonne {error.colno}) : il a peut-être été tronqué."
        ) from None
    return workspace_from_dict(raw)


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


def _safe_id(workspace_id: str) -> bool:
    # Ids become file names: this pattern (the model's) forbids "/", ".." and hidden files.
    return bool(re.fullmatch(ID_PATTERN, workspace_id or ""))


def _copy_name(name: str) -> str:
    suffix = " (copie importée)"
    return name[: 200 - len(suffix)] + suffix
