"""corpuskit: turn scraped documents into a clean, deduplicated JSONL corpus.

The public surface is what ``__all__`` lists; everything else is private.
"""

import pluggy

from corpuskit.__about__ import __version__
from corpuskit.api import CleanResult, clean
from corpuskit.compression import open_input
from corpuskit.context import RunContext
from corpuskit.document import Document, Source
from corpuskit.lines import Line
from corpuskit.manager import Plugins, load_plugins
from corpuskit.readers import ReaderOptions, ReadFailure
from corpuskit.stage import Stage
from corpuskit.streaming import Pipeline

hookimpl = pluggy.HookimplMarker("corpuskit")
"""Decorator marking a plugin's hook implementations (see :mod:`corpuskit.hookspecs`)."""

__all__ = [
    "CleanResult",
    "Document",
    "Line",
    "Pipeline",
    "Plugins",
    "ReadFailure",
    "ReaderOptions",
    "RunContext",
    "Source",
    "Stage",
    "__version__",
    "clean",
    "hookimpl",
    "load_plugins",
    "open_input",
]
