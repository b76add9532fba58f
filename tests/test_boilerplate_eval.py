"""Score the boilerplate stage on the seeds (line-labelled gold) and on the shared devset.

The seeds are read from the repository, the gold and the devset from /work/shared (the
tests skip when it is absent). Nothing from the devset is copied into the repository.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from corpuskit import Document, Source
from corpuskit.context import RunContext
from corpuskit_plugins.boilerplate import BoilerplateStage

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = Path(os.environ.get("CORPUSKIT_SHARED", "/work/shared"))
GOLD = SHARED / "gold" / "seeds.json"
DEVSET = SHARED / "devset"


def norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def run_stage(docs: list[Document], mode: str = "balanced") -> dict[str, str]:
    stage = BoilerplateStage(mode=mode)
    stage.setup(RunContext())
    out = {}
    for doc in docs:
        res = stage.process_document(doc)
        out[doc.id] = res.text if res is not None else ""
    return out


@pytest.mark.skipif(not GOLD.exists(), reason="shared gold labels not available")
def test_seeds_keep_all_content_and_remove_boilerplate() -> None:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    docs = [Document(p.stem, p.read_text(encoding="utf-8"), {}, Source(str(p), None, "text"))
            for p in sorted(SEEDS.glob("*.txt"))]
    out = run_stage(docs)
    tp = fn = 0
    for doc_id, g in gold.items():
        lines = {norm(x) for x in out[doc_id].split("\n")}
        for ln in g["lines"]:
            present = norm(ln["text"]) in lines
            if ln["label"] == "content":
                assert present, f"{doc_id}:{ln['line']} content removed: {ln['text'][:80]}"
            elif ln["label"] == "boilerplate":
                tp += not present
                fn += present
    assert tp / (tp + fn) >= 0.95


def _devset_outputs(kind: str) -> tuple[dict[str, str], dict]:
    truth = json.loads((DEVSET / "truth.json").read_text(encoding="utf-8"))
    docs = []
    for pid in sorted(truth):
        if kind == "text":
            text = (DEVSET / "text" / f"{pid}.txt").read_text(encoding="utf-8")
            docs.append(Document(pid, text, {}, Source(f"text/{pid}.txt", None, "text")))
        else:
            import gzip

            from corpuskit_plugins.html import extract_html

            raw = gzip.decompress((DEVSET / "html" / f"{pid}.html.gz").read_bytes()).decode("utf-8", "replace")
            text, meta = extract_html(raw, truth[pid].get("url") or None)
            docs.append(Document(pid, text, meta, Source(f"html/{pid}.html", None, "html")))
    return run_stage(docs), truth


def _score(out: dict[str, str], truth: dict) -> tuple[float, float, float]:
    found = total_with = leaked = total_without = 0
    for pid, t in truth.items():
        text = norm(out.get(pid, ""))
        found += sum(norm(s) in text for s in t["with"])
        total_with += len(t["with"])
        leaked += sum(norm(s) in text for s in t["without"])
        total_without += len(t["without"])
    recall = found / total_with
    precision = 1 - leaked / total_without
    return 2 * recall * precision / (recall + precision), recall, precision


@pytest.mark.slow
@pytest.mark.skipif(not (DEVSET / "truth.json").exists(), reason="shared devset not available")
def test_devset_text_dumps() -> None:
    score, recall, _precision = _score(*_devset_outputs("text"))
    assert score >= 0.80 and recall >= 0.93


@pytest.mark.slow
@pytest.mark.skipif(not (DEVSET / "truth.json").exists(), reason="shared devset not available")
def test_devset_html() -> None:
    score, recall, _precision = _score(*_devset_outputs("html"))
    assert score >= 0.90 and recall >= 0.93
