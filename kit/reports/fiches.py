"""The fiches action as a Word document: one page per fiche, sober, for a comité de pilotage or a partner.

    doc = fiches_document(ws)       # a kit.reports.Document
    data = render_docx(doc)         # or render_html(doc)

Each fiche: title, status and priority, dates, description, lead and partners, objectives with the
stakes behind them, neighbourhoods, steps as a checklist, budget by year and type with totals and
funders, indicators (baseline, target, latest measurement), dependencies both ways, residents'
participation. Everything comes from the workspace as it is; nothing here edits it.
"""

from __future__ import annotations

from collections import defaultdict

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.model import Action, Objective, Workspace
from kit.reports import Document
from kit.reports.formatting import format_date, format_number

BUDGET_KINDS = ("investissement", "fonctionnement")


def euros(value: float) -> str:
    """``12500`` → ``"12 500 €"``; cents only when there are some."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{format_number(float(value), decimals)}\u00a0€"


def _plain(value: float) -> str:
    return format_number(float(value), 0 if float(value).is_integer() else 2)


def budget_total(action: Action) -> float:
    return sum(line.amount for line in action.budget)


def fiches_document(ws: Workspace) -> Document:
    """All the fiches action of the workspace, one per page, after a one-table overview."""
    territory = ws.territory.epci_name or ws.name
    doc = Document("Fiches action", subtitle=f"Plan d'action – {ws.name}", territory=territory)
    if not ws.actions:
        doc.note("Le plan d'action ne compte encore aucune fiche action. Les fiches se rédigent en session 3 "
                 "(« Plan d'action ») ; elles apparaîtront ici, une par page.", kind="info")
        return doc

    actors = {a.id: a.name for a in ws.actors}
    doc.paragraph(f"{len(ws.actions)} fiche{'s' if len(ws.actions) > 1 else ''} action ; budget total prévu : "
                  f"{euros(sum(budget_total(a) for a in ws.actions))}.")
    overview = pd.DataFrame(
        {"Fiche": [a.title for a in ws.actions],
         "Statut": [a.status for a in ws.actions],
         "Priorité": [a.priority for a in ws.actions],
         "Pilote": [actors.get(a.lead_id, "") if a.lead_id else "" for a in ws.actions],
         "Période": [_period(a, short=True) for a in ws.actions],
         "Budget": [budget_total(a) for a in ws.actions]})
    doc.table(overview, caption="Vue d'ensemble du plan d'action", number_format={"Budget": euros})
    for action in ws.actions:
        doc.page_break()
        _fiche(doc, ws, action)
    return doc


def _fiche(doc: Document, ws: Workspace, action: Action) -> None:
    actors = {a.id: a.name for a in ws.actors}
    titles = {a.id: a for a in ws.actions}
    doc.heading(action.title, 1)
    doc.paragraph(f"Statut : {action.status} · Priorité : {action.priority} · {_period(action)}")
    if action.description:
        doc.paragraph(action.description)

    doc.heading("Pilotage", 2)
    partners = [actors.get(i, i) for i in action.partner_ids]
    doc.bullets([f"Pilote : {actors.get(action.lead_id, '') if action.lead_id else 'à désigner'}",
                 f"Partenaires : {', '.join(partners) if partners else 'aucun pour l’instant'}"])

    doc.heading("Objectifs et enjeux", 2)
    objectives = {o.id: o for o in ws.objectives}
    if action.objective_ids:
        doc.bullets([_objective_line(ws, objectives, objectives[i]) for i in action.objective_ids if i in objectives])
    else:
        doc.paragraph("Cette fiche n'est rattachée à aucun objectif.")
    places = {n.id: n for n in ws.neighbourhoods}
    chosen = [places[i] for i in action.neighbourhood_ids if i in places]
    doc.paragraph("Quartiers : " + (", ".join(f"{n.name} ({n.qpv_code})" if n.qpv_code else n.name for n in chosen)
                                    if chosen else "non précisés"))

    doc.heading("Étapes", 2)
    if action.steps:
        doc.checklist([(s.title + (f" – échéance : {format_date(s.due)}" if s.due else ""), s.done)
                       for s in action.steps])
        done = sum(s.done for s in action.steps)
        doc.paragraph(f"{done} étape{'s' if done > 1 else ''} faite{'s' if done > 1 else ''} sur {len(action.steps)}.")
    else:
        doc.paragraph("Aucune étape n'est encore définie.")

    doc.heading("Budget", 2)
    _budget(doc, action)

    doc.heading("Indicateurs de suivi", 2)
    if action.indicators:
        rows = []
        for ind in action.indicators:
            latest = max(ind.measurements, key=lambda m: m.on) if ind.measurements else None
            rows.append({"Indicateur": ind.name, "Unité": ind.unit or "—", "Référence": ind.baseline,
                         "Cible": ind.target,
                         "Dernière mesure": f"{_plain(latest.value)} ({latest.on:%d/%m/%Y})" if latest else "—",
                         "Source": ind.source or "—"})
        doc.table(pd.DataFrame(rows), caption=f"Indicateurs – {action.title}", number_format=_plain)
    else:
        doc.paragraph("Aucun indicateur n'est encore défini.")

    doc.heading("Liens avec les autres fiches", 2)
    before = [titles[i] for i in action.depends_on if i in titles]
    after = [a for a in ws.actions if action.id in a.depends_on]
    doc.bullets([
        "Dépend de : " + (", ".join(f"« {a.title} » ({a.status})" for a in before) if before else "aucune fiche"),
        "Préalable à : " + (", ".join(f"« {a.title} »" for a in after) if after else "aucune fiche"),
    ])

    doc.heading("Participation des habitants", 2)
    doc.paragraph(action.participation or "Non renseignée.")


def _period(action: Action, short: bool = False) -> str:
    show = (lambda d: f"{d:%d/%m/%Y}") if short else format_date
    if action.start and action.end:
        return f"{show(action.start)} – {show(action.end)}" if short else f"du {show(action.start)} au {show(action.end)}"
    if action.start:
        return f"dès le {show(action.start)}"
    if action.end:
        return f"jusqu'au {show(action.end)}"
    return "—" if short else "dates à préciser"


def _objective_line(ws: Workspace, objectives: dict[str, Objective], objective: Objective) -> str:
    stakes = {s.id: s.title for s in ws.stakes}
    parent = objectives.get(objective.parent_id) if objective.parent_id else None
    text = objective.title
    if parent is not None:
        text += f" (objectif opérationnel de « {parent.title} »)"
    stake_ids = objective.stake_ids or (parent.stake_ids if parent is not None else [])
    named = [stakes[i] for i in stake_ids if i in stakes]
    if named:
        text += " – enjeu" + ("x" if len(named) > 1 else "") + " : " + " ; ".join(named)
    return text


def _budget(doc: Document, action: Action) -> None:
    if not action.budget:
        doc.paragraph("Aucun budget n'est encore inscrit.")
        return
    by_year: dict[int, dict[str, float]] = defaultdict(lambda: dict.fromkeys(BUDGET_KINDS, 0.0))
    by_funder: dict[str, float] = defaultdict(float)
    for line in action.budget:
        by_year[line.year][line.kind] += line.amount
        by_funder[line.funder or "Financeur non précisé"] += line.amount
    total = budget_total(action)
    rows = [{"Année": str(year), "Investissement": amounts["investissement"],
             "Fonctionnement": amounts["fonctionnement"], "Total": sum(amounts.values())}
            for year, amounts in sorted(by_year.items())]
    rows.append({"Année": "Total",
                 "Investissement": sum(r["Investissement"] for r in rows),
                 "Fonctionnement": sum(r["Fonctionnement"] for r in rows), "Total": total})
    doc.table(pd.DataFrame(rows), caption=f"Budget par année et par type – {action.title}", number_format=euros)
    funders = [{"Financeur": name, "Montant": amount, "Part": f"{format_number(100 * amount / total, 0)}\u00a0%" if total else "—"}
               for name, amount in sorted(by_funder.items(), key=lambda item: -item[1])]
    doc.table(pd.DataFrame(funders), caption=f"Financeurs – {action.title}", number_format={"Montant": euros})
    doc.paragraph(f"Budget total : {euros(total)}.")
