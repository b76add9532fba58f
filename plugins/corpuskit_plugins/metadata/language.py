"""Language: detection with py3langid (model shipped inside the package) and code normalization."""

from __future__ import annotations

import re
from functools import lru_cache
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


def detect_language(
    text: str, *, min_chars: int = 40, min_confidence: float = 0.8
) -> tuple[str | None, float]:
    """Detect the language of ``text``: ``(iso639_1, probability)``.

    Returns ``(None, p)`` when the text has fewer than ``min_chars`` letters, when the
    normalized probability is below ``min_confidence``, or when the detector's label is
    not a two-letter ISO 639-1 code. At most the first 4,000 characters are read.
    """
    sample = text[:4000]
    if sum(ch.isalpha() for ch in sample) < min_chars:
        return None, 0.0
    try:
        lang, prob = _identifier().classify(sample)
    except Exception:
        return None, 0.0
    prob = float(prob)
    code = normalize_language(str(lang))
    if code is None or prob < min_confidence:
        return None, prob
    return code, prob
