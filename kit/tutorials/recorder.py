"""Record the tutorials: a real Voilà (started as the end-to-end tests start it), Debian's chromium driven by
Playwright on a fresh demo territory, frames captured from the browser's screencast, WebM written by ffmpeg.

    python -m kit tutoriels [--output DIR] [--seulement NOM ...]

From a checkout with the test tools (`pip install -e ".[test]"`): the server and the browser are those of
`tests/harness.py` (offline, throwaway home and workspaces). A target that is not on screen stops the
recording with a `TutorialError` naming the tutorial and the scene: a tutorial never skips a gesture silently.
"""

from __future__ import annotations

import base64
import contextlib
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kit.errors import KitError
from kit.text import shorten

from .catalogue import TUTORIALS
from .folder import Recorded, default_folder, files_of
from .scenes import AFTER_GESTURE_S, RING_BEFORE_CLICK_S, TITLE_CARD_S, TYPING_DELAY_MS, Gesture, Scene, Tutorial
from .subtitles import Cue, text_version, write_vtt
from .video import FPS, HEIGHT, WIDTH, Frames, duration_of, encode

CATALOGUE_FILE = "kit/tutorials/catalogue.py"
END_HOLD_S = 1.5  # the last screen, still, after the last scene
OPEN_TIMEOUT_MS = 180_000  # an app's first page: a kernel start on two busy cores

# The pointer and the ring drawn where the next gesture happens, and the title card: a small overlay of the
# recording only (pointer-events: none, so it never takes a click).
OVERLAY_JS = r"""
() => {
  if (window.kitTuto) return;
  const style = document.createElement('style');
  style.textContent = `
    #kit-tuto-ring { position: fixed; z-index: 2147483646; pointer-events: none; border: 4px solid #e4572e;
      border-radius: 10px; box-shadow: 0 0 0 6px rgba(228, 87, 46, .25); opacity: 0;
      transition: left .45s ease, top .45s ease, width .45s ease, height .45s ease, opacity .3s, transform .15s; }
    #kit-tuto-ring.on { opacity: 1; }
    #kit-tuto-ring.press { transform: scale(.94); box-shadow: 0 0 0 12px rgba(228, 87, 46, .4); }
    #kit-tuto-pointer { position: fixed; z-index: 2147483647; pointer-events: none; width: 16px; height: 16px;
      margin: -8px 0 0 -8px; border-radius: 50%; background: rgba(228, 87, 46, .9); border: 3px solid #fff;
      box-shadow: 0 1px 5px rgba(0, 0, 0, .45); left: 640px; top: 360px; opacity: 0;
      transition: left .6s ease, top .6s ease, opacity .3s; }
    #kit-tuto-pointer.on { opacity: 1; }
    #kit-tuto-title { position: fixed; inset: 0; z-index: 2147483645; pointer-events: none; display: flex;
      flex-direction: column; align-items: center; justify-content: center; background: rgba(20, 60, 45, .88);
      color: #fff; font-family: sans-serif; text-align: center; transition: opacity .6s; }
    #kit-tuto-title h1 { font-size: 46px; margin: 0 60px 18px; }
    #kit-tuto-title p { font-size: 24px; margin: 0 80px; opacity: .9; }`;
  document.head.appendChild(style);
  const ring = document.createElement('div'); ring.id = 'kit-tuto-ring';
  const pointer = document.createElement('div'); pointer.id = 'kit-tuto-pointer';
  document.body.append(ring, pointer);
  window.kitTuto = (el, mode) => {
    if (mode === 'hide') { ring.classList.remove('on', 'press'); return; }
    const r = el.getBoundingClientRect(), pad = 6;
    Object.assign(ring.style, { left: (r.left - pad) + 'px', top: (r.top - pad) + 'px',
      width: (r.width + 2 * pad) + 'px', height: (r.height + 2 * pad) + 'px' });
    ring.classList.add('on'); pointer.classList.add('on');
    // Towards the end of the element, where a box's text or a button's label is not hidden by it.
    Object.assign(pointer.style, { left: (r.left + Math.max(12, Math.min(r.width - 12, r.width * 0.85))) + 'px',
      top: (r.top + r.height * 0.7) + 'px' });
    if (mode === 'press') { ring.classList.add('press'); setTimeout(() => ring.classList.remove('press'), 220); }
  };
  window.kitTutoTitle = (title, summary) => {
    const card = document.createElement('div'); card.id = 'kit-tuto-title';
    const h = document.createElement('h1'); h.textContent = title;
    const p = document.createElement('p'); p.textContent = summary;
    card.append(h, p); document.body.appendChild(card);
  };
  window.kitTutoTitleOff = () => {
    const card = document.getElementById('kit-tuto-title');
    if (card) { card.style.opacity = 0; setTimeout(() => card.remove(), 700); }
  };
}
"""


class TutorialError(KitError):
    """A tutorial cannot be recorded: its app has changed (a target is missing), or the tools are missing."""


def _playwright():
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise TutorialError("Le module « playwright » manque : installez les outils de test du kit avec "
                            "« python -m pip install -e \".[test]\" » (le navigateur est le chromium du système, "
                            "/usr/bin/chromium : jamais « playwright install »).") from None
    return sync_playwright, Error


def _harness():
    """The end-to-end tests' server and browser (tests/harness.py), from the checkout this kit is in."""
    from kit.serve import REPO_ROOT

    if not (REPO_ROOT / "tests" / "harness.py").is_file():
        raise TutorialError("Les tutoriels s'enregistrent depuis le dossier du kit téléchargé depuis son dépôt "
                            "(il faut tests/harness.py), pas depuis une installation du paquet.")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    from tests import harness

    return harness


def chosen(names: list[str] | None) -> list[Tutorial]:
    """The catalogue's tutorials named (all of them if none), in the catalogue's order; an unknown name is
    refused with the list of known ones."""
    known = {t.name: t for t in TUTORIALS}
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise TutorialError(f"Tutoriel inconnu : {', '.join(unknown)}. Tutoriels : {', '.join(known)}.")
    return [t for t in TUTORIALS if not names or t.name in names]


@dataclass
class Made:
    recorded: Recorded
    seconds: float
    bytes: int


class Recorder:
    """Records tutorials through a running Voilà (`base_url`) whose kernels' workspaces are `store`'s.

    `work`: a scratch folder (frames, downloads, browser profiles); `output`: where the files go."""

    def __init__(self, playwright, base_url: str, store, work: Path, output: Path, *, log=print):
        self.playwright, self.base_url, self.store = playwright, base_url, store
        self.work, self.output, self.log = Path(work), Path(output), log
        self.work.mkdir(parents=True, exist_ok=True)
        self.harness = _harness()
        _sync, self.Error = _playwright()

    def _workspace(self, tutorial: Tutorial) -> str:
        if tutorial.setup == "cohort":
            from kit.cohort.cohorts import CohortFolder
            from kit.demo import create_demo_cohort

            cohort = create_demo_cohort(self.store, CohortFolder.of(self.store), 3)
            return cohort.members[0].id
        from kit.demo import create_demo

        return create_demo(self.store).id

    def record(self, tutorial: Tutorial) -> Made:
        self.log(f"Enregistrement de « {tutorial.title} » ({tutorial.name})…")
        query = tutorial.query.format(espace=self._workspace(tutorial))
        frames_folder = Path(tempfile.mkdtemp(prefix=f"{tutorial.name}-", dir=self.work))
        try:
            with self.harness.browser_context(self.playwright, self.harness.Watch(console=False), profile_in=self.work,
                                              accept_downloads=True) as context:
                page = self.harness.first_page(context)
                try:
                    self.harness.open_app(page, self.base_url, tutorial.notebook, query, goto_timeout_ms=OPEN_TIMEOUT_MS)
                except self.Error as error:
                    raise TutorialError(f"Tutoriel « {tutorial.title} » ({tutorial.name}) : l'application "
                                        f"{tutorial.notebook} ne s'ouvre pas.", details=[str(error).splitlines()[0]]) from None
                frames = Frames(frames_folder)
                cues, seconds = self._play(context, page, tutorial, frames)
            self.output.mkdir(parents=True, exist_ok=True)
            video, subtitles, text = files_of(self.output, tutorial.name)
            encode(frames, seconds, video)
            subtitles.write_text(write_vtt(cues), encoding="utf-8")
            text.write_text(text_version(tutorial.title, tutorial.summary, cues), encoding="utf-8")
        finally:
            shutil.rmtree(frames_folder, ignore_errors=True)
        made = Made(Recorded(tutorial, video, subtitles, text), duration_of(video), video.stat().st_size)
        self.log(f"  {video} : {made.seconds:.1f} s, {made.bytes / 1e6:.1f} Mo ({len(cues)} scènes)")
        return made

    def _play(self, context, page, tutorial: Tutorial, frames: Frames) -> tuple[list[Cue], float]:
        """Run the scenes while the browser's screencast is captured; returns the cues and the length."""
        cdp = context.new_cdp_session(page)
        start = time.monotonic()

        def now() -> float:
            return time.monotonic() - start

        def on_frame(params: dict) -> None:
            frames.add(now(), base64.b64decode(params["data"]))
            with contextlib.suppress(self.Error):  # the page may be closing
                cdp.send("Page.screencastFrameAck", {"sessionId": params["sessionId"]})

        cdp.on("Page.screencastFrame", on_frame)
        page.evaluate(OVERLAY_JS)
        cdp.send("Page.startScreencast", {"format": "jpeg", "quality": 80, "maxWidth": WIDTH,
                                          "maxHeight": HEIGHT, "everyNthFrame": 1})
        try:
            page.evaluate("([t, s]) => window.kitTutoTitle(t, s)", [tutorial.title, tutorial.summary])
            page.wait_for_timeout(TITLE_CARD_S * 1000)
            page.evaluate("() => window.kitTutoTitleOff()")
            page.wait_for_timeout(600)
            cues = []
            downloads: dict[str, Path] = {}
            for number, scene in enumerate(tutorial.scenes, 1):
                begin = now()
                self._scene(page, tutorial, number, scene, downloads)
                page.wait_for_timeout(max(0.0, scene.reading_s() - (now() - begin)) * 1000)
                cues.append(Cue(round(begin, 3), round(now(), 3), scene.caption))
            page.evaluate("() => window.kitTuto && window.kitTuto(null, 'hide')")
            page.wait_for_timeout(END_HOLD_S * 1000)
            # A frame every 1/FPS s is at least what the video shows: a screen that did not move for a
            # while is shown as it last was.
            return cues, now()
        finally:
            with contextlib.suppress(self.Error):
                cdp.send("Page.stopScreencast")

    def _scene(self, page, tutorial: Tutorial, number: int, scene: Scene, downloads: dict[str, Path]) -> None:
        for gesture in scene.gestures:
            phase = "target"
            try:
                if gesture.kind == "hide":
                    page.evaluate("() => window.kitTuto && window.kitTuto(null, 'hide')")
                    continue
                if gesture.kind not in ("press", "wait"):
                    target = self._target(page, gesture)
                    target.wait_for(state="visible", timeout=gesture.timeout_s * 1000)
                    target.scroll_into_view_if_needed(timeout=gesture.timeout_s * 1000)
                    page.evaluate(OVERLAY_JS)  # again: a navigation would have taken it away
                    target.evaluate("el => window.kitTuto(el, 'show')")
                    page.wait_for_timeout(RING_BEFORE_CLICK_S * 1000)
                phase = "target" if gesture.kind == "wait" else "gesture"
                self._do(page, gesture, downloads, target if gesture.kind not in ("press", "wait") else None)
                if gesture.expect:
                    phase = "expect"
                    page.locator(gesture.expect).first.wait_for(state="visible", timeout=gesture.timeout_s * 1000)
                page.wait_for_timeout(AFTER_GESTURE_S * 1000)
                if gesture.kind not in ("show",):
                    page.evaluate("() => window.kitTuto && window.kitTuto(null, 'hide')")
            except self.Error as error:
                raise TutorialError(self._failure(tutorial, number, scene, gesture, phase),
                                    details=[str(error).splitlines()[0]]) from None

    def _target(self, page, gesture: Gesture):
        if gesture.kind == "tab":
            return page.get_by_role("tab", name=gesture.target, exact=True).first
        return page.locator(gesture.target).first

    def _do(self, page, gesture: Gesture, downloads: dict[str, Path], target) -> None:
        timeout = gesture.timeout_s * 1000
        kind = gesture.kind
        if kind in ("click", "tab"):
            target.evaluate("el => window.kitTuto(el, 'press')")
            target.click(timeout=timeout)
        elif kind == "fill":
            target.click(timeout=timeout)
            target.fill("", timeout=timeout)
            target.press_sequentially(gesture.value, delay=TYPING_DELAY_MS, timeout=timeout + len(gesture.value) * 200)
            target.press("Tab", timeout=timeout)
        elif kind == "set":
            target.fill(gesture.value, timeout=timeout)
            target.press("Tab", timeout=timeout)
        elif kind == "select":
            target.evaluate("el => window.kitTuto(el, 'press')")
            target.select_option(label=gesture.value, timeout=timeout)
        elif kind == "press":
            page.keyboard.press(gesture.target)
        elif kind == "wait":  # (attached: the inner parts of a chart have no box of their own)
            page.locator(gesture.target).first.wait_for(state="attached", timeout=timeout)
        elif kind == "download":
            with page.expect_download(timeout=timeout) as started:
                target.evaluate("el => window.kitTuto(el, 'press')")
                target.click(timeout=timeout)
            saved = self.work / "telechargements" / started.value.suggested_filename
            saved.parent.mkdir(exist_ok=True)
            started.value.save_as(saved)
            downloads[started.value.suggested_filename] = downloads[""] = saved
        elif kind == "upload":
            if (gesture.value or "") not in downloads:
                raise TutorialError(f"Rien à envoyer : la scène ne suit aucun téléchargement de « {gesture.value} ».")
            with page.expect_file_chooser(timeout=timeout) as chooser:
                target.evaluate("el => window.kitTuto(el, 'press')")
                target.click(timeout=timeout)
            chooser.value.set_files(downloads[gesture.value or ""])
        # "show": the ring drawn around the target is the gesture

    @staticmethod
    def _failure(tutorial: Tutorial, number: int, scene: Scene, gesture: Gesture, phase: str) -> str:
        where = (f"Tutoriel « {tutorial.title} » ({tutorial.name}), scène {number} "
                 f"« {shorten(scene.caption, 90)} » : ")
        if phase == "target":
            what = f"{gesture.described()} n'est pas à l'écran après {gesture.timeout_s:g} s"
        elif phase == "expect":
            what = (f"après le geste sur {gesture.described()}, « {gesture.expect} » n'apparaît pas "
                    f"en {gesture.timeout_s:g} s")
        else:
            what = f"le geste sur {gesture.described()} n'a pas pu être fait"
        return (where + what + f". L'écran a changé : mettez la scène à jour dans {CATALOGUE_FILE}, "
                "puis relancez « python -m kit tutoriels --seulement " + tutorial.name + " ».")


def _cohort_calendar(root: Path) -> Path | None:
    """The shipped programme calendar with the first cohort's application deadline 30 days ahead, as the
    end-to-end tests give it (a cohort still applying: the application screens show no deadline long past);
    None if the calendar no longer has that line (the shipped one is then used)."""
    from datetime import date, timedelta

    from kit.reference.programme import CALENDAR_PATH

    text = CALENDAR_PATH.read_text(encoding="utf-8")
    ahead = (date.today() + timedelta(days=30)).isoformat()
    moved = text.replace("2024-01-30,,Date limite de candidature", f"{ahead},,Date limite de candidature")
    if moved == text:
        return None
    path = root / "calendrier-cohorte.csv"
    path.write_text(moved, encoding="utf-8")
    return path


def record_all(names: list[str] | None = None, output: Path | None = None, *, log=print) -> list[Made]:
    """Start a Voilà as `python -m kit serve` does (in a scratch folder, offline), record each tutorial named
    (all by default) into `output` (default: `folder.default_folder()`), stop everything. A tutorial that fails
    does not stop the others; the command then fails, with each failure's message."""
    tutorials = chosen(names)
    output = default_folder() if output is None else Path(output)
    harness = _harness()
    sync_playwright, _error = _playwright()
    from kit.serve import jupyter_env, voila_command
    from kit.store import Store

    from .video import ffmpeg_exe

    ffmpeg_exe()  # missing: said before a server is started
    made: list[Made] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kit-tutoriels-") as scratch:
        root = Path(scratch)
        port = harness.free_port()
        env = jupyter_env(harness.isolated_env(root))
        calendar = _cohort_calendar(root)
        if calendar is not None:
            env["KIT_CALENDRIER"] = str(calendar)
        log(f"Serveur Voilà sur le port {port} (dossier de travail {root})…")
        try:
            with harness.serving(voila_command(port, open_browser=False), env, root / "voila.log", port=port,
                                 name="voila"):
                with sync_playwright() as playwright:
                    recorder = Recorder(playwright, harness.local_url(port), Store(root / "espaces"), root, output,
                                        log=log)
                    for tutorial in tutorials:
                        try:
                            made.append(recorder.record(tutorial))
                        except TutorialError as error:  # the others are still recorded, then it fails
                            log(f"  Échec : {error}")
                            failed.append(error.message)
        except harness.ServerError as error:
            raise TutorialError("Le serveur Voilà des tutoriels ne démarre pas.", details=[str(error)[-1500:]]) from None
        finally:
            harness.kill_leftovers(root)
    if failed:
        done = f" ({len(made)} enregistré(s) : {', '.join(m.recorded.tutorial.name for m in made)})" if made else ""
        raise TutorialError(f"{len(failed)} tutoriel(s) sur {len(tutorials)} n'ont pas pu être enregistrés{done}.",
                            details=failed)
    return made


__all__ = ["FPS", "Made", "Recorder", "TutorialError", "chosen", "record_all"]
