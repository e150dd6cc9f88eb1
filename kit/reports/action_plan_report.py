"""What importing an edited action-plan workbook would do, for a person to read before anything is saved.

    report = import_workbook(ws, data)  # kit.reports.action_plan_import: nothing is written yet
    print(report)                       # French: unchanged, updated, added, absent, errors
    if report.changes_anything:
        store.update(ws.id, report.apply)  # all or nothing, on the latest revision

The report is the only way an import changes a workspace: `apply` re-checks, on the revision the store
hands it, that nobody changed the same actions in the meantime, and then edits in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kit.errors import KitError
from kit.model import Action, Workspace, checked
from kit.text import quote


@dataclass(frozen=True)
class ImportProblem:
    """One problem of the file, where the person will look for it: sheet, line (None: the whole sheet)."""

    sheet: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.sheet}, ligne {self.line}" if self.line else self.sheet
        return f"{where} : {self.reason}"


@dataclass(frozen=True)
class RowOutcome:
    """One action of the file: its line in "Fiches action", id, title and, if updated, what changed."""

    line: int | None
    action_id: str
    title: str
    fields: tuple[str, ...] = ()
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" (ligne {self.line})" if self.line else ""
        text = f"{quote(self.title)}{where}"
        if self.fields:
            text += " : " + ", ".join(self.fields)
        if self.details:
            text += " (" + " ; ".join(self.details) + ")"
        return text


@dataclass
class _Update:
    """An edit waiting for `apply`: the fields to change, and their values when the file was read, so
    that `apply` can refuse if someone changed them since."""

    action_id: str
    title: str
    changes: dict[str, Any]
    base: dict[str, Any]


@dataclass
class ImportReport:
    """What an import would do. Read it (str(report) or report.lines()), then `store.update(id, report.apply)`."""

    unchanged: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    added: list[RowOutcome] = field(default_factory=list)
    absent: list[RowOutcome] = field(default_factory=list)  # absent from the file, kept
    kept_from_kit: list[RowOutcome] = field(default_factory=list)  # changed in the kit since the export, kept
    errors: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _updates: list[_Update] = field(default_factory=list, repr=False)
    _new: list[dict[str, Any]] = field(default_factory=list, repr=False)

    def stage_update(self, action: Action, changes: dict[str, Any]) -> None:
        """Make `apply` set these fields of `action` (as the import read it)."""
        self._updates.append(_Update(action.id, action.title, changes, action.model_dump(include=set(changes))))

    def stage_new(self, values: dict[str, Any]) -> None:
        """Make `apply` add an action built from `values` (its id included)."""
        self._new.append(values)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes_anything(self) -> bool:
        return bool(self.ok and (self._updates or self._new))

    @property
    def summary(self) -> str:
        if not self.ok:
            errors = len(self.errors)
            return (f"Import refusé : {errors} erreur{'s' if errors > 1 else ''} dans le classeur. "
                    "Rien n'a été modifié ; corrigez le fichier puis importez-le à nouveau.")
        if not self.changes_anything:
            return f"Aucune modification : les {len(self.unchanged)} fiches du classeur sont identiques à celles du kit."
        return (f"Import prêt : {count(len(self.updated), 'fiche modifiée', 'fiches modifiées')}, "
                f"{count(len(self.added), 'fiche ajoutée', 'fiches ajoutées')}, "
                f"{count(len(self.unchanged), 'fiche inchangée', 'fiches inchangées')}.")

    def lines(self) -> list[str]:
        """The whole report in French, one line per item, for a screen or the CLI."""
        out = [self.summary]
        if self.errors:
            out.append("Erreurs :")
            out += [f"  – {e}" for e in self.errors]
            return out + self.notes
        for title, items in (("Fiches modifiées :", self.updated), ("Fiches ajoutées :", self.added),
                             ("Fiches absentes du fichier, conservées (supprimez-les dans le kit si besoin) :", self.absent),
                             ("Modifiées dans le kit depuis l'export (la version du kit est conservée) :", self.kept_from_kit)):
            if items:
                out.append(title)
                out += [f"  – {item}" for item in items]
        if self.unchanged:
            out.append(f"Fiches inchangées : {len(self.unchanged)}.")
        out += self.notes
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def apply(self, ws: Workspace) -> None:
        """Apply the edits to `ws` in place (meant for `Store.update`); refuses if the file had errors.

        All or nothing here too: every check runs before the first edit. An action changed or removed
        by someone else between the import and this call makes it refuse rather than overwrite.
        """
        if not self.ok:
            raise KitError("Import refusé : le classeur contient des erreurs, rien n'a été modifié.",
                           details=[str(e) for e in self.errors])
        positions = {a.id: i for i, a in enumerate(ws.actions)}
        for update in self._updates:
            if update.action_id not in positions:
                raise KitError(f"La fiche {quote(update.title)} a été supprimée dans le kit pendant l'import : "
                               "rien n'a été modifié. Importez à nouveau le classeur.")
            if ws.actions[positions[update.action_id]].model_dump(include=set(update.changes)) != update.base:
                raise KitError(f"La fiche {quote(update.title)} vient d'être modifiée dans le kit par une autre personne : "
                               "rien n'a été modifié. Importez à nouveau le classeur.")
        for new in self._new:
            if new["id"] in positions:
                raise KitError("Une fiche nouvelle du classeur porte l'identifiant d'une fiche du kit : "
                               "rien n'a été modifié. Importez à nouveau le classeur.")
        replaced = [(positions[u.action_id],
                     checked(lambda u=u: Action.model_validate({**ws.actions[positions[u.action_id]].model_dump(),
                                                                **u.changes})))
                    for u in self._updates]
        added = [checked(lambda n=n: Action.model_validate(n)) for n in self._new]
        for position, action in replaced:
            ws.actions[position] = action
        ws.actions.extend(added)


def count(n: int, one: str, many: str) -> str:
    """« 1 fiche modifiée », « 3 fiches modifiées »."""
    return f"{n} {one if n == 1 else many}"
