"""Merging dedup index files (issue 7): shard runs, one merged index, a later run drops copies from all."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corpuskit
from conftest import SEEDS, read_jsonl, run_cli
from corpuskit.cli import build_app
from corpuskit_plugins.dedup.index import IndexBusy, IndexMismatch, SqliteIndex
from corpuskit_plugins.dedup.merge import MergeError, merge_indexes

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def wire(text: str) -> str:
    """A syndicated copy: a credit line on top, the last paragraphs cut."""
    return "Reposted from the wire\n\n" + text[: int(len(text) * 0.92)]


def partner(text: str) -> str:
    """Another syndicated copy: the opening trimmed, a footer added."""
    return text[int(len(text) * 0.04):] + "\n\nRead more stories like this at partner.example.com"


def write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def clean(tmp: Path, corpus: Path, index: Path, *extra: str) -> tuple[list[str], dict[str, str]]:
    """Run the real CLI over ``corpus`` with ``--index``: (kept ids, duplicate id → survivor)."""
    out = tmp / f"{corpus.name}-{index.stem}.jsonl"
    proc = run_cli("clean", str(corpus), "-o", str(out), "--index", str(index), "-q", *extra, cwd=tmp)
    assert proc.returncode == 0, proc.stderr.decode()
    kept = [r["id"] for r in read_jsonl(out)]
    dups = {r["id"]: r["duplicate_of"] for r in read_jsonl(out.with_name(out.name.replace(".jsonl", ".duplicates.jsonl")))}
    return kept, dups


def docs_rows(path: Path) -> dict[str, tuple[int, int | None]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return {i: (k, r) for k, i, r in db.execute("SELECT key, id, root FROM docs")}


@pytest.fixture(scope="module")
def shard_indexes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two halves of a corpus, each with a syndicated copy inside it; half B also holds an
    exact copy of a document of half A (a cross-shard duplicate both runs keep)."""
    tmp_path = tmp_path_factory.mktemp("shards")
    s = SEED_TEXTS
    a = write(tmp_path / "half_a", {"news0": s[0], "news1": s[1], "wire0": wire(s[0])})
    b = write(tmp_path / "half_b", {"news2": s[2], "news3": s[3], "wire3": wire(s[3]), "repost1": s[1]})
    ia, ib = tmp_path / "a.index", tmp_path / "b.index"
    kept, dups = clean(tmp_path, a, ia)
    assert kept == ["news0", "news1"] and dups == {"wire0": "news0"}
    kept, dups = clean(tmp_path, b, ib)
    assert kept == ["news2", "news3", "repost1"] and dups == {"wire3": "news3"}
    return ia, ib


@pytest.fixture
def shards(shard_indexes: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    """This test's own copies of the two shard indexes."""
    return (Path(shutil.copy(shard_indexes[0], tmp_path / "a.index")),
            Path(shutil.copy(shard_indexes[1], tmp_path / "b.index")))


def test_merged_index_drops_copies_from_both_shards(tmp_path: Path, shards: tuple[Path, Path]) -> None:
    ia, ib = shards
    merged = tmp_path / "merged" / "all.index"
    proc = run_cli("index-merge", str(ia), str(ib), "-o", str(merged), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    out = proc.stdout.decode()
    assert "7 documents" in out and "bytes/doc" in out and "1 in more than one source" in out

    # every entry is kept; keys of B come after A's; cluster parents follow their keys
    rows_a, rows_b, rows = docs_rows(ia), docs_rows(ib), docs_rows(merged)
    assert set(rows) == set(rows_a) | set(rows_b)
    assert max(k for k, _ in (rows[i] for i in rows_a)) < min(k for k, _ in (rows[i] for i in rows_b))
    assert rows["wire0"][1] == rows["news0"][0] and rows["wire3"][1] == rows["news3"][0]
    assert all(rows[i][1] is None for i in ("news0", "news1", "news2", "news3", "repost1"))

    s = SEED_TEXTS
    third = write(tmp_path / "third", {
        "c0": partner(s[0]), "c1": partner(s[1]), "c2": wire(s[2]), "c3": partner(s[3]),
        "c3exact": s[3], "c_wire0": wire(s[0]) + "\n\nSyndicated again", "fresh": s[4],
    })
    kept, dups = clean(tmp_path, third, merged)
    assert kept == ["fresh"]
    assert dups == {"c0": "news0", "c1": "news1", "c2": "news2", "c3": "news3", "c3exact": "news3",
                    "c_wire0": "news0"}
    # the merged file was updated by that run and is still a valid index
    assert "fresh" in docs_rows(merged)

    # shard A's index alone misses the copies of half B
    shutil.copy(ia, tmp_path / "a_only.index")
    kept, dups = clean(tmp_path, third, tmp_path / "a_only.index")
    assert set(kept) == {"c2", "c3", "fresh"} and dups["c3exact"] == "c3"


def test_merge_api_report_and_atomic_overwrite(tmp_path: Path, shards: tuple[Path, Path]) -> None:
    ia, ib = shards
    target = tmp_path / "m.index"
    report = merge_indexes([ia, ib], target)
    bands = int(report.meta["bands"])
    assert report.documents == 7 and [s.documents for s in report.sources] == [3, 4]
    assert report.band_entries == report.documents * bands and 0 < report.buckets <= report.band_entries
    assert report.fingerprints == 6 and report.shared_fingerprints == 1
    assert report.bytes == target.stat().st_size and report.bytes_per_doc == report.bytes / 7
    assert report.sources[1].key_offset == 3
    assert report.to_dict()["documents"] == 7

    with pytest.raises(MergeError, match="exists"):
        merge_indexes([ia, ib], target)
    # folding an index into one of its sources (a main index plus a new shard)
    report = merge_indexes([ia, ib], ia, overwrite=True)
    assert report.documents == 7 and len(docs_rows(ia)) == 7
    assert not [p.name for p in tmp_path.iterdir() if ".tmp" in p.name or p.name.endswith("-journal")]

    # the merged file opens as an index with the same parameters and keeps allocating keys
    index = SqliteIndex(target)
    assert index.count() == 7 and index.add("x", b"f" * 16, [1], b"\0\0", None) == 8
    index.abort()


def test_mismatch_refused_naming_the_file(tmp_path: Path, shards: tuple[Path, Path]) -> None:
    ia, _ = shards
    other = tmp_path / "perm64.index"
    clean(tmp_path, write(tmp_path / "other", {"x": SEED_TEXTS[4]}), other, "--set", "dedup.num_perm=64")
    target = tmp_path / "m.index"
    with pytest.raises(IndexMismatch, match=r"perm64\.index.*num_perm: index has '64', .*a\.index has '128'"):
        merge_indexes([ia, other], target)
    assert not target.exists() and not list(tmp_path.glob(".m.index*"))

    proc = run_cli("index-merge", str(ia), str(other), "-o", str(target), cwd=tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "perm64.index" in err and "num_perm" in err
    assert "Traceback" not in err and not target.exists()


def test_cli_errors_exit_2_without_traceback(tmp_path: Path, shards: tuple[Path, Path]) -> None:
    ia, ib = shards
    target = tmp_path / "m.index"
    not_index = tmp_path / "notes.txt"
    not_index.write_text("not an index", encoding="utf-8")
    empty_db = tmp_path / "empty.sqlite"
    sqlite3.connect(empty_db).execute("CREATE TABLE t(x)").connection.close()
    cases = [
        ([str(ia), str(tmp_path / "missing.index")], "missing.index does not exist"),
        ([str(ia), str(not_index)], "notes.txt is not a corpuskit dedup index"),
        ([str(ia), str(empty_db)], "empty.sqlite is not a corpuskit dedup index"),
        ([str(ia), str(ia)], "given twice"),
    ]
    for args, message in cases:
        proc = run_cli("index-merge", *args, "-o", str(target), cwd=tmp_path)
        err = proc.stderr.decode()
        assert proc.returncode == 2, (args, err)
        assert message in err and "Traceback" not in err and not target.exists()

    target.write_bytes(b"")
    proc = run_cli("index-merge", str(ia), str(ib), "-o", str(target), cwd=tmp_path)
    assert proc.returncode == 2 and "--force" in proc.stderr.decode()
    # --force refuses to replace something that is not an index either
    proc = run_cli("index-merge", str(ia), str(ib), "-o", str(target), "--force", cwd=tmp_path)
    assert proc.returncode == 2 and "is not a corpuskit dedup index" in proc.stderr.decode()
    target.unlink()
    proc = run_cli("index-merge", str(ia), str(ib), "-o", str(target), cwd=tmp_path)
    assert proc.returncode == 0 and len(docs_rows(target)) == 7


def test_source_in_use_is_refused(tmp_path: Path, shards: tuple[Path, Path]) -> None:
    ia, ib = shards
    held = SqliteIndex(ib, busy_timeout_s=0.1)  # a run still writing shard B
    try:
        with pytest.raises(IndexBusy, match=r"b\.index is in use"):
            merge_indexes([ia, ib], tmp_path / "m.index", busy_timeout_s=0.1)
        result = CliRunner().invoke(build_app(corpuskit.load_plugins()),
                                    ["index-merge", str(ia), str(ib), "-o", str(tmp_path / "m.index")])
        assert result.exit_code == 2 and "in use" in result.output
    finally:
        held.abort()
    assert not (tmp_path / "m.index").exists()


def test_command_is_registered_by_the_plugin() -> None:
    result = CliRunner().invoke(build_app(corpuskit.load_plugins()), ["--help"])
    assert result.exit_code == 0 and "index-merge" in result.output


def test_shard_runs_merge_into_one_index(tmp_path: Path) -> None:
    if "--shard" not in run_cli("clean", "--help").stdout.decode():
        pytest.skip("corpuskit clean has no --shard")
    s = SEED_TEXTS
    corpus = write(tmp_path / "corpus", {f"d{i}": t for i, t in enumerate(s[:4])})
    indexes = []
    for i in range(2):
        index = tmp_path / f"shard{i}.index"
        kept, _ = clean(tmp_path, corpus, index, "--shard", f"{i}/2")
        assert len(kept) == 2
        indexes.append(str(index))
    proc = run_cli("index-merge", *indexes, "-o", str(tmp_path / "all.index"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    later = write(tmp_path / "later", {f"copy{i}": partner(t) for i, t in enumerate(s[:4])} | {"new": s[4]})
    kept, dups = clean(tmp_path, later, tmp_path / "all.index")
    assert kept == ["new"] and dups == {f"copy{i}": f"d{i}" for i in range(4)}
