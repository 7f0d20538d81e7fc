"""Image and video signals (先审后发 for pictures): PDQ perceptual hashes, matched within a Hamming distance.

The signal-type design of the detectors (python-threatexchange's ``SignalType``): one class per kind,
:class:`ImageSignal` (PDQ, ``kind = "image"``) here and ``VideoSignal`` (vPDQ frame hashes, ``kind = "video"``) in
:mod:`zilu.screening.videos`, each with a fast index and a slow, obviously correct ``reference_match`` beside it, so
tests compare the two on the same inputs.

* **Hashing** uses Meta's PDQ through the ``pdqhash`` bindings, the same C++ code that python-threatexchange's
  ``PdqSignal`` calls; the hex form is threatexchange's (the 256 bits, most significant first, 64 lower-case hex
  digits), so hashes exchanged with Hasher-Matcher-Actioner installations compare directly. A hash comes with its
  quality (0-100); below :data:`MIN_QUALITY` (threatexchange's ``QUALITY_THRESHOLD``) an image is too flat to match
  reliably, and the platform refuses such a bank entry; queries of any quality are matched (a darkened copy of a
  banked image has a lower quality than the original).
* **Matching**: an entry matches when the Hamming distance is at most the bank's threshold (:data:`DEFAULT_THRESHOLD`,
  31, PDQ's documented value). With ``dihedral`` on (the default), the query image is hashed in its 8 dihedral
  variants (mirrored, rotated by 90°, 180°, 270°) at the cost of one hash, and the nearest variant counts, so a
  mirrored or rotated copy is found too.
* **Index**: :class:`PdqIndex` answers a lookup against a million hashes in milliseconds (about 5 ms a hash on one
  core) with faiss's flat binary index, which compares the 32 bytes of every hash with popcount, exact, built in a
  quarter of a second; faiss's binary multi-hash index (exact within the radius: 256 bits in 16 substrings, and a
  hash within 31 bits differs in at most one bit on at least one substring) was no faster and is kept as an option;
  a numpy popcount scan serves when faiss is missing. ``benchmarks/images.py`` measures them against brute force.
* **Decoding** is bounded like the file screener's archives (:class:`ImageLimits`): a size limit on the bytes, the
  format taken from the content (never the name), and a limit on the pixel count read from the header *before* the
  pixels are decoded, so a decompression bomb (a small PNG of 100,000 × 100,000 pixels) is refused without memory
  exhaustion.

Like the rest of the engine this module imports nothing from Django or the platform.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import numpy as np

from zilu.screening.errors import ScreeningError

if TYPE_CHECKING:
    from zilu.screening.videos import VideoEntry, VideoSignal

__all__ = [
    "DEFAULT_THRESHOLD",
    "DIHEDRAL",
    "MIN_QUALITY",
    "ImageEntry",
    "ImageError",
    "ImageHash",
    "ImageLimits",
    "ImageMatch",
    "ImageSignal",
    "PdqIndex",
    "check_pdq",
    "crop_hashes",
    "decode_image",
    "hamming",
    "hash_entry_image",
    "hash_image",
    "hash_pixels",
    "load_image_bank",
    "pdq_available",
]

PDQ_BITS = 256
HEX_DIGITS = PDQ_BITS // 4
DEFAULT_THRESHOLD = 31
MIN_QUALITY = 50
#: The 8 dihedral variants in the order ``pdqhash.compute_dihedral`` returns them.
DIHEDRAL = ("original", "rotate90", "rotate180", "rotate270", "flip_x", "flip_y", "flip_plus1", "flip_minus1")
IMAGE_LABEL = "image.harmful"
_HEX = frozenset("0123456789abcdef")
# ``auto`` uses faiss's flat binary scan at every size: measured on one thread (benchmarks/images.py), it answers 8
# hashes in 1.4 ms at 100,000 hashes and 39 ms at 1,000,000, as fast as the multi-hash index (4.1 and 42 ms), which
# takes 16 s to build a million where the flat index takes 0.25 s. ``multihash`` stays available.
MULTIHASH_MIN: int | None = None


class ImageError(ScreeningError):
    """An input that cannot be hashed as an image: ``code`` is ``not_image``, ``format``, ``too_large``, ``bomb``
    or ``unreadable``; the message says why in English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ImageLimits:
    """What :func:`decode_image` accepts: at most ``max_bytes`` bytes, one of ``formats`` (Pillow's names, by
    content), at most ``max_pixels`` pixels (width × height, read from the header before decoding) and ``max_side``
    pixels a side."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 20_000
    formats: frozenset[str] = frozenset({"JPEG", "PNG", "GIF", "WEBP", "BMP"})


class ImageHash(NamedTuple):
    """An image's PDQ hash (64 hex digits), its quality (0-100), the 8 dihedral hashes (``DIHEDRAL`` order, the
    first equal to ``hash``), and what was decoded."""

    hash: str
    quality: int
    dihedral: tuple[str, ...]
    width: int
    height: int
    format: str

    def to_dict(self) -> dict[str, Any]:
        return {"pdq": self.hash, "quality": self.quality, "width": self.width, "height": self.height,
                "format": self.format}  # fmt: skip


@dataclass(frozen=True, slots=True)
class ImageEntry:
    """A bank entry of the image bank: its id, PDQ hash, label, severity (1-3), the quality of its hash, and the
    hashes of slight crops of the image when it was banked from the image itself (PDQ does not survive a crop: these
    catch a copy with up to 5 % cut off, on any sides)."""

    id: str
    hash: str
    label: str = IMAGE_LABEL
    severity: int = 3
    quality: int | None = None
    crops: tuple[str, ...] = ()  # hashes of slight crops of the banked image (:func:`crop_hashes`)


class ImageMatch(NamedTuple):
    """An entry found for an image (or video): the entry, the Hamming distance, and which dihedral variant of the
    query came nearest (``original`` unless the copy was mirrored or rotated; ``crop`` when one of the entry's crop
    hashes did); for a video, ``score`` is the share of
    the query's frames that matched the entry's frames."""

    entry: ImageEntry | VideoEntry
    distance: int
    variant: str = "original"
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        entry = self.entry
        out: dict[str, Any] = {"entry": entry.id, "label": entry.label, "severity": entry.severity,
                               "distance": self.distance, "variant": self.variant}  # fmt: skip
        if self.score is not None:
            out["score"] = round(self.score, 4)
        return out


# --------------------------------------------------------------------------- hashes


def check_pdq(value: str) -> str:
    """``value`` as a canonical PDQ hash (64 lower-case hex digits), or ValueError."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if text.startswith("pdq:"):
        text = text[4:]
    if len(text) != HEX_DIGITS or not set(text) <= _HEX:
        raise ValueError("a PDQ hash is 64 hexadecimal digits")
    return text


def hamming(a: str, b: str) -> int:
    """The Hamming distance of two PDQ hashes in hex."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _bits_to_hex(vector: Any) -> str:
    return bytes(np.packbits(np.asarray(vector, dtype=np.uint8))).hex()


def _packed(hashes: Sequence[str]) -> np.ndarray:
    """``(n, 32)`` uint8 array of the hashes' bytes (most significant bit first, as faiss's binary indexes read)."""
    if not hashes:
        return np.zeros((0, PDQ_BITS // 8), dtype=np.uint8)
    return np.frombuffer(bytes.fromhex("".join(hashes)), dtype=np.uint8).reshape(len(hashes), PDQ_BITS // 8)


def pdq_available() -> bool:
    """Whether the ``pdqhash`` bindings are installed (hashing needs them; matching given hashes does not)."""
    try:
        import pdqhash  # noqa: F401
    except ImportError:
        return False
    return True


def decode_image(data: bytes, limits: ImageLimits | None = None) -> Any:
    """The image in ``data`` as a Pillow RGB image, within ``limits``; :class:`ImageError` otherwise.

    The pixel count comes from the header before any pixel is decoded; Pillow's own bomb check is turned into an
    error as well, so nothing larger than the limit is ever allocated.
    """
    return _decode(data, limits)[0]


def _decode(data: bytes, limits: ImageLimits | None) -> tuple[Any, str]:
    from PIL import Image, UnidentifiedImageError

    limits = limits or ImageLimits()
    if len(data) > limits.max_bytes:
        raise ImageError("too_large", f"the image has {len(data)} bytes, more than the limit of {limits.max_bytes}")
    if not data:
        raise ImageError("not_image", "empty input")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in limits.formats:
                raise ImageError("format", f"{image.format} images are not accepted")
            width, height = image.size
            if width < 1 or height < 1 or max(width, height) > limits.max_side or width * height > limits.max_pixels:
                raise ImageError(
                    "bomb", f"{width} × {height} pixels: more than the limit of {limits.max_pixels} pixels "
                    f"or {limits.max_side} a side (a decompression bomb, or too large)",
                )  # fmt: skip
            image.seek(0)  # the first frame of an animation
            rgb = image.convert("RGB")
            rgb.load()
    except ImageError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        code = "not_image" if isinstance(exc, UnidentifiedImageError) else "bomb"
        raise ImageError(code, "not an image" if code == "not_image" else str(exc)) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # truncated or damaged files
        raise ImageError("unreadable", f"cannot decode the image: {exc}") from None
    return rgb, str(image.format)


def hash_pixels(image: Any) -> tuple[tuple[str, ...], int]:
    """The 8 dihedral PDQ hashes of a decoded RGB image (``DIHEDRAL`` order) and the quality of the first."""
    import pdqhash

    array = np.ascontiguousarray(np.asarray(image, dtype=np.uint8))
    if array.ndim == 2:
        array = np.repeat(array[..., None], 3, axis=2)
    vectors, qualities = pdqhash.compute_dihedral(array)
    quality = qualities if isinstance(qualities, int) else qualities[0]  # one quality for all 8 (pdqhash 0.2)
    return tuple(_bits_to_hex(v) for v in vectors), int(quality)


def hash_image(data: bytes, limits: ImageLimits | None = None) -> ImageHash:
    """Decode ``data`` within ``limits`` and hash it (:class:`ImageHash`)."""
    image, fmt = _decode(data, limits)
    dihedral, quality = hash_pixels(image)
    return ImageHash(dihedral[0], quality, dihedral, image.width, image.height, fmt)


#: The crops :func:`crop_hashes` hashes: (share cut off each axis, where the cut starts), a grid of 5 × 5 positions for
#: 5 % and 3 × 3 for 2.5 %: a copy cropped by up to 5 % on any sides is within 1.25 % of one of them.
CROP_GRID = ((0.05, (0.0, 0.0125, 0.025, 0.0375, 0.05)), (0.025, (0.0, 0.0125, 0.025)))


def crop_hashes(image: Any) -> tuple[str, ...]:
    """The PDQ hashes of slight crops of a decoded image (:data:`CROP_GRID`, 34 crops), for a bank entry: a copy
    cropped by a few percent is far from the original's hash (PDQ is a global DCT hash; a 2.5 % cut on each side
    moves about 50 of its 256 bits) but near one of these."""
    import pdqhash

    width, height = image.size
    out: list[str] = []
    for total, starts in CROP_GRID:
        for left in starts:
            for top in starts:
                box = (round(width * left), round(height * top), width - round(width * (total - left)),
                       height - round(height * (total - top)))  # fmt: skip
                array = np.ascontiguousarray(np.asarray(image.crop(box), dtype=np.uint8))
                vector, _quality = pdqhash.compute(array)
                out.append(_bits_to_hex(vector))
    return tuple(dict.fromkeys(out))


def hash_entry_image(data: bytes, limits: ImageLimits | None = None) -> tuple[ImageHash, tuple[str, ...]]:
    """What a bank entry made from an image holds: its hash and the hashes of its slight crops."""
    image, fmt = _decode(data, limits)
    dihedral, quality = hash_pixels(image)
    return ImageHash(dihedral[0], quality, dihedral, image.width, image.height, fmt), crop_hashes(image)


# --------------------------------------------------------------------------- the index


class PdqIndex:
    """Hashes indexed for range queries: ``query(hashes, threshold)`` gives ``{row: nearest distance}`` of every
    indexed hash within ``threshold`` of any of ``hashes``.

    ``method``: ``auto`` (faiss's flat binary scan, or numpy without faiss; see :data:`MULTIHASH_MIN`),
    ``multihash``, ``flat`` or ``numpy``. Exact for thresholds up to 31 whatever the method (see the module docstring;
    a larger threshold falls back to the flat scan).
    """

    def __init__(self, hashes: Sequence[str], method: str = "auto") -> None:
        self.size = len(hashes)
        self.packed = _packed(hashes)
        self.method = method
        self._faiss: Any = None
        self._flat: Any = None
        if method == "auto":
            method = "numpy"
            if self.size:
                try:
                    import faiss

                    method = "multihash" if MULTIHASH_MIN is not None and self.size >= MULTIHASH_MIN else "flat"
                except ImportError:
                    pass
        if not self.size:
            method = "numpy"
        self.method = method
        if method in ("multihash", "flat"):
            import faiss

            # One thread: a lookup is a few milliseconds, and OpenMP's worker threads spin against the web server's
            # own threads (measured: a flat scan of 300k hashes took 4.7 ms on one thread, 116 ms on two busy cores).
            faiss.omp_set_num_threads(1)
            self._flat = faiss.IndexBinaryFlat(PDQ_BITS)
            self._flat.add(self.packed)
            if method == "multihash":
                self._faiss = faiss.IndexBinaryMultiHash(PDQ_BITS, 16, 16)
                self._faiss.nflip = 1
                self._faiss.add(self.packed)
        elif method != "numpy":
            raise ValueError(f"unknown index method {method!r}")
        self._words = self.packed.view(np.uint64) if method == "numpy" else None

    def __len__(self) -> int:
        return self.size

    def query(self, hashes: Sequence[str], threshold: int = DEFAULT_THRESHOLD) -> dict[int, tuple[int, int]]:
        """``{row: (distance, which query)}``: for every indexed hash within ``threshold`` of a query hash, the nearest
        query hash (its position in ``hashes``) and its distance."""
        found: dict[int, tuple[int, int]] = {}
        if not self.size or not hashes:
            return found
        queries = _packed(list(hashes))
        if self._flat is not None:
            index = self._faiss if self._faiss is not None and threshold <= 16 * 2 - 1 else self._flat
            limits, distances, labels = index.range_search(queries, threshold + 1)
            for q in range(len(hashes)):
                for row, distance in zip(labels[limits[q] : limits[q + 1]], distances[limits[q] : limits[q + 1]],
                                         strict=True):  # fmt: skip
                    key, value = int(row), (int(distance), q)
                    if key not in found or value < found[key]:
                        found[key] = value
            return found
        assert self._words is not None
        for q, words in enumerate(queries.view(np.uint64)):  # popcount ignores byte order
            distances = _popcount(self._words ^ words)
            for row in np.flatnonzero(distances <= threshold):
                key, value = int(row), (int(distances[row]), q)
                if key not in found or value < found[key]:
                    found[key] = value
        return found


_BYTE_BITS = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def _popcount(words: np.ndarray) -> np.ndarray:
    """Bits set in each row of a ``(n, 4)`` array of 64-bit words."""
    if hasattr(np, "bitwise_count"):  # numpy 2
        return np.bitwise_count(words).sum(axis=1, dtype=np.int32)
    return _BYTE_BITS[np.ascontiguousarray(words).view(np.uint8)].sum(axis=1, dtype=np.int32)  # numpy 1.26


# --------------------------------------------------------------------------- the signals


class ImageSignal:
    """PDQ image matching against a bank: ``match(image_hash)`` with the index, ``reference_match`` by brute force.

    ``threshold``: the largest Hamming distance counted as a match (the bank's setting, 31 by default);
    ``dihedral``: also match mirrored and rotated copies; ``min_quality``: queries below it are not matched (0 by
    default: the bank refuses entries below :data:`MIN_QUALITY`, which keeps flat images from matching each other,
    while a darkened copy of a banked image, whose quality drops, is still found).
    """

    kind: ClassVar[str] = "image"

    def __init__(
        self,
        entries: Iterable[ImageEntry] = (),
        *,
        threshold: int = DEFAULT_THRESHOLD,
        dihedral: bool = True,
        min_quality: int = 0,
        method: str = "auto",
    ) -> None:
        self.entries: tuple[ImageEntry, ...] = tuple(entries)
        self.threshold = int(threshold)
        self.dihedral = dihedral
        self.min_quality = min_quality
        self.index = PdqIndex([e.hash for e in self.entries], method=method)
        # The crops' hashes, each row pointing at its entry; queried with the image as it is (not its dihedral
        # variants: a mirrored *and* cropped copy is not looked for, which keeps false matches down).
        self._crop_owner = [n for n, e in enumerate(self.entries) for _ in e.crops]
        self.crop_index = PdqIndex([h for e in self.entries for h in e.crops], method=method)

    def __len__(self) -> int:
        return len(self.entries)

    def _queries(self, image: ImageHash) -> tuple[str, ...]:
        return image.dihedral if self.dihedral and image.dihedral else (image.hash,)

    def match(self, image: ImageHash) -> list[ImageMatch]:
        """The entries within the threshold of the image (or of one of its dihedral variants), nearest first."""
        if image.quality < self.min_quality:
            return []
        queries = self._queries(image)
        best: dict[int, tuple[int, str]] = {
            row: (distance, DIHEDRAL[q] if len(queries) > 1 else "original")
            for row, (distance, q) in self.index.query(queries, self.threshold).items()
        }
        for row, (distance, _q) in self.crop_index.query((image.hash,), self.threshold).items():
            owner = self._crop_owner[row]
            if owner not in best or distance < best[owner][0]:
                best[owner] = (distance, "crop")
        return _sorted(ImageMatch(self.entries[n], distance, variant) for n, (distance, variant) in best.items())

    def reference_match(self, image: ImageHash) -> list[ImageMatch]:
        """The same answer as :meth:`match`, by comparing every entry with every query hash in plain Python."""
        if image.quality < self.min_quality:
            return []
        queries = self._queries(image)
        out = []
        for entry in self.entries:
            best: tuple[int, int] | None = None
            for q, query in enumerate(queries):
                distance = hamming(entry.hash, query)
                if distance <= self.threshold and (best is None or (distance, q) < best):
                    best = (distance, q)
            variant = DIHEDRAL[best[1]] if best is not None and len(queries) > 1 else "original"
            for crop in entry.crops:
                distance = hamming(crop, image.hash)
                if distance <= self.threshold and (best is None or distance < best[0]):
                    best, variant = (distance, 0), "crop"
            if best is not None:
                out.append(ImageMatch(entry, best[0], variant))
        return _sorted(out)


def _sorted(matches: Iterable[ImageMatch]) -> list[ImageMatch]:
    return sorted(matches, key=lambda m: (m.distance, m.entry.id))


def load_image_bank(document: Mapping[str, Any]) -> ImageSignal | VideoSignal:
    """The signal for an ``images`` or ``videos`` bank document (``zilu banks pull`` writes ``images.json`` and
    ``videos.json``: ``{"format": "zilu-bank/1", "kind": "images", "threshold": 31, "entries": [{"id", "pdq",
    "quality", "label", "severity"}]}``, videos with ``frames`` instead of ``pdq``)."""
    kind, threshold = document.get("kind"), int(document.get("threshold", DEFAULT_THRESHOLD))
    entries = document.get("entries") or []
    if kind == "images":
        return ImageSignal(
            (ImageEntry(str(e["id"]), check_pdq(e["pdq"]), e.get("label") or IMAGE_LABEL, int(e.get("severity", 3)),
                        e.get("quality"), tuple(check_pdq(c) for c in e.get("crops") or ())) for e in entries),
            threshold=threshold,
        )  # fmt: skip
    if kind == "videos":
        from zilu.screening.videos import VideoEntry, VideoSignal

        return VideoSignal(
            [VideoEntry(str(e["id"]), tuple(check_pdq(f) for f in e["frames"]), e.get("label") or "video.harmful",
                        int(e.get("severity", 3))) for e in entries],
            threshold=threshold,
        )  # fmt: skip
    raise ValueError(f"not an image or video bank: {kind!r}")
