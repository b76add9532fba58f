"""Accuracy of the dedup stage on syndicated variants of real articles.

Sources: the seed articles (``seeds/*.txt``: five different stories about the Iraq
withdrawal, i.e. hard negatives for each other) and the devset article texts
(``/work/shared/devset/text/*.txt``, read in place, skipped when absent). Each
source gets programmatic *syndicated variants* (added or removed boilerplate lines,
trimmed endings, a changed paragraph, typos, re-wrapping, a new headline; from light
to heavy edits) and *hard negatives* (the first words of this story spliced with
as many last words of another one: Jaccard ≤ 1/3 with either). Every pair of
documents that shares any word 5-gram gets its exact Jaccard similarity; pairs are
then binned by Jaccard and scored:

* **recall**: the share of pairs with J ≥ 0.8 that end in the same cluster (a
  cluster is a survivor and the documents whose records name it), and the number
  of such pairs of which both documents were kept (what the corpus sees);
* **false merges**: duplicate records (dropped doc → named survivor) whose exact
  J < 0.5, and co-clustered pairs with J < 0.5 (must both be 0);
* **conservation**: documents in = kept + duplicate records.

Run ``python benchmarks/dedup_accuracy.py`` for the full table
(``--variants N`` per source, ``--seed S``, ``--threshold T``).
"""

from __future__ import annotations

import argparse
import random
import sys
import textwrap
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
for p in (REPO, REPO / "plugins"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from corpuskit.context import RunContext  # noqa: E402
from corpuskit.document import Document  # noqa: E402
from corpuskit.events import CollectingSink  # noqa: E402
from corpuskit_plugins.dedup import DedupStage  # noqa: E402
from corpuskit_plugins.dedup.shingles import shingle_set  # noqa: E402

SEEDS = REPO / "seeds"
DEVSET = Path("/work/shared/devset/text")
NGRAM = 5
BINS = ((0.0, 0.3), (0.3, 0.5), (0.5, 0.6), (0.6, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 1.0), (1.0, 1.01))

_HEADERS = (
    ["Home | World | Politics | Business | Opinion", "Subscribe now and save 50%"],
    ["BREAKING NEWS", "Sign in | Register", "Menu"],
    ["Wire Service Daily", "Skip to main content"],
    ["The Evening Courier — Your city, your news", "Advertisement"],
)
_FOOTERS = (
    ["Copyright 2026 The Associated Wire. All rights reserved.", "Share this: Facebook | Twitter | Email"],
    ["Related: More stories from this region", "Sign up for our daily newsletter"],
    ["This story was syndicated from a partner site.", "Comments are closed."],
    ["© Evening Courier 2026", "Terms of use | Privacy policy | Contact us"],
)


def load_sources(min_words: int = 120, devset: bool = True) -> list[tuple[str, str]]:
    """``(name, text)`` of the seed articles and, when present, the devset article texts."""
    files = sorted(SEEDS.glob("*.txt"))
    if devset and DEVSET.is_dir():
        files += sorted(DEVSET.glob("*.txt"))
    out = []
    for f in files:
        text = f.read_text(encoding="utf-8", errors="replace")
        if len(text.split()) >= min_words:
            out.append((f.stem, text))
    return out


def _paragraphs(text: str) -> list[str]:
    paras = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    if len(paras) < 4:  # one line per paragraph in many extracted texts
        paras = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return paras


def _typos(text: str, rng: random.Random, count: int) -> str:
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if c.isalpha()]
    for i in rng.sample(spots, min(count, len(spots))):
        chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    return "".join(chars)


def _trim_words(paras: list[str], share: float) -> list[str]:
    """Drop about ``share`` of the words from the end."""
    total = sum(len(p.split()) for p in paras)
    keep = int(total * (1 - share))
    out, seen = [], 0
    for p in paras:
        words = p.split()
        if seen + len(words) <= keep:
            out.append(p)
            seen += len(words)
        else:
            if keep - seen > 0:
                out.append(" ".join(words[: keep - seen]))
            break
    return out


def make_variant(text: str, other: str, rng: random.Random, level: str) -> tuple[str, list[str]]:
    """A syndicated copy of ``text``; ``level`` "light", "medium" or "heavy" sets how much changes."""
    paras = _paragraphs(text)
    edits: list[str] = []
    heavy = {"light": 0, "medium": 1, "heavy": 2}[level]
    if rng.random() < 0.6:
        paras = rng.choice(_HEADERS) + paras + rng.choice(_FOOTERS)
        edits.append("boilerplate+")
    if rng.random() < 0.3 and len(paras) > 6:
        paras = paras[1:-1]
        edits.append("boilerplate-")
    if rng.random() < 0.5 or heavy:
        share = rng.uniform(0.02, 0.08) if not heavy else rng.uniform(0.1, 0.25) * heavy
        paras = _trim_words(paras, share)
        edits.append(f"trim{share:.2f}")
    if (heavy or rng.random() < 0.3) and len(paras) > 2:
        other_paras = _paragraphs(other)
        for _ in range(max(1, heavy)):
            j = rng.randrange(1, len(paras))
            paras[j] = rng.choice(other_paras)
        edits.append("paragraph")
    if rng.random() < 0.5:
        j = rng.randrange(len(paras))
        paras[j] = _typos(paras[j], rng, rng.randint(1, 3 + 3 * heavy))
        edits.append("typos")
    if rng.random() < 0.3:
        paras[0] = "UPDATED: " + paras[0]
        edits.append("retitle")
    if rng.random() < 0.5:
        width = rng.randint(50, 90)
        paras = [textwrap.fill(p, width) for p in paras]
        edits.append(f"wrap{width}")
    return "\n\n".join(paras), edits


def build_corpus(sources: list[tuple[str, str]], variants: int = 4, seed: int = 0) -> list[Document]:
    """Originals, their variants and spliced hard negatives, shuffled deterministically.

    The original of each story comes first in the output (as a crawler would meet it
    first), then everything else in a seeded random order.
    """
    rng = random.Random(seed)
    originals: list[Document] = []
    rest: list[Document] = []
    for i, (name, text) in enumerate(sources):
        other_name, other = sources[(i + 1) % len(sources)]
        originals.append(Document(f"{name}", text, {"story": name, "edits": []}))
        for v in range(variants):
            level = ("light", "light", "medium", "heavy")[v % 4]
            vtext, edits = make_variant(text, other, rng, level)
            rest.append(Document(f"{name}~v{v}", vtext, {"story": name, "edits": [level, *edits]}))
        a, b = text.split(), other.split()
        m = min(len(a), len(b)) // 2  # equal shares: J <= 1/3 with either story
        spliced = textwrap.fill(" ".join(a[:m]), 80) + "\n\n" + textwrap.fill(" ".join(b[-m:]), 80)
        rest.append(Document(f"{name}~splice~{other_name}", spliced, {"story": None, "edits": ["splice"]}))
    rng.shuffle(rest)
    return originals + rest


@dataclass
class Result:
    """Pair counts per Jaccard bin and the run's totals."""

    pairs: dict[tuple[float, float], int] = field(default_factory=lambda: defaultdict(int))
    merged: dict[tuple[float, float], int] = field(default_factory=lambda: defaultdict(int))
    docs_in: int = 0
    kept: int = 0
    duplicates: int = 0
    kept_ids: list[str] = field(default_factory=list)
    both_kept: list[tuple[str, str, float]] = field(default_factory=list)
    bad_records: list[tuple[str, str, float]] = field(default_factory=list)
    bad_clustered: list[tuple[str, str, float]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    def rate(self, lo: float, hi: float = 1.01) -> tuple[int, int]:
        """(merged, total) pairs with ``lo <= J < hi``."""
        keys = [k for k in BINS if k[0] >= lo and k[1] <= hi]
        return sum(self.merged[k] for k in keys), sum(self.pairs[k] for k in keys)

    @property
    def recall_08(self) -> float:
        merged, total = self.rate(0.8)
        return merged / total if total else 1.0


def _bin(j: float) -> tuple[float, float]:
    for lo, hi in BINS:
        if lo <= j < hi:
            return (lo, hi)
    return BINS[-1]


def overlapping_pairs(docs: list[Document]) -> dict[tuple[int, int], float]:
    """Exact Jaccard of every pair of documents sharing at least one word 5-gram."""
    sets = [shingle_set(d.text, NGRAM) for d in docs]
    postings: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            postings[sh].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for ids in postings.values():
        if len(ids) > 1:
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    shared[(ids[x], ids[y])] += 1
    out = {}
    for (a, b), inter in shared.items():
        out[(a, b)] = inter / (len(sets[a]) + len(sets[b]) - inter)
    return out


def evaluate(docs: list[Document], **options: Any) -> Result:
    """Run the stage over ``docs`` and score it against exact Jaccard."""
    stage = DedupStage(**options)
    sink = CollectingSink()
    stage.setup(RunContext(events=sink))
    kept = list(stage.process(docs))
    stage.close()
    res = Result(docs_in=len(docs), kept=len(kept), duplicates=len(sink.duplicates), stats=stage.stats(),
                 kept_ids=[d.id for d in kept])
    pos = {d.id: i for i, d in enumerate(docs)}
    parent = list(range(len(docs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for rec in sink.duplicates:
        a, b = find(pos[rec["id"]]), find(pos[rec["duplicate_of"]])
        parent[max(a, b)] = min(a, b)
    jac = overlapping_pairs(docs)
    for rec in sink.duplicates:
        a, b = sorted((pos[rec["id"]], pos[rec["duplicate_of"]]))
        j = jac.get((a, b), 0.0)
        if j < 0.5:
            res.bad_records.append((rec["id"], rec["duplicate_of"], j))
    # every pair that shares nothing has J = 0 and must not be co-clustered either
    clusters: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        clusters[find(i)].append(i)
    for members in clusters.values():
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                a, b = members[x], members[y]
                j = jac.get((a, b), 0.0)
                if j < 0.5:
                    res.bad_clustered.append((docs[a].id, docs[b].id, j))
    n = len(docs)
    zero_pairs = n * (n - 1) // 2 - len(jac)
    res.pairs[BINS[0]] += zero_pairs
    kept_ids = {d.id for d in kept}
    for (a, b), j in jac.items():
        if j >= 0.8 and docs[a].id in kept_ids and docs[b].id in kept_ids:
            res.both_kept.append((docs[a].id, docs[b].id, j))
        key = _bin(j)
        res.pairs[key] += 1
        if find(a) == find(b):
            res.merged[key] += 1
    return res


def report(res: Result) -> str:
    """The accuracy table."""
    lines = [f"{'Jaccard':>12}  {'pairs':>8}  {'merged':>7}  {'rate':>6}"]
    for lo, hi in BINS:
        p, m = res.pairs[(lo, hi)], res.merged[(lo, hi)]
        label = "1.0 (exact)" if lo == 1.0 else f"[{lo:.1f}, {hi:.1f})"
        lines.append(f"{label:>12}  {p:>8}  {m:>7}  {(m / p if p else 0):>6.3f}")
    m8, t8 = res.rate(0.8)
    lines.append(f"recall of pairs with J >= 0.8 (same cluster): {m8}/{t8} = {res.recall_08:.3f} "
                 "(target >= 0.95)")
    lines.append(f"pairs with J >= 0.8 of which both documents were kept: {len(res.both_kept)}")
    lines.append(f"duplicate records naming a survivor with J < 0.5: {len(res.bad_records)} (target 0)")
    lines.append(f"co-clustered pairs with J < 0.5: {len(res.bad_clustered)} (target 0)")
    lines.append(f"documents in {res.docs_in} = kept {res.kept} + duplicates {res.duplicates}: "
                 f"{res.docs_in == res.kept + res.duplicates}")
    s = res.stats
    lines.append(f"stage: exact {s['exact_duplicates']}, near {s['near_duplicates']}, candidates checked "
                 f"{s['candidates_checked']}, verified {s['candidates_verified']}, "
                 f"chain-kept {s['chain_kept']}, bridges {s['bridges']}; b={s['bands']} r={s['rows']} "
                 f"cut-off {s['verify_cutoff']}")
    return "\n".join(lines)


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="dedup accuracy on syndicated variants of real text")
    ap.add_argument("--variants", type=int, default=8, help="variants per source article")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=0.8)
    ap.add_argument("--no-devset", action="store_true")
    args = ap.parse_args(list(argv) if argv is not None else None)
    sources = load_sources(devset=not args.no_devset)
    docs = build_corpus(sources, args.variants, args.seed)
    print(f"{len(sources)} source articles ({'seeds + devset' if not args.no_devset else 'seeds'}), "
          f"{len(docs)} documents ({args.variants} variants and 1 spliced hard negative per source)")
    res = evaluate(docs, threshold=args.threshold)
    print(report(res))
    ok = res.recall_08 >= 0.95 and not res.bad_records and not res.bad_clustered and not res.both_kept
    return 0 if ok and res.docs_in == res.kept + res.duplicates else 1


if __name__ == "__main__":
    raise SystemExit(main())
