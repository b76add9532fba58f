"""Language: detection with py3langid (model shipped inside the package) and code normalization."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import mmap
import os
import re
import sys
import tempfile
from functools import lru_cache
from itertools import islice
from pathlib import Path
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


def _new_identifier() -> Any:
    """py3langid's identifier for its shipped model (normalized probabilities): ~1 s to load."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """The library's identifier, loaded once (the fallback, and the reference in tests)."""
    return _new_identifier()


def _model_path() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / MODEL_FILE


# --- fast classification -------------------------------------------------------------
#
# py3langid walks a byte-level DFA (an Aho-Corasick automaton over byte n-grams) one byte
# at a time in a Python loop: ~1 ms per 4,000 bytes. That DFA is *synchronizing*: after
# any SYNC bytes its state no longer depends on where it started (proved by exhaustive
# search over all state pairs for the shipped model, see tests/test_metadata_speed.py),
# so the state after byte i is the state reached from the start state by reading bytes
# i-SYNC+1 .. i alone. That turns the walk into SYNC vectorized table look-ups. The
# feature counts, their order and the float arithmetic after them are exactly py3langid's,
# so (language, probability) are bit-for-bit the library's; any model other than the one
# whose synchronization was proved uses the library's own classify.
#
# Loading the model (LZMA, then ~100 MB of derived tables) takes ~1-1.5 s, paid again by
# every worker process. The derived tables are therefore cached on disk, keyed by the
# model's SHA-1 (see :func:`cache_dir`), and memory-mapped read-only: a process after the
# first one starts in tens of milliseconds, and all processes share the same page-cache
# pages instead of ~100 MB of private copies each.

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
#: Layout of the cached tables: bump it whenever ``_build_tables`` or the file format changes.
_CACHE_FORMAT = 2
_MAGIC = b"CKLANGID"
_ALIGN = 4096  # arrays start on page boundaries (the data are mapped, not read)


def cache_dir() -> Path | None:
    """Directory of corpuskit's derived-data cache; ``None`` when caching is off.

    ``$CORPUSKIT_CACHE_DIR`` when set (empty: no cache), else the user cache directory of
    the platform: ``$XDG_CACHE_HOME/corpuskit`` (``~/.cache/corpuskit``) on Linux,
    ``~/Library/Caches/corpuskit`` on macOS, ``%LOCALAPPDATA%\\corpuskit\\Cache`` on Windows.
    """
    env = os.environ.get("CORPUSKIT_CACHE_DIR")
    if env is not None:
        return Path(env).expanduser() if env.strip() else None
    try:
        if sys.platform == "win32":
            local = os.environ.get("LOCALAPPDATA")
            return Path(local) / "corpuskit" / "Cache" if local else None
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "corpuskit"
        xdg = os.environ.get("XDG_CACHE_HOME", "")
        return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "corpuskit"
    except (RuntimeError, KeyError, OSError):  # no home directory
        return None


class _FastClassifier:
    """``classify`` equal to ``LanguageIdentifier.classify`` (norm_probs=True) for a known model.

    Works on the tables of :func:`_build_tables` (in memory or mapped from the cache file):

    * ``next_row``: for every (DFA row offset + byte), the row of the next state (its offset is
      the row times 256): uint16 when the rows allow, half the bytes of an offset table, and the
      walk is bound by cache misses on these tables once other stages have run in between;
    * ``emit``: for the same index, the feature id the next state emits (-1: none);
    * ``rowbase2``: the row offset reached from the start state by two bytes (``b0 << 8 | b1``);
    * ``table``: the model's feature weights as float32 (numpy casts float16 to float32
      slowly, row by row, so per document that would cost more than the whole walk);
    * ``nb_pc``: the class priors.
    """

    def __init__(
        self,
        arrays: dict[str, Any],
        *,
        classes: list[str],
        alias_pairs: list[tuple[int, int]],
        sync: int,
        start: int,
        keep: Any = None,
    ) -> None:
        import numpy as np
        from py3langid.langid import LanguageIdentifier

        if sync < 3:
            raise ValueError("synchronizing length below 3")
        self.np = np
        self.encode = LanguageIdentifier._encode  # the library's text → bytes (case, NFC, UTF-8)
        self.next_row = arrays["next_row"]
        self.emit = arrays["emit"]
        self.rowbase2 = arrays["rowbase2"]
        self.table = arrays["table"]
        self.nb_pc = arrays["nb_pc"]
        self.classes = list(classes)
        self.alias_pairs = [(int(i), int(j)) for i, j in alias_pairs]
        self.sync = int(sync)
        self.start = int(start)
        self.n_features = int(self.table.shape[0])
        self._keep = keep  # the mapping the arrays live in (None: they are in memory)

    def features(self, data: bytes) -> Any:
        """The feature id (or -1) the DFA emits at every byte of ``data``."""
        np, sync, emit, nxt = self.np, self.sync, self.emit, self.next_row
        head: list[int] = []
        row = self.start
        for byte in data[: sync - 1]:  # the first bytes: walked from the start state
            head.append(int(emit[row + byte]))
            row = int(nxt[row + byte]) << 8
        n = len(data)
        if n < sync:
            return np.array(head, dtype=np.int32)
        m = n - sync + 1
        b = np.frombuffer(data, dtype=np.uint8).astype(np.int32)
        row = self.rowbase2[(b[:m] << 8) | b[1 : m + 1]]
        for k in range(2, sync - 1):
            row = np.left_shift(nxt[row + b[k : m + k]], 8, dtype=np.int32)
        return np.concatenate((np.array(head, dtype=np.int32), emit[row + b[sync - 1 :]]))

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
        """``(label, probability)``, bit for bit what py3langid's ``classify`` returns."""
        np = self.np
        data = self.encode(text)
        got = self.visits(data)
        if got is not None:
            idx, counts = got
            # the same float32 operands in the same order as py3langid's _sparse_score: same bits
            scores = np.log1p(counts.astype(np.float32)) @ self.table[idx.astype(np.intp)] + self.nb_pc
        else:
            scores = np.full(len(self.classes), 0.0, dtype=np.float32)
        scores *= 1.0 / math.sqrt(len(data) or 1)
        np.exp(scores - scores.max(), out=scores)
        scores /= scores.sum()
        for i, j in self.alias_pairs:
            scores[i] += scores[j]
            scores[j] = 0.0
        i = int(scores.argmax())
        return self.classes[i], float(scores[i])


def _build_tables(ident: Any, sync: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The arrays and settings of a :class:`_FastClassifier` for py3langid identifier ``ident``."""
    import numpy as np

    nm = np.frombuffer(ident.tk_nextmove, dtype=f"u{ident.tk_nextmove.itemsize}")
    rowbase = np.asarray(ident.tk_row, dtype=np.int64) * 256
    if rowbase.size and int(rowbase.max()) + 256 >= 2**31:
        raise ValueError("DFA too large for int32 offsets")
    rowbase = rowbase.astype(np.int32)
    next_rowbase = rowbase[nm]  # two look-ups (next state, its row) in one
    emit = np.asarray(ident.tk_output, dtype=np.int32)[nm]  # ... and (next state, its feature)
    first = next_rowbase[rowbase[0] + np.arange(256, dtype=np.int32)]
    rowbase2 = next_rowbase[(first[:, None] + np.arange(256, dtype=np.int32)[None, :]).ravel()]
    rows = next_rowbase >> 8
    arrays = {
        "next_row": rows.astype(np.uint16) if len(ident.tk_nextmove) <= 256 << 16 else rows,
        "emit": emit,
        "rowbase2": rowbase2,
        "table": np.asarray(ident.nb_ptc).astype(np.float32),
        "nb_pc": np.asarray(ident.nb_pc, dtype=np.float32),
    }
    settings = {
        "classes": list(ident.nb_classes),
        "alias_pairs": [list(p) for p in ident._alias_pairs],
        "sync": sync,
        "start": int(rowbase[0]),
    }
    return arrays, settings


def _data_start(header_len: int) -> int:
    return -(-(len(_MAGIC) + 8 + header_len) // _ALIGN) * _ALIGN


def _write_cache(path: Path, arrays: dict[str, Any], header: dict[str, Any]) -> None:
    """Write the tables to ``path`` atomically (a temporary file renamed over it).

    Layout: magic, header length (8 bytes little-endian), JSON header, then each array's raw
    bytes at a page-aligned offset (relative to the first page after the header).
    """
    layout: dict[str, list[Any]] = {}
    offset = 0
    for name, arr in arrays.items():
        layout[name] = [arr.dtype.str, list(arr.shape), offset]
        offset += -(-arr.nbytes // _ALIGN) * _ALIGN
    blob = json.dumps({**header, "arrays": layout, "data_bytes": offset}, sort_keys=True).encode("utf-8")
    start = _data_start(len(blob))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + len(blob).to_bytes(8, "little") + blob)
            for name, arr in arrays.items():
                fh.seek(start + layout[name][2])
                fh.write(memoryview(arr).cast("B"))
            fh.truncate(start + offset)
        os.replace(tmp, path)  # readers see the old file or the whole new one, never a part
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _load_cache(path: Path, digest: str) -> _FastClassifier | None:
    """The classifier over the tables mapped from ``path``; ``None`` when the file is missing,
    of another format or model, truncated, or fails the self-check."""
    import numpy as np

    try:
        with open(path, "rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if mm[: len(_MAGIC)] != _MAGIC:
            return None
        n = int.from_bytes(mm[len(_MAGIC) : len(_MAGIC) + 8], "little")
        header = json.loads(mm[len(_MAGIC) + 8 : len(_MAGIC) + 8 + n])
        start = _data_start(n)
        if (
            header.get("format") != _CACHE_FORMAT
            or header.get("model_sha1") != digest
            or mm.size() != start + header["data_bytes"]
        ):
            return None
        arrays = {
            name: np.frombuffer(mm, dtype=dtype, count=math.prod(shape), offset=start + off).reshape(shape)
            for name, (dtype, shape, off) in header["arrays"].items()
        }
        fast = _FastClassifier(arrays, keep=mm, **header["settings"])
        # a cheap guard against a damaged file: the library's answers, recorded when it was built
        if [list(fast.classify(t)) for t in _SELF_CHECK] != header["self_check"]:
            return None
        return fast
    except Exception:
        return None


@lru_cache(maxsize=1)
def _classifier() -> Any:
    """The fast classifier when the model is the proved one and it agrees with the library, else
    the library's ``classify``. Read from the cache when there is one; else built (~1 s),
    checked against the library and cached for the next process."""
    try:
        digest = hashlib.sha1(_model_path().read_bytes()).hexdigest()
        sync = _SYNC_BY_MODEL.get(digest)
        if sync is None:
            return _identifier().classify
        folder = cache_dir()
        path = folder / f"langid-{digest}-f{_CACHE_FORMAT}.bin" if folder is not None else None
        cached = _load_cache(path, digest) if path is not None else None
        if cached is not None:
            return cached.classify
        ident = _new_identifier()  # not the lru-cached one: freed once the tables are built
        arrays, settings = _build_tables(ident, sync)
        fast = _FastClassifier(arrays, **settings)
        expected = [ident.classify(t) for t in _SELF_CHECK]
        if [fast.classify(t) for t in _SELF_CHECK] != expected:
            return _identifier().classify
        if path is not None:
            header = {
                "format": _CACHE_FORMAT,
                "model_sha1": digest,
                "settings": settings,
                "self_check": [list(e) for e in expected],
            }
            with contextlib.suppress(OSError):  # read-only or full disk: keep the tables in memory
                _write_cache(path, arrays, header)
                for old in range(1, _CACHE_FORMAT):  # the tables of an earlier layout are never read again
                    with contextlib.suppress(OSError):
                        (path.parent / f"langid-{digest}-f{old}.bin").unlink()
                mapped = _load_cache(path, digest)  # shared pages from now on, and the file is checked
                if mapped is not None:
                    return mapped.classify
        return fast.classify
    except Exception:
        return _identifier().classify


def _enough_letters(text: str, n: int) -> bool:
    """Whether ``text`` holds at least ``n`` alphabetic characters (stops counting there)."""
    if n <= 0:
        return True
    return len(list(islice(filter(str.isalpha, text), n))) >= n


#: Characters read for language detection. The cost is linear in it; 1,500 gave the label of
#: 4,000 characters on every devset page (as extracted and as raw text dumps), seed and
#: synthetic document, and on 97% of a multilingual sample of manual pages (whose
#: disagreements mix English commands into other languages); 1,000 lost confidence on
#: several raw page dumps (menus first).
SAMPLE_CHARS = 1500


def detect_language(
    text: str, *, min_chars: int = 40, min_confidence: float = 0.8
) -> tuple[str | None, float]:
    """Detect the language of ``text``: ``(iso639_1, probability)``.

    Returns ``(None, p)`` when the text has fewer than ``min_chars`` letters, when the
    normalized probability is below ``min_confidence``, or when the detector's label is
    not a two-letter ISO 639-1 code. At most the first ``SAMPLE_CHARS`` (1,500) characters
    are read.
    """
    sample = text[:SAMPLE_CHARS]
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
