"""Image signals through HTTP (issue 22): an image bank imported by the staff, a re-encoded and a mirrored copy
caught by POST /api/v1/screen/image and at review, a report's evidence matched on the staff page, the per-bank
threshold carried by the signed sync and ``zilu banks pull``, and inputs that are not images refused naming the
field."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.banks.imagesamples import encode, picture, png_bomb, reencoded
from tests.helpers import assert_problem
from tests.reports.helpers import submit_api
from zilu.banks import media, pull
from zilu.banks.models import BankState, Entry
from zilu.core.models import AuditEntry
from zilu.reports.models import Report
from zilu.review.models import ReviewItem
from zilu.screening.images import hash_image

pytestmark = pytest.mark.django_db
BANKED = picture(1)
OTHER = picture(2)


@pytest.fixture(autouse=True)
def _fresh_signals():
    media.reset()
    yield
    media.reset()


def _import(client_for, image=BANKED, label="image.violent"):
    """The staff import one PDQ hash (the line format: ``hash label``)."""
    pdq = hash_image(encode(image)).hash
    response = client_for("staff").post(
        "/api/v1/banks/images/import",
        {"content": f"# from a partner\n{pdq} {label}\n", "name": "partner.txt", "reason": "known harmful images"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["added"] == 1
    return Entry.objects.get(bank="images", key=f"pdq:{pdq}")


def _screen(client, data, name="copy.jpg"):
    return client.post("/api/v1/screen/image", {"file": SimpleUploadedFile(name, data)})


def test_imported_image_catches_reencoded_and_mirrored_copies(client_for, key_for):
    entry = _import(client_for)
    member = key_for("member")

    copy = _screen(member, reencoded(BANKED))
    assert copy.status_code == 200, copy.content
    body = copy.json()
    assert body["suggestion"] == "block" and body["labels"] == ["image.violent"]
    assert body["image"]["format"] == "JPEG" and body["threshold"] == 31
    [match] = body["matches"]
    assert match["entry"] == str(entry.pk) and match["label"] == "image.violent" and 0 <= match["distance"] <= 31

    mirrored = _screen(member, encode(BANKED.transpose(Image.Transpose.FLIP_LEFT_RIGHT), "JPEG", quality=80))
    assert mirrored.json()["suggestion"] == "block"
    assert mirrored.json()["matches"][0]["variant"] != "original"

    staff = client_for("staff")
    for page in ("/banks/", "/banks/images/", f"/banks/images/{entry.pk}/", "/banks/images/contribute"):
        assert staff.get(page).status_code == 200, page

    unrelated = _screen(member, encode(OTHER, "PNG"), "other.png")
    assert (unrelated.json()["suggestion"], unrelated.json()["matches"]) == ("pass", [])

    # base64, several at once, each with its reference
    batch = member.post(
        "/api/v1/screen/images",
        {"items": [{"id": "a", "image": base64.b64encode(reencoded(BANKED)).decode()},
                   {"id": 7, "image": base64.b64encode(encode(OTHER)).decode()}]},
        content_type="application/json",
    )  # fmt: skip
    assert batch.status_code == 200, batch.content
    assert [(r["id"], r["suggestion"]) for r in batch.json()["results"]] == [("a", "block"), (7, "pass")]


def test_what_is_not_an_image_is_a_422_naming_the_field(client_for, key_for):
    member = key_for("member")
    problem = assert_problem(_screen(member, b"just some text, not a picture", "cat.jpg"), 422, "validation_error")
    assert problem["errors"][0]["field"] == "file" and problem["errors"][0]["code"] == "not_image"

    bomb = assert_problem(_screen(member, png_bomb(), "bomb.png"), 422, "validation_error")
    assert bomb["errors"][0]["code"] == "bomb"

    tiff = assert_problem(_screen(member, encode(OTHER, "TIFF"), "x.tif"), 422, "validation_error")
    assert tiff["errors"][0]["code"] == "format"

    batch = member.post(
        "/api/v1/screen/images",
        {"items": [{"image": base64.b64encode(encode(OTHER)).decode()}, {"image": "%%% not base64"}]},
        content_type="application/json",
    )
    assert assert_problem(batch, 422, "validation_error")["errors"][0]["field"] == "items[1].image"
    not_image = member.post(
        "/api/v1/screen/images", {"items": [{"image": base64.b64encode(b"GIF89a garbage").decode()}]},
        content_type="application/json",
    )  # fmt: skip
    assert assert_problem(not_image, 422, "validation_error")["errors"][0]["field"] == "items[0].image"

    # an image bank entry that is neither a hash nor an image
    rejected = client_for("staff").post(
        "/api/v1/banks/images/entries",
        {"entry": {"image": base64.b64encode(b"no image").decode()}, "reason": "x"},
        content_type="application/json",
    )
    assert assert_problem(rejected, 422, "validation_error")["errors"][0]["field"] == "image"


def test_an_image_contributed_as_a_file_is_hashed_and_served(client_for, key_for):
    created = client_for("staff").post(
        "/api/v1/banks/images/entries",
        {"entry": {"image": base64.b64encode(encode(BANKED)).decode(), "label": "image.porn"}, "reason": "seen"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    data = created.json()["data"]
    assert data["pdq"] == hash_image(encode(BANKED)).hash and data["quality"] >= 50 and data["label"] == "image.porn"
    assert _screen(key_for("member"), reencoded(BANKED)).json()["labels"] == ["image.porn"]


def test_threshold_is_per_bank_audited_and_travels_with_the_sync(client_for, key_for, tmp_path):
    _import(client_for)
    member = key_for("member")
    copy = reencoded(BANKED)
    distance = _screen(member, copy).json()["matches"][0]["distance"]
    assert distance > 0

    staff = client_for("staff")
    url = "/api/v1/banks/images/threshold"
    assert_problem(member.put(url, {"threshold": 0, "reason": "x"}, content_type="application/json"), 403)
    assert_problem(staff.put("/api/v1/banks/terms/threshold", {"threshold": 3, "reason": "x"},
                             content_type="application/json"), 422)  # fmt: skip
    changed = staff.put(url, {"threshold": distance - 1, "reason": "fewer false matches"},
                        content_type="application/json")  # fmt: skip
    assert changed.status_code == 200, changed.content
    assert BankState.objects.get(bank="images").threshold == distance - 1
    assert AuditEntry.objects.filter(action="banks.threshold", object_id="images").exists()
    assert _screen(member, copy).json()["matches"] == []  # the next request sees the new threshold

    # the signed export and the member's pull carry the entries and the threshold
    export = member.get("/api/v1/banks/images/export").json()
    key = member.get("/api/v1/banks/public-key").json()["public_key"]
    payload = pull.verify(export, key)
    assert payload["threshold"] == distance - 1 and payload["entries"][0]["pdq"]

    def fetch(path):
        return member.get(path).content

    pull.pull(fetch, tmp_path, banks=("images",))
    written = json.loads((tmp_path / "images.json").read_text())
    assert written["kind"] == "images" and written["threshold"] == distance - 1
    from zilu.screening.images import load_image_bank

    signal = load_image_bank(written)
    assert signal.match(hash_image(copy)) == []
    assert signal.threshold == distance - 1


def test_review_catches_a_reencoded_copy_and_keeps_the_image(client_for, key_for):
    entry = _import(client_for)
    member = key_for("member")
    response = member.post(
        "/api/v1/review/items",
        {"external_id": "post-1", "text": "看看这张图", "images": [base64.b64encode(reencoded(BANKED)).decode()]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "refused" and "image.violent" in body["labels"]
    [hit] = [h for h in body["hits"] if h["kind"] == "image"]
    assert hit["entry"] == str(entry.pk) and hit["field"] == "images[0]" and hit["distance"] <= 31
    assert [a["content_type"] for a in body["attachments"]] == ["image/jpeg"]
    assert ReviewItem.objects.get(external_id="post-1").status == "refused"

    clean = member.post(
        "/api/v1/review/items",
        {"external_id": "post-2", "text": "风景", "images": [base64.b64encode(encode(OTHER)).decode()]},
        content_type="application/json",
    )
    assert clean.json()["status"] == "publishable"

    bad = member.post(
        "/api/v1/review/items",
        {"external_id": "post-3", "text": "x", "images": [base64.b64encode(b"%PDF-1.4 not an image").decode()]},
        content_type="application/json",
    )
    assert assert_problem(bad, 422, "validation_error")["errors"][0]["field"] == "images[0]"
    assert not ReviewItem.objects.filter(external_id="post-3").exists()


def test_report_evidence_is_matched_and_staff_see_it(client_for, client):
    entry = _import(client_for)
    evidence = SimpleUploadedFile("photo.jpg", reencoded(BANKED), content_type="image/jpeg")
    response = submit_api(client, files=[evidence])
    assert response.status_code == 201, response.content
    report = Report.objects.latest("pk")
    page = client_for("staff").get(f"/staff/reports/{report.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f"/banks/images/{entry.pk}/" in html and "image.violent" in html
    # a report without a matching image shows no match
    other = submit_api(client, files=[SimpleUploadedFile("o.png", encode(OTHER), content_type="image/png")],
                       target="https://other.example.com.cn/x")  # fmt: skip
    assert other.status_code == 201, other.content
    assert (
        "/banks/images/"
        not in client_for("staff").get(f"/staff/reports/{Report.objects.latest('pk').pk}/").content.decode()
    )


def _video(path, size: str, quality: int = 23) -> bytes:
    """A 4-second test pattern rendered by FFmpeg (H.264 in MP4)."""
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc2=duration=4:size=320x240:rate=10", "-vf", f"scale={size}", "-crf", str(quality),
         "-pix_fmt", "yuv420p", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs FFmpeg")
def test_video_bank_catches_a_reencoded_copy(client_for, key_for, tmp_path):
    pytest.importorskip("vpdq")
    from zilu.screening.videos import hash_video

    original = _video(tmp_path / "original.mp4", "320:240")
    (tmp_path / "banked.mp4").write_bytes(original)
    frames = [h for h, quality in hash_video(str(tmp_path / "banked.mp4")) if quality >= 50]
    created = client_for("staff").post(
        "/api/v1/banks/videos/entries",
        {"entry": {"frames": frames, "label": "video.violent"}, "reason": "known video"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    member = key_for("member")
    copy = _video(tmp_path / "copy.mp4", "200:150", quality=35)
    response = member.post("/api/v1/screen/video", {"file": SimpleUploadedFile("copy.mp4", copy)})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["suggestion"] == "block" and body["labels"] == ["video.violent"]
    assert body["matches"][0]["entry"] == str(created.json()["id"]) and body["matches"][0]["score"] >= 0.8
    not_video = member.post("/api/v1/screen/video", {"file": SimpleUploadedFile("x.mp4", encode(OTHER))})
    assert assert_problem(not_video, 422, "validation_error")["errors"][0]["field"] == "file"


@pytest.mark.parametrize(
    ("role", "status", "threshold"),
    [("anonymous", 401, 401), ("public", 403, 403), ("supervisor", 403, 403), ("member", 200, 403),
     ("staff", 200, 200)],
)  # fmt: skip
def test_who_may_screen_images(client_for, role, status, threshold):
    client = client_for(role)
    image = _screen(client, encode(OTHER), "a.png")
    batch = client.post("/api/v1/screen/images", {"items": []}, content_type="application/json")
    video = client.post("/api/v1/screen/video", {"file": SimpleUploadedFile("a.png", encode(OTHER))})
    assert (image.status_code, batch.status_code) == (status, status)
    assert video.status_code == (422 if status == 200 else status)  # a PNG is not a video
    put = client.put("/api/v1/banks/images/threshold", {"threshold": 30, "reason": "r"},
                     content_type="application/json")  # fmt: skip
    assert put.status_code == threshold
