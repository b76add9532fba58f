"""kill -9 at random points: the output path holds a complete corpus or nothing, never a
truncated file under the final name. Also: identical output across runs and worker counts."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, read_jsonl

READERS_ONLY = {"CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD": "1", "CORPUSKIT_PLUGINS": "readers,writers"}


def _corpus(path, n):
    rng = random.Random(7)
    words = ["river", "city", "council", "budget", "vote", "school", "road", "water", "power", "storm", "market", "health"]
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = " ".join(rng.choice(words) for _ in range(300))
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")


def _complete(path, n) -> bool:
    records = read_jsonl(path)
    return len(records) == n and records[-1]["id"] == f"d{n - 1}"


@pytest.mark.slow
def test_kill_9_never_leaves_a_truncated_corpus(tmp_path):
    n = 20000
    src = tmp_path / "in.jsonl"
    _corpus(src, n)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, **READERS_ONLY}
    cmd = [sys.executable, "-m", "corpuskit", "clean", str(src), "-o", str(out), "-q", "-w", "1"]
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, cwd=tmp_path)
    full = time.perf_counter() - started
    assert _complete(out, n)
    previous = out.read_bytes()
    rng = random.Random(1)
    for _ in range(8):
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path)
        time.sleep(rng.uniform(0.05, full * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert out.read_bytes() == previous  # the previous complete corpus, untouched
    out.unlink()
    for _ in range(4):
        proc = subprocess.Popen(cmd, env=env, cwd=tmp_path)
        time.sleep(rng.uniform(0.05, full * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not out.exists() or _complete(out, n)
    leftovers = [p.name for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert leftovers  # killed runs leave only temporary files, never final names


@pytest.mark.parametrize("corpus", ["seeds", "devset-text"])
def test_same_output_across_runs_and_worker_counts(tmp_path, corpus):
    from conftest import SHARED

    source = REPO / "seeds" if corpus == "seeds" else SHARED / "devset" / "text"
    if not source.exists():
        pytest.skip(f"{source} not present")
    outs = []
    for i, workers in enumerate(["1", "1", "2"]):
        out = tmp_path / f"o{i}.jsonl"
        res = subprocess.run([sys.executable, "-m", "corpuskit", "clean", str(source), "-o", str(out), "-q",
                              "-w", workers], capture_output=True, cwd=tmp_path)
        assert res.returncode == 0, res.stderr.decode()
        side = [(tmp_path / f"o{i}.{kind}.jsonl").read_bytes() for kind in ("rejects", "duplicates")]
        outs.append((out.read_bytes(), *side))
    assert outs[0] == outs[1] == outs[2]


def _synthetic_corpus(path, n=1200):
    """The benchmark's synthetic news (30 % syndicated near-duplicates) plus exact copies."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import generate

    records = list(generate(n, seed=3))
    for i in range(0, n, 97):  # exact duplicates
        records.insert(min(len(records), i + 50), {"id": f"copy-{i}", "text": records[i]["text"]})
    with open(path, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record) + "\n")


def _counts(report_path):
    report = json.loads(report_path.read_text())
    stages = [{k: v for k, v in st.items() if k not in ("seconds", "docs_per_s")} for st in report["stages"]]
    for st in stages:
        st.get("stats", {}).pop("sign_seconds", None)
        st.get("stats", {}).pop("prepare_seconds", None)
    return report["documents"], stages


@pytest.mark.parametrize("stages", [[], ["--stage", "dedup"], ["--skip", "metadata", "--skip", "counts"]],
                         ids=["default", "dedup-alone", "boilerplate+dedup"])
def test_near_duplicates_are_the_same_whatever_the_worker_count(tmp_path, stages):
    """Signatures are computed in the workers with -w 2 (Stage.prepare), in process with -w 1: the
    corpus, the duplicates and rejects files and every count of the report are identical."""
    src = tmp_path / "syn.jsonl"
    _synthetic_corpus(src)
    outs = []
    for i, workers in enumerate(["1", "2", "2"]):
        out = tmp_path / f"o{i}.jsonl"
        res = subprocess.run([sys.executable, "-m", "corpuskit", "clean", str(src), "-o", str(out), "-q",
                              "-w", workers, *stages], capture_output=True, cwd=tmp_path)
        assert res.returncode == 0, res.stderr.decode()
        side = [(tmp_path / f"o{i}.{kind}.jsonl").read_bytes() for kind in ("rejects", "duplicates")]
        outs.append((out.read_bytes(), *side, _counts(tmp_path / f"o{i}.report.json")))
    assert outs[0] == outs[1] == outs[2]
    dedup = next(st for st in outs[0][3][1] if st["name"] == "dedup")["stats"]
    assert dedup["near_duplicates"] > 100 and dedup["exact_duplicates"] >= 10


def test_failed_run_does_not_commit_the_dedup_index(tmp_path):
    import corpuskit
    from corpuskit.manager import load_plugins
    from corpuskit.run import OutputPaths, RunOptions, run_clean

    class Boom(corpuskit.Stage):
        name = "boom"
        order = 95

        def process_document(self, doc):
            if doc.id.startswith("004"):
                raise RuntimeError("boom")
            return doc

    class BoomPlugin:
        @corpuskit.hookimpl
        def corpuskit_register_stages(self, register):
            register(Boom)

    index = str(tmp_path / "crawl.index")
    options = {"dedup": {"index": index}}
    out = OutputPaths.beside(str(tmp_path / "o.jsonl"))
    with pytest.raises(RuntimeError, match="boom"):
        run_clean([str(REPO / "seeds")], out, load_plugins(extra=[BoomPlugin()]),
                  RunOptions(stages=["dedup", "boom"], stage_options=options))
    assert not (tmp_path / "o.jsonl").exists()
    report = run_clean([str(REPO / "seeds")], out, load_plugins(),
                       RunOptions(stages=["dedup"], stage_options=options))
    assert report.kept == 5 and report.duplicates == 0  # the failed run left nothing in the index
    report = run_clean([str(REPO / "seeds")], out, load_plugins(),
                       RunOptions(stages=["dedup"], stage_options=options))
    assert report.kept == 0 and report.duplicates == 5  # the committed run did
