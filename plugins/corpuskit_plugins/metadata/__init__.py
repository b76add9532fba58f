"""Built-in corpuskit plugin: metadata normalization.

Registers two stages:

* ``metadata`` (order 10, runs first): text normalization (NFC, mojibake, invisible
  characters, line layout — words unchanged), the field names of other tools mapped onto
  the schema, title/dateline/byline/credit extraction from the text, and the removal of
  dateline/byline/credit lines whose facts went into fields.
* ``counts`` (order 90, runs last): words, chars, content hash and language of the final
  text; every key of ``schema/document.schema.json`` present (null when unknown).

Decisions (the schema file documents each field):

* Unknown stays null, never guessed. ``authors`` is null (not ``[]``) when none is known.
* ``date`` is date-only unless a time *and* its zone are known; a printed time without a
  zone gives the date only. Ambiguous numeric dates follow ``date_order`` ("MDY" default,
  or "DMY"); dotted dates are day-first. Dates after today or before ``min_year`` (1990)
  are not used: ``date_flag`` says "future"/"too_old" and ``date_rejected`` holds them.
* Precedence: an incoming field wins over the text (a structured date beats a dateline);
  a flagged field date does not count, the dateline is used instead. Datelines:
  "Published" > unlabelled > "Updated". An unlabelled date only counts next to the
  headline (site headers print today's date among their menus).
* Metadata lines are removed (``strip_lines=True``) only when the whole line is a
  dateline, byline or credit; a sentence containing a date is never removed; the title
  line is kept. The boilerplate stage (order 20) sees the text without them.
* Title from text only for plain-text input (``title_from_text="auto"``).
* Input fields that did not become a schema field are kept unchanged in ``extra`` under
  their original names (null values dropped; ``keep_extra=False`` drops all). Keys other
  stages add to ``metadata`` are moved into ``extra`` by ``counts``.
* ``language``: a confident py3langid detection on the final text wins over a declared
  language; below ``min_confidence`` the declared one (normalized to ISO 639-1) is kept.
* Idempotent: ``field_sources`` marks a record as normalized; a second run only
  re-normalizes the text (a fixed point) and keeps the fields.

Modules: :mod:`.text_normalize`, :mod:`.dates`, :mod:`.urls`, :mod:`.bylines`,
:mod:`.titles`, :mod:`.fields`, :mod:`.language`, :mod:`.stage`.
"""

from __future__ import annotations

from typing import Any

import corpuskit
from corpuskit_plugins.metadata.stage import SCHEMA_KEYS, CountsStage, MetadataStage

__all__ = ["SCHEMA_KEYS", "CountsStage", "MetadataStage", "corpuskit_register_stages"]


@corpuskit.hookimpl
def corpuskit_register_stages(register: Any) -> None:
    """Register the ``metadata`` and ``counts`` stages."""
    register(MetadataStage)
    register(CountsStage)
