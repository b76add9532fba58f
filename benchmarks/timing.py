"""Timing helper shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def best(fn: Callable[[], object], rounds: int) -> float:
    """The smallest CPU time of ``rounds`` calls of ``fn`` (CPU, so a loaded machine skews it less)."""
    b = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        b = min(b, time.process_time() - t)
    return b
