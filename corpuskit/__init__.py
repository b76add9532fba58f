"""corpuskit: turn scraped documents into a clean, deduplicated JSONL corpus."""

import pluggy

from corpuskit.__about__ import __version__
from corpuskit.document import Document, Source
from corpuskit.lines import Line
from corpuskit.readers import ReaderOptions, ReadFailure
from corpuskit.stage import Stage

hookimpl = pluggy.HookimplMarker("corpuskit")

__all__ = [
    "Document",
    "Line",
    "ReadFailure",
    "ReaderOptions",
    "Source",
    "Stage",
    "__version__",
    "hookimpl",
]
