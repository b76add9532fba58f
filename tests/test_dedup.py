"""The dedup stage: normalisation, signatures, band choice, clusters and the stage itself."""

from __future__ import annotations

import math
import random
import textwrap

import numpy as np
import pytest
from datasketch import MinHash, MinHashLSH
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import corpuskit
from conftest import SEEDS
from corpuskit.context import RunContext
from corpuskit.events import CollectingSink
from corpuskit.registry import Registry
from corpuskit_plugins.dedup import DedupStage, corpuskit_register_stages
from corpuskit_plugins.dedup.clusters import UnionFind
from corpuskit_plugins.dedup.lsh_params import choose_bands_rows, s_curve, verify_cutoff
from corpuskit_plugins.dedup.shingles import (
    _unicode_words,
    fingerprint,
    jaccard,
    normalize_text,
    normalize_words,
    normalized_word_bytes,
    shingle_hashes,
    shingle_set,
    word_hashes,
)
from corpuskit_plugins.dedup.signatures import Signer, compact, estimate_jaccard, from_compact

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def run_stage(docs: list[corpuskit.Document], **options: object) -> tuple[list[corpuskit.Document],
                                                                        CollectingSink, DedupStage]:
    stage = DedupStage(**options)
    sink = CollectingSink()
    stage.setup(RunContext(events=sink))
    kept = list(stage.process(docs))
    stage.close()
    return kept, sink, stage


def doc(i: str, text: str) -> corpuskit.Document:
    return corpuskit.Document(id=i, text=text)


# -- normalisation and shingles ---------------------------------------------------------


def test_normalisation_folds_case_punctuation_and_whitespace() -> None:
    a = "Iraq's Prime Minister — “Nuri al-Maliki” — will VISIT\n\nthe U.S.   in December!"
    b = "iraq s prime minister nuri al maliki will visit the u s in december"
    assert normalize_text(a) == b
    assert normalize_words("ÉCOLE Straße ﬁne") == ["école", "strasse", "fine"]
    assert normalize_words("snake_case  x") == ["snake", "case", "x"]


def test_fast_path_equals_unicode_path() -> None:
    rng = random.Random(7)
    alphabet = "aZ09 .,;'\"-_éÉß’“”—–…\u00a0«»•·\tİﬁ½\u0301\u0308Σς！\u2028😀\n"
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16)))
        assert normalize_words(text) == _unicode_words(text), repr(text)
    for text in SEED_TEXTS:
        assert normalize_words(text) == _unicode_words(text)


def test_rewrapping_and_case_do_not_change_shingles() -> None:
    text = SEED_TEXTS[0]
    wrapped = textwrap.fill(text.upper(), 47)
    assert shingle_set(text) == shingle_set(wrapped)
    a = word_hashes(normalized_word_bytes(text))
    b = word_hashes(normalized_word_bytes(wrapped))
    assert fingerprint(a) == fingerprint(b)
    assert np.array_equal(np.sort(shingle_hashes(a, 5)), np.sort(shingle_hashes(b, 5)))


def test_shingle_hashes_count_and_short_documents() -> None:
    words = normalized_word_bytes("one two three four five six seven")
    assert len(shingle_hashes(word_hashes(words), 5)) == 3
    assert len(shingle_hashes(word_hashes(words), 1)) == 7
    assert len(shingle_hashes(word_hashes(words[:3]), 5)) == 1  # shorter than n: one shingle
    assert len(shingle_hashes(word_hashes([]), 5)) == 0
    with pytest.raises(ValueError):
        shingle_hashes(word_hashes(words), 0)
    # distinct n-grams hash apart; order matters
    h = shingle_hashes(word_hashes(normalized_word_bytes("a b c d e a b c d f e d c b a")), 5)
    assert len(set(h.tolist())) == len(h)


# -- signatures ----------------------------------------------------------------------------


def test_signature_is_bit_exact_with_datasketch() -> None:
    shingles = shingle_hashes(word_hashes(normalized_word_bytes(SEED_TEXTS[2])), 5)
    signer = Signer(128, seed=1)
    ours = signer.signature(shingles)
    ref = MinHash(num_perm=128, seed=1, hashfunc=lambda x: x)
    ref.update_batch([int(x) for x in shingles])
    assert np.array_equal(ours, ref.hashvalues)
    # and the datasketch wrapper agrees on similarity
    other = signer.signature(shingles[: len(shingles) // 2])
    assert signer.to_minhash(ours).jaccard(signer.to_minhash(other)) == pytest.approx(
        float(np.mean(ours == other)))


@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 7), (256, 12345)])
def test_permutations_are_datasketchs(num_perm: int, seed: int) -> None:
    ref = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
    ours = Signer(num_perm, seed)._permutations
    assert ours.dtype == np.asarray(ref).dtype and np.array_equal(ours, ref)


def test_long_documents_are_chunked_identically() -> None:
    rng = np.random.default_rng(3)
    shingles = rng.integers(0, 2**32, 10_000, dtype=np.uint64).astype(np.uint32)
    signer = Signer(64)
    ref = MinHash(num_perm=64, seed=1, hashfunc=lambda x: x)
    ref.update_batch(shingles.tolist())
    assert np.array_equal(signer.signature(shingles), ref.hashvalues)


@pytest.mark.parametrize("target", [0.3, 0.5, 0.8, 0.9])
def test_estimate_is_close_to_exact_jaccard(target: float) -> None:
    rng = np.random.default_rng(int(target * 100))
    signer = Signer(128)
    errors = []
    for _ in range(30):
        common = rng.integers(0, 2**32, 400, dtype=np.uint64)
        # |A ∩ B| = 400, |A ∪ B| = 400 / target: split the rest between A and B
        extra = round(400 / target) - 400
        a = np.concatenate([common, rng.integers(0, 2**32, extra // 2, dtype=np.uint64)])
        b = np.concatenate([common, rng.integers(0, 2**32, extra - extra // 2, dtype=np.uint64)])
        exact = len(set(a.tolist()) & set(b.tolist())) / len(set(a.tolist()) | set(b.tolist()))
        sa = from_compact(compact(signer.signature(a.astype(np.uint32))))
        sb = from_compact(compact(signer.signature(b.astype(np.uint32))))
        errors.append(estimate_jaccard(sa, sb) - exact)
    sigma = math.sqrt(target * (1 - target) / 128)
    assert abs(float(np.mean(errors))) < 2 * sigma  # unbiased (16-bit storage corrected)
    assert max(abs(e) for e in errors) < 4.5 * sigma


# -- band choice ----------------------------------------------------------------------------


def test_bands_and_rows_for_the_default_threshold() -> None:
    b, r = choose_bands_rows(0.8, 128)
    assert (b, r) == (21, 6)
    assert s_curve(0.8, b, r) >= 0.99
    assert s_curve(0.5, b, r) < 0.3
    assert s_curve(0.3, b, r) < 0.02
    assert 0.72 < verify_cutoff(0.8, 128) < 0.74


@pytest.mark.parametrize("threshold", [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
def test_s_curve_recall_at_threshold(threshold: float) -> None:
    for num_perm in (64, 128, 256):
        b, r = choose_bands_rows(threshold, num_perm)
        assert b * r <= num_perm
        assert s_curve(threshold, b, r) >= 0.95


def test_datasketch_default_params_are_the_documented_pitfall() -> None:
    lsh = MinHashLSH(threshold=0.7, num_perm=128)
    assert (lsh.b, lsh.r) == (14, 9)
    assert s_curve(0.7, lsh.b, lsh.r) < 0.5


# -- union-find -------------------------------------------------------------------------------


def test_union_find_keeps_the_smallest_key_as_root() -> None:
    uf = UnionFind()
    assert uf.union(5, 3) == (3, 5)
    assert uf.union(7, 5) == (3, 7)
    assert uf.union(3, 7) == (3, None)
    assert uf.find(7) == 3 and uf.find(5) == 3 and uf.find(9) == 9
    uf.attach(2, 7)  # attach ignores key order: 2 joins 3's set without becoming root
    assert uf.find(2) == 3


def test_union_find_reads_stored_parents() -> None:
    stored = {10: 4, 4: 1}
    uf = UnionFind(stored.get)
    assert uf.find(10) == 1
    assert uf.find(1) == 1
    assert len(uf) >= 3


# -- the stage -------------------------------------------------------------------------------


def test_registration_through_the_hook() -> None:
    registered: list[type] = []
    corpuskit_register_stages(register=registered.append)
    assert registered == [DedupStage]
    reg = Registry()
    reg.add_stage(DedupStage, "dedup")
    assert reg.stages["dedup"].value is DedupStage
    assert DedupStage.name == "dedup" and DedupStage.order == 30 and DedupStage.per_document is False


def test_entry_point_registers_the_stage() -> None:
    from corpuskit.manager import load_plugins

    plugins = load_plugins(only=["dedup"])
    assert plugins.registry.stages["dedup"].value is DedupStage
    assert not plugins.failures


def test_options_are_validated() -> None:
    with pytest.raises(TypeError, match=r"'dedup'.*bogus"):
        DedupStage(bogus=1)
    with pytest.raises(ValueError, match="policy"):
        DedupStage(policy="longest")
    with pytest.raises(ValueError, match="backend"):
        DedupStage(backend="postgres")
    with pytest.raises(ValueError, match="threshold"):
        DedupStage(threshold=1.5)
    s = DedupStage(threshold="0.7", ngram="3", num_perm="64")  # strings from --set
    assert (s.threshold, s.ngram, s.num_perm) == (0.7, 3, 64)
    s = DedupStage(bands=16, rows=8)
    assert s.num_perm == 128
    with pytest.raises(ValueError, match="exceeds"):
        DedupStage(bands=20, rows=8, num_perm=128)


def test_exact_duplicate_fast_path() -> None:
    text = SEED_TEXTS[0]
    copy = textwrap.fill(text.upper().replace(",", " ,"), 60)
    kept, sink, stage = run_stage([doc("a", text), doc("b", copy), doc("c", SEED_TEXTS[1])])
    assert [d.id for d in kept] == ["a", "c"]
    (rec,) = sink.duplicates
    assert rec["id"] == "b" and rec["duplicate_of"] == "a" and rec["similarity"] == 1.0
    assert rec["cluster"] == "a" and rec["stage"] == "dedup"
    assert stage.stats()["exact_duplicates"] == 1 and stage.stats()["near_duplicates"] == 0


def test_near_duplicates_dropped_and_distinct_stories_kept() -> None:
    docs = [doc(f"s{i}", t) for i, t in enumerate(SEED_TEXTS)]
    for i, t in enumerate(SEED_TEXTS):
        words = t.split()
        docs.append(doc(f"s{i}-trim", "Syndicated by Wire\n" + " ".join(words[: int(len(words) * 0.9)])))
    kept, sink, stage = run_stage(docs)
    assert [d.id for d in kept] == [f"s{i}" for i in range(len(SEED_TEXTS))]  # five stories, none merged
    assert {r["id"]: r["duplicate_of"] for r in sink.duplicates} == {
        f"s{i}-trim": f"s{i}" for i in range(len(SEED_TEXTS))}
    for r in sink.duplicates:
        assert 0.73 <= r["similarity"] <= 1.0
    st_ = stage.stats()
    assert st_["documents"] == st_["kept"] + st_["duplicates"] == len(docs)
    assert st_["candidates_checked"] >= st_["candidates_verified"] >= len(SEED_TEXTS)


def test_first_seen_survives_and_runs_are_deterministic() -> None:
    base = SEED_TEXTS[3]
    variants = [base, base + "\nShare this story.", "Breaking:\n" + base, base[: int(len(base) * 0.93)]]
    docs = [doc(f"v{i}", t) for i, t in enumerate(variants)] + [doc("other", SEED_TEXTS[4])]
    order = [3, 1, 4, 0, 2]
    shuffled = [docs[i] for i in order]
    kept1, sink1, _ = run_stage(shuffled)
    kept2, sink2, _ = run_stage(shuffled)
    assert [d.id for d in kept1] == [d.id for d in kept2] == ["v3", "other"]
    assert sink1.duplicates == sink2.duplicates
    assert all(r["duplicate_of"] == "v3" for r in sink1.duplicates)


def test_empty_documents_pass_through() -> None:
    kept, sink, stage = run_stage([doc("e1", ""), doc("e2", " ... "), doc("x", SEED_TEXTS[0])])
    assert [d.id for d in kept] == ["e1", "e2", "x"]
    assert not sink.duplicates and stage.stats()["empty"] == 2


def test_unbound_stage_refuses_to_drop_silently() -> None:
    stage = DedupStage()
    with pytest.raises(RuntimeError, match="not bound"):
        list(stage.process([doc("a", SEED_TEXTS[0]), doc("b", SEED_TEXTS[0])]))
    stage.abort()


def test_process_is_lazy() -> None:
    stage = DedupStage()
    stage.setup(RunContext(events=CollectingSink()))
    seen: list[str] = []

    def source():
        for i, t in enumerate(SEED_TEXTS):
            seen.append(f"s{i}")
            yield doc(f"s{i}", t)

    it = stage.process(source())
    assert next(it).id == "s0" and seen == ["s0"]
    stage.close()


# -- property: nothing is lost --------------------------------------------------------------

_PARAS = [p for t in SEED_TEXTS for p in t.split("\n\n") if len(p.split()) > 8][:24]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.integers(0, len(_PARAS) - 1), min_size=0, max_size=6), min_size=1, max_size=25),
       st.sampled_from([0.5, 0.8, 0.95]))
def test_never_drops_without_a_record(parts: list[list[int]], threshold: float) -> None:
    docs = [doc(f"d{i}", "\n\n".join(_PARAS[j] for j in p)) for i, p in enumerate(parts)]
    kept, sink, _ = run_stage(docs, threshold=threshold)
    kept_ids = [d.id for d in kept]
    dropped = {r["id"] for r in sink.duplicates}
    assert len(docs) == len(kept) + len(sink.duplicates)
    assert dropped.isdisjoint(kept_ids)
    assert kept_ids == [d.id for d in docs if d.id not in dropped]  # input order
    for r in sink.duplicates:
        assert r["duplicate_of"] in kept_ids  # the named survivor is in the output
        assert 0.0 <= r["similarity"] <= 1.0
    by_id = {d.id: d for d in docs}
    floor = min(0.5, threshold - 0.2)  # at the default 0.8: never below half shared
    for r in sink.duplicates:
        a, b = shingle_set(by_id[r["id"]].text), shingle_set(by_id[r["duplicate_of"]].text)
        assert jaccard(a, b) >= floor
