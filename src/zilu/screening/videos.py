"""Video signals: vPDQ, the PDQ hashes of a video's frames (one a second), matched frame by frame.

A video is the set of its distinct frame hashes. It matches a bank entry when at least ``min_share`` (80 %) of them
are within the bank's threshold of one of the entry's frames, the query-side percentage of vPDQ's own matcher.
:class:`VideoSignal` uses one :class:`~zilu.screening.images.PdqIndex` over every entry's frames; its
``reference_match`` compares every pair in plain Python. Hashing a video (:func:`hash_video`) needs the ``vpdq``
bindings (the ``video`` extra), which build against FFmpeg's libraries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from zilu.screening.images import DEFAULT_THRESHOLD, PDQ_BITS, ImageMatch, PdqIndex, _sorted, hamming

__all__ = ["VIDEO_LABEL", "VideoEntry", "VideoSignal", "hash_video"]

VIDEO_LABEL = "video.harmful"


@dataclass(frozen=True, slots=True)
class VideoEntry:
    """A bank entry of the video bank: its id, the distinct PDQ hashes of its frames (vPDQ), label, severity."""

    id: str
    frames: tuple[str, ...]
    label: str = VIDEO_LABEL
    severity: int = 3


@dataclass
class VideoSignal:
    """vPDQ video matching (see the module docstring): ``match`` with the index, ``reference_match`` by brute
    force; ``ImageMatch.score`` is the share of the query's frames that matched, ``distance`` the largest of their
    nearest distances."""

    kind: ClassVar[str] = "video"

    entries: Sequence[VideoEntry] = ()
    threshold: int = DEFAULT_THRESHOLD
    min_share: float = 0.8
    _rows: list[int] = field(init=False, default_factory=list)
    _index: PdqIndex = field(init=False)

    def __post_init__(self) -> None:
        self.entries = tuple(self.entries)
        hashes: list[str] = []
        for number, entry in enumerate(self.entries):
            hashes.extend(entry.frames)
            self._rows.extend([number] * len(entry.frames))
        self._index = PdqIndex(hashes)

    def match(self, frames: Sequence[str]) -> list[ImageMatch]:
        frames = list(dict.fromkeys(frames))
        if not frames:
            return []
        per_entry: dict[int, dict[int, int]] = {}  # entry -> {query frame: nearest distance}
        for row, (distance, q) in self._index.query(frames, self.threshold).items():
            seen = per_entry.setdefault(self._rows[row], {})
            seen[q] = min(distance, seen.get(q, distance))
        return self._verdicts(per_entry, len(frames))

    def reference_match(self, frames: Sequence[str]) -> list[ImageMatch]:
        frames = list(dict.fromkeys(frames))
        if not frames:
            return []
        per_entry: dict[int, dict[int, int]] = {}
        for number, entry in enumerate(self.entries):
            for q, frame in enumerate(frames):
                nearest = min((hamming(frame, h) for h in entry.frames), default=PDQ_BITS)
                if nearest <= self.threshold:
                    per_entry.setdefault(number, {})[q] = nearest
        return self._verdicts(per_entry, len(frames))

    def _verdicts(self, per_entry: Mapping[int, Mapping[int, int]], total: int) -> list[ImageMatch]:
        out = []
        for number, seen in per_entry.items():
            share = len(seen) / total
            if share >= self.min_share:
                out.append(ImageMatch(self.entries[number], max(seen.values()), "original", share))
        return _sorted(out)


def hash_video(path: str, *, seconds_per_hash: float = 1.0) -> list[tuple[str, int]]:
    """``(PDQ hex, quality)`` of the video's frames, one a ``seconds_per_hash``, with the ``vpdq`` bindings (which
    need FFmpeg); ImportError when they are not installed."""
    import vpdq  # type: ignore[import-not-found,unused-ignore]

    features = vpdq.computeHash(input_video_filename=path, seconds_per_hash=seconds_per_hash)
    return [(str(f.hex), int(f.quality)) for f in features]
