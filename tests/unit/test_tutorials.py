"""The video tutorials without a browser: subtitles (WebVTT), the catalogue's scenes, the text version, the
frames' timeline, the folder the resources page reads, and the page's section."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kit.reference.guides import APP_TABS
from kit.serve import REPO_ROOT
from kit.tutorials import folder
from kit.tutorials.catalogue import TUTORIALS
from kit.tutorials.recorder import Recorder, TutorialError, chosen
from kit.tutorials.scenes import MAX_TUTORIAL_S, Scene, Tutorial, click, fill, tab
from kit.tutorials.subtitles import Cue, escape, parse_timestamp, read_vtt, steps_html, text_version, timestamp, write_vtt
from kit.tutorials.video import Frames

FRENCH = re.compile(r"\b(le|la|les|l'|un|une|des|du|de|et|dans|pour|puis|ou|à|en|se|chaque)\b", re.IGNORECASE)


# -- WebVTT ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds, text", [(0, "00:00:00.000"), (4.5, "00:00:04.500"), (61.25, "00:01:01.250"),
                                            (3661.001, "01:01:01.001"), (59.9996, "00:01:00.000")])
def test_timestamps_are_hours_minutes_seconds_and_milliseconds(seconds, text):
    assert timestamp(seconds) == text
    assert parse_timestamp(text) == pytest.approx(round(seconds, 3))


def test_a_negative_time_or_a_cue_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        timestamp(-1)
    with pytest.raises(ValueError):
        write_vtt([Cue(3, 3, "vide")])
    with pytest.raises(ValueError):
        parse_timestamp("1:02.5")


def test_cue_text_is_escaped_and_never_ends_the_cue():
    text = "Tapez <b>3</b> & Entrée --> suivante\n\n   puis  « Enregistrer »"
    escaped = escape(text)
    assert escaped == "Tapez &lt;b&gt;3&lt;/b&gt; &amp; Entrée --&gt; suivante\npuis « Enregistrer »"
    assert "-->" not in escaped and "\n\n" not in escaped


def test_a_file_written_reads_back_numbered_in_order():
    cues = [Cue(0.0, 4.2, "Ouvrez l'onglet « 2. Enjeux »."), Cue(4.2, 9.75, "Tapez <3> & Entrée.")]
    vtt = write_vtt(cues)
    assert vtt.startswith("WEBVTT\n\n1\n00:00:00.000 --> 00:00:04.200\nOuvrez l'onglet « 2. Enjeux ».\n\n2\n")
    assert "00:00:04.200 --> 00:00:09.750\nTapez &lt;3&gt; &amp; Entrée." in vtt
    assert read_vtt(vtt) == cues
    with pytest.raises(ValueError):
        read_vtt("1\n00:00:00.000 --> 00:00:01.000\nx")


def test_the_text_version_is_a_numbered_list_of_the_subtitles():
    cues = [Cue(0, 4, "Ouvrez l'onglet."), Cue(64, 70, "Cliquez sur <Ajouter> & c'est fait.")]
    steps = steps_html(cues)
    assert steps.count("<li>") == 2 and steps.startswith("<ol")
    assert "1:04" in steps and "&lt;Ajouter&gt; &amp;" in steps and "<Ajouter>" not in steps
    page = text_version("Saisir <les> enjeux", "Un résumé.", cues)
    assert "<html lang='fr'>" in page and "<title>Saisir &lt;les&gt; enjeux</title>" in page
    assert "Pas à pas" in page and page.count("<li>") == 2


# -- the catalogue ----------------------------------------------------------------------------------


def test_tutorial_names_are_unique_file_names():
    names = [t.name for t in TUTORIALS]
    assert len(names) == len(set(names)) >= 4
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name) for name in names)


@pytest.mark.parametrize("tutorial", TUTORIALS, ids=lambda t: t.name)
def test_each_tutorial_is_well_formed_french_and_under_three_minutes(tutorial):
    assert (REPO_ROOT / tutorial.notebook).is_file()
    assert tutorial.title[0].isupper() and FRENCH.search(tutorial.title), tutorial.title
    assert tutorial.summary and FRENCH.search(tutorial.summary)
    assert tutorial.setup in ("demo", "cohort") and "{espace}" in tutorial.query
    assert 3 <= len(tutorial.scenes) <= 15
    for scene in tutorial.scenes:
        assert scene.caption[0].isupper() or scene.caption.startswith(("…", "«")), scene.caption
        assert scene.caption[-1] in ".…»:!?", scene.caption
        assert FRENCH.search(scene.caption), scene.caption
        assert len(scene.caption) <= 200, "a subtitle longer than two lines"
        for gesture in scene.gestures:
            if gesture.kind == "tab" and APP_TABS.get(Path(tutorial.notebook).name):
                # the tab exists in that app (the session apps' tab titles are guides.APP_TABS)
                assert gesture.target in APP_TABS[Path(tutorial.notebook).name], gesture.target
            elif gesture.kind in ("click", "fill", "select", "show", "wait", "upload", "download"):
                assert gesture.target.strip(), scene.caption
    assert tutorial.planned_s() < MAX_TUTORIAL_S - 20  # a margin for the kernels' answers


def test_a_scene_lasts_at_least_the_time_to_read_it():
    short, long = Scene("Ouvrez l'onglet."), Scene("Une phrase " * 20 + ".")
    assert short.planned_s() >= 3 and long.planned_s() > short.planned_s()
    typing = Scene("Tapez.", fill(".x input", "un texte assez long " * 5))
    assert typing.planned_s() > 4
    assert Scene("  Deux   espaces\n ici. ").caption == "Deux espaces ici."


def test_tutorials_are_chosen_by_name_in_the_catalogue_order():
    assert [t.name for t in chosen(None)] == [t.name for t in TUTORIALS]
    assert [t.name for t in chosen([TUTORIALS[1].name, TUTORIALS[0].name])] == [TUTORIALS[0].name, TUTORIALS[1].name]
    with pytest.raises(TutorialError, match="Tutoriel inconnu : pas-ici. Tutoriels : espace"):
        chosen(["pas-ici"])


def test_the_message_of_a_missing_target_names_the_tutorial_the_scene_and_what_to_do():
    tutorial = Tutorial("essai", "Un essai", "tests/e2e/notebooks/bare.ipynb", "Pour voir.",
                        scenes=(Scene("Cliquez ici."), Scene("Puis sur le bouton absent.", click(".absent"))))
    message = Recorder._failure(tutorial, 2, tutorial.scenes[1], tutorial.scenes[1].gestures[0], "target")
    assert message.startswith("Tutoriel « Un essai » (essai), scène 2 « Puis sur le bouton absent. » : "
                              "l'élément « .absent » n'est pas à l'écran après 20 s.")
    assert "kit/tutorials/catalogue.py" in message and "--seulement essai" in message
    gone = Recorder._failure(tutorial, 1, tutorial.scenes[0], tab("9. Nulle part"), "expect")
    assert "l'onglet « 9. Nulle part »" in gone


# -- frames and folder ------------------------------------------------------------------------------


def test_each_frame_is_shown_until_the_next_and_the_last_until_the_end(tmp_path):
    frames = Frames(tmp_path / "f", fps=8)
    frames.add(0.3, b"a")  # slot 2: the first frame also covers the start
    frames.add(1.0, b"b")  # slot 8
    frames.add(1.05, b"c")  # slot 8 again: replaces b
    listing = frames.concat_list(3.0)
    durations = [float(line.split()[1]) for line in listing.splitlines() if line.startswith("duration")]
    assert durations == [1.0, 2.0] and sum(durations) == 3.0
    assert (tmp_path / "f" / "000008.jpg").read_bytes() == b"c"
    assert listing.splitlines()[-1] == "file '000008.jpg'"


def test_the_folder_is_beside_the_workspaces_unless_given(tmp_path, monkeypatch):
    monkeypatch.delenv(folder.ENV_VAR, raising=False)
    monkeypatch.setenv("KIT_ESPACES", str(tmp_path / "donnees" / "espaces"))
    assert folder.default_folder() == tmp_path / "donnees" / "tutoriels"
    monkeypatch.setenv(folder.ENV_VAR, str(tmp_path / "ailleurs"))
    assert folder.default_folder() == tmp_path / "ailleurs"


def fake_recording(where: Path, tutorial: Tutorial, *, text: bool = True) -> None:
    video, subtitles, page = folder.files_of(where, tutorial.name)
    where.mkdir(parents=True, exist_ok=True)
    video.write_bytes(b"\x1aE\xdf\xa3 pas une vraie video")
    cues = [Cue(i * 4.0, i * 4.0 + 4, s.caption) for i, s in enumerate(tutorial.scenes)]
    subtitles.write_text(write_vtt(cues), encoding="utf-8")
    if text:
        page.write_text(text_version(tutorial.title, tutorial.summary, cues), encoding="utf-8")


def test_only_complete_tutorials_of_the_catalogue_are_listed(tmp_path):
    fake_recording(tmp_path, TUTORIALS[1])
    (tmp_path / f"{TUTORIALS[0].name}.webm").write_bytes(b"x")  # no subtitles: not listed
    (tmp_path / "inconnu.webm").write_bytes(b"x")
    (tmp_path / "inconnu.vtt").write_text("WEBVTT\n")
    found = folder.recorded(tmp_path)
    assert [r.tutorial.name for r in found] == [TUTORIALS[1].name]
    assert len(found[0].cues()) == len(TUTORIALS[1].scenes)


# -- the resources page -----------------------------------------------------------------------------


def test_the_resources_page_says_how_to_record_them_when_there_are_none(tmp_path):
    from kit.apps.ressources import ResourcesApp

    app = ResourcesApp(tutorials=tmp_path / "vide")
    assert "python -m kit tutoriels" in app.tutorials.widget.value
    assert "kit-tutorials-none" in app.tutorials.widget.value


def test_the_resources_page_lists_plays_and_prints_the_recorded_ones(tmp_path):
    import base64

    from kit.apps.ressources import ResourcesApp

    tutorial = TUTORIALS[0]
    fake_recording(tmp_path, tutorial)
    app = ResourcesApp(tutorials=tmp_path)
    section = app.tutorials
    html = section.widget.children[1].children[0].children[0].value
    assert tutorial.title in html and f"Version texte ({len(tutorial.scenes)} étapes)" in html
    assert html.count("<li>") == len(tutorial.scenes) and 'download="espace.html"' in html
    assert section.player.value == ""  # nothing sent before it is asked for
    button = section.widget.children[1].children[0].children[1]
    assert f"kit-tutorial-play-{tutorial.name}" in button._dom_classes
    button.click()
    player = section.player.value
    assert "<video" in player and "data:video/webm;base64," in player
    vtt = re.search(r"src='data:text/vtt;base64,([^']+)'", player).group(1)
    assert base64.b64decode(vtt).decode().startswith("WEBVTT")
    assert "srclang='fr'" in player and " default " in player


def test_the_command_line_knows_the_command():
    from kit.cli import build_parser

    args = build_parser().parse_args(["tutoriels", "--output", "x", "--seulement", "espace", "micmac"])
    assert args.command == "tutoriels" and args.output == "x" and args.seulement == ["espace", "micmac"]
