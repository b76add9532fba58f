"""Reading and writing the JSONL and Parquet shapes of datatrove and dolma."""

from __future__ import annotations

import json

import pytest

from conftest import read_jsonl, run_cli

STORY = ("Officials in the coastal town said on Monday that repairs to the harbour wall would take at "
         "least three months, after a storm last week tore a hole in the structure and flooded shops.")


def test_dolma_jsonl_in_and_out(tmp_path):
    src = tmp_path / "dolma.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": STORY, "source": "cc-news", "added": "2024-01-02",
                               "created": "2011-10-21T00:00:00Z",
                               "metadata": {"url": "https://Example.com/a?utm_source=x"}}) + "\n")
    res = run_cli("clean", str(src), "-o", str(tmp_path / "out.jsonl"), cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    [rec] = read_jsonl(tmp_path / "out.jsonl")
    assert rec["id"] == "d1" and set(rec) == {"id", "text", "metadata"}
    assert rec["metadata"]["url"] == "https://example.com/a"


def test_datatrove_parquet_round_trip(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = [{"id": f"p{i}", "text": f"{STORY} Item {i} of the series.", "media": [],
             "metadata": {"url": f"https://news.example.org/{i}", "date": "2021-07-26"}} for i in range(3)]
    rows.append({"id": "p3", "text": None, "media": [], "metadata": {"url": None, "date": None}})
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    res = run_cli("clean", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet"), "--skip", "dedup",
                  cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["id"] for r in table] == ["p0", "p1", "p2"]
    assert table[0]["metadata"]["url"] == "https://news.example.org/0"
    rejects = read_jsonl(tmp_path / "out.rejects.jsonl")
    assert rejects[0]["id"] == "p3" and "not a string" in rejects[0]["reason"]
