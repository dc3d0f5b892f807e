"""Near-duplicate search: character shingles, MinHash and LSH.

Chinese needs no word segmenter here. A text's shingles are the distinct
characters and overlapping character bigrams of its compact form
(:mod:`moderation.normalize`: folded, without spaces or punctuation), after
dropping a short list of function characters (的了吗呢请问什么怎么 …) that every
question shares. Single characters make paraphrases meet (小区路灯坏了好久 /
我们小区的路灯坏了很久), bigrams keep word order in play. Similarity is the
Jaccard index of two shingle sets, estimated by MinHash: each shingle is
hashed to 32 bits (multiply-shift), then ``NUM_PERM`` random affine
permutations of 32-bit words (odd multiplier, wrapping arithmetic) are applied
to all shingles at once with numpy; the signature is each permutation's
minimum, and the fraction of equal positions estimates the Jaccard index
(standard error ``sqrt(J(1-J)/64)``, 0.06 at J = 0.5; on 650 pairs of real
titles the mean absolute error was 0.025, with no bias).

Measured on hand-made pairs: re-wordings of one question score 0.5–0.7,
unrelated questions 0.2–0.3; two questions that differ in one word that
matters (地铁3号线 / 地铁5号线) also score high. The default threshold is
:data:`DEFAULT_THRESHOLD`; a duplicate flag is a suggestion for the moderator.

:class:`DuplicateIndex` keeps one signature per item. Up to
``brute_force_limit`` items (default 5,000) a query compares against every
signature (one vectorised comparison: a few hundred live questions cost
microseconds, 5,000 well under a millisecond). Above it,
locality-sensitive hashing: the signature is cut into ``BANDS`` bands of
``ROWS`` values and only items sharing a whole band are compared. With 16
bands of 4 rows an item is a candidate with probability 0.99 at J = 0.7,
0.89 at J = 0.6, 0.79 at J = 0.55, 0.49 at J = 0.45, and 0.03 at J = 0.2
(unrelated posts), so 100,000 board posts are searched in about the time of
a few thousand, at the price of missing some looser re-wordings.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from moderation.normalize import compact_key

NUM_PERM = 64
ROWS = 4
BANDS = NUM_PERM // ROWS
DEFAULT_THRESHOLD = 0.45
"""Default similarity above which a question is suggested as a duplicate."""
MIN_SHINGLES = 7
"""Texts with fewer shingles (four characters besides stop characters) are never compared."""
STOP_CHARACTERS = "的了吗呢吧啊呀请问什么怎么是在有我们你他她它这那个和与及就都也还"
"""Function characters left out of the shingles."""
_STOP = re.compile(f"[{STOP_CHARACTERS}]")

_rng = np.random.default_rng(20191120)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_A = _rng.integers(1, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
_B = _rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32)
_SHIFT21 = np.uint64(21)
_SHIFT32 = np.uint64(32)

Signature = npt.NDArray[np.uint32]


def shingles(text: str) -> npt.NDArray[np.uint64]:
    """The (distinct) characters and character bigrams of ``compact_key(text)``
    without :data:`STOP_CHARACTERS`, as integers (a code point, or two 21-bit
    code points side by side)."""
    return np.unique(compact_shingles(compact_key(text)))


def compact_shingles(key: str) -> npt.NDArray[np.uint64]:
    """:func:`shingles` of a text already in compact form, not deduplicated
    (MinHash does not need it; the minimum is the same)."""
    key = _STOP.sub("", key)
    codes = np.frombuffer(key.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < 2:
        return codes
    return np.concatenate((codes, (codes[:-1] << _SHIFT21) | codes[1:]))


def signature(grams: npt.NDArray[np.uint64]) -> Signature:
    """The MinHash signature (``NUM_PERM`` 32-bit minima) of a shingle set
    (all ones for an empty set)."""
    if len(grams) == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    mixed = ((grams * _MIX) >> _SHIFT32).astype(np.uint32)
    hashed = np.multiply.outer(_A, mixed)  # NUM_PERM rows: each row's minimum is contiguous
    hashed += _B[:, None]
    minima: Signature = hashed.min(axis=1)
    return minima


def jaccard(a: str, b: str) -> float:
    """The exact Jaccard index of the shingle sets of two texts (0 when either is empty)."""
    sa, sb = set(compact_shingles(compact_key(a)).tolist()), set(compact_shingles(compact_key(b)).tolist())
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


class DuplicateIndex:
    """Signatures of live questions or board posts, by id, searchable by similarity.

    Storage is a few numpy arrays (no Python object per item): the signatures,
    one 64-bit hash per LSH band and item, and per band the sorted hashes with
    their rows, rebuilt when enough items were added since the last sort (the
    newer ones are compared directly). Removal marks a row dead; dead rows are
    dropped when they become a third of all rows. About 650 bytes per item.
    """

    def __init__(self, *, brute_force_limit: int = 5000) -> None:
        self.brute_force_limit = brute_force_limit
        self._sigs: Signature = np.zeros((64, NUM_PERM), dtype=np.uint32)
        self._band_hashes: npt.NDArray[np.uint64] = np.zeros((64, BANDS), dtype=np.uint64)
        self._row_ids: list[int | None] = []  # row -> id, None when removed
        self._rows: dict[int, int] = {}  # id -> row
        self._sorted: list[tuple[npt.NDArray[np.uint64], npt.NDArray[np.intp]]] = []
        self._sorted_upto = 0  # rows below this are in ``_sorted``

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._rows

    def add(self, item_id: int, text: str) -> None:
        """Index ``text`` under ``item_id`` (replacing an earlier text of that id).
        Texts too short to compare (under ``MIN_SHINGLES`` shingles) are not indexed."""
        self.add_signature(item_id, self.signature_of(text))

    @staticmethod
    def signature_of(text: str) -> Signature | None:
        """The signature :meth:`add` would store, or ``None`` for a text too short."""
        grams = compact_shingles(compact_key(text))
        return signature(grams) if len(grams) >= MIN_SHINGLES else None

    def add_signature(self, item_id: int, sig: Signature | None) -> None:
        """:meth:`add` with a precomputed signature (``None``: just remove the id)."""
        self.remove(item_id)
        if sig is None:
            return
        row = len(self._row_ids)
        if row == len(self._sigs):
            self._sigs = np.concatenate((self._sigs, np.zeros_like(self._sigs)))
            self._band_hashes = np.concatenate((self._band_hashes, np.zeros_like(self._band_hashes)))
        self._sigs[row] = sig
        self._band_hashes[row] = _band_hashes(sig)
        self._row_ids.append(item_id)
        self._rows[item_id] = row

    def remove(self, item_id: int) -> None:
        """Forget ``item_id`` (no error when it is not indexed)."""
        row = self._rows.pop(item_id, None)
        if row is None:
            return
        self._row_ids[row] = None
        if len(self._row_ids) > 64 and len(self._rows) < 2 * len(self._row_ids) // 3:
            self._compact()

    def _compact(self) -> None:
        alive = [row for row, item in enumerate(self._row_ids) if item is not None]
        count = max(64, 2 * len(alive))
        sigs = np.zeros((count, NUM_PERM), dtype=np.uint32)
        bands = np.zeros((count, BANDS), dtype=np.uint64)
        sigs[: len(alive)] = self._sigs[alive]
        bands[: len(alive)] = self._band_hashes[alive]
        self._sigs, self._band_hashes = sigs, bands
        self._row_ids = [self._row_ids[row] for row in alive]
        self._rows = {item: row for row, item in enumerate(self._row_ids) if item is not None}
        self._sorted, self._sorted_upto = [], 0

    def query(
        self, text: str, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 3
    ) -> list[tuple[int, float]]:
        """Up to ``limit`` ``(item_id, score)`` pairs with estimated similarity
        ``score >= threshold``, most similar first (ties: lower id first)."""
        if not self._rows:
            return []
        sig = self.signature_of(text)
        if sig is None:
            return []
        return self.query_signature(sig, threshold=threshold, limit=limit)

    def query_signature(
        self, sig: Signature, *, threshold: float = DEFAULT_THRESHOLD, limit: int = 3
    ) -> list[tuple[int, float]]:
        """:meth:`query` for a precomputed signature."""
        count = len(self._row_ids)
        if not self._rows:
            return []
        if len(self._rows) <= self.brute_force_limit:
            equal = np.count_nonzero(self._sigs[:count] == sig, axis=1)
            good = np.flatnonzero(equal >= threshold * NUM_PERM).tolist()
            rows: list[int] = good
        else:
            candidates = self._candidates(sig)
            equal = np.count_nonzero(self._sigs[candidates] == sig, axis=1)
            good = np.flatnonzero(equal >= threshold * NUM_PERM).tolist()
            rows = candidates[good].tolist()
        hits: list[tuple[int, float]] = []
        for index, row in zip(good, rows, strict=True):
            item = self._row_ids[row]
            if item is not None:
                hits.append((item, int(equal[index]) / NUM_PERM))
        hits.sort(key=lambda h: (-h[1], h[0]))
        return [(i, round(s, 3)) for i, s in hits[:limit]]

    def _candidates(self, sig: Signature) -> npt.NDArray[np.intp]:
        """Rows sharing at least one whole band with ``sig`` (LSH)."""
        count = len(self._row_ids)
        if count - self._sorted_upto > max(1024, count // 16):
            self._sorted = []
            for band in range(BANDS):
                column = self._band_hashes[:count, band]
                order = np.argsort(column, kind="stable")
                self._sorted.append((column[order], order))
            self._sorted_upto = count
        wanted = _band_hashes(sig)
        found: list[npt.NDArray[np.intp]] = []
        for band, (values, order) in enumerate(self._sorted):
            lo = int(np.searchsorted(values, wanted[band], side="left"))
            hi = int(np.searchsorted(values, wanted[band], side="right"))
            if hi > lo:
                found.append(order[lo:hi])
        newer = self._band_hashes[self._sorted_upto : count]
        if len(newer):
            found.append(np.flatnonzero((newer == wanted).any(axis=1)) + self._sorted_upto)
        if not found:
            return np.zeros(0, dtype=np.intp)
        return np.unique(np.concatenate(found))


_BAND_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F], dtype=np.uint64)


def _band_hashes(sig: Signature) -> npt.NDArray[np.uint64]:
    """One 64-bit hash per band of ``ROWS`` signature values."""
    pairs = np.ascontiguousarray(sig[: BANDS * ROWS]).view(np.uint64).reshape(BANDS, ROWS // 2)
    mixed: npt.NDArray[np.uint64] = (pairs * _BAND_MIX[: ROWS // 2]).sum(axis=1, dtype=np.uint64)
    return mixed
