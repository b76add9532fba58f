"""MinHash signatures computed in bulk with numpy, compatible with datasketch.

The permutations are datasketch 2.x's ``"affine32"`` scheme (``MinHash(num_perm,
seed).permutations``): the 32-bit input hash is pre-mixed with the MurmurHash3 32-bit
finaliser, then ``a_k * h + b_k mod 2**32`` for each of the ``num_perm`` permutations,
and the signature is the row-wise minimum of that ``num_perm × shingles`` table. A few
numpy calls per document replace one ``MinHash.update`` call per shingle. The result equals
``datasketch.MinHash(num_perm, seed, hashfunc=identity).update_batch(shingles)``
bit for bit, so a signature can be wrapped as a :class:`datasketch.LeanMinHash`.

Stored signatures keep only the low 16 bits of each value (b-bit MinHash, b = 16):
two values agree by chance with probability 2**-16, which :func:`estimate_jaccard`
corrects for. That halves the index size at no visible cost in accuracy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import xxhash

if TYPE_CHECKING:
    import datasketch

_U32 = np.uint32
_S13, _S16 = _U32(13), _U32(16)
_FMIX32_1, _FMIX32_2 = _U32(0x85EBCA6B), _U32(0xC2B2AE35)
#: Shingles per block of the table, and the multiple its width is padded to (see
#: :meth:`Signer.signature`).
_BLOCK_COLS = 512
_PAD_COLS = 64
_B16_CHANCE = 1.0 / 65536.0
_xxh3_64_intdigest = xxhash.xxh3_64_intdigest


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser, element-wise (same as datasketch's pre-mix)."""
    h = h ^ (h >> _S16)
    h *= _FMIX32_1
    h ^= h >> _S13
    h *= _FMIX32_2
    h ^= h >> _S16
    return h


def affine32_permutations(num_perm: int, seed: int) -> np.ndarray:
    """``MinHash(num_perm, seed, scheme="affine32").permutations`` of datasketch 2.x, computed
    the same way (odd ``a``, any ``b``, from ``RandomState(seed)``) without importing
    datasketch, which pulls in scipy (~1.5 s at every start)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


class Signer:
    """Computes ``num_perm``-value MinHash signatures of arrays of 32-bit shingle hashes."""

    def __init__(self, num_perm: int = 128, seed: int = 1) -> None:
        if num_perm < 2:
            raise ValueError(f"num_perm must be at least 2, got {num_perm}")
        self.num_perm = num_perm
        self.seed = seed
        perms = affine32_permutations(num_perm, seed)
        self._a = perms[0]
        self._b = perms[1]
        self._permutations = perms
        self._blocks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _block(self, width: int) -> tuple[np.ndarray, np.ndarray]:
        """``a`` and ``b`` repeated along rows of ``width`` (cached per width).

        numpy 2 copies a broadcast (stride 0) or non-contiguous operand of an
        arithmetic ufunc through a buffer, which costs more than the arithmetic: every
        operand of the table arithmetic is a contiguous array of the table's shape.
        """
        block = self._blocks.get(width)
        if block is None:
            block = self._blocks[width] = (
                np.repeat(self._a, width).reshape(self.num_perm, width),
                np.repeat(self._b, width).reshape(self.num_perm, width),
            )
        return block

    def signature(self, shingles: np.ndarray) -> np.ndarray:
        """The uint32 signature of a set of shingle hashes (all 0xFFFFFFFF when empty).

        Blocks of up to ``_BLOCK_COLS`` shingles: the ``num_perm × width`` table holds
        each shingle's pre-mixed hash in its column, then ``table *= a``, ``table += b``
        (uint32 arithmetic wraps: mod 2**32) and the minimum along each row. The last
        block is padded to a multiple of ``_PAD_COLS`` columns with copies of its last
        shingle, which cannot change a minimum.
        """
        n = len(shingles)
        if n == 0:
            return np.full(self.num_perm, 0xFFFFFFFF, dtype=np.uint32)
        mixed = fmix32(shingles)
        padded = -(-n // _PAD_COLS) * _PAD_COLS
        if padded != n:
            mixed = np.concatenate((mixed, np.full(padded - n, mixed[-1], dtype=np.uint32)))
        sig: np.ndarray | None = None
        for start in range(0, padded, _BLOCK_COLS):
            part = mixed[start : start + _BLOCK_COLS]
            a, b = self._block(len(part))
            table = np.empty(a.shape, dtype=np.uint32)
            np.copyto(table, part)
            np.multiply(table, a, out=table)
            np.add(table, b, out=table)
            low = np.minimum.reduce(table, axis=1)
            sig = low if sig is None else np.minimum(sig, low, out=sig)
        assert sig is not None  # n > 0: at least one block
        return sig

    def to_minhash(self, signature: np.ndarray) -> datasketch.LeanMinHash:
        """Wrap a signature as a datasketch :class:`LeanMinHash` (for interop and tests)."""
        from datasketch import LeanMinHash, MinHash

        m = MinHash(
            seed=self.seed, hashvalues=signature, permutations=self._permutations, scheme="affine32"
        )
        return LeanMinHash(m)


def compact(signature: np.ndarray) -> bytes:
    """The stored form of a signature: the low 16 bits of each value, little-endian."""
    return signature.astype("<u2").tobytes()  # (the cast keeps the low 16 bits)


def estimate_jaccard(a16: np.ndarray, b16: np.ndarray) -> float:
    """Jaccard estimate from two 16-bit (b-bit) signatures, corrected for chance matches."""
    agree = float(np.count_nonzero(a16 == b16)) / len(a16)
    return max(0.0, (agree - _B16_CHANCE) / (1.0 - _B16_CHANCE))


def from_compact(blob: bytes) -> np.ndarray:
    """The uint16 array stored by :func:`compact`."""
    return np.frombuffer(blob, dtype="<u2")


def band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """The unsigned form of :func:`band_buckets` (``key mod 2**64``): one xxh3-64 per band."""
    raw = signature[: bands * rows].astype("<u4").tobytes()
    width = rows * 4
    return list(map(_xxh3_64_intdigest, [raw[i : i + width] for i in range(0, bands * width, width)],
                    range(bands)))


def band_buckets(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """One signed 64-bit bucket hash per band: xxh3-64 of the band's values, seeded by band number.

    Seeding by band number keeps equal values in different bands apart, so all bands
    share one bucket table. Signed so SQLite stores them as plain ``INTEGER``.
    """
    return [h - (1 << 64) if h >= 1 << 63 else h for h in band_keys(signature, bands, rows)]
