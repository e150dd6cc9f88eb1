"""`python -m kit atelier`: start the participant server, or export / erase a participant, or close an activity."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kit.errors import KitError
from kit.live import room
from kit.store import Store


def atelier_command(workspace_ids, *, activity: str = "propositions", port: int = 8870, network: bool = False,
                    qr: str | None = None) -> list[str]:
    """The command an app runs (a process of its own, never in a kernel) to start the participant server; its
    address and code are then on its last lines, and `room.join_url` gives them too."""
    return [sys.executable, "-m", "kit", "atelier", *workspace_ids, "--activite", room._activity_name(activity),
            "--port", str(port), *(["--reseau"] if network else []), *(["--qr", qr] if qr else [])]


def run(args, store: Store) -> None:
    ids = list(dict.fromkeys(args.workspace_ids))
    for ws_id in ids:
        store.load(ws_id)  # each exists and is readable, before anything is written
    if args.exporter:
        exported = [room.export_participant(store, ws_id, args.exporter) for ws_id in ids]
        print(json.dumps(exported[0] if len(exported) == 1 else exported, ensure_ascii=False, indent=1))
        return
    if args.effacer:
        for ws_id in ids:
            proposals, votes = room.erase_participant(store, ws_id, args.effacer)
            print(f"{ws_id} : {proposals} proposition(s) et {votes} vote(s) de « {args.effacer} » effacés.")
        return
    if args.fermer:
        for ws_id in ids:
            room.close_activity(store, ws_id, args.activite)
            print(f"{ws_id} : activité « {room.ACTIVITIES[args.activite]} » fermée.")
        return

    from kit.live import server
    from kit.live.qr import qr_svg, qr_text

    codes = {ws_id: room.open_activity(store, ws_id, args.activite, dots=args.points) for ws_id in ids}
    names = {ws_id: store.load(ws_id).name for ws_id in ids}

    def announce(base_url: str) -> None:
        lines = []
        for ws_id in ids:
            address = server.join_address(base_url, codes[ws_id])
            if args.qr == "-":
                print(qr_text(address))
            elif args.qr:
                target = Path(args.qr)
                if len(ids) > 1:
                    target = target.with_name(f"{target.stem}-{ws_id}{target.suffix or '.svg'}")
                try:
                    target.write_bytes(qr_svg(address))
                except OSError as error:
                    raise KitError(f"Impossible d'écrire le code QR dans {target} : {error.strerror or error}.") from None
                print(f"Code QR de « {names[ws_id]} » écrit dans {target}")
            lines.append((ws_id, address))
        where = ("sur le réseau local (les téléphones doivent être sur le même Wi-Fi ; le pare-feu de cet ordinateur "
                 "doit accepter les connexions entrantes sur ce port)" if args.reseau
                 else "sur cet ordinateur seulement (ajoutez --reseau pour les téléphones)")
        print(f"Activité « {room.ACTIVITIES[args.activite]} » ouverte {where}. Ctrl+C pour arrêter le serveur.")
        for ws_id, address in lines:
            print(f"Espace « {names[ws_id]} »")
            print(f"Adresse pour rejoindre : {address}")
            print(f"Code : {codes[ws_id]}")
        sys.stdout.flush()

    server.serve(store, ids, port=args.port, network=args.reseau, hosts=tuple(args.hote), announce=announce)
    print("Atelier arrêté.")
