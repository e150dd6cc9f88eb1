"""Session 1 on the stakes, as plain pandas: formulation checklist, stake map, influence matrix, positioning.

Pure functions of the workspace, so the app, the deliverable and an analyst's notebook cell all get
the same numbers.
"""

from __future__ import annotations

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.methods.micmac import MicmacResult, micmac
from kit.model import Stake, Workspace

# What makes a stake "operative": said precisely enough that a group can act on it.
CHECKLIST = [
    ("what", "Ce qui est en jeu est dit précisément"),
    ("for_whom", "Pour qui (habitants, publics, lieux concernés)"),
    ("by_when", "À quelle échéance"),
    ("levers", "Ce sur quoi les acteurs locaux peuvent agir"),
    ("evidence", "Appuyé sur des données ou une source"),
    ("neighbourhood_ids", "Quartier(s) concerné(s) indiqué(s)"),
]

AXES = {"importance": "Importance", "control": "Maîtrise locale", "urgency": "Urgence"}


def checklist(stake: Stake) -> list[tuple[str, bool]]:
    """Each criterion of an operative statement, and whether the stake meets it."""
    result = []
    for field, label in CHECKLIST:
        value = getattr(stake, field)
        if field == "evidence":
            value = value or stake.indicator_codes
        result.append((label, bool(value)))
    return result


def guided_statement(stake: Stake) -> str:
    """The statement assembled from the guided fields, for a group that filled them one by one."""
    parts = []
    if stake.what:
        parts.append(stake.what.rstrip("."))
    if stake.for_whom:
        parts.append(f"pour {stake.for_whom.rstrip('.')}")
    if stake.by_when:
        parts.append(f"d'ici {stake.by_when.rstrip('.')}")
    sentence = ", ".join(parts)
    if stake.levers:
        sentence += (". " if sentence else "") + f"Leviers locaux : {stake.levers.rstrip('.')}"
    return (sentence + ".") if sentence else ""


def stakes_frame(ws: Workspace) -> pd.DataFrame:
    """One row per stake, in the group's order, with what the screens and the deliverable show."""
    from kit.sessions.diagnostic import indicator_options  # (the catalogue is read once, on first use)

    names = {n.id: n.name for n in ws.neighbourhoods}
    indicators = {code: label for label, code in indicator_options(ws)} if any(s.indicator_codes for s in ws.stakes) else {}
    rows = []
    for s in ws.stakes:
        marks = checklist(s)
        rows.append({
            "id": s.id, "enjeu": s.title, "thème": s.theme or "Sans thème",
            "énoncé": s.statement or guided_statement(s),
            "quartiers": ", ".join(names.get(i, "") for i in s.neighbourhood_ids),
            "éléments de preuve": ", ".join(filter(None, [s.evidence, *(indicators.get(c, c) for c in s.indicator_codes)])),
            "porté par": s.raised_by, "importance": s.importance, "maîtrise locale": s.control,
            "urgence": s.urgency, "votes": s.votes, "critères remplis": f"{sum(ok for _, ok in marks)}/{len(marks)}",
        })
    columns = ["id", "enjeu", "thème", "énoncé", "quartiers", "éléments de preuve", "porté par", "importance",
               "maîtrise locale", "urgence", "votes", "critères remplis"]
    return pd.DataFrame(rows, columns=columns)


def stake_map_frame(ws: Workspace, x: str = "control", y: str = "importance") -> pd.DataFrame:
    """Stakes placed on two chosen axes (0-10), sized by votes; stakes not yet placed are listed apart."""
    for axis in (x, y):
        if axis not in AXES:
            raise ValueError(f"unknown axis {axis!r}; choose among {sorted(AXES)}")
    rows = [{"id": s.id, "enjeu": s.title, "thème": s.theme or "Sans thème", "x": getattr(s, x),
             "y": getattr(s, y), "votes": s.votes, "placé": getattr(s, x) is not None and getattr(s, y) is not None}
            for s in ws.stakes]
    return pd.DataFrame(rows, columns=["id", "enjeu", "thème", "x", "y", "votes", "placé"])


def influence_matrix(ws: Workspace) -> pd.DataFrame:
    """The direct influence matrix (rows influence columns), indexed by stake id, 0 where nothing is set."""
    ids = [s.id for s in ws.stakes]
    matrix = pd.DataFrame(0, index=ids, columns=ids, dtype=object)
    for cell in ws.influences:
        matrix.loc[cell.source, cell.target] = cell.value
    return matrix


def rated_cells(ws: Workspace) -> tuple[int, int]:
    """(cells rated, cells to rate) of the direct influence matrix: every pair of two different stakes; a
    cell rated 0 counts as rated, a cell nobody rated does not."""
    ids = {s.id for s in ws.stakes}
    rated = sum(c.source in ids and c.target in ids and c.source != c.target for c in ws.influences)
    return rated, len(ids) * (len(ids) - 1)


def structural_analysis(ws: Workspace, cut: str = "mean") -> MicmacResult | None:
    """MICMAC on the workspace's stakes, or None while fewer than two stakes exist."""
    if len(ws.stakes) < 2:
        return None
    return micmac(influence_matrix(ws), cut=cut)


def titled(frame: pd.DataFrame, ws: Workspace) -> pd.DataFrame:
    """Replace stake ids by their titles in an index (and columns) for display."""
    titles = {s.id: s.title for s in ws.stakes}
    out = frame.rename(index=titles)
    return out.rename(columns=titles) if set(frame.columns) & set(titles) else out


def positioning(ws: Workspace) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Which local project (contrat de ville axis, PCAET, PLH, NPNRU...) covers which stake.

    Returns the coverage matrix (stakes x projects, booleans), the stakes no project covers and the
    projects no stake justifies.
    """
    coverage = pd.DataFrame(False, index=[s.title for s in ws.stakes], columns=[p.name for p in ws.local_projects])
    titles = {s.id: s.title for s in ws.stakes}
    for project in ws.local_projects:
        for stake_id in project.stake_ids:
            coverage.loc[titles[stake_id], project.name] = True
    uncovered = [t for t in coverage.index if not coverage.loc[t].any()] if len(coverage.columns) else list(coverage.index)
    unjustified = [p.name for p in ws.local_projects if not p.stake_ids]
    return coverage, uncovered, unjustified
