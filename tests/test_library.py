"""The library API, the reusable Pipeline, and the pandas / datasets adapters — for real."""

from __future__ import annotations

import json

import pytest

import corpuskit
from corpuskit.streaming import Pipeline

STORY = ("The city council approved a new budget on Tuesday after a debate that lasted more than six "
         "hours, with members arguing over funding for schools, roads and the water system.\n"
         "The mayor said the plan would keep property taxes flat for a third straight year while adding "
         "money for repairs that residents have demanded since the spring floods damaged several bridges.\n"
         "Critics said the budget relies on optimistic revenue forecasts and leaves little room for "
         "emergencies, but the measure passed seven to two.")


def test_readme_library_example_runs():
    records = [{"id": "a", "text": STORY}, {"id": "b", "text": STORY}, {"id": "c", "text": 3}]
    result = corpuskit.clean(records)
    kept = list(result)
    assert [d.id for d in kept] == ["a"]
    assert result.duplicates[0]["id"] == "b" and result.duplicates[0]["duplicate_of"] == "a"
    assert result.rejects[0]["id"] == "c" and "not a string" in result.rejects[0]["reason"]
    assert result.report is not None and result.report.balanced


def test_callbacks_receive_drops_without_keeping_them():
    seen = []
    result = corpuskit.clean([{"id": "a", "text": STORY}, {"id": "b", "text": STORY}],
                             on_duplicate=seen.append, keep_drops=False)
    assert [d.id for d in result] == ["a"]
    assert [r["id"] for r in seen] == ["b"] and result.duplicates == []


def test_pipeline_finds_duplicates_across_batches():
    pipe = Pipeline()
    first = pipe.process_batch([{"id": "a", "text": STORY}])
    second = pipe.process_batch([{"id": "b", "text": STORY.replace("Tuesday", "Wednesday")}])
    report = pipe.close()
    assert [d.id for d in first] == ["a"] and second == []
    assert pipe.duplicates[0]["duplicate_of"] == "a"
    assert report.balanced and report.documents_in == 2


def test_pandas_adapter_keeps_columns_and_drops_duplicates():
    pd = pytest.importorskip("pandas")
    from corpuskit.adapters import clean_dataframe

    df = pd.DataFrame({"doc": ["x", "y", "z"], "text": [STORY, STORY, "Second story: " + STORY[::-1]],
                       "lang_hint": ["en", "en", "en"]})
    dropped = []
    out = clean_dataframe(df, id_column="doc", on_duplicate=dropped.append)
    assert list(out["doc"]) == ["x", "z"]
    assert list(out.columns) == ["doc", "text", "lang_hint", "corpuskit_metadata"]
    assert out["corpuskit_metadata"].iloc[0]["words"] > 50
    assert dropped[0]["id"] == "y"


def test_datasets_adapter_maps_and_filters_batches(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    from corpuskit.adapters import clean_dataset

    texts = [STORY, "An unrelated report: " + " ".join(reversed(STORY.split())), STORY]
    ds = datasets.Dataset.from_dict({"id": ["a", "b", "c"], "text": texts, "source": ["s1", "s2", "s3"]})
    out = clean_dataset(ds, id_column="id", batch_size=1)
    assert out["id"] == ["a", "b"]  # "c" duplicates "a" in a later batch
    assert set(out.column_names) == {"id", "text", "source", "corpuskit_metadata"}
    assert json.loads(out["corpuskit_metadata"][0])["words"] > 50
