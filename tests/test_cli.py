"""The CLI end to end on the sample corpus, stdin/stdout, and the side files."""

from __future__ import annotations

import gzip
import json

import zstandard

from conftest import SEEDS, SHARED, read_jsonl, run_cli


def test_clean_seeds_writes_five_records_and_side_files(cli, tmp_path):
    res = cli("clean", str(SEEDS), "-o", "out.jsonl")
    assert res.returncode == 0, res.stderr.decode()
    records = read_jsonl(tmp_path / "out.jsonl")
    assert [r["id"] for r in records] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert all(r["text"].strip() for r in records)
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert report["accounting_ok"] is True
    assert report["documents"] == {"in": 5, "kept": 5, "duplicates": 0, "rejected": 0}
    assert [s["name"] for s in report["stages"]][0] == "read"
    assert (tmp_path / "out.rejects.jsonl").exists()
    assert (tmp_path / "out.duplicates.jsonl").exists()
    assert "5 in = 5 kept + 0 duplicates + 0 rejected (ok)" in res.stderr.decode()


def test_default_output_name_is_printed(cli, tmp_path):
    res = cli("clean", str(SEEDS))
    assert res.returncode == 0, res.stderr.decode()
    assert (tmp_path / "seeds.clean.jsonl").exists()
    assert "seeds.clean.jsonl" in res.stderr.decode()


def test_score_clean_accepts_output(cli, tmp_path):
    scorer = SHARED / "tools" / "score_clean.py"
    if not scorer.exists():
        import pytest

        pytest.skip("../shared/tools not present")
    assert cli("clean", str(SEEDS), "-o", "out.jsonl").returncode == 0
    import subprocess
    import sys

    res = subprocess.run([sys.executable, str(scorer), str(tmp_path / "out.jsonl"),
                          str(SHARED / "gold" / "seeds.json")], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "documents 5 matched 5" in res.stdout


def test_stdin_to_stdout_with_side_files(cli, tmp_path):
    lines = b'{"id": "a", "text": "First document text."}\nnot json\n{"id": "b", "text": "Second one."}\n'
    res = cli("clean", "-", "-o", "-", "--skip", "dedup", stdin=lines)
    assert res.returncode == 0, res.stderr.decode()
    out = [json.loads(x) for x in res.stdout.decode().splitlines()]
    assert [r["id"] for r in out] == ["a", "b"]
    rejects = read_jsonl(tmp_path / "corpuskit.rejects.jsonl")
    assert rejects[0]["line"] == 2 and "malformed JSON" in rejects[0]["reason"]
    assert "-:2: malformed JSON" in res.stderr.decode()


def test_compressed_outputs_and_inputs(cli, tmp_path):
    src = tmp_path / "in.jsonl.gz"
    with gzip.open(src, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "x", "text": "Zstandard and gzip both work."}) + "\n")
    res = cli("clean", str(src), "-o", "out.jsonl.zst", "--stage", "metadata")
    assert res.returncode == 0, res.stderr.decode()
    data = zstandard.ZstdDecompressor().stream_reader(open(tmp_path / "out.jsonl.zst", "rb")).read()
    assert json.loads(data)["id"] == "x"
    assert (tmp_path / "out.report.json").exists()


def test_closed_pipe_exits_cleanly(tmp_path):
    import subprocess
    import sys

    big = tmp_path / "big.jsonl"
    with open(big, "w") as fh:
        for i in range(3000):
            fh.write(json.dumps({"id": str(i), "text": f"document number {i} " * 20}) + "\n")
    cmd = f"{sys.executable} -m corpuskit clean {big} -o - --stage metadata -q | head -n 1"
    res = subprocess.run(cmd, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0
    assert "Traceback" not in res.stderr


def test_version_and_help():
    res = run_cli("--version")
    assert res.returncode == 0 and res.stdout.decode().startswith("corpuskit ")
    res = run_cli("clean", "--help")
    assert res.returncode == 0 and "--output" in res.stdout.decode()


def test_stages_lists_builtins_in_order():
    res = run_cli("stages")
    assert res.returncode == 0, res.stderr.decode()
    names = [line.split()[1] for line in res.stdout.decode().splitlines()]
    assert names[:4] == ["metadata", "boilerplate", "dedup", "counts"]


def test_unknown_stage_is_a_usage_error(cli):
    res = cli("clean", str(SEEDS), "--stage", "nope")
    assert res.returncode == 2
    assert "unknown stage 'nope'" in res.stderr.decode()


def test_unknown_stage_option_names_the_stage(cli):
    res = cli("clean", str(SEEDS), "--set", "boilerplate.colour=1")
    assert res.returncode == 2
    assert "boilerplate" in res.stderr.decode() and "colour" in res.stderr.decode()


def test_option_values_are_converted_or_rejected_by_type(cli):
    res = cli("clean", str(SEEDS), "--set", "dedup.threshold=abc", "-o", "o.jsonl")
    assert res.returncode == 2
    assert res.stderr.decode().strip() == "error: stage 'dedup': option 'threshold' wants float, got 'abc'"
    res = cli("clean", str(SEEDS), "--set", "dedup.threshold=0.85", "-o", "o.jsonl")
    assert res.returncode == 0, res.stderr.decode()


def test_shards_split_the_input_files_and_together_make_the_whole(cli, tmp_path):
    whole = cli("clean", str(SEEDS), "-o", "all.jsonl", "--skip", "dedup")
    assert whole.returncode == 0, whole.stderr.decode()
    ids = []
    for i in range(3):
        res = cli("clean", str(SEEDS), "-o", f"s{i}.jsonl", "--skip", "dedup", "--shard", f"{i}/3")
        assert res.returncode == 0, res.stderr.decode()
        ids.append([r["id"] for r in read_jsonl(tmp_path / f"s{i}.jsonl")])
    assert [len(x) for x in ids] == [2, 2, 1]
    assert sorted(i for part in ids for i in part) == [r["id"] for r in read_jsonl(tmp_path / "all.jsonl")]
    bad = cli("clean", str(SEEDS), "--shard", "3/3")
    assert bad.returncode == 2 and "--shard '3/3'" in bad.stderr.decode()
