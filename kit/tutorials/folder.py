"""Where the recorded tutorials are, and which of the catalogue's are there.

By default `tutoriels/` beside the workspaces' folder (`$KIT_ESPACES`'s parent: `~/quartiers-en-transitions/
tutoriels`), or `$KIT_TUTORIELS`: outside the checkout, since they are generated (`python -m kit tutoriels`)
and never committed (the repository and Binder stay small), and found the same way by every kernel, as the
workspaces are. Each tutorial is three files: `<name>.webm` (the video), `<name>.vtt` (its French subtitles)
and `<name>.html` (the text version, printable).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kit.store import default_folder as workspaces_folder

from .catalogue import TUTORIALS
from .scenes import Tutorial
from .subtitles import Cue, read_vtt

ENV_VAR = "KIT_TUTORIELS"
COMMAND = "python -m kit tutoriels"


def default_folder() -> Path:
    given = os.environ.get(ENV_VAR)
    return Path(given).expanduser() if given else workspaces_folder().parent / "tutoriels"


@dataclass(frozen=True)
class Recorded:
    tutorial: Tutorial
    video: Path
    subtitles: Path
    text: Path

    def cues(self) -> list[Cue]:
        return read_vtt(self.subtitles.read_text(encoding="utf-8"))


def files_of(folder: Path, name: str) -> tuple[Path, Path, Path]:
    return folder / f"{name}.webm", folder / f"{name}.vtt", folder / f"{name}.html"


def recorded(folder: Path | None = None) -> list[Recorded]:
    """The catalogue's tutorials whose video and subtitles are in `folder`, in the catalogue's order."""
    folder = default_folder() if folder is None else Path(folder)
    found = []
    for tutorial in TUTORIALS:
        video, subtitles, text = files_of(folder, tutorial.name)
        if video.is_file() and subtitles.is_file():
            found.append(Recorded(tutorial, video, subtitles, text))
    return found
