"""A fiche action of another territory of the cohort, copied as a model into one's own workspace.

What crosses over is the fiche's own content as its territory shares it: title, description, steps, budget
lines, indicators' names and units, residents' participation. What belongs to the other territory stays
there: its objectives, pilot, partners, neighbourhoods and dependencies (ids of its own workspace), its
indicators' values, its dates and progress. The copy starts « à venir », and keeps its origin
(`Action.origin`), shown wherever the fiche is.
"""

from __future__ import annotations

from datetime import date

from kit.cohort.sharing import Share
from kit.errors import KitError
from kit.model import Action, ActionIndicator, BudgetLine, Step, Workspace, checked
from kit.text import fold, quote, shorten


def origin_text(share: Share, action: Action, on: date) -> str:
    return shorten(f"Modèle : fiche « {action.title} » de {share.name}, copiée le {on:%d/%m/%Y}", 200)


def copy_fiche(share: Share, action_id: str, *, on: date | None = None):
    """The edit (for `Store.update`) that adds a copy of `share`'s fiche `action_id` to one's workspace;
    the edit returns the new fiche. Refused when the fiche is one's own or no longer shared."""
    source = next((a for a in share.ws.actions if a.id == action_id), None)
    if source is None:
        raise KitError("Cette fiche n'est plus partagée par son territoire : rechargez la page.")
    on = on or date.today()

    def change(ws: Workspace) -> Action:
        if ws.id == share.workspace_id:
            raise KitError("Cette fiche est déjà dans votre espace : c'est la vôtre.")
        taken = {fold(a.title) for a in ws.actions}
        title = source.title
        if fold(title) in taken:
            title = shorten(f"{source.title} (modèle {share.name})", 200)
        if fold(title) in taken:
            raise KitError(f"Vous avez déjà copié cette fiche : elle s'intitule {quote(title)}.")
        copy = checked(lambda: Action(
            title=title, description=source.description, participation=source.participation,
            steps=[Step(title=s.title) for s in source.steps],
            budget=[BudgetLine(year=b.year, kind=b.kind, amount=b.amount, funder=b.funder) for b in source.budget],
            indicators=[ActionIndicator(name=i.name, unit=i.unit, source=i.source) for i in source.indicators],
            origin=origin_text(share, source, on)))
        ws.actions.append(copy)
        return copy

    return change
