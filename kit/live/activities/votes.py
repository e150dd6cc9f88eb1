"""« Voter pour les enjeux »: each participant spreads N dots on the stakes (several on one if they like);
closing the activity adds the room's dots to `Stake.votes` (`room.apply_votes`), which weight the stake map.

Its page script is a dot-vote on any list (`D.items`): « Prioriser les fiches action » uses it too."""

from __future__ import annotations

from kit.live import pages, room

NAME = "votes"
LABEL = room.ACTIVITIES[NAME]

SCRIPT = r"""
  K.received = 'Votes reçus';
  D.mine = D.mine || {};
  function draw() {
    var used = 0, k;
    for (k in D.mine) { if (D.mine.hasOwnProperty(k)) { used += D.mine[k]; } }
    K.$('left').textContent = 'Points restants : ' + (D.dots - used) + ' sur ' + D.dots;
    var ul = K.$('items'); ul.textContent = '';
    if (!D.items.length) { var none = document.createElement('li'); none.textContent = D.none; ul.appendChild(none); }
    D.items.forEach(function (s) {
      var li = document.createElement('li'), t = document.createElement('span'), n = document.createElement('span');
      var minus = document.createElement('button'), plus = document.createElement('button');
      li.className = 'stake'; t.className = 't'; t.textContent = s.title; n.className = 'dots';
      n.textContent = D.mine[s.id] || 0;
      minus.type = plus.type = 'button'; minus.textContent = '\u2212'; plus.textContent = '+';
      minus.setAttribute('aria-label', 'Retirer un point'); plus.setAttribute('aria-label', 'Ajouter un point');
      minus.disabled = !D.mine[s.id]; plus.disabled = used >= D.dots;
      minus.onclick = function () { D.mine[s.id] = (D.mine[s.id] || 0) - 1; if (!D.mine[s.id]) { delete D.mine[s.id]; } draw(); };
      plus.onclick = function () { D.mine[s.id] = (D.mine[s.id] || 0) + 1; draw(); };
      li.appendChild(t); li.appendChild(minus); li.appendChild(n); li.appendChild(plus); ul.appendChild(li);
    });
  }
  var queued = K.queuedState();
  if (queued) { D.mine = queued.votes; }
  draw();
  K.$('form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!K.needPseudo()) { return; }
    var votes = {}, k; for (k in D.mine) { if (D.mine.hasOwnProperty(k)) { votes[k] = D.mine[k]; } }
    K.sendState({votes: votes});
  });
  K.onSent = function (r) { if (r.votes) { D.mine = r.votes; draw(); } };
  K.onState = function (r, queued) { if (!queued && r.votes) { D.mine = r.votes; draw(); } };
"""


def dot_page(dots: int, items: list[tuple[str, str]], what: str, none: str, mine: dict[str, int]) -> tuple[str, dict]:
    """The body and data of a dot-vote on `items` (id, title): `what` names them in the intro sentence."""
    body = (f'<p>Vous avez {dots} points : donnez-les {pages.text(what)} qui comptent le plus pour vous '
            '(plusieurs au même si vous voulez).</p>'
            '<form id="form">' + pages.pseudonym_field() +
            '<p id="left" class="left"></p><ul id="items"></ul>'
            '<button id="send">Envoyer mes votes</button></form>' + pages.MESSAGE_LINE)
    return body, {"dots": dots, "items": [{"id": i, "title": t} for i, t in items], "mine": mine, "none": none}


def dots(ctx) -> int:
    return int(ctx.settings.get("dots") or room.DEFAULT_DOTS)


def page(ctx) -> tuple[str, str, dict]:
    body, data = dot_page(dots(ctx), [(s.id, s.title) for s in ctx.ws.stakes], "aux enjeux",
                          "Aucun enjeu à voter pour le moment.", {})
    return "Voter pour les enjeux", body, data


def state(ctx, participant: str) -> dict:
    return {"dots": dots(ctx), "votes": room.my_votes(ctx.side, participant) if participant else {}}


def send(ctx, body: dict) -> dict:
    kept = room.vote(ctx.store, ctx.ws, participant=body.get("participant"), pseudonym=body.get("pseudonym"),
                     sequence=body.get("sequence"), allocation=body.get("votes"))
    return {"votes": kept, "message": "Merci : vos votes sont comptés."}
