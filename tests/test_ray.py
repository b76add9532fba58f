"""The Ray engine gives the single-machine output, byte for byte, on a corpus with near-duplicates.

Skipped when Ray is not installed (``pip install corpuskit[ray]``). One local Ray
instance (2 CPUs, no dashboard, token auth off) serves the whole session.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import sys
from pathlib import Path

import pytest

from corpuskit.manager import load_plugins
from corpuskit.run import OutputPaths, RunOptions, run_clean

ray = pytest.importorskip("ray")

from corpuskit.ray_engine import plan_ops, run_clean_ray  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="session")
def ray_local():
    """A local Ray for the session (about 3 s to start)."""
    os.environ.setdefault("RAY_AUTH_MODE", "disabled")
    os.environ.setdefault("RAY_worker_niceness", "0")
    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, logging_level="WARNING")
    yield ray
    ray.shutdown()


def _synthetic(n: int, seed: int) -> list[dict]:
    path = REPO / "benchmarks" / "synthetic.py"
    if not path.exists():
        return []
    spec = importlib.util.spec_from_file_location("corpuskit_bench_synthetic", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return list(module.generate(n, seed, 0.4, pool=40))


def _variants(text: str, rng: random.Random) -> list[str]:
    """Syndicated copies of ``text``: exact (re-cased, re-spaced), trimmed, edited, re-framed."""
    paras = [p for p in text.split("\n\n") if p.strip()]
    words = text.split()
    edited = list(words)
    for _ in range(max(1, len(words) // 60)):
        edited[rng.randrange(len(edited))] = rng.choice(["reportedly", "officials", "Tuesday", "also"])
    return [
        text.upper().replace(" ", "  "),  # exact duplicate after normalisation
        "\n\n".join(paras[:-1]) if len(paras) > 3 else text + "\n\nUpdated at 10:00.",
        " ".join(edited),
        "WIRE SERVICE | Home | World\n\n" + text + "\n\n© 2026 Wire Service. All rights reserved.",
    ]


def build_corpus(root: Path) -> list[str]:
    """Input files: seed texts and their syndicated variants spread over several files (so
    duplicates cross shards), synthetic news, a text file, a bad line and an unreadable file."""
    rng = random.Random(7)
    records: list[dict] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        records.append({"id": path.stem, "text": text})
        for k, variant in enumerate(_variants(text, rng)):
            records.append({"id": f"{path.stem}-v{k}", "text": variant})
    records.extend({"id": r["id"], "text": r["text"], "meta": r["metadata"]} for r in _synthetic(160, 3))
    records.append({"id": "empty", "text": ""})
    records.append({"id": "tiny", "text": "ok"})
    rng.shuffle(records)
    root.mkdir(parents=True, exist_ok=True)
    files = []
    per = max(1, len(records) // 5)
    for i in range(0, len(records), per):
        path = root / f"part-{i // per:02d}.jsonl"
        lines = [json.dumps(r) for r in records[i:i + per]]
        if i == per:
            lines.insert(2, "{not json")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (root / "zz-copy.txt").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "zz-unknown.bin").write_bytes(b"\x00\x01")
    return [str(root)]


def _outputs(paths: OutputPaths) -> dict[str, bytes]:
    return {"corpus": Path(paths.output).read_bytes(), "rejects": paths.rejects.read_bytes(),
            "duplicates": paths.duplicates.read_bytes()}


def _summary(report_path: Path) -> dict:
    report = json.loads(report_path.read_text())
    stages = [{k: s[k] for k in ("name", "in", "out", "rejected", "duplicates", "reasons")}
              for s in report["stages"]]
    dedup = next((s.get("stats", {}) for s in report["stages"] if s["name"] == "dedup"), {})
    keys = ("documents", "kept", "exact_duplicates", "near_duplicates", "empty", "candidates_checked",
            "candidates_verified", "bridges", "chain_kept")
    return {"documents": report["documents"], "accounting_ok": report["accounting_ok"],
            "stages": stages, "dedup": {k: dedup.get(k) for k in keys}}


def test_plan_cuts_per_document_runs_around_dedup():
    plugins = load_plugins()
    from corpuskit.pipeline import build_stages, select_stage_names

    names = select_stage_names(plugins.registry)
    ops = plan_ops(build_stages(plugins.registry, names, {}))
    assert [op.kind for op in ops][:2] == ["map", "dedup"]
    assert "dedup" in [s.name for op in ops for s in op.stages]


# The boilerplate stage's furniture counter learns repeated lines across documents, so its
# output depends on which documents one process saw: off here, where equality is the point.
PER_DOCUMENT = {"boilerplate": {"furniture": False}}


def test_ray_output_equals_single_machine(tmp_path, ray_local):
    inputs = build_corpus(tmp_path / "in")
    plugins = load_plugins()
    local = OutputPaths.beside(str(tmp_path / "local" / "out.jsonl"))
    distributed = OutputPaths.beside(str(tmp_path / "ray" / "out.jsonl"))
    report_local = run_clean(inputs, local, plugins, RunOptions(workers=1, stage_options=PER_DOCUMENT))
    report_ray = run_clean_ray(inputs, distributed, plugins, RunOptions(workers=2, stage_options=PER_DOCUMENT))

    assert report_ray.balanced
    assert report_ray.documents_in == report_ray.kept + report_ray.duplicates + report_ray.rejected
    assert (report_ray.documents_in, report_ray.kept, report_ray.duplicates, report_ray.rejected) == (
        report_local.documents_in, report_local.kept, report_local.duplicates, report_local.rejected)
    assert report_local.duplicates >= 10, "the corpus must exercise near-duplicate detection"
    assert report_local.rejected >= 2
    got, want = _outputs(distributed), _outputs(local)
    for name in want:
        assert got[name] == want[name], f"{name} differs from the single-machine run"
    assert _summary(distributed.report) == _summary(local.report)
    kinds = {json.loads(line)["similarity"] < 1.0 for line in want["duplicates"].splitlines()}
    assert kinds == {True, False}, "both exact and near duplicates should occur"


def test_ray_without_dedup_and_with_driver_dedup(tmp_path, ray_local):
    """Per-document stages only (no barrier), and the dedup stage on the driver (persistent index)."""
    inputs = build_corpus(tmp_path / "in")
    plugins = load_plugins()
    for name, options in [("nodedup", RunOptions(skip=["dedup"])),
                          ("index", RunOptions(stage_options={"dedup": {"index": str(tmp_path / "{}.db")}}))]:
        outs = {}
        for engine in ("local", "ray"):
            opts = RunOptions(skip=list(options.skip), stage_options={
                **PER_DOCUMENT,
                **{k: {kk: vv.format(engine) for kk, vv in v.items()} for k, v in options.stage_options.items()}})
            paths = OutputPaths.beside(str(tmp_path / name / engine / "out.jsonl"))
            runner = run_clean if engine == "local" else run_clean_ray
            runner(inputs, paths, plugins, opts)
            outs[engine] = _outputs(paths)
        assert outs["ray"] == outs["local"], name


def test_ray_cuts_a_single_file_into_chunks(tmp_path, ray_local, monkeypatch):
    """One input file (fewer files than CPUs): read in one task, cut into chunks, same output."""
    import corpuskit.ray_engine as engine

    folder = tmp_path / "in"
    build_corpus(folder)
    single = tmp_path / "all.jsonl"
    lines = [line for part in sorted(folder.glob("part-*.jsonl")) for line in part.read_text().splitlines()]
    single.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(engine, "_CHUNK_DOCS", 40)
    plugins = load_plugins()
    outs = {}
    for name, runner, workers in (("local", run_clean, 1), ("ray", run_clean_ray, 2)):
        paths = OutputPaths.beside(str(tmp_path / name / "out.jsonl"))
        options = RunOptions(workers=workers, stage_options=PER_DOCUMENT)
        report = runner([str(single)], paths, plugins, options)
        assert report.balanced
        outs[name] = _outputs(paths)
    assert outs["ray"] == outs["local"]
