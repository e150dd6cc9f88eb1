"""The workspace document: one territory's whole workshop journey, as one validated object.

Every screen reads and edits this document through `kit.store`; every chart and deliverable is
computed from it. Links between entities use stable short ids (never positions or names), so a
rename never breaks a link. `SCHEMA_VERSION` and `migrate()` let a file saved today open next year.

Only `kit.errors` is imported from the kit: the model knows nothing of files or screens.
"""

from __future__ import annotations

import re
import secrets
import datetime as dt
from datetime import date, datetime, timezone
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.functional_validators import AfterValidator

from kit.errors import KitError
from kit.text import shorten, slug

FORMAT = "quartiers-en-transitions/espace"
SCHEMA_VERSION = 5

# ---------------------------------------------------------------------------------------------
# Identifiers and small value types
# ---------------------------------------------------------------------------------------------

ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,63}$"


def new_id(prefix: str) -> str:
    """A short random id such as ``enj-3fa9c1``; collisions are checked by the document validator."""
    return f"{prefix}-{secrets.token_hex(3)}"


def slugify(text: str, *, limit: int = 40) -> str:
    """ASCII, lower-case, dash-separated form of a name, for readable workspace ids and file names."""
    return slug(text, limit=limit)


def siren_is_valid(siren: str) -> bool:
    """Nine digits passing the Luhn checksum, as every EPCI SIREN does."""
    if not re.fullmatch(r"[0-9]{9}", siren or ""):  # \d would accept non-ASCII digits
        return False
    total = 0
    for position, char in enumerate(reversed(siren)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


# QPV codes of the 2024 geography: QN + département (3 characters, 02A/02B in Corsica) + order
# number (2 digits) + a letter. The 2015 codes (QP + 6 digits) are accepted for older documents.
QPV_CODE = re.compile(r"^(QN([0-9]{3}|02[AB])[0-9]{2}[A-Z]|QP([0-9]{3}|02[AB])[0-9]{3})$")


def _clean_text(value: str) -> str:
    # Text is kept exactly as typed (HTML included, shown escaped), only trimmed of outer spaces
    # and of control characters that would corrupt a document or a deliverable.
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value).strip()


def _required_text(value: str) -> str:
    value = _clean_text(value)
    if not value:
        raise ValueError("ne peut pas être vide")
    return value


def _check_siren(value: str) -> str:
    if value and not siren_is_valid(value):
        raise ValueError("le SIREN doit compter 9 chiffres valides (exemple : 244000675)")
    return value


def _check_qpv_code(value: str) -> str:
    value = value.upper().replace(" ", "")
    if value and not QPV_CODE.match(value):
        raise ValueError("code QPV attendu sous la forme QN03301M (QN, département, numéro, lettre)")
    return value


Name = Annotated[str, Field(max_length=200), AfterValidator(_required_text)]
ShortText = Annotated[str, Field(max_length=200), AfterValidator(_clean_text)]
LongText = Annotated[str, Field(max_length=20_000), AfterValidator(_clean_text)]
EntityId = Annotated[str, Field(pattern=ID_PATTERN)]
SCORE_MAX = 10  # stakes (importance, control, urgency) and actors (power, interest) are scored 0 to 10
Score = Annotated[int | None, Field(ge=0, le=SCORE_MAX)]
Siren = Annotated[str, AfterValidator(_check_siren)]
QpvCode = Annotated[str, AfterValidator(_check_qpv_code)]


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class Part(BaseModel):
    """Base of every part of the document: unknown fields are refused, assignments re-validated, and
    non-finite numbers (NaN, ±infinity: a JSON import, a « nan » typed in a box) refused in every float
    field, inside lists too: JSON has no way to write them, so they could never be read back."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


# ---------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------


class Territory(Part):
    epci_name: ShortText = Field("", title="nom de l'EPCI")
    epci_siren: Siren = Field("", title="SIREN de l'EPCI")
    communes: list[ShortText] = Field(default_factory=list, title="communes")


class Neighbourhood(Part):
    id: EntityId = Field(default_factory=lambda: new_id("qpv"), title="identifiant")
    name: Name = Field(title="nom")
    qpv_code: QpvCode = Field("", title="code QPV")
    commune: ShortText = Field("", title="commune")


class Stake(Part):
    """An enjeu of the neighbourhood, as formulated in session 1.

    The guided statement (`what`, `for_whom`, `by_when`, `levers`) is what makes a stake operative:
    what is at stake, for whom, by when, and what local actors can act on.
    """

    id: EntityId = Field(default_factory=lambda: new_id("enj"), title="identifiant")
    title: Name = Field(title="titre")
    statement: LongText = Field("", title="formulation")
    theme: ShortText = Field("", title="thème")
    neighbourhood_ids: list[EntityId] = Field(default_factory=list, title="quartiers")
    evidence: LongText = Field("", title="données à l'appui")
    indicator_codes: list[ShortText] = Field(default_factory=list, title="indicateurs")
    raised_by: ShortText = Field("", title="soulevé par")
    what: LongText = Field("", title="ce qui est en jeu")
    for_whom: LongText = Field("", title="pour qui")
    by_when: ShortText = Field("", title="à quelle échéance")
    levers: LongText = Field("", title="leviers des acteurs locaux")
    importance: Score = Field(None, title="importance")
    control: Score = Field(None, title="maîtrise locale")
    urgency: Score = Field(None, title="urgence")
    votes: int = Field(default=0, ge=0, le=10_000, title="votes")


InfluenceValue = Literal[0, 1, 2, 3, "P"]


class Influence(Part):
    """A cell of the MICMAC direct matrix: `source` influences `target`. A cell rated 0 (« no influence »,
    decided by the group) is kept, a cell not yet rated is absent: the matrix says how much is rated."""

    source: EntityId = Field(title="source")
    target: EntityId = Field(title="cible")
    value: InfluenceValue = Field(title="valeur")


PlaceKind = Literal["qpv", "commune", "epci", "region", "france"]


class IndicatorValue(Part):
    """One value of one indicator for one place; `value` None means missing or secret (see `note`)."""

    # a catalogue code (« taux_pauvrete ») or the id of one of the workspace's own indicators (« ind-3fa9c1 »)
    indicator: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,64}$")] = Field(title="indicateur")
    place_kind: PlaceKind = Field("qpv", title="type de lieu")
    place: ShortText = Field("", title="lieu")  # a neighbourhood id for "qpv", an official code otherwise, empty for France
    value: float | None = Field(None, title="valeur")
    note: ShortText = Field("", title="note")
    year: int | None = Field(default=None, ge=1900, le=2100, title="année")
    source: ShortText = Field("", title="source")


IndicatorDirection = Literal["bas", "haut", "neutre"]  # as the catalogue's `sens`: which way is better


class CustomIndicator(Part):
    """An indicator of the territory's own (« Nombre de jardins partagés »), beside the catalogue's: its values
    are `IndicatorValue`s whose `indicator` is this id, shown wherever a catalogue indicator is."""

    id: EntityId = Field(default_factory=lambda: new_id("ind"), title="identifiant")
    name: Name = Field(title="nom")
    unit: ShortText = Field("", title="unité")
    direction: IndicatorDirection = Field("neutre", title="sens de lecture")
    source: ShortText = Field("", title="source")
    definition: LongText = Field("", title="définition")


class LocalProject(Part):
    """An axis of the contrat de ville or a local plan (PCAET, PLH, NPNRU, PAT, CLS...) and the stakes it covers."""

    id: EntityId = Field(default_factory=lambda: new_id("proj"), title="identifiant")
    name: Name = Field(title="nom")
    kind: ShortText = Field("", title="type")
    description: LongText = Field("", title="description")
    stake_ids: list[EntityId] = Field(default_factory=list, title="enjeux")


class Actor(Part):
    id: EntityId = Field(default_factory=lambda: new_id("act"), title="identifiant")
    name: Name = Field(title="nom")
    kind: ShortText = Field("", title="type")
    role: LongText = Field("", title="rôle")
    person: ShortText = Field("", title="personne")
    contact: ShortText = Field("", title="contact")
    power: Score = Field(None, title="pouvoir")
    interest: Score = Field(None, title="intérêt")


class Vision(Part):
    """The cap: a horizon (by default the end of the contrat de ville) and an ambition."""

    horizon: int = Field(default=2030, ge=2024, le=2100, title="horizon")
    ambition: LongText = Field("", title="ambition")


ObjectiveLevel = Literal["stratégique", "opérationnel"]


class Objective(Part):
    """A node of the objective tree: operational objectives hang under a strategic one."""

    id: EntityId = Field(default_factory=lambda: new_id("obj"), title="identifiant")
    title: Name = Field(title="titre")
    level: ObjectiveLevel = Field("stratégique", title="niveau")
    parent_id: EntityId | None = Field(None, title="objectif parent")
    stake_ids: list[EntityId] = Field(default_factory=list, title="enjeux")
    description: LongText = Field("", title="description")


GroupRole = Literal["élu politique de la ville", "technicien politique de la ville", "élu transitions",
                    "technicien transitions", "acteur clé"]


class GroupMember(Part):
    actor_id: EntityId = Field(title="acteur")
    role: GroupRole = Field(title="rôle")


BodyKind = Literal["instance décisionnelle", "comité de pilotage", "comité technique", "groupe projet",
                   "atelier d'habitants", "autre"]


class GovernanceBody(Part):
    id: EntityId = Field(default_factory=lambda: new_id("inst"), title="identifiant")
    name: Name = Field(title="nom")
    kind: BodyKind = Field("autre", title="type")
    lead_id: EntityId | None = Field(None, title="pilote")
    member_ids: list[EntityId] = Field(default_factory=list, title="membres")
    rhythm: ShortText = Field("", title="rythme")
    decides: LongText = Field("", title="ce que l'instance décide")
    reports_to: EntityId | None = Field(None, title="rend compte à")
    # The steering calendar dates the body's meetings from its first one (else from the day it is drawn up),
    # at this time of day (Europe/Paris; none: all-day events).
    first_meeting: dt.date | None = Field(None, title="date de la première réunion")
    meeting_time: dt.time | None = Field(None, title="heure des réunions")

    @field_validator("first_meeting")
    @classmethod
    def _plausible_first_meeting(cls, day: dt.date | None) -> dt.date | None:
        if day and not 2000 <= day.year <= 2100:
            raise ValueError(f"la date {day:%d/%m/%Y} n'est pas plausible")
        return day

    @field_validator("meeting_time")
    @classmethod
    def _time_of_day(cls, moment: dt.time | None) -> dt.time | None:
        # A time of day in the Paris time zone: no seconds nor zone of its own.
        return moment.replace(second=0, microsecond=0, tzinfo=None) if moment else None


class ActorInfluence(Part):
    """A cell of the MACTOR direct influence matrix (MID, 0-4); 0 is simply absent."""

    source: EntityId = Field(title="source")
    target: EntityId = Field(title="cible")
    value: int = Field(ge=1, le=4, title="valeur")


class ActorPosition(Part):
    """A cell of the MACTOR actors x objectives matrix (2MAO, -4..+4); 0 is simply absent."""

    actor_id: EntityId = Field(title="acteur")
    objective_id: EntityId = Field(title="objectif")
    value: int = Field(ge=-4, le=4, title="valeur")


class Relation(Part):
    id: EntityId = Field(default_factory=lambda: new_id("rel"), title="identifiant")
    source: EntityId = Field(title="source")
    target: EntityId = Field(title="cible")
    kind: ShortText = Field("coopération", title="type")
    intensity: int = Field(default=1, ge=1, le=3, title="intensité")


Sharing = Literal["rien", "resume", "tout"]
ActionStatus = Literal["à venir", "en cours", "réalisé", "en pause", "abandonné"]
BudgetKind = Literal["investissement", "fonctionnement"]


class Step(Part):
    """An étape of a fiche action."""

    id: EntityId = Field(default_factory=lambda: new_id("etape"), title="identifiant")
    title: Name = Field(title="titre")
    due: date | None = Field(None, title="échéance")
    done: bool = Field(False, title="fait")


class BudgetLine(Part):
    year: int = Field(ge=2000, le=2100, title="année")
    kind: BudgetKind = Field("fonctionnement", title="type")
    amount: float = Field(ge=0, le=1e10, title="montant")
    funder: ShortText = Field("", title="financeur")  # contrat de ville, FEDER, Fonds vert, ADEME, Région, bailleur...


class Measurement(Part):
    """A dated value of an indicator (follow-up keeps them all)."""

    on: date = Field(title="date")
    value: float = Field(title="valeur")


class ActionIndicator(Part):
    id: EntityId = Field(default_factory=lambda: new_id("ind"), title="identifiant")
    name: Name = Field(title="nom")
    unit: ShortText = Field("", title="unité")
    baseline: float | None = Field(None, title="valeur de départ")
    target: float | None = Field(None, title="cible")
    source: ShortText = Field("", title="source")
    measurements: list[Measurement] = Field(default_factory=list, title="mesures")


class Action(Part):
    """A fiche action of the action plan (session 3). Field names follow the fiche action of ADEME's
    Territoires en Transitions where they mean the same thing (docs/territoires-en-transitions.md
    gives the mapping)."""

    id: EntityId = Field(default_factory=lambda: new_id("fa"), title="identifiant")
    title: Name = Field(title="titre")
    description: LongText = Field("", title="description")
    objective_ids: list[EntityId] = Field(default_factory=list, title="objectifs")
    lead_id: EntityId | None = Field(None, title="pilote")
    partner_ids: list[EntityId] = Field(default_factory=list, title="partenaires")
    neighbourhood_ids: list[EntityId] = Field(default_factory=list, title="quartiers")
    status: ActionStatus = Field("à venir", title="statut")
    priority: Literal["haute", "moyenne", "basse"] = Field("moyenne", title="priorité")
    start: date | None = Field(None, title="date de début")
    end: date | None = Field(None, title="date de fin")
    steps: list[Step] = Field(default_factory=list, title="étape")
    budget: list[BudgetLine] = Field(default_factory=list, title="ligne de budget")
    indicators: list[ActionIndicator] = Field(default_factory=list, title="indicateur")
    depends_on: list[EntityId] = Field(default_factory=list, title="dépend de")
    participation: LongText = Field("", title="participation des habitants")  # how residents take part
    # A fiche copied from another territory of the cohort as a model: where it came from, shown with it
    # (« Modèle : … »). Empty for the territory's own fiches.
    origin: ShortText = Field("", title="origine")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Action:
        if self.start and self.end and self.end < self.start:
            raise ValueError("la date de fin précède la date de début")
        for day in (self.start, self.end):
            if day and not 2000 <= day.year <= 2100:
                raise ValueError(f"la date {day:%d/%m/%Y} n'est pas plausible")
        return self


class Milestone(Part):
    """A jalon of the roadmap: the programme's own (sessions, phases, regional meetings) or the territory's."""

    id: EntityId = Field(default_factory=lambda: new_id("jalon"), title="identifiant")
    title: Name = Field(title="titre")
    on: date = Field(title="date")
    kind: ShortText = Field("territoire", title="type")


class WorkItem(Part):
    """One item of the work plan agreed at the end of a session."""

    id: EntityId = Field(default_factory=lambda: new_id("tache"), title="identifiant")
    task: Name = Field(title="tâche")
    owner: ShortText = Field("", title="qui")
    due: date | None = Field(None, title="échéance")
    done: bool = Field(False, title="fait")


class SessionRecord(Part):
    number: int = Field(ge=1, le=3, title="numéro")
    held_on: dt.date | None = Field(None, title="date de la session")
    place: ShortText = Field("", title="lieu")
    participants: list[ShortText] = Field(default_factory=list, title="participants")
    decisions: LongText = Field("", title="décisions")
    work_plan: list[WorkItem] = Field(default_factory=list, title="plan de travail")


class Application(Part):
    """The application note (note d'intention) an EPCI sends to join the programme.

    The five texts are the parts the call asks for; the project group and its contacts are not
    copied here but read from `Workspace.project_group`, so the note always shows the current group.
    """

    stakes_summary: LongText = Field("", title="enjeux des quartiers")  # the neighbourhoods' stakes, transition stakes first
    political_will: LongText = Field("", title="volonté politique")
    approach: LongText = Field("", title="démarche engagée")  # what the EPCI and the neighbourhoods have done on transitions so far
    strategy: LongText = Field("", title="stratégie du contrat de ville")  # the priorities of the contrat de ville 2024-2030
    motivation: LongText = Field("", title="raisons de la candidature")  # why apply, what is expected, commitment to the three phases
    holds_contract: bool = Field(False, title="porte un contrat de ville")  # the EPCI carries a contrat de ville
    three_phases: bool = Field(False, title="engagement sur les trois phases")  # commits to follow the three phases
    signatory: ShortText = Field("", title="signataire")  # name and office of the person who signs
    sent_on: date | None = Field(None, title="date d'envoi")


# ---------------------------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------------------------


class Workspace(Part):
    # Whole-document checks (links between entities) run in `revalidate`, once per edit, rather than
    # at each assignment: an edit may pass through states where links are briefly incomplete.
    model_config = ConfigDict(extra="forbid", validate_assignment=False, allow_inf_nan=False)

    format: Literal["quartiers-en-transitions/espace"] = Field(FORMAT, title="format")
    schema_version: Literal[5] = Field(SCHEMA_VERSION, title="version du format")
    id: EntityId = Field(title="identifiant")
    revision: int = Field(default=0, ge=0, title="révision")
    name: Name = Field(title="nom")
    created_at: datetime = Field(default_factory=utc_now, title="date de création")
    updated_at: datetime = Field(default_factory=utc_now, title="date de modification")
    territory: Territory = Field(default_factory=Territory, title="territoire")
    # What the workspace shares with the territories of its cohorts (« regards croisés », kit.cohort):
    # nothing, a summary (the default: no person, no contact) or everything but people's contact details.
    sharing: Sharing = Field("resume", title="partage avec la cohorte")
    application: Application = Field(default_factory=Application, title="note d'intention")
    neighbourhoods: list[Neighbourhood] = Field(default_factory=list, title="quartier")
    indicator_values: list[IndicatorValue] = Field(default_factory=list, title="valeur d'indicateur")
    custom_indicators: list[CustomIndicator] = Field(default_factory=list, title="indicateur du territoire")
    stakes: list[Stake] = Field(default_factory=list, title="enjeu")
    influences: list[Influence] = Field(default_factory=list, title="influence")
    local_projects: list[LocalProject] = Field(default_factory=list, title="projet local")
    vision: Vision = Field(default_factory=Vision, title="cap")
    objectives: list[Objective] = Field(default_factory=list, title="objectif")
    actors: list[Actor] = Field(default_factory=list, title="acteur")
    relations: list[Relation] = Field(default_factory=list, title="relation")
    project_group: list[GroupMember] = Field(default_factory=list, title="groupe projet")
    bodies: list[GovernanceBody] = Field(default_factory=list, title="instance")
    actor_influences: list[ActorInfluence] = Field(default_factory=list, title="influence entre acteurs")
    actor_positions: list[ActorPosition] = Field(default_factory=list, title="position d'acteur")
    # MACTOR on the key actors and objectives the group chose (empty: every actor, every objective).
    mactor_actor_ids: list[EntityId] = Field(default_factory=list, title="acteurs retenus pour MACTOR")
    mactor_objective_ids: list[EntityId] = Field(default_factory=list, title="objectifs retenus pour MACTOR")
    actions: list[Action] = Field(default_factory=list, title="fiche action")
    milestones: list[Milestone] = Field(default_factory=list, title="jalon")
    sessions: list[SessionRecord] = Field(default_factory=list, title="session")

    @field_validator("sessions")
    @classmethod
    def _one_record_per_session(cls, sessions: list[SessionRecord]) -> list[SessionRecord]:
        numbers = [s.number for s in sessions]
        if len(numbers) != len(set(numbers)):
            raise ValueError("une même session figure deux fois")
        return sessions

    @model_validator(mode="after")
    def _links_hold(self) -> Workspace:
        """Ids are unique and every link points to an existing entity."""
        seen: set[str] = set()
        for collection in (self.neighbourhoods, self.stakes, self.local_projects, self.objectives, self.actors,
                           self.relations, self.bodies, self.actions, self.custom_indicators):
            for item in collection:
                if item.id in seen:
                    raise ValueError(f"l'identifiant {item.id} est utilisé deux fois")
                seen.add(item.id)
        neighbourhoods = {n.id for n in self.neighbourhoods}
        actors = {a.id for a in self.actors}
        actions = {a.id for a in self.actions}
        stakes = {s.id for s in self.stakes}
        for stake in self.stakes:
            _require(stake.neighbourhood_ids, neighbourhoods, f"l'enjeu « {stake.title} » cite un quartier")
        pairs = set()
        for cell in self.influences:
            _require([cell.source, cell.target], stakes, "une influence cite un enjeu")
            if cell.source == cell.target:
                raise ValueError("un enjeu ne peut pas s'influencer lui-même (diagonale de la matrice)")
            if (cell.source, cell.target) in pairs:
                raise ValueError("une case de la matrice d'influence figure deux fois")
            pairs.add((cell.source, cell.target))
        for project in self.local_projects:
            _require(project.stake_ids, stakes, f"le projet « {project.name} » cite un enjeu")
        places = set()
        custom = {i.id for i in self.custom_indicators}
        for v in self.indicator_values:
            # An id with a dash is a custom indicator's (catalogue codes have none; the diagnostic checks those).
            if "-" in v.indicator:
                _require([v.indicator], custom, "une valeur cite un indicateur du territoire")
            if v.place_kind == "qpv":
                _require([v.place], neighbourhoods, f"une valeur de l'indicateur {v.indicator} cite un quartier")
            key = (v.indicator, v.place_kind, v.place, v.year)
            if key in places:
                raise ValueError(f"l'indicateur {v.indicator} a deux valeurs pour le même lieu et la même année")
            places.add(key)
        for relation in self.relations:
            _require([relation.source, relation.target], actors, "une relation cite un acteur")
        objectives = {o.id: o for o in self.objectives}
        for objective in self.objectives:
            _require(objective.stake_ids, stakes, f"l'objectif « {objective.title} » cite un enjeu")
            if objective.parent_id is not None:
                parent = objectives.get(objective.parent_id)
                if parent is None or parent.level != "stratégique" or objective.level != "opérationnel":
                    raise ValueError(f"l'objectif opérationnel « {objective.title} » doit dépendre d'un objectif stratégique")
        members = [m.actor_id for m in self.project_group]
        _require(members, actors, "le groupe projet cite un acteur")
        if len(set((m.actor_id, m.role) for m in self.project_group)) != len(self.project_group):
            raise ValueError("un acteur figure deux fois avec le même rôle dans le groupe projet")
        bodies = {b.id for b in self.bodies}
        for body in self.bodies:
            _require(body.member_ids + ([body.lead_id] if body.lead_id else []), actors,
                     f"l'instance « {body.name} » cite un acteur")
            _require([body.reports_to] if body.reports_to else [], bodies, f"l'instance « {body.name} » rend compte à une instance")
            if body.reports_to == body.id:
                raise ValueError(f"l'instance « {body.name} » ne peut pas rendre compte à elle-même")
        for cell in self.actor_influences:
            _require([cell.source, cell.target], actors, "une influence entre acteurs cite un acteur")
            if cell.source == cell.target:
                raise ValueError("un acteur ne peut pas s'influencer lui-même (diagonale de la matrice MID)")
        for cell in self.actor_positions:
            _require([cell.actor_id], actors, "une position cite un acteur")
            _require([cell.objective_id], set(objectives), "une position cite un objectif")
        _require(self.mactor_actor_ids, actors, "les acteurs retenus pour MACTOR citent un acteur")
        _require(self.mactor_objective_ids, set(objectives), "les objectifs retenus pour MACTOR citent un objectif")
        for action in self.actions:
            _require(action.objective_ids, set(objectives), f"la fiche « {action.title} » cite un objectif")
            _require(action.neighbourhood_ids, neighbourhoods, f"la fiche « {action.title} » cite un quartier")
            _require([action.lead_id] if action.lead_id else [], actors, f"la fiche « {action.title} » cite un pilote")
            _require(action.partner_ids, actors, f"la fiche « {action.title} » cite un partenaire")
            _require(action.depends_on, actions, f"la fiche « {action.title} » dépend d'une fiche")
        return self

    # -- small helpers used by the apps ----------------------------------------------------

    def neighbourhood(self, item_id: str) -> Neighbourhood:
        return _find(self.neighbourhoods, item_id, "quartier")

    def session(self, number: int) -> SessionRecord:
        """The record of session `number`, created empty if the group has not opened it yet."""
        for record in self.sessions:
            if record.number == number:
                return record
        record = SessionRecord(number=number)
        self.sessions.append(record)
        return record


def _require(ids: list[str], existing: set[str], what: str) -> None:
    missing = [i for i in ids if i not in existing]
    if missing:  # ids are short, but a list of them may not be: the message stays a sentence
        raise ValueError(f"{what} qui n'existe pas ({shorten(', '.join(missing), 120)})")


def _find(items: list[Any], item_id: str, what: str) -> Any:
    for item in items:
        if item.id == item_id:
            return item
    if what in _FEMININE:
        raise KitError(f"Cette {what} n'existe plus : elle a peut-être été supprimée par une autre personne.")
    article = "Cet" if what[:1] in "aeéèêiouyh" else "Ce"
    raise KitError(f"{article} {what} n'existe plus : il a peut-être été supprimé par une autre personne.")


_FEMININE = {"instance", "fiche", "fiche action", "étape", "relation", "ligne de budget", "valeur"}


# ---------------------------------------------------------------------------------------------
# Reading a document: migrations and French messages
# ---------------------------------------------------------------------------------------------

def _add_application(raw: dict) -> dict:
    """Version 2 adds the application note, empty: a workspace of version 1 had none."""
    return {**raw, "application": raw.get("application") or {}}


def _add_first_meetings(raw: dict) -> dict:
    """Version 3 adds each body's first meeting and meeting time, both optional: nothing to change (the
    version is bumped so that an older kit refuses a file that may hold them, with a clear message)."""
    return raw


# Each entry upgrades a raw document from version N to N + 1.
def _add_mactor_scope(raw: dict) -> dict:
    """Version 4 adds the key actors and objectives MACTOR works on (empty: all) and lets a MICMAC cell be
    rated 0 (« no influence », decided, unlike a cell not yet rated) and the territory's own indicators
    (`custom_indicators`, empty): nothing to change in an older file
    (the version is bumped so that an older kit refuses a file that may hold them, with a clear message)."""
    return raw


def _add_sharing(raw: dict) -> dict:
    """Version 5 adds what the workspace shares with its cohort (`sharing`, a summary by default: what the
    programme's territories agreed on when they applied) and a fiche's `origin` (empty): nothing to change."""
    return raw


MIGRATIONS: dict[int, Any] = {1: _add_application, 2: _add_first_meetings, 3: _add_mactor_scope, 4: _add_sharing}


def migrate(raw: dict) -> dict:
    """Upgrade a raw document to the current schema, or explain why it cannot be read."""
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise KitError(
            "Ce fichier n'est pas un espace de travail « Quartiers en transitions » "
            "(il vient peut-être d'un autre logiciel)."
        )
    version = raw.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise KitError("Ce fichier ne précise pas sa version : il ne peut pas être lu.")
    if version > SCHEMA_VERSION:
        raise KitError(
            f"Ce fichier a été créé par une version plus récente du kit (format {version}, "
            f"celle-ci lit jusqu'au format {SCHEMA_VERSION}). Mettez le kit à jour pour l'ouvrir."
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
        raw["schema_version"] = version
    return raw


def workspace_from_dict(raw: Any) -> Workspace:
    """Validate a parsed document; a `KitError` lists every problem in French."""
    raw = migrate(raw)
    try:
        return Workspace.model_validate(raw)
    except ValidationError as error:
        raise KitError("Ce fichier d'espace de travail contient des erreurs :", details=french_errors(error)) from None


def checked(build: Any) -> Any:
    """Run `build` (building a part, or assigning its fields) with pydantic's errors turned into
    one French `KitError`: what the apps and the store show when a person's input is refused."""
    try:
        return build()
    except ValidationError as error:
        problems = french_errors(error)
        if len(problems) == 1:
            raise KitError(f"Saisie refusée : {problems[0]}.") from None
        raise KitError("Saisie refusée :", details=problems) from None


def revalidate(workspace: Workspace) -> Workspace:
    """Check a document after in-place edits (links between entities are checked here)."""
    try:
        return Workspace.model_validate(workspace.model_dump())
    except ValidationError as error:
        problems = french_errors(error)
        if len(problems) == 1:
            raise KitError(f"Modification refusée : {problems[0]}.") from None
        raise KitError("Modification refusée :", details=problems) from None


def _field_labels() -> dict[str, str]:
    """The French name of every field, read from its `Field(title=...)`, for the messages: a field keeps
    its label beside its definition. One field name means one label in every entity (a unit test checks)."""
    labels: dict[str, str] = {}
    for model in [v for v in list(globals().values()) if isinstance(v, type) and issubclass(v, BaseModel)]:
        for name, field in model.model_fields.items():
            if field.title:
                labels.setdefault(name, field.title)
    return labels


FIELD_LABELS = _field_labels()

_TYPE_MESSAGES = {
    "missing": "est obligatoire",
    "string_too_short": "ne peut pas être vide",
    "string_type": "doit être un texte",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "float_type": "doit être un nombre",
    "float_parsing": "doit être un nombre",
    "finite_number": "doit être un nombre fini (ni « NaN » ni l'infini)",
    "string_unicode": "contient un caractère invalide (un fragment de caractère isolé)",
    "date_from_datetime_inexact": "doit être une date sans heure (AAAA-MM-JJ)",
    "date_type": "doit être une date (AAAA-MM-JJ)",
    "datetime_type": "doit être une date et une heure",
    "bool_type": "doit valoir oui ou non",
    "date_parsing": "doit être une date (AAAA-MM-JJ)",
    "date_from_datetime_parsing": "doit être une date (AAAA-MM-JJ)",
    "datetime_parsing": "doit être une date et une heure",
    "datetime_from_date_parsing": "doit être une date et une heure",
    "list_type": "doit être une liste",
    "model_type": "n'a pas la forme attendue",
    "dict_type": "n'a pas la forme attendue",
    "extra_forbidden": "n'est pas un champ connu du kit",
    "string_pattern_mismatch": "n'a pas la forme attendue",
}


def french_errors(error: ValidationError) -> list[str]:
    """Turn pydantic's errors into short French sentences naming the field concerned."""
    messages = []
    for item in error.errors(include_url=False):
        where = _french_location(item["loc"])
        kind = item["type"]
        if kind == "value_error":
            text = str(item.get("ctx", {}).get("error", item["msg"]))
        elif kind == "string_too_long":
            text = f"est trop long ({item['ctx']['max_length']} caractères au plus)"
        elif kind in ("greater_than_equal", "less_than_equal"):
            text = f"doit être compris dans l'échelle prévue ({_bound_text(item)})"
        elif kind == "literal_error":
            text = f"doit valoir : {item['ctx']['expected']}"
        else:
            text = _TYPE_MESSAGES.get(kind, "a une valeur invalide")
        messages.append(f"{where} : {text}" if where else text[:1].upper() + text[1:])
    return messages


def _french_location(loc: tuple) -> str:
    parts = []
    for step in loc:
        if isinstance(step, int):
            parts[-1:] = [f"{parts[-1]} n° {step + 1}"] if parts else [f"n° {step + 1}"]
        elif step in FIELD_LABELS:
            parts.append(FIELD_LABELS[step])
        elif not str(step).startswith(("function-", "literal[")):
            parts.append(shorten(step, 40))  # an unknown field's name comes from the file: it may be huge
    return " › ".join(parts)


def _bound_text(item: dict) -> str:
    ctx = item.get("ctx", {})
    if "ge" in ctx:
        return f"au moins {ctx['ge']}"
    return f"au plus {ctx.get('le')}"
