"""Property tests over the whole pipeline: never raises on arbitrary text, accounting always
holds, nothing is dropped without a record, and cleaning clean output changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpuskit.testing import run_stages

texts = st.lists(st.text(min_size=0, max_size=400), min_size=1, max_size=6)
lines = st.lists(st.one_of(
    st.text(min_size=0, max_size=120),
    st.sampled_from(["Advertisement", "By", "Karim Kadim / AP", "More from the site: a story",
                     "Related News", "Copyright 2011 The Associated Press. All rights reserved.",
                     "updated 10/22/2011 1:58:39 PM ET", "Share this article"]),
    st.from_regex(r"[A-Z][a-z]+( [a-z]+){8,20}\.", fullmatch=True),
), min_size=1, max_size=25).map("\n".join)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts)
def test_pipeline_never_raises_and_accounts_for_every_document(items):
    outcome = run_stages(items)  # asserts in = kept + duplicates + rejects
    dropped = {r["id"] for r in outcome.rejects} | {d["id"] for d in outcome.duplicates}
    kept = {d.id for d in outcome.documents}
    assert kept | dropped == {str(i) for i in range(len(items))}
    assert not kept & dropped


@SETTINGS
@given(lines)
def test_cleaning_is_idempotent(text):
    first = run_stages([text], stages=["metadata", "boilerplate"])
    if not first.documents:
        return
    again = run_stages([first.documents[0].text], stages=["metadata", "boilerplate"])
    assert again.texts == first.texts
