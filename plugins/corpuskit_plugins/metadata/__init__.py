"""Built-in corpuskit plugin: metadata normalization.

Registers two stages:

* ``metadata`` (order 10, first): text normalization (NFC, mojibake, invisible
  characters, line layout), incoming field names of other tools mapped onto the schema,
  title/dateline/byline/credit extraction from the text, metadata lines removed.
* ``counts`` (order 90, last): words, chars, content hash and language of the final
  text; every key of ``schema/document.schema.json`` present.

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
