"""Built-in line rules: small named functions ``rule(line) -> reason | None``.

Each rule looks at one :class:`corpuskit.Line` (and its neighbours) and returns a short
reason when the line is boilerplate. Rules are registered through the
``corpuskit_register_boilerplate_rules`` hook like any third-party rule; the mode in
which a built-in rule runs is in :data:`RULE_LEVELS` (third-party rules always run).

Families: photo credits and captions, slideshow residue, promo and related links,
kicker headlines of other stories, media teasers, widgets and counters, copyright
lines, byline/date residue, filing fields, newsletter and cookie prompts, disclosures,
author blurbs, text disguised with look-alike letters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import islice

from corpuskit import Line

from .features import STOPWORDS, DocView, LineFeatures, RichLine, features_of, label_key

Rule = Callable[[Line], "str | None"]

CONSERVATIVE, BALANCED, AGGRESSIVE = 0, 1, 2
MODES = {"conservative": CONSERVATIVE, "balanced": BALANCED, "aggressive": AGGRESSIVE}

# ---------------------------------------------------------------------------------
# shared patterns

_LIST_MARK = re.compile(r"^(?:\d{1,3}[.)]|[•·▪►■◦*–-])\s+")

_AGENCY = (
    r"(?:AP|AFP|Reuters|REUTERS|Getty(?:\s+Images)?|GETTY(?:\s+IMAGES)?|EPA(?:-EFE)?|EFE|"
    r"Associated\s+Press|ASSOCIATED\s+PRESS|Shutterstock|SHUTTERSTOCK|iStock(?:photo)?|Bloomberg|"
    r"dpa|DPA|Xinhua|XINHUA|Alamy|Corbis|WireImage|PA(?:\s+(?:Images|Wire|Media))?|Sipa(?:\s+USA)?|"
    r"SIPA|Anadolu(?:\s+Agency)?|NurPhoto|TNS|ZUMA(?:\s+(?:Press|Wire))?|Pool|POOL|Handout|HANDOUT|"
    r"AAP|KCNA|UPI|ANSA|Yonhap|Kyodo|Sputnik|TASS|Keystone|imago(?:\s+images)?|IMAGO|"
    r"picture(?:\s+|-)alliance|Wikimedia(?:\s+Commons)?|Flickr|Unsplash|Pexels|NASA|"
    r"LightRocket|Redux|Polaris|Bloomberg\s+News|AP\s+Photo|AFP\s+Photo|Reuters\s+Photo|"
    r"The\s+New\s+York\s+Times|The\s+Washington\s+Post|Los\s+Angeles\s+Times|"
    r"Agence\s+France-Presse|AGENCE\s+FRANCE-PRESSE|Photo\s+illustration|File(?:\s+photo)?)"
)
_AGENCY_ONLY = re.compile(
    rf"^[(\[]?{_AGENCY}(?:\s*(?:/|via|for)\s*{_AGENCY})*(?:\s*/\s*(?:File|file|FILE|Pool|Handout))?"
    r"[)\]]?\.?$"
)
# "Karim Kadim / AP", "Chip Somodevilla/Getty Images", "Jim Watson/AFP via Getty Images"
_NAME_SLASH_AGENCY = re.compile(
    rf"^(?:\(?(?:Photo|Foto|Image|Picture)s?\s*:\s*)?[^.!?/]{{2,60}}?\s*/\s*{_AGENCY}"
    rf"(?:\s*(?:/|via|for)\s*{_AGENCY})*(?:\s*/?\s*(?:File|file|FILE|files|Files))?\)?\.?$"
)
_VIA_AGENCY = re.compile(rf"^[^.!?]{{2,50}}?\s+(?:via|for)\s+{_AGENCY}\.?$")
# "Photo: Getty Images", "Credit: John Doe", "Photograph by ...", "Foto: dpa"
_CREDIT_PREFIX = re.compile(
    r"^[(\[]?(?:photo(?:graph)?s?|image|picture|pic|credit|credits|illustration|graphic|"
    r"foto|fotos|bild|bildquelle|quelle|imagen|crédito|crédit|photo credit|image credit|"
    r"image source|photo courtesy|courtesy)"
    r"\s*(?:(?:by|credit|courtesy(?:\s+of)?|source|von|de)\b\s*:?|[:|©])\s*\S",
    re.I,
)
_CAPTION_WITH_CREDIT = re.compile(
    rf"[(\[](?:[^()\[\]]{{0,60}}/\s*{_AGENCY}|{_AGENCY}\s*/[^()\[\]]{{0,60}}|"
    r"(?:AP |AFP |Reuters )?Photo(?:graph)?\s*[:/][^()\[\]]{1,60}|"
    r"(?:Photo|Image|Foto)s?\s+(?:by|credit|courtesy)[^()\[\]]{1,60})[)\]]\s*$"
)
_NAME_TOKEN = re.compile(
    r"^(?:[A-ZÀ-Ý][\w'’.-]*|(?:al|el|bin|ibn|de|da|del|della|van|von|der|den|di|du|le|la|dos|das|y)"
    r"(?:[-’'][A-Z][\w'’-]*)?|[A-Z]\.)$"
)

# _NAME_TOKEN for each of 2 to 4 whitespace-separated tokens, in one call (a token
# cannot contain whitespace, so each must match whole)
_NAME_LINE = re.compile(rf"(?:{_NAME_TOKEN.pattern[1:-1]})(?:\s+(?:{_NAME_TOKEN.pattern[1:-1]})){{1,3}}")

_CAPTION_VERBS = re.compile(
    r"\b(?:holds?|speaks?|talks?|attends?|arrives?|walks?|waves?|gestures?|poses?|looks? on|"
    r"stands?|sits?|leaves?|delivers?|greets?|shakes? hands|listens?|reacts?|"
    r"celebrates?|boards?|cross(?:es)?|carr(?:y|ies)|gathers?|watch(?:es)?|march(?:es)?|"
    r"is seen|are seen|is pictured|are pictured|pictured|takes? part|participates?|"
    r"prepares?|rides?|runs?|smiles?|embraces?|hug(?:s)?|prays?|mourns?|"
    r"in this (?:file )?(?:photo|image|picture|handout)|file photo|seen here|"
    r"\((?:left|right|center|centre|L|R|C)\)|from left|left to right)\b"
)
_REPORTING = re.compile(
    r"\b(?:said|says|told|according to|added|stated|announced|met|was|were|had|has been|have been|would|will|"
    r"could|confirmed|reported|agreed|decided)\b|[“”\"]"
)


_ANY_POSITION = 1 << 62


def max_chars(
    limit: int, triggers: tuple[str, ...] = (), short: int = 0, first: int = _ANY_POSITION,
    last: int = _ANY_POSITION,
) -> Callable[[Rule], Rule]:
    """Declare when a rule can fire, so the engine may skip calls that cannot.

    ``limit``: never on lines longer than that. ``triggers``: (lower-case substrings)
    only on lines containing one of them, or no longer than ``short`` characters.
    ``first``: only on lines with an index up to that; ``last``: only on the last
    ``last`` lines of the document.
    The rule still checks its own conditions when called directly; this only keeps
    the stage fast (most article paragraphs are long and contain no trigger).
    """

    def mark(rule: Rule) -> Rule:
        rule.max_chars = limit  # type: ignore[attr-defined]
        rule.triggers = triggers  # type: ignore[attr-defined]
        rule.short = short  # type: ignore[attr-defined]
        rule.first = first  # type: ignore[attr-defined]
        rule.last = last  # type: ignore[attr-defined]
        return rule

    return mark


def only_at(candidates: Callable[[DocView], Iterable[int]]) -> Callable[[Rule], Rule]:
    """Declare the only lines of a document on which a rule can fire.

    ``candidates(view)`` returns the indices of those lines (computed once per
    document, e.g. from memoised per-document flags); the engine then calls the rule on
    no other line. Like :func:`max_chars` this only keeps the stage fast: the rule still
    checks its own conditions.
    """

    def mark(rule: Rule) -> Rule:
        rule.candidates = candidates  # type: ignore[attr-defined]
        return rule

    return mark


_MARK_START = frozenset("0123456789•·▪►■◦*–-")


def _core(text: str) -> str:
    """The line without a leading list marker (``1.``, ``•``)."""
    if text and text[0] in _MARK_START:
        return _LIST_MARK.sub("", text, count=1)
    return text


def _agency_heads() -> frozenset[str]:
    """The first two characters of every agency name in ``_AGENCY`` (case-sensitive, like _AGENCY_ONLY)."""
    assert _AGENCY.startswith("(?:") and _AGENCY.endswith(")")
    names, depth, cur = [], 0, ""
    for ch in _AGENCY[3:-1]:  # split the alternatives at nesting depth 0
        if ch == "|" and depth == 0:
            names.append(cur)
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    names.append(cur)
    assert all(name[:2].isalpha() for name in names), names  # each opens with two letters
    return frozenset(name[:2] for name in names)


_AGENCY_HEADS = _agency_heads()
# _CREDIT_PREFIX's openings (after an optional bracket), lower case
_CREDIT_WORDS = (
    "(", "[", "photo", "image", "picture", "pic", "credit", "illustration", "graphic", "foto", "bild",
    "quelle", "imagen", "crédit", "courtesy",
)


# first characters after which _credit_flags asks is_credit_text whatever follows: a list
# marker (is_credit_text tests the core after it) or an opening bracket
_MAYBE_CREDIT_START = frozenset([*_MARK_START, "(", "["])
# is_name_like's first token: upper case, or "al-"/"el-"; or whitespace (unstripped text)
_MAYBE_NAME_START = frozenset("ae" + "".join(c for c in map(chr, range(0x3001)) if c.isspace()))


def _may_be_credit(core: str) -> bool:
    """A cheap necessary condition of :func:`is_credit_text` (most lines fail it)."""
    head = core[:3].lstrip("([")  # _AGENCY_ONLY: an optional bracket, then an agency name
    if head[:2] in _AGENCY_HEADS or "/" in core or " via " in core or " for " in core:
        return True
    low = core[:16].lower()
    # beyond ASCII, lower() and the case-insensitive _CREDIT_PREFIX may disagree: no shortcut
    return not low.isascii() or low.startswith(_CREDIT_WORDS)


def is_credit_text(text: str) -> bool:
    """Whether ``text`` is a photo credit line ("Karim Kadim / AP", "Photo: Getty Images")."""
    core = _core(text)
    if len(core) > 90 or len(core) < 2:
        return False
    # _may_be_credit's conditions one by one: each is also a necessary condition of one
    # expression, which then runs only where it can match (they are the costly part)
    agency = core[:3].lstrip("([")[:2] in _AGENCY_HEADS  # _AGENCY_ONLY: an agency name first
    slash = "/" in core
    via = " via " in core or " for " in core
    low = core[:16].lower()
    # _CREDIT_PREFIX: a bracket or credit word first (beyond ASCII: no shortcut)
    prefixed = not low.isascii() or low.startswith(_CREDIT_WORDS)
    return bool(
        (agency and len(core) <= 70 and _AGENCY_ONLY.match(core))
        or (slash and _NAME_SLASH_AGENCY.match(core))
        or (via and _VIA_AGENCY.match(core))
        or (prefixed and _CREDIT_PREFIX.match(core) and len(core.split()) <= 10)
    )


_HAS_DIGIT = re.compile(r"\d").search


def is_name_like(text: str) -> bool:
    """Two to four capitalised name tokens and nothing else ("Chip Somodevilla")."""
    if len(text) > 40:
        return False
    tokens = text.split()
    if not 2 <= len(tokens) <= 4 or _HAS_DIGIT(text):
        return False
    if not tokens[0][0].isupper() and not tokens[0].startswith(("al-", "el-")):
        return False
    return _NAME_LINE.fullmatch(text.strip()) is not None  # every token a _NAME_TOKEN


def is_caption_like(text: str, feat: LineFeatures | None = None) -> bool:
    """A sentence that describes a picture (present-tense depiction, no reported speech)."""
    f = feat or LineFeatures(text)
    if f.n_words > 90 or _REPORTING.search(text):
        return False
    head = " ".join(text.split()[:25])
    return bool(_CAPTION_VERBS.search(head))


def _view_of(line: Line) -> DocView | None:
    """The document view of a :class:`RichLine` built by the engine (``None`` otherwise)."""
    if isinstance(line, RichLine):
        view = line.view
        if view is not None and line.lines is view.lines:
            return view
    return None


def _credit_flags(view: DocView) -> list[bool]:
    """Which lines of the document are credit lines (memoised per document)."""
    hit = view.cache.get("credit-lines")
    if hit is None:
        # _may_be_credit inline, a necessary condition of is_credit_text that most lines
        # fail without a function call: a list marker (the test is then on the core), an
        # opening bracket, an agency's first two letters, "/", " via ", " for ", a
        # non-ASCII character or a credit word among the first 16 characters
        hit = view.cache["credit-lines"] = [
            len(t) <= 92
            and (t[:1] in _MAYBE_CREDIT_START or t[:2] in _AGENCY_HEADS or "/" in t or " via " in t
                 or " for " in t or not t[:16].isascii() or t[:16].lower().startswith(_CREDIT_WORDS))
            and is_credit_text(t)
            for t in view.lines
        ]
    return hit


def _name_flags(view: DocView) -> list[bool]:
    """Which lines of the document are bare names (memoised per document)."""
    hit = view.cache.get("name-lines")
    if hit is None:
        # a necessary condition of is_name_like first: the first token starts upper case or
        # with "al-"/"el-" (or the line starts with a space, not on split_lines output)
        hit = view.cache["name-lines"] = [
            len(t) <= 40 and (t[:1].isupper() or t[:1] in _MAYBE_NAME_START) and is_name_like(t)
            for t in view.lines
        ]
    return hit


def _flags(line: Line) -> tuple[list[bool], list[bool]]:
    """Per-document lists: which lines are credit lines, which are bare names (memoised)."""
    view = line.view if isinstance(line, RichLine) else None
    if view is not None:
        hit = view.cache.get("credit-flags")
        if hit is not None:
            return hit
        if line.lines is view.lines:
            flags = view.cache["credit-flags"] = (_credit_flags(view), _name_flags(view))
            return flags
    lines = line.lines
    credits = [len(t) <= 92 and is_credit_text(t) for t in lines]
    names = [len(t) <= 40 and is_name_like(t) for t in lines]
    if view is not None:
        view.cache["credit-flags"] = (credits, names)
    return credits, names


def _credit_lines(view: DocView) -> list[int]:
    """photo-credit fires only on a credit line."""
    return [i for i, hit in enumerate(_credit_flags(view)) if hit]


def _name_lines(view: DocView) -> list[int]:
    """credit-name fires only on a bare name with at least two lines above it."""
    return [i for i, hit in enumerate(_name_flags(view)) if hit and i > 1]


def _next_to_credit(view: DocView) -> list[int]:
    """caption-near-credit fires only next to a credit line, or just above a bare name."""
    credits = _credit_flags(view)
    if not any(credits) and not any(_name_flags(view)):
        return []
    names = _name_flags(view)
    n = len(credits)
    return [
        i for i in range(n)
        if (i > 0 and credits[i - 1]) or (i + 1 < n and (credits[i + 1] or names[i + 1]))
    ]


def _neighbour_is_credit(line: Line) -> bool:
    credits, names = _flags(line)
    for off in (-1, 1):
        i = line.index + off
        if not 0 <= i < len(line.lines):
            continue
        # a bare name only counts as a credit when it follows this line (caption, then name)
        if credits[i] or (off == 1 and names[i] and _name_is_credit(line, off)):
            return True
    return False


def _name_is_credit(line: Line, off: int) -> bool:
    """The name-only line ``off`` away from ``line`` sits next to a caption (``line``)."""
    view = _view_of(line)
    if view is not None:
        return _caption_like_at(view, line.index) and line.index + off > 0
    return is_caption_like(line.text, features_of(line) if off else None) and line.index + off > 0


def _caption_like_at(view: DocView, index: int) -> bool:
    """:func:`is_caption_like` of line ``index``, memoised per document (several rules ask)."""
    memo = view.cache.get("caption-like")
    if memo is None:
        memo = view.cache["caption-like"] = {}
    hit = memo.get(index)
    if hit is None:
        hit = memo[index] = is_caption_like(view.lines[index], view.features[index])
    return hit


# Words (or single characters) a line must contain for the gated rules to be called.
_COPYRIGHT_TRIGGERS = ("copyright", "©", "rights", "rechte", "derechos", "droits", "diritti", "may", "c",
                       "powered")
_WIRE_TRIGGERS = (
    "contributing", "reporting", "writing", "editing", "compiled", "edited", "produced", "agencies",
    "additional",
)
_NEWSLETTER_TRIGGERS = (
    "consent", "unsubscribe", "newsletter", "newsletters", "inbox", "inboxes", "subscribe", "subscribed",
    "subscriber", "subscribers", "subscribing", "subscription", "subscriptions", "sign", "signing",
    "register", "registration", "email", "e-mail", "mail", "push", "app", "apps", "download", "abonnieren",
    "abonnez-vous", "suscríbete", "inscrivez-vous", "journalism", "unlimited", "become", "phone",
    "submitting",
)
_COOKIE_TRIGGERS = (
    "cookie", "cookies", "privacy", "datenschutz", "datenschutzerklärung", "personal", "storage",
    "speicherung", "recaptcha",
)
_COMMENTS_TRIGGERS = (
    "posts", "comment", "comments", "reply", "replies", "response", "responses", "published", "required",
    "log", "login", "comentar", "moderated",
)
_DISCLOSURE_TRIGGERS = (
    "n'engagent", "engagent", "views", "compensation", "commission", "disclosure", "disclosures", "affiliate",
    "contains",
    "contain", "recaptcha", "disclaimer", "disclaimers", "advertising", "advertiser", "responsible",
)
_MEDIA_TRIGGERS = (
    "on", "report", "reports", "explains", "discusses", "talks", "looks", "examines", "speaks", "has",
)


# ---------------------------------------------------------------------------------
# first-word gates: on a short line, which rules can fire at all (computed once per line)

# one bit per gated rule
GATE_SLIDESHOW, GATE_PROMO_LINK, GATE_PROMO_HEADER, GATE_WIDGET = 1, 2, 4, 8
GATE_BYLINE, GATE_AD, GATE_LABEL, GATE_FRAGMENT = 16, 32, 64, 128
ALL_GATES = (1 << 8) - 1
# internal bits of line_gates: openings that only count with more evidence
_NUMBER_START, _TS_START = 1 << 8, 1 << 9


def gated(bit: int) -> Callable[[Rule], Rule]:
    """Declare the rule's bit in :func:`line_gates`: on lines whose gate bits lack it, it cannot fire."""

    def mark(rule: Rule) -> Rule:
        rule.gate_bit = bit  # type: ignore[attr-defined]
        return rule

    return mark


# The first words of each gated rule's anchored expressions (lower case; the expressions
# are case-insensitive). A line can only match one of them when its lower-cased start (or
# its core's, after a list marker) begins with one of these words.
_GATE_WORDS: dict[int, tuple[str, ...]] = {
    # _SLIDESHOW and _EDITORS_NOTE on the core ("\d": _SLIDESHOW's "^\d+ of \d+")
    GATE_SLIDESHOW: (
        "photo", "image", "picture", "gal", "slide", "foto", "bild", "video", "view", "open", "launch", "see",
        "browse", "enlarge", "expand", "hide", "show", "toggle", "prev", "next", "editor", *"0123456789",
    ),
    # _PROMO_PREFIX, _PROMO_ARROW, _FILED_UNDER and _CAPS_KICKER on the core
    GATE_PROMO_LINK: (
        "more", "stor", "video", "watch", "listen", "audio", "podcast", "related", "read", "see", "also",
        "recommended", "click", "don", "must", "trending", "editor", "top", "sponsored", "advertisement",
        "quiz", "transcript", "next", "prev", "up", "lesen", "mehr", "auch", "weiterlesen", "lire", "à",
        "voir", "lee", "leer", "te", "ver", "vea", "mira", "filed", "posted", "tag", "categor", "leia",
        "veja", "leggi", "czytaj", "zobacz", "continue", "photo",
    ),
    # _FEATURED_ON on the text
    GATE_PROMO_HEADER: ("featured", "more", "latest", "top", "most", "also"),
    # _WIDGET and _SOCIAL on the core (the openings with a number: _NUMBER_START)
    GATE_WIDGET: (
        "vote", "comment", "share", "like", "kommentare", "comentarios", "discuss", "reply", "report", "flag",
        "reading", "lesezeit", "thanks", "watch", "facebook", "twitter", "linkedin", "whatsapp", "pinterest",
        "reddit", "email", "e-mail", "print", "copy", "messenger", "telegram", "flipboard", "instagram",
        "youtube", "tiktok", "x", "mail", "xing", "threads", "bluesky", "sms",
    ),
    # _WIDGET's openings with a number ("12 comments", "1.2k shares", "5 min read") on the core
    _NUMBER_START: (".", ",", *"0123456789"),
    # _TIMESTAMP's openings after an optional bullet: a prefix word, a weekday or a date
    # (a number or a month name)
    _TS_START: (
        *"0123456789", "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        "januar", "februar", "märz", "mai", "oktober", "dezember", "enero", "febrero", "abril", "agosto",
        "diciembre", "janvier", "février", "avril", "août", "décembre", "mon", "tue", "wed", "thu", "fri",
        "sat", "sun", "posted", "published", "updated", "last", "modified", "created", "date",
        "veröffentlicht", "aktualisiert", "stand", "publicado", "actualizado", "publié", "mis à jour",
        "pubblicato",
    ),
    # _BYLINE_RESIDUE and _BY_NAME on the text (_TIMESTAMP: _TS_START)
    GATE_BYLINE: (
        "by", "von", "por", "par", "di", "de", "przez", "door", "and", "und", "with", "mit", "con", "avec",
        "posted", "written", "published", "updated", "last", "veröffentlicht", "aktualisiert", "publicado",
        "actualizado", "publié", "mis à jour",
    ),
    # _AD_OFFER on the text
    GATE_AD: (
        "find", "compare", "get", "book", "shop", "buy", "see", "check", "sponsored", "ad", "anzeige",
        "werbung", "publicidad", "publicité",
    ),
}
_ON_CORE = GATE_SLIDESHOW | GATE_PROMO_LINK | GATE_WIDGET | _NUMBER_START
# what the number-led alternatives of _WIDGET end with
_NUMBER_ENDS = (
    "comment", "comments", "share", "shares", "like", "likes", "view", "views", "read", "reads", "replies",
    "reactions", "vote", "votes", "kommentare", "comentarios", "commentaires", "ago",
)


def _one_char_words() -> dict[str, int]:
    """One-character gate words ("x", "à", digits) -> the bits of the rules that have them."""
    table: dict[str, int] = {}
    for bit, words in _GATE_WORDS.items():
        for w in words:
            if len(w) == 1:
                table[w] = table.get(w, 0) | bit
    return table


def _words_by_head() -> dict[str, tuple[tuple[int, tuple[str, ...]], ...]]:
    """First two characters -> ``(bit, gate words of that rule with that opening)`` pairs."""
    groups: dict[str, dict[int, list[str]]] = {}
    for bit, words in _GATE_WORDS.items():
        for w in words:
            if len(w) >= 2:
                groups.setdefault(w[:2], {}).setdefault(bit, []).append(w)
    return {head: tuple((bit, tuple(ws)) for bit, ws in by_bit.items()) for head, by_bit in groups.items()}


_BY_CHAR = _one_char_words()
_BY_HEAD = _words_by_head()
_SLIDESHOW_KEYS_LOW = re.compile("slideshow|loading|click to|graphic content|buttons above").search
_ANY_DIGIT = re.compile(r"\d").search
_ANY_SEPARATOR = re.compile("[/›>·]").search
# the longest line byline-residue and widget-residue look at (their max_chars)
_UNGATED_ABOVE = 80


# longer than any gate word: a line whose start is ASCII this far is compared as lower() sees it
_ASCII_HEAD = 16


def _word_bits(low: str) -> int:
    """The gate bits of the rules whose first words ``low`` (a lower-cased line) may begin with."""
    head = low[:2]
    if not head.isascii():
        # lower() and the expressions' case-insensitive matching may disagree here
        # ("ſ", "ı" match "s", "i"; "İ" lower-cases to two characters): no gate
        return ALL_GATES | _NUMBER_START | _TS_START
    bits = _BY_CHAR.get(head[:1], 0)
    candidates = _BY_HEAD.get(head)
    if candidates:
        # the first two characters fit: confirm the whole word (unless a case fold
        # beyond ASCII may follow, where lower() and the expressions may disagree)
        confirm = low[:_ASCII_HEAD].isascii()
        for bit, words in candidates:
            if not confirm or low.startswith(words):
                bits |= bit
    return bits


def line_gates(feat: LineFeatures) -> int:
    """The bits of the gated rules (:func:`gated`) that can fire on the line.

    Each bit stands for a necessary condition of one rule, checked with string operations
    instead of the rule's regular expressions: its expressions' first words (see
    ``_GATE_WORDS``), plus the unanchored ways it can fire (a slideshow key anywhere, a
    digit for a date stamp, a widget line's non-word start, "… ago", ".tld" end or list
    separator; ", " for a caption fragment; a known label for furniture-label). A
    cleared bit means the rule cannot fire on the line.
    """
    low = feat.low
    bits = _word_bits(low)
    text = feat.text
    core = feat.core
    if core is not text:
        bits |= _word_bits(core.lower().replace("’", "'")) & _ON_CORE
    if ", " in text:  # caption-fragment's "Jane Roe, speaking ..."
        bits |= GATE_FRAGMENT
    if core is not text or (feat.n_chars <= 60 and feat.label_key in _LABELS_NORM):
        bits |= GATE_LABEL  # furniture-label's own test (on the line's memoised key)
    if feat.n_chars > _UNGATED_ABOVE:
        # byline-residue and widget-residue never run on longer lines, and the engine
        # calls slideshow-residue there only on a trigger word: skip their line scans
        # (a set bit only lets a rule run)
        return (bits | GATE_SLIDESHOW | GATE_BYLINE | GATE_WIDGET) & ALL_GATES
    if not bits & GATE_SLIDESHOW and _SLIDESHOW_KEYS_LOW(low):
        bits |= GATE_SLIDESHOW
    symbol_start = not text[:1].isalnum()
    if not bits & GATE_BYLINE and (bits & _TS_START or symbol_start) and _ANY_DIGIT(text):
        bits |= GATE_BYLINE  # a date stamp: the right opening and a digit
    if not bits & GATE_WIDGET and (
        symbol_start  # _NO_WORDS
        # a count ("12 comments"; the ending as lower() sees it, unless not ASCII)
        or (bits & _NUMBER_START and (not low[-12:].isascii() or low.endswith(_NUMBER_ENDS)))
        or low.endswith("ago")  # _WIDGET's "... 7 hours ago"
        or ("." in low and low.rpartition(".")[2].isalpha())  # _DOMAIN_ONLY's ".com"
        or _ANY_SEPARATOR(low) is not None  # a separated list
    ):
        bits |= GATE_WIDGET
    return bits & ALL_GATES


# ---------------------------------------------------------------------------------
# photo credits and captions


@only_at(_credit_lines)
@max_chars(90)
def photo_credit(line: Line) -> str | None:
    """A photo credit line: "Karim Kadim / AP", "Photo: Getty Images", "AFP/File", "(Reuters)"."""
    view = _view_of(line)
    if view is not None and len(line.text) <= 92:
        hit = _credit_flags(view)[line.index]
    else:
        hit = is_credit_text(line.text)
    if hit:
        return "photo credit"
    return None


@max_chars(400, triggers=("/", "photo", "photos", "photograph", "foto", "image", "credit", "courtesy"))
def caption_with_credit(line: Line) -> str | None:
    """A caption sentence ending in its credit: "... on Aug. 18. (Maya Alleruzzo / AP)"."""
    if len(line.text) < 400 and _CAPTION_WITH_CREDIT.search(line.text):
        return "caption ending in a photo credit"
    return None


_CAPTION_FRAGMENT = re.compile(
    r"^(?:[A-ZÀ-Ý][\w'’.-]+\s){0,3}[A-ZÀ-Ý][\w'’.-]+, (?:speaking|pictured|seen|photographed|"
    r"(?:far )?(?:left|right|centre|center)|at left|at right)\b"
)


@gated(GATE_FRAGMENT)
@max_chars(140)
def caption_fragment(line: Line) -> str | None:
    """A picture caption without a credit: "Jane Roe, speaking at a conference in May"."""
    f = features_of(line)
    if line.index == 0 or f.n_words > 16 or f.ends_sentence or ", " not in line.text:
        return None
    if _CAPTION_FRAGMENT.match(line.text):
        return "picture caption"
    return None


@only_at(_name_lines)
@max_chars(40)
def credit_name(line: Line) -> str | None:
    """A lone name right after a picture caption: the photographer's credit."""
    if line.index == 0:
        return None
    view = _view_of(line)
    if not (_name_flags(view)[line.index] if view is not None else is_name_like(line.text)):
        return None
    # a bare name is weak evidence: only after a caption (caption, then credit)
    other = line.neighbour(-1)
    if other and line.index > 1 and (
        _caption_like_at(view, line.index - 1) if view is not None else is_caption_like(other)
    ):
        return "photographer's name after a caption"
    return None


@only_at(_next_to_credit)
@max_chars(700)
def caption_near_credit(line: Line) -> str | None:
    """A caption next to a credit line: a picture description or a short label."""
    f = features_of(line)
    if f.n_words > 90:
        return None
    view = _view_of(line)
    if view is not None:  # the same test as _neighbour_is_credit, on the memoised flags
        i = line.index
        credits = _credit_flags(view)
        near = (i > 0 and credits[i - 1]) or (
            i + 1 < len(credits)
            and (credits[i + 1] or (_name_flags(view)[i + 1] and _name_is_credit(line, 1)))
        )
        if not near:
            return None
    elif not _neighbour_is_credit(line):
        return None
    if (_caption_like_at(view, line.index) if view is not None else is_caption_like(line.text, f)):
        return "caption next to a photo credit"
    if f.n_words <= 6 and not f.ends_sentence and (line.index > 0 or is_name_like(line.text)):
        return "picture label next to a photo credit"
    return None


# ---------------------------------------------------------------------------------
# obfuscated text

# Cyrillic and Greek letters that look like Latin ones ("а" for "a", "ѕ" for "s", "ο" for "o")
_LOOKALIKES = "аеорсухіѕјԁһӏԛԝАВЕКМНОРСТХІЅЈοαρτνκΑΒΕΗΙΚΜΝΟΡΤΧΥΖ"
_LOOKALIKE = re.compile(f"[{_LOOKALIKES}]").search
_LOOKALIKE_SET = frozenset(_LOOKALIKES)
_LATIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_ASCII_LETTER = re.compile("[A-Za-z]").search


def _disguised(word: str) -> bool:
    """A Latin word with look-alike letters in it, and no other letter of their script
    ("Аdvеrtіѕе"; not "IT-компании", whose Cyrillic letters are not all look-alikes)."""
    if _LATIN.isdisjoint(word):
        return False
    foreign = {c for c in word if not c.isascii() and c.isalpha()}
    return bool(foreign) and foreign <= _LOOKALIKE_SET


# the UTF-8 lead bytes of Greek and Cyrillic (U+0380-U+053F): a document without any of
# them has no look-alike letter (byte searches are several times faster than a regex)
_GREEK_CYRILLIC_LEADS = (b"\xce", b"\xcf", b"\xd0", b"\xd1", b"\xd2", b"\xd3", b"\xd4")


def _lookalike_lines(view: DocView) -> list[int]:
    """obfuscated-text fires only on lines with a look-alike letter and a Latin one (an
    ASCII document has neither: ``isascii`` is O(1); then a byte search, as most documents
    hold no Greek or Cyrillic letter at all)."""
    joined = "\n".join(view.lines)
    if joined.isascii():
        return []
    raw = joined.encode("utf-8", "surrogatepass")
    if not any(lead in raw for lead in _GREEK_CYRILLIC_LEADS):
        return []
    # (a Cyrillic or Greek text has look-alikes on nearly every line, but few Latin letters)
    return [i for i, t in enumerate(view.lines)
            if len(t) <= 700 and not t.isascii() and _LOOKALIKE(t) and _ASCII_LETTER(t)]


@only_at(_lookalike_lines)
@max_chars(700)
def obfuscated_text(line: Line) -> str | None:
    """Latin words spelt with Cyrillic or Greek look-alike letters ("Аdvеrtіѕе wіth uѕ"): a
    trick of advertisements and spam to get past filters, never article prose (Cyrillic or
    Greek text keeps its words in one script)."""
    words = line.text.split()
    if len(words) < 4 or len(line.text) > 700:
        return None
    mixed = sum(1 for w in words if _disguised(w))
    if mixed >= 3 and mixed >= 0.2 * len(words):
        return "words spelt with look-alike letters of another script"
    return None


# ---------------------------------------------------------------------------------
# slideshow and image residue

_SLIDESHOW_ANY = re.compile(
    r"back to slideshow navigation|loading (?:photos|images|gallery|slideshow)|"
    r"\bslideshow \(\d+\)|click to (?:view|enlarge|expand) (?:the )?(?:image|photo|picture|gallery)|"
    r"this image contains graphic content|use the buttons above to navigate"
)
_SLIDESHOW_KEYS = ("slideshow", "loading", "click to", "graphic content", "buttons above")
_SLIDESHOW_KEYS_RE = re.compile("|".join(map(re.escape, _SLIDESHOW_KEYS)))
_SLIDESHOW = re.compile(
    r"^(?:photos?|images?|pictures?|gallery|slideshow|fotos?|bilder|galerie|video)\s*:?\s*$|"
    r"^(?:photos|slideshow|gallery|fotostrecke|bildergalerie)\s*:\s*\S|"
    r"^(?:view|open|launch|see|browse) (?:the |our )?(?:full )?(?:photo )?(?:gallery|slideshow|photos)\b|"
    r"^(?:enlarge|expand) (?:this )?(?:image|photo|picture)$|^(?:hide|show|toggle) caption$|"
    r"^(?:previous|next|prev) (?:image|photo|picture|slide)$|^(?:image|photo|slide|bild|"
    r"foto) \d+ (?:of|/|von|de) \d+$|"
    r"^\d+ (?:of|/) \d+$|^\d+ (?:photos|images|pictures|fotos|bilder)$",
    re.I,
)
_EDITORS_NOTE = re.compile(r"^editor'?’?s note:?$", re.I)


@gated(GATE_SLIDESHOW)
@max_chars(400, triggers=("slideshow", "loading", "click", "graphic", "buttons"), short=60)
def slideshow_residue(line: Line) -> str | None:
    """Slideshow and gallery residue: "Back to slideshow navigation", "loading photos...", "Image:"."""
    f = features_of(line)
    if f.n_chars > 400:
        return None
    low = f.low
    # the keys as one pattern: faster than five substring tests on short lines, slower on long ones
    keys = _SLIDESHOW_KEYS_RE.search(low) if f.n_chars <= 100 else any(k in low for k in _SLIDESHOW_KEYS)
    if keys and _SLIDESHOW_ANY.search(low):
        return "slideshow/gallery residue"
    if f.n_chars <= 60 and _SLIDESHOW.match(f.core):
        return "slideshow/gallery residue"
    if _EDITORS_NOTE.match(f.core) and _SLIDESHOW_ANY.search(line.next.lower()):
        return "slideshow/gallery residue"
    return None


# ---------------------------------------------------------------------------------
# promo and related links

_PROMO_PREFIX = re.compile(
    r"^(?:more (?:from|on|about|in|at) [^:]{1,40}|story|video|videos|watch|watch now|listen|audio|podcast|"
    r"related|related (?:story|stories|article|articles|link|links|content|coverage|news|video)|"
    r"read more|read also|also read|read|see also|also see|more|also|recommended|click here|"
    r"don'?t miss|must read|trending|editor'?s picks?|top story|sponsored|advertisement|quiz|"
    r"transcript(?: of)?|related topics|next story|previous story|up next|next up|"
    r"(?:next|previous|prev) (?:post|article|entry|page)|"
    r"lesen sie auch|lesen sie mehr|mehr zum thema|auch interessant|weiterlesen|"
    r"lire aussi|à lire aussi|voir aussi|lire la suite|lee también|leer más|te puede interesar|"
    r"ver también|vea también|mira también|filed under|posted in|tags|tagged|categories|category|"
    r"leia também|leia mais|veja também|leggi anche|czytaj także|czytaj też|zobacz też)"
    r"\s*(?::|»|›|>>|\|)\s*\S",
    re.I,
)
# a blog's post navigation without the noun ("Next: Seeking Solitude", "Previous: How we ..."):
# the linked title opens with a capital ("Next: add the flour" is a recipe step)
_POST_NAV = re.compile(r"^(?i:next|previous|prev)\s*(?::|»|›|>>|\|)\s*[A-Z0-9\"“‘'«]")
_PROMO_ARROW = re.compile(
    r"^(?:read|see|watch|listen|more|continue|weiterlesen|lire|leer)\b.{0,60}(?:»|›|→|>>|>)$", re.I
)

#: Whole-line labels (compared after lower-casing and stripping trailing ``: » › > …``).
LABELS = frozenset(
    """
    read more|pdf version|print version|read full story|read the full story|read full article|
    continue reading|continue reading below|
    keep reading|story continues below|article continues below|story continues below advertisement|
    related|related news|related stories|related articles|related content|related coverage|related links|
    related topics|related posts|related videos|related reading|more on this story|more stories|more news|
    more videos|more from|more in|more like this|topics|tags|topics in this article|most popular|most read|
    most viewed|most shared|most commented|most emailed|popular|popular now|trending|trending now|
    trending stories|top stories|latest news|latest stories|latest|recommended|recommended for you|
    recommended stories|you may also like|you might also like|you may be interested in|we recommend|
    editor's picks|editors' picks|editor’s picks|don't miss|don’t miss|around the web|sponsored|
    sponsored content|sponsored stories|sponsored links|promoted stories|promoted content|from our partners|
    partner content|paid content|advertisement|advertisements|advertising|ad|ads|share|share this|
    share this article|share this story|share this post|share article|share story|share on facebook|
    share on twitter|share via email|tweet|email|e-mail|print|print this article|copy link|link copied|
    comments|comment|leave a comment|leave a reply|post a comment|add a comment|add comment|view comments|
    show comments|hide comments|load comments|join the conversation|join the discussion|discuss|
    discussion comments|most active discussions|comments are closed|reply|report|next|previous|prev|back|
    back to top|top|menu|close|search|home|skip to content|skip to main content|skip to navigation|
    log in|login|sign in|sign up|register|subscribe|subscribe now|newsletter|newsletters|follow us|
    follow|like us on facebook|story highlights|highlights|key points|watch|listen|video|photos|image|
    loading|article source|source|toggle menu|open menu|close menu|main menu|navigation|sections|
    all rights reserved|privacy policy|terms of use|terms of service|terms and conditions|cookie policy|
    accept|accept all|accept cookies|manage cookies|cookie settings|got it|ok|no thanks|view all|see all|
    show more|load more|see more|view more|more|expand|collapse|featured|featured stories|
    werbung|anzeige|teilen|artikel teilen|kommentare|kommentieren|mehr zum thema|weitere artikel|
    das könnte sie auch interessieren|empfehlungen|zum thema|publicidad|compartir|comentarios|
    noticias relacionadas|relacionadas|te puede interesar|partager|publicité|commentaires|
    articles similaires|à lire aussi|sur le même sujet|pubblicità|condividi|commenti|
    compartilhe|compartilhar|publicidade|leia também|reklama|udostępnij|komentarze|czytaj też|
    top-themen|top themen|notas relacionadas|artículos relacionados|notícias relacionadas|
    matérias relacionadas|articles liés|verwandte artikel|articoli correlati|
    want more|find more information|more information|release date|ultima modifica|write a comment|
    about the author|about us|contact us|advertising disclosure|advertiser disclosure|disclaimer|
    print article|print page|share article|related posts|you may also like
    """.replace("\n", "").split("|")
)
def _label_key(text: str) -> str:
    """``text`` lower-cased without leading bullets and trailing ``: » › > …`` (see :func:`label_key`)."""
    return label_key(text.lower().replace("’", "'"))


_LABELS_NORM = frozenset(s.strip().replace("’", "'") for s in LABELS if s.strip())


# an upper-case kicker word glued to another story's headline: "PREVIOUS Cost-of-living adjustment passes"
_CAPS_KICKER = re.compile(
    r"^(?:PREVIOUS|NEXT|PREV|RELATED|MORE|WATCH|READ MORE|READ ALSO|ALSO READ|SEE ALSO|"
    r"LISTEN|VIDEO|PHOTOS|UP NEXT)\s+[A-ZÀ-Ý‘“'\"]"
)
_FILED_UNDER = re.compile(r"^(?:filed under|posted in|tagged(?: with)?|mehr zu|more on)\s+\S", re.I)


_PROMO_TRIGGERS = (
    ":", "»", "›", ">", "|", "→", "filed", "posted", "tagged", "mehr", "previous", "next", "prev", "related",
    "more", "watch", "read", "also", "see", "listen", "video", "photos", "up",
)


@gated(GATE_PROMO_LINK)
@max_chars(250, triggers=_PROMO_TRIGGERS)
def promo_link(line: Line) -> str | None:
    """A promo or related link: "More from X: …", "Story: …", "Video: …", "Read more »", "Filed under X"."""
    core = _core(line.text)
    if len(core) > 250:
        return None
    if _PROMO_PREFIX.match(core) or _PROMO_ARROW.match(core):
        return "promo/related link"
    if _POST_NAV.match(core):
        f = features_of(line)
        if not (f.ends_sentence and f.n_words > 10):  # a long sentence is the article's
            return "post navigation"
    if len(core) <= 80 and _FILED_UNDER.match(core) and not features_of(line).ends_sentence:
        return "category/tag link"
    if _CAPS_KICKER.match(core) and features_of(line).n_words <= 25:
        return "promo/related link"
    return None


@gated(GATE_LABEL)
@max_chars(60)
def furniture_label(line: Line) -> str | None:
    """A label of site furniture on its own line: "Related News", "Advertisement", "Share", "Comments"."""
    text = line.text
    if len(text) > 60:
        return None
    core = _core(text)
    # the key of the whole line is memoised on its features (promo_block reads it too)
    key = features_of(line).label_key if core is text else _label_key(core)
    if key in _LABELS_NORM:
        return "site furniture label"
    return None


_FEATURED_ON = re.compile(
    r"^(?:featured|more|latest|top stories|most popular|most read|also) (?:on|from|at|in) \S", re.I
)


@gated(GATE_PROMO_HEADER)
@max_chars(60)
def promo_header(line: Line) -> str | None:
    """A header that opens a teaser list: "Featured on X", "More from X", "Most popular"."""
    text = line.text
    if len(text) > 60:
        return None
    if _FEATURED_ON.match(text) and not features_of(line).ends_sentence:
        return "promo header"
    return None


# ---------------------------------------------------------------------------------
# kicker headlines of other stories, media teasers

_KICKER_QUOTED = re.compile(r"^[‘'\"“][^’'\"”]{2,80}[’'\"”]\s*:\s*\S")
_KICKER_GLUED = re.compile(r"^[A-ZÀ-Ý‘“'\"][^:.!?]{1,60}[^\s:]:(?=[A-ZÀ-Ý‘“'\"])\S")
_SAID = re.compile(r"\b(?:said|says|told)\b")


@max_chars(260, triggers=(":",))
def kicker_headline(line: Line) -> str | None:
    """A kicker headline of another story: "‘A reckoning is near’: America has …", "Kicker:Headline"."""
    f = features_of(line)
    if f.n_words > 30 or f.n_sentences > 2:
        return None
    text = line.text
    if _KICKER_GLUED.match(text):
        return "kicker headline of another story"
    if _KICKER_QUOTED.match(text) and not _SAID.search(text) and line.index > 0:
        return "kicker headline of another story"
    return None


_MEDIA_KEYS = (
    " on ", " report", " explains ", " discusses ", " talks ", " looks at ", " examines ", " speaks ",
    " has ",
)
_MEDIA_TEASER = re.compile(
    r"^(?:[A-ZÀ-Ý][\w'’.-]+\s){0,3}[A-ZÀ-Ý][\w'’.-]+(?:'s|’s)?\s+"
    r"(?:on (?:what|why|how|whether|who|where|when)|reports? (?:on|from)|explains|discusses|"
    r"talks (?:to|about|with)|looks at|examines|speaks (?:to|with)|"
    r"has (?:more|the latest|the story)(?: on| from)?)"
    r"\s+\S"
)


@max_chars(220, triggers=_MEDIA_TRIGGERS)
def media_teaser(line: Line) -> str | None:
    """A video/audio teaser line: "Jane Doe on what the deal means", "X reports from Kabul"."""
    f = features_of(line)
    if f.n_words > 25 or f.ends_sentence or not any(k in f.low for k in _MEDIA_KEYS):
        return None
    if _MEDIA_TEASER.match(line.text):
        return "video/audio teaser"
    return None


# ---------------------------------------------------------------------------------
# widgets, counters, residue

_WIDGET = re.compile(
    r"^(?:\d+\s*)?votes?\s+comments?$|"
    r"^[\d.,]+[kKmM]?\s*(?:comments?|shares?|likes?|views?|reads?|replies|reactions|votes?|kommentare|"
    r"comentarios|commentaires)$|"
    r"^(?:comments?|shares?|likes?|kommentare|comentarios)\s*[(:]?\s*\d+\)?$|"
    r"^(?:.{0,40}\s/\s)?\d+\s*(?:sec|secs|second|seconds|min|mins|minute|minutes|hr|hrs|hour|hours|day|days|"
    r"week|weeks|month|months|year|years)\s+ago$|"
    r"^(?:discuss|comment|comments|share|reply|report abuse|flag)\s*:$|"
    r"^\d+\s*(?:min|minute)s?\s+read$|^(?:reading time|lesezeit)\s*:?\s*\d+\s*\w*$|"
    r"^(?:thanks for (?:signing up|subscribing)|watch for us in your inbox)[.!]?$",
    re.I,
)
#: One share button and its separator: "Facebook | ", "Email" (shared by widget and menu rules).
_SHARE_BUTTON = (
    r"(?:facebook|twitter|linkedin|whatsapp|pinterest|reddit|email|e-mail|print|"
    r"copy link|messenger|telegram|flipboard|instagram|youtube|tiktok|x|mail|xing|threads|bluesky|sms)"
    r"(?:\s*[|/·,•]\s*|\s+|$)"
)
_SOCIAL = re.compile(rf"^(?:(?:share (?:on|via)\s+)?{_SHARE_BUTTON})+$", re.I)
_NO_WORDS = re.compile(r"^[\W_]+$")
_DOMAIN_ONLY = re.compile(
    r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|info|news|co|uk|de|fr|es|it|pl|pt|br|nl|io)$", re.I
)


# a contact address alone on its line ("tips@example.com", "Email: desk@example.org"); the
# gate's ".tld" ending admits it
_EMAIL_ONLY = re.compile(r"^(?:e-?mail\s*:?\s*)?[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.I)


@gated(GATE_WIDGET)
@max_chars(80)
def widget_residue(line: Line) -> str | None:
    """Share/comment counters, "votes comments", "Discuss:", "5 min read", "7 hours ago", lone symbols."""
    text = _core(line.text)
    if len(text) > 80:
        return None
    if _NO_WORDS.match(line.text):
        return "punctuation residue"
    if _WIDGET.match(text):
        return "widget or counter"
    if _SOCIAL.match(text):
        return "share buttons"
    if _DOMAIN_ONLY.match(text):
        return "site name"
    if "@" in text and _EMAIL_ONLY.match(text):
        return "contact address"
    if ("/" in text or "›" in text or ">" in text or "·" in text) and _is_separated_list(text):
        return "breadcrumb/tag list"
    return None


_LIST_SEP = re.compile(r"\s+(?:/|›|>|»|·)\s+")


def _is_separated_list(text: str) -> bool:
    """"Home / News / Politics", "Comics / economics / happy mutants": short word items and separators.

    Table rows ("| a | b |", trafilatura's table output) and numbers are not lists.
    """
    if text.startswith("|") or text.endswith("|"):
        return False
    parts = _LIST_SEP.split(text)
    if len(parts) < 3:
        return False
    return all(
        0 < len(p.split()) <= 4 and p[-1] not in ".!?" and sum(c.isalpha() for c in p) > len(p) / 2
        for p in parts
    )


#: "All rights reserved" in the languages the rules know (a regex alternation).
RIGHTS_RESERVED = (r"all rights reserved|alle rechte vorbehalten|todos los derechos reservados|"
                   r"tous droits réservés|tutti i diritti riservati")
_COPYRIGHT = re.compile(
    r"^(?:copyright|©|\(c\))\s*(?:©\s*)?(?:\d{4}|by\b)|^©|" + RIGHTS_RESERVED + "|"
    r"may not be (?:published|reproduced|copied|republished)(?:,)? (?:broadcast|or)",
    re.I,
)


_COPYRIGHT_KEYS = ("copyright", "©", "(c)", "rights reserved", "rechte", "derechos", "droits", "diritti",
                   "may not be", "powered by")
# the footer's credit to the site's software: "Proudly powered by WordPress", "Powered by X VIP"
# (the software's name opens with a capital: "Powered by the sun" is a subhead)
_POWERED_BY = re.compile(r"^(?i:proudly )?(?i:powered by)\s+[A-Z0-9][^.!?,;:]{1,49}\.?$")


@max_chars(350, triggers=_COPYRIGHT_TRIGGERS)
def copyright_line(line: Line) -> str | None:
    """A copyright line: "Copyright 2011 The Associated Press. All rights reserved …", "© 2024 X"."""
    f = features_of(line)
    if f.n_words > 45 or not any(k in f.low for k in _COPYRIGHT_KEYS):
        return None
    if _COPYRIGHT.search(line.text):
        return "copyright notice"
    if f.n_chars <= 70 and _POWERED_BY.match(line.text):
        return "site software credit"
    return None


_BYLINE_RESIDUE = re.compile(
    r"^(?:by|von|por|par|di|de|przez|and|und|with|mit|con|avec)\s*:?$|"
    r"^(?:posted|written|published|updated|last updated|last modified|veröffentlicht|aktualisiert|"
    r"publicado|actualizado|publié|mis à jour)\s*(?:by|on|at|am|um|el|le)?\s*:?$",
    re.I,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember|"
    r"enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre|"
    r"janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre)\.?"
)
_TIMESTAMP = re.compile(
    r"^(?:[•·|-]\s*)?(?:(?:posted|published|updated|last updated|last modified|modified|created|date|"
    r"veröffentlicht|aktualisiert|stand|publicado|actualizado|publié le|mis à jour le|"
    r"pubblicato)\s*(?:on|at|am)?\s*:?\s*)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?"
    rf"(?:\d{{1,4}}[./-]\d{{1,2}}[./-]\d{{1,4}}|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|"
    rf"\d{{1,2}}\.?\s+{_MONTH}\s+\d{{4}})"
    r"(?:[\s,/|•·-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4}|Uhr|h)?)?"
    r"(?:\s+\S+){0,1}$",
    re.I,
)


_BY_NAME = re.compile(r"^(?:by|von|por|par|door|przez)\s*:?\s+[A-ZÀ-Ý][^!?,;:]{1,60}$", re.I)


@gated(GATE_BYLINE)
@max_chars(80)
def byline_residue(line: Line) -> str | None:
    """Residue of bylines and datelines: a lone "By", "By JANE DOE", "Updated:", a bare date stamp."""
    text = line.text
    if len(text) > 80:
        return None
    if _BYLINE_RESIDUE.match(text):
        return "byline residue"
    if _BY_NAME.match(text):
        words = text.split()
        name = [w for w in words[1:] if w != ":" and w.lower() not in STOPWORDS]
        caps = sum(1 for w in name if w[0].isupper())
        if len(words) <= 8 and name and caps >= 0.75 * len(name):
            return "byline"
    if _TIMESTAMP.match(text):
        return "date/time stamp"
    return None


_WIRE_CREDIT = re.compile(
    r"^(?:contributing|additional reporting|reporting|writing|editing|compiled|edited|produced)"
    r"(?: by)?\s*:\s*\S|^(?:[\w’' .-]{2,40} and |staff and |with )?agencies\.?$|"
    r"^\(?(?:reporting|writing|editing) by [^.]{3,80}\)?\.?$",
    re.I,
)


@max_chars(200, triggers=_WIRE_TRIGGERS)
def wire_credit(line: Line) -> str | None:
    """Wire and contributor credits: "Contributing: The Associated Press", "X and agencies"."""
    if len(line.text) > 200:
        return None
    if _WIRE_CREDIT.match(line.text):
        return "wire/contributor credit"
    return None


_NEWSLETTER = re.compile(
    r"\b(?:sign up|subscribe|register|signing up|subscribing)\b.{0,60}\b(?:newsletters?|updates|alerts|"
    r"briefings?|emails?|inbox|digest)\b|"
    r"\b(?:get|receive) (?:our|the) .{0,40}newsletter|enter your e-?mail|your e-?mail address|"
    r"by (?:signing up|subscribing|clicking|submitting your (?:e-?mail|information|details))|"
    r"newsletter abonnieren|jetzt abonnieren|"
    r"suscríbete|abonnez-vous|inscrivez-vous|"
    r"\b(?:already a subscriber|subscribe (?:now|today)|become a (?:member|subscriber)|"
    r"support (?:our|independent) journalism|unlimited (?:digital )?access)\b|"
    r"\bnewsletter\b|\b(?:straight|right|delivered|direct(?:ly)?) to your (?:inbox|phone)|"
    r"\bto their inboxes\b|\bpush notifications\b|\bplease subscribe\b|"
    r"\bi consent to receiv|\byou (?:may|can) unsubscribe\b|\bsubscribers (?:also )?receive\b|"
    r"\b(?:download|get) (?:the|our) [\w .-]{0,30}\bapps?\b|\bapps? for ios and android\b|^sign up\b",
    re.I,
)


_NEWSLETTER_KEYS = ("consent", "submitting your",
    "newsletter", "inbox", "subscri", "sign up", "signing up", "register", "mail", "push notif", " app",
    "abonn", "suscr", "inscri", "journalism", "unlimited", "become a",
)


@max_chars(480, triggers=_NEWSLETTER_TRIGGERS)
def newsletter_prompt(line: Line) -> str | None:
    """Newsletter and subscription prompts: "Sign up for our daily newsletter", "Subscribe now"."""
    f = features_of(line)
    if f.n_words > 60 or not any(k in f.low for k in _NEWSLETTER_KEYS):
        return None
    if _NEWSLETTER.search(line.text):
        return "newsletter/subscription prompt"
    return None


_COOKIE = re.compile(
    r"\b(?:we use cookies|this (?:web)?site uses cookies|uses cookies to|cookie (?:policy|settings|"
    r"preferences|"
    r"consent)|accept (?:all )?cookies|by continuing to (?:use|browse)|wir verwenden cookies|"
    r"verwendet cookies|utilizamos cookies|usamos cookies|nous utilisons des cookies|"
    r"utilizziamo (?:i )?cookie|"
    r"privacy (?:policy|settings)|datenschutzerklärung|do not sell my personal information|"
    r"technical storage or access|technische speicherung oder der zugriff|"
    r"(?:use|uses|verwenden|nutzen|utilizamos|usamos|utilisons|utilizziamo|store|"
    r"speichern)\b.{0,40}\bcookies?)\b",
    re.I,
)


_COOKIE_KEYS = ("cookie", "privacy", "datenschutz", "personal information", "storage", "speicherung")


@max_chars(480, triggers=_COOKIE_TRIGGERS)
def cookie_notice(line: Line) -> str | None:
    """Cookie and privacy notices: "We use cookies to …", "Do Not Sell My Personal Information"."""
    f = features_of(line)
    if f.n_words > 60 or not any(k in f.low for k in _COOKIE_KEYS):
        return None
    if _COOKIE.search(line.text):
        return "cookie/privacy notice"
    return None


_AD_OFFER = re.compile(
    r"^(?:find|compare|get|book|shop|buy|see|check) (?:the )?(?:best|cheap|cheapest|top|great|latest) "
    r"[\w ]{0,40}(?:offers|deals|prices|rates|hotels|flights)$|^(?:sponsored|ad|anzeige|werbung|publicidad|"
    r"publicité)\s*[:|·•-]\s*\S",
    re.I,
)


@gated(GATE_AD)
@max_chars(120)
def ad_offer(line: Line) -> str | None:
    """Advertising lines: "Find best hotel offers", "Sponsored: …"."""
    if len(line.text) > 120:
        return None
    if _AD_OFFER.match(line.text):
        return "advertisement"
    return None


_FOLLOW = re.compile(
    r"\bfollow (?:him|her|them|us|me|[A-Z][\w’'-]+)(?: \w+)? on (?:twitter|x|facebook|instagram|"
    r"linkedin|threads|"
    r"bluesky|mastodon)\b|\bon twitter:? @\w+|^@\w+$|"
    r"\b(?:our|nuestro|nuestra|notre|unser(?:en)?|nosso|il nostro) "
    r"(?:youtube|facebook|instagram|tiktok|"
    r"whatsapp|telegram)(?:[- ](?:channel|canal|kanal|page|página|seite|chaîne))?\b|"
    r"\b(?:our|nuestro|notre|unseren?|nosso) (?:channel|canal|kanal|chaîne) (?:on |de |auf |sur |no )?"
    r"(?:youtube|telegram|whatsapp)\b|"
    r"^(?:contact|email|e-mail|reach) (?:the (?:author|reporter|writer)|him|her|them|"
    r"[A-Z]\w+) (?:at|on|via)\b",
    re.I,
)


_SOCIAL_NAMES = ("youtube", "facebook", "instagram", "tiktok", "whatsapp", "telegram")
_FOLLOW_KEYS = ("follow", "twitter", "@", "contact", "mail", "reach", *_SOCIAL_NAMES)


@max_chars(360, triggers=("follow", "twitter", "@", "contact", "email", "e-mail", "reach", *_SOCIAL_NAMES))
def author_blurb(line: Line) -> str | None:
    """Author blurbs and social prompts: "X covers Y. Follow X on Twitter @x", "Contact the author at …"."""
    f = features_of(line)
    if f.n_words > 45 or not any(k in f.low for k in _FOLLOW_KEYS):
        return None
    if _FOLLOW.search(line.text):
        return "author blurb / social prompt"
    return None


_COMMENTS_POLICY = re.compile(
    r"\bcomments? (?:are|is) (?:moderated|closed|welcome)|\bwe welcome (?:reader )?comments|"
    r"\b(?:write|post|add|leave) a (?:comment|reply|response)\b|^\d+ (?:responses|comments|"
    r"replies) (?:to|on)\b|"
    r"\bpara comentar\b|email address(?:es)? will not be published|required fields are marked|"
    r"\bcomments? (?:policy|guidelines)\b|\blog ?in to (?:comment|reply)\b|"
    r"\b(?:comments?|posts?) (?:are|should be|must be) (?:civil|respectful|reviewed)\b",
    re.I,
)
_DISCLOSURE = re.compile(
    r"\b(?:we|may) (?:may )?(?:receive|earn) (?:a )?(?:small )?(?:compensation|commission)|"
    r"\badvertis(?:ing|er) disclos|\baffiliate (?:links?|commission)|"
    r"\bthis (?:post|article|page) (?:contains|may contain) (?:references|affiliate|links)|"
    r"\bprotected by recaptcha\b|\bdisclaimer\s*(?:\(|:)|\badvertising disclaimer\b|"
    r"\bn'engagent que leurs auteurs\b|\bviews expressed (?:here |in this \w+ )?are (?:those of|the author)",
    re.I,
)
# a site's disclaimer about what others publish on it: its name (a few words) opens the
# sentence ("X is not responsible for the opinions ... of contributors"), unlike reported
# speech ("Facebook has long argued that it is not responsible for content posted by users")
_NOT_RESPONSIBLE = re.compile(
    r"(?:^|[.!?]\s+)(?:[\w.&'’-]+\s+){1,4}(?:is|are) not responsible for (?:the )?"
    r"(?:opinions|views|content|comments|statements)\b[^.!?]{0,60}"
    r"\b(?:contributors|readers|users|commenters|third[- ]part(?:y|ies)|external (?:sites|websites|links))\b",
    re.I,
)


_COMMENTS_KEYS = ("comment", "comentar", "repl", "respons", "published", "required fields", "log in", "login",
                  "posts")


@max_chars(400, triggers=_COMMENTS_TRIGGERS)
def comments_policy(line: Line) -> str | None:
    """Comment-section furniture: "Leave a reply", "Comments are moderated", "11 responses to …"."""
    f = features_of(line)
    if f.n_words > 50 or not any(k in f.low for k in _COMMENTS_KEYS):
        return None
    if _COMMENTS_POLICY.search(line.text):
        return "comment-section furniture"
    return None


# a paragraph that says what it is: "Disclaimer: …", "Disclosure (affiliate links): …"
_DISCLAIMER_HEAD = re.compile(r"^(?:disclaimer|disclosure)s?\s*(?::|\([^)]{0,80}\)\s*:)")
_DISCLOSURE_KEYS = ("engagent", "views expressed", "not responsible",
    "compensation", "commission", "disclos", "affiliate", "contains", "may contain", "recaptcha",
    "disclaimer",
)


@max_chars(560, triggers=_DISCLOSURE_TRIGGERS)
def disclosure(line: Line) -> str | None:
    """Affiliate/advertising disclosures: "We may receive compensation when you click …"."""
    f = features_of(line)
    if f.low.startswith(("disclaimer", "disclosure")) and _DISCLAIMER_HEAD.match(f.low):
        return "advertising/affiliate disclosure"  # a labelled disclaimer, up to max_chars
    if f.n_words > 70 or not any(k in f.low for k in _DISCLOSURE_KEYS):
        return None
    if _DISCLOSURE.search(line.text):
        return "advertising/affiliate disclosure"
    if "not responsible" in f.low and not _SAID.search(f.low) and _NOT_RESPONSIBLE.search(line.text):
        return "disclaimer of others' content"
    return None


_AUTHOR_BIO = re.compile(
    # the role in any case: bios often capitalise it ("is the Founder and Editor of ...")
    r"^((?:[A-ZÀ-Ý][\w'’.-]+\s){1,3})(?:is|was) (?:a|an|the)\b[^.!?]{0,100}?\b(?i:founder|co-founder|"
    r"writer|reporter|"
    r"journalist|editor|correspondent|columnist|contributor|author|consultant|freelancer?|blogger|"
    r"expert|analyst|producer)\b"
)
_QUOTE_MARKS = frozenset("\"“”„«»")


def is_author_bio(lines: Sequence[str], index: int) -> bool:
    """Whether ``lines[index]`` is the article's author biography ("Jane Roe is a freelance
    writer who covers …"), not the article's own last word on a person it is about.

    A bio names its author nowhere else in the text (the byline aside: lines of five words
    or fewer are not looked at); an article about a correspondent, an analyst or a founder
    names them before ("…, said Roe"), and reported speech or quotes are the article's. At
    most 80 words.
    """
    text = lines[index]
    match = _AUTHOR_BIO.match(text)
    if match is None or len(text.split()) > 80 or _SAID.search(text) or not _QUOTE_MARKS.isdisjoint(text):
        return False
    surname = match.group(1).split()[-1].strip(".,")
    return not any(surname in earlier and len(earlier.split()) > 5 for earlier in islice(lines, index))


@max_chars(600, last=3)
def author_bio(line: Line) -> str | None:
    """An author biography in the last lines: "Jane Roe is a freelance writer who covers …"."""
    if line.index < len(line.lines) - 3 or line.index == 0:
        return None
    if is_author_bio(line.lines, line.index):
        return "author biography"
    return None


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


# "Date : 04/21/2022 Category : Press Releases", "Posted: May 3 | Tags: storms, floods": the
# article's filing fields on one line (a date, author or source field, then a category or
# tag list)
_META_FIELDS = re.compile(
    r"^(?:news date|date|posted(?: on)?|published(?: on)?|updated|author|by|source|section|datum|fecha)"
    r"\s?:\s?[^:]{1,40}?\s(?:[|•·]\s)?"
    r"(?:category|categories|tags|tagged|topics|filed under|rubrik|kategorie|categoría|catégorie)"
    r"\s?:\s?[^:]{1,60}$",
    re.I,
)


# (the fields' colons may touch their words, "Category:Press", so the trigger is the colon)
@max_chars(120, triggers=(":",))
def meta_fields(line: Line) -> str | None:
    """Filing fields on one line: "Date : 04/21/2022 Category : Press Releases"."""
    if len(line.text) > 120:
        return None
    if _META_FIELDS.match(line.text):
        return "date/category fields"
    return None


@max_chars(60, first=2)
def before_headline(line: Line) -> str | None:
    """A short label above the headline (``metadata["title"]``, set by the metadata stage): site furniture."""
    title = line.metadata.get("title") if line.metadata else None
    if not isinstance(title, str) or not title or line.index > 2:
        return None
    f = features_of(line)
    if f.n_words > 5 or f.ends_sentence:
        return None
    want = _norm(title)
    if _norm(line.text) == want:
        return None
    for j in range(line.index + 1, min(len(line.lines), 4)):
        if _norm(line.lines[j]) == want:
            return "site furniture above the headline"
    return None


# ---------------------------------------------------------------------------------
# menus and share bars on one line: "World | Home | Politics", "Subscribe | Sign in",
# "Share this article: Facebook Twitter Email", "Read more at example.com"

_MENU_SEP = re.compile(r"\s*\|\s*|\s+[•·]\s+")
_SHARE_BAR = re.compile(
    r"^(?:share|share (?:this|the) (?:article|story|post|page|video)|share on|teilen|artikel teilen|partager|"
    r"compartir|condividi|compartilhe|udostępnij)\s*[:|]?\s*" + f"(?:{_SHARE_BUTTON})+$",
    re.I,
)
_READ_AT = re.compile(
    r"^(?:read (?:more|the (?:full|rest of the|whole) (?:story|article)|full (?:story|article))|"
    r"continue reading|originally published|(?:this|the) (?:article|story|post) (?:was )?(?:originally )?"
    r"(?:appeared|published)|first published)\s+(?:at|on|in|by)\s+(?:www\.)?[\w-]+(?:\.[\w-]+)+[.!]?$",
    re.I,
)
_MENU_ITEM_BAD = frozenset(".!?,;:\"“”")


def _is_menu(parts: list[str]) -> bool:
    """Three or more short items (one to three words, no sentence punctuation, mostly letters)."""
    return len(parts) >= 3 and all(
        0 < len(p.split()) <= 3 and _MENU_ITEM_BAD.isdisjoint(p) and sum(c.isalpha() for c in p) > len(p) / 2
        for p in parts
    )


@max_chars(160, triggers=("|", "•", "·", "share", "teilen", "partager", "compartir", "condividi",
                          "compartilhe", "udostępnij", "read", "continue", "originally", "published"))
def menu_line(line: Line) -> str | None:
    """A menu or share bar on one line: "World | Home | Politics | Sport", "Subscribe | Sign in",
    "Share this article: Facebook Twitter Email", "Read more at example.com".

    Table rows (a line that starts or ends with "|") and the document's own headline are kept.
    """
    text = _core(line.text).strip()
    if len(text) > 160 or not text:
        return None
    if _SHARE_BAR.match(text):
        return "share buttons"
    if _READ_AT.match(text):
        return "promo/related link"
    if text[0] == "|" or text[-1] == "|":
        return None
    parts = [p for p in _MENU_SEP.split(text) if p]
    if len(parts) < 2:
        return None
    if all(_label_key(p) in _LABELS_NORM for p in parts):
        return "menu of site furniture"
    if _is_menu(parts):
        title = line.metadata.get("title") if line.metadata else None
        if isinstance(title, str) and _norm(title) == _norm(text):
            return None
        return "navigation menu"
    return None


#: name -> (rule, minimum mode level). Order matters only for which reason is shown.
BUILTIN_RULES: dict[str, tuple[Rule, int]] = {
    "photo-credit": (photo_credit, CONSERVATIVE),
    "caption-with-credit": (caption_with_credit, CONSERVATIVE),
    "slideshow-residue": (slideshow_residue, CONSERVATIVE),
    "promo-link": (promo_link, CONSERVATIVE),
    "furniture-label": (furniture_label, CONSERVATIVE),
    "promo-header": (promo_header, CONSERVATIVE),
    "widget-residue": (widget_residue, CONSERVATIVE),
    "copyright-line": (copyright_line, CONSERVATIVE),
    "byline-residue": (byline_residue, CONSERVATIVE),
    "wire-credit": (wire_credit, CONSERVATIVE),
    "newsletter-prompt": (newsletter_prompt, CONSERVATIVE),
    "cookie-notice": (cookie_notice, CONSERVATIVE),
    "ad-offer": (ad_offer, CONSERVATIVE),
    "comments-policy": (comments_policy, CONSERVATIVE),
    "disclosure": (disclosure, CONSERVATIVE),
    "menu-line": (menu_line, CONSERVATIVE),
    "meta-fields": (meta_fields, CONSERVATIVE),
    "obfuscated-text": (obfuscated_text, CONSERVATIVE),
    "caption-near-credit": (caption_near_credit, BALANCED),
    "credit-name": (credit_name, BALANCED),
    "caption-fragment": (caption_fragment, BALANCED),
    "kicker-headline": (kicker_headline, BALANCED),
    "media-teaser": (media_teaser, BALANCED),
    "author-blurb": (author_blurb, BALANCED),
    "author-bio": (author_bio, BALANCED),
    "before-headline": (before_headline, BALANCED),
}

#: The mode level of each built-in rule function (third-party rules are not in it).
RULE_LEVELS: dict[Rule, int] = {fn: level for fn, level in BUILTIN_RULES.values()}

__all__ = ["BUILTIN_RULES", "MODES", "RULE_LEVELS", "RichLine", "is_caption_like", "is_credit_text"]
