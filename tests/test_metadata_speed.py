"""The metadata plugin's fast paths: each must give exactly what the plain code gives, and stay fast.

The stages were made ~20x faster by prefilters and vectorization that must not change a
single result; these tests compare every fast path with the slow computation it replaces
(reference = the library call, or the same code with the prefilter disabled) on seeded
random input, and guard against the regexes turning slow again.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata

import pytest
from ftfy.badness import MOJIBAKE_CATEGORIES, is_bad

from corpuskit_plugins.metadata import dates, stage, text_normalize, titles
from corpuskit_plugins.metadata.dates import MONTHS, WEEKDAYS, find_dates, parse_date_value, parse_dateline
from corpuskit_plugins.metadata.language import (
    _classifier,
    _FastClassifier,
    _identifier,
    detect_language,
    detect_languages,
)
from corpuskit_plugins.metadata.stage import classify_line

# --- regexes that must not backtrack or scan slowly again --------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "1" * 5000 + ".,-/:" * 1000,  # digits and punctuation, no date
        ("12/" * 40 + "2011 " + "3:4" * 30) * 20,
        " ".join(["Mon", "Jan", "12", "Tue", "Feb"] * 400) + " 2011",  # many names and numbers
        "| 2011 | 21 Oct | Oct 21 |" * 200,
        ("Published " + "x" * 100 + " 2011 ") * 50,
        "by " * 3000,
        ("Ã" + "©" * 3 + "â€™ ") * 1000,
    ],
)
def test_long_lines_are_fast(line: str) -> None:
    start = time.perf_counter()
    for s in (line, line[:120], line[:200]):
        parse_dateline(s)
        find_dates(s[:200])
        parse_date_value(s[:200])
        for header in (True, False):
            classify_line(s, "MDY", header=header)
            classify_line(s, "DMY", header=header)
    text_normalize.normalize_text(line)
    assert time.perf_counter() - start < 1.0


def test_dateline_words_regexes_are_fast_on_date_lines() -> None:
    line = "Published: Friday, October 21, 2011 at 3:04 PM EST | Updated 21 October 2011 18:53"
    start = time.perf_counter()
    for _ in range(200):
        parse_dateline(line)
    assert time.perf_counter() - start < 1.0  # was ~0.3 ms per regex search, several per line


# --- dates: the digit check and the word-date hints change nothing ----------------------------


def _date_line(rng: random.Random) -> str:
    def tok() -> str:
        r = rng.random()
        if r < 0.2:
            w = rng.choice([*MONTHS, *WEEKDAYS])
            return rng.choice([w, w.upper(), w.capitalize(), w.replace("s", "ſ").replace("k", "K")])
        if r < 0.5:
            return str(rng.choice([rng.randint(0, 40), rng.randint(1985, 2035)])) + rng.choice(
                ["", "st", "th", ".", ",", "º", "er", ":", "/", "-"]
            )
        if r < 0.6:
            return f"{rng.randint(0, 30)}{rng.choice('/.-')}{rng.randint(0, 13)}{rng.choice('/.-')}{rng.randint(0, 2030)}"
        if r < 0.7:
            return f"{rng.randint(0, 25)}:{rng.randint(0, 60):02d}" + rng.choice(["", " PM", " Uhr", " EST", " GMT+2"])
        if r < 0.8:
            return rng.choice(["Published", "Updated:", "Posted on", "Last modified", "de", "at", "on", "|", "ago"])
        return rng.choice(["news", "Lorem", "x", "©", "١٢", "\u00a0", "by", "Reuters", "3 hours"])

    return " ".join(tok() for _ in range(rng.randint(1, 10)))


def test_date_hints_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    lines = [_date_line(rng) for _ in range(3000)]
    lines += [f"{label} {d}" for label in ("", "Published:", "Updated", "• ") for d in (
        "Friday, October 21, 2011 at 3:04 PM EST", "21 octobre 2011 à 18h53", "Oct. 21, 2011 | 6:53 PM GMT+2",
        "2011-10-22T17:58:39Z", "Sat, 22 Oct 2011 17:58:39 +0000", "21.10.2011, 18:53 Uhr", "3 de marzo de 2011")]
    fast = [(repr(parse_dateline(s, o)), repr(find_dates(s, o))) for s in lines for o in ("MDY", "DMY")]
    anything = re.compile("")
    for name in ("_DMY_HINT", "_MDY_HINT", "_DIGIT"):
        monkeypatch.setattr(dates, name, anything)
    slow = [(repr(parse_dateline(s, o)), repr(find_dates(s, o))) for s in lines for o in ("MDY", "DMY")]
    assert fast == slow
    assert sum(r[0] != "None" for r in fast) > 50 and sum(r[1] != "[]" for r in fast) > 500  # real dates


def test_dateline_label_with_odd_case_letters() -> None:
    # "İ"/"ſ" match "i"/"s" case-insensitively but lower-case to something else: no KeyError
    got = parse_dateline("FİRſT PUBLIſHED 21 October 2011")
    assert got is not None and got.kind == "published" and got.date.iso() == "2011-10-21"


# --- classify_line: cache and long-line rejection change nothing -------------------------------


def test_classify_line_fast_paths_change_nothing() -> None:
    rng = random.Random(3)
    pieces = ["By Ann Lee", "Reuters", "(AFP)", "Updated Oct 21, 2011 6:53pm EDT", "WASHINGTON", "FoxNews.com",
              "Copyright 2011 The Associated Press. All rights reserved.", "Share this", "Lorem ipsum dolor " * 15,
              "21 October 2011", "Staff and agencies", "Jane Roe contributed to this report"]
    seps = [" | ", " • ", "   ", " / ", " ", "\t\t\t"]
    lines = []
    for _ in range(1500):
        parts = [rng.choice(pieces) for _ in range(rng.randint(1, 3))]
        lines.append(rng.choice(["", "• ", "  "]) + rng.choice(seps).join(parts) + rng.choice(["", ".", " "]))
    for line in lines:
        for header in (True, False):
            assert repr(classify_line(line, "MDY", header=header)) == repr(
                stage._classify_line(line, "MDY", header=header)
            ), line


def test_classify_line_cache_hands_out_copies() -> None:
    first = classify_line("By Ann Lee and Bo Li", "MDY", header=True)
    assert first is not None and first[1] is not None
    first[1].authors.append("Mallory")
    again = classify_line("By Ann Lee and Bo Li", "MDY", header=True)
    assert again is not None and again[1] is not None and again[1].authors == ["Ann Lee", "Bo Li"]


def test_title_norm_ascii_fast_path() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        s = "".join(chr(rng.randrange(128)) for _ in range(rng.randrange(40)))
        assert titles._norm(s) == re.sub(r"[^\w]+", "", s.casefold())


# --- text normalization: the ftfy pre-check is is_bad, the delete step is translate ------------


def _mojibake_pool() -> list[str]:
    cats = "".join(MOJIBAKE_CATEGORIES.values())
    chars = [chr(c) for c in range(0x80, 0x2600) if re.match("[" + cats + "]", chr(c))]
    return chars + list("abcXYZ  \n\t.,!-ÂÃÎÐØÙà√≈‚ÄâóвЂВГРСўβΒΓΞΟā€™°µ»\x1b\ufb01\u200b\xa0") + ["Ã©", "â€™", " Â "]


def test_needs_ftfy_is_exactly_the_badness_check() -> None:
    rng = random.Random(11)
    pool = _mojibake_pool()
    texts = ["".join(rng.choice(pool) for _ in range(rng.choice([1, 2, 3, 5, 12, 40]))) for _ in range(20000)]
    texts += ["café", "naïve – “quoted” text… ©2024", "Ð¿Ñ€Ð¸Ð²ÐµÑ‚", "Ã\xa0 bientôt"]
    for t in texts:
        expected = not (t.isascii() and "\x1b" not in t) and bool(
            text_normalize._FTFY_TRIGGERS.search(t) or is_bad(t)
        )
        assert text_normalize._needs_ftfy(t) == expected, repr(t)
    assert text_normalize._BAD_ANCHORS is not None  # the fast path is in use with this ftfy


def test_delete_and_space_steps_equal_the_plain_ones() -> None:
    rng = random.Random(2)
    pool = list("ab \n\t") + list(text_normalize._INVISIBLE + text_normalize._CONTROLS) + [
        chr(c) for c in range(0x3001) if chr(c).isspace()
    ]
    for _ in range(5000):
        t = "".join(rng.choice(pool) for _ in range(rng.randrange(30)))
        assert text_normalize._DELETE_RE.sub("", t) == t.translate(text_normalize._DELETE)
        assert text_normalize._ODD_SPACES.sub(" ", t) == text_normalize._SPACES.sub(" ", t)
        assert text_normalize._line_breaks(t) == text_normalize._LINE_BREAKS.sub("\n", t)
        n = text_normalize.normalize_text(t)
        assert text_normalize.normalize_text(n) == n
        assert unicodedata.is_normalized("NFC", n)


# --- language: the vectorized classifier is py3langid's, bit for bit ---------------------------


def test_fast_language_classifier_equals_py3langid() -> None:
    classify = _classifier()
    assert isinstance(getattr(classify, "__self__", None), _FastClassifier)  # else: re-prove, see below
    ident = _identifier()
    rng = random.Random(13)
    alphabet = [chr(c) for c in [*range(32, 127), *range(0xA0, 0x250), *range(0x370, 0x3FF), *range(0x400, 0x4FF),
                                 *range(0x600, 0x6FF), *range(0x4E00, 0x4E80), 0x1F600, 0xFFFD]]
    samples = [
        "Das ist ein kleiner Test der automatischen Spracherkennung für Texte.",
        "ESTO ES UN TEXTO EN MAYÚSCULAS PARA PROBAR LA DETECCIÓN.",
        "",
        "a",
        "abcde",
        "abcdef",
    ]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.choice([1, 5, 6, 7, 60, 600, 4000]))) for _ in range(300)]
    samples += ["\x00ab\x00", "\ud800\udfff" * 4, "日本語のテキスト" * 1200, "long text " * 2000]  # pad byte; > 8 KB
    expected = [ident.classify(s) for s in samples]
    for s, e in zip(samples, expected, strict=True):
        assert classify(s) == e, s[:40]
    fast = classify.__self__
    for size in (1, 2, 7, 64, 400):  # batches: the same answers, whatever the neighbours
        got = [r for i in range(0, len(samples), size) for r in fast.classify_many(samples[i : i + size])]
        assert got == expected, size
    assert fast.classify_many([]) == []


def test_detect_languages_equals_detect_language() -> None:
    rng = random.Random(43)
    sentences = [
        "the house is on the hill and we walk there every day with our friends",
        "das Haus steht auf dem Berg und wir gehen jeden Tag mit unseren Freunden dorthin",
        "la maison est sur la colline et nous y allons chaque jour avec nos amis",
        "дом стоит на холме и мы ходим туда каждый день с нашими друзьями",
        "家 の 日本語 です 42 . x é",
    ]
    words = [s.split(" ") for s in sentences]
    texts = []
    for _ in range(500):
        pool = rng.choice(words)
        texts.append(" ".join(rng.choice(pool) for _ in range(rng.choice([0, 3, 10, 40, 400]))))
    expected = [detect_language(t) for t in texts]
    assert detect_languages(texts) == expected
    assert detect_languages(texts[:3], min_chars=0, min_confidence=0.0) == [
        detect_language(t, min_chars=0, min_confidence=0.0) for t in texts[:3]
    ]
    assert sum(code is not None for code, _ in expected) > 100


@pytest.mark.slow
def test_langid_dfa_synchronizes_after_six_bytes() -> None:
    """The property the fast classifier rests on, proved for the shipped model: from any two
    states, any 6 bytes lead to the same state (all state pairs, all byte strings, exhaustively)."""
    import numpy as np

    fast = _classifier().__self__
    ident = _identifier()
    nm = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}").astype(np.int64)
    rowbase = np.asarray(ident.tk_row, dtype=np.int64) * 256
    n_states = rowbase.size
    byte = np.arange(256, dtype=np.int64)
    codes = np.arange(n_states, dtype=np.int64) * n_states  # pairs (state, start state)
    for _ in range(fast.sync):
        a, c = codes // n_states, codes % n_states
        keep = a != c
        a, c = a[keep], c[keep]
        step = []
        for lo in range(0, a.size, 8192):  # expand by every byte, a chunk at a time
            na = nm[(rowbase[a[lo : lo + 8192]][:, None] + byte).ravel()]
            nc = nm[(rowbase[c[lo : lo + 8192]][:, None] + byte).ravel()]
            step.append(np.unique(na * n_states + nc))
        codes = np.unique(np.concatenate(step)) if step else np.zeros(0, dtype=np.int64)
    assert not ((codes // n_states) != (codes % n_states)).any()


# --- language: the derived tables are cached on disk and mapped, never trusted blindly ----------


def test_language_tables_cache(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuskit_plugins.metadata import language

    monkeypatch.setenv("CORPUSKIT_CACHE_DIR", str(tmp_path))
    ident = _identifier()
    texts = [*language._SELF_CHECK, "Ein Satz auf Deutsch, der lang genug ist, um erkannt zu werden.", "x" * 5000]

    def fresh() -> _FastClassifier:
        _classifier.cache_clear()
        fast = _classifier().__self__
        assert isinstance(fast, _FastClassifier)
        assert [fast.classify(t) for t in texts] == [ident.classify(t) for t in texts]
        return fast

    try:
        built = fresh()  # built, written, then used from the mapped file
        (cached,) = tmp_path.glob("langid-*.bin")
        assert built._keep is not None and not built.table.flags.writeable
        assert fresh()._keep is not None  # the second process: read from the cache
        for damage in (b"", b"CKLANGID" + b"\0" * 100, cached.read_bytes()[:-4096]):
            cached.write_bytes(damage)  # truncated or foreign: rebuilt, not trusted
            assert fresh()._keep is not None
            assert language._load_cache(cached, "0" * 40) is None  # another model's digest
        monkeypatch.setenv("CORPUSKIT_CACHE_DIR", str(cached))  # a file, not a folder: no cache, still fast
        assert fresh()._keep is None
        monkeypatch.setenv("CORPUSKIT_CACHE_DIR", "")
        assert language.cache_dir() is None
    finally:
        _classifier.cache_clear()
        for f in tmp_path.glob("langid-*"):  # ~120 MB: pytest keeps the last runs' folders
            f.unlink()


# --- metadata stage: the one-part check, the headline echo search, the re-join after removals ----


def test_every_whitespace_but_space_is_unprintable() -> None:
    """What ``stage._one_part`` rests on: ``isprintable()`` rules out every whitespace but " "."""
    import sys

    assert not [c for c in range(sys.maxunicode + 1) if chr(c).isspace() and c != 32 and chr(c).isprintable()]


def test_one_part_equals_the_regexes() -> None:
    rng = random.Random(17)
    pool = list("ab |/•· ") + [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\u200c", "é", "\x00"]

    def slow(s: str) -> bool:
        if "|" in s or "•" in s or "·" in s or "/" in s or "   " in s:
            return False
        return not re.search(r"[^\S ]", s) or not re.search(r"\s{3}", s)

    for _ in range(20000):
        s = "".join(rng.choice(pool) for _ in range(rng.randrange(12)))
        assert stage._one_part(s) == slow(s), repr(s)


def _repeated_at_slow(lines: list[str], index: int, within: int = 400) -> int | None:
    want = {titles._norm(lines[index]), titles._norm(titles.strip_site_suffix(lines[index]))}
    want.discard("")
    for j in range(index + 1, min(len(lines), index + within)):
        if lines[j].strip() and titles._norm(lines[j]) in want:
            return j
    return None


def test_repeated_at_equals_the_line_by_line_search() -> None:
    rng = random.Random(19)
    heads = ["Council passes budget - The Times", "Council passes budget", "COUNCIL PASSES BUDGET!", "Straße gesperrt",
             "STRASSE GESPERRT", "", "   ", "x\ny", "Ünïcödé headline here", "---", "Budget | Home"]
    for _ in range(3000):
        lines = [rng.choice(heads) for _ in range(rng.randrange(1, 12))]
        for i in range(len(lines)):
            for within in (400, 3):
                assert titles.repeated_at(lines, i, within=within) == _repeated_at_slow(lines, i, within), (lines, i)


def test_rejoin_normalized_equals_normalizing_again() -> None:
    rng = random.Random(23)
    pool = [*_mojibake_pool(), "\n", "\n", "\n\n", "\r\n", " \n", "word", "Word. ", "\u0301", "e\u0301", "\t"]
    for _ in range(3000):
        text = text_normalize.normalize_text("".join(rng.choice(pool) for _ in range(rng.randrange(60))))
        lines = text.split("\n")
        kept = "\n".join(ln for ln in lines if rng.random() < 0.6)
        assert text_normalize.rejoin_normalized(kept) == text_normalize.normalize_text(kept, repair=False), repr(kept)


def test_credit_prechecks_change_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    from corpuskit_plugins.metadata import bylines

    rng = random.Random(29)
    words = ["Staff", "and", "agencies", "AGENCIES.", "Agenturen", "wires", "wire services", "agenciaſ", "AFP/Reuters",
             "AP, Reuters", "AFP & dpa", "Reuters", "with", "news agencies", "The Guardian", "x", ".", "©", "(AFP)", "y"]
    lines = [" ".join(rng.choice(words) for _ in range(rng.randrange(1, 6))) + rng.choice(["", ".", " ."])
             for _ in range(5000)]
    fast = [repr(bylines.parse_credit(s)) for s in lines]
    monkeypatch.setattr(bylines, "_AND_AGENCIES_LAST", re.compile(""))
    assert fast == [repr(bylines.parse_credit(s)) for s in lines]
    assert sum(r != "None" for r in fast) > 500


def test_special_scan_of_the_rare_characters_equals_the_regex() -> None:
    rng = random.Random(31)
    pool = [*_mojibake_pool(), *text_normalize._INVISIBLE, *text_normalize._CONTROLS, "\ud800", "\udfff", "\x1b",
            *[chr(c) for c in range(0x3001) if chr(c).isspace()], "\u034f", "plain ASCII text ", "\n", "\t"]
    for _ in range(20000):
        t = "".join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 5, 30])))
        assert text_normalize._has_special(t) == (text_normalize._SPECIAL.search(t) is not None), repr(t)
        assert text_normalize._needs_ftfy(t, text_normalize._rare(t)) == text_normalize._needs_ftfy(t), repr(t)


def _normalize_once_plain(text: str, repair: bool = True) -> tuple[str, bool]:
    """``_normalize_once`` without its shortcuts: every step that may apply, by its plain regex."""
    special = text_normalize._SPECIAL.search(text) is not None
    if special:
        text = text_normalize._LINE_BREAKS.sub("\n", text)
    repaired = False
    if repair and (text_normalize._FTFY_TRIGGERS.search(text) or is_bad(text)):
        repaired = special = True
        text = text_normalize.ftfy.fix_text(text, text_normalize._FTFY_CONFIG)
        text = text_normalize._LINE_BREAKS.sub("\n", text)
    if special:
        text = text.translate(text_normalize._DELETE)
        text = text_normalize._SPACES.sub(" ", text)
    text = text_normalize._TRAILING.sub("", text)
    text = text_normalize._BLANK_RUNS.sub("\n\n", text).strip("\n")
    return unicodedata.normalize("NFC", text), repaired


def test_normalize_round_equals_the_plain_steps() -> None:
    rng = random.Random(37)
    pool = [*_mojibake_pool(), *text_normalize._INVISIBLE, *text_normalize._CONTROLS, "\ud800", "\x1b", "\u034f",
            *[chr(c) for c in range(0x3001) if chr(c).isspace()], "plain ASCII text ", "\n", "\n\n\n", " \n", "\t",
            "e\u0301", "\r\n"]
    for _ in range(10000):
        t = "".join(rng.choice(pool) for _ in range(rng.choice([0, 1, 2, 5, 30])))
        for repair in (True, False):
            assert text_normalize._normalize_once(t, repair) == _normalize_once_plain(t, repair), repr(t)


def test_headline_letter_counts_equal_the_loops() -> None:
    rng = random.Random(41)
    pool = ["Council", "passes", "budget", "a", "I", "2011", "x1", "ÄÖÜ", "é", "ﬁne", "½", "Ⅻ", "—", "U.S.", "_", "٣",
            "Straße", "-", "'s", "B2", "AB", "", "日本語"]
    for _ in range(20000):
        s = " ".join(rng.choice(pool) for _ in range(rng.randrange(1, 9)))
        words = s.split()
        assert titles._letters(s) == sum(ch.isalpha() for ch in s), s
        assert titles._wordy(words) == sum(1 for w in words if sum(ch.isalpha() for ch in w) >= 2), s
