"""Frames to a WebM (VP8) with the ffmpeg that the `imageio-ffmpeg` package ships (no system ffmpeg needed).

The browser sends a frame when its screen changes (CDP's screencast): `Frames` keeps, for each slot of
1/FPS second of the video's time, the last frame received in it (a JPEG file), and `encode` shows each
kept frame until the next one: a screen that does not move costs nothing while recording.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from kit.errors import KitError

FPS = 8  # smooth enough for a pointer and typing; what two busy cores record without dropping frames
WIDTH, HEIGHT = 1280, 720
BITRATE = "350k"  # a screen of text and forms: about 2.6 MB a minute


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg
    except ImportError:
        raise KitError("Le module « imageio-ffmpeg » manque : installez les outils de test du kit avec "
                       "« python -m pip install -e \".[test]\" ».") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


class Frames:
    """The frames of one video, in `folder`, placed on the video's time (seconds)."""

    def __init__(self, folder: Path, fps: int = FPS):
        self.folder, self.fps = folder, fps
        folder.mkdir(parents=True, exist_ok=True)
        self.slots: dict[int, Path] = {}

    def add(self, at_s: float, jpeg: bytes) -> None:
        slot = max(0, int(at_s * self.fps))
        path = self.folder / f"{slot:06d}.jpg"
        path.write_bytes(jpeg)  # a later frame of the same slot replaces the earlier one
        self.slots[slot] = path

    def concat_list(self, duration_s: float) -> str:
        """ffmpeg's concat list: each frame until the next, the last until `duration_s`."""
        slots = sorted(self.slots)
        if not slots:
            raise KitError("Aucune image reçue du navigateur : la vidéo serait vide.")
        end = max(int(round(duration_s * self.fps)), slots[-1] + 1)
        lines = ["ffconcat version 1.0"]
        for i, slot in enumerate(slots):
            start = 0 if i == 0 else slot  # the first frame also covers the video's very start
            following = slots[i + 1] if i + 1 < len(slots) else end
            lines += [f"file '{self.slots[slot].name}'", f"duration {(following - start) / self.fps:.4f}"]
        lines.append(f"file '{self.slots[slots[-1]].name}'")  # the concat demuxer needs the last one twice
        return "\n".join(lines) + "\n"


def encode(frames: Frames, duration_s: float, target: Path) -> None:
    """Write `target` (WebM, VP8, WIDTHxHEIGHT, FPS images a second, about BITRATE) from `frames`."""
    listing = frames.folder / "frames.ffconcat"
    listing.write_text(frames.concat_list(duration_s), encoding="utf-8")
    partial = target.with_name(target.name + ".partiel")
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
               "-f", "concat", "-safe", "0", "-i", str(listing),
               "-vf", (f"scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease,"
                       f"pad={WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2:white,fps={frames.fps},format=yuv420p"),
               "-t", f"{duration_s:.3f}", "-c:v", "libvpx", "-b:v", BITRATE, "-crf", "12",
               "-deadline", "good", "-cpu-used", "4", "-threads", "2", "-auto-alt-ref", "0",
               "-an", "-f", "webm", str(partial)]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise KitError(f"ffmpeg n'a pas pu écrire la vidéo {target.name}.", details=[done.stderr.strip()[-2000:]])
    partial.replace(target)


def duration_of(path: Path) -> float:
    """The video's length in seconds (its frames counted by ffmpeg)."""
    import imageio_ffmpeg

    _frames, seconds = imageio_ffmpeg.count_frames_and_secs(str(path))
    return seconds
