"""The subtitles of a tutorial (WebVTT, one cue a scene) and their text version (a numbered list of steps).

    write_vtt([Cue(0.0, 4.5, "Ouvrez l'onglet « 2. Enjeux ».")]) ->
    WEBVTT

    1
    00:00:00.000 --> 00:00:04.500
    Ouvrez l'onglet « 2. Enjeux ».
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_TIME = re.compile(r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})$")


@dataclass(frozen=True)
class Cue:
    start: float  # seconds from the video's start
    end: float
    text: str


def timestamp(seconds: float) -> str:
    """WebVTT's HH:MM:SS.mmm (hours always written: every player reads it)."""
    if seconds < 0:
        raise ValueError("a time in a video cannot be negative")
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def parse_timestamp(text: str) -> float:
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(f"not a WebVTT time: {text!r}")
    hours, minutes, secs, millis = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + secs + millis / 1000


def escape(text: str) -> str:
    """A cue's text: & < > as entities (so no tag, and never "-->"), no blank line (it would end the cue)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def write_vtt(cues: list[Cue]) -> str:
    parts = ["WEBVTT", ""]
    for number, cue in enumerate(cues, 1):
        if cue.end <= cue.start:
            raise ValueError(f"cue {number} ends before it starts")
        parts += [str(number), f"{timestamp(cue.start)} --> {timestamp(cue.end)}", escape(cue.text) or "…", ""]
    return "\n".join(parts)


def read_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT file as `write_vtt` writes it (identifiers optional), their text unescaped."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    if not blocks or not blocks[0].startswith("WEBVTT"):
        raise ValueError("not a WebVTT file")
    cues = []
    for block in blocks[1:]:
        lines = block.split("\n")
        at = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if at is None:
            continue  # a NOTE or a STYLE block
        start, _, end = lines[at].partition("-->")
        cues.append(Cue(parse_timestamp(start), parse_timestamp(end.split()[0]),
                        html.unescape("\n".join(lines[at + 1:]))))
    return cues


def minutes_seconds(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def steps_html(cues: list[Cue]) -> str:
    """The text version: the subtitles as a numbered list, each step with the moment of the video it is at."""
    items = "".join(f"<li><span class='kit-tuto-at'>{minutes_seconds(c.start)}</span> {html.escape(c.text)}</li>"
                    for c in cues)
    return f"<ol class='kit-tuto-steps'>{items}</ol>"


def text_version(title: str, summary: str, cues: list[Cue]) -> str:
    """A printable HTML page: the title, the summary and the steps (what `<name>.html` holds)."""
    intro = f"<p>{html.escape(summary)}</p>" if summary else ""
    return ("<!DOCTYPE html>\n<html lang='fr'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>body {{ font-family: sans-serif; max-width: 46em; "
            "margin: 2em auto; line-height: 1.5; } li { margin: 0.4em 0; } .kit-tuto-at { color: #555; "
            "font-variant-numeric: tabular-nums; margin-right: 0.4em; }</style></head><body>"
            f"<h1>{html.escape(title)}</h1>{intro}<h2>Pas à pas</h2>{steps_html(cues)}"
            "<p><small>Quartiers en transitions — tutoriel enregistré depuis les applications du kit, "
            "sur le territoire fictif de démonstration.</small></p></body></html>\n")
