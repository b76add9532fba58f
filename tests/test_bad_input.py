"""Bad input: each case gets a clear message naming the file (and line) and a reject record,
or a clean non-zero exit — never a traceback, never a document lost without a trace."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest
import zstandard

from conftest import read_jsonl, run_cli

# readers and writers only: these tests are about reading, not about what stages do
READERS_ONLY = {"CORPUSKIT_DISABLE_PLUGIN_AUTOLOAD": "1", "CORPUSKIT_PLUGINS": "readers,writers"}


def clean(tmp_path: Path, *inputs: str, extra: tuple[str, ...] = ()):
    res = run_cli("clean", *inputs, "-o", str(tmp_path / "out.jsonl"), *extra, cwd=tmp_path, env=READERS_ONLY)
    assert b"Traceback" not in res.stderr, res.stderr.decode()
    return res


def rejects(tmp_path: Path) -> list[dict]:
    return read_jsonl(tmp_path / "out.rejects.jsonl")


def kept(tmp_path: Path) -> list[dict]:
    return read_jsonl(tmp_path / "out.jsonl")


def report(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "out.report.json").read_text())


def test_missing_path_is_a_usage_error_naming_it(tmp_path):
    res = clean(tmp_path, str(tmp_path / "nope"))
    assert res.returncode == 2
    assert f"{tmp_path / 'nope'}: no such file or directory" in res.stderr.decode()
    assert not (tmp_path / "out.jsonl").exists()


def test_glob_matching_nothing(tmp_path):
    res = clean(tmp_path, str(tmp_path / "*.txt"))
    assert res.returncode == 2 and "no file matches" in res.stderr.decode()


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "good.txt").write_text("A perfectly good article about rivers.\n", encoding="utf-8")
    return d


def test_empty_file_is_rejected_and_run_goes_on(tmp_path, corpus):
    (corpus / "empty.txt").write_bytes(b"")
    res = clean(tmp_path, str(corpus))
    assert res.returncode == 0
    [rej] = rejects(tmp_path)
    assert rej["id"] == "empty" and rej["reason"] == "empty file" and rej["stage"] == "read"
    assert f"{corpus / 'empty.txt'}: empty file" in res.stderr.decode()
    assert [r["id"] for r in kept(tmp_path)] == ["good"]


@pytest.mark.parametrize("name,data,what", [
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG"),
    ("doc.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
    ("archive.txt", b"PK\x03\x04" + bytes(200), "zip"),
    ("blob.txt", b"abc\x00\x00\x01\x02\xff\xfe\x00" * 50, "binary"),
])
def test_binary_file_with_text_extension_is_rejected(tmp_path, corpus, name, data, what):
    (corpus / name).write_bytes(data)
    res = clean(tmp_path, str(corpus))
    assert res.returncode == 0
    [rej] = rejects(tmp_path)
    assert what in rej["reason"] and rej["source"].endswith(name)


def test_legacy_encodings_are_decoded_not_mojibake(tmp_path, corpus):
    (corpus / "cp1252.txt").write_bytes("Café society — “quoted” naïve résumé déjà vu.\n".encode("cp1252"))
    (corpus / "utf16.txt").write_bytes("Ünïcödé text with a BOM, façade.\n".encode("utf-16"))
    res = clean(tmp_path, str(corpus))
    assert res.returncode == 0, res.stderr.decode()
    texts = {r["id"]: r["text"] for r in kept(tmp_path)}
    assert "Café society — “quoted” naïve résumé" in texts["cp1252"]
    assert "Ünïcödé text with a BOM, façade." in texts["utf16"]
    assert rejects(tmp_path) == []


def test_malformed_jsonl_line_amid_good_ones(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "1", "text": "one"}\n{"id": "2", "text": \n{"id": "3", "text": "three"}\n')
    res = clean(tmp_path, str(src))
    assert res.returncode == 0
    assert [r["id"] for r in kept(tmp_path)] == ["1", "3"]
    [rej] = rejects(tmp_path)
    assert rej["line"] == 2 and rej["id"] == "a:2" and "malformed JSON" in rej["reason"]
    assert f"{src}:2: malformed JSON" in res.stderr.decode()
    assert rej["text"].startswith('{"id": "2"')  # the raw line is kept: nothing lost


def test_jsonl_record_without_text_or_with_non_string_text(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "1", "title": "no text"}\n{"id": "2", "text": 42}\n[1, 2]\n{"id": "4", "content": "ok"}\n')
    res = clean(tmp_path, str(src))
    assert res.returncode == 0
    assert [r["id"] for r in kept(tmp_path)] == ["4"]
    reasons = {r["id"]: r["reason"] for r in rejects(tmp_path)}
    assert "no text field" in reasons["1"]
    assert "'text' is int, not a string" in reasons["2"]
    assert "expected a JSON object" in reasons["a:3"]


def test_invalid_utf8_in_jsonl_line(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_bytes(b'{"id": "1", "text": "caf\xe9"}\n{"id": "2", "text": "fine"}\n')
    res = clean(tmp_path, str(src))
    assert res.returncode == 0
    assert [r["id"] for r in kept(tmp_path)] == ["2"]
    assert "invalid UTF-8" in rejects(tmp_path)[0]["reason"]


def test_truncated_gzip_keeps_what_was_readable(tmp_path):
    payload = "".join(json.dumps({"id": str(i), "text": f"document {i} " * 50}) + "\n" for i in range(200))
    data = gzip.compress(payload.encode())
    src = tmp_path / "a.jsonl.gz"
    src.write_bytes(data[: len(data) // 2])
    res = clean(tmp_path, str(src))
    assert res.returncode == 0, res.stderr.decode()
    rej = rejects(tmp_path)
    assert len(rej) == 1 and "truncated" in rej[0]["reason"]
    assert 0 < len(kept(tmp_path)) < 200
    assert str(src) in res.stderr.decode()


def test_truncated_zstd_text_file(tmp_path, corpus):
    data = zstandard.ZstdCompressor().compress(("word " * 5000).encode())
    (corpus / "b.txt.zst").write_bytes(data[: len(data) // 2])
    res = clean(tmp_path, str(corpus))
    assert res.returncode == 0
    [rej] = rejects(tmp_path)
    assert rej["id"] == "b" and "compressed data" in rej["reason"]


def test_unknown_suffix_goes_to_rejects(tmp_path, corpus):
    (corpus / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    res = clean(tmp_path, str(corpus))
    assert res.returncode == 0
    assert rejects(tmp_path)[0]["reason"] == "no reader for suffix .jpg"


def test_no_readable_input_at_all_exits_nonzero(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_bytes(b"")
    res = clean(tmp_path, str(d))
    assert res.returncode == 1
    assert "no readable input" in res.stderr.decode()
    assert rejects(tmp_path)[0]["reason"] == "empty file"


def _without_file_capabilities() -> list[str]:
    """As root, a prefix that drops the capabilities that bypass file permissions
    (root would otherwise read a mode-000 file); empty for other users."""
    if os.geteuid() != 0:
        return []
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    caps = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", "--"]


def test_unreadable_file(tmp_path, corpus):
    import subprocess
    import sys

    f = corpus / "secret.txt"
    f.write_text("x")
    f.chmod(0)
    cmd = [*_without_file_capabilities(), sys.executable, "-m", "corpuskit", "clean", str(corpus),
           "-o", str(tmp_path / "out.jsonl"), "-w", "1"]
    res = subprocess.run(cmd, capture_output=True, cwd=tmp_path, env={**os.environ, **READERS_ONLY})
    assert res.returncode == 0, res.stderr.decode()
    assert b"Traceback" not in res.stderr
    assert rejects(tmp_path)[0]["reason"] == "permission denied"
    assert f"{f}: permission denied" in res.stderr.decode()


def test_symlink_loop_does_not_hang(tmp_path, corpus):
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)
    res = clean(tmp_path, str(corpus))
    assert res.returncode == 0
    assert [r["id"] for r in kept(tmp_path)] == ["good"]


def test_unwritable_output_is_a_clear_error(tmp_path, corpus):
    blocker = tmp_path / "file"
    blocker.write_text("")
    res = run_cli("clean", str(corpus), "-o", str(blocker / "out.jsonl"), cwd=tmp_path, env=READERS_ONLY)
    assert res.returncode == 1
    assert b"Traceback" not in res.stderr
    assert f"cannot write {blocker / 'out.jsonl'}" in res.stderr.decode()


def test_accounting_in_report(tmp_path, corpus):
    (corpus / "empty.txt").write_bytes(b"")
    clean(tmp_path, str(corpus))
    rep = report(tmp_path)
    assert rep["accounting_ok"]
    assert rep["documents"] == {"in": 2, "kept": 1, "duplicates": 0, "rejected": 1}
