"""Block rules: decisions that need the whole document, run after the line rules.

A block rule reads the :class:`~.features.DocView` and the current drops (``drops[i]``
is ``(rule, reason)`` for a line already judged boilerplate, ``None`` otherwise) and
adds drops in place. They cover what one line cannot tell:

* ``promo-block``: the teaser list that follows a promo header ("Featured on X",
  "Related", "More from X", "Most popular").
* ``teaser-cards``: two or more cards in a row of a title, a blurb and a "Read more"
  label (lists of other posts).
* ``menu-run``: runs of short title-case lines without sentence punctuation (menus,
  teaser titles, tag lists).
* ``main-content``: for naive full-page text dumps, the article body is the densest
  run of sentence-like lines (a jusText-style good/bad classification of plain lines,
  smoothed by a maximum-sum span, never across the page's copyright footer); everything
  outside it is page furniture.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import compress, count, islice
from operator import itemgetter

from .features import STOPWORDS, DocView, LineFeatures
from .rules import (
    _HAS_DIGIT,
    _LIST_MARK,
    _MARK_START,
    AGGRESSIVE,
    BALANCED,
    CONSERVATIVE,
    RIGHTS_RESERVED,
    _label_key,
    is_author_bio,
)

Drops = list["tuple[str, str] | None"]
BlockRule = Callable[[DocView, Drops, int], None]

#: Labels that open a list of links to other stories.
PROMO_HEADERS = frozenset(
    """
    related|related news|related stories|related articles|related content|related coverage|related links|
    related posts|related videos|related reading|related topics|more stories|more news|more videos|
    more on this story|
    most popular|most read|most viewed|most shared|most commented|most emailed|popular|popular now|trending|
    trending now|trending stories|top stories|latest news|latest stories|recommended|recommended for you|
    recommended stories|you may also like|you might also like|you may be interested in|we recommend|
    editor's picks|editors' picks|don't miss|around the web|sponsored stories|promoted stories|
    from our partners|more like this|read next|up next|what to read next|featured|featured stories|
    weitere artikel|das könnte sie auch interessieren|mehr zum thema|noticias relacionadas|top-themen|
    notas relacionadas|artículos relacionados|notícias relacionadas|matérias relacionadas|articles liés|
    verwandte artikel|articoli correlati|
    te puede interesar|articles similaires|sur le même sujet|à lire aussi|leia também|czytaj też|
    recent posts|recent articles|recent stories|recent comments|latest posts|popular posts|more posts|
    similar posts|similar articles|see also|read also|also read|lesen sie auch|ähnliche artikel|
    lee también|lea también|relacionadas|relacionados|lire aussi|voir aussi|veja também|leggi anche|
    potrebbe interessarti|zobacz też|zobacz także|czytaj także
    """.replace("\n", "").split("|")
)
_PROMO_HEADERS = frozenset(s.strip() for s in PROMO_HEADERS if s.strip())
_HEADER_PREFIXES = ("featured on ", "more from ", "more on ", "more in ", "latest from ", "also on ",
                    "most popular on ", "top stories from ", "more stories from ")


# the first word of every promo header: only lines opening with one may be "<header> on <Site>"
_HEADER_FIRST = frozenset(h.split()[0] for h in _PROMO_HEADERS)
# "Most read on X", "Top-Themen bei X", "Lo más leído en X": a header, a preposition, a site name
_SITE_PREPS = frozenset(("on", "from", "at", "bei", "auf", "von", "en", "sur", "su", "em", "na", "no", "de"))


def _header_on_site(text: str) -> bool:
    """``text`` is a promo header followed by a preposition and a capitalised site name
    (the caller has checked that its key opens with a header's first word)."""
    words = text.split()
    for k in range(1, len(words) - 1):
        if words[k].lower() in _SITE_PREPS:
            # the site's name: one to four words, each capitalised ("Most read on The Herald",
            # not "Trending on social media")
            name = words[k + 1:]
            return (len(name) <= 4 and all(w[:1].isupper() for w in name)
                    and _label_key(" ".join(words[:k])) in _PROMO_HEADERS)
    return False


#: What :func:`_header_kind` tells: not a promo header, a header, a header naming a site.
NOT_HEADER, HEADER, HEADER_ON_SITE = 0, 1, 2


def _header_kind(text: str, feat: LineFeatures) -> int:
    if feat.n_words > 8 or (feat.ends_sentence and not text.endswith(":")):
        return NOT_HEADER
    key = feat.label_key if feat.text is text else _label_key(text)
    if key in _PROMO_HEADERS or key.startswith(_HEADER_PREFIXES):
        return HEADER
    head, space, _rest = key.partition(" ")
    if space and head in _HEADER_FIRST and _header_on_site(text):
        return HEADER_ON_SITE
    return NOT_HEADER


def is_promo_header(text: str, feat: LineFeatures) -> bool:
    """Whether ``text`` opens a teaser list ("Featured on X", "Related", "Most popular",
    "Most read on The Herald")."""
    return _header_kind(text, feat) != NOT_HEADER


_CONNECTIVES = ("however", "but ", "and ", "yet ", "meanwhile", "still,", "sin embargo", "pero ", "además",
                "aber ", "doch ", "jedoch", "cependant", "mais ", "pourtant", "tuttavia", "però", "porém",
                "no entanto")


def _teaser_like(f: LineFeatures) -> bool:
    if f.text.count(",") >= 3 or f.low.startswith(_CONNECTIVES):
        return False  # clause-rich or continuing prose ("However, the minister said, ...")
    if f.ends_sentence:  # a one-sentence blurb; a longer sentence is more likely the article's
        return f.n_words <= 22 and f.n_sentences <= 1
    return f.n_words <= 35 and f.n_sentences <= 1 and f.n_chars <= 260


def promo_block(view: DocView, drops: Drops, level: int) -> None:
    """Drop the teaser list after a promo header.

    When the list runs to the end of the document every teaser goes; when article
    text resumes after it, only the headline-like lines (no sentence punctuation)
    right after the header go, so a real paragraph is never taken for a teaser.
    """
    n = len(view)
    feats = view.features
    i = 0
    while i < n:
        kind = _header_kind(view.lines[i], feats[i]) if i else NOT_HEADER
        if kind == NOT_HEADER:
            i += 1
            continue
        j = i + 1
        candidates: list[int] = []
        while j < n:
            if drops[j] is not None:
                j += 1
                continue
            g = feats[j]
            if not _teaser_like(g):
                break
            candidates.append(j)
            j += 1
        if (kind == HEADER_ON_SITE and sum(1 for k in candidates[:2] if not feats[k].ends_sentence) < 2
                and (candidates or j < n)):
            # "Trending on Capitol Hill" may be the article's own subhead: a header that names
            # a place needs two headlines under it to open a teaser list (or nothing at all:
            # the document's last line)
            i += 1
            continue
        if drops[i] is None:
            drops[i] = ("promo-block", "promo header")
        to_end = j >= n
        if to_end and (level >= BALANCED or len(candidates) <= 12):
            for k in candidates:
                drops[k] = ("promo-block", f"teaser after promo header {view.lines[i][:40]!r}")
        else:
            for k in candidates:
                if feats[k].ends_sentence:
                    break
                drops[k] = ("promo-block", f"headline after promo header {view.lines[i][:40]!r}")
        i = j


#: Link labels that close a teaser card (title, blurb, label), as label keys.
READ_MORE = frozenset((
    "read more", "read the rest", "continue reading", "keep reading", "read full story", "read full article",
    "read the full story", "read the full article", "weiterlesen", "mehr lesen", "leer más", "seguir leyendo",
    "lire la suite", "leggi tutto", "continua a leggere", "leia mais", "continue lendo", "czytaj więcej",
))


def _is_read_more(f: LineFeatures) -> bool:
    return f.n_chars <= 25 and f.label_key in READ_MORE


def _card_title(f: LineFeatures) -> bool:
    """A teaser card's title: a headline (no final punctuation, or a question)."""
    return f.n_words <= 20 and (not f.ends_sentence or (f.text.endswith("?") and f.n_sentences <= 1))


def teaser_cards(view: DocView, drops: Drops, level: int) -> None:
    """Drop runs of teaser cards: a title, a one-paragraph blurb and a "Read more" label, repeated.

    Blog and magazine pages list other posts under the article that way (the label is the
    link). One such card may be the page's own lead with a link to the rest, so only two
    or more cards in a row go, each with its title, blurb and label.
    """
    feats = view.features
    # short lines first, at C speed (map/compress), then their memoised label keys
    short = compress(count(), map((25).__ge__, map(len, view.lines)))
    labels = [i for i in short if i >= 2 and feats[i].label_key in READ_MORE]
    if len(labels) < 2:
        return
    # cards[r] = index of the title of the card closed by the label at r
    cards: dict[int, int] = {}
    for r in labels:
        kept = [k for k in range(r - 1, max(-1, r - 6), -1) if drops[k] is None][:2]
        if len(kept) < 2:
            continue
        blurb, title = kept
        if title == 0 or feats[blurb].n_words > 160 or _is_read_more(feats[blurb]):
            continue
        if _card_title(feats[title]) and not _card_title(feats[blurb]):
            cards[r] = title
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 2:
            for r in run:
                for k in range(cards[r], r + 1):
                    if drops[k] is None or k == r:
                        drops[k] = ("teaser-cards", f"teaser card closed by {view.lines[r][:30]!r}")

    prev = -1
    for r in sorted(cards):
        start = cards[r]
        # the next card starts right after the previous label (dropped lines between are allowed)
        if run and not all(drops[k] is not None for k in range(prev + 1, start)):
            flush()
            run = []
        run.append(r)
        prev = r
    flush()


def _is_label(f: LineFeatures, text: str) -> bool:
    if f.ends_sentence or f.n_words > 7 or f.n_words == 0:
        return False
    if text[:1] in _MARK_START and _LIST_MARK.match(text):
        return False  # "1. Item" or "• Item" of a list inside an article: content, not a menu
    return f.is_title_case or f.n_words <= 2


_DATA_MARKS = frozenset(".,%$€£/-_:")


def _is_data_cell(text: str) -> bool:
    """A cell of a flattened table: a figure with a decimal mark, a unit or a currency
    ("2.3 GB/s", "0.40%", "$10,000", "run-2018"), not a page number ("2") or a counter
    ("12 Citations")."""
    return not _DATA_MARKS.isdisjoint(text) and _HAS_DIGIT(text) is not None


def _is_data_run(view: DocView, labels: list[int]) -> bool:
    """Half or more of the run's lines are data cells: a flattened table, not a menu."""
    lines = view.lines
    return 2 * sum(1 for k in labels if _is_data_cell(lines[k])) >= len(labels)


def menu_run(view: DocView, drops: Drops, level: int) -> None:
    """Drop runs of short title-case lines without sentence punctuation (menus, teaser titles).

    A run may include lines other rules already dropped; it needs at least four such
    labels in balanced mode (three in aggressive). The first line is left alone, and so
    is a run that is half data cells (:func:`_is_data_run`: a flattened table).
    """
    need = 3 if level >= AGGRESSIVE else 4
    n = len(view)
    echo = title_echo(view) if view.format == "text" and n >= 12 else None
    feats = view.features
    i = 1
    while i < n:
        j = i
        labels: list[int] = []
        while j < n:
            if drops[j] is not None:
                j += 1
                continue
            if j != echo and _is_label(feats[j], view.lines[j]):
                labels.append(j)
                j += 1
                continue
            break
        if len(labels) >= need and not _is_data_run(view, labels):
            for k in labels:
                drops[k] = ("menu-run", f"run of {len(labels)} short title-case lines (menu/teasers)")
        i = max(j, i + 1)


_CAPTION_RULES = frozenset({"photo-credit", "caption-near-credit", "caption-with-credit", "credit-name"})


def _base_weights(view: DocView, drops: Drops) -> list[float | None]:
    """:func:`_weight` of every line not dropped yet (``None`` for dropped lines).

    Computed once per document and shared by :func:`is_page_dump` and :func:`_weights`
    (both run back to back in :func:`main_content`, on the same drops).
    """
    use_stops = view.doc_stop_ratio >= 0.05
    return [_weight(f, use_stops) if d is None else None
            for f, d in zip(view.features, drops, strict=True)]


def _weights(view: DocView, drops: Drops, base: list[float | None] | None = None) -> list[float]:
    """jusText-like line classes as weights: good prose > 0, short sentences ~0, the rest < 0."""
    if base is None:
        base = _base_weights(view, drops)
    n = len(view)
    base = _unwrapped(view, base)
    caption = [d is not None and d[0] in _CAPTION_RULES for d in drops]
    out = []
    for i, w in enumerate(base):
        if w is None:
            out.append(-2.0)
            continue
        near_credit = (i > 0 and caption[i - 1]) or (i + 1 < n and caption[i + 1])
        out.append(-1.0 if near_credit else w)
    return out


#: A page dump is hard-wrapped (paragraphs broken into lines of a fixed width) when at least
#: this many lines, and this share of its lines, continue a sentence: they open lower case
#: after a line that does not end one.
WRAP_MIN = 20
WRAP_SHARE = 0.2


def _unwrapped(view: DocView, base: list[float | None]) -> list[float | None]:
    """In a hard-wrapped page dump, weigh each paragraph as a whole.

    Every line of a wrapped paragraph is a fragment (a few words, no final punctuation),
    so each alone weighs like a menu item and the article is taken for furniture. Lines
    are joined while the previous one does not end a sentence and the next opens lower
    case or the previous has two words or more; a paragraph that weighs as good prose
    shares its weight among its lines by length (others keep their own weights). Text
    that is not hard-wrapped is returned unchanged.
    """
    lines, feats = view.lines, view.features
    n = len(lines)
    if n < WRAP_MIN:
        return base
    # an upper bound first, at C speed: lines that open lower case (split_lines gives no empty line)
    if sum(map(str.islower, map(itemgetter(0), lines))) < max(WRAP_MIN, WRAP_SHARE * n):
        return base
    cont = sum(1 for i in range(1, n) if lines[i][:1].islower() and not feats[i - 1].ends_sentence)
    if cont < WRAP_MIN or cont < WRAP_SHARE * n:
        return base
    use_stops = view.doc_stop_ratio >= 0.05
    out = list(base)
    i = 0
    while i < n:
        j = i
        while (j + 1 < n and base[j] is not None and base[j + 1] is not None and not feats[j].ends_sentence
               and (lines[j + 1][:1].islower() or feats[j].n_words >= 2)):
            j += 1
        if j > i:
            w = _weight(LineFeatures(" ".join(lines[i:j + 1])), use_stops)
            if w > 0:
                total = sum(feats[k].n_chars for k in range(i, j + 1))
                for k in range(i, j + 1):
                    out[k] = w * feats[k].n_chars / total
        i = j + 1
    return out


def _title_case_question(f: LineFeatures) -> bool:
    """English Title Case: two or more function words capitalised after the first word
    ("Do", "They" in "How Do They Compare?"); German nouns or a capitalised "Du" are not enough."""
    if not f.is_title_case:  # memoised on the features
        return False
    words = f.text.split()[1:]
    return sum(1 for w in words if w[:1].isupper() and w.lower().strip("?.,:;") in STOPWORDS) >= 2


def _weight(f: LineFeatures, use_stops: bool) -> float:
    n_words, ends = f.n_words, f.ends_sentence
    if ends and n_words <= 12 and f.text.endswith("?") and _title_case_question(f):
        return -1.0  # a headline that asks ("How Do They Compare?"): a link or subhead
    # the stopword ratio only matters for sentences of 4+ words and long lines: most lines
    # of a page dump (menus, labels) are neither, so their stopwords are never counted
    if (ends and n_words >= 4) or n_words >= 20:
        stop_ok = not use_stops or f.stop_ratio >= 0.15
        if ends and stop_ok and (n_words >= 15 or (f.n_sentences >= 2 and n_words >= 8)):
            return min(f.n_chars, 600) / 50.0
        if ends and stop_ok:  # n_words >= 4 here
            return 0.5
        if n_words >= 20 and stop_ok:
            return 1.0  # a long paragraph without final punctuation
    if n_words >= 3 and f.cap_ratio < 0.5:
        return -0.99  # a lower-case fragment ("200 g flour", a list item): not evidence of a page dump
    return -1.0


def is_page_dump(view: DocView, drops: Drops, level: int, base: list[float | None] | None = None) -> bool:
    """Whether the document looks like a naive full-page text dump (menus, footers...).

    ``base``: the lines' :func:`_base_weights`, when the caller already has them.
    """
    n = len(view)
    if n < 12:
        return False
    if base is None:
        base = _base_weights(view, drops)
    left = [w for w in base if w is not None]
    # menu-like lines (short, title-case) make a page dump; lower-case fragments (lists) do not
    bad = sum(1 for w in left if w <= -1.0)
    if level >= AGGRESSIVE:
        return bad >= 6 and bad >= 0.3 * len(left)
    return bad >= DUMP_MIN_BAD and bad >= DUMP_BAD_SHARE * len(left)


_TITLE_SPLIT = re.compile(r"\s+[|–—-]\s+|\s+[|:]\s*|:\s+")


def title_echo(view: DocView) -> int | None:
    """The index of the headline inside a page dump: the line repeating the ``<title>`` (line 0)."""
    if "echo" in view.cache:
        return view.cache["echo"]
    view.cache["echo"] = found = _title_echo(view)
    return found


def _title_echo(view: DocView) -> int | None:
    if len(view) < 2:
        return None
    first = view.lines[0].casefold()
    parts = [p.strip() for p in _TITLE_SPLIT.split(first) if len(p.strip()) >= 12]
    if not parts:
        return None
    # a line equal to the title or one of its parts, or of 20+ characters a part begins with
    # (every such string has 12+ characters: parts do, so does the title when it has parts)
    echoes = {first, *parts, *(p[:k] for p in parts for k in range(20, len(p)))}
    hits = map(echoes.__contains__, map(str.casefold, islice(view.lines, 1, 400)))
    return next(compress(count(1), hits), None)


def _segments(weights: list[float]) -> list[tuple[float, int, int]]:
    """Maximal positive runs of the weights (Kadane), as ``(sum, start, end)``."""
    out: list[tuple[float, int, int]] = []
    cur = 0.0
    best = (0.0, 0, -1)
    start = 0
    for i, w in enumerate(weights):
        if cur <= 0:
            if best[0] > 0:
                out.append(best)
            cur, start, best = w, i, (0.0, i, -1)
        else:
            cur += w
        if cur > best[0]:
            best = (cur, start, i)
    if best[0] > 0:
        out.append(best)
    return out


GAP = 12
DUMP_MIN_BAD = 10
DUMP_BAD_SHARE = 0.35
GOOD = 2.0
SECOND = 0.3
#: A block that starts right under the headline, before the body, is kept from this share.
LEAD_SECOND = 0.1


def _extend(view: DocView, weights: list[float], s: int, e: int, echo: int | None,
            lo: int = -1, hi: int | None = None) -> tuple[int, int]:
    """Grow the body span over good lines at most ``GAP`` lines away (lead, last paragraphs),
    never to ``lo`` or ``hi`` (footer barriers) or beyond."""
    if hi is None:
        hi = len(weights)
    if echo is not None and lo < echo < s <= echo + 30:  # the headline, if no barrier is between
        s = echo
    changed = True
    while changed:
        changed = False
        for i in range(s - 1, max(lo, s - 1 - GAP), -1):
            if i > 0 and weights[i] >= GOOD:
                s, changed = i, True
                break
        for i in range(e + 1, min(hi, e + 1 + GAP)):
            if weights[i] >= GOOD:
                e, changed = i, True
                break
    return s, e


# a footer's copyright notice: a year or "all rights reserved" (a bare "© Agency" is a photo credit)
_FOOTER_COPYRIGHT = re.compile(r"(?:copyright|©|\(c\))\s*(?:©\s*)?\d{4}|" + RIGHTS_RESERVED, re.I)
#: The weight of a footer barrier: the body span never runs across the page's copyright notice.
BARRIER = -1000.0


def _footer_barriers(view: DocView, drops: Drops, weights: list[float]) -> list[int]:
    """The page's copyright notices in its second half (dropped by copyright-line, five words
    or more, with a year or "all rights reserved"): the article never continues past one.

    A notice with sentences on both sides (the nearest lines not dropped before it and
    after it weigh more than nothing) is inside the article (a picture's copyright), not
    the page's footer, which menus and contact lines surround.
    """
    half = len(view) // 2
    return [
        i for i, d in enumerate(drops[half:], half)
        if d is not None and d[0] == "copyright-line" and view.features[i].n_words >= 5
        and _FOOTER_COPYRIGHT.search(view.lines[i]) and not _between_prose(weights, drops, i)
    ]


def _between_prose(weights: list[float], drops: Drops, i: int) -> bool:
    before = next((weights[k] for k in range(i - 1, -1, -1) if drops[k] is None), None)
    after = next((weights[k] for k in range(i + 1, len(weights)) if drops[k] is None), None)
    return before is not None and after is not None and before > 0 and after > 0


def main_content(view: DocView, drops: Drops, level: int) -> None:
    """For page dumps, keep only the densest span of sentence-like lines (the article body).

    Lines are weighted like jusText's classes, on plain text: long sentence-like lines
    with function words are good (weight grows with length), short sentences are
    neutral-positive, short lines without sentence punctuation, lines next to photo
    credits and lines other rules dropped are bad. The maximum-sum span of weights is
    the body; a span that starts shortly after the headline (the line repeating the
    page title) gets a bonus. Lines outside the span are dropped. Text that does not
    look like a page dump (already-clean article text, trafilatura output) is left
    alone except in aggressive mode.

    Also: hard-wrapped paragraphs are weighed as paragraphs (:func:`_unwrapped`); the
    page's copyright notice in its second half is a barrier the span never crosses
    (:func:`_footer_barriers`); an author bio closing the span goes (:func:`_bio_at_end`).
    """
    if view.format == "html" and level < AGGRESSIVE:
        return
    if len(view) < 12:
        return  # never a page dump (is_page_dump): skip the weights
    base = _base_weights(view, drops)
    if not is_page_dump(view, drops, level, base):
        return
    weights = _weights(view, drops, base)
    barriers = _footer_barriers(view, drops, weights)
    for b in barriers:
        weights[b] = BARRIER
    segs = _segments(weights)
    if not segs:
        return
    echo = title_echo(view)

    def rank(seg: tuple[float, int, int]) -> float:
        score, start, _end = seg
        if echo is not None and echo <= start <= echo + 30:
            return score * 1.5
        return score

    if barriers:
        # what follows the footer (hidden panels, other stories) is never the article,
        # unless nothing before it is dense enough to be one
        before = [seg for seg in segs if seg[2] < barriers[0]]
        if before and max(seg[0] for seg in before) >= 5.0:
            segs = before
    best, s, e = max(segs, key=rank)
    if best < 5.0:
        return
    # the footer barriers around the body: nothing beyond them belongs to it
    lo = max((b for b in barriers if b < s), default=-1)
    hi = min((b for b in barriers if b > e), default=len(view))
    s, e = _extend(view, weights, s, e, echo, lo, hi)
    keep = [(s, e)]
    for score, s2, e2 in segs:  # other dense blocks (an article split by a big widget)
        # the lead right under the headline, cut off from the body by a widget (a table of
        # contents, product boxes), needs less: it is where an article starts
        lead = echo is not None and echo <= s2 <= echo + 30 and e2 < s
        if lead and score >= LEAD_SECOND * best and lo < s2:
            keep.append((s2, e2))  # as found: growing it would reach back into the page head
        elif score >= SECOND * best and (e2 < s or s2 > e) and lo < s2 and e2 < hi:
            keep.append(_extend(view, weights, s2, e2, None, lo, hi))
    inside = [False] * len(view)
    for a, b in keep:
        for i in range(a, b + 1):
            inside[i] = True
    if echo is not None and inside[echo] and drops[0] is None:
        drops[0] = ("main-content", "page title, repeated as the headline below")
    for i in range(1, len(view)):
        if not inside[i] and drops[i] is None:
            drops[i] = ("main-content", "outside the main text block of a page dump")
    _bio_at_end(view, drops, s, e)


def _bio_at_end(view: DocView, drops: Drops, s: int, e: int) -> None:
    """Drop an author biography that closes the body span (:func:`.rules.is_author_bio`,
    the author-bio line rule's test).

    In a clean article the bio box is among the last lines (the author-bio line rule);
    in a page dump the footer follows it, so it is the last kept line of the body span
    instead.
    """
    last = next((i for i in range(e, s, -1) if drops[i] is None), None)
    if last is not None and is_author_bio(view.lines, last):
        drops[last] = ("main-content", "author biography at the end of the main text")


#: name -> (block rule, minimum mode level), run in this order.
BLOCK_RULES: dict[str, tuple[BlockRule, int]] = {
    "promo-block": (promo_block, CONSERVATIVE),
    "main-content": (main_content, BALANCED),
    # after main-content: the cards are dropped, but do not move the body span
    "teaser-cards": (teaser_cards, BALANCED),
    "menu-run": (menu_run, BALANCED),
}
