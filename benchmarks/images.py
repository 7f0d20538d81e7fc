"""Image matching (PDQ), evaluated: recall per transform, false matches, hashing and lookup speed, in one command.

    python benchmarks/images.py [--seed S] [--rendered N] [--sizes 100000,1000000] [--queries Q] [--no-pytx]

Needs the ``bench`` extra (scikit-image for the photos, threatexchange for its PDQ index) and faiss-cpu.

**Distinct images**: crops of the photographs scikit-image ships in ``skimage.data`` (those that need no download):
the four quadrants of each photo (half its width and height, no overlap) and a centred crop of 60 %, each scaled to
480 pixels wide; plus ``--rendered`` seeded rendered pictures (random shapes on a gradient, as the tests draw them).
**Transforms** of each: resize to 50 %, JPEG quality 30, crop 5 % (5 % of the width and of the height, split at
random between the sides), a text watermark in the corner (and a large one across the lower third), mirror,
rotation by 90°, brightness +20 % and -20 %. A transformed copy is *found* (threshold 31) in three columns: *hash*,
the copy's hash against the original's; *dihedral*, ``ImageSignal`` over the originals' hashes (the copy's 8 dihedral
hashes tried: an entry imported as a hash); *signal*, ``ImageSignal`` over entries made from the images (dihedral
and the crops' hashes: an entry contributed as an image). **False matches**: pairs of distinct images that match in
either direction, per 10,000 pairs (the crops of one photo count as distinct: they share at most a quarter of their
pixels).

**Speed**: hashes/s (decode + PDQ of a JPEG, and PDQ alone), then lookups/s against 100k and 1M indexed hashes
(uniformly random 256-bit hashes, plus the originals) for numpy brute force (the baseline), faiss's flat binary index
(what ``PdqIndex`` uses), faiss's multi-hash binary index and python-threatexchange's ``PDQIndex2``; every method's
answers are checked against brute force in the same run.
A lookup is the 8 dihedral hashes of a transformed image, as ``ImageSignal`` queries them.
"""

from __future__ import annotations

import argparse
import io
import itertools
import random
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageEnhance, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from zilu.screening.images import (
    DEFAULT_THRESHOLD,
    ImageEntry,
    ImageHash,
    ImageSignal,
    PdqIndex,
    crop_hashes,
    hamming,
    hash_image,
    hash_pixels,
)

# (not "chelsea": the same photograph as "cat"; not "colorwheel" nor "retina": they are radially symmetric, so their
# quadrants are rotations and mirrors of one another -- the same image to a matcher that tries the 8 dihedral
# variants, not distinct images)
PHOTOS = ("astronaut", "camera", "cat", "coffee", "coins", "clock", "brick", "grass", "gravel", "horse",
          "moon", "page", "rocket", "text", "hubble_deep_field", "immunohistochemistry", "logo", "eagle",
          "microaneurysms")  # fmt: skip


def photos() -> list[tuple[str, Image.Image]]:
    from skimage import data

    out = []
    for name in PHOTOS:
        try:
            array = getattr(data, name)()
        except Exception:  # needs a download (pooch) or the network
            continue
        if array.dtype != np.uint8:
            array = (255 * (array.astype(float) / max(float(array.max()), 1.0))).astype(np.uint8)
        image = Image.fromarray(array)
        out.append((name, image.convert("RGB")))
    return out


def rendered(seed: int) -> Image.Image:
    rng = random.Random(seed)
    size = (480, 360)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        draw.line([(0, y), (size[0], y)], fill=(rng.randrange(40, 60) + y % 90, 80, 200 - y % 120))
    for _ in range(30):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(20, 160), rng.randrange(20, 160)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)([x, y, x + w, y + h], fill=colour)
    return image


def distinct_images(n_rendered: int, seed: int) -> list[tuple[str, Image.Image]]:
    out = []
    for name, photo in photos():
        w, h = photo.size
        boxes = [(0, 0, w // 2, h // 2), (w // 2, 0, w, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h),
                 (w // 5, h // 5, w - w // 5, h - h // 5)]  # fmt: skip
        for i, box in enumerate(boxes):
            crop = photo.crop(box)
            out.append((f"{name}#{i}", crop.resize((480, max(1, 480 * crop.height // crop.width)))))
    out += [(f"rendered#{i}", rendered(seed * 100_000 + i)) for i in range(n_rendered)]
    return out


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def watermark(image: Image.Image) -> Image.Image:
    """A platform's watermark: a line of text 1/20 of the height tall in the lower-right corner, white at 70 %
    opacity over a one-pixel dark shadow."""
    out = image.convert("RGBA")
    layer = Image.new("RGBA", out.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font(max(10, image.height // 20))
    text = "@zilu.example.cn"
    width = draw.textlength(text, font=font)
    x, y = image.width - width - image.width // 40, image.height - image.height // 20 - image.height // 30
    draw.text((x + 1, y + 1), text, fill=(0, 0, 0, 140), font=font)
    draw.text((x, y), text, fill=(255, 255, 255, 180), font=font)
    return Image.alpha_composite(out, layer).convert("RGB")


def watermark_large(image: Image.Image) -> Image.Image:
    """A heavier one: opaque white text 1/14 of the height tall across the lower third."""
    out = image.copy()
    draw = ImageDraw.Draw(out)
    draw.text((image.width // 20, image.height * 2 // 3), "(c) zilu.example.cn repost", fill=(255, 255, 255),
              font=_font(max(12, image.height // 14)))  # fmt: skip
    return out


_CROP_RNG = random.Random(0)


def crop5(image: Image.Image) -> Image.Image:
    """5 % of the width and 5 % of the height cut off, split at random between the two sides (seeded)."""
    left, top = _CROP_RNG.uniform(0, 0.05), _CROP_RNG.uniform(0, 0.05)
    w, h = image.size
    return image.crop((round(w * left), round(h * top), w - round(w * (0.05 - left)), h - round(h * (0.05 - top))))


TRANSFORMS = {
    "resize 50%": lambda im: im.resize((im.width // 2, im.height // 2), Image.Resampling.BILINEAR),
    "jpeg q30": lambda im: Image.open(io.BytesIO(jpeg(im, 30))),
    "crop 5%": crop5,
    "watermark": watermark,
    "watermark, large": watermark_large,
    "mirror": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "rotate 90": lambda im: im.transpose(Image.Transpose.ROTATE_90),
    "brightness +20%": lambda im: ImageEnhance.Brightness(im).enhance(1.2),
    "brightness -20%": lambda im: ImageEnhance.Brightness(im).enhance(0.8),
}


def evaluate(images: list[tuple[str, Image.Image]], threshold: int) -> None:
    """Recall per transform and false matches, for three banks: hashes alone compared as they are (*hash*), the
    signal over hashes alone (*dihedral*: what an entry imported as a hash gets), and the signal over entries made
    from the images (*signal*: dihedral variants and the crops' hashes, what an image contributed as a file gets)."""
    hashed = [hash_pixels(im) for _, im in images]
    good = [i for i, (_, quality) in enumerate(hashed) if quality >= 50]
    plain_entries = [ImageEntry(str(i), hashed[i][0][0]) for i in good]
    full_entries = [ImageEntry(str(i), hashed[i][0][0], crops=crop_hashes(images[i][1])) for i in good]
    dihedral_signal = ImageSignal(plain_entries, threshold=threshold)
    full_signal = ImageSignal(full_entries, threshold=threshold)
    print(f"\n{len(images)} distinct images ({len(good)} of quality >= 50 used; the rest are too flat to bank)")
    print(f"{'transform':18} {'hash':>6} {'dihedral':>9} {'signal':>7} {'median d':>9}")
    for name, transform in TRANSFORMS.items():
        plain = dihedral = full = 0
        distances = []
        for i in good:
            copy = transform(images[i][1]).convert("RGB")
            variants, quality = hash_pixels(copy)
            query = ImageHash(variants[0], quality, variants, copy.width, copy.height, "")
            d0 = hamming(hashed[i][0][0], variants[0])
            distances.append(d0)
            plain += d0 <= threshold
            dihedral += str(i) in {m.entry.id for m in dihedral_signal.match(query)}
            full += str(i) in {m.entry.id for m in full_signal.match(query)}
        n = len(good)
        print(f"{name:18} {plain / n:6.3f} {dihedral / n:9.3f} {full / n:7.3f} {int(np.median(distances)):9d}")
    pairs = len(good) * (len(good) - 1) // 2
    plain_false = sum(
        hamming(hashed[i][0][0], hashed[j][0][0]) <= threshold for i, j in itertools.combinations(good, 2)
    )
    print(f"false matches among {pairs} distinct pairs, per 10,000: hash {1e4 * plain_false / pairs:.2f}", end="")
    for label, signal in (("dihedral", dihedral_signal), ("signal", full_signal)):
        wrong: set[tuple[str, str]] = set()
        for j in good:
            variants, quality = hashed[j]
            for m in signal.match(ImageHash(variants[0], quality, variants, 0, 0, "")):
                if m.entry.id != str(j):
                    wrong.add(tuple(sorted((m.entry.id, str(j)))))  # type: ignore[arg-type]
        print(f", {label} {1e4 * len(wrong) / pairs:.2f} ({len(wrong)})", end="")
        if label == "signal":
            print("\n  pairs:", ", ".join(f"{images[int(a)][0]}~{images[int(b)][0]}" for a, b in sorted(wrong)))


def hashing_speed(images: list[tuple[str, Image.Image]]) -> None:
    sample = [jpeg(im) for _, im in images[:50]]
    start = time.perf_counter()
    for data in sample:
        hash_image(data)
    decode = len(sample) / (time.perf_counter() - start)
    pixels = [im for _, im in images[:50]]
    start = time.perf_counter()
    for im in pixels:
        hash_pixels(im)
    alone = len(pixels) / (time.perf_counter() - start)
    print(f"\nhashing 480-pixel-wide JPEGs: {decode:.0f} images/s decoded and hashed (8 dihedral hashes), "
          f"{alone:.0f}/s PDQ alone")  # fmt: skip


def lookup_speed(real: list[str], queries: list[tuple[str, ...]], sizes: list[int], seed: int, pytx: bool) -> None:
    rng = np.random.default_rng(seed)
    print(f"\n{'indexed':>9} {'method':22} {'build s':>8} {'lookups/s':>10} {'ms/lookup':>10} {'x brute':>8} same")
    for size in sizes:
        noise = rng.integers(0, 256, size=(size - len(real), 32), dtype=np.uint8)
        hashes = real + [bytes(row).hex() for row in noise]
        results: dict[str, list[dict[int, int]]] = {}
        brute_rate = 0.0
        methods = ["numpy", "flat", "multihash"] + (["pytx PDQIndex2"] if pytx else [])
        for method in methods:
            start = time.perf_counter()
            if method == "pytx PDQIndex2":
                from threatexchange.signal_type.pdq.pdq_index2 import PDQIndex2

                index = PDQIndex2(entries=((h, i) for i, h in enumerate(hashes)), threshold=DEFAULT_THRESHOLD)
                build = time.perf_counter() - start
                start = time.perf_counter()
                answers = []
                for variants in queries:
                    found: dict[int, int] = {}
                    for v in variants:
                        for match in index.query(v):
                            d = int(match.similarity_info.distance)
                            found[match.metadata] = min(d, found.get(match.metadata, d))
                    answers.append(found)
            else:
                pdq_index = PdqIndex(hashes, method=method)
                build = time.perf_counter() - start
                start = time.perf_counter()
                answers = [{row: d for row, (d, _q) in pdq_index.query(v).items()} for v in queries]
            elapsed = time.perf_counter() - start
            rate = len(queries) / elapsed
            if method == "numpy":
                brute_rate = rate
            results[method] = answers
            same = answers == results["numpy"]
            print(f"{size:9,d} {method:22} {build:8.2f} {rate:10.1f} {1000 / rate:10.2f} {rate / brute_rate:8.1f} "
                  f"{'yes' if same else 'NO'}")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--rendered", type=int, default=150)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--queries", type=int, default=200, help="lookups per index (each with 8 dihedral hashes)")
    parser.add_argument("--no-pytx", action="store_true", help="leave out threatexchange's PDQIndex2")
    args = parser.parse_args()
    random.seed(args.seed)
    images = distinct_images(args.rendered, args.seed)
    print(
        f"photos from skimage.data: {sorted({name.split('#')[0] for name, _ in images if '#' in name} - {'rendered'})}"
    )
    evaluate(images, DEFAULT_THRESHOLD)
    hashing_speed(images)
    real = [hash_pixels(im)[0][0] for _, im in images]
    rng = random.Random(args.seed)
    queries = []
    for _ in range(args.queries):
        _name, im = rng.choice(images)
        transform = rng.choice(list(TRANSFORMS.values()))
        queries.append(hash_pixels(transform(im).convert("RGB"))[0])
    sizes = [int(s) for s in args.sizes.split(",") if s]
    lookup_speed(real, queries, sizes, args.seed, not args.no_pytx)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
