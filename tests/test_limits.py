"""Large and many inputs, and a full disk: clear outcomes, no traceback, nothing half-written."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from conftest import read_jsonl

READERS_ONLY = {"CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD": "1", "CORPUSKIT_PLUGINS": "readers,writers"}


def _run(args, cwd, env=READERS_ONLY, preexec=None, timeout=300):
    return subprocess.run([sys.executable, "-m", "corpuskit", *args], cwd=cwd, capture_output=True,
                          env={**os.environ, **env}, preexec_fn=preexec, timeout=timeout)


def test_disk_full_is_a_clear_error_and_leaves_no_final_file(tmp_path):
    src = tmp_path / "in.jsonl"
    with open(src, "w") as fh:
        for i in range(2000):
            fh.write(json.dumps({"id": str(i), "text": "words " * 200}) + "\n")

    def limit_file_size():  # writes past 256 KiB fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    res = _run([ "clean", str(src), "-o", str(tmp_path / "out.jsonl"), "-w", "1"], tmp_path,
               preexec=limit_file_size)
    assert res.returncode == 1, res.stderr.decode()
    assert b"Traceback" not in res.stderr
    assert f"cannot write {tmp_path / 'out.jsonl'}" in res.stderr.decode()
    assert not (tmp_path / "out.jsonl").exists()
    assert not list(tmp_path.glob(".out.jsonl.tmp-*"))  # the temporary file was removed too


@pytest.mark.slow
def test_fifty_megabyte_document_with_all_stages(tmp_path):
    para = ("The committee heard evidence from engineers, residents and officials about the state of the "
            "bridge, which was built in 1931 and has not been fully inspected for a decade. ")
    text = "\n".join(f"{i}: {para}" for i in range(50 * 1024 * 1024 // (len(para) + 8)))
    (tmp_path / "big.txt").write_text(text)
    res = _run(["clean", str(tmp_path / "big.txt"), "-o", str(tmp_path / "out.jsonl"), "-w", "1"], tmp_path,
               env={})
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    [rec] = read_jsonl(tmp_path / "out.jsonl")
    assert len(rec["text"]) > 40 * 1024 * 1024


@pytest.mark.slow
def test_hundred_thousand_tiny_files(tmp_path):
    d = tmp_path / "many"
    for k in range(100):
        sub = d / f"{k:03d}"
        sub.mkdir(parents=True)
        for i in range(1000):
            (sub / f"{i:04d}.txt").write_text(f"tiny document {k} {i}")
    res = _run(["clean", str(d), "-o", str(tmp_path / "out.jsonl"), "-q"], tmp_path)
    assert res.returncode == 0, res.stderr.decode()[-2000:]
    report = json.loads((tmp_path / "out.report.json").read_text())
    assert report["documents"]["in"] == 100_000 and report["accounting_ok"]
    first = read_jsonl(tmp_path / "out.jsonl")[0]
    assert first["id"] == "000/0000"
