"""The dedup index: persistence across runs (SQLite file and a real Redis), size, safety."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

import corpuskit
from conftest import REPO, SEEDS
from corpuskit.context import RunContext
from corpuskit.events import CollectingSink
from corpuskit_plugins.dedup import DedupStage
from corpuskit_plugins.dedup.index import IndexBusy, IndexMismatch, IndexUnavailable, MemoryIndex, SqliteIndex

sys.path.insert(0, str(REPO / "benchmarks"))
from synthetic import generate

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def run(docs: list[corpuskit.Document], **options: object) -> tuple[list[str], CollectingSink, DedupStage]:
    stage = DedupStage(**options)
    sink = CollectingSink()
    stage.setup(RunContext(events=sink))
    kept = [d.id for d in stage.process(docs)]
    stage.close()
    return kept, sink, stage


def first_run_docs() -> list[corpuskit.Document]:
    return [corpuskit.Document(f"run1/{i}", t) for i, t in enumerate(SEED_TEXTS[:3])]


def second_run_docs() -> list[corpuskit.Document]:
    docs = [corpuskit.Document(f"run2/copy{i}", "Reposted from the wire\n" + t[: int(len(t) * 0.92)])
            for i, t in enumerate(SEED_TEXTS[:3])]
    docs.append(corpuskit.Document("run2/exact0", SEED_TEXTS[0].upper()))
    docs += [corpuskit.Document(f"run2/new{i}", t) for i, t in enumerate(SEED_TEXTS[3:], start=3)]
    return docs


def check_second_run(kept: list[str], sink: CollectingSink) -> None:
    assert kept == ["run2/new3", "run2/new4"]
    named = {r["id"]: r["duplicate_of"] for r in sink.duplicates}
    assert named == {"run2/copy0": "run1/0", "run2/copy1": "run1/1", "run2/copy2": "run1/2",
                     "run2/exact0": "run1/0"}


# -- SQLite file -------------------------------------------------------------------------------


def test_index_persists_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "idx" / "dedup.sqlite"
    kept, sink, _ = run(first_run_docs(), index=str(path))
    assert kept == ["run1/0", "run1/1", "run1/2"] and not sink.duplicates
    assert path.exists()
    kept, sink, stage = run(second_run_docs(), index=str(path))
    check_second_run(kept, sink)
    assert stage.stats()["exact_duplicates"] == 1 and stage.stats()["near_duplicates"] == 3
    # a third run sees the second run's documents too
    kept, sink, _ = run([corpuskit.Document("run3/x", SEED_TEXTS[4] + "\nMore at example.com")], index=str(path))
    assert kept == [] and sink.duplicates[0]["duplicate_of"] == "run2/new4"


def test_without_index_nothing_outlives_the_run(tmp_path: Path) -> None:
    run(first_run_docs())
    kept, sink, _ = run(second_run_docs())
    assert len(kept) == 5 and len(sink.duplicates) == 1  # only the exact copy within the run


def test_index_parameters_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    run(first_run_docs(), index=str(path))
    with pytest.raises(IndexMismatch, match="ngram"):
        run(second_run_docs(), index=str(path), ngram=3)
    # the failed open did not damage it
    kept, sink, _ = run(second_run_docs(), index=str(path))
    check_second_run(kept, sink)


def test_abort_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    run(first_run_docs(), index=str(path))
    stage = DedupStage(index=str(path))
    stage.setup(RunContext(events=CollectingSink()))
    list(stage.process([corpuskit.Document("lost", SEED_TEXTS[4])]))
    stage.abort()  # a failed run
    kept, _, _ = run([corpuskit.Document("again", SEED_TEXTS[4])], index=str(path))
    assert kept == ["again"]


def test_a_second_writer_gets_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    first = SqliteIndex(path)
    try:
        with pytest.raises(IndexBusy, match="in use"):
            SqliteIndex(path, busy_timeout_s=0.1)
    finally:
        first.abort()


def test_killed_run_does_not_corrupt_the_index(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    run(first_run_docs(), index=str(path))
    code = f"""
import os, sys
sys.path.insert(0, {str(REPO / 'benchmarks')!r})
from synthetic import generate
from corpuskit import Document
from corpuskit.context import RunContext
from corpuskit.events import CollectingSink
from corpuskit_plugins.dedup import DedupStage
stage = DedupStage(index={str(path)!r})
stage.setup(RunContext(events=CollectingSink()))
for i, d in enumerate(stage.process(Document(r["id"], r["text"]) for r in generate(2500, 5, 0.3))):
    pass
os._exit(9)  # dies before close(): nothing of this run may be committed
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == 9, proc.stderr.decode()
    index = SqliteIndex(path)
    assert index.count() == 3
    index.abort()
    kept, sink, _ = run(second_run_docs(), index=str(path))
    check_second_run(kept, sink)


def test_file_index_bytes_per_document(tmp_path: Path) -> None:
    path = tmp_path / "dedup.sqlite"
    docs = [corpuskit.Document(r["id"], r["text"]) for r in generate(1500, seed=11, dup_share=0.3)]
    _, _, stage = run(docs, index=str(path))
    indexed = stage.stats()["documents"] - stage.stats()["exact_duplicates"]
    per_doc = path.stat().st_size / indexed
    assert per_doc <= 1024, f"{per_doc:.0f} bytes per document"


# -- in memory (no path) ---------------------------------------------------------------------------


def test_memory_and_file_indexes_agree(tmp_path: Path) -> None:
    """The run-private in-memory index finds exactly what the SQLite file finds (kept ids,
    duplicate records, every count), with merges of its sorted bucket arrays along the way."""
    records = list(generate(1500, seed=5, dup_share=0.3))
    records += [{"id": f"copy{i}", "text": records[i]["text"]} for i in range(0, 1500, 50)]  # exact copies

    def docs() -> list[corpuskit.Document]:
        return [corpuskit.Document(r["id"], r["text"]) for r in records]

    saved = MemoryIndex.MERGE_MIN
    MemoryIndex.MERGE_MIN = 2000  # merge every ~100 documents
    try:
        kept_mem, sink_mem, stage_mem = run(docs())
    finally:
        MemoryIndex.MERGE_MIN = saved
    kept_file, sink_file, stage_file = run(docs(), index=str(tmp_path / "d.sqlite"))
    kept_tmp, sink_tmp, stage_tmp = run(docs(), in_memory=False)  # temporary SQLite file
    assert kept_mem == kept_file == kept_tmp
    assert sink_mem.duplicates == sink_file.duplicates == sink_tmp.duplicates
    mem, file = stage_mem.stats(), stage_file.stats()
    assert {k: v for k, v in mem.items() if k != "index"} == {k: v for k, v in file.items() if k != "index"}
    assert stage_tmp.stats() == mem
    assert mem["near_duplicates"] > 200 and mem["exact_duplicates"] == 30


def test_memory_index_entries() -> None:
    index = MemoryIndex(4)
    a = index.add("a", b"A" * 16, [1, 2, -3], b"\x01\x00\x02\x00", None)
    b = index.add("b", b"B" * 16, [2, 5, 6], b"\x01\x00\x03\x00", a)
    assert (a, b) == (1, 2)
    assert index.lookup(b"A" * 16, [1, 2, -3]) == (a, [])
    hit, cands = index.lookup(b"C" * 16, [2, 7, 8])
    assert hit is None and [c.key for c in cands] == [a, b] and cands[1].parent == a
    assert index.find_exact(b"B" * 16) == b and index.find_exact(b"C" * 16) is None
    assert index.doc_id(b) == "b" and index.parent(a) is None and index.parent(99) is None
    assert index.entry(b).sig.tolist() == [1, 3]
    index._merge()
    assert [c.key for c in index.candidates([-3, 6])] == [a, b] and index.count() == 2
    with pytest.raises(KeyError):
        index.entry(3)


def test_memory_index_buckets_shared_within_and_across_documents() -> None:
    # add() files a document without a loop when its buckets are new and distinct; a bucket
    # repeated inside one document, or one an earlier document holds, takes the per-bucket path
    index = MemoryIndex(4)
    a = index.add("a", b"A" * 16, [1, 1, 2], b"\x01\x00\x02\x00", None)
    b = index.add("b", b"B" * 16, [2, 3, 4], b"\x01\x00\x03\x00", None)
    c = index.add("c", b"C" * 16, [5, 6, 7], b"\x01\x00\x04\x00", None)
    d = index.add("d", b"D" * 16, [7, 8, 1], b"\x01\x00\x05\x00", None)
    assert [e.key for e in index.candidates([1])] == [a, d]
    assert [e.key for e in index.candidates([2])] == [a, b]
    assert [e.key for e in index.candidates([7, 9])] == [c, d]
    assert index.candidates([9, 10]) == []
    index._merge()  # the same answers from the sorted arrays
    assert [e.key for e in index.candidates([1])] == [a, d]
    assert [e.key for e in index.candidates([2, 7])] == [a, b, c, d]
    e = index.add("e", b"E" * 16, [1, 9, 9], b"\x01\x00\x06\x00", None)  # merged + recent
    assert [x.key for x in index.candidates([1, 9])] == [a, d, e]


# -- Redis -----------------------------------------------------------------------------------------


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port (skipped only if the binary is missing)."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server binary not installed")
    redis = pytest.importorskip("redis")
    port = _free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(100):
            try:
                if client.ping():
                    break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            raise RuntimeError("redis-server did not start")
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.redis
def test_redis_index_persists_across_runs(redis_url: str) -> None:
    prefix = f"test:{uuid.uuid4().hex}"
    kept, sink, _ = run(first_run_docs(), backend="redis", redis_url=redis_url, index=prefix)
    assert kept == ["run1/0", "run1/1", "run1/2"] and not sink.duplicates
    kept, sink, _ = run(second_run_docs(), backend="redis", redis_url=redis_url, index=prefix)
    check_second_run(kept, sink)
    with pytest.raises(IndexMismatch):
        run(first_run_docs(), backend="redis", redis_url=redis_url, index=prefix, num_perm=64)


def test_unreachable_redis_is_a_clear_error() -> None:
    pytest.importorskip("redis")
    stage = DedupStage(backend="redis", redis_url=f"redis://127.0.0.1:{_free_port()}/0")
    stage.setup(RunContext(events=CollectingSink()))
    with pytest.raises(IndexUnavailable, match="cannot reach Redis"):
        list(stage.process([corpuskit.Document("a", SEED_TEXTS[0])]))


@pytest.mark.redis
def test_redis_and_file_backends_agree(redis_url: str, tmp_path: Path) -> None:
    docs = [corpuskit.Document(r["id"], r["text"]) for r in generate(400, seed=3, dup_share=0.4)]
    kept_file, sink_file, _ = run(docs, index=str(tmp_path / "i.sqlite"))
    kept_redis, sink_redis, _ = run(docs, backend="redis", redis_url=redis_url, index=f"t:{uuid.uuid4().hex}")
    assert kept_file == kept_redis
    assert sink_file.duplicates == sink_redis.duplicates
    assert len(sink_file.duplicates) > 50
