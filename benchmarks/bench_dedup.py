"""Benchmark the dedup stage against naive datasketch use, on the same synthetic documents.

One command prints every figure; ratios are against baselines measured in the same run::

    python benchmarks/bench_dedup.py                 # 10k docs, scale runs at 10k and 100k
    python benchmarks/bench_dedup.py --million       # also the 1M-document scale run
    python benchmarks/bench_dedup.py --quick         # 2k docs, scale run at 10k only

Rows:

* **naive datasketch**: ``MinHash(num_perm=128)`` per document with one ``update`` per
  shingle (default SHA1 hash), ``MinHashLSH(threshold=0.8)`` with its default
  parameters, query then insert: how the library is usually first used.
* **datasketch tuned**: ``MinHash.generator`` with xxhash as ``hashfunc`` and
  ``MinHashLSH(params=(21, 6))``: the best plain datasketch gets.
* **dedup stage**: :class:`DedupStage` as the pipeline runs it (exact fast path,
  bulk numpy signatures, SQLite index, verification, duplicate records).

Shingles are the same word 5-grams of the same normalised text for all three. The
scale runs execute in fresh subprocesses, so peak RSS is theirs alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import xxhash
from datasketch import LeanMinHash, MinHash, MinHashLSH

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "plugins"))
sys.path.insert(0, str(HERE.parent))

from synthetic import generate  # noqa: E402

from corpuskit.context import RunContext  # noqa: E402
from corpuskit.document import Document  # noqa: E402
from corpuskit_plugins.dedup import DedupStage  # noqa: E402
from corpuskit_plugins.dedup.index import SqliteIndex  # noqa: E402
from corpuskit_plugins.dedup.lsh_params import s_curve_table  # noqa: E402
from corpuskit_plugins.dedup.shingles import (  # noqa: E402
    jaccard,
    normalize_words,
    normalized_word_bytes,
    shingle_hashes,
    shingle_set,
    word_hashes,
)
from corpuskit_plugins.dedup.signatures import Signer, band_buckets  # noqa: E402

THRESHOLD = 0.8
NGRAM = 5


class CountingSink:
    """An event sink that only counts (the benchmark must not hold dropped texts)."""

    def __init__(self) -> None:
        self.duplicates = 0
        self.rejects = 0

    def reject(self, doc: Document, *, stage: str, reason: str) -> None:
        self.rejects += 1

    def duplicate(
        self, doc: Document, *, stage: str, of: str, similarity: float, cluster: str | None
    ) -> None:
        self.duplicates += 1


def peak_rss_mb() -> float:
    """Peak resident set size of this process, in MB (VmHWM: reset by exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size of this process, in MB."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def docs_of(n: int, seed: int = 0, dup_share: float = 0.3) -> list[Document]:
    return [Document(r["id"], r["text"], r["metadata"]) for r in generate(n, seed, dup_share)]


def shingle_strings(text: str) -> list[bytes]:
    words = normalize_words(text)
    n = min(NGRAM, len(words))
    return [" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)] if words else []


def truth(docs: list[Document]) -> str:
    """How many variants have exact word-5-gram Jaccard >= 0.8 / >= 0.5 with their original."""
    originals: dict[int, set[tuple[str, ...]]] = {}
    high = mid = variants = 0
    for d in docs:
        story, sh = d.metadata["story"], shingle_set(d.text, NGRAM)
        if d.metadata["variant"] == 0:
            originals[story] = sh
        elif story in originals:
            variants += 1
            j = jaccard(sh, originals[story])
            high += j >= 0.8
            mid += j >= 0.5
    return f"{variants} variants of an original in the subset: {high} with J >= 0.8, {mid} with J >= 0.5"


#: CPU seconds of this process: the machine may be shared, and other load must not
#: count against either side of a ratio.
CLOCK = time.process_time


class Naive:
    """Naive datasketch: one ``update`` per shingle (SHA1), ``MinHashLSH(threshold)`` defaults."""

    label = "naive datasketch (update/shingle, default LSH)"

    def __init__(self, bands: int, rows: int) -> None:
        self.lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
        self.dups = 0
        self.seconds = 0.0

    def feed(self, docs: list[Document]) -> None:
        t0 = CLOCK()
        for doc in docs:
            m = MinHash(num_perm=128)
            for sh in shingle_strings(doc.text):
                m.update(sh)
            if self.lsh.query(m):
                self.dups += 1
            self.lsh.insert(doc.id, m)
        self.seconds += CLOCK() - t0

    def finish(self) -> None:
        """Nothing to flush."""


class Tuned(Naive):
    """datasketch at its best: ``MinHash.generator`` + xxhash + ``params=(b, r)`` (no verification)."""

    label = "datasketch tuned (generator+xxhash, params=(b,r))"

    def __init__(self, bands: int, rows: int) -> None:
        super().__init__(bands, rows)
        self.lsh = MinHashLSH(num_perm=128, params=(bands, rows))

    def feed(self, docs: list[Document]) -> None:
        t0 = CLOCK()
        sets = (shingle_strings(d.text) for d in docs)
        mhs = MinHash.generator(sets, num_perm=128, hashfunc=xxhash.xxh32_intdigest)
        for doc, m in zip(docs, mhs, strict=True):
            if self.lsh.query(m):
                self.dups += 1
            self.lsh.insert(doc.id, m)
        self.seconds += CLOCK() - t0


class StageRun:
    """The dedup stage, fed chunk by chunk (its index lives across ``process`` calls)."""

    label = "dedup stage (same docs)"

    def __init__(self, bands: int, rows: int, index: str | None = None) -> None:
        self.stage = DedupStage(index=index)
        self.sink = CountingSink()
        self.stage.setup(RunContext(events=self.sink))
        self.kept = 0
        self.seconds = 0.0

    @property
    def dups(self) -> int:
        return self.sink.duplicates

    def feed(self, docs: list[Document]) -> None:
        t0 = CLOCK()
        self.kept += sum(1 for _ in self.stage.process(docs))
        self.seconds += CLOCK() - t0

    def finish(self) -> None:
        t0 = CLOCK()
        self.stage.close()
        self.seconds += CLOCK() - t0


def interleaved(docs: list[Document], runners: list[Any], chunk: int = 200) -> None:
    """Feed ``docs`` to every runner in alternating chunks, so each sees the same machine state."""
    for start in range(0, len(docs), chunk):
        part = docs[start : start + chunk]
        for r in runners:
            r.feed(part)
    for r in runners:
        r.finish()


def bench_signatures(docs: list[Document]) -> float:
    signer = Signer(128, 1)
    t0 = CLOCK()
    for doc in docs:
        signer.signature(shingle_hashes(word_hashes(normalized_word_bytes(doc.text)), NGRAM))
    return len(docs) / (CLOCK() - t0)


def bench_lsh(docs: list[Document], bands: int, rows: int) -> dict[str, float]:
    signer = Signer(128, 1)
    sigs = [signer.signature(shingle_hashes(word_hashes(normalized_word_bytes(d.text)), NGRAM)) for d in docs]
    buckets = [band_buckets(s, bands, rows) for s in sigs]
    blobs = [(s & 0xFFFF).astype("<u2").tobytes() for s in sigs]
    out: dict[str, float] = {}
    index = SqliteIndex(None)
    t0 = CLOCK()
    for doc, b, blob in zip(docs, buckets, blobs, strict=True):
        index.add(doc.id, xxhash.xxh3_128_digest(doc.id.encode()), b, blob, None)
    index.flush()
    out["sqlite insert/s"] = len(docs) / (CLOCK() - t0)
    t0 = CLOCK()
    for b in buckets:
        index.candidates(b)
    out["sqlite query/s"] = len(docs) / (CLOCK() - t0)
    index.abort()
    lsh = MinHashLSH(num_perm=128, params=(bands, rows))
    mhs = [LeanMinHash(signer.to_minhash(s)) for s in sigs]
    t0 = CLOCK()
    for doc, m in zip(docs, mhs, strict=True):
        lsh.insert(doc.id, m, check_duplication=False)
    out["datasketch dict insert/s"] = len(docs) / (CLOCK() - t0)
    t0 = CLOCK()
    for m in mhs:
        lsh.query(m)
    out["datasketch dict query/s"] = len(docs) / (CLOCK() - t0)
    return out


def child(n: int, index_path: str | None, seed: int, cache_mb: int = 64) -> dict[str, Any]:
    """One scale run in this (fresh) process: stream ``n`` generated docs through the stage."""
    rss0 = rss_mb()
    stage = DedupStage(index=index_path, cache_mb=cache_mb)
    sink = CountingSink()
    stage.setup(RunContext(events=sink))
    gen_s = gen_cpu = 0.0

    def stream() -> Iterator[Document]:
        nonlocal gen_s, gen_cpu
        records = generate(n, seed, 0.3)
        while True:
            t, c = time.perf_counter(), CLOCK()
            r = next(records, None)
            gen_s += time.perf_counter() - t
            gen_cpu += CLOCK() - c
            if r is None:
                return
            yield Document(r["id"], r["text"])

    t0, c0 = time.perf_counter(), CLOCK()
    kept = sum(1 for _ in stage.process(stream()))
    stage.close()
    dt = time.perf_counter() - t0 - gen_s
    cpu = CLOCK() - c0 - gen_cpu
    size = os.path.getsize(index_path) if index_path else 0
    return {"n": n, "seconds": dt, "cpu_seconds": cpu, "generate_seconds": gen_s, "docs_per_s": n / dt,
            "docs_per_cpu_s": n / cpu, "kept": kept,
            "duplicates": sink.duplicates, "bytes_per_doc": size / n if index_path else None,
            "peak_rss_mb": peak_rss_mb(), "start_rss_mb": rss0, "end_rss_mb": rss_mb()}


def run_child(n: int, seed: int, cache_mb: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "index.sqlite")
        cmd = [sys.executable, __file__, "--child", str(n), "--index", path, "--seed", str(seed),
               "--cache-mb", str(cache_mb)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return json.loads(proc.stdout)


def table(rows: list[list[str]], head: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]

    def line(r: list[Any]) -> str:
        cells = zip(r, widths, strict=True)
        return "  ".join(str(c).rjust(w) if i else str(c).ljust(w) for i, (c, w) in enumerate(cells))

    return "\n".join([line(head), line(["-" * w for w in widths]), *[line(r) for r in rows]])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="dedup stage benchmark")
    ap.add_argument("--docs", type=int, default=10000, help="documents for the throughput rows")
    ap.add_argument("--baseline-docs", type=int, default=2000, help="documents for the (slow) naive baseline")
    ap.add_argument("--scales", default="10000,100000", help="comma-separated scale runs")
    ap.add_argument("--million", action="store_true", help="add a 1,000,000-document scale run")
    ap.add_argument("--quick", action="store_true", help="2k docs, 1k baseline, scale 10k")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cache-mb", type=int, default=64, help="SQLite page cache of the scale runs")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--index", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.index, args.seed, args.cache_mb)))
        return
    if args.quick:
        args.docs, args.baseline_docs, args.scales = 2000, 1000, "10000"
    stage0 = DedupStage()
    bands, rows = stage0.bands, stage0.rows
    print(f"cpu cores: {os.cpu_count()}  python {sys.version.split()[0]}  numpy {np.__version__}")
    default = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    print(f"dedup: threshold {THRESHOLD}, num_perm 128, bands {bands} x rows {rows}, "
          f"verify cut-off {stage0.cutoff:.3f}; default MinHashLSH(threshold={THRESHOLD}) picks "
          f"{default.b} x {default.r}")
    print(s_curve_table(bands, rows))
    print()

    t0 = time.perf_counter()
    docs = docs_of(args.docs, args.seed)
    gen_s = time.perf_counter() - t0
    mean_kb = sum(len(d.text.encode()) for d in docs) / len(docs) / 1024
    print(f"{len(docs)} synthetic docs, mean {mean_kb:.2f} KB, generated in {gen_s:.1f}s "
          f"({sum(1 for d in docs if d.metadata['variant'])} syndicated variants)")
    base = docs[: args.baseline_docs]
    print(f"baseline subset: {len(base)} docs, {truth(base)}")
    naive, tuned, sub = Naive(bands, rows), Tuned(bands, rows), StageRun(bands, rows)
    interleaved(base, [naive, tuned, sub])
    full = StageRun(bands, rows)
    interleaved(docs, [full])
    assert sub.kept + sub.dups == len(base) and full.kept + full.dups == len(docs)
    naive_rate = len(base) / naive.seconds
    rows_out = [[r.label, len(base), f"{len(base) / r.seconds:,.0f}", f"{naive.seconds / r.seconds:.1f}x",
                 r.dups] for r in (naive, tuned, sub)]
    rows_out.append(["dedup stage (all docs)", len(docs), f"{len(docs) / full.seconds:,.0f}",
                     f"{len(docs) / full.seconds / naive_rate:.1f}x", full.dups])
    stage = full.stage
    print("baselines and stage fed in alternating 200-document chunks; docs per CPU-second")
    print(table(rows_out, ["pipeline (1 core)", "docs", "docs/s", "vs naive", "dups found"]))
    st = stage.stats()
    print(f"stage stats: exact {st['exact_duplicates']}, near {st['near_duplicates']}, candidates checked "
          f"{st['candidates_checked']}, verified {st['candidates_verified']}, bridges "
          f"{st['bridges']}, chain-kept {st['chain_kept']}")
    print()

    sig_rate = bench_signatures(docs)
    lsh = bench_lsh(docs, bands, rows)
    print(table([["text -> signature (normalise, hash, shingle, MinHash)", f"{sig_rate:,.0f}"],
                 *[[k, f"{v:,.0f}"] for k, v in lsh.items()]], ["component (1 core)", "per second"]))
    print()

    scales = [int(x) for x in args.scales.split(",") if x]
    if args.million:
        scales.append(1_000_000)
    srows = []
    for n in scales:
        r = run_child(n, args.seed, args.cache_mb)
        srows.append([f"{n:,}", f"{r['docs_per_cpu_s']:,.0f}", f"{r['docs_per_s']:,.0f}",
                      f"{r['seconds']:.0f}", f"{r['generate_seconds']:.0f}", r["duplicates"],
                      f"{r['bytes_per_doc']:.0f}",
                      f"{r['start_rss_mb']:.0f}", f"{r['end_rss_mb']:.0f}", f"{r['peak_rss_mb']:.0f}"])
    head = ["scale run (file index)", "docs/CPU-s", "docs/s wall", "stage s wall", "generator s", "dups",
            "index B/doc", "RSS start MB", "RSS end MB", "peak RSS MB"]
    print(table(srows, head))


if __name__ == "__main__":
    main()
