"""The application note (note d'intention): its parts, the drafts the kit proposes, the eligibility checks.

An EPCI joins the programme with a short note. The kit already knows part of what it says (the
neighbourhoods, the stakes, the project group and the local projects), so it proposes a draft for
each part the territory has not written yet; a written part is never replaced. The eligibility
checklist reads the workspace and the programme calendar, so it follows every save.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kit.sessions import project
from kit.errors import KitError
from kit.model import Application, Workspace


@dataclass(frozen=True)
class NotePart:
    key: str  # the field of `kit.model.Application`
    title: str
    guidance: str  # what a good answer contains
    words: tuple[int, int]  # indicative length, in words


PARTS = (
    NotePart("stakes_summary", "Les enjeux du ou des quartiers",
             "Une présentation courte de chaque quartier prioritaire concerné, puis les enjeux que vous y voyez, "
             "en commençant par ceux des transitions (chaleur, énergie, alimentation, mobilité, nature…) et en les "
             "reliant aux difficultés sociales. Un ou deux chiffres par enjeu suffisent.", (150, 400)),
    NotePart("political_will", "La volonté politique",
             "Qui porte le projet parmi les élus, pourquoi l'intercommunalité veut engager un projet de transition "
             "pour ses quartiers, et l'instance qui validera les choix du groupe projet.", (80, 250)),
    NotePart("approach", "La démarche engagée sur les transitions",
             "Ce qui est déjà fait dans l'EPCI (plan climat, programme de l'habitat, renouvellement urbain…) et "
             "dans les quartiers (jardins partagés, réemploi, sensibilisation, rénovation…), avec qui, et ce que "
             "vous en retenez.", (120, 350)),
    NotePart("strategy", "La stratégie du contrat de ville",
             "Les priorités retenues pour le contrat de ville 2024-2030 et la place qu'y prennent les transitions ; "
             "l'ambition que vous vous donnez pour les quartiers.", (100, 300)),
    NotePart("motivation", "Pourquoi candidater",
             "Ce que vous attendez de l'accompagnement, ce que vous apporterez aux autres territoires, et si vous "
             "comptez suivre les trois phases (conception, mise en œuvre, suivi et essaimage).", (100, 300)),
)
PART_KEYS = tuple(p.key for p in PARTS)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+(?:['’-]\w+)*", text or ""))


def length_hint(part: NotePart, text: str) -> str:
    """"212 mots (indication : 150 à 400)", with a word when the text is far from it."""
    count, (low, high) = word_count(text), part.words
    hint = f"{count} mot{'s' if count > 1 else ''} (indication : {low} à {high})"
    if count == 0:
        return hint
    if count < low // 2:
        return hint + " — à développer"
    if count > high * 3 // 2:
        return hint + " — à resserrer"
    return hint


# ---------------------------------------------------------------------------------------------
# Drafts from what the workspace already knows
# ---------------------------------------------------------------------------------------------

ELECTED = {"élu politique de la ville": "élu·e à la politique de la ville", "élu transitions": "élu·e aux transitions"}
CONTRACT_KIND = "Axe du contrat de ville"  # how session 1 records an axis of the contrat de ville


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _stakes_draft(ws: Workspace) -> str:
    lines = []
    if ws.neighbourhoods:
        places = [f"{n.name}" + (f" ({n.qpv_code})" if n.qpv_code else "") + (f" à {n.commune}" if n.commune else "")
                  for n in ws.neighbourhoods]
        many = len(places) > 1
        lines.append(f"Le projet concerne {'les quartiers prioritaires' if many else 'le quartier prioritaire'} "
                     f"{_names(places)}.")
    if ws.stakes:
        lines.append("Les enjeux formulés à ce jour :")
        by_theme: dict[str, list[str]] = {}
        for stake in ws.stakes:
            by_theme.setdefault(stake.theme or "Autres enjeux", []).append(stake.statement or stake.title)
        lines += [f"- {theme} : {' ; '.join(texts)}" for theme, texts in by_theme.items()]
    return "\n".join(lines)


def _will_draft(ws: Workspace) -> str:
    actors = {a.id: a for a in ws.actors}
    elected = [f"{actors[m.actor_id].person or actors[m.actor_id].name} ({ELECTED[m.role]})"
               for m in ws.project_group if m.role in ELECTED]
    lines = []
    if elected:
        lines.append(f"Le projet est porté par {_names(elected)}.")
    body = project.decision_body(ws)
    if body:
        lines.append(f"Le groupe projet rendra compte de ses travaux à {body}, qui validera les étapes de la démarche.")
    return " ".join(lines)


def _approach_draft(ws: Workspace) -> str:
    done = [f"{p.kind} « {p.name} »" if p.kind else f"« {p.name} »"
            for p in ws.local_projects if p.kind != CONTRACT_KIND]
    return f"Démarches déjà engagées sur le territoire : {' ; '.join(done)}." if done else ""


def _strategy_draft(ws: Workspace) -> str:
    lines = []
    axes = [p.name for p in ws.local_projects if p.kind == CONTRACT_KIND]
    if axes:
        lines.append("Priorités du contrat de ville 2024-2030 : " + " ; ".join(axes) + ".")
    if ws.vision.ambition:
        lines.append(f"Ambition pour les quartiers à l'horizon {ws.vision.horizon} : {ws.vision.ambition}")
    return "\n".join(lines)


DRAFTS = {"stakes_summary": _stakes_draft, "political_will": _will_draft, "approach": _approach_draft,
          "strategy": _strategy_draft, "motivation": lambda ws: ""}  # only the territory can say why it applies


def drafts(ws: Workspace) -> dict[str, str]:
    """What the kit can propose for each part, from the workspace ("" where it knows nothing)."""
    return {key: DRAFTS[key](ws) for key in PART_KEYS}


def prefill(ws: Workspace) -> list[str]:
    """Write the drafts into the parts left empty; a part with text is never touched. The parts filled."""
    filled = []
    for key, text in drafts(ws).items():
        if text and not getattr(ws.application, key).strip():
            setattr(ws.application, key, text)
            filled.append(key)
    return filled


def missing_parts(ws: Workspace) -> list[NotePart]:
    """The parts the territory has not written (a draft of the kit does not count until saved)."""
    return [p for p in PARTS if not getattr(ws.application, p.key).strip()]


def note_text(ws: Workspace, key: str) -> str:
    """What the note says for a part: the territory's text, or else the kit's draft."""
    return getattr(ws.application, key) or DRAFTS[key](ws)


def set_part(application: Application, key: str, text: str) -> None:
    if key not in PART_KEYS:
        raise KitError(f"Partie de la note inconnue : « {key} ».")
    setattr(application, key, text)


# ---------------------------------------------------------------------------------------------
# Eligibility
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    label: str
    ok: bool
    detail: str = ""


def application_deadline(calendar=None) -> date | None:
    """The application deadline of the current cohort, from the programme calendar (a data file a
    facilitator edits for each cohort): its "échéance candidature" row titled as a deadline, else the
    earliest row of that type."""
    # rows, not a table: the home page shows the deadline before any table loads pandas
    from kit.reference.programme import programme_calendar_rows

    rows = programme_calendar_rows() if calendar is None else calendar.to_dict("records")
    deadlines = [row for row in rows if row["type"] == "échéance candidature"]
    if not deadlines:
        return None
    limit = [row for row in deadlines if "limite" in str(row["intitule"]).lower()]
    return min(row["date"] for row in limit or deadlines)


def deadline_criterion(deadline: date | None, today: date) -> Criterion:
    label = "Date limite de candidature"
    if deadline is None:
        return Criterion(label, False, "Le calendrier du programme ne donne pas de date limite de candidature "
                                       "(ligne de type « échéance candidature »).")
    days = (deadline - today).days
    on = f"{deadline:%d/%m/%Y}"
    if days > 1:
        return Criterion(label, True, f"{on} : encore {days} jours.")
    if days == 1:
        return Criterion(label, True, f"{on} : c'est demain.")
    if days == 0:
        return Criterion(label, True, f"{on} : c'est aujourd'hui, dernier jour.")
    return Criterion(label, False, f"{on} : dépassée depuis {-days} jour{'s' if days < -1 else ''}. Pour une "
                                   "nouvelle cohorte, mettez à jour le calendrier du programme "
                                   "(data/programme/calendrier.csv).")


def _epci_criterion(ws: Workspace) -> Criterion:
    from kit.reference.geography import epci_by_siren

    label = "Un EPCI à fiscalité propre"
    t = ws.territory
    if not t.epci_siren:
        return Criterion(label, False, "Renseignez l'intercommunalité et son SIREN (onglet « 1. La note »).")
    known = epci_by_siren(t.epci_siren)
    if known:
        return Criterion(label, True, f"{known['nom']} (SIREN {t.epci_siren}).")
    return Criterion(label, True, f"{t.epci_name or 'EPCI'} (SIREN {t.epci_siren}) : hors de la liste régionale du "
                                  "kit, vérifiez qu'il est à fiscalité propre.")


def eligibility(ws: Workspace, today: date | None = None, calendar=None) -> list[Criterion]:
    """The checklist of the application, in the order the call sets its conditions."""
    app = ws.application
    group = project.group_checklist(ws)  # the pairs, the key actors of session 2, the decision body
    criteria = [_epci_criterion(ws)]
    contract = [p.name for p in ws.local_projects if p.kind == CONTRACT_KIND]
    if app.holds_contract or contract:
        criteria.append(Criterion("Qui porte un contrat de ville", True,
                                  f"Axes saisis : {', '.join(contract)}." if contract else "Déclaré dans la note."))
    else:
        criteria.append(Criterion("Qui porte un contrat de ville", False, "Cochez la case ci-dessous."))
    criteria += [Criterion(c.label, c.ok, c.detail) for c in group[:2]]
    actors = {a.id: a for a in ws.actors}
    key = [actors[m.actor_id].name for m in ws.project_group if m.role == "acteur clé"]
    criteria.append(Criterion("Des acteurs clés du quartier dans le groupe projet", bool(key),
                              f"{_names(key)}." if key else "Ajoutez au groupe projet un acteur clé (conseil citoyen, "
                              "bailleur, centre social…) dans l'application de la session 2."))
    criteria.append(Criterion(group[3].label, group[3].ok, group[3].detail))
    members = list(dict.fromkeys(m.actor_id for m in ws.project_group))
    no_contact = [actors[i].name for i in members if not actors[i].contact.strip()]
    criteria.append(Criterion("Les coordonnées de chaque membre du groupe projet", bool(members) and not no_contact,
                              "Le groupe projet est vide." if not members else
                              f"Sans coordonnées : {_names(no_contact)}." if no_contact else
                              f"{len(members)} membre{'s' if len(members) > 1 else ''}."))
    criteria.append(Criterion("L'engagement à suivre les trois phases", app.three_phases,
                              "Engagement pris." if app.three_phases else "Cochez la case ci-dessous."))
    empty = [p.title for p in missing_parts(ws)]
    criteria.append(Criterion("Les cinq parties de la note rédigées", not empty,
                              f"À rédiger ou à valider : {', '.join(empty)}." if empty else "Note complète."))
    try:
        deadline = application_deadline(calendar)
    except KitError as error:
        criteria.append(Criterion("Date limite de candidature", False, error.message))
    else:
        criteria.append(deadline_criterion(deadline, today or date.today()))
    return criteria
