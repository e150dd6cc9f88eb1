"""The iCalendar file (RFC 5545) of the governance bodies' meetings or the programme's milestones.

`to_ics(events, calendar_name)` writes the meetings `kit.methods.meetings.meetings` dates, or the
milestones `kit.reference.programme.programme_milestones` gives, as a file that Outlook, Thunderbird and
Google Agenda import. The `icalendar` library writes the properties (escaping of text, dates, parameters);
this module chooses what goes in the file.

Choices:
- one VEVENT per meeting rather than one VEVENT with an RRULE per body: each meeting carries its own
  agenda (the actions to review since the previous one), one meeting can be moved or cancelled in the
  agenda without an exception rule, a monthly meeting on the 31st falls on the last day of shorter
  months (an RRULE would skip those months), and the file says exactly what `meetings` listed. An event
  may still carry an ``rrule`` (e.g. ``Rhythm.rrule()``), written as given.
- all-day events (DTSTART;VALUE=DATE) when an event has no time: a rhythm gives a day, not an hour, and
  dated events need no time zone; they are marked TRANSP:TRANSPARENT so that importing them does not
  block whole days in the agenda: each body fixes the hour in its own agenda.
- an event with a ``time`` (a body's meeting time) starts then in Europe/Paris time (DTSTART;TZID=
  Europe/Paris, the VTIMEZONE written in the file, as Outlook needs it) and lasts ``duration`` (default
  `DEFAULT_DURATION`, 2 hours); it blocks its slot (TRANSP:OPAQUE). The kit's meetings are held in France
  (its time zone is the Paris one, overseas territories aside: an agenda elsewhere shows its own time).
- stable UIDs derived from the title and the day: importing an updated file updates the events
  instead of duplicating them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import datetime, time, timedelta, timezone

from kit.errors import KitError
from kit.methods.roadmap import as_records, parse_day  # one reader of days and rows for the kit
from kit.text import as_text, quote

PRODID = "-//Quartiers en transitions//Kit d'atelier//FR"
TZID = "Europe/Paris"
DEFAULT_DURATION = timedelta(hours=2)  # a steering committee or a residents' workshop
UID_DOMAIN = "quartiers-en-transitions"
DEFAULT_NAME = "Quartiers en transitions"

# Characters RFC 5545 forbids in a TEXT value (tab, line feed and carriage return aside): the library
# escapes text but passes these through, so they are removed first.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RRULE = re.compile(r"^FREQ=(DAILY|WEEKLY|MONTHLY|YEARLY)(;(INTERVAL=[1-9]\d{0,2}|COUNT=[1-9]\d{0,3}|"
                    r"UNTIL=\d{8}|BYDAY=[A-Z0-9,+-]{2,40}|BYMONTHDAY=-?\d{1,2}))*$")


def _clean(value: str) -> str:
    """Text for a TEXT property, as given (not stripped): line ends made "\\n", control characters
    removed. The library then escapes backslashes, semicolons, commas and newlines; it also reads a
    backslash followed by a capital N as a line break (as RFC 5545 spells one), so « C:\\Nouveau »
    reaches the agenda on two lines, where the kit's former writer kept the backslash."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _uid_key(title: str) -> str:
    """The title as it enters the UID's digest. Frozen on purpose, and not `kit.text.fold`: agendas
    already hold events with these UIDs, and `fold` spells « œ » "oe" and keeps non-ASCII signs where this
    drops them, so using it would give such titles new UIDs and duplicate their events on re-import."""
    text = title.replace("’", "'").replace("-", " ")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(text.lower().split())


def fold_line(line: str) -> bytes:
    """One content line, UTF-8, folded at 75 octets (RFC 5545 §3.1) without splitting a character, with
    its CRLF: continuation lines start with a space.

    Written here rather than left to the library: icalendar folds every line longer than 74 octets
    (a line of exactly 75 octets, which RFC 5545 allows, is cut in two), which would change the files
    the kit has always written for no importer's benefit."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return data + b"\r\n"
    parts, current, limit = [], b"", 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current)
            current, limit = b"", 74  # the leading space counts
        current += encoded
    parts.append(current)
    return b"\r\n ".join(parts) + b"\r\n"


def _paris_timezone():
    """The VTIMEZONE of Europe/Paris, with the European rules in force since 1996 (summer time from the
    last Sunday of March, 2:00, to the last Sunday of October, 3:00), written once rather than read from
    the machine's time zone database (a Windows laptop may have none)."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard
    from icalendar.prop import vInline

    zone = Timezone()
    zone.add("tzid", TZID)
    for part, start, rule, offsets, name in (
            (TimezoneDaylight(), datetime(1970, 3, 29, 2), "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", ("+0100", "+0200"), "CEST"),
            (TimezoneStandard(), datetime(1970, 10, 25, 3), "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", ("+0200", "+0100"), "CET")):
        part.add("tzoffsetfrom", vInline(offsets[0]))
        part.add("tzoffsetto", vInline(offsets[1]))
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("rrule", vInline(rule))
        zone.add_component(part)
    return zone


def _time_of(event: dict, title: str) -> time | None:
    from kit.methods.meetings import parse_time

    try:
        return parse_time(event.get("time"))
    except ValueError as error:
        raise KitError(f"L'événement {quote(title)} a une heure illisible ({quote(error)}).") from None


def _event(event: dict, stamp: datetime, used: set[str]):
    from icalendar import Event
    from icalendar.prop import vInline, vText

    title = as_text(event.get("title") or event.get("intitule") or event.get("body"))
    try:
        day = parse_day(event.get("date", event.get("on")))
        end = parse_day(event.get("end", event.get("fin")))
    except ValueError as error:
        raise KitError(f"L'événement {quote(title)} a une date illisible ({quote(error)}).") from None
    if not title or day is None:
        raise KitError("Chaque événement du calendrier doit avoir un intitulé et une date.")
    last = end if end and end > day else day
    uid = as_text(event.get("uid"))
    if not uid:
        digest = hashlib.sha1(f"{_uid_key(title)}|{day.isoformat()}".encode()).hexdigest()[:20]
        uid = f"{digest}@{UID_DOMAIN}"
    local, at, domain = uid.partition("@")
    n = 2
    while uid in used:  # two events with the same title on the same day
        uid, n = f"{local}-{n}{at}{domain}", n + 1
    used.add(uid)
    description = [as_text(event.get("description"))]
    if as_text(event.get("reviews")):
        description.append(f"À l'ordre du jour : {as_text(event.get('reviews'))}")
    if event.get("actions"):
        description.append("Fiches action arrivées à échéance : " + " ; ".join(as_text(a) for a in event["actions"]))
    if as_text(event.get("rhythm")):
        description.append(f"Rythme : {as_text(event.get('rhythm'))}")
    description = "\n".join(d for d in description if d)
    category = as_text(event.get("type") or event.get("kind"))

    vevent = Event()  # properties in the order the kit has always written them
    vevent.add("uid", vText(_clean(uid)))
    vevent.add("dtstamp", stamp)
    at = _time_of(event, title)
    if at is None:
        vevent.add("dtstart", day)  # a date: written DTSTART;VALUE=DATE
        vevent.add("dtend", last + timedelta(days=1))  # DTEND is exclusive: the day after the last one
    else:
        duration = event.get("duration") or DEFAULT_DURATION
        if not isinstance(duration, timedelta) or duration <= timedelta(0):
            raise KitError(f"La durée de l'événement {quote(title)} n'est pas une durée positive.")
        begins = datetime.combine(day, at)  # local Paris time, named by its TZID
        vevent.add("dtstart", begins, parameters={"TZID": TZID})
        vevent.add("dtend", begins + duration, parameters={"TZID": TZID})
    vevent.add("summary", vText(_clean(title)))
    if description:
        vevent.add("description", vText(_clean(description)))
    if category:
        # One category, commas included ("comité, technique"), as a single escaped text.
        vevent.add("categories", vText(_clean(category)))
    rule = event.get("rrule")
    if rule:
        rule = rule.rrule() if callable(getattr(rule, "rrule", None)) else as_text(rule).upper()  # a Rhythm
        if not _RRULE.match(rule):
            raise KitError(f"La règle de répétition de {quote(title)} n'est pas reconnue ({rule}).")
        # Checked above, then written as given: the library's vRecur would reorder its parts.
        vevent.add("rrule", vInline(rule))
    vevent.add("transp", "TRANSPARENT" if at is None else "OPAQUE")  # a meeting at a set time blocks its slot
    return vevent


def to_ics(events, calendar_name: str, *, stamp: datetime | None = None) -> bytes:
    """An iCalendar file (RFC 5545, UTF-8, CRLF line ends, lines folded at 75 octets) with one VEVENT per
    event, all-day unless it has a time. Events are dicts such as `meetings` and `programme_milestones` give:
    ``title`` (or ``intitule``, or ``body``), ``date`` (or ``on``), optional ``time`` (a `datetime.time` or
    "14h30": the event then starts at that Paris time and lasts ``duration``, a `timedelta`, by default
    `DEFAULT_DURATION`), optional ``end`` (or ``fin``, last day included, for an all-day event),
    ``description``, ``reviews``, ``actions``, ``rhythm`` (written into the description), ``type`` or
    ``kind`` (CATEGORIES), ``uid``, ``rrule`` (a `kit.methods.meetings.Rhythm` or an RRULE value). All text is escaped.
    `stamp` (default: now) is the DTSTAMP, in UTC (a naive `stamp` is read as UTC). An empty list raises
    a French `KitError` (a calendar needs at least one event)."""
    from icalendar import Calendar  # imported on first export: ~80 ms the apps' kernels need not pay at start
    from icalendar.prop import vText

    records = as_records(events)
    if not records:
        raise KitError("Aucun événement à exporter : le calendrier serait vide.")
    moment = stamp or datetime.now(timezone.utc)
    moment = moment.astimezone(timezone.utc) if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    name = vText(_clean(as_text(calendar_name) or DEFAULT_NAME))
    calendar = Calendar()
    for key, value in (("version", "2.0"), ("prodid", PRODID), ("calscale", "GREGORIAN"), ("method", "PUBLISH"),
                       ("name", name), ("x-wr-calname", name)):  # NAME (RFC 7986) and its older X- spelling
        calendar.add(key, value)
    used: set[str] = set()
    events = [_event(event, moment, used) for event in records]
    if any("TZID" in e["DTSTART"].params for e in events):
        calendar.add_component(_paris_timezone())  # before the events that name it
    for vevent in events:
        calendar.add_component(vevent)
    # The library writes each content line (names, parameters, escaped values); the folding is ours.
    return b"".join(fold_line(line) for line in calendar.content_lines(sorted=False) if line)
