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
    commands.add_parser("demo", help="crée l'espace de démonstration (territoire fictif)")

    export = commands.add_parser("export", help="exporte un espace de travail dans un fichier")
    export.add_argument("workspace_id", metavar="ID")
    export.add_argument("--format", choices=["json", "docx", "html", "xlsx"], default=None,
                        help="json pour l'espace entier ; docx ou html pour un livrable (xlsx pour territoires-en-transitions)")
    export.add_argument("--deliverable", metavar="LIVRABLE", help="livrable à produire (candidature, session1, session2, session3, fiches, projet, "
                        "guide-session1, guide-session2, guide-session3, territoires-en-transitions)")
    export.add_argument("--output", metavar="FICHIER", help="fichier à écrire (par défaut, un nom tiré de l'espace)")

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
    elif args.command == "demo":
        from kit.demo import create_demo

        workspace = create_demo(store)
        print(f"Espace de démonstration créé (territoire fictif) dans {store.folder} :")
        print(workspace.id)
    elif args.command == "export":
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
