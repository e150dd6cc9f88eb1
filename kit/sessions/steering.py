"""Session 3's steering views, as plain pandas: responsibility matrix, load per actor, indicator dashboard,
meetings of the governance bodies. Shared by the session-3 app and its deliverable."""

from __future__ import annotations

from datetime import date, timedelta

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.methods.meetings import french_time, meetings as dated_meetings
from kit.model import Workspace


def responsibility_matrix(ws: Workspace) -> pd.DataFrame:
    """Actors (rows) x actions (columns): « pilote », « partenaire », or the funder's name in the budget."""
    names = {a.id: a.name for a in ws.actors}
    table = pd.DataFrame("", index=[a.name for a in ws.actors], columns=[a.title for a in ws.actions])
    for action in ws.actions:
        for partner in action.partner_ids:
            table.loc[names[partner], action.title] = "partenaire"
        if action.lead_id:
            table.loc[names[action.lead_id], action.title] = "pilote"
        for line in action.budget:
            if line.funder in table.index and not table.loc[line.funder, action.title]:
                table.loc[line.funder, action.title] = "financeur"
    return table


def load_per_actor(ws: Workspace) -> pd.DataFrame:
    """How many actions each actor leads and supports, busiest first."""
    rows = [{"acteur": a.name,
             "pilote": sum(x.lead_id == a.id for x in ws.actions),
             "partenaire": sum(a.id in x.partner_ids for x in ws.actions)} for a in ws.actors]
    frame = pd.DataFrame(rows, columns=["acteur", "pilote", "partenaire"])
    frame["total"] = frame["pilote"] + frame["partenaire"]
    return frame.sort_values(["total", "pilote"], ascending=False, kind="stable").reset_index(drop=True)


def indicator_dashboard(ws: Workspace) -> pd.DataFrame:
    """Every indicator of every action: baseline, target, latest value and its trend toward the target."""
    rows = []
    for action in ws.actions:
        for indicator in action.indicators:
            values = sorted(indicator.measurements, key=lambda m: m.on)
            latest = values[-1] if values else None
            previous = values[-2] if len(values) > 1 else None
            trend = ""
            if latest and previous and indicator.target is not None:
                closer = abs(indicator.target - latest.value) < abs(indicator.target - previous.value)
                trend = "se rapproche de la cible" if closer else "s'éloigne de la cible"
            rows.append({"fiche": action.title, "indicateur": indicator.name, "unité": indicator.unit,
                         "référence": indicator.baseline, "cible": indicator.target,
                         "dernière valeur": latest.value if latest else None,
                         "mesurée le": latest.on.strftime("%d/%m/%Y") if latest else "", "tendance": trend})
    return pd.DataFrame(rows, columns=["fiche", "indicateur", "unité", "référence", "cible", "dernière valeur",
                                       "mesurée le", "tendance"])


def bodies_meetings(ws: Workspace, start: date | None = None, months: int = 12):
    """The meetings of the governance bodies from `start` over `months` (a list with `.notes`): each body's
    counted from its own first meeting when it has one, at its meeting time."""
    start = start or date.today()
    bodies = [{"name": b.name, "kind": b.kind, "rhythm": b.rhythm, "decides": b.decides,
               "first_meeting": b.first_meeting, "meeting_time": b.meeting_time} for b in ws.bodies]
    return dated_meetings(bodies, start, start + timedelta(days=round(months * 30.5)))


def first_meeting_text(body) -> str:
    """A body's first meeting as the tables show it: « 12/03/2027 à 14h30 », « 12/03/2027 », « 14h30 » or ""."""
    day = f"{body.first_meeting:%d/%m/%Y}" if body.first_meeting else ""
    at = french_time(body.meeting_time) if body.meeting_time else ""
    return f"{day} à {at}" if day and at else day or at


def meetings_frame(meetings) -> pd.DataFrame:
    """The meetings as a table: date, time (a column only when some body has a meeting time), body, agenda."""
    timed = any(m.get("time") for m in meetings)
    columns = ["date", "heure", "instance", "ordre du jour"] if timed else ["date", "instance", "ordre du jour"]
    return pd.DataFrame([{"date": m["date"].strftime("%d/%m/%Y"),
                          "heure": french_time(m["time"]) if m.get("time") else "",
                          "instance": m["body"], "ordre du jour": m["reviews"]}
                         for m in meetings], columns=columns)
