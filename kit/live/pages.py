"""What every participant page shares: plain HTML, one inline style and one inline script (ES5, no library,
no CDN), a few kilobytes, for a five-year-old phone on the room's Wi-Fi. Each activity's own page and script
part are in `kit/live/activities/`.

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

# What every activity's page shares: the participant's id and pseudonym (kept on the phone), the queue of
# what is not yet sent (localStorage, per join code) and its resends, the « mes envois » list, the refresh
# of the activity's state. An activity's own part (`activities.<name>.SCRIPT`) goes between HEAD and TAIL and
# uses `K`: K.D (the page's data), K.say, K.needPseudo, K.sendItem (each contribution its own id, kept once
# by the server), K.sendState (the participant's whole answer, replacing the one before: only the latest
# is queued), K.queuedState, and the hooks K.onSent(r) (a state accepted) and K.onState(r) (/etat).
SCRIPT_HEAD = r"""
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
  function needPseudo() {
    if (!pseudo.value.trim()) { say('Indiquez un pseudonyme (pas besoin de votre vrai nom).', true); return false; }
    put('kit-pseudo', pseudo.value); return true;
  }

  function request(method, url, body, done) {
    var x = new XMLHttpRequest();
    x.open(method, url, true);
    x.timeout = 15000;
    if (body) { x.setRequestHeader('Content-Type', 'application/json'); }
    x.onload = function () { var r = {}; try { r = JSON.parse(x.responseText); } catch (e) {} done(x.status, r); };
    x.onerror = x.ontimeout = function () { done(0, {}); };
    x.send(body ? JSON.stringify(body) : null);
  }

  var K = {D: D, $: $, say: say, needPseudo: needPseudo, newId: newId, participant: participant,
           received: 'Reçue : en attente de l\u2019animateur', labels: {}, onSent: null, onState: null};
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
        put(queueKey, q); mark(item.id, K.received, false);
        say(r.message || 'Envoyé.', false);
        if (item.state && K.onSent) { K.onSent(r); }
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
  function mine(body) { body.participant = participant; body.pseudonym = pseudo.value; return body; }
  K.sendItem = function (id, body, title) {
    var queue = get(queueKey, []).filter(function (i) { return i.id !== id; });
    queue.push({id: id, body: mine(body)}); put(queueKey, queue);
    var kept = get(mineKey, []).filter(function (m) { return m.id !== id; });
    kept.push({id: id, title: title, state: 'Envoi…'}); put(mineKey, kept);
    list(); flush();
  };
  K.sendState = function (body) {
    // Only the latest answer waits (it replaces the whole answer); its own id, so that the answer to one
    // already on its way does not take the newer one out of the queue.
    body.sequence = Date.now();
    put(queueKey, [{id: newId('s'), state: true, body: mine(body)}]);
    flush();
  };
  K.queuedState = function () { var q = get(queueKey, []); return q.length && q[q.length - 1].state ? q[q.length - 1].body : null; };
  K.itemStates = function (states) {
    var kept = get(mineKey, []);
    for (var i = 0; i < kept.length; i++) {
      if (states[kept[i].id] && K.labels[states[kept[i].id]]) { kept[i].state = K.labels[states[kept[i].id]]; kept[i].bad = false; }
    }
    put(mineKey, kept); list();
  };
""".strip()

SCRIPT_TAIL = r"""
  function refresh() {
    request('GET', D.base + '/etat?participant=' + encodeURIComponent(participant), null, function (status, r) {
      if (status !== 200) { return; }
      if (!r.open) { say(r.message, true); }
      if (K.onState) { K.onState(r, get(queueKey, []).length > 0); }
    });
  }
  list();
  flush();
  refresh();
  setInterval(function () { flush(); refresh(); }, 20000);
})();
""".strip()


def page_script(part: str) -> str:
    """The whole script of an activity's page: the shared part around the activity's own, which runs in a
    scope of its own (its names cannot replace the shared ones)."""
    return f"{SCRIPT_HEAD}\n  (function () {{\n{part.strip()}\n  }})();\n{SCRIPT_TAIL}"


def _digest(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(scripts) -> str:
    """The policy of every page: only these scripts (by hash) and the style below run or apply."""
    allowed = " ".join(sorted({_digest(script) for script in scripts}))
    return (f"default-src 'none'; script-src {allowed}; style-src {_digest(STYLE)}; "
            "connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
            "frame-ancestors 'none'")


HEAD = ('<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<link rel="icon" href="data:,"><title>{title}</title><style>{style}</style></head><body><main>')


def script_json(data: object) -> str:
    """JSON that can sit inside a <script> element whatever the texts hold (no `</script>`, no `<!--`)."""
    return (json.dumps(data, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def page(title: str, body: str, data: dict | None = None, script: str = "") -> str:
    """A whole page: `body` (escaped by whoever made it), and `script` (from `page_script`) given `data`."""
    head = HEAD.format(title=text(title), style=STYLE)
    tail = ""
    if data is not None:
        tail = f'<script type="application/json" id="kit-data">{script_json(data)}</script><script>{script}</script>'
    return f"{head}{body}</main>{tail}</body></html>"


def message_page(title: str, sentence: str, prefix: str = "/") -> str:
    """A page with one sentence (an unknown code, a refused address)."""
    return page(title, f'<h1>{text(title)}</h1><p role="alert">{text(sentence)}</p>'
                       f'<p><a href="{attribute(prefix)}">Entrer un code</a></p>')


def join_page(message: str = "", prefix: str = "/") -> str:
    """The server's root: a box for the join code (nothing else is listed: no workspace, no activity)."""
    shown = f'<p class="msg bad" role="alert">{text(message)}</p>' if message else ""
    return page("Rejoindre l'atelier", '<h1>Rejoindre l\'atelier</h1>' + shown +
                f'<form method="get" action="{attribute(prefix)}"><label for="code">Code affiché par l\'animateur</label>'
                 '<input id="code" name="code" autocomplete="off" autocapitalize="characters" maxlength="12" required>'
                 '<button>Rejoindre</button></form>')


def text(value: str) -> str:
    """Text for an element's content (quotes stay as typed; attributes use `attribute`)."""
    return html.escape(value, quote=False)


def attribute(value: str) -> str:
    return html.escape(value)


def options(choices: list[tuple[str, str]]) -> str:
    return "".join(f'<option value="{html.escape(v)}">{html.escape(label)}</option>' for v, label in choices)


def pseudonym_field() -> str:
    return ('<label for="pseudo">Votre pseudonyme</label>'
            '<input id="pseudo" maxlength="40" autocomplete="nickname" required>')


def notice(open_: bool, closed_text: str) -> str:
    """The sentence a closed activity shows on top of its page."""
    return "" if open_ else f'<p class="msg bad" role="alert">{text(closed_text)}</p>'


MESSAGE_LINE = '<p id="msg" class="msg" role="status" aria-live="polite"></p>'
