"""Cohorts on disk: the territories of one edition of the programme, and what each of them shares.

Layout of the cohorts' folder (``$KIT_COHORTES``; by default ``cohortes/`` in the workspaces' folder, so a
facilitator's laptop needs nothing set; on a JupyterHub, one folder every territory's server can reach)::

    <cohort id>.json             the cohort: its name, its facilitators, its territories' workspaces
    partages/<workspace id>.json what that workspace shares (`sharing.shared_view`), written by its own server
    .verrous/                    one lock per file written here

A territory's server writes its own share (`publish`) when it joins a cohort, changes what it shares, or
saves while in a cohort; a workspace that shares nothing has no file here (it is removed). The cohort's
app reads the shares only: on a hub, a facilitator never reads a territory's workspace itself. On a laptop
holding the territories' workspaces, a member's share is built from its workspace as it is now
(`shares(..., store=)`), through the same gate.
"""

from __future__ import annotations

import json
import os
import re
from datetime import datetime
from pathlib import Path

from filelock import FileLock
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kit.cohort.sharing import Share, eligibility_facts, level_of, share_of, shared_view  # noqa: F401 - Share: the type its readers name
from kit.errors import KitError
from kit.model import ID_PATTERN, EntityId, Name, ShortText, Workspace, new_id, slugify, utc_now, workspace_from_dict
from kit.store import LOCK_TIMEOUT_S, Store, disk_errors, read_bounded, write_atomically
from kit.text import fold, quote

ENV_VAR = "KIT_COHORTES"
COHORT_FORMAT = "quartiers-en-transitions/cohorte"
SHARE_FORMAT = "quartiers-en-transitions/partage"
MAX_COHORT_BYTES = 1024 * 1024  # fifty territories' names weigh a few kB


class Member(BaseModel):
    """A territory of the cohort. Its name is written here only while it shares something: the cohort's file
    is read by every territory's server, and a workspace that shares nothing leaves no name in it."""

    model_config = ConfigDict(extra="forbid")
    id: EntityId
    name: ShortText = ""


class Cohort(BaseModel):
    """One edition of the programme: its territories (workspaces) and the people who facilitate it."""

    model_config = ConfigDict(extra="forbid")
    format: str = COHORT_FORMAT
    id: EntityId
    name: Name = Field(title="nom de la cohorte")
    facilitators: list[ShortText] = Field(default_factory=list, title="animateurs")  # hub user names, or names
    members: list[Member] = Field(default_factory=list, title="territoires")
    created_at: datetime = Field(default_factory=utc_now)

    def member_ids(self) -> list[str]:
        return [m.id for m in self.members]


def listed_name(ws: Workspace) -> str:
    """The name the cohort's file gives a territory: none while it shares nothing."""
    return "" if level_of(ws) == "rien" else ws.name


def default_folder(store: Store) -> Path:
    return Path(os.environ.get(ENV_VAR) or store.folder / "cohortes").expanduser()


class CohortFolder:
    def __init__(self, folder: Path | str):
        self.folder = Path(folder)

    @classmethod
    def of(cls, store: Store) -> CohortFolder:
        return cls(default_folder(store))

    # -- cohorts ---------------------------------------------------------------------------------

    def cohorts(self) -> list[Cohort]:
        """Every readable cohort, by name (an unreadable file is skipped: `problems` says which)."""
        return sorted(self._read_cohorts()[0], key=lambda c: c.name.casefold())

    def problems(self) -> list[str]:
        return self._read_cohorts()[1]

    def cohort(self, cohort_id: str) -> Cohort:
        path = self._cohort_path(cohort_id)
        if not path.exists():
            raise KitError("Cette cohorte n'existe plus : elle a peut-être été supprimée.")
        return self._read_cohort(path)

    def create(self, name: str, facilitators: list[str] | tuple[str, ...] = ()) -> Cohort:
        name = " ".join(str(name).split())
        if not name:
            raise KitError("Donnez un nom à la cohorte (par exemple « Nouvelle-Aquitaine 2025-2026 »).")
        same = next((c for c in self.cohorts() if fold(c.name) == fold(name)), None)
        if same is not None:
            raise KitError(f"Une cohorte s'appelle déjà {quote(same.name)} : choisissez un autre nom.")
        try:
            cohort = Cohort(id=self._free_id(name), name=name,
                            facilitators=[f.strip() for f in facilitators if f.strip()])
        except ValidationError:
            raise KitError("Nom de cohorte refusé : 200 caractères au plus.") from None
        self._write(self._cohort_path(cohort.id), cohort.model_dump_json(indent=1).encode())
        return cohort

    def cohorts_of(self, workspace_id: str) -> list[Cohort]:
        return [c for c in self.cohorts() if workspace_id in c.member_ids()]

    def join(self, cohort_id: str, ws: Workspace) -> Cohort:
        """Add a workspace to a cohort (once) and publish what it shares."""
        def change(cohort: Cohort) -> None:
            cohort.members = [m for m in cohort.members if m.id != ws.id] + [Member(id=ws.id, name=listed_name(ws))]
        cohort = self._change(cohort_id, change)
        self.publish(ws)
        return cohort

    def leave(self, cohort_id: str, workspace_id: str) -> Cohort:
        """Take a workspace out of a cohort; its share is removed once it is in no cohort."""
        cohort = self._change(cohort_id, lambda c: setattr(
            c, "members", [m for m in c.members if m.id != workspace_id]))
        if not self.cohorts_of(workspace_id):
            self._remove(self._share_path(workspace_id))
        return cohort

    # -- shares ----------------------------------------------------------------------------------

    def publish(self, ws: Workspace) -> bool:
        """Write what `ws` shares, when it is in a cohort and shares something; otherwise make sure nothing
        of it is here. Returns whether a share was written."""
        cohorts = self.cohorts_of(ws.id)
        for cohort in cohorts:  # the territory's name as the cohort lists it follows a rename, and what it shares
            if any(m.id == ws.id and m.name != listed_name(ws) for m in cohort.members):
                self._change(cohort.id, lambda c: setattr(c, "members", [
                    Member(id=m.id, name=listed_name(ws)) if m.id == ws.id else m for m in c.members]))
        view = shared_view(ws) if cohorts else None
        path = self._share_path(ws.id)
        if view is None:
            self._remove(path)
            return False
        document = {"format": SHARE_FORMAT, "level": level_of(ws), "published_at": utc_now().isoformat(),
                    "eligibility": eligibility_facts(ws), "workspace": view.model_dump(mode="json")}
        self._write(path, json.dumps(document, ensure_ascii=False, indent=1).encode())
        return True

    def shares(self, cohort: Cohort, store: Store | None = None) -> tuple[list[Share], list[str]]:
        """What the cohort's territories share, in the cohort's order, and the French problems met (a share
        that cannot be read is left out and said). A territory that shares nothing is simply absent.
        With `store`, a member whose workspace is in it is read as it is now."""
        shares, problems = [], []
        for member in cohort.members:
            try:
                if store is not None and store.exists(member.id):
                    share = self._live_share(store, member.id)  # as it is now, through the same gate
                else:
                    share = self._published_share(member)
            except KitError as error:
                problems.append(f"{member.name or 'Un territoire'} : {error.message}")
                continue
            if share is not None:
                shares.append(share)
        return shares, problems

    def _live_share(self, store: Store, workspace_id: str) -> Share | None:
        return share_of(store.load(workspace_id))

    def _published_share(self, member: Member) -> Share | None:
        path = self._share_path(member.id)
        if not path.exists():
            return None  # shares nothing, or has not published yet
        try:
            raw = json.loads(read_bounded(path).decode("utf-8"))
            if raw.get("format") != SHARE_FORMAT or raw.get("level") not in ("resume", "tout"):
                raise ValueError
            view = workspace_from_dict(raw["workspace"])
            eligibility = [(str(label), bool(ok)) for label, ok in raw.get("eligibility", [])]
            published = datetime.fromisoformat(raw["published_at"])
        except KitError:
            raise
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
            raise KitError("son partage est illisible ; il sera réécrit à sa prochaine publication.") from None
        if view.id != member.id:
            raise KitError("son partage porte un autre identifiant : il est ignoré.")
        return Share(member.id, view.name, raw["level"], published, view, eligibility)

    # -- files -----------------------------------------------------------------------------------

    def _cohort_path(self, cohort_id: str) -> Path:
        if not re.fullmatch(ID_PATTERN, str(cohort_id)):
            raise KitError("Cette cohorte n'existe pas.")
        return self.folder / f"{cohort_id}.json"

    def _share_path(self, workspace_id: str) -> Path:
        if not re.fullmatch(ID_PATTERN, str(workspace_id)):
            raise KitError("Cet espace n'existe pas.")
        return self.folder / "partages" / f"{workspace_id}.json"

    def _read_cohorts(self) -> tuple[list[Cohort], list[str]]:
        cohorts, problems = [], []
        for path in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                cohorts.append(self._read_cohort(path))
            except KitError as error:
                problems.append(f"{path.name} : {error.message}")
        return cohorts, problems

    def _read_cohort(self, path: Path) -> Cohort:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_COHORT_BYTES + 1)
            if len(data) > MAX_COHORT_BYTES:
                raise ValueError
            cohort = Cohort.model_validate_json(data)
            if cohort.format != COHORT_FORMAT or cohort.id != path.stem:
                raise ValueError
            return cohort
        except (OSError, ValueError, ValidationError):
            raise KitError("ce fichier de cohorte est illisible ; il est ignoré.") from None

    def _change(self, cohort_id: str, change) -> Cohort:
        path = self._cohort_path(cohort_id)
        with self._lock(path.name):
            cohort = self.cohort(cohort_id)
            change(cohort)
            self._write(path, Cohort.model_validate(cohort.model_dump()).model_dump_json(indent=1).encode())
        return cohort

    def _lock(self, name: str) -> FileLock:
        folder = self.folder / ".verrous"
        folder.mkdir(parents=True, exist_ok=True)
        return FileLock(folder / f"{name}.lock", timeout=LOCK_TIMEOUT_S)

    def _write(self, path: Path, data: bytes) -> None:
        with disk_errors(self.folder, "L'enregistrement dans le dossier de la cohorte",
                         "Rien n'a été enregistré."):
            write_atomically(path, data)

    def _remove(self, path: Path) -> None:
        with disk_errors(self.folder, "Le retrait du partage", "Rien n'a été retiré."):
            path.unlink(missing_ok=True)

    def _free_id(self, name: str) -> str:
        base = slugify(name) or "cohorte"
        base = base if len(base) >= 3 else f"cohorte-{base}"
        candidate = base
        while self._cohort_path(candidate).exists():
            candidate = f"{base}-{new_id('x')[2:]}"
        return candidate



def publish_after_save(store: Store, ws: Workspace) -> str:
    """After a save in an app: the workspace's share follows it (when it is in a cohort). Returns '' or,
    when the share could not be written, a French sentence to add to the save's message (the save itself
    succeeded: the workspace is safe, only the cohort sees an older share)."""
    try:
        CohortFolder.of(store).publish(ws)
    except KitError as error:
        return f"Le partage avec la cohorte n'a pas été mis à jour : {error.message}"
    return ""
