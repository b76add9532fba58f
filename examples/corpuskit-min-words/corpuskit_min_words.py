"""Example corpuskit plugin: a stage that drops short documents and a boilerplate rule."""

from __future__ import annotations

import re

import corpuskit


class MinWords(corpuskit.Stage):
    """Drop documents shorter than ``n`` words (option ``min-words.n``, default 50)."""

    name = "min-words"
    order = 25  # after boilerplate removal (20), before near-duplicate detection (30)
    default = False  # opt in: --stage ... or [pipeline] stages = [...]

    def __init__(self, n: int = 50) -> None:
        super().__init__()
        self.n = int(n)

    def process_document(self, doc: corpuskit.Document) -> corpuskit.Document | None:
        if len(doc.text.split()) < self.n:
            self.reject(doc, f"fewer than {self.n} words")
            return None
        return doc


_COOKIES = re.compile(r"\b(we|this (web)?site) uses? cookies\b", re.IGNORECASE)


def cookie_banner(line: corpuskit.Line) -> str | None:
    """A cookie-consent notice is boilerplate wherever it stands."""
    return "cookie banner" if _COOKIES.search(line.text) and len(line.text) < 300 else None


@corpuskit.hookimpl
def corpuskit_register_stages(register):
    register(MinWords)


@corpuskit.hookimpl
def corpuskit_register_boilerplate_rules(register):
    register("cookie-banner", cookie_banner)
