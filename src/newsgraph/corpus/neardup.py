"""Near-duplicates: syndicated wire copies (the same story lightly edited) found by MinHash.

A text becomes the set of its word 5-grams (lower-cased, numbers kept, so a changed toll makes a
different story), each hashed once with BLAKE2b to 32 bits; NUM_PERM multiply-add-shift hash
functions (``(a * x + b) >> 32`` over 64 bits, a odd) permute those, and the signature keeps each
function's minimum. Two signatures agree at a position with probability equal to the texts'
Jaccard similarity. For lookups the signature is cut into BANDS bands of ROWS values; texts that
share a band's hash are candidates, kept when their estimated similarity reaches THRESHOLD.

Texts shorter than MIN_SHINGLES 5-grams get no signature: short items (headlines, briefs,
templated bulletins) differ in too few words to tell a copy from a new report.
"""

from __future__ import annotations

import hashlib
import re
import struct

import numpy as np

SHINGLE = 5
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS  # 4: candidates from a Jaccard of about (1/32)**(1/4) = 0.42
THRESHOLD = 0.7  # estimated Jaccard of 5-grams at which a text is a copy of another
MIN_SHINGLES = 40
SEED = 20240531

_WORD = re.compile(r"[^\W_]+")
_MASK32 = np.uint64(0xFFFFFFFF)


def _parameters() -> tuple[np.ndarray, np.ndarray]:
    """The hash functions' (a, b): fixed, so signatures stay comparable across runs."""
    rng = np.random.default_rng(SEED)
    a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)
    b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
    return a, b


_A, _B = _parameters()


def shingles(text: str) -> set[bytes]:
    """The text's word 5-grams, lower-cased."""
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE]).encode("utf-8")
            for i in range(max(0, len(words) - SHINGLE + 1))}


def signature(text: str) -> list[int] | None:
    """The MinHash signature of the text (NUM_PERM 32-bit values), or None when it is short."""
    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    hashed = np.fromiter((struct.unpack("<I", hashlib.blake2b(g, digest_size=4).digest())[0]
                          for g in grams), dtype=np.uint64, count=len(grams))
    with np.errstate(over="ignore"):  # the products wrap around 2**64 on purpose
        permuted = (_A[:, None] * hashed[None, :] + _B[:, None]) >> np.uint64(32)
    return (permuted & _MASK32).min(axis=1).astype(np.uint32).tolist()


def band_keys(sig: list[int]) -> list[int]:
    """One 63-bit key per band (the band's number is hashed in, so keys of different bands never
    collide)."""
    keys = []
    for band in range(BANDS):
        chunk = struct.pack(f"<H{ROWS}I", band, *sig[band * ROWS:(band + 1) * ROWS])
        keys.append(int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little") >> 1)
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of two texts from their signatures."""
    return sum(x == y for x, y in zip(a, b)) / NUM_PERM


def clusters_in_order(signatures: list[tuple[str, list[int] | None]]) -> dict[str, str]:
    """The cluster of each text, taken in the order given, as the store assigns them at ingest:
    that of the most similar earlier text whose estimated similarity reaches THRESHOLD (on a
    tie, the smallest id), else the text's own id. In memory: for a finished Spark output."""
    by_key: dict[int, list[str]] = {}
    seen: dict[str, tuple[list[int], str]] = {}
    out: dict[str, str] = {}
    for aid, sig in signatures:
        best, best_sim = aid, 0.0
        if sig:
            keys = band_keys(sig)
            for other in sorted({o for k in keys for o in by_key.get(k, ())} - {aid}):
                other_sig, cluster = seen[other]
                sim = similarity(sig, other_sig)
                if sim >= THRESHOLD and sim > best_sim:
                    best, best_sim = cluster, sim
            for k in keys:
                by_key.setdefault(k, []).append(aid)
            seen[aid] = (sig, best)
        out.setdefault(aid, best)
    return out


class BandIndex:
    """Band key -> article, held in memory for the length of an ingest, so that a batch's lookup
    costs a binary search instead of a join against every stored band.

    The keys sit in one sorted array (with the article each came from, as a number) plus a short
    unsorted tail merged in now and then; about 12 bytes per band, 400 bytes per article (40 MB
    at 100,000 articles). Articles are numbered in ``ids``; ``clusters`` holds each one's
    cluster id."""

    MERGE_AT = 1 << 16  # tail size (band keys) at which it is sorted into the main array

    def __init__(self, ids: list[str] | None = None, clusters: list[str] | None = None,
                 keys: np.ndarray | None = None, owners: np.ndarray | None = None):
        self.ids: list[str] = list(ids or [])
        self.clusters: list[str] = list(clusters or self.ids)
        self.number: dict[str, int] = {aid: n for n, aid in enumerate(self.ids)}
        keys = np.empty(0, np.int64) if keys is None else np.asarray(keys, np.int64)
        owners = np.empty(0, np.int32) if owners is None else np.asarray(owners, np.int32)
        order = np.argsort(keys, kind="stable")
        self._keys, self._owners = keys[order], owners[order]
        self._tail: dict[int, list[int]] = {}  # recent keys, not yet in the sorted array
        self._tail_size = 0

    def __len__(self) -> int:
        return len(self._keys) + self._tail_size

    def add(self, article_id: str, cluster: str, keys: list[int]) -> None:
        """Index a stored article's band keys."""
        n = self.number.get(article_id)
        if n is None:
            n = self.number[article_id] = len(self.ids)
            self.ids.append(article_id)
            self.clusters.append(cluster)
        else:
            self.clusters[n] = cluster
        for k in keys:
            self._tail.setdefault(k, []).append(n)
        self._tail_size += len(keys)
        if self._tail_size >= self.MERGE_AT:
            self._merge()

    def _merge(self) -> None:
        tail_keys = [k for k, owners in self._tail.items() for _ in owners]
        tail_owners = [o for owners in self._tail.values() for o in owners]
        keys = np.concatenate([self._keys, np.array(tail_keys, np.int64)])
        owners = np.concatenate([self._owners, np.array(tail_owners, np.int32)])
        order = np.argsort(keys, kind="stable")
        self._keys, self._owners = keys[order], owners[order]
        self._tail, self._tail_size = {}, 0

    def candidates(self, keys: list[int]) -> set[str]:
        """Ids of the indexed articles that share at least one band key with ``keys``."""
        found: set[int] = set()
        if len(self._keys):
            wanted = np.asarray(keys, np.int64)
            lo = np.searchsorted(self._keys, wanted, side="left")
            hi = np.searchsorted(self._keys, wanted, side="right")
            for a, b in zip(lo.tolist(), hi.tolist()):
                if b > a:
                    found.update(self._owners[a:b].tolist())
        for k in keys:
            found.update(self._tail.get(k, ()))
        return {self.ids[n] for n in found}
