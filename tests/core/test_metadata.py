"""What a file says about its sender is removed before it is stored: EXIF/XMP/GPS of photos, a PDF's author."""

from __future__ import annotations

import io

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from zilu.core import metadata

NAME = "张伟 zhangwei_88"


def _jpeg_with_exif(orientation: int = 1) -> bytes:
    image = Image.new("RGB", (40, 20), (200, 10, 10))
    image.paste((10, 200, 10), (0, 0, 10, 20))  # a green band on the left, to see the rotation
    exif = Image.Exif()
    exif[0x013B] = NAME  # Artist
    exif[0x010F] = "Canon"  # Make
    exif[0xA431] = "SN-0042"  # BodySerialNumber
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=NAME.encode())
    return out.getvalue()


def test_a_photo_loses_its_exif_gps_and_comment():
    data = _jpeg_with_exif()
    assert b"zhangwei_88" in data and b"Canon" in data
    clean = metadata.strip(data, "image/jpeg")
    for marker in (b"zhangwei_88", b"Canon", b"SN-0042", b"Exif"):
        assert marker not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (40, 20) and not image.getexif()


def test_the_orientation_is_applied_before_it_is_dropped():
    clean = metadata.strip(_jpeg_with_exif(orientation=6), "image/jpeg")  # 6: rotate 90° clockwise to view
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (20, 40)
        red, green, _ = image.getpixel((10, 2))  # the green band is now at the top
        assert green > 150 and red < 100


def test_png_text_chunks_and_webp_metadata_go_too():
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", NAME)
    out = io.BytesIO()
    Image.new("RGBA", (8, 8), (0, 0, 255, 128)).save(out, "PNG", pnginfo=info)
    clean = metadata.strip(out.getvalue(), "image/png")
    assert b"zhangwei_88" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.mode == "RGBA" and image.getpixel((1, 1)) == (0, 0, 255, 128)
    webp = io.BytesIO()
    exif = Image.Exif()
    exif[0x013B] = NAME
    Image.new("RGB", (8, 8)).save(webp, "WEBP", exif=exif.tobytes())
    assert b"zhangwei_88" in webp.getvalue()
    assert b"zhangwei_88" not in metadata.strip(webp.getvalue(), "image/webp")


def test_an_animated_gif_keeps_its_frames():
    frames = [Image.new("RGB", (6, 6), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], comment=NAME.encode())
    clean = metadata.strip(out.getvalue(), "image/gif")
    assert b"zhangwei_88" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert image.n_frames == 3


def test_a_pdf_loses_its_author_and_xmp():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.add_metadata({"/Author": "zhangwei_88", "/Creator": "Word on LAPTOP-ZW"})
    out = io.BytesIO()
    writer.write(out)
    assert PdfReader(io.BytesIO(out.getvalue())).metadata["/Author"] == "zhangwei_88"
    clean = metadata.strip(out.getvalue(), "application/pdf")
    reader = PdfReader(io.BytesIO(clean))
    assert not reader.metadata and len(reader.pages) == 1
    assert b"zhangwei_88" not in clean and b"LAPTOP-ZW" not in clean
    assert "/Metadata" not in reader.trailer["/Root"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"), (b"%PDF-1.4\n garbage", "application/pdf")],
)
def test_what_cannot_be_decoded_cannot_be_cleaned_and_is_refused(data, content_type):
    with pytest.raises(metadata.Unreadable):
        metadata.strip(data, content_type)


def test_other_types_pass_unchanged():
    assert metadata.strip(b"\x00\x00\x00\x18ftypmp42", "video/mp4") == b"\x00\x00\x00\x18ftypmp42"
