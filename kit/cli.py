"""`python -m kit`: the kit's command line, in French, with errors as sentences and never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kit.errors import KitError
from kit.live.names import ACTIVITIES as LIVE_ACTIVITIES

# argparse writes its own messages in English; these are the ones a user can meet.
_ARGPARSE_FRENCH = {
    "usage: ": "usage : ",
    "options": "options",
    "positional arguments": "arguments",
    "show this help message and exit": "affiche cette aide et quitte",
    "the following arguments are required: %s": "il manque : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (possibles : %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
}
argparse._ = lambda text: _ARGPARSE_FRENCH.get(text, text)  # argparse looks `_` up at call time


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kit",
        description="Quartiers en transitions : kit d'atelier prospectif pour les projets de quartier.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)

    serve = commands.add_parser("serve", help="lance l'application (Voilà) sur la page d'accueil")
    serve.add_argument("--port", type=int, default=8866, help="port local (8866 par défaut)")
    serve.add_argument("--no-browser", action="store_true", help="n'ouvre pas le navigateur")
    serve.add_argument("--reseau", action="store_true",
                       help="ouvre l'atelier aux ordinateurs et téléphones du réseau local (adresse avec code d'accès)")
    serve.add_argument("--hote", action="append", default=[], metavar="NOM",
                       help="autre nom sous lequel ce serveur est joint (derrière un proxy) ; répétable")

    new = commands.add_parser("new", help="crée un espace de travail et affiche son identifiant")
    new.add_argument("name", metavar="NOM", help="nom de l'espace (par exemple le nom de l'EPCI)")
    new.add_argument("--epci", default="", help="nom de l'EPCI")
    new.add_argument("--siren", default="", help="SIREN de l'EPCI (9 chiffres)")

    commands.add_parser("list", help="liste les espaces de travail")
    demo = commands.add_parser("demo", help="crée l'espace de démonstration (territoire fictif)")
    demo.add_argument("--cohorte", type=int, metavar="N", default=None,
                      help="crée plutôt une cohorte de démonstration de N territoires fictifs (regards croisés)")

    export = commands.add_parser("export", help="exporte un espace de travail dans un fichier")
    export.add_argument("workspace_ids", metavar="ID", nargs="*",
                        help="espace de travail (plusieurs pour regards-croises : la synthèse des territoires)")
    export.add_argument("--format", choices=["json", "docx", "html", "xlsx"], default=None,
                        help="json pour l'espace entier ; docx ou html pour un livrable (xlsx pour territoires-en-transitions)")
    export.add_argument("--deliverable", metavar="LIVRABLE", help="livrable à produire (candidature, session1, session2, session3, fiches, projet, "
                        "guide-session1, guide-session2, guide-session3, territoires-en-transitions, regards-croises)")
    export.add_argument("--cohorte", metavar="COHORTE",
                        help="avec regards-croises : la cohorte dont la synthèse porte le nom (et, sans ID, les territoires)")
    export.add_argument("--output", metavar="FICHIER", help="fichier à écrire (par défaut, un nom tiré de l'espace)")
    export.set_defaults(usage_error=export.error)

    imp = commands.add_parser("import", help="importe un espace exporté (jamais d'écrasement silencieux)")
    imp.add_argument("file", metavar="FICHIER")
    imp.add_argument("--replace", action="store_true",
                     help="remplace l'espace de même identifiant (l'ancienne version reste dans l'historique)")

    data = commands.add_parser("data", help="données officielles (commande explicite, seule à utiliser internet)")
    data_commands = data.add_subparsers(dest="data_command", metavar="ACTION", required=True)
    fetch = data_commands.add_parser("fetch", help="télécharge et met en cache les fichiers officiels")
    fetch.add_argument("--refresh", action="store_true", help="télécharge à nouveau même si le fichier est en cache")

    shapes = commands.add_parser("contours", help="garde les contours officiels des quartiers d'un espace (carte de "
                                                   "la session 1), lus dans le fichier de l'ANCT")
    shapes.add_argument("workspace_id", metavar="ID")
    shapes.add_argument("file", metavar="FICHIER", help="GeoJSON, ou archive .zip du shapefile, tel que publié par l'ANCT")

    live = commands.add_parser("atelier", help="ouvre aux téléphones de la salle une activité d'un espace (propositions "
                                               "d'enjeux, votes, MICMAC, relations, positions, priorités) : serveur des participants, adresse et code à afficher")
    live.add_argument("workspace_ids", metavar="ID", nargs="+", help="espace(s) de travail (un code par espace)")
    live.add_argument("--activite", choices=list(LIVE_ACTIVITIES), default="propositions",
                      help="activité ouverte (propositions par défaut) : " + ", ".join(
                          f"{name} ({label})" for name, label in LIVE_ACTIVITIES.items()))
    live.add_argument("--port", type=int, default=8870, help="port (8870 par défaut)")
    live.add_argument("--reseau", action="store_true", help="accepte les téléphones du réseau local (sinon : cet ordinateur seulement)")
    live.add_argument("--hote", action="append", default=[], metavar="NOM",
                      help="autre nom sous lequel ce serveur est joint (derrière un proxy) ; répétable")
    live.add_argument("--points", type=int, default=None, metavar="N", help="points par participant, votes et priorités (3 par défaut)")
    live.add_argument("--qr", nargs="?", const="-", default=None, metavar="FICHIER",
                      help="code QR de l'adresse : dans le terminal, ou dans FICHIER (SVG)")
    live.add_argument("--exporter", metavar="PSEUDO", help="affiche (JSON) tout ce que la séance garde d'un participant, puis s'arrête")
    live.add_argument("--effacer", metavar="PSEUDO", help="efface les propositions et votes d'un participant, puis s'arrête")
    live.add_argument("--fermer", action="store_true", help="ferme l'activité (les votes sont ajoutés aux enjeux), puis s'arrête")

    tutorials = commands.add_parser("tutoriels", help="enregistre les tutoriels vidéo depuis les applications (Voilà et "
                                                      "chromium, territoire de démonstration) : vidéo WebM, sous-titres, version texte")
    tutorials.add_argument("--output", metavar="DOSSIER", default=None,
                           help="dossier des tutoriels (par défaut : $KIT_TUTORIELS, ou « tutoriels » à côté du dossier "
                                "des espaces, celui que lit la page Ressources)")
    tutorials.add_argument("--seulement", nargs="+", metavar="NOM", default=None,
                           help="n'enregistre que ces tutoriels (par défaut : tous)")

    history = commands.add_parser("history", help="liste les révisions conservées d'un espace")
    history.add_argument("workspace_id", metavar="ID")

    restore = commands.add_parser("restore", help="rétablit une révision antérieure d'un espace")
    restore.add_argument("workspace_id", metavar="ID")
    restore.add_argument("revision", metavar="REVISION", type=int)
    return parser


def run(args: argparse.Namespace) -> None:
    if args.command == "serve":
        from kit.serve import serve

        serve(port=args.port, open_browser=not args.no_browser, network=args.reseau, hosts=tuple(args.hote))
        return

    if args.command == "tutoriels":
        from kit.tutorials.recorder import record_all

        made = record_all(args.seulement, Path(args.output) if args.output else None)
        print(f"{len(made)} tutoriel(s) enregistré(s) :")
        for item in made:
            print(f"{item.recorded.video}\t{item.seconds:.0f} s\t{item.bytes / 1e6:.1f} Mo")
        return

    if args.command == "data":
        from kit.reference.datafetch import fetch_command

        lines, code = fetch_command(refresh=args.refresh)
        print(*lines, sep="\n")
        if code:
            raise SystemExit(code)
        return

    from kit.store import Store

    store = Store()
    if args.command == "new":
        workspace = store.create(args.name, territory={"epci_name": args.epci, "epci_siren": args.siren})
        print(f"Espace créé dans {store.folder} :")
        print(workspace.id)
    elif args.command == "list":
        summaries = store.list()
        if not summaries:
            print(f"Aucun espace de travail dans {store.folder}.")
        else:
            print("IDENTIFIANT\tNOM\tEPCI\tÉTAT")
        for s in summaries:
            state = f"révision {s.revision}" if s.readable else "ILLISIBLE"
            print(f"{s.id}\t{s.name}\t{s.epci}\t{state}")
    elif args.command == "demo" and args.cohorte is not None:
        from kit.cohort.cohorts import CohortFolder
        from kit.demo import create_demo_cohort

        if not 1 <= args.cohorte <= 100:
            raise KitError("Une cohorte de démonstration compte de 1 à 100 territoires.")
        folder = CohortFolder.of(store)
        cohort = create_demo_cohort(store, folder, args.cohorte)
        print(f"Cohorte de démonstration créée ({args.cohorte} territoires fictifs) dans {folder.folder} :")
        print(cohort.id)
    elif args.command == "demo":
        from kit.demo import create_demo

        workspace = create_demo(store)
        print(f"Espace de démonstration créé (territoire fictif) dans {store.folder} :")
        print(workspace.id)
    elif args.command == "export":
        from kit.reports.regards_croises import DELIVERABLE as REGARDS_CROISES

        if args.deliverable == REGARDS_CROISES:
            data, name = _regards_croises(store, args)
            target = Path(args.output or name)
            _write_file(target, data)
            print(f"Exporté dans {target}")
            return
        if args.cohorte:
            raise KitError(f"L'option --cohorte ne sert qu'à la synthèse des territoires : --deliverable {REGARDS_CROISES}.")
        if len(args.workspace_ids) != 1:
            raise KitError(f"Un seul espace à la fois pour cet export : plusieurs identifiants ne sont possibles "
                           f"qu'avec --deliverable {REGARDS_CROISES} (la synthèse des territoires d'une cohorte).")
        args.workspace_id = args.workspace_ids[0]
        if args.deliverable:
            from kit.reports.deliverables import export

            from kit.reference import contours

            kept = store.read_side(args.workspace_id, contours.KIND, contours.MAX_KEPT_BYTES)  # the map's shapes
            shapes = contours.loads(kept) if kept is not None else None
            name, data = export(store.load(args.workspace_id), args.deliverable, args.format, shapes=shapes)
        elif (args.format or "json") != "json":
            raise KitError("Les formats docx et html sont ceux des livrables : ajoutez --deliverable session1, projet ou candidature.")
        else:
            name, data = f"{args.workspace_id}.json", store.export_bytes(args.workspace_id)
        target = Path(args.output or name)
        _write_file(target, data)
        print(f"Exporté dans {target}")
    elif args.command == "import":
        data = _read_file(Path(args.file))
        workspace, message = store.import_bytes(data, replace=args.replace)
        print(message)
        print(workspace.id)
    elif args.command == "contours":
        from kit.reference import contours

        ws = store.load(args.workspace_id)
        path = Path(args.file)
        read = contours.read_contours(_read_file(path, limit=contours.MAX_BYTES), path.name)
        shapes = contours.neighbourhood_shapes(read, {n.qpv_code for n in ws.neighbourhoods if n.qpv_code},
                                               ws.territory.epci_siren, source=path.name)
        kept = store.write_side(ws.id, contours.KIND, contours.dumps(shapes))
        print(f"Contours de {len(shapes.shapes)} quartier(s) gardés pour « {ws.name} » ({shapes.points_read} sommets "
              f"lus, {shapes.points} gardés) dans {kept}.")
        for code in shapes.not_found:
            print(f"Sans contour dans ce fichier : {code}")
    elif args.command == "atelier":
        from kit.live.command import run as run_atelier

        run_atelier(args, store)
    elif args.command == "history":
        for revision in store.history(args.workspace_id):
            mark = " (actuelle)" if revision.current else ""
            print(f"{revision.number}\t{revision.saved_at:%d/%m/%Y %H:%M:%S}{mark}")
    elif args.command == "restore":
        workspace = store.restore(args.workspace_id, args.revision)
        print(f"Révision {args.revision} rétablie : elle devient la révision {workspace.revision}.")


def _regards_croises(store, args: argparse.Namespace) -> tuple[bytes, str]:
    """The regional synthesis of the workspaces given (or of a cohort's territories), each through the one
    gate of what it shares (`sharing.shared_view`): one that shares nothing is left out, and said."""
    from kit.cohort.cohorts import CohortFolder
    from kit.cohort.sharing import share_of
    from kit.reports.regards_croises import synthesis_bytes
    from kit.text import join_french, quote

    ids = list(dict.fromkeys(args.workspace_ids))
    folder = CohortFolder.of(store)
    cohort = folder.cohort(args.cohorte) if args.cohorte else None
    shares, silent = [], []
    if cohort is not None and not ids:  # its territories: here as they are now, else as they last published
        if not cohort.members:
            raise KitError(f"La cohorte {quote(cohort.name)} n'a encore aucun territoire.")
        shares, problems = folder.shares(cohort, store=store)
        for problem in problems:
            print(f"Partage illisible, laissé de côté : {problem}", file=sys.stderr)
        found = {s.workspace_id for s in shares} | {p.partition(" : ")[0] for p in problems}
        # A territory that shares nothing has no name in the cohort's file: named when it is on this computer.
        silent = [store.load(m.id).name if store.exists(m.id) else (m.name or m.id)
                  for m in cohort.members if m.id not in found and not (m.name and m.name in found)]
    for workspace_id in ids:
        ws = store.load(workspace_id)
        share = share_of(ws)
        if share is None:
            silent.append(ws.name)
        else:
            shares.append(share)
    for name in silent:
        print(f"{quote(name)} ne partage rien avec sa cohorte : cet espace n'est pas dans la synthèse.", file=sys.stderr)
    if not shares:
        raise KitError("Aucun des espaces donnés ne partage quoi que ce soit avec sa cohorte : il n'y a rien à "
                       "mettre dans la synthèse (chaque territoire choisit ce qu'il partage sur sa page d'accueil).")
    name = cohort.name if cohort is not None else f"Regards croisés : {join_french([s.name for s in shares])}"
    return synthesis_bytes(shares, name, args.format or "docx")


def _read_file(path: Path, limit: int | None = None) -> bytes:
    """A file's bytes, at most MAX_FILE_BYTES + 1 of them (`limit` + 1 if given: the reader refuses more)."""
    from kit.store import read_bounded
    from kit.text import shorten

    shown = shorten(path, 80)
    try:
        if limit is not None:
            with open(path, "rb") as handle:
                return handle.read(limit + 1)
        return read_bounded(path)  # at most MAX_FILE_BYTES + 1 bytes: /dev/zero is refused at once
    except FileNotFoundError:
        raise KitError(f"Fichier introuvable : {shown}") from None
    except IsADirectoryError:
        raise KitError(f"{shown} est un dossier, pas un fichier.") from None
    except PermissionError:
        raise KitError(f"Lecture interdite : {shown}") from None
    except OSError as error:
        raise KitError(f"Impossible de lire {shown} : {error.strerror or error}.") from None


def _write_file(path: Path, data: bytes) -> None:
    from kit.store import disk_reason
    from kit.text import shorten

    try:
        path.write_bytes(data)
    except OSError as error:
        reason = disk_reason(error, path.absolute().parent) or error.strerror or error
        raise KitError(f"Impossible d'écrire {shorten(path, 80)} : {reason}.") from None


def missing_package_message(package: str) -> str:
    """What to do when this Python lacks a package the kit needs (run with another Python than the
    kit's, or before installing it)."""
    return (f"Erreur : ce Python ({sys.executable}) n'a pas les modules du kit (« {package} » manque). "
            "Installez-les dans le dossier du kit avec « python -m pip install -e . » (Windows : "
            "« py -m pip install -e . », macOS : « python3 -m pip install -e . »), ou lancez le kit avec "
            "le Python où il est installé : voir la section « Sans make (Windows, macOS) » du README.")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and not args.workspace_ids and not args.cohorte:
        args.usage_error(argparse._("the following arguments are required: %s") % "ID")  # exits (2), in French
    try:
        run(args)
    except KitError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - last barrier: a person never sees a traceback
        # A package the kit needs is missing from this Python (not a module of the kit: that is a bug).
        if isinstance(error, ModuleNotFoundError) and (error.name or "kit").partition(".")[0] != "kit":
            print(missing_package_message(error.name), file=sys.stderr)
            return 2
        if os.environ.get("KIT_DEBUG"):
            raise
        print(
            f"Erreur inattendue ({type(error).__name__}) : {error}. "
            "Relancez avec KIT_DEBUG=1 pour le détail technique.",
            file=sys.stderr,
        )
        return 3
    return 0
