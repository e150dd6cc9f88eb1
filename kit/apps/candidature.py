"""The application app (note d'intention): the five parts of the note, the project group with its
contacts, the eligibility checklist and the document to sign and send.

Each part is saved as soon as the person leaves the text box (and by the "Enregistrer" button): only
that part is written, on the latest revision, so two people writing two parts never undo each
other. A part left empty shows the kit's draft (from the workspace), marked as such, until someone
saves it: the kit proposes, the territory decides.
"""

from __future__ import annotations

import ipywidgets as w

from kit.lazy import pandas as pd  # imported on first table (see kit.lazy)
from kit import edits
from kit.sessions import application
from kit.errors import KitError
from kit.model import Actor, GovernanceBody, GroupMember, checked
from kit.methods import governance
from kit.store import Store

from .session_app import SessionApp
from .inputs import DateInput
from .session_plan import MIME, checked_date
from .ui import EntityForm, button, checks_html, choice, download_link, esc, near_line, table_html, tagged

PARTS = ("note", "group", "checklist")


class ApplicationApp(SessionApp):
    title = "Candidature — la note d'intention"
    css = "kit-candidature"
    parts = PARTS
    notebook = "01_candidature.ipynb"

    def sections(self) -> list[tuple[str, w.Widget]]:
        return [("1. La note", self._note()), ("2. Groupe projet", self._group()),
                ("3. Éligibilité et document", self._checklist())]

    # -- 1. the note --------------------------------------------------------------------------------

    def _note(self) -> w.Widget:
        self.boxes: dict[str, w.Textarea] = {}
        self.hints: dict[str, w.HTML] = {}
        self._shown: dict[str, str] = {}  # what each box showed after the last redraw
        self._loaded: dict[str, str] = {}  # what was saved of each part then (a box may show the kit's draft)
        self._redrawing = False
        rows = []
        for part in application.PARTS:
            box = tagged(w.Textarea(continuous_update=False, layout=w.Layout(width="900px", height="150px")),
                         f"kit-note-{part.key}")
            box.observe(self.messages.guard(lambda change, key=part.key: self._on_text(key, change)), names="value")
            hint = tagged(w.HTML(), f"kit-note-hint-{part.key}")
            self.boxes[part.key], self.hints[part.key] = box, hint
            rows += [w.HTML(f"<h2>{esc(part.title)}</h2><p class='kit-sub'>{esc(part.guidance)}</p>"), box, hint]
        epci_name = tagged(w.Text(placeholder="Nom de l'intercommunalité", layout=w.Layout(width="460px")),
                           "kit-note-epci-name")
        epci_siren = tagged(w.Text(placeholder="SIREN (9 chiffres)", layout=w.Layout(width="200px")),
                            "kit-note-epci-siren")
        save_epci = tagged(button("Enregistrer l'intercommunalité", icon="save"), "kit-note-save-epci")
        holds = tagged(w.Checkbox(description="L'EPCI porte un contrat de ville 2024-2030", indent=False),
                       "kit-note-contract")
        phases = tagged(w.Checkbox(description="Nous nous engageons à suivre les trois phases du programme",
                                   indent=False), "kit-note-phases")
        signatory = tagged(w.Text(placeholder="Nom et qualité du signataire", layout=w.Layout(width="460px")),
                           "kit-note-signatory")
        sent_on = tagged(DateInput(description="Date d'envoi"), "kit-note-sent-on")
        save = tagged(button("Enregistrer la note", style="primary", icon="save",
                             tooltip="Enregistre chaque partie, y compris les propositions du kit"), "kit-note-save")
        prefill = tagged(button("Reprendre les propositions du kit dans les parties vides", icon="magic"),
                         "kit-note-prefill")

        # What a save writes: only what the person changed since the page showed it (see `EntityForm`).
        engagements = EntityForm({"holds_contract": holds, "three_phases": phases, "signatory": signatory,
                                  "sent_on": sent_on},
                                 read={"sent_on": lambda box: checked_date(box, "La date d'envoi")})
        territory = EntityForm({"epci_name": epci_name, "epci_siren": epci_siren},
                               read={"epci_siren": lambda box: box.value.strip().replace(" ", "")})

        def saving_quietly(save):
            """Run a save whose form, reloaded afterwards, must not save again (its widgets save when changed)."""
            quiet, self._redrawing = self._redrawing, True
            try:
                return save()
            finally:
                self._redrawing = quiet

        def on_flags(_):
            saving_quietly(lambda: self.save_form(engagements, lambda ws: ws.application, "Engagements enregistrés."))

        def on_save_all(_):
            # Every part, the kit's proposals included, and the engagements: what nobody else changed since
            # the page showed it is saved, a part someone else saved meanwhile is asked about.
            texts, loaded = {key: box.value for key, box in self.boxes.items()}, dict(self._loaded)

            def change(ws):
                edits.apply_form(ws.application, {**engagements.loaded, **loaded}, {**engagements.edited(), **texts},
                                 ws=ws, since=engagements.revision)

            try:
                saving_quietly(lambda: self.save(change, "Note d'intention enregistrée."))
            except edits.EditCollision as collision:
                engagements.adopt(collision)
                self._loaded.update({k: v for k, v in collision.theirs.items() if k in self._loaded})
                raise
            saving_quietly(lambda: engagements.load(self.ws.application, self.ws.revision))

        def on_epci(_):
            from kit.reference.geography import epci_by_siren

            siren = epci_siren.value.strip().replace(" ", "")
            known = epci_by_siren(siren) if siren else None
            if known and not epci_name.value.strip():
                epci_name.value = known["nom"]  # the name found by the SIREN, as if typed
            name = epci_name.value.strip()
            self.save_form(territory, lambda ws: ws.territory,
                           f"Intercommunalité enregistrée : {name or 'sans nom'}.")

        def on_prefill(_):
            filled = []
            self.save(lambda ws: filled.extend(application.prefill(ws)), "")
            titles = [p.title for p in application.PARTS if p.key in filled]
            if titles:
                self.messages.ok("Propositions reprises dans : " + ", ".join(titles) + ". Relisez-les et complétez-les.")
            else:
                self.messages.info("Aucune partie vide que le kit sache remplir : les parties rédigées ne sont jamais "
                                   "remplacées.")

        def redraw(ws):
            quiet, self._redrawing = self._redrawing, True  # values set here are not edits to save
            try:
                drafts = application.drafts(ws)
                for part in application.PARTS:
                    saved = getattr(ws.application, part.key)
                    shown = saved or drafts[part.key]
                    if self.boxes[part.key].value != shown:
                        self.boxes[part.key].value = shown
                    self._shown[part.key], self._loaded[part.key] = shown, saved
                    hint = application.length_hint(part, shown)
                    if not saved and shown:
                        hint = "Proposition du kit à partir de l'espace : relisez-la, complétez-la, enregistrez-la. " + hint
                    self.hints[part.key].value = f"<p class='kit-sub'>{esc(hint)}</p>"
                territory.show(ws.territory, ws.revision)  # what the person is typing stays
                engagements.show(ws.application, ws.revision)
            finally:
                self._redrawing = quiet

        for widget, handler in ((save, on_save_all), (prefill, on_prefill), (save_epci, on_epci)):
            widget.on_click(self.messages.guard(handler))
        flags_note = near_line("kit-note-flags-note")
        for widget in (holds, phases, sent_on):  # a tick or a date is saved at once, like a part left
            widget.observe(self.messages.guard(lambda change: None if self._redrawing else on_flags(None),
                                               near=flags_note), names="value")
        # A date the browser cannot read (31/02) may leave the value as it was: refused at once all the same.
        sent_on.observe(self.messages.guard(lambda change: change["new"] and not self._redrawing and on_flags(None),
                                            near=flags_note), names="unreadable")
        signatory.continuous_update = False
        signatory.observe(self.messages.guard(lambda change: None if self._redrawing else on_flags(None)),
                          names="value")
        self.on("note", redraw)
        return w.VBox([w.HTML("<h2>L'intercommunalité candidate</h2><p class='kit-sub'>Un EPCI à fiscalité propre "
                              "qui porte un contrat de ville. Le nom est retrouvé d'après le SIREN pour les EPCI de "
                              "Nouvelle-Aquitaine.</p>"), w.HBox([epci_name, epci_siren, save_epci]),
                       *rows, w.HTML("<h2>Engagements et signature</h2>"), holds, phases,
                       w.HBox([signatory, sent_on]), flags_note, w.HBox([save, prefill])])

    def _on_text(self, key: str, change) -> None:
        """A part edited then left: save that part alone on the latest revision."""
        if self._redrawing or change["new"] == self._shown.get(key):
            return
        text, before = change["new"], self._loaded.get(key, "")
        title = next(p.title for p in application.PARTS if p.key == key)
        conflict = []

        def edit(ws):
            current = getattr(ws.application, key)
            if edits.merge_form({key: current}, {key: before}, {key: text})[1]:
                conflict.append(current)  # someone else saved this part meanwhile: theirs stays in the history
            checked(lambda: application.set_part(ws.application, key, text))

        self.save(edit, f"« {title} » enregistré.")
        if conflict:
            self.messages.info(f"« {title} » avait été modifié par une autre personne entre-temps ; votre version est "
                               "enregistrée, la sienne reste dans l'historique de l'espace (accueil).")

    # -- 2. the project group ----------------------------------------------------------------------

    def _group(self) -> w.Widget:
        name = tagged(w.Text(placeholder="Structure ou fonction (ex. : vice-président politique de la ville)",
                             layout=w.Layout(width="520px")), "kit-cand-name")
        person = tagged(w.Text(placeholder="Personne", layout=w.Layout(width="300px")), "kit-cand-person")
        role = choice("Rôle", "kit-cand-role", "420px", options=list(governance.ROLES))
        contact = tagged(w.Text(placeholder="Coordonnées (courriel, téléphone)", layout=w.Layout(width="420px")),
                         "kit-cand-contact")
        add = tagged(button("Ajouter au groupe projet", style="primary", icon="user-plus"), "kit-cand-add")
        members = tagged(w.HTML(), "kit-cand-group")
        member = self.choices(choice("Membre", "kit-cand-member", "520px"), lambda ws: [("", "")] + [
            (a.name, a.id) for a in ws.actors if a.id in {m.actor_id for m in ws.project_group}])
        new_contact = tagged(w.Text(placeholder="Nouvelles coordonnées", layout=w.Layout(width="420px")),
                             "kit-cand-new-contact")
        update = tagged(button("Mettre à jour les coordonnées", icon="pencil"), "kit-cand-update")
        leave = tagged(button("Retirer du groupe", icon="user-times"), "kit-cand-leave")
        body = tagged(w.Text(placeholder="Ex. : bureau communautaire", layout=w.Layout(width="520px")),
                      "kit-cand-body")
        save_body = tagged(button("Enregistrer l'instance", icon="save"), "kit-cand-save-body")

        def on_add(_):
            if not name.value.strip():
                raise KitError("Indiquez la structure ou la fonction du membre.")
            new = checked(lambda: Actor(name=name.value, person=person.value, contact=contact.value))
            chosen_role = role.value

            def change(ws):
                existing = next((a for a in ws.actors if a.name.casefold() == new.name.casefold()), None)
                if existing is None:
                    ws.actors.append(new)
                    existing = new
                elif any(m.actor_id == existing.id and m.role == chosen_role for m in ws.project_group):
                    raise KitError(f"« {existing.name} » figure déjà dans le groupe comme {chosen_role}.")
                if new.person and not existing.person:
                    existing.person = new.person
                if new.contact:
                    existing.contact = new.contact
                ws.project_group.append(GroupMember(actor_id=existing.id, role=chosen_role))

            self.save(change, f"« {new.name} » ajouté au groupe projet ({chosen_role}).")
            name.value = person.value = contact.value = ""

        def chosen_member() -> str:
            if not member.value:
                raise KitError("Choisissez un membre du groupe projet.")
            return member.value

        # What the page shows of each member's contact and of the decision body: a save replaces them only
        # if nobody else changed them meanwhile, or asks (`edits.apply_form`, `EntityForm`).
        shown_contacts: dict[str, str] = {}
        decision_form = EntityForm({"name": body})

        def decision_body(ws):
            return next((b for b in ws.bodies if b.kind == governance.DECISION_BODY), None)

        def on_update(_):
            actor_id, text = chosen_member(), new_contact.value

            def change(ws):
                actor = next((a for a in ws.actors if a.id == actor_id), None)
                if actor is None:
                    raise KitError("Ce membre n'existe plus : il a peut-être été retiré par une autre personne.")
                edits.apply_form(actor, {"contact": shown_contacts.get(actor_id, actor.contact)}, {"contact": text},
                                 ws=ws)

            try:
                self.save(change, "Coordonnées mises à jour.")
            except edits.EditCollision as collision:
                shown_contacts[actor_id] = collision.theirs["contact"]  # asked: a second click keeps the person's
                raise
            new_contact.value = ""

        def on_leave(_):
            actor_id = chosen_member()
            self.save(lambda ws: setattr(ws, "project_group", [m for m in ws.project_group if m.actor_id != actor_id]),
                      "Membre retiré du groupe projet (il reste dans la liste des acteurs de la session 2).")

        def on_body(_):
            text = body.value

            def change(ws):
                current = decision_body(ws)
                if not text.strip():
                    raise KitError("Nommez l'instance décisionnelle (bureau communautaire, conseil communautaire…).")
                if current is None:
                    ws.bodies.append(checked(lambda: GovernanceBody(name=text, kind=governance.DECISION_BODY)))
                else:  # named by someone else since the page showed none: a collision, asked about
                    decision_form.apply(current, ws)

            try:
                self.save(change, "Instance décisionnelle enregistrée.")
            except edits.EditCollision as collision:
                decision_form.adopt(collision)
                raise
            decision_form.load(decision_body(self.ws), self.ws.revision)

        def redraw(ws):
            actors = {a.id: a for a in ws.actors}
            rows = [{"rôle": m.role, "structure ou fonction": actors[m.actor_id].name,
                     "personne": actors[m.actor_id].person, "coordonnées": actors[m.actor_id].contact or "à compléter"}
                    for m in ws.project_group]
            members.value = (table_html(pd.DataFrame(rows)) if rows
                             else "<p class='kit-sub'>Le groupe projet est vide : ajoutez ses membres ci-dessus.</p>")
            shown_contacts.clear()
            shown_contacts.update({a.id: a.contact for a in ws.actors})
            found = decision_body(ws)
            if found is None and decision_form.key is not None and not decision_form.touched("name"):
                body.value = ""  # removed elsewhere (session 2)
            decision_form.show(found, ws.revision)  # what the person is typing stays

        for widget, handler in ((add, on_add), (update, on_update), (leave, on_leave), (save_body, on_body)):
            widget.on_click(self.messages.guard(handler))
        self.on("group", redraw)
        return w.VBox([
            w.HTML("<h2>Qui s'engage dans le programme</h2><p class='kit-sub'>Un binôme élu et technicien pour la "
                   "politique de la ville, un autre pour les transitions, et les acteurs clés du quartier (conseil "
                   "citoyen, bailleur, centre social…), chacun avec ses coordonnées. Le groupe se retrouve dans "
                   "l'application de la session 2.</p>"),
            w.HBox([name, person]), w.HBox([role, contact, add]), members,
            w.HBox([member, new_contact]), w.HBox([update, leave]),
            w.HTML("<h2>L'instance décisionnelle</h2><p class='kit-sub'>Celle qui reçoit les travaux du groupe et "
                   "valide chaque étape.</p>"), w.HBox([body, save_body])])

    # -- 3. eligibility and the document -------------------------------------------------------------

    def _checklist(self) -> w.Widget:
        summary = tagged(w.HTML(), "kit-eligibility-summary")
        checklist = tagged(w.HTML(), "kit-eligibility")
        docx = tagged(button("Préparer la note (Word)", style="primary", icon="file"), "kit-note-docx")
        html_button = tagged(button("Préparer la note (HTML)", icon="file"), "kit-note-html")
        link = tagged(w.HTML(), "kit-note-download")

        def make(fmt):
            def handler(_):
                from kit.reports import deliverables  # the document layer is loaded when a document is asked for

                name, data = deliverables.export(self.store.load(self.ws_id), "candidature", fmt)
                link.value = download_link(data, name, f"Télécharger {name}", MIME[fmt])
                self.messages.ok("Note prête : cliquez sur le lien pour la télécharger.")
            return handler

        def redraw(ws):
            criteria = application.eligibility(ws)
            met = sum(c.ok for c in criteria)
            summary.value = (f"<p class='kit-sub'><b>{met} condition{'s' if met > 1 else ''} remplie"
                             f"{'s' if met > 1 else ''} sur {len(criteria)}</b>"
                             + (" : la candidature est prête à partir.</p>" if met == len(criteria) else ".</p>"))
            checklist.value = checks_html(criteria)

        docx.on_click(self.messages.guard(make("docx")))
        html_button.on_click(self.messages.guard(make("html")))
        self.on(PARTS, redraw)
        return w.VBox([w.HTML("<h2>Les conditions de l'appel</h2>"), summary, checklist,
                       w.HTML("<h2>La note à signer et envoyer</h2><p class='kit-sub'>Les parties non enregistrées "
                              "reprennent les propositions du kit.</p>"),
                       w.HBox([docx, html_button]), link])


def application_app(store: Store | None = None, workspace_id: str | None = None):
    return ApplicationApp(store, workspace_id).root
