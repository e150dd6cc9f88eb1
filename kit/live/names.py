"""The room's activities, by name (as `python -m kit atelier --activite` takes them) and French label.

Alone in a module of its own so that the command line can offer them without importing the kit."""

ACTIVITIES = {  # each has its module in kit/live/activities/
    "propositions": "Proposer des enjeux",
    "votes": "Voter pour les enjeux",
    "micmac": "Noter les influences (MICMAC)",
    "relations": "Avec qui travaillez-vous ?",
    "positions": "Positions des acteurs (MACTOR)",
    "priorites": "Prioriser les fiches action",
}

# Set by `kit.live.jupyter` in a JupyterHub single-user server (the participant pages' path, which the
# kernels it starts inherit): « Atelier en direct » then starts no server and gives the hub's address.
HUB_PREFIX_VARIABLE = "KIT_ATELIER_CHEMIN"
