"""The kit's file upload: a file over its limit is refused in the browser, before a byte is sent.

ipywidgets' `FileUpload` reads the whole file and sends it as one websocket message: above the server's
message limit (100 MiB, voila.json) the connection drops and the page reconnects without a word, and
below it a file far too large for the kit still travels whole before being refused. `Upload` checks
`file.size` against the limit Python gives it (by file extension) and, when the file fits, sends it in
chunks of a few megabytes as binary buffers, so no message comes near the server's limit.

The Python side keeps `FileUpload`'s contract: `value` is a tuple holding one dict with `name`, `type`,
`size`, `content` (a memoryview) and `last_modified`; observe it, and set it back to `()` when done.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets as t

from kit.errors import megabytes

STATIC = Path(__file__).resolve().parent / "static"


def too_big(name: str, size: int, limit: int, what: str) -> str:
    """The French refusal of a file over its limit (`what`: « pour un espace de travail »...)."""
    return (f"Fichier trop volumineux ({megabytes(size)}) : {limit // 1_048_576} Mo au plus{what}. "
            f"« {name} » n'a pas été envoyé : rien n'a changé.")


class Upload(anywidget.AnyWidget):
    """A button that picks one file and sends it to the kernel if it is within its limit.

    `limits` maps a lower-case file extension (".zip") to (bytes allowed, what it is for, as in
    « pour une archive de l'INSEE »); the key "" is every other file."""

    _esm = STATIC / "upload.js"
    description = t.Unicode("Importer", help="the button's text").tag(sync=True)
    accept = t.Unicode("", help="file types offered by the browser's chooser, as in <input accept>").tag(sync=True)
    max_bytes = t.Dict(help="bytes allowed by lower-case file extension, '' for any other").tag(sync=True)
    status = t.Unicode("", help="the French line shown beside the button (a refusal, a file arriving)").tag(sync=True)
    status_kind = t.Unicode("", help="'error' or 'info'").tag(sync=True)
    value = t.Tuple(help="the file received: ({name, type, size, content, last_modified},) or ()")

    def __init__(self, *, limits: dict[str, tuple[int, str]], **kwargs):
        super().__init__(max_bytes={ext.lower(): int(limit) for ext, (limit, _) in limits.items()}, **kwargs)
        self._limits = {ext.lower(): (int(limit), what) for ext, (limit, what) in limits.items()}
        self._incoming: dict | None = None
        self._on_refused: list[Callable[[str], None]] = []
        self.on_msg(self._received)

    def limit_for(self, name: str) -> tuple[int, str]:
        """(bytes allowed, what for) for a file called `name`, as the browser chooses it."""
        lowered = name.lower()
        found = [ext for ext in self._limits if ext and lowered.endswith(ext)]
        return self._limits[max(found, key=len)] if found else self._limits[""]

    def on_refused(self, callback: Callable[[str], None]) -> None:
        """Also tell `callback` the French sentence when a file is refused (the app's message line)."""
        self._on_refused.append(callback)

    def _refuse(self, text: str) -> None:
        self._incoming = None
        self.status, self.status_kind = text, "error"
        for callback in self._on_refused:
            callback(text)

    def _received(self, _, content, buffers) -> None:
        """What the browser sends: `refused` (over the limit, nothing sent), then for an accepted file
        `start`, its `chunk`s (one binary buffer each) and `end`. The limit is checked here again."""
        if not isinstance(content, dict):
            return
        kind, name = content.get("kind"), str(content.get("name", "fichier"))
        if kind in ("refused", "start"):
            size = int(content.get("size") or 0)
            limit, what = self.limit_for(name)
            if kind == "refused" or size > limit:
                self._refuse(too_big(name, size, limit, what))
                return
            self._incoming = {"id": content.get("id"), "name": name, "type": str(content.get("type", "")),
                              "size": size, "last_modified": content.get("last_modified"), "data": bytearray()}
            self.status, self.status_kind = f"Réception de « {name} » ({megabytes(size)})…", "info"
            return
        incoming = self._incoming
        if incoming is None or content.get("id") != incoming["id"]:
            return  # the rest of a file already refused
        if kind == "chunk":
            for buffer in buffers or ():
                incoming["data"] += buffer
            if len(incoming["data"]) > incoming["size"]:
                self._refuse(f"« {incoming['name']} » est arrivé plus gros qu'annoncé : rien n'a été importé. "
                             "Choisissez-le à nouveau.")
        elif kind == "failed":
            self._refuse(f"« {incoming['name']} » n'a pas pu être lu par le navigateur : rien n'a été importé.")
        elif kind == "end":
            self._incoming = None
            if len(incoming["data"]) != incoming["size"]:
                self._refuse(f"« {incoming['name']} » n'est pas arrivé en entier : rien n'a été importé. "
                             "Choisissez-le à nouveau.")
                return
            self.status, self.status_kind = "", ""
            if self.value:
                self.value = ()  # the same file again is news, even if the last one was never cleared
            self.value = ({"name": incoming["name"], "type": incoming["type"], "size": incoming["size"],
                           "content": memoryview(incoming["data"]), "last_modified": incoming["last_modified"]},)
