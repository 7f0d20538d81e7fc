"""Rendered test images (seeded, no files shipped): a textured picture, its re-encoded, mirrored and unrelated
variants, and inputs that are not images or are decompression bombs."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import Image, ImageDraw


def picture(seed: int, size: tuple[int, int] = (480, 360)) -> Image.Image:
    """A picture of random shapes on a gradient: texture enough for a PDQ quality of 100."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        draw.line([(0, y), (size[0], y)], fill=(rng.randrange(40, 60) + y % 90, 80, 200 - y % 120))
    for _ in range(30):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        w, h = rng.randrange(20, 160), rng.randrange(20, 160)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.ellipse([x, y, x + w, y + h], fill=colour)
        else:
            draw.rectangle([x, y, x + w, y + h], fill=colour)
    return image


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def reencoded(image: Image.Image) -> bytes:
    """The copy a platform would see: resized to 60 % and saved as JPEG quality 30."""
    small = image.resize((image.width * 3 // 5, image.height * 3 // 5), Image.Resampling.BILINEAR)
    return encode(small, "JPEG", quality=30)


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header announces ``width`` × ``height`` pixels (only the header and one empty IDAT)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )
