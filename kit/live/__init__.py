"""The live workshop: the room's phones contribute to a workspace through a small participant server.

    room.py     the side file (pieces/atelier/<id>.json): activities and join codes, the moderation queue
                (propose, pending, accept, merge, set_aside), dot-votes (vote, apply_votes), answers kept
                per participant (answer), a participant's export and erasure; pure functions of the store
    names.py    the activities' names and French labels (the command line offers them without the kit)
    activities/ one module per activity: its phone page and script, what it accepts, what the apps apply
    server.py   the Tornado participant server (`python -m kit atelier`): host check, JSON endpoints
    pages.py    what every page shares (inline ES5 script and style, a few kB, text always escaped)
    jupyter.py  on a JupyterHub, the same routes in each territory's Jupyter server (a server extension)
    qr.py       the join address as a QR code (segno): SVG for projection, text for the terminal
    command.py  the `atelier` subcommand of kit.cli

No widget and no kernel here: a phone never opens Voilà.
"""
