"""Metadata and counts stages: CPU ms per document, language detection, and process start-up.

usage: python benchmarks/bench_metadata.py [--rounds 5] [--synthetic 500] [--devset DIR]

Document sets (read in place, nothing is copied into the repository):

* ``synthetic``: ``benchmarks/synthetic.py`` records (~3 KB, with their ``metadata`` field);
* ``devset-html``: the devset's HTML pages through trafilatura (text and metadata, as the
  HTML reader gives them);
* ``devset-text``: the devset's naive full-page text dumps (menus, footers), as plain text;
* ``seeds``: the repository's seed documents, as plain text.

Three tables, each with a baseline timed in the same run (CPU time, best of ``--rounds``,
so a loaded machine skews it less):

1. per set, ``metadata`` and ``counts`` against ``json.loads`` + ``json.dumps`` of the same
   records (what reading and writing a JSONL line costs);
2. language detection on the sample it reads (``SAMPLE_CHARS``) against the 4,000-character
   sample read before, the batch API (``classify_many``, batches of 64 and 256 documents) on
   the same sample, the same one document at a time with the caches cold (30 MB of other
   data written before each document, as other stages do in a run), and py3langid's own
   ``classify`` on it (a few documents: it is slow);
3. start-up of a fresh process (import, then the language model ready): with the table cache
   warm against without the cache (``CORPUSKIT_CACHE_DIR=""``, what every process paid before).

A machine-speed reference (``sum(range(1000))``) is printed so numbers from different machines
can be compared.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import os
import subprocess
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT, os.path.join(ROOT, "plugins")]

import synthetic  # noqa: E402
from timing import best  # noqa: E402

from corpuskit import Document, Source  # noqa: E402
from corpuskit_plugins.metadata import CountsStage, MetadataStage  # noqa: E402
from corpuskit_plugins.metadata.language import SAMPLE_CHARS, _classifier, _identifier  # noqa: E402

_STARTUP = """
import time
t0 = time.perf_counter(); c0 = time.process_time()
import numpy, py3langid.langid  # what any run imports anyway (dedup needs numpy too)
from corpuskit_plugins.metadata.language import _classifier
t1 = time.perf_counter(); c1 = time.process_time()
_classifier()
t2 = time.perf_counter(); c2 = time.process_time()
print(t1 - t0, c1 - c0, t2 - t1, c2 - c1)
"""


def load_sets(devset: str, n_synthetic: int) -> dict[str, list[Document]]:
    """name -> documents as the readers give them (text, raw metadata, source)."""
    sets: dict[str, list[Document]] = {}
    sets["synthetic"] = [
        Document(r["id"], r["text"], {"metadata": r["metadata"]}, Source("syn.jsonl", i + 1, "jsonl"))
        for i, r in enumerate(synthetic.generate(n_synthetic, seed=1, dup_share=0.1))
    ]
    html_dir = os.path.join(devset, "html")
    if os.path.isdir(html_dir):
        from corpuskit_plugins.html import extract_html

        docs = []
        for f in sorted(os.listdir(html_dir)):
            with gzip.open(os.path.join(html_dir, f)) as fh:
                text, meta = extract_html(fh.read().decode("utf-8", "replace"))
            docs.append(Document(f, text or "", meta, Source(f, None, "html")))
        sets["devset-html"] = docs
    plain = (("devset-text", os.path.join(devset, "text")), ("seeds", os.path.join(ROOT, "seeds")))
    for name, folder in plain:
        if os.path.isdir(folder):
            docs = []
            for f in sorted(os.listdir(folder)):
                with open(os.path.join(folder, f), encoding="utf-8") as fh:
                    docs.append(Document(f, fh.read(), {}, Source(f, None, "text")))
            sets[name] = docs
    return sets


def startup(env_cache: str | None, runs: int) -> tuple[float, float, float, float]:
    """Best (import wall, import CPU, model wall, model CPU) of ``runs`` fresh processes."""
    env = dict(os.environ)
    if env_cache is not None:
        env["CORPUSKIT_CACHE_DIR"] = env_cache
    out = []
    for _ in range(runs):
        got = subprocess.run(
            [sys.executable, "-c", _STARTUP], env=env, capture_output=True, text=True, check=True
        )
        out.append(tuple(float(x) for x in got.stdout.split()))
    return tuple(min(col) for col in zip(*out, strict=True))  # type: ignore[return-value]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--synthetic", type=int, default=500, help="synthetic documents (default 500)")
    ap.add_argument("--devset", default=os.path.join(os.path.dirname(ROOT), "shared", "devset"))
    ap.add_argument("--startup-runs", type=int, default=3)
    args = ap.parse_args(argv)

    sets = load_sets(args.devset, args.synthetic)
    classify = _classifier()
    fast = getattr(classify, "__self__", None)
    many = fast.classify_many if fast is not None else (lambda texts: [classify(t) for t in texts])
    ref = best(lambda: sum(range(1000)), 200)
    print(f"machine reference: sum(range(1000)) = {ref * 1e6:.1f} us (an idle modern core: ~7 us)")
    print(f"CPU time, best of {args.rounds}\n")

    header = (f"{'set':<12} {'docs':>5} {'chars':>6} {'metadata':>9} {'counts':>8} {'json r+w':>9} "
              f"{'ratio m/c':>10}")
    print("1. stages, ms per document")
    print(header)
    print("-" * len(header))
    finals: dict[str, list[str]] = {}
    for name, docs in sets.items():
        n = len(docs)
        chars = sum(len(d.text) for d in docs) // max(n, 1)
        records = [json.dumps(d.to_record()) for d in docs]
        t_io = best(lambda records=records: [json.dumps(json.loads(r)) for r in records], args.rounds)
        meta_stage, counts_stage = MetadataStage(), CountsStage()
        t_meta = t_counts = float("inf")
        for _ in range(args.rounds):
            batch = [copy.deepcopy(d) for d in docs]
            t = time.process_time()
            for d in batch:
                meta_stage.process_document(d)
            t_meta = min(t_meta, time.process_time() - t)
            t = time.process_time()
            for d in batch:
                counts_stage.process_document(d)
            t_counts = min(t_counts, time.process_time() - t)
        finals[name] = [d.text for d in batch]
        ms = 1000 / n
        print(f"{name:<12} {n:>5} {chars:>6} {t_meta * ms:>9.3f} {t_counts * ms:>8.3f} {t_io * ms:>9.4f} "
              f"{t_meta / t_io:>4.1f}/{t_counts / t_io:<4.1f}")

    print(f"\n2. language detection, ms per document (final texts; sample {SAMPLE_CHARS} vs 4000 characters)")
    header = (f"{'set':<12} {SAMPLE_CHARS:>7} {4000:>7} {'ratio':>6} {'batch64':>8} {'batch256':>8} "
              f"{'cold':>7} {'py3langid':>10} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    ident = _identifier()
    import numpy as np

    junk = np.zeros(30_000_000 // 8)
    for name, texts in finals.items():
        n = len(texts)
        t_new = best(lambda texts=texts: [classify(t[:SAMPLE_CHARS]) for t in texts], args.rounds)
        t_old = best(lambda texts=texts: [classify(t[:4000]) for t in texts], args.rounds)
        samples = [t[:SAMPLE_CHARS] for t in texts]
        t_batch = {
            size: best(lambda size=size, samples=samples: [
                many(samples[i : i + size]) for i in range(0, len(samples), size)], args.rounds)
            for size in (64, 256)
        }
        cold = float("inf")
        for _ in range(args.rounds):
            total = 0.0
            for t in samples[:100]:
                junk += 1.0  # evicts the tables from the caches, as the other stages do
                start = time.process_time()
                classify(t)
                total += time.process_time() - start
            cold = min(cold, total / len(samples[:100]))
        few = texts[:20]
        t_lib = best(lambda few=few: [ident.classify(t[:SAMPLE_CHARS]) for t in few], 1) / len(few) * n
        print(f"{name:<12} {t_new / n * 1000:>7.3f} {t_old / n * 1000:>7.3f} {t_new / t_old:>6.2f} "
              f"{t_batch[64] / n * 1000:>8.3f} {t_batch[256] / n * 1000:>8.3f} {cold * 1000:>7.3f} "
              f"{t_lib / n * 1000:>10.3f} {t_new / t_lib:>6.2f}")

    print(f"\n3. fresh process start-up, seconds (best of {args.startup_runs})")
    header = f"{'tables':<22} {'import wall':>11} {'import CPU':>10} {'model wall':>10} {'model CPU':>9}"
    print(header)
    print("-" * len(header))
    rows: list[tuple[str, Any]] = [
        ("cached (mmap)", startup(None, args.startup_runs)),
        ("no cache (built)", startup("", args.startup_runs)),
    ]
    for label, (iw, ic, mw, mc) in rows:
        print(f"{label:<22} {iw:>11.3f} {ic:>10.3f} {mw:>10.3f} {mc:>9.3f}")
    print(f"model load ratio cached/built: {rows[0][1][3] / rows[1][1][3]:.3f} (CPU)")


if __name__ == "__main__":
    main()
