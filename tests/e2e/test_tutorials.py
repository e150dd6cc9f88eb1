"""The video tutorials recorded from the real apps: one short tutorial end to end (video, subtitles, text
version, listed by the resources page), and a screen that changed stops the recording, naming the scene."""

from __future__ import annotations

import re

import pytest

from kit.store import Store
from kit.tutorials.catalogue import PAS_A_PAS
from kit.tutorials.folder import files_of
from kit.tutorials.recorder import Recorder, TutorialError
from kit.tutorials.scenes import Scene, Tutorial, click, show
from kit.tutorials.subtitles import read_vtt
from kit.tutorials.video import FPS, HEIGHT, WIDTH


def recorder(playwright_instance, voila_server, tmp_path) -> Recorder:
    return Recorder(playwright_instance, voila_server.base_url, Store(voila_server.espaces), tmp_path / "travail",
                    tmp_path / "tutoriels", log=lambda line: None)


def test_a_tutorial_is_recorded_subtitled_and_listed_by_the_resources_page(playwright_instance, voila_server, tmp_path):
    import imageio_ffmpeg

    made = recorder(playwright_instance, voila_server, tmp_path).record(PAS_A_PAS)
    video, subtitles, text = files_of(tmp_path / "tutoriels", PAS_A_PAS.name)
    assert made.recorded.video == video and video.stat().st_size == made.bytes

    # The video: WebM, 1280 x 720, as long as its scenes (under 30 s), frames that show something and move.
    assert video.read_bytes()[:4] == b"\x1aE\xdf\xa3"  # the EBML (Matroska/WebM) signature
    assert PAS_A_PAS.planned_s() * 0.8 <= made.seconds < 30
    reader = imageio_ffmpeg.read_frames(str(video))
    meta = next(reader)
    assert tuple(meta["size"]) == (WIDTH, HEIGHT) and meta["fps"] == pytest.approx(FPS, abs=0.5)
    assert meta["codec"].startswith("vp8")
    frames = [frame for i, frame in enumerate(reader) if i % FPS == 0]  # one a second
    reader.close()
    assert len(frames) >= int(made.seconds) - 1 and all(len(f) == WIDTH * HEIGHT * 3 for f in frames)
    assert len({bytes(f) for f in frames}) >= 3, "the video does not move"
    assert all(len(set(bytes(f)[::997])) > 8 for f in frames), "a blank frame"  # not one flat colour

    # Its subtitles: one cue a scene, the scenes' French captions, in order, within the video.
    cues = read_vtt(subtitles.read_text(encoding="utf-8"))
    assert [c.text for c in cues] == [s.caption for s in PAS_A_PAS.scenes]
    assert all(re.search(r"\b(le|la|les|de|du|à|l')\b", c.text) for c in cues)
    assert all(a.start < a.end <= b.start < b.end for a, b in zip(cues, cues[1:]))
    assert cues[0].start >= 2 and cues[-1].end <= made.seconds + 0.2  # after the title card
    assert all(c.end - c.start >= 3 - 0.05 for c in cues)  # each on screen long enough to be read
    assert text.read_text(encoding="utf-8").count("<li>") == len(PAS_A_PAS.scenes)

    # The resources page lists it, with its text version, and plays it with its subtitles.
    from kit.apps.ressources import ResourcesApp

    section = ResourcesApp(tutorials=tmp_path / "tutoriels").tutorials
    assert [r.tutorial.name for r in section.found] == [PAS_A_PAS.name]
    card, play = section.widget.children[1].children[0].children
    assert PAS_A_PAS.title in card.value and card.value.count("<li>") == len(cues)
    play.click()
    assert "data:video/webm;base64," in section.player.value and "data:text/vtt;base64," in section.player.value
    assert len(section.player.value) < 4 * 1024 * 1024  # a short tutorial is a small message for the page


def test_a_screen_that_changed_stops_the_recording_naming_the_tutorial_and_the_scene(playwright_instance, voila_server,
                                                                                     tmp_path):
    changed = Tutorial("essai", "Essai sur une page nue", "tests/e2e/notebooks/bare.ipynb", "Une page d'essai.",
                       query="", scenes=(Scene("Le bouton de la page est là.", show(".kit-ready")),
                                         Scene("Cliquez sur le bouton qui n'existe plus.",
                                               click(".kit-bouton-disparu", timeout_s=2))))
    with pytest.raises(TutorialError) as raised:
        recorder(playwright_instance, voila_server, tmp_path).record(changed)
    assert str(raised.value.message).startswith(
        "Tutoriel « Essai sur une page nue » (essai), scène 2 « Cliquez sur le bouton qui n'existe plus. » : "
        "l'élément « .kit-bouton-disparu » n'est pas à l'écran après 2 s.")
    assert not any((tmp_path / "tutoriels").glob("essai.*"))  # nothing half written
