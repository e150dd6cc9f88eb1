"""The participant's pages: plain HTML, one inline style and one inline script (ES5, no library, no CDN),
a few kilobytes, for a five-year-old phone on the room's Wi-Fi.

Every text that comes from a workspace or a participant is escaped (`html.escape`) in the HTML, or given
to the script as JSON (with `<`, `>` and `&` escaped, so that no text can close the script element) and
shown by the script with `textContent` only. The page's Content-Security-Policy lets run only the script
and style below, by their hashes: an injected `<script>` or `onerror=` would not run anyway.

The script keeps what the phone has not yet sent in localStorage (a queue per join code) and resends it
when the network is back; each contribution carries an id made on the phone when its form is filled, so a
double tap or a resend after a lost answer is kept once by the server.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json

STYLE = """
*{box-sizing:border-box}body{margin:0;font:18px/1.4 sans-serif;color:#1d1d1b;background:#f6f5f1}
main{max-width:34em;margin:0 auto;padding:12px}h1{font-size:1.3em;margin:.2em 0}h2{font-size:1.05em;margin:1.2em 0 .4em}
.ws{color:#555;margin:0 0 .8em}label{display:block;margin:.7em 0 .2em;font-weight:bold}
input,textarea,select,button{font:inherit;width:100%;padding:.5em;border:1px solid #888;border-radius:6px;background:#fff}
textarea{min-height:4.5em}button{background:#1f5f8b;color:#fff;border:0;margin-top:1em;padding:.7em}
button:disabled{background:#999}.msg{min-height:1.4em;margin:.8em 0;font-weight:bold}.bad{color:#a11}.ok{color:#276221}
ul{list-style:none;padding:0;margin:0}li{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em;margin:.3em 0}
.state{display:block;color:#555;font-size:.85em}.stake{display:flex;align-items:center;gap:.4em}
.stake span.t{flex:1}.stake button{width:2.4em;margin:0;padding:.3em}.dots{min-width:1.6em;text-align:center;font-weight:bold}
.left{font-weight:bold}
""".strip()

SCRIPT = r"""
(function () {
  var D = JSON.parse(document.getElementById('kit-data').textContent);
  var $ = function (id) { return document.getElementById(id); };
  var store = window.localStorage;
  function get(key, fallback) { try { var v = JSON.parse(store.getItem(key)); return v === null ? fallback : v; } catch (e) { return fallback; } }
  function put(key, value) { try { store.setItem(key, JSON.stringify(value)); } catch (e) {} }
  function newId(prefix) {
    var bytes = new Uint8Array(8), s = '';
    if (window.crypto && crypto.getRandomValues) { crypto.getRandomValues(bytes); }
    else { for (var i = 0; i < 8; i++) { bytes[i] = Math.floor(Math.random() * 256); } }
    for (var j = 0; j < 8; j++) { s += (bytes[j] + 256).toString(16).slice(1); }
    return prefix + '-' + s;
  }
  var participant = get('kit-participant', null);
  if (!participant) { participant = newId('p'); put('kit-participant', participant); }
  var queueKey = 'kit-queue-' + D.code, mineKey = 'kit-mine-' + D.code;
  var pseudo = $('pseudo');
  pseudo.value = get('kit-pseudo', '');
  pseudo.addEventListener('change', function () { put('kit-pseudo', pseudo.value); });
  function say(text, bad) { var m = $('msg'); m.textContent = text; m.className = 'msg ' + (bad ? 'bad' : 'ok'); }

  function request(method, url, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, url, true);
    x.timeout = 15000;
    if (body) { x.setRequestHeader('Content-Type', 'application/json'); }
    x.onload = function () { var r = {}; try { r = JSON.parse(x.responseText); } catch (e) {} done(x.status, r); };
    x.onerror = x.ontimeout = function () { done(0, {}); };
    x.send(body ? JSON.stringify(body) : null);
  }

  var sending = false, timer = null;
  function later(ms) { if (!timer) { timer = setTimeout(function () { timer = null; flush(); }, ms); } }
  function flush() {
    var queue = get(queueKey, []);
    if (sending || !queue.length) { return; }
    sending = true;
    var item = queue[0];
    request('POST', D.base + '/envoi', item.body, function (status, r) {
      sending = false;
      var q = get(queueKey, []).filter(function (i) { return i.id !== item.id; });
      if (status >= 200 && status < 300) {
        put(queueKey, q); mark(item.id, D.activity === 'votes' ? 'Votes reçus' : 'Reçue : en attente de l\u2019animateur', false);
        say(r.message || 'Envoyé.', false);
        if (D.activity === 'votes' && r.votes) { D.mine = r.votes; draw(); }
        flush();
      } else if (status === 0 || status === 429 || status >= 500) {
        mark(item.id, 'Pas encore envoyée : elle partira dès que possible', false);
        say(r.message || 'Pas de réseau : ce que vous avez écrit est gardé sur ce téléphone et partira tout seul.', true);
        later(status === 429 ? 15000 : 5000);
      } else {
        put(queueKey, q); mark(item.id, 'Refusée : ' + (r.message || 'erreur'), true);
        say(r.message || 'Envoi refusé.', true);
        flush();
      }
    });
  }
  window.addEventListener('online', flush);

  function mark(id, state, bad) {
    var mine = get(mineKey, []);
    for (var i = 0; i < mine.length; i++) { if (mine[i].id === id) { mine[i].state = state; mine[i].bad = bad; } }
    put(mineKey, mine); list();
  }
  function list() {
    var ul = $('mine'); if (!ul) { return; }
    ul.textContent = '';
    get(mineKey, []).slice().reverse().forEach(function (m) {
      var li = document.createElement('li'), s = document.createElement('span');
      li.appendChild(document.createTextNode(m.title));
      s.className = 'state' + (m.bad ? ' bad' : ''); s.textContent = m.state; li.appendChild(s);
      ul.appendChild(li);
    });
  }
  function enqueue(item, title) {
    var queue = get(queueKey, []).filter(function (i) { return i.id !== item.id && !(D.activity === 'votes'); });
    queue.push(item); put(queueKey, queue);
    var mine = get(mineKey, []).filter(function (m) { return m.id !== item.id; });
    if (title) { mine.push({id: item.id, title: title, state: 'Envoi…'}); put(mineKey, mine); }
    list(); flush();
  }

  var button = $('send');
  if (D.activity === 'propositions') {
    var draft = newId('c');
    $('form').addEventListener('submit', function (e) {
      e.preventDefault();
      if (!pseudo.value.trim()) { say('Indiquez un pseudonyme (pas besoin de votre vrai nom).', true); return; }
      if (!$('title').value.trim()) { say('Écrivez l\u2019enjeu en quelques mots.', true); return; }
      put('kit-pseudo', pseudo.value);
      button.disabled = true; setTimeout(function () { button.disabled = false; }, 800);
      var title = $('title').value.trim();
      enqueue({id: draft, body: {participant: participant, pseudonym: pseudo.value, id: draft, title: title,
                                 theme: $('theme').value, neighbourhood: $('place') ? $('place').value : ''}}, title);
      draft = newId('c');
      $('title').value = '';
    });
  } else {
    D.mine = D.mine || {};
    var draw = function () {
      var used = 0, k;
      for (k in D.mine) { if (D.mine.hasOwnProperty(k)) { used += D.mine[k]; } }
      $('left').textContent = 'Points restants : ' + (D.dots - used) + ' sur ' + D.dots;
      var ul = $('stakes'); ul.textContent = '';
      if (!D.stakes.length) { var none = document.createElement('li'); none.textContent = 'Aucun enjeu à voter pour le moment.'; ul.appendChild(none); }
      D.stakes.forEach(function (s) {
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
    };
    var queued = get(queueKey, []);
    if (queued.length) { D.mine = queued[queued.length - 1].body.votes; }
    draw();
    $('form').addEventListener('submit', function (e) {
      e.preventDefault();
      if (!pseudo.value.trim()) { say('Indiquez un pseudonyme (pas besoin de votre vrai nom).', true); return; }
      put('kit-pseudo', pseudo.value);
      var votes = {}, k; for (k in D.mine) { if (D.mine.hasOwnProperty(k)) { votes[k] = D.mine[k]; } }
      enqueue({id: 'votes', body: {participant: participant, pseudonym: pseudo.value, sequence: Date.now(), votes: votes}}, null);
    });
  }
  var labels = {pending: 'Reçue : en attente de l\u2019animateur', accepted: 'Retenue comme enjeu',
                merged: 'Réunie à un enjeu proche', set_aside: 'Mise de côté'};
  function refresh() {
    request('GET', D.base + '/etat?participant=' + encodeURIComponent(participant), null, function (status, r) {
      if (status !== 200) { return; }
      if (!r.open) { say(r.message, true); }
      if (D.activity === 'votes') {
        if (!get(queueKey, []).length && r.votes) { D.mine = r.votes; draw(); }
        return;
      }
      var mine = get(mineKey, []), states = r.proposals || {};
      for (var i = 0; i < mine.length; i++) { if (states[mine[i].id]) { mine[i].state = labels[states[mine[i].id]]; mine[i].bad = false; } }
      put(mineKey, mine); list();
    });
  }
  list();
  flush();
  refresh();
  setInterval(function () { flush(); refresh(); }, 20000);
})();
""".strip()


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CONTENT_SECURITY_POLICY = (f"default-src 'none'; script-src {_digest(SCRIPT)}; style-src {_digest(STYLE)}; "
                           "connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
                           "frame-ancestors 'none'")

HEAD = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<link rel="icon" href="data:,"><title>{title}</title><style>{style}</style></head><body><main>')


def _text(text: str) -> str:
    """Text for an element's content (quotes stay as typed; attributes use `html.escape` whole)."""
    return html.escape(text, quote=False)


def script_json(data: object) -> str:
    """JSON that can sit inside a <script> element whatever the texts hold (no `</script>`, no `<!--`)."""
    return (json.dumps(data, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _page(title: str, body: str, data: dict | None = None) -> str:
    head = HEAD.format(title=_text(title), style=STYLE)
    tail = ""
    if data is not None:
        tail = f'<script type="application/json" id="kit-data">{script_json(data)}</script><script>{SCRIPT}</script>'
    return f"{head}{body}</main>{tail}</body></html>"


def message_page(title: str, text: str) -> str:
    """A page with one sentence (an unknown code, a refused address)."""
    return _page(title, f'<h1>{_text(title)}</h1><p role="alert">{_text(text)}</p>'
                        '<p><a href="/">Entrer un code</a></p>')


def join_page(message: str = "") -> str:
    """The server's root: a box for the join code (nothing else is listed: no workspace, no activity)."""
    shown = f'<p class="msg bad" role="alert">{_text(message)}</p>' if message else ""
    return _page("Rejoindre l'atelier", '<h1>Rejoindre l\'atelier</h1>' + shown +
                 '<form method="get" action="/"><label for="code">Code affiché par l\'animateur</label>'
                 '<input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="12" required>'
                 '<button>Rejoindre</button></form>')


def _options(choices: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape(label)}</option>' for v, label in choices)


def proposals_page(*, code: str, workspace_name: str, themes: list[str], places: list[tuple[str, str]],
                   open_: bool, closed_text: str) -> str:
    """Propose a stake: pseudonym, the stake in a few words, its theme and neighbourhood."""
    place = ""
    if len(places) > 1:
        place = ('<label for="place">Quartier</label><select id="place">' +
                 _options([("", "— tous / je ne sais pas —"), *places]) + "</select>")
    elif places:
        place = f'<input type="hidden" id="place" value="{html.escape(places[0][0])}">'
    notice = "" if open_ else f'<p class="msg bad" role="alert">{_text(closed_text)}</p>'
    body = (f'<h1>Proposer un enjeu</h1><p class="ws">{_text(workspace_name)}</p>{notice}'
            '<form id="form"><label for="pseudo">Votre pseudonyme</label>'
            '<input id="pseudo" maxlength="40" autocomplete="nickname" required>'
            '<label for="title">L\'enjeu, en quelques mots</label><textarea id="title" maxlength="120" required></textarea>'
            '<label for="theme">Thème</label><select id="theme">' +
            _options([("", "— au choix —"), *((t, t) for t in themes)]) + f"</select>{place}"
            '<button id="send">Envoyer</button></form><p id="msg" class="msg" role="status" aria-live="polite"></p>'
            '<h2>Mes propositions</h2><ul id="mine"></ul>')
    return _page("Proposer un enjeu", body, {"code": code, "base": f"/{code}", "activity": "propositions"})


def votes_page(*, code: str, workspace_name: str, stakes: list[tuple[str, str]], dots: int, mine: dict[str, int],
               open_: bool, closed_text: str) -> str:
    """Dot-vote: `dots` points to spread on the stakes (several on one if you like)."""
    notice = "" if open_ else f'<p class="msg bad" role="alert">{_text(closed_text)}</p>'
    body = (f'<h1>Voter pour les enjeux</h1><p class="ws">{_text(workspace_name)}</p>{notice}'
            f'<p>Vous avez {dots} points : donnez-les aux enjeux qui comptent le plus pour vous '
            '(plusieurs au même si vous voulez).</p>'
            '<form id="form"><label for="pseudo">Votre pseudonyme</label>'
            '<input id="pseudo" maxlength="40" autocomplete="nickname" required>'
            '<p id="left" class="left"></p><ul id="stakes"></ul>'
            '<button id="send">Envoyer mes votes</button></form>'
            '<p id="msg" class="msg" role="status" aria-live="polite"></p>')
    data = {"code": code, "base": f"/{code}", "activity": "votes", "dots": dots,
            "stakes": [{"id": i, "title": t} for i, t in stakes], "mine": mine}
    return _page("Voter pour les enjeux", body, data)
