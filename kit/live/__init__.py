"""The live workshop: the room's phones contribute to a workspace through a small participant server.

    room.py     the side file (pieces/atelier/<id>.json): activities and join codes, the moderation queue
                (propose, pending, accept, merge, set_aside), dot-votes (vote, apply_votes), a
                participant's export and erasure; pure functions of the store, for the server and the apps
    server.py   the Tornado participant server (`python -m kit atelier`): host check, JSON endpoints
    pages.py    its HTML pages (inline ES5 script and style, a few kB, text always escaped)
    qr.py       the join address as a QR code (segno): SVG for projection, text for the terminal
    command.py  the `atelier` subcommand of kit.cli

No widget and no kernel here: a phone never opens Voilà.
"""
