"""The tutorials: each an app and a short list of scenes (see `scenes`). Adding one is adding a `Tutorial`
here; `python -m kit tutoriels --seulement NAME` records it, and the resources page lists it once recorded.

Every tutorial runs on a fresh copy of the demo territory (`kit.demo.create_demo`: Rivebelle Agglo, fictional),
so what it shows is what a facilitator sees after `python -m kit demo`. Captions are French, addressed to a
member of the project group; a target is a CSS selector of the app (its `kit-*` classes, as the end-to-end
tests use them).
"""

from __future__ import annotations

from .scenes import Scene, Tutorial, click, download, fill, hide, press, select, set_value, show, tab, upload, wait

HOME = "notebooks/00_accueil.ipynb"
APPLICATION = "notebooks/01_candidature.ipynb"
SESSION1 = "notebooks/10_enjeux.ipynb"
SESSION2 = "notebooks/20_projet.ipynb"
SESSION3 = "notebooks/30_action.ipynb"
FOLLOW_UP = "notebooks/40_suivi.ipynb"


def _rate(*values: str):
    """Type ratings in the MICMAC grid, row by row: a value, Enter (the grid moves on, skipping the diagonal)."""
    gestures = []
    for value in values:
        gestures += [press(value), press("Enter")]
    return gestures


PAS_A_PAS = Tutorial(
    "pas-a-pas", "Le pas à pas : où en est le groupe", SESSION1,
    "En haut de chaque application, le bandeau dit l'étape à faire maintenant et ouvre le bon onglet.",
    query="espace={espace}",
    scenes=(
        Scene("En haut de chaque application, le pas à pas dit où en est le groupe et l'étape à faire maintenant.",
              show(".kit-steps-head")),
        Scene("Il précise ce qu'il faut faire et le résultat attendu à la fin de l'étape.", show(".kit-steps-now")),
        Scene("« Aller à l'onglet » ouvre directement l'onglet de cette étape.", click(".kit-steps-go")),
        Scene("Pour projeter, « Masquer le pas à pas » libère l'écran.", click(".kit-steps-toggle")),
    ),
)

ESPACE = Tutorial(
    "espace", "Créer et garder l'espace de travail du territoire", HOME,
    "L'espace de travail réunit tout ce que le groupe saisit ; un fichier le garde et le transporte.",
    scenes=(
        Scene("La page d'accueil ouvre l'espace de travail du territoire : tout ce que le groupe saisit dans les "
              "applications y est enregistré aussitôt.", show(".kit-ws-name")),
        Scene("Les quartiers prioritaires du territoire sont listés avec leur code QPV.", show(".kit-neighbourhood")),
        Scene("Un nouveau territoire se crée ici : tapez le nom de l'EPCI, choisissez-le dans la liste, puis "
              "« Créer l'espace ».", show(".kit-epci-search")),
        Scene("Chaque enregistrement est gardé dans l'historique : un mauvais clic, et la version d'avant se "
              "rétablit ici.", show(".kit-restore")),
        Scene("Pour garder une copie, téléchargez l'espace : un fichier .json, à ranger avec les documents du projet "
              "ou à envoyer à un collègue.", download("a.kit-download")),
        Scene("Sur un autre ordinateur, ou pour reprendre cette copie, « Importer un fichier .json ». Rien n'est "
              "écrasé : si l'espace existe déjà, une copie est créée.",
              upload(".kit-upload", "", expect=".kit-msg-ok")),
        Scene("Le message confirme l'import ; l'espace importé s'ouvre et le travail reprend où il en était.",
              show(".kit-msg-ok")),
    ),
)

ENJEUX = Tutorial(
    "enjeux", "Saisir et formuler les enjeux", SESSION1,
    "Session 1 : noter les enjeux au fil de l'atelier, puis les formuler précisément.",
    scenes=(
        Scene("Dans l'application de la session 1, ouvrez l'onglet « 2. Enjeux ».", tab("2. Enjeux")),
        Scene("Pendant l'atelier, on note chaque enjeu en quelques mots : choisissez son thème…",
              select(".kit-stake-theme select", "Mobilité")),
        Scene("… tapez son intitulé, puis « Ajouter l'enjeu » (ou Entrée).",
              fill(".kit-stake-title input", "Se déplacer sans voiture"),
              click(".kit-add-stake", expect=".kit-stake-list td:has-text('Se déplacer sans voiture')")),
        Scene("L'enjeu ajouté s'ouvre dans « Formuler et ordonner » : on le précise champ par champ.",
              show(".kit-edit-choice")),
        Scene("Ce qui est en jeu, dit précisément…",
              fill(".kit-edit-what textarea", "l'accès aux emplois et aux services sans voiture")),
        Scene("… pour qui, et à quelle échéance.", fill(".kit-edit-for input", "les habitants de la Gare"),
              fill(".kit-edit-when input", "2030")),
        Scene("« Enregistrer l'enjeu » : l'énoncé est assemblé à partir des champs.",
              click(".kit-save-stake", expect=".kit-msg-ok")),
        Scene("La liste de contrôle dit ce qu'a déjà l'énoncé et ce qui lui manque encore : des leviers, une "
              "source, les quartiers concernés.", show(".kit-checklist")),
        Scene("Tous les enjeux sont rangés par thème, avec leur énoncé et ce qui les porte.",
              show(".kit-stake-list h3:has-text('Mobilité')")),
    ),
)

MICMAC = Tutorial(
    "micmac", "La matrice d'analyse structurelle et ses variables clés", SESSION1,
    "Session 1 : noter les influences entre enjeux, puis lire le plan influence / dépendance.",
    scenes=(
        Scene("Ouvrez l'onglet « 4. Analyse structurelle » : chaque enjeu y est une variable.",
              tab("4. Analyse structurelle")),
        Scene("Chaque case dit combien l'enjeu de la ligne influence celui de la colonne : 0 nulle, 1 faible, "
              "2 moyenne, 3 forte, P potentielle.", show(".kit-micmac-grid")),
        Scene("Cliquez dans la première case, tapez la note, puis Entrée : on passe à la case suivante.",
              click(".kit-micmac-grid input:not(:disabled)"), *_rate("2", "0", "1")),
        Scene("Ligne par ligne, au clavier, la matrice se remplit ; chaque note est enregistrée aussitôt.",
              *_rate("1", "2", "0", "0", "1", "0", "3", "1", "1")),
        Scene("Le compteur dit combien de cases sont notées.", show(".kit-micmac-count:has-text('12 / 12')")),
        Scene("Le plan influence / dépendance place chaque enjeu selon ce qu'il influence et ce dont il dépend.",
              wait(".kit-micmac-plane .scatterlayer .point"), show(".kit-micmac-plane")),
        Scene("En haut à gauche, les variables motrices : les leviers sur lesquels agir en priorité. En haut à "
              "droite, les variables relais, influentes et dépendantes à la fois.", show(".kit-micmac-plane")),
        Scene("Le tableau classe les enjeux et nomme les variables clés, à reprendre dans les objectifs de la "
              "session 2.", show(".kit-micmac-table"), hold_s=6),
    ),
)

RESEAU = Tutorial(
    "reseau", "Le réseau d'acteurs et ses passeurs", SESSION2,
    "Session 2 : relier les acteurs, puis lire qui fait le lien entre les autres.",
    scenes=(
        Scene("Dans l'application de la session 2, ouvrez l'onglet « 3. Réseau d'acteurs ».",
              tab("3. Réseau d'acteurs")),
        Scene("Une relation relie deux acteurs du groupe : choisissez celui d'où elle part…",
              select(".kit-relation-source select", "Conseil citoyen des Tilleuls")),
        Scene("… celui vers qui elle va, et sa nature.",
              select(".kit-relation-target select", "Habitat Rivebelle (bailleur fictif)"),
              select(".kit-relation-kind select", "coopération")),
        Scene("« Ajouter la relation » : elle apparaît aussitôt sur la carte du réseau.",
              click(".kit-add-relation", expect=".kit-msg-ok")),
        Scene("La taille des points suit le rôle de passeur : les acteurs par qui passent les liens entre les autres.",
              wait(".kit-network-map .scatterlayer .point"), show(".kit-network-map")),
        Scene("« Ce que dit le réseau » le dit en phrases : les passeurs, les acteurs isolés, les groupes.",
              show(".kit-network-readings")),
        Scene("Le tableau donne, pour chaque acteur, ses liens, son intermédiarité et son groupe.",
              show(".kit-network-metrics"), hide()),
    ),
)

GOUVERNANCE = Tutorial(
    "gouvernance", "La gouvernance et l'instance décisionnelle", SESSION2,
    "Session 2 : les instances du projet, qui les pilote, qui rend compte à qui, et qui décide.",
    scenes=(
        Scene("Dans l'application de la session 2, ouvrez l'onglet « 4. Gouvernance ».", tab("4. Gouvernance")),
        Scene("Les instances du projet sont listées : qui les pilote, qui y siège, ce qu'elles décident.",
              show(".kit-bodies-list")),
        Scene("Pour ajouter une instance, donnez son nom et son type.",
              fill(".kit-body-name input", "Comité technique des Tilleuls"),
              select(".kit-body-kind select", "comité technique")),
        Scene("Choisissez qui la pilote, et l'instance à laquelle elle rend compte.",
              select(".kit-body-lead select", "Cheffe de projet politique de la ville"),
              select(".kit-body-reports select", "Comité de pilotage du projet de quartier")),
        Scene("Son rythme, et ce qu'elle décide.", fill(".kit-body-rhythm input", "mensuel"),
              fill(".kit-body-decides input", "Préparation des comités de pilotage")),
        Scene("« Ajouter l'instance » : elle rejoint la liste.",
              click(".kit-add-body", expect=".kit-bodies-list:has-text('Comité technique des Tilleuls')")),
        Scene("La carte de la gouvernance montre qui rend compte à qui, jusqu'à l'instance décisionnelle qui "
              "arbitre et vote le budget.", wait(".kit-governance-map .plot-container"), show(".kit-governance-map")),
        Scene("La liste de contrôle dit si le projet a bien son instance décisionnelle, son pilotage et ses "
              "rythmes de réunion.", show(".kit-governance-checklist"), hold_s=6),
    ),
)

FEUILLE_DE_ROUTE = Tutorial(
    "feuille-de-route", "Une fiche action, la feuille de route et son chemin critique", SESSION3,
    "Session 3 : écrire une fiche action, l'enchaîner aux autres, lire ce qui ne peut pas prendre de retard.",
    scenes=(
        Scene("Dans l'application de la session 3, l'onglet « 1. Fiches action » : chaque fiche se choisit ici.",
              show(".kit-action-choice")),
        Scene("« Formulaire vide » pour écrire une nouvelle fiche.",
              click(".kit-blank-action", expect=".kit-blank-note .kit-msg-info")),
        Scene("Son intitulé, puis ses dates de début et de fin.",
              fill(".kit-action-title input", "Ombrager le parvis de la gare"),
              set_value(".kit-action-start input", "2027-10-01"), set_value(".kit-action-end input", "2028-03-31")),
        Scene("Elle dépend d'une autre fiche : elle ne commencera qu'après elle.",
              select(".kit-action-depends select", "Îlots de fraîcheur dans la cour de l'école")),
        Scene("« Nouvelle fiche » : elle rejoint le plan d'action.",
              click(".kit-add-action", expect=".kit-action-note .kit-msg-ok")),
        Scene("L'onglet « 2. Feuille de route » place chaque fiche dans le temps.", tab("2. Feuille de route"),
              wait(".kit-gantt .barlayer .point"), show(".kit-gantt")),
        Scene("Le chemin critique : les fiches qui s'enchaînent sans marge. Un retard sur l'une retarde la fin du "
              "projet.", show(".kit-critical-path"), hold_s=6),
    ),
)

CANDIDATURE = Tutorial(
    "candidature", "La note d'intention et sa liste de contrôle", APPLICATION,
    "Candidater : rédiger la note d'intention, vérifier les conditions du programme, préparer le document à signer.",
    scenes=(
        Scene("L'application de candidature rédige la note d'intention, partie par partie.",
              show(".kit-note-political_will textarea")),
        Scene("Le kit propose un premier texte pour les parties vides, tiré de ce que l'espace contient déjà.",
              click(".kit-note-prefill", expect=".kit-msg-ok")),
        Scene("Chaque partie se relit et se complète ; elle est enregistrée dès qu'on quitte la boîte.",
              show(".kit-note-stakes_summary textarea")),
        Scene("L'onglet « 3. Éligibilité et document » reprend les conditions du programme.",
              tab("3. Éligibilité et document")),
        Scene("Chaque condition remplie est cochée ; celles qui manquent disent quoi faire et où.",
              show(".kit-eligibility"), hold_s=6),
        Scene("« Préparer la note (Word) » : le document à faire signer, prêt à envoyer.",
              show(".kit-note-docx")),
    ),
)

SUIVI = Tutorial(
    "suivi", "Le suivi de la mise en œuvre", FOLLOW_UP,
    "Après les sessions : le statut de chaque fiche, l'avancement par objectif, les retards à la date de la réunion.",
    scenes=(
        Scene("L'application de suivi s'ouvre sur « 1. Mettre à jour » : choisissez une fiche action.",
              select(".kit-followup-choice select", "Diagnostic de confort d'été des logements")),
        Scene("Son statut a changé ? Choisissez le nouveau, puis « Enregistrer le statut ».",
              select(".kit-followup-status select", "réalisé"),
              click(".kit-followup-save-status", expect=".kit-msg-ok")),
        Scene("L'onglet « 2. Avancement » fait le point à la date de la réunion de suivi.", tab("2. Avancement"),
              show(".kit-followup-situation")),
        Scene("Les alertes disent ce qui est en retard ou oublié : une fiche qui aurait dû commencer, une étape "
              "dépassée.", show(".kit-followup-alerts")),
        Scene("L'avancement par objectif montre où le projet progresse et où il reste à faire.",
              show(".kit-progress-objectives"), hold_s=6),
        Scene("« 3. Ce qui a changé » compare le plan d'action d'aujourd'hui avec celui d'une date passée, la "
              "dernière réunion par exemple : de quoi préparer le comité de pilotage.", tab("3. Ce qui a changé"),
              show(".kit-changes-since"), hold_s=7),
    ),
)

MACTOR = Tutorial(
    "mactor", "MACTOR : les stratégies des acteurs", SESSION2,
    "Session 2 : qui influence qui, qui est pour ou contre chaque objectif, les alliances et les conflits.",
    scenes=(
        Scene("Dans l'application de la session 2, ouvrez l'onglet « 5. Stratégies d'acteurs ».",
              tab("5. Stratégies d'acteurs")),
        Scene("MACTOR porte sur les acteurs clés et les objectifs retenus ici ; sans sélection, sur tous.",
              show(".kit-mactor-scope")),
        Scene("La matrice MID dit combien chaque acteur influence directement chacun des autres, de 0 à 4.",
              show(".kit-mid-grid")),
        Scene("La matrice 2MAO donne la position de chaque acteur sur chaque objectif, de -4 (opposé) à +4 "
              "(favorable).", show(".kit-mao-grid")),
        Scene("Le plan des acteurs les place selon leur influence et leur dépendance : en haut, ceux qui pèsent "
              "sur les autres.", wait(".kit-actor-plane .main-svg"), show(".kit-actor-plane")),
        Scene("Les convergences entre acteurs montrent les alliances possibles et les conflits à anticiper.",
              wait(".kit-convergence .main-svg"), show(".kit-convergence"), hold_s=6),
        Scene("« Déduire de MACTOR » place ensuite chaque acteur sur la grille pouvoir / intérêt.",
              show(".kit-derive-power")),
    ),
)

TUTORIALS: tuple[Tutorial, ...] = (ESPACE, CANDIDATURE, ENJEUX, MICMAC, RESEAU, GOUVERNANCE, MACTOR, FEUILLE_DE_ROUTE,
                                   SUIVI, PAS_A_PAS)
