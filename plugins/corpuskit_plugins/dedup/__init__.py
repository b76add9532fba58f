"""Built-in corpuskit plugin: near-duplicate detection (the ``dedup`` stage).

Modules: :mod:`.shingles` (normalisation, word n-gram hashes), :mod:`.signatures`
(bulk MinHash, datasketch-compatible), :mod:`.lsh_params` (bands/rows from the
S-curve), :mod:`.index` (SQLite file and Redis backends), :mod:`.clusters`
(union-find) and :mod:`.stage` (:class:`DedupStage`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import corpuskit
from corpuskit_plugins.dedup.stage import DedupStage

if TYPE_CHECKING:
    from corpuskit.registry import RegisterStage

__all__ = ["DedupStage", "corpuskit_register_stages"]


@corpuskit.hookimpl
def corpuskit_register_stages(register: RegisterStage) -> None:
    """Register the ``dedup`` stage."""
    register(DedupStage)
