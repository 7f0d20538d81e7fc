"""The image signal of the engine: the index against the brute-force reference on the same inputs, dihedral
matching, the decoding limits, and the hex form shared with python-threatexchange."""

from __future__ import annotations

import random

import pytest
from PIL import Image

from tests.banks.imagesamples import encode, picture, png_bomb, reencoded
from zilu.screening.images import (
    ImageEntry,
    ImageError,
    ImageHash,
    ImageLimits,
    ImageSignal,
    PdqIndex,
    check_pdq,
    hamming,
    hash_image,
)
from zilu.screening.videos import VideoEntry, VideoSignal


def _near(rng: random.Random, base: str, flips: int) -> str:
    value = int(base, 16)
    for bit in rng.sample(range(256), flips):
        value ^= 1 << bit
    return f"{value:064x}"


@pytest.mark.parametrize("method", ["numpy", "flat", "multihash"])
def test_index_agrees_with_the_reference(method):
    rng = random.Random(22)
    bases = [f"{rng.getrandbits(256):064x}" for _ in range(40)]
    entries = [ImageEntry(str(i), h) for i, h in enumerate(bases)]
    entries += [ImageEntry(f"n{i}", _near(rng, rng.choice(bases), rng.randrange(0, 60))) for i in range(300)]
    for threshold in (0, 10, 31, 40):
        signal = ImageSignal(entries, threshold=threshold, method=method)
        for _ in range(30):
            query = _near(rng, rng.choice(bases), rng.randrange(0, 45))
            variants = (query, *(f"{rng.getrandbits(256):064x}" for _ in range(7)))
            image = ImageHash(query, 100, variants, 1, 1, "PNG")
            assert signal.match(image) == signal.reference_match(image)


def test_index_methods_answer_alike_at_scale():
    rng = random.Random(5)
    hashes = [f"{rng.getrandbits(256):064x}" for _ in range(5000)]
    queries = [_near(rng, rng.choice(hashes), rng.randrange(0, 35)) for _ in range(20)]
    answers = [PdqIndex(hashes, method).query(queries, 31) for method in ("numpy", "flat", "multihash")]
    assert answers[0] == answers[1] == answers[2] and answers[0]


def test_reencoded_and_mirrored_copies_match_and_others_do_not():
    original = picture(11)
    banked = hash_image(encode(original))
    signal = ImageSignal([ImageEntry("1", banked.hash, "image.x")])
    copy = hash_image(reencoded(original))
    assert [m.entry.id for m in signal.match(copy)] == ["1"] == [m.entry.id for m in signal.reference_match(copy)]
    mirrored = hash_image(encode(original.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    assert hamming(mirrored.hash, banked.hash) > 31
    [match] = signal.match(mirrored)
    assert match.variant != "original" and match.distance <= 31
    assert ImageSignal([ImageEntry("1", banked.hash)], dihedral=False).match(mirrored) == []
    assert signal.match(hash_image(encode(picture(12)))) == []


def test_hex_form_is_threatexchanges():
    pdq_hasher = pytest.importorskip("threatexchange.signal_type.pdq.pdq_hasher")
    data = encode(picture(3), "JPEG", quality=85)
    assert hash_image(data)[:2] == pdq_hasher.pdq_from_bytes(data)


def test_flat_queries_are_matched_unless_a_minimum_quality_is_set():
    flat = hash_image(encode(Image.new("RGB", (200, 200), (128, 128, 128))))
    assert flat.quality < 50
    assert [m.distance for m in ImageSignal([ImageEntry("1", flat.hash)]).match(flat)] == [0]
    assert ImageSignal([ImageEntry("1", flat.hash)], min_quality=50).match(flat) == []


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "not_image"), (b"hello, world", "not_image"), (png_bomb(), "bomb"),
     (encode(picture(1), "TIFF"), "format"), (encode(picture(1))[:200], "unreadable")],
)  # fmt: skip
def test_decoding_limits(data, code):
    with pytest.raises(ImageError) as caught:
        hash_image(data)
    assert caught.value.code == code


def test_byte_and_pixel_limits():
    data = encode(picture(1))
    with pytest.raises(ImageError, match="bytes") as caught:
        hash_image(data, ImageLimits(max_bytes=100))
    assert caught.value.code == "too_large"
    with pytest.raises(ImageError) as caught:
        hash_image(data, ImageLimits(max_pixels=1000))
    assert caught.value.code == "bomb"


def test_check_pdq():
    assert check_pdq("PDQ:" + "A" * 64) == "a" * 64
    for bad in ("", "a" * 63, "g" * 64):
        with pytest.raises(ValueError):
            check_pdq(bad)


def test_video_signal_agrees_with_its_reference():
    rng = random.Random(9)
    frames = [f"{rng.getrandbits(256):064x}" for _ in range(10)]
    entries = [
        VideoEntry("v1", tuple(frames)),
        VideoEntry("v2", tuple(f"{rng.getrandbits(256):064x}" for _ in range(8))),
    ]
    signal = VideoSignal(entries)
    copy = [_near(rng, f, 8) for f in frames[:9]] + [f"{rng.getrandbits(256):064x}"]  # 9 of 10 frames alike
    assert signal.match(copy) == signal.reference_match(copy)
    assert [m.entry.id for m in signal.match(copy)] == ["v1"] and signal.match(copy)[0].score == 0.9
    half = [_near(rng, f, 8) for f in frames[:5]] + [f"{rng.getrandbits(256):064x}" for _ in range(5)]
    assert signal.match(half) == [] == signal.reference_match(half)


def test_crop_hashes_catch_a_cropped_copy_and_agree_with_the_reference():
    from zilu.screening.images import crop_hashes, decode_image

    original = picture(21)
    banked = hash_image(encode(original))
    crops = crop_hashes(decode_image(encode(original)))
    assert 20 <= len(crops) <= 34
    w, h = original.size
    cropped = hash_image(encode(original.crop((w // 50, h // 100, w - w // 33, h - h // 25))))  # ~5 %, uneven
    without = ImageSignal([ImageEntry("1", banked.hash)])
    with_crops = ImageSignal([ImageEntry("1", banked.hash, crops=crops)])
    assert without.match(cropped) == [] or without.match(cropped)[0].distance <= 31
    [match] = with_crops.match(cropped)
    assert match.variant in ("crop", "original") and match == with_crops.reference_match(cropped)[0]
