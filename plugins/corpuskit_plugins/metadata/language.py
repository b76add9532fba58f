"""Language: detection with py3langid (model shipped inside the package) and code normalization."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from itertools import islice
from typing import Any

#: ISO 639-2/3 codes and English names of common languages → ISO 639-1.
_TO_639_1: dict[str, str] = {
    "eng": "en",
    "english": "en",
    "deu": "de",
    "ger": "de",
    "german": "de",
    "deutsch": "de",
    "fra": "fr",
    "fre": "fr",
    "french": "fr",
    "français": "fr",
    "spa": "es",
    "spanish": "es",
    "español": "es",
    "ita": "it",
    "italian": "it",
    "por": "pt",
    "portuguese": "pt",
    "nld": "nl",
    "dut": "nl",
    "dutch": "nl",
    "pol": "pl",
    "polish": "pl",
    "rus": "ru",
    "russian": "ru",
    "zho": "zh",
    "chi": "zh",
    "chinese": "zh",
    "jpn": "ja",
    "japanese": "ja",
    "kor": "ko",
    "korean": "ko",
    "ara": "ar",
    "arabic": "ar",
    "tur": "tr",
    "turkish": "tr",
    "swe": "sv",
    "swedish": "sv",
    "dan": "da",
    "danish": "da",
    "nor": "no",
    "nob": "nb",
    "fin": "fi",
    "finnish": "fi",
    "ces": "cs",
    "cze": "cs",
    "czech": "cs",
    "ell": "el",
    "gre": "el",
    "greek": "el",
    "heb": "he",
    "hebrew": "he",
    "hin": "hi",
    "hindi": "hi",
    "ukr": "uk",
    "ukrainian": "uk",
    "ron": "ro",
    "rum": "ro",
    "romanian": "ro",
    "hun": "hu",
    "hungarian": "hu",
    "vie": "vi",
    "ind": "id",
    "fas": "fa",
    "per": "fa",
    "persian": "fa",
    "cat": "ca",
    "catalan": "ca",
    "iw": "he",
    "in": "id",
    "ji": "yi",
}


def normalize_language(value: Any) -> str | None:
    """ISO 639-1 code from "en", "en-US", "en_GB", "eng", "English"; ``None`` if unknown."""
    if not isinstance(value, str):
        return None
    s = value.strip().lower()
    if not s:
        return None
    s = re.split(r"[-_@.,;\s]", s, maxsplit=1)[0] if not s.isalpha() else s
    if s in _TO_639_1:
        return _TO_639_1[s]
    if re.fullmatch(r"[a-z]{2}", s):
        return s
    return None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


# --- fast classification -------------------------------------------------------------
#
# py3langid walks a byte-level DFA (an Aho-Corasick automaton over byte n-grams) one byte
# at a time in a Python loop: ~1 ms per 4,000 bytes. That DFA is *synchronizing*: after
# any SYNC bytes its state no longer depends on where it started (proved by exhaustive
# search over all state pairs for the shipped model, see tests/test_metadata_units.py),
# so the state after byte i is the state reached from the start state by reading bytes
# i-SYNC+1 .. i alone. That turns the walk into SYNC vectorized table look-ups. The
# feature counts, their order and the float arithmetic after them are exactly py3langid's,
# so (language, probability) are bit-for-bit the library's; any model other than the one
# whose synchronization was proved uses the library's own classify.

#: SHA-1 of py3langid's shipped model file → its synchronizing word length.
_SYNC_BY_MODEL = {"517061713aa09c0b71c0ed52507c4546f9bdc716": 6}
_SELF_CHECK = (
    "This is a short test of automatic language detection for texts.",
    "Das ist ein kleiner Test der automatischen Spracherkennung für Texte.",
    "Ceci est un petit test de détection automatique de la langue des textes.",
    "Это небольшая проверка автоматического определения языка текста.",
    "自動言語検出のための短いテストです。日本語の文章を判定します。",
    "ab",
    "",
)


class _FastClassifier:
    """``classify`` equal to ``LanguageIdentifier.classify`` (norm_probs=True) for a known model.

    Costs ~100 MB of extra tables per process: the DFA's next-row offsets (int32) and the
    model's feature weights as float32 (numpy casts float16 to float32 slowly, row by row).
    """

    def __init__(self, ident: Any, sync: int) -> None:
        import numpy as np

        if sync < 3:
            raise ValueError("synchronizing length below 3")
        self.np = np
        self.ident = ident
        self.sync = sync
        nm = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}")
        rowbase = np.asarray(ident.tk_row, dtype=np.int64) * 256
        if rowbase.size and int(rowbase.max()) + 256 >= 2**31:
            raise ValueError("DFA too large for int32 offsets")
        self.rowbase = rowbase.astype(np.int32)
        self.nextmove = nm
        #: offset of the row of the next state, for every (state row, byte): two look-ups in one
        self.next_rowbase = self.rowbase[nm]
        self.output = np.asarray(ident.tk_output, dtype=np.int32)
        self.n_features = int(ident.nb_ptc.shape[0])
        #: row offset of the state reached from the start state by the bytes b0 b1 (index b0 << 8 | b1)
        first = self.next_rowbase[self.rowbase[0] + np.arange(256, dtype=np.int32)]
        self.rowbase2 = self.next_rowbase[(first[:, None] + np.arange(256, dtype=np.int32)[None, :]).ravel()]
        self.table = np.asarray(ident.nb_ptc).astype(np.float32)

    def features(self, data: bytes) -> Any:
        """The feature id (or -1) the DFA emits at every byte of ``data``."""
        np, sync, out = self.np, self.sync, self.output
        nm, rowbase = self.nextmove, self.rowbase
        head: list[int] = []
        state = 0
        for byte in data[: sync - 1]:
            state = int(nm[int(rowbase[state]) + byte])
            head.append(state)
        n = len(data)
        if n < sync:
            return out[np.array(head, dtype=np.intp)]
        m = n - sync + 1
        b = np.frombuffer(data, dtype=np.uint8).astype(np.int32)
        row = self.rowbase2[(b[:m] << 8) | b[1 : m + 1]]
        for k in range(2, sync - 1):
            row = self.next_rowbase[row + b[k : m + k]]
        return np.concatenate((out[np.array(head, dtype=np.intp)], out[nm[row + b[sync - 1 :]]]))

    def visits(self, data: bytes) -> tuple[Any, Any] | None:
        """Feature ids and counts in order of first occurrence (``collections.Counter`` order)."""
        np = self.np
        feats = self.features(data)
        pos = np.flatnonzero(feats >= 0)
        if not pos.size:
            return None
        shift = max(len(data).bit_length(), 1)
        dtype = np.int32 if self.n_features.bit_length() + shift < 31 else np.int64
        key = (feats[pos].astype(dtype) << shift) | pos.astype(dtype)
        key.sort()
        fid = key >> shift
        first = np.empty(key.size, dtype=bool)
        first[0] = True
        np.not_equal(fid[1:], fid[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        ends = np.empty_like(starts)
        ends[:-1] = starts[1:]
        ends[-1] = key.size
        order = np.argsort(key[starts] & ((1 << shift) - 1))
        return fid[starts][order], (ends - starts)[order]

    def classify(self, text: str) -> tuple[str, float]:
        np, ident = self.np, self.ident
        data = ident._encode(text)
        got = self.visits(data)
        if got is not None:
            idx, counts = got
            # the same float32 operands in the same order as py3langid's _sparse_score: same bits
            scores = np.log1p(counts.astype(np.float32)) @ self.table[idx.astype(np.intp)] + ident.nb_pc
        else:
            scores = np.full(len(ident.nb_classes), 0.0, dtype=np.float32)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in ident._alias_pairs:
            scores[i] += scores[j]
            scores[j] = 0.0
        i = int(scores.argmax())
        return ident.nb_classes[i], float(scores[i])


@lru_cache(maxsize=1)
def _classifier() -> Any:
    """The fast classifier when the model is the proved one and it agrees with the library, else
    the library's ``classify``."""
    ident = _identifier()
    try:
        import hashlib

        from py3langid.langid import MODEL_DIR, MODEL_FILE

        digest = hashlib.sha1((MODEL_DIR / MODEL_FILE).read_bytes()).hexdigest()
        sync = _SYNC_BY_MODEL.get(digest)
        if sync is None or not ident._norm_probs or ident.min_confidence is not None:
            return ident.classify
        fast = _FastClassifier(ident, sync)
        if all(fast.classify(t) == ident.classify(t) for t in _SELF_CHECK):
            return fast.classify
    except Exception:
        pass
    return ident.classify


def _enough_letters(text: str, n: int) -> bool:
    """Whether ``text`` holds at least ``n`` alphabetic characters (stops counting there)."""
    if n <= 0:
        return True
    return len(list(islice(filter(str.isalpha, text), n))) >= n


def detect_language(
    text: str, *, min_chars: int = 40, min_confidence: float = 0.8
) -> tuple[str | None, float]:
    """Detect the language of ``text``: ``(iso639_1, probability)``.

    Returns ``(None, p)`` when the text has fewer than ``min_chars`` letters, when the
    normalized probability is below ``min_confidence``, or when the detector's label is
    not a two-letter ISO 639-1 code. At most the first 4,000 characters are read.
    """
    sample = text[:4000]
    if not _enough_letters(sample, min_chars):
        return None, 0.0
    try:
        lang, prob = _classifier()(sample)
    except Exception:
        return None, 0.0
    prob = float(prob)
    code = normalize_language(str(lang))
    if code is None or prob < min_confidence:
        return None, prob
    return code, prob
