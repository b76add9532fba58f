"""Accuracy on syndicated variants of real articles (seeds + devset texts read in place).

A small, fast version of ``benchmarks/dedup_accuracy.py``: recall ≥ 0.95 of pairs with
word-5-gram Jaccard ≥ 0.8, no duplicate record or cluster joining a pair with
Jaccard < 0.5, and documents in = kept + duplicates.
"""

from __future__ import annotations

import sys

import pytest

from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from dedup_accuracy import DEVSET, Result, build_corpus, evaluate, load_sources, report


def _check(res: Result) -> None:
    assert res.docs_in == res.kept + res.duplicates
    _, total = res.rate(0.8)
    assert total > 0
    assert res.recall_08 >= 0.95, report(res)
    assert not res.both_kept, report(res)
    assert not res.bad_records, report(res)
    assert not res.bad_clustered, report(res)
    assert res.rate(0.0, 0.5)[0] == 0


def test_seed_stories_and_their_variants() -> None:
    sources = load_sources(devset=False)
    assert len(sources) == 5
    docs = build_corpus(sources, variants=8, seed=1)
    res = evaluate(docs)
    _check(res)
    # the five stories on the same topic stay apart: each original survives
    assert {name for name, _ in sources} <= set(res.kept_ids)


def test_devset_articles_and_their_variants() -> None:
    if not DEVSET.is_dir():
        pytest.skip(f"{DEVSET} not present")
    sources = load_sources()[:30]
    docs = build_corpus(sources, variants=6, seed=2)
    _check(evaluate(docs))


def test_variants_cover_the_jaccard_range() -> None:
    """The generated corpus really has pairs on both sides of the threshold."""
    docs = build_corpus(load_sources(devset=False), variants=8, seed=1)
    res = evaluate(docs)
    assert res.rate(0.8)[1] >= 20
    assert res.rate(0.5, 0.8)[1] >= 5
    assert res.rate(0.3, 0.5)[1] + res.rate(0.0, 0.3)[1] >= 100
