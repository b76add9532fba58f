"""Dates: parse field values and printed datelines into ISO 8601.

Output forms (see ``schema/document.schema.json``):

* ``"2011-10-21"`` when only the calendar date is known — also when a clock time is
  printed without any time zone (a local time of unknown zone is not an instant, and
  mixing naive and zoned values in one field breaks sorting downstream);
* ``"2011-10-22T13:58:39-04:00"`` when a time *and* its zone are known. Zone
  abbreviations map to offsets: fixed ones (``EST`` -05:00, ``EDT`` -04:00, ``GMT``/
  ``UTC``/``Z`` +00:00, ``CET`` +01:00, ...) and the generic US ones (``ET``, ``CT``,
  ``MT``, ``PT``) through the IANA zone, so the offset follows daylight saving time.
  Ambiguous abbreviations (``IST``, ``BST`` is taken as British Summer Time) are listed
  in ``TZ_FIXED``; anything else leaves the zone unknown.

Ambiguous numeric dates (``03/04/2011``) follow ``date_order``: ``"MDY"`` (default,
US style: March 4) or ``"DMY"`` (4 March). A part above 12 settles it either way;
dotted dates (``04.03.2011``) are always day-first, as everywhere they are printed.

Plausibility: a date after today (UTC, with one day of slack for time zones) is
flagged ``"future"``, a year before ``min_year`` (1990) is flagged ``"too_old"``;
flagged dates are never put in ``date`` (see :func:`check_date`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo

MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "jan january januar janvier enero gennaio janeiro jänner janv ene gen",
        "feb february februar février fevrier febrero febbraio fevereiro févr fevr",
        "mar march märz maerz mars marzo março mär",
        "apr april avril abril aprile avr",
        "may mai mayo maggio maio",
        "jun june juni juin junio giugno junho",
        "jul july juli juillet julio luglio julho juil",
        "aug august août aout agosto ago",
        "sep sept september septembre septiembre settembre setembro set",
        "oct october oktober octobre octubre ottobre outubro okt ott out",
        "nov november novembre noviembre novembro",
        "dec december dezember décembre decembre diciembre dicembre dezembro dez déc dic",
    ],
    start=1,
):
    for _n in _names.split():
        MONTHS[_n] = _num

WEEKDAYS = [
    "mon",
    "monday",
    "tue",
    "tues",
    "tuesday",
    "wed",
    "weds",
    "wednesday",
    "thu",
    "thur",
    "thurs",
    "thursday",
    "fri",
    "friday",
    "sat",
    "saturday",
    "sun",
    "sunday",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "mo",
    "di",
    "mi",
    "do",
    "fr",
    "sa",
    "so",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
]

#: Zone abbreviations with a fixed UTC offset, in minutes.
TZ_FIXED: dict[str, int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "UT": 0,
    "WET": 0,
    "BST": 60,
    "WEST": 60,
    "CET": 60,
    "MEZ": 60,
    "CEST": 120,
    "MESZ": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "AEST": 600,
    "AEDT": 660,
    "ACST": 570,
    "AWST": 480,
    "JST": 540,
    "KST": 540,
    "HKT": 480,
    "SGT": 480,
    "NZST": 720,
    "NZDT": 780,
}
#: Generic (daylight-saving aware) zone abbreviations.
TZ_GENERIC: dict[str, str] = {
    "ET": "America/New_York",
    "CT": "America/Chicago",
    "MT": "America/Denver",
    "PT": "America/Los_Angeles",
}

_MONTH_RE = r"(?P<mon>" + "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?,?"
_TZ_NAMES = sorted([*TZ_FIXED, *TZ_GENERIC], key=len, reverse=True)
_TZ_RE = (
    r"(?P<tz>(?:GMT|UTC)\s?[+-]\s?\d{1,2}(?::?\d{2})?|[+-]\d{2}:?\d{2}|\(?(?:"
    + "|".join(_TZ_NAMES)
    + r")\)?)"
)
_TIME_RE = (
    r"(?P<hh>\d{1,2})[:.h](?P<mi>\d{2})(?::(?P<ss>\d{2})(?:\.\d+)?)?"
    r"(?:\s?(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?(?:\s?(?:Uhr|h))?"
)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|\.|º)?"
_YEAR = r"(?P<year>\d{4})"

_ISO = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
    r"(?:[T ](?P<hh>\d{2}):(?P<mi>\d{2})(?::(?P<ss>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?"
    r"(?![\d:])"
)
_NUMERIC = re.compile(
    r"(?<![\d.])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d/])"
)
_BETWEEN = re.compile(r"[\s,|–—-]*(?:(?:on|at|um|le|am|el|il|de)\b)?[\s,|–—-]*", re.IGNORECASE)
_YMD = re.compile(
    r"(?<![\d.])(?P<year>\d{4})(?P<sep>[/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})(?![\d/])"
)
_DMY_WORDS = re.compile(
    rf"(?:{_WEEKDAY_RE}\s*)?{_DAY}\s*(?:de\s+)?{_MONTH_RE}\s*,?\s*(?:de\s+)?{_YEAR}(?!\d)", re.IGNORECASE
)
_MDY_WORDS = re.compile(rf"(?:{_WEEKDAY_RE}\s*)?{_MONTH_RE}\s+{_DAY}\s*,?\s*{_YEAR}(?!\d)", re.IGNORECASE)
# Cheap necessary conditions of the two word-date patterns (each matches wherever the pattern
# does, from the day's last digit / the month's last letter on, without the slow alternations
# of month and weekday names): when the hint finds nothing, neither can the pattern.
_DMY_HINT = re.compile(
    r"\d(?:st|nd|rd|th|er|\.|º)?\s*(?:de\s+)?[^\W\d_]+\.?\s*,?\s*(?:de\s+)?\d{4}(?!\d)", re.IGNORECASE
)
_MDY_HINT = re.compile(r"[^\W\d_]\.?\s+\d{1,2}(?:st|nd|rd|th|er|\.|º)?\s*,?\s*\d{4}(?!\d)", re.IGNORECASE)
_DIGIT = re.compile(r"\d")  # every date pattern needs one
_ASCII_NON_DIGITS = bytes(c for c in range(128) if not 48 <= c <= 57)


def _has_digit(text: str) -> bool:
    """``_DIGIT.search(text) is not None``; for ASCII text by deleting the other bytes (no regex scan)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_NON_DIGITS))
    return _DIGIT.search(text) is not None
_TIME = re.compile(rf"(?:(?:at|um|à|a las|@)\s+)?{_TIME_RE}(?:\s*{_TZ_RE})?(?![\w])", re.IGNORECASE)
_TZ_ALONE = re.compile(rf"^{_TZ_RE}(?![\w])")

_RELATIVE = re.compile(
    r"\b(?:\d+|an?|one|few)\s+(?:sec|second|min|minute|hr|hour|day|week|month|year)s?\s+ago\b"
    r"|\b(?:just now|yesterday|today|vor\s+\d+\s+\w+|il y a)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class ParsedDate:
    """A parsed date: always a calendar date, optionally a time and a UTC offset."""

    date: dt.date
    time: dt.time | None = None
    tzinfo: dt.tzinfo | None = None

    def iso(self) -> str:
        """ISO 8601: date only, or date-time with offset when time and zone are known."""
        if self.time is not None and self.tzinfo is not None:
            value = dt.datetime.combine(self.date, self.time).replace(tzinfo=self.tzinfo)
            return value.isoformat(timespec="seconds")
        return self.date.isoformat()

    @property
    def precise(self) -> bool:
        """True when time and zone are both known."""
        return self.time is not None and self.tzinfo is not None


def _tz_from(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    t = text.strip("() ").upper().replace(" ", "")
    if t in TZ_FIXED:
        return dt.timezone(dt.timedelta(minutes=TZ_FIXED[t]))
    if t in TZ_GENERIC:
        try:
            return ZoneInfo(TZ_GENERIC[t])
        except Exception:
            return None
    m = re.fullmatch(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?", t)
    if m:
        minutes = int(m.group(2)) * 60 + int(m.group(3) or 0)
        if minutes > 14 * 60:
            return None
        return dt.timezone(dt.timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    return None


def _make_time(hh: str | None, mi: str | None, ss: str | None, ampm: str | None) -> dt.time | None:
    if hh is None or mi is None:
        return None
    h, m, s = int(hh), int(mi), int(ss or 0)
    if ampm:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ampm.lower() == "p" else 0)
    if h > 23 or m > 59 or s > 59:
        return None
    return dt.time(h, m, s)


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        n += 2000 if n < 70 else 1900
    return n


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _numeric_date(a: int, b: int, y: int, sep: str, date_order: str) -> dt.date | None:
    if sep == "." or date_order.upper() == "DMY":
        day, month = a, b
    else:
        month, day = a, b
    if month > 12 and day <= 12:
        day, month = month, day
    return _safe_date(y, month, day)


@dataclass(slots=True)
class _Match:
    start: int
    end: int
    date: dt.date
    time: dt.time | None = None
    tzinfo: dt.tzinfo | None = None


def _date_matches(text: str, date_order: str) -> list[_Match]:
    """All calendar dates in ``text``, leftmost-longest, non-overlapping."""
    found: list[_Match] = []
    if not _has_digit(text):
        return found

    def free(s: int, e: int) -> bool:
        return all(e <= f.start or s >= f.end for f in found)

    for m in _ISO.finditer(text):
        d = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if d is None:
            continue
        t = _make_time(m["hh"], m["mi"], m["ss"], None)
        found.append(_Match(m.start(), m.end(), d, t, _tz_from(m["tz"]) if t else None))
    for rx, hint in ((_DMY_WORDS, _DMY_HINT), (_MDY_WORDS, _MDY_HINT)):
        if hint.search(text) is None:
            continue
        for m in rx.finditer(text):
            if not free(m.start(), m.end()):
                continue
            mon = MONTHS.get(m["mon"].lower().rstrip("."))
            d = _safe_date(int(m["year"]), mon, int(m["day"])) if mon else None
            if d:
                found.append(_Match(m.start(), m.end(), d))
    for m in _YMD.finditer(text):
        if not free(m.start(), m.end()):
            continue
        d = _safe_date(int(m["year"]), int(m["month"]), int(m["day"]))
        if d:
            found.append(_Match(m.start(), m.end(), d))
    for m in _NUMERIC.finditer(text):
        if not free(m.start(), m.end()):
            continue
        d = _numeric_date(int(m["a"]), int(m["b"]), _year(m["y"]), m["sep"], date_order)
        if d:
            found.append(_Match(m.start(), m.end(), d))
    found.sort(key=lambda f: f.start)
    return found


def _attach_times(text: str, matches: list[_Match]) -> list[tuple[int, int]]:
    """Attach a clock time (and zone) printed right before or after each date.

    Returns the character spans consumed by times, so callers can check coverage.
    """
    spans: list[tuple[int, int]] = []
    for i, mt in enumerate(matches):
        if mt.time is not None:
            if mt.tzinfo is None:
                tz = _TZ_ALONE.match(text[mt.end :].lstrip())
                if tz:
                    off = mt.end + (len(text[mt.end :]) - len(text[mt.end :].lstrip()))
                    mt.tzinfo = _tz_from(tz["tz"])
                    spans.append((off, off + tz.end()))
            continue
        limit = matches[i + 1].start if i + 1 < len(matches) else len(text)
        after = _TIME.match(
            text, mt.end + len(text[mt.end : limit]) - len(text[mt.end : limit].lstrip(" ,|-–—"))
        )
        before_start = matches[i - 1].end if i else 0
        cand = after
        if cand is None or cand.end() > limit:
            cand = None
            for m in _TIME.finditer(text, before_start, mt.start):
                if _BETWEEN.fullmatch(text[m.end() : mt.start]):
                    cand = m
        if cand is None:
            continue
        t = _make_time(cand["hh"], cand["mi"], cand["ss"], cand["ampm"])
        if t is None:
            continue
        mt.time = t
        mt.tzinfo = _tz_from(cand["tz"])
        spans.append((cand.start(), cand.end()))
    return spans


def find_dates(text: str, date_order: str = "MDY") -> list[ParsedDate]:
    """Every date printed in ``text`` (with its time and zone when printed next to it)."""
    matches = _date_matches(text, date_order)
    _attach_times(text, matches)
    return [ParsedDate(m.date, m.time, m.tzinfo) for m in matches]


def best_date(dates: list[ParsedDate]) -> ParsedDate | None:
    """The most informative of several printed forms of one date (zoned time first)."""
    if not dates:
        return None
    return max(dates, key=lambda d: (d.precise, d.time is not None))


# --- datelines ---------------------------------------------------------------------

#: Labels that introduce a dateline, mapped to their kind ("published" beats "updated").
DATELINE_LABELS: dict[str, str] = {
    "published": "published",
    "published on": "published",
    "first published": "published",
    "first published on": "published",
    "posted": "published",
    "posted on": "published",
    "posted at": "published",
    "date": "published",
    "dated": "published",
    "released": "published",
    "publication date": "published",
    "published date": "published",
    "pubdate": "published",
    "created": "published",
    "written": "published",
    "veröffentlicht": "published",
    "veröffentlicht am": "published",
    "erschienen": "published",
    "erschienen am": "published",
    "datum": "published",
    "publié": "published",
    "publié le": "published",
    "publicado": "published",
    "publicado el": "published",
    "pubblicato": "published",
    "pubblicato il": "published",
    "updated": "updated",
    "updated on": "updated",
    "updated at": "updated",
    "last updated": "updated",
    "last updated on": "updated",
    "last modified": "updated",
    "modified": "updated",
    "last modified on": "updated",
    "page last updated": "updated",
    "page last updated at": "updated",
    "aktualisiert": "updated",
    "aktualisiert am": "updated",
    "zuletzt aktualisiert": "updated",
    "stand": "updated",
    "mis à jour": "updated",
    "mis à jour le": "updated",
    "actualizado": "updated",
    "actualizado el": "updated",
    "aggiornato": "updated",
    "aggiornato il": "updated",
}
_LABEL_RE = re.compile(
    r"^(?P<label>"
    + "|".join(sorted((re.escape(k) for k in DATELINE_LABELS), key=len, reverse=True))
    + r")\b\s*(?:[:\-–—]\s*)?(?:on\s+|at\s+|le\s+|am\s+|el\s+|il\s+)?",
    re.IGNORECASE,
)
# "This story was published ...", "Article last updated ..."
_LABEL_LEAD = re.compile(
    r"^(?:(?:this\s+)?(?:story|article|page|post|entry|item)\s+(?:was\s+)?)", re.IGNORECASE
)
_LABEL_ANYWHERE = re.compile(
    r"\b(?P<label>"
    + "|".join(
        sorted((re.escape(k) for k in DATELINE_LABELS if " " in k or len(k) > 5), key=len, reverse=True)
    )
    + r")\b\s*:?",
    re.IGNORECASE,
)
_BULLET = re.compile(r"^[\s•·▪◦●*►»|–—-]+")
_FILLER = re.compile(
    r"^(?:[\s,;|•·/()\[\]–—-]|\b(?:at|on|um|à|a las|le|am|el|il|and|und|et|y)\b|"
    + _WEEKDAY_RE
    + r"(?=\s|$))+$",
    re.IGNORECASE,
)


def _label_kind(label: str) -> str:
    """The kind of a label the label patterns matched (case-insensitively, as they match)."""
    kind = DATELINE_LABELS.get(label.lower())
    if kind is None:  # "İ", "ſ", "K" match "i", "s", "k" but do not lower-case to them
        same = (v for k, v in DATELINE_LABELS.items() if re.fullmatch(re.escape(k), label, re.IGNORECASE))
        kind = next(same, "published")
    return kind


@dataclass(frozen=True, slots=True)
class Dateline:
    """A line that is wholly a printed date: its kind (``published``/``updated``) and date."""

    kind: str
    date: ParsedDate


def parse_dateline(line: str, date_order: str = "MDY") -> Dateline | None:
    """Parse ``line`` when it is *wholly* a dateline, else ``None``.

    Accepted: an optional bullet, an optional label ("Published:", "Last Modified:",
    "updated", "Posted on", ...), then one or more dates with optional weekday, time
    and zone, separated only by punctuation or "at"/"on". Relative dates ("2 hours
    ago") and sentences that merely contain a date are not datelines.
    """
    if not _has_digit(line):
        return None  # no date without a digit (labels and bullets hold none)
    s = _BULLET.sub("", line.strip()).strip()
    if not s or len(s) > 120 or _RELATIVE.search(s):
        return None
    kind = "bare"
    m = _LABEL_RE.match(_LABEL_LEAD.sub("", s, count=1))
    if m:
        kind = _label_kind(m["label"])
        s = _LABEL_LEAD.sub("", s, count=1)[m.end() :]
    inner = _LABEL_ANYWHERE.search(s)  # "21 October 2011 Last updated at 18:53 ET"
    if inner:
        if kind == "bare":
            kind = _label_kind(inner["label"])
        s = _LABEL_ANYWHERE.sub(" ", s)
    matches = _date_matches(s, date_order)
    if not matches:
        return None
    spans = [(x.start, x.end) for x in matches] + _attach_times(s, matches)
    rest = list(s)
    for a, b in spans:
        for i in range(a, b):
            rest[i] = " "
    leftover = "".join(rest).strip()
    if leftover and not _FILLER.match(leftover):
        return None
    date = best_date([ParsedDate(x.date, x.time, x.tzinfo) for x in matches])
    assert date is not None
    return Dateline(kind, date)


# --- field values ------------------------------------------------------------------


def parse_date_value(value: Any, date_order: str = "MDY") -> ParsedDate | None:
    """Parse a date from a structured field: ISO string, RFC 2822, epoch number, free text.

    Returns ``None`` when no full calendar date can be read (a year or month alone is
    not a date; nothing is invented).
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, dt.datetime):
        return ParsedDate(value.date(), value.time().replace(microsecond=0), value.tzinfo)
    if isinstance(value, dt.date):
        return ParsedDate(value)
    if isinstance(value, (int, float)):
        seconds = float(value) / (1000 if abs(value) > 1e11 else 1)
        try:
            v = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
        return ParsedDate(v.date(), v.time().replace(microsecond=0), dt.timezone.utc)
    if isinstance(value, dict):
        for key in ("$date", "date", "value", "iso"):
            if key in value:
                return parse_date_value(value[key], date_order)
        return None
    if isinstance(value, (list, tuple)):
        for item in value:
            got = parse_date_value(item, date_order)
            if got:
                return got
        return None
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 200:
        return None
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", s):
        return parse_date_value(float(s), date_order)
    iso = _ISO.fullmatch(s)
    if iso:
        dates = find_dates(s, date_order)  # empty for an impossible date ("2011-02-30")
        return dates[0] if dates else None
    if re.match(r"^[A-Za-z]{3},?\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}", s):
        rfc: dt.datetime | None
        try:
            rfc = parsedate_to_datetime(s)
        except (TypeError, ValueError, IndexError):
            rfc = None
        if rfc is not None:
            return ParsedDate(rfc.date(), rfc.time().replace(microsecond=0), rfc.tzinfo)
    line = parse_dateline(s, date_order)
    if line:
        return line.date
    found = find_dates(s, date_order)
    return best_date(found) if len(found) == 1 else None


def check_date(date: ParsedDate, *, today: dt.date | None = None, min_year: int = 1990) -> str | None:
    """``"future"`` for a date after today (one day of slack), ``"too_old"`` before ``min_year``."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    if date.date > today + dt.timedelta(days=1):
        return "future"
    if date.date.year < min_year:
        return "too_old"
    return None
