"""Boilerplate stage cost: CPU ms per ~3 KB document, per mode, against JSONL read + write.

usage: python benchmarks/bench_boilerplate.py [--rounds 7] [--synthetic 500] [--devset DIR]

Document sets (read in place, nothing is copied into the repository):

* ``real-html``: the seeds plus the devset's HTML pages through trafilatura
  (``corpuskit_plugins.html.extract_html``), cut at line boundaries into ~3 KB documents;
* ``real-text``: the devset's naive full-page text dumps (menus, footers), cut likewise;
* ``synthetic``: ``benchmarks/synthetic.py`` news records (~3 KB each).

For each set and mode the table gives the stage's CPU time per document (best of
``--rounds``; CPU, not wall time, so a loaded machine skews it less), the same per
3,000 characters, and the ratio to ``json.loads`` + ``json.dumps`` of the same records
timed in the same run. A machine-speed reference (``sum(range(1000))``) is printed so
numbers from different machines can be compared.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [HERE, ROOT, os.path.join(ROOT, "plugins")]

import synthetic  # noqa: E402
from timing import best  # noqa: E402

from corpuskit import Document, Source  # noqa: E402
from corpuskit.context import RunContext  # noqa: E402
from corpuskit_plugins.boilerplate import BoilerplateStage  # noqa: E402

MODES = ("conservative", "balanced", "aggressive")


def cut(text: str, size: int = 3000) -> list[str]:
    """``text`` cut at line boundaries into pieces of at least ``size`` characters (short tail dropped)."""
    docs, cur, n = [], [], 0
    for line in text.split("\n"):
        cur.append(line)
        n += len(line) + 1
        if n >= size:
            docs.append("\n".join(cur))
            cur, n = [], 0
    return [d for d in docs if len(d) >= 0.8 * size]


def load_sets(devset: str, n_synthetic: int) -> dict[str, tuple[list[str], str]]:
    """name -> (texts, source format)."""
    sets: dict[str, tuple[list[str], str]] = {}
    seeds = os.path.join(ROOT, "seeds")
    html: list[str] = []
    for f in sorted(os.listdir(seeds)):
        with open(os.path.join(seeds, f), encoding="utf-8") as fh:
            html += cut(fh.read())
    html_dir = os.path.join(devset, "html")
    if os.path.isdir(html_dir):
        from corpuskit_plugins.html import extract_html

        for f in sorted(os.listdir(html_dir)):
            with gzip.open(os.path.join(html_dir, f)) as fh:
                raw = fh.read().decode("utf-8", "replace")
            html += cut(extract_html(raw)[0] or "")
    sets["real-html"] = (html, "html")
    text_dir = os.path.join(devset, "text")
    if os.path.isdir(text_dir):
        dumps: list[str] = []
        for f in sorted(os.listdir(text_dir)):
            with open(os.path.join(text_dir, f), encoding="utf-8") as fh:
                dumps += cut(fh.read())
        sets["real-text"] = (dumps, "text")
    sets["synthetic"] = ([r["text"] for r in synthetic.generate(n_synthetic, seed=1, dup_share=0.1)], "text")
    return sets


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--synthetic", type=int, default=500, help="synthetic documents (default 500)")
    ap.add_argument("--devset", default="/work/shared/devset", help="devset with html/ and text/")
    ap.add_argument("--modes", nargs="+", default=list(MODES), choices=MODES)
    args = ap.parse_args(argv)

    sets = load_sets(args.devset, args.synthetic)
    ref = best(lambda: sum(range(1000)), 200)
    print(f"machine reference: sum(range(1000)) = {ref * 1e6:.1f} us (an idle modern core: ~7 us)")
    print(f"CPU time, best of {args.rounds}; ms per document and per 3,000 characters\n")
    header = (f"{'set':<10} {'docs':>5} {'chars':>6} {'mode':<13} {'ms/doc':>7} {'ms/3KB':>7} "
              f"{'json r+w':>9} {'ratio':>6}")
    print(header)
    print("-" * len(header))
    for name, (texts, fmt) in sets.items():
        if not texts:
            continue
        n = len(texts)
        chars = sum(map(len, texts))
        per3k = 3000 * n / chars
        records = [json.dumps({"id": f"d{i}", "text": t, "metadata": {}}) for i, t in enumerate(texts)]

        def io(records: list[str] = records) -> None:
            for raw in records:
                rec = json.loads(raw)
                json.dumps({"id": rec["id"], "text": rec["text"], "metadata": rec["metadata"]})

        t_io = best(io, args.rounds)
        source = Source("bench.txt", None, fmt)
        for mode in args.modes:
            stage = BoilerplateStage(mode=mode)
            stage.setup(RunContext())

            def clean(
                stage: BoilerplateStage = stage, texts: list[str] = texts, source: Source = source
            ) -> None:
                for i, t in enumerate(texts):
                    stage.process_document(Document(f"d{i}", t, {}, source))

            t_clean = best(clean, args.rounds)
            ms = t_clean / n * 1000
            print(f"{name:<10} {n:>5} {chars // n:>6} {mode:<13} {ms:>7.3f} {ms * per3k:>7.3f} "
                  f"{t_io / n * 1000:>9.4f} {t_clean / t_io:>6.1f}")


if __name__ == "__main__":
    main()
