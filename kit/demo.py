"""A clearly fictional territory, so tutorials, tests and screenshots have something real to show.

Every name is invented: the EPCI, its communes and its neighbourhoods do not exist (the département
code 999 in the QPV codes is not a real one). Later capabilities enrich this document.
"""

from __future__ import annotations

from datetime import date

from kit.model import (Action, Actor, ActorInfluence, ActorPosition, GovernanceBody, GroupMember,
                       Neighbourhood, Objective, Relation, Stake, Vision, WorkItem)
from kit.store import Store

DEMO_NAME = "Démonstration – Rivebelle Agglo (territoire fictif)"


def create_demo(store: Store):
    """Create a new demonstration workspace and return it."""
    workspace = store.create(
        DEMO_NAME,
        territory={"epci_name": "Rivebelle Agglomération (fictive)", "epci_siren": "",
                   "communes": ["Rivebelle", "Saint-Aubin-des-Prés"]},
    )
    return store.update(workspace.id, _fill)


def _fill(ws) -> None:
    tilleuls = Neighbourhood(name="Les Tilleuls", qpv_code="QN99901N", commune="Rivebelle")
    gare = Neighbourhood(name="Quartier de la Gare", qpv_code="QN99902M", commune="Saint-Aubin-des-Prés")
    ws.neighbourhoods = [tilleuls, gare]

    ws.stakes = [
        Stake(title="Chaleur dans les logements l'été", theme="Adaptation au changement climatique",
              statement="Rendre les logements et les espaces publics des Tilleuls vivables pendant les "
                        "vagues de chaleur d'ici 2030, avec le bailleur et les habitants.",
              neighbourhood_ids=[tilleuls.id], raised_by="Conseil citoyen", importance=9, control=5),
        Stake(title="Factures d'énergie trop lourdes", theme="Précarité énergétique",
              neighbourhood_ids=[tilleuls.id, gare.id], raised_by="Centre social", importance=8, control=4),
        Stake(title="Peu d'accès à une alimentation de qualité", theme="Alimentation",
              neighbourhood_ids=[gare.id], raised_by="Association de quartier", importance=6, control=7),
        Stake(title="Espaces verts rares et peu ombragés", theme="Nature en ville",
              neighbourhood_ids=[tilleuls.id], raised_by="Service espaces verts", importance=7, control=8),
    ]

    # Contacts use the reserved .example domain: nobody can be written to by mistake.
    elu_pv = Actor(name="Vice-président politique de la ville", kind="EPCI", person="Élu (fictif)",
                   contact="politique-ville@rivebelle.example")
    tech_pv = Actor(name="Cheffe de projet politique de la ville", kind="EPCI", contact="cheffe-projet@rivebelle.example")
    elu_tr = Actor(name="Adjoint à la transition écologique", kind="Commune", person="Élu (fictif)",
                   contact="transition@rivebelle.example")
    tech_tr = Actor(name="Chargé de mission transitions", kind="EPCI", contact="transitions@rivebelle.example")
    bailleur = Actor(name="Habitat Rivebelle (bailleur fictif)", kind="Bailleur social",
                     contact="proximite@habitat-rivebelle.example")
    conseil = Actor(name="Conseil citoyen des Tilleuls", kind="Conseil citoyen", contact="conseil-citoyen@tilleuls.example")
    centre = Actor(name="Centre social de la Gare", kind="Centre social")
    ws.actors = [elu_pv, tech_pv, elu_tr, tech_tr, bailleur, conseil, centre]
    ws.relations = [
        Relation(source=elu_pv.id, target=tech_pv.id, kind="décision", intensity=3),
        Relation(source=elu_tr.id, target=tech_tr.id, kind="décision", intensity=3),
        Relation(source=tech_pv.id, target=tech_tr.id, kind="coopération", intensity=2),
        Relation(source=tech_pv.id, target=bailleur.id, kind="coopération", intensity=2),
        Relation(source=conseil.id, target=centre.id, kind="information", intensity=1),
        Relation(source=centre.id, target=tech_pv.id, kind="coopération", intensity=2),
    ]

    ws.vision = Vision(horizon=2030, ambition="Des quartiers où l'on vit bien l'été comme l'hiver, avec des "
                                                "factures maîtrisées et des habitants acteurs des changements.")
    chaleur = Objective(title="Adapter les quartiers à la chaleur", stake_ids=[ws.stakes[0].id, ws.stakes[3].id])
    energie = Objective(title="Réduire la précarité énergétique", stake_ids=[ws.stakes[1].id])
    ombre = Objective(title="Ombrager les espaces publics et les cours d'école", level="opérationnel",
                      parent_id=chaleur.id, stake_ids=[ws.stakes[3].id])
    renovation = Objective(title="Engager la rénovation thermique avec le bailleur", level="opérationnel",
                           parent_id=energie.id, stake_ids=[ws.stakes[1].id])
    ws.objectives = [chaleur, ombre, energie, renovation]
    ws.project_group = [GroupMember(actor_id=elu_pv.id, role="élu politique de la ville"),
                        GroupMember(actor_id=tech_pv.id, role="technicien politique de la ville"),
                        GroupMember(actor_id=elu_tr.id, role="élu transitions"),
                        GroupMember(actor_id=tech_tr.id, role="technicien transitions"),
                        GroupMember(actor_id=bailleur.id, role="acteur clé"),
                        GroupMember(actor_id=conseil.id, role="acteur clé")]
    bureau = GovernanceBody(name="Bureau communautaire (fictif)", kind="instance décisionnelle", lead_id=elu_pv.id,
                            member_ids=[elu_pv.id, elu_tr.id], rhythm="mensuel", decides="Arbitrages et budget")
    copil = GovernanceBody(name="Comité de pilotage du projet de quartier", kind="comité de pilotage",
                           lead_id=elu_pv.id, member_ids=[elu_pv.id, tech_pv.id, elu_tr.id, tech_tr.id, bailleur.id],
                           rhythm="trimestriel", decides="Orientations et suivi du plan d'action", reports_to=bureau.id)
    ws.bodies = [bureau, copil]
    for source, target, value in [(elu_pv, tech_pv, 4), (elu_tr, tech_tr, 4), (bailleur, conseil, 2),
                                  (tech_pv, bailleur, 2), (conseil, elu_pv, 1), (centre, conseil, 2)]:
        ws.actor_influences.append(ActorInfluence(source=source.id, target=target.id, value=value))
    for who, goal, value in [(bailleur, energie, 3), (bailleur, chaleur, 1), (conseil, chaleur, 3), (conseil, energie, 4),
                             (elu_tr, chaleur, 3), (tech_pv, energie, 2), (centre, energie, 2), (elu_pv, chaleur, -1)]:
        ws.actor_positions.append(ActorPosition(actor_id=who.id, objective_id=goal.id, value=value))

    diagnostic = Action(title="Diagnostic de confort d'été des logements", lead_id=bailleur.id,
                        objective_ids=[renovation.id], neighbourhood_ids=[tilleuls.id],
                        partner_ids=[conseil.id], status="en cours",
                        start=date(2026, 10, 1), end=date(2027, 3, 31))
    cour = Action(title="Îlots de fraîcheur dans la cour de l'école", lead_id=tech_tr.id,
                  objective_ids=[ombre.id], neighbourhood_ids=[tilleuls.id],
                   partner_ids=[centre.id], start=date(2027, 4, 1), end=date(2027, 9, 30),
                   depends_on=[diagnostic.id])
    ws.actions = [diagnostic, cour]

    app = ws.application
    app.political_will = ("Le bureau communautaire a inscrit la transition des quartiers parmi les priorités du mandat : "
                          "l'été dernier a montré combien les logements des Tilleuls souffrent de la chaleur.")
    app.motivation = ("Nous attendons une méthode pour passer des constats du contrat de ville à un plan d'action "
                      "partagé avec les habitants et le bailleur, et nous comptons suivre les trois phases.")
    app.holds_contract = app.three_phases = True
    app.signatory = "Présidente de Rivebelle Agglomération (fictive)"

    session1 = ws.session(1)
    session1.held_on = date(2026, 9, 15)
    session1.place = "Salle polyvalente des Tilleuls (fictive)"
    session1.work_plan = [
        WorkItem(task="Compléter les données de chaleur urbaine", owner="Chargé de mission transitions",
                 due=date(2026, 10, 15)),
        WorkItem(task="Réunir le conseil citoyen sur les enjeux retenus", owner="Centre social",
                 due=date(2026, 10, 30)),
    ]


# -- a demo cohort ---------------------------------------------------------------------------------
# Invented territories for the « Regards croisés » app: the demo territory, each time under another
# fictional name, with its own (invented) indicator values, MICMAC ratings, themes and budgets, drawn from a
# seeded generator so that a tutorial or a benchmark shows the same cohort every time.

DEMO_COHORT_NAME = "Cohorte de démonstration (territoires fictifs)"
_FICTIONAL_NAMES = ("Rivebelle Agglo", "Val d'Aurène", "Pays des Trois Rives", "Coteaux de Lisle", "Marais d'Ombrée",
                    "Plaine de Saint-Gervais", "Côte de Maubrac", "Causses d'Ardaillan")
_FUNDERS = ("Contrat de ville", "Fonds vert", "ADEME", "Région", "Bailleur")


def demo_territory(store: Store, number: int):
    """The `number`-th invented territory of the demo cohort (number 0 is the demo territory itself)."""
    import random

    from kit.model import BudgetLine, IndicatorValue, Influence
    from kit.reference.indicators import load_themes

    rng = random.Random(number)
    themes = load_themes()["libelle"].tolist()
    base = _FICTIONAL_NAMES[number % len(_FICTIONAL_NAMES)]
    name = base if number < len(_FICTIONAL_NAMES) else f"{base} {number // len(_FICTIONAL_NAMES) + 1}"

    def vary(ws) -> None:
        ws.name = f"{name} (fictif)"
        ws.territory.epci_name = f"{name} (fictif)"
        for neighbourhood in ws.neighbourhoods:
            ws.indicator_values += [
                IndicatorValue(indicator="taux_pauvrete", place=neighbourhood.id, value=round(rng.uniform(22, 48), 1),
                               year=2021, source="valeur fictive (démonstration)"),
                IndicatorValue(indicator="population", place=neighbourhood.id, value=rng.randint(1200, 8000),
                               year=2020, source="valeur fictive (démonstration)")]
        ws.indicator_values.append(IndicatorValue(indicator="taux_pauvrete", place_kind="region", place="75",
                                                  value=14.5, year=2021, source="valeur fictive (démonstration)"))
        if number:
            ws.stakes[-1].theme = themes[number % len(themes)]
        pairs = [(a.id, b.id) for a in ws.stakes for b in ws.stakes if a.id != b.id]
        ws.influences = [Influence(source=s, target=t, value=rng.choice((0, 1, 2, 3))) for s, t in pairs]
        for action in ws.actions:
            action.budget = [BudgetLine(year=2027, amount=rng.randint(2, 40) * 1000, funder=rng.choice(_FUNDERS))]

    return store.update(create_demo(store).id, vary)


def create_demo_cohort(store: Store, folder, count: int = 3):
    """A cohort of `count` invented territories, each sharing a summary; returns the cohort."""
    cohort = folder.create(DEMO_COHORT_NAME if not any(c.name == DEMO_COHORT_NAME for c in folder.cohorts())
                           else f"{DEMO_COHORT_NAME} {len(folder.cohorts()) + 1}")
    for number in range(count):
        folder.join(cohort.id, demo_territory(store, number))
    return folder.cohort(cohort.id)
