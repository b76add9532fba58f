"""Built-in corpuskit plugin: near-duplicate detection (the ``dedup`` stage).

Modules: :mod:`.shingles` (normalisation, word n-gram hashes), :mod:`.signatures`
(bulk MinHash, datasketch-compatible), :mod:`.lsh_params` (bands/rows from the
S-curve), :mod:`.index` (SQLite file and Redis backends), :mod:`.clusters`
(union-find), :mod:`.stage` (:class:`DedupStage`) and :mod:`.merge` (merging index
files, the ``corpuskit index-merge`` command).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import corpuskit
from corpuskit_plugins.dedup.merge import MergeReport, merge_indexes, register_index_merge
from corpuskit_plugins.dedup.stage import DedupStage

if TYPE_CHECKING:
    import typer

    from corpuskit.registry import RegisterStage

__all__ = ["DedupStage", "MergeReport", "corpuskit_register_commands", "corpuskit_register_stages",
           "merge_indexes"]


@corpuskit.hookimpl
def corpuskit_register_stages(register: RegisterStage) -> None:
    """Register the ``dedup`` stage."""
    register(DedupStage)


@corpuskit.hookimpl
def corpuskit_register_commands(app: typer.Typer) -> None:
    """Add ``corpuskit index-merge SOURCES… -o TARGET`` (see :mod:`.merge`)."""
    register_index_merge(app)
