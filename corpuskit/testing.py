"""Helpers for testing plugins: run a pipeline on given texts and inspect the outcome.

    from corpuskit.testing import run_stages

    def test_my_stage():
        outcome = run_stages(["short", "a longer text here"], stages=["min-words"],
                             plugins=[my_plugin_module], options={"min-words": {"n": 2}})
        assert outcome.texts == ["a longer text here"]
        assert outcome.rejects[0]["reason"] == "too short"
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from corpuskit.api import DocumentLike, clean
from corpuskit.document import Document
from corpuskit.manager import load_plugins
from corpuskit.report import RunReport


@dataclass
class Outcome:
    """What a pipeline made of the inputs: kept documents, drops, and the report."""

    documents: list[Document]
    rejects: list[dict[str, Any]]
    duplicates: list[dict[str, Any]]
    report: RunReport

    @property
    def texts(self) -> list[str]:
        """The kept documents' texts, in order."""
        return [d.text for d in self.documents]


def run_stages(
    inputs: Iterable[str | DocumentLike],
    *,
    stages: list[str] | None = None,
    plugins: Iterable[Any] = (),
    options: dict[str, dict[str, Any]] | None = None,
    builtins: bool = True,
) -> Outcome:
    """Run ``stages`` over ``inputs`` (plain strings become documents ``"0"``, ``"1"``…).

    ``plugins`` are plugin objects (modules or instances) registered for this run only;
    ``builtins=False`` loads no entry points at all, so only ``plugins`` count. The
    accounting invariant (in = kept + duplicates + rejects) is asserted.
    """
    docs = [Document(str(i), x) if isinstance(x, str) else x for i, x in enumerate(inputs)]
    loaded = load_plugins(autoload=builtins, only=None if builtins else [], extra=plugins)
    result = clean(docs, stages=stages, options=options, plugins=loaded)
    kept = list(result)
    assert result.report is not None
    assert result.report.balanced, result.report.summary()
    return Outcome(kept, result.rejects, result.duplicates, result.report)
