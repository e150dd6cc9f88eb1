"""« Proposer des enjeux »: each participant proposes stakes (title, theme, neighbourhood); they wait in a
moderation queue of the session-1 app (`room.pending`), which accepts, merges or sets each aside."""

from __future__ import annotations

from kit.live import pages, room

NAME = "propositions"
LABEL = room.ACTIVITIES[NAME]

SCRIPT = r"""
  K.labels = {pending: 'Reçue : en attente de l\u2019animateur', accepted: 'Retenue comme enjeu',
              merged: 'Réunie à un enjeu proche', set_aside: 'Mise de côté'};
  var draft = K.newId('c'), button = K.$('send');
  K.$('form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!K.needPseudo()) { return; }
    var title = K.$('title').value.trim();
    if (!title) { K.say('Écrivez l\u2019enjeu en quelques mots.', true); return; }
    button.disabled = true; setTimeout(function () { button.disabled = false; }, 800);
    K.sendItem(draft, {id: draft, title: title, theme: K.$('theme').value,
                       neighbourhood: K.$('place') ? K.$('place').value : ''}, title);
    draft = K.newId('c');
    K.$('title').value = '';
  });
  K.onState = function (r) { K.itemStates(r.proposals || {}); };
"""


def page(ctx) -> tuple[str, str, dict]:
    places = [(n.id, n.name) for n in ctx.ws.neighbourhoods]
    place = ""
    if len(places) > 1:
        place = ('<label for="place">Quartier</label><select id="place">' +
                 pages.options([("", "— tous / je ne sais pas —"), *places]) + "</select>")
    elif places:
        place = f'<input type="hidden" id="place" value="{pages.attribute(places[0][0])}">'
    body = ('<form id="form">' + pages.pseudonym_field() +
            f'<label for="title">L\'enjeu, en quelques mots</label><textarea id="title" maxlength="{room.TITLE_MAX}" '
            'required></textarea><label for="theme">Thème</label><select id="theme">' +
            pages.options([("", "— au choix —"), *((t, t) for t in ctx.themes)]) + f"</select>{place}"
            '<button id="send">Envoyer</button></form>' + pages.MESSAGE_LINE +
            '<h2>Mes propositions</h2><ul id="mine"></ul>')
    return "Proposer un enjeu", body, {}


def state(ctx, participant: str) -> dict:
    return {"proposals": {c["id"]: c["status"] for c in ctx.side["contributions"]
                          if participant and c["participant"] == participant}}


def send(ctx, body: dict) -> dict:
    _, again = room.propose(ctx.store, ctx.ws, participant=body.get("participant"), pseudonym=body.get("pseudonym"),
                            contribution_id=body.get("id"), title=body.get("title"), theme=body.get("theme", ""),
                            neighbourhood_id=body.get("neighbourhood", ""), themes=list(ctx.themes))
    return {"duplicate": again, "message": "Déjà reçue." if again else "Merci : votre proposition est arrivée."}
