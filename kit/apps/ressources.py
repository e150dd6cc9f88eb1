"""Resources app: the references and the resource bodies of the programme, filtered by theme, session,
kind and a free search.

Reads `kit.reference.resources` only; it saves nothing and needs no workspace, so it opens the same for every
territory. The data are the two CSVs a facilitator edits (data/README.md): a line their edit broke is
listed in the message area, in French, and left out, while every other line is still shown.

The widgets are built once; a filter change only rewrites the count line and the one HTML widget of
results, so typing in the search box stays fluid on a projector laptop.
"""

from __future__ import annotations

import base64
from pathlib import Path

import ipywidgets as w

from kit.errors import KitError
from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit.reference.resources import (BODY, BODY_KIND, COLUMNS, KINDS, REFERENCE, THEMES, check_resources, filter_resources,
                           is_link, load_resources, valid_resources)
from kit.tutorials import folder as tutorial_folder
from kit.tutorials.subtitles import minutes_seconds, steps_html

from .ui import Messages, button, choice, download_link, esc, esc_attr, heading, page, tagged

SESSION_OPTIONS = [("Toutes les sessions", 0), ("Session 1 — Enjeux et défis", 1),
                   ("Session 2 — Construire le projet", 2), ("Session 3 — Passer à l'action", 3)]
KIND_LABELS = {"ouvrage": "Ouvrage", "guide": "Guide", "rapport": "Rapport", "site": "Site internet",
               "données": "Données", "outil": "Outil", BODY_KIND: "Organisme ressource"}
UNCHECKED_TIP = ("Adresse ou titre non confirmés lors de la rédaction de la liste : "
                 "à vérifier avant de la transmettre.")

STYLE = """
<style>
.kit-resources .kit-cards .kit-card.kit-resource { width: 560px; }
.kit-resources .kit-resource p { margin: 4px 0; }
.kit-resources .kit-resource a { word-break: break-all; }
.kit-resources .kit-resource-kind { display: inline-block; padding: 0 8px; border-radius: 10px; background: #e6efe9;
  font-size: 15px; }
.kit-resources .kit-resource-unchecked { font-size: 14px; color: #6b5800; border: 1px dashed #b59b2a;
  border-radius: 10px; padding: 0 6px; }
</style>
"""


def _and(items: list[str]) -> str:
    """["1", "2", "3"] -> "1, 2 et 3", as a French sentence lists things."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"


def _where(text: str) -> str:
    """A link opening in a new tab for an https address; anything else (a publisher...) as plain text."""
    if is_link(text):
        return (f"<a class='kit-link kit-resource-link' href='{esc_attr(text)}' target='_blank' "
                f"rel='noopener noreferrer'>{esc(text)}</a>")
    return esc(text)


def resource_card(row: pd.Series) -> str:
    """One resource as an HTML card; every value from the CSVs is escaped."""
    body = row["type"] == BODY_KIND
    mark = "" if row["verifie"] == "oui" else (
        f" <span class='kit-resource-unchecked' title='{esc_attr(UNCHECKED_TIP)}'>à vérifier</span>")
    if body:
        who = f"Échelle d'intervention : {esc(row['auteur'])}" if row["auteur"] else ""
    else:
        who = esc(", ".join(part for part in (row["auteur"], row["annee"]) if part))
    sessions = [str(s) for s in row["sessions"]]
    facts = (f"Thèmes : {esc(', '.join(row['themes']))} · "
             f"{'Sessions' if len(sessions) > 1 else 'Session'} {esc(_and(sessions))}")
    return (f"<div class='kit-card kit-resource'>"
            f"<b class='kit-resource-title'>{esc(row['titre'])}</b> "
            f"<span class='kit-resource-kind'>{esc(KIND_LABELS.get(row['type'], row['type']))}</span>{mark}"
            + (f"<br><span class='kit-sub'>{who}</span>" if who else "")
            + f"<p>{esc(row['apport'])}</p><p class='kit-sub'>{facts}</p>"
            f"<p>Où la trouver : {_where(row['ou_trouver'])}</p></div>")


def results_html(found: pd.DataFrame) -> str:
    """The bodies under their own heading, above the references."""
    parts = []
    for category, title in ((BODY, "Organismes ressources"), (REFERENCE, "Références")):
        rows = found[found["categorie"] == category]
        if len(rows):
            cards = "".join(resource_card(row) for _, row in rows.iterrows())
            parts.append(f"<h2>{title}</h2><div class='kit-cards'>{cards}</div>")
    return "".join(parts)


def count_text(found: pd.DataFrame) -> str:
    """"12 ressources : 3 organismes ressources et 9 références", or "Aucune ressource"."""
    if found.empty:
        return "Aucune ressource"
    bodies = int((found["categorie"] == BODY).sum())
    references = len(found) - bodies
    detail = [part for count, part in ((bodies, _plural(bodies, "organisme ressource", "organismes ressources")),
                                       (references, _plural(references, "référence", "références"))) if count]
    return f"{_plural(len(found), 'ressource', 'ressources')} : {_and(detail)}"


TUTORIALS_STYLE = """
<style>
.kit-resources .kit-tutorials .kit-card.kit-tutorial { width: 560px; }
.kit-resources .kit-tutorial p { margin: 4px 0; }
.kit-resources .kit-tuto-steps li { margin: 2px 0; }
.kit-resources .kit-tuto-at { color: #555; font-variant-numeric: tabular-nums; margin-right: 4px; }
.kit-resources .kit-tutorial-player video { max-width: 100%; background: #000; }
</style>
"""


class TutorialsSection:
    """The recorded video tutorials (`kit.tutorials.folder`): a card each with its text version (the subtitles
    as numbered steps, printable as HTML), played in the page on demand (a data: URL, sent only when asked:
    the folder is not served by Voilà). None recorded: the command that records them."""

    def __init__(self, messages: Messages, folder: Path | None = None):
        self.messages = messages
        self.folder = tutorial_folder.default_folder() if folder is None else Path(folder)
        self.player = tagged(w.HTML(), "kit-tutorial-player")
        try:
            self.found = tutorial_folder.recorded(self.folder)
        except (OSError, ValueError) as error:  # an unreadable subtitles file: said, the rest of the page shown
            self.found = []
            messages.error("Les tutoriels vidéo ne peuvent pas être lus.", [str(error)])
        if not self.found:
            self.widget = tagged(w.HTML(
                "<h2>Tutoriels vidéo</h2><div class='kit-msg kit-msg-info kit-tutorials-none'>Les tutoriels vidéo "
                f"(quelques minutes chacun, sous-titrés) ne sont pas encore enregistrés dans {esc(str(self.folder))}. "
                "Pour les fabriquer depuis les applications du kit, dans le dossier du kit : "
                f"<code>{esc(tutorial_folder.COMMAND)}</code>.</div>"), "kit-tutorials")
            return
        cards = []
        for recorded in self.found:
            play = tagged(button(f"Voir « {recorded.tutorial.title} »", style="primary", icon="play"),
                          f"kit-tutorial-play-{recorded.tutorial.name}")
            play.add_class("kit-tutorial-play")
            play.on_click(messages.guard(lambda _, r=recorded: self.play(r)))
            cards.append(w.VBox([w.HTML(self.card(recorded)), play], layout=w.Layout(margin="0 12px 12px 0")))
        self.widget = tagged(w.VBox([
            w.HTML(TUTORIALS_STYLE + "<h2>Tutoriels vidéo</h2><p class='kit-sub'>Enregistrés depuis les applications "
                   "du kit, sur le territoire fictif de démonstration ; chacun a sa version texte, à imprimer.</p>"),
            w.HBox(cards, layout=w.Layout(flex_flow="row wrap")), self.player]), "kit-tutorials")

    @staticmethod
    def card(recorded) -> str:
        """Title, summary, length and the text version (folded), with its printable HTML to download."""
        cues = recorded.cues()
        length = minutes_seconds(cues[-1].end) if cues else ""
        text = (download_link(recorded.text.read_bytes(), recorded.text.name, "Version texte à imprimer (HTML)",
                              "text/html") if recorded.text.is_file() else "")
        return (f"<div class='kit-card kit-tutorial kit-tutorial-{esc_attr(recorded.tutorial.name)}'>"
                f"<b class='kit-tutorial-title'>{esc(recorded.tutorial.title)}</b>"
                + (f" <span class='kit-sub'>({esc(length)})</span>" if length else "")
                + f"<p>{esc(recorded.tutorial.summary)}</p>"
                f"<details class='kit-tutorial-text'><summary>Version texte ({len(cues)} étapes)</summary>"
                f"{steps_html(cues)}</details><p>{text}</p></div>")

    def play(self, recorded) -> None:
        video = base64.b64encode(recorded.video.read_bytes()).decode("ascii")
        vtt = base64.b64encode(recorded.subtitles.read_bytes()).decode("ascii")
        self.player.value = (
            f"<h3>{esc(recorded.tutorial.title)}</h3>"
            f"<video class='kit-tutorial-video' controls autoplay width='960' "
            f"data-tutorial='{esc_attr(recorded.tutorial.name)}' src='data:video/webm;base64,{video}'>"
            f"<track kind='subtitles' srclang='fr' label='Français' default src='data:text/vtt;base64,{vtt}'>"
            "Ce navigateur ne lit pas les vidéos WebM : la version texte ci-dessus dit les mêmes étapes.</video>")


class ResourcesApp:
    """The resources page. `frame` replaces the shipped lists (tests, or a draft list being checked)."""

    def __init__(self, frame: pd.DataFrame | None = None, tutorials: Path | None = None):
        self.messages = Messages()
        self.frame = self._checked(frame)
        self.tutorials = TutorialsSection(self.messages, tutorials)  # `tutorials`: their folder (default: the kit's)

        self.theme = choice("Thème", "kit-resources-theme", "380px",
                            options=[("Tous les thèmes", "")] + [(t[0].upper() + t[1:], t) for t in THEMES], value="")
        self.session = choice("Session", "kit-resources-session", "420px", options=SESSION_OPTIONS, value=0)
        self.kind = choice("Type", "kit-resources-kind", "380px",
                           options=[("Tous les types", "")] + [(KIND_LABELS[k], k) for k in KINDS], value="")
        self.search = tagged(w.Text(description="Rechercher", continuous_update=True,
                                    placeholder="un mot du titre, de l'auteur ou de l'apport (ex. : chaleur)",
                                    layout=w.Layout(width="640px"), style={"description_width": "initial"}),
                             "kit-resources-search")
        self.count = tagged(w.HTML(), "kit-resources-count")
        self.results = tagged(w.HTML(), "kit-resources-results")
        for control in (self.theme, self.session, self.kind, self.search):
            control.observe(self.messages.guard(lambda _: self.show()), names="value")

        self.root = page(
            w.HTML(STYLE),
            heading("Ressources et organismes experts",
                    "Les références et les organismes que le groupe projet peut mobiliser, séance par séance"),
            w.HTML("<a class='kit-link' href='./00_accueil.ipynb'>← Retour à l'accueil</a>"),
            self.messages.widget,
            self.tutorials.widget,
            w.HBox([self.theme, self.session]),
            w.HBox([self.kind, self.search]),
            self.count,
            self.results,
            app_class="kit-resources",
        )
        self.messages.guard(self.show)()
        self.root.add_class("kit-ready")

    def _checked(self, frame: pd.DataFrame | None) -> pd.DataFrame:
        """The lines that can be shown; the others are listed in the message area, to be fixed in the CSV."""
        try:
            frame = load_resources() if frame is None else frame
        except KitError as error:
            self.messages.error(error.message, error.details)
            return pd.DataFrame(columns=COLUMNS)
        problems = check_resources(frame)
        if problems:
            self.messages.error("Des lignes des fichiers de ressources sont à corriger : elles ne sont pas "
                                "affichées, les autres le sont (voir data/README.md).", problems)
        return valid_resources(frame)

    def show(self) -> None:
        """Apply the four filters and redraw the count and the cards."""
        found = filter_resources(self.frame, theme=self.theme.value, session=self.session.value or None,
                                 kind=self.kind.value, text=self.search.value)
        self.count.value = f"<p class='kit-sub'><b>{esc(count_text(found))}</b></p>"
        if found.empty:
            typed = self.search.value.strip()
            about = f" à la recherche « {esc(typed)} »" if typed else " à ces filtres"
            self.results.value = (f"<div class='kit-msg kit-msg-info kit-resources-none'>Aucune ressource ne "
                                  f"correspond{about}. Choisissez un autre thème, une autre session ou un autre type, "
                                  "ou effacez la recherche.</div>")
        else:
            self.results.value = results_html(found)


def resources_app(frame: pd.DataFrame | None = None, tutorials: Path | None = None) -> w.Widget:
    """The resources app's root widget (what `notebooks/ressources.ipynb` displays); `tutorials`: the folder of
    the recorded video tutorials (default: `kit.tutorials.folder.default_folder()`)."""
    return ResourcesApp(frame, tutorials).root
