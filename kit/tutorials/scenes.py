"""What a tutorial is: an app, opened on a fresh demo territory, and a short list of scenes.

A scene is a French caption (the subtitle shown while it plays, and one step of the text version) and the
gestures it shows, in order: `click`, `fill`, `set_value`, `select`, `tab`, `show`, `press`, `wait`, `upload`, `download`.
Each gesture names its target by a CSS selector (Playwright's: `:has-text(...)` works) and may name what must
appear afterwards (`expect=`): the recorder waits for it, and a target or an outcome that does not come
stops the recording with a French message naming the tutorial and the scene (the screen has changed).

    Tutorial("enjeux", "Saisir et formuler les enjeux", "notebooks/10_enjeux.ipynb", scenes=(
        Scene("Ouvrez l'onglet « 2. Enjeux ».", tab("2. Enjeux")),
        Scene("Donnez un titre court à l'enjeu, puis « Ajouter ».",
              fill(".kit-stake-title input", "Mobilité des jeunes"), click(".kit-add-stake", expect=...)),
    ))
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Pace: a caption stays on screen at least the time to read it, and a gesture takes the time to see it.
READING_CHARS_PER_S = 14
MIN_SCENE_S = 3.0
RING_BEFORE_CLICK_S = 0.9  # the ring is drawn around the target this long before the click
AFTER_GESTURE_S = 0.6
TYPING_DELAY_MS = 45  # between two keys typed
TITLE_CARD_S = 3.0  # the tutorial's title, over the app, before the first scene
MAX_TUTORIAL_S = 180  # the programme promises tutorials under three minutes
KINDS = ("click", "fill", "set", "select", "tab", "show", "press", "wait", "upload", "download", "hide")


@dataclass(frozen=True)
class Gesture:
    kind: str  # one of KINDS
    target: str = ""  # CSS selector (a tab's title for "tab", a key for "press")
    value: str = ""  # the text typed ("fill"), the option's label ("select"), a file's name ("upload")
    expect: str = ""  # CSS selector of what must be visible afterwards
    timeout_s: float = 20.0  # how long the target and the outcome may take (a kernel's answer)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown gesture kind {self.kind!r}")

    def planned_s(self) -> float:
        """The time this gesture is expected to take on screen (its kernel's answer not counted)."""
        typing = len(self.value) * TYPING_DELAY_MS / 1000 if self.kind == "fill" else 0
        ring = RING_BEFORE_CLICK_S if self.kind not in ("press", "wait", "hide") else 0
        return ring + typing + AFTER_GESTURE_S

    def described(self) -> str:
        """This gesture's target, in French, for a message saying it was not found."""
        if self.kind == "tab":
            return f"l'onglet « {self.target} »"
        if self.kind == "press":
            return f"la touche {self.target}"
        return f"l'élément « {self.target} »"


@dataclass(frozen=True)
class Scene:
    caption: str  # French, one or two sentences: the subtitle and the step of the text version
    gestures: tuple[Gesture, ...] = ()
    hold_s: float | None = None  # at least this long on screen (default: the time to read the caption)

    def __init__(self, caption: str, *gestures: Gesture, hold_s: float | None = None):
        object.__setattr__(self, "caption", " ".join(caption.split()))
        object.__setattr__(self, "gestures", tuple(gestures))
        object.__setattr__(self, "hold_s", hold_s)

    def reading_s(self) -> float:
        return max(MIN_SCENE_S, len(self.caption) / READING_CHARS_PER_S, self.hold_s or 0)

    def planned_s(self) -> float:
        """On screen at least the reading time; longer when its gestures take longer."""
        return max(self.reading_s(), sum(g.planned_s() for g in self.gestures) + 1.0)


@dataclass(frozen=True)
class Tutorial:
    name: str  # the files' name: <name>.webm, <name>.vtt, <name>.html; `--seulement NAME`
    title: str  # French
    notebook: str  # the app it is recorded in, relative to the repository root
    summary: str = ""  # French: one sentence under the title on the resources page
    scenes: tuple[Scene, ...] = field(default_factory=tuple)
    # The app's address after "?": {espace} is the demo workspace's id. The step-by-step panel is hidden by
    # default, as when projecting, to leave the screen to the method.
    query: str = "espace={espace}&pasapas=non"
    # The demo prepared before opening the app: "demo" (one territory), "cohort" (a cohort of three).
    setup: str = "demo"

    def planned_s(self) -> float:
        return TITLE_CARD_S + sum(scene.planned_s() for scene in self.scenes)


def click(css: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    return Gesture("click", css, expect=expect, timeout_s=timeout_s)


def fill(css: str, text: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    """Type `text` in the box, key by key, then leave it (Tab), as a person does: the app saves on leaving."""
    return Gesture("fill", css, text, expect=expect, timeout_s=timeout_s)


def set_value(css: str, text: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    """Put `text` in the box at once, then leave it: a date box (`2027-10-01`), which is not typed key by key."""
    return Gesture("set", css, text, expect=expect, timeout_s=timeout_s)


def select(css: str, label: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    """Choose the option `label` in the <select> `css`."""
    return Gesture("select", css, label, expect=expect, timeout_s=timeout_s)


def tab(title: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    return Gesture("tab", title, expect=expect, timeout_s=timeout_s)


def show(css: str, *, timeout_s: float = 30.0) -> Gesture:
    """Scroll to the element and draw the ring around it, without clicking: « look here »."""
    return Gesture("show", css, timeout_s=timeout_s)


def press(key: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    return Gesture("press", key, expect=expect, timeout_s=timeout_s)


def wait(css: str, *, timeout_s: float = 30.0) -> Gesture:
    """Wait until `css` is in the page (a chart being drawn: its points), showing nothing more."""
    return Gesture("wait", css, timeout_s=timeout_s)


def upload(css: str, file_name: str, *, expect: str = "", timeout_s: float = 20.0) -> Gesture:
    """Click the upload button `css` and give it the file `file_name` downloaded earlier in the tutorial."""
    return Gesture("upload", css, file_name, expect=expect, timeout_s=timeout_s)


def download(css: str, *, timeout_s: float = 60.0) -> Gesture:
    """Click the download link `css` (waited for: a deliverable may take a while) and keep the file."""
    return Gesture("download", css, timeout_s=timeout_s)


def hide() -> Gesture:
    """Take the ring away."""
    return Gesture("hide")
