"""Choosing LSH bands and rows from the similarity threshold: the S-curve.

With a signature of ``b * r`` MinHash values cut into ``b`` bands of ``r`` rows, two
documents of Jaccard similarity ``s`` share at least one band bucket (become a
*candidate pair*) with probability

    P(s) = 1 - (1 - s**r) ** b

an S-shaped curve in ``s``. Recall at the threshold is ``P(threshold)``; false
candidates (pairs well below the threshold) cost one verification each, and every
band costs one index row per document. We take, for the given ``num_perm``, the
**largest** ``r`` (so the fewest bands and the steepest curve) whose
``b = num_perm // r`` still gives ``P(threshold) >= target_recall`` (default 0.99).

threshold 0.8, num_perm 128 (the defaults) → b = 21, r = 6 (126 values banded):

    s      0.3     0.5     0.6     0.7     0.75    0.8     0.85    0.9
    P(s)   0.015   0.282   0.633   0.928   0.984   0.998   1.000   1.000

For comparison, ``datasketch.MinHashLSH(threshold=0.8)`` picks b = 9, r = 13 (P(0.8) =
0.40) and ``MinHashLSH(threshold=0.7)`` picks b = 14, r = 9 (P(0.7) = 0.44): its optimiser
weighs false positives and false negatives equally over the whole curve, which is
the wrong trade when candidates are verified anyway.

Verification then compares the two signatures: the estimate of Jaccard ``J`` from
``k`` MinHash values has standard deviation ``sqrt(J (1 - J) / k)`` (0.035 at J = 0.8,
k = 128), so requiring "estimate >= threshold" would lose half the pairs sitting at
the threshold. A candidate is accepted when its estimate is at least
:func:`verify_cutoff` = ``threshold - z * sqrt(threshold (1 - threshold) / k)`` (z = 2:
0.729 for the defaults). A pair at the threshold passes with probability ~0.977; a
pair at J = 0.6 with ~0.002, at J = 0.5 with ~1e-7.
"""

from __future__ import annotations

import math

DEFAULT_TARGET_RECALL = 0.99
DEFAULT_Z = 2.0


def s_curve(s: float, bands: int, rows: int) -> float:
    """Probability that a pair of Jaccard similarity ``s`` becomes an LSH candidate."""
    return 1.0 - (1.0 - s**rows) ** bands


def choose_bands_rows(
    threshold: float, num_perm: int, target_recall: float = DEFAULT_TARGET_RECALL
) -> tuple[int, int]:
    """The ``(bands, rows)`` with the largest ``rows`` such that ``P(threshold) >= target_recall``.

    ``bands * rows <= num_perm``; at least two bands. Raises :class:`ValueError` when
    even ``rows = 1`` cannot reach the target (a tiny ``num_perm`` or ``threshold``).
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    for rows in range(num_perm // 2, 0, -1):
        bands = num_perm // rows
        if bands >= 2 and s_curve(threshold, bands, rows) >= target_recall:
            return bands, rows
    raise ValueError(
        f"no bands/rows with num_perm={num_perm} reach recall {target_recall} at threshold {threshold}"
    )


def verify_cutoff(threshold: float, num_perm: int, z: float = DEFAULT_Z) -> float:
    """The estimated-Jaccard cut-off that accepts pairs at ``threshold`` with probability Φ(z)."""
    return max(0.0, threshold - z * math.sqrt(threshold * (1.0 - threshold) / num_perm))


def s_curve_table(
    bands: int, rows: int, points: tuple[float, ...] = (0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9)
) -> str:
    """A two-line text table of the S-curve at ``points`` (for docs and benchmarks)."""
    head = "s     " + " ".join(f"{p:7.2f}" for p in points)
    vals = "P(s)  " + " ".join(f"{s_curve(p, bands, rows):7.3f}" for p in points)
    return f"{head}\n{vals}"
