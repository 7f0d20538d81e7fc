"""Metadata stripping for files that could identify whoever sent them (a reporter's evidence, a complaint's).

A photo's EXIF and XMP carry the camera owner's name, the device's serial number and the GPS position where it was
taken; a PDF's document information and XMP carry the author's name and the machine's user. Before such a file is
stored (and so before a member can download it), images are decoded and re-encoded with Pillow — the pixels only,
with the orientation applied so that the picture still stands the right way — and PDFs are rewritten with pypdf
without their ``/Info`` dictionary and their XMP ``/Metadata`` stream. The original is not kept.

A file that cannot be decoded cannot be cleaned, and is refused (:class:`Unreadable`), never stored as it came.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

#: What Pillow writes back for each image type; the keys are the sniffed content types (``core.files.sniff_type``).
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}
STRIPPABLE = frozenset({*IMAGE_FORMATS, "application/pdf"})


class Unreadable(ValueError):
    """The file's content cannot be decoded as its type, so its metadata cannot be removed."""


def strip(data: bytes, content_type: str) -> bytes:
    """``data`` without identifying metadata; unchanged for a type that carries none that we know of."""
    if content_type in IMAGE_FORMATS:
        return _strip_image(data, IMAGE_FORMATS[content_type])
    if content_type == "application/pdf":
        return _strip_pdf(data)
    return data


def _strip_image(data: bytes, image_format: str) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            frames = getattr(image, "n_frames", 1)
            if image_format == "GIF" and frames > 1:
                return _strip_animated_gif(image)
            upright = ImageOps.exif_transpose(image)  # applies and drops the Orientation tag
            # A new image from the pixels alone: nothing of the original's info (EXIF, XMP, ICC, comments, text
            # chunks) comes along.
            clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            palette = upright.getpalette() if upright.mode in {"P", "PA"} else None
            if palette:
                clean.putpalette(palette)
            transparency = upright.info.get("transparency")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise Unreadable(str(exc)) from exc
    out = io.BytesIO()
    options: dict[str, object] = {"quality": 95} if image_format in {"JPEG", "WEBP"} else {}
    if transparency is not None and image_format in {"PNG", "GIF"}:
        options = {**options, "transparency": transparency}
    if image_format == "JPEG" and clean.mode not in {"RGB", "L", "CMYK"}:
        clean = clean.convert("RGB")
    clean.save(out, format=image_format, **options)
    return out.getvalue()


def _strip_animated_gif(image: Image.Image) -> bytes:
    frames = []
    for index in range(getattr(image, "n_frames", 1)):
        image.seek(index)
        rgba = image.convert("RGBA")
        frames.append(Image.frombytes("RGBA", rgba.size, rgba.tobytes()))  # the pixels only, no comment or XMP
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], loop=0,
                   duration=image.info.get("duration", 100))  # fmt: skip
    return out.getvalue()


def _strip_pdf(data: bytes) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise Unreadable("the PDF is encrypted")
        writer = PdfWriter(clone_from=reader)
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        raise Unreadable(str(exc)) from exc
    writer._info = None  # no /Info dictionary in the trailer
    root = writer._root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    for page in writer.pages:
        if NameObject("/Metadata") in page:
            del page[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


__all__ = ["IMAGE_FORMATS", "STRIPPABLE", "Unreadable", "strip"]
