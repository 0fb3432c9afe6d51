"""Pictures: metadata gone (checked by exiftool), pixels upright, size kept."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal.scrub import labels as L
from portal.scrub import scrub
from tests.scrub import scrub_corpus as c
from tests.scrub.exif_check import exiftool, identifying_left, needs_exiftool

BUILDERS = {
    "jpeg": (c.jpeg_full, "photo.jpg", "image/jpeg", (480, 640)),  # orientation 6: turned
    "png": (c.png_full, "shot.png", "image/png", (300, 200)),
    "webp": (c.webp_full, "shot.webp", "image/webp", (320, 240)),
    "gif": (c.gif_full, "anim.gif", "image/gif", (120, 80)),
    "tiff": (c.tiff_full, "scan.tif", "image/tiff", (200, 100)),
    "heic": (c.heic_full, "IMG_0001.HEIC", "image/jpeg", (256, 192)),
    "avif": (c.avif_full, "pic.avif", "image/jpeg", (128, 96)),
}


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def cleaned(request):
    build, name, out_type, size = BUILDERS[request.param]
    original = build()
    return request.param, original, scrub(original, name), out_type, size


@needs_exiftool
def test_exiftool_finds_no_identifying_tags(cleaned):
    kind, original, result, _, _ = cleaned
    assert result.outcome == "cleaned", result
    before = identifying_left(exiftool(original))
    assert before, f"the {kind} corpus file should carry identifying tags"
    assert identifying_left(exiftool(result.data)) == []


def test_picture_still_opens_with_same_size_and_type(cleaned):
    kind, _, result, out_type, size = cleaned
    assert result.media_type == out_type
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.size == size
        im.load()


def test_no_planted_value_in_bytes(cleaned):
    _, _, result, _, _ = cleaned
    for value in c.IDENTIFYING:
        assert value.encode() not in result.data


def test_report_names_what_was_there():
    result = scrub(c.jpeg_full(), "IMG_20240301_142233.jpg", "image/jpeg")
    for label in (L.GPS, L.CAMERA_MAKE, L.CAMERA_MODEL, L.SERIAL, L.OWNER, L.DATE_TAKEN,
                  L.THUMBNAIL, L.MAKER_NOTES, L.XMP, L.IPTC, L.ICC, L.COMMENTS,
                  L.TRAILING_DATA, L.NAME_DATE):
        assert label in result.removed, label
    assert result.filename == "picture.jpg"


def test_report_does_not_claim_absent_metadata():
    buf = io.BytesIO()
    c.two_colour((50, 40)).save(buf, "JPEG")
    result = scrub(buf.getvalue(), "plain.jpg")
    assert result.outcome == "cleaned"
    assert result.removed == ()
    gif = scrub(c.gif_full(), "a.gif")
    assert gif.removed == (L.COMMENTS,)


def test_orientation_applied_before_reencoding():
    result = scrub(c.jpeg_full(orientation=6), "p.jpg")
    with Image.open(io.BytesIO(result.data)) as im:
        rgb = im.convert("RGB")
        # Stored: red left, blue right.  Orientation 6 = turn 90 degrees clockwise.
        top, bottom = rgb.getpixel((240, 20)), rgb.getpixel((240, 620))
    assert top[0] > 150 and top[2] < 100
    assert bottom[2] > 150 and bottom[0] < 100


def test_animation_kept():
    result = scrub(c.gif_full(), "a.gif")
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.n_frames == 2


def test_heic_is_transcoded_and_reported():
    result = scrub(c.heic_full(), "IMG_0001.HEIC", "image/heic")
    assert result.media_type == "image/jpeg"
    assert result.filename == "IMG_0001.jpg"
    assert L.TRANSCODED in result.warnings
    assert L.GPS in result.removed


@pytest.mark.parametrize("fmt", ["heic", "avif"])
def test_phone_formats_keep_orientation(fmt):
    buf = io.BytesIO()
    if fmt == "heic":
        import pillow_heif

        pillow_heif.from_pillow(c.two_colour((256, 192))).save(buf, quality=60,
                                                               exif=c.exif_blob(6))
    else:
        c.two_colour((256, 192)).save(buf, "AVIF", quality=60, exif=c.exif_blob(6))
    result = scrub(buf.getvalue(), f"p.{fmt}")
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.size == (192, 256)
        top, bottom = im.convert("RGB").getpixel((96, 10)), im.convert("RGB").getpixel((96, 246))
    assert top[0] > 150 and bottom[2] > 150


def test_named_device_profile_removed_and_colours_kept():
    # An RGB profile that does not call itself sRGB (so it is converted, not just
    # dropped) and whose header names a device.
    icc = c.device_icc()
    old, new = "sRGB built-in".encode("utf-16-be"), "ZhangCam v1.0".encode("utf-16-be")
    assert old in icc
    icc = icc.replace(old, new)
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 160, 60)).save(buf, "PNG", icc_profile=icc)
    result = scrub(buf.getvalue(), "p.png")
    assert L.ICC in result.removed
    with Image.open(io.BytesIO(result.data)) as im:
        assert "icc_profile" not in im.info
        r, g, b = im.convert("RGB").getpixel((5, 5))
    assert abs(r - 30) <= 3 and abs(g - 160) <= 3 and abs(b - 60) <= 3


def test_multi_page_tiff_keeps_every_page():
    from PIL import TiffImagePlugin

    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[315] = c.PERSON
    pages = [c.two_colour((200, 100)), c.two_colour((120, 160)).convert("L"),
             c.two_colour((80, 80))]
    buf = io.BytesIO()
    pages[0].save(buf, "TIFF", save_all=True, append_images=pages[1:], tiffinfo=ifd)
    result = scrub(buf.getvalue(), "fax.tif")
    assert result.outcome == "cleaned" and L.AUTHOR in result.removed
    assert c.PERSON.encode() not in result.data
    with Image.open(io.BytesIO(result.data)) as im:
        sizes = []
        for i in range(im.n_frames):
            im.seek(i)
            sizes.append(im.size)
    assert sizes == [(200, 100), (120, 160), (80, 80)]


def _modes_and_formats():
    for mode in ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I;16", "I", "F", "PA"):
        for fmt in ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"):
            try:
                Image.new(mode, (8, 8)).save(io.BytesIO(), fmt)
            except (OSError, ValueError, KeyError):
                continue  # Pillow cannot write this mode in this format
            yield mode, fmt


@pytest.mark.parametrize("mode,fmt", list(_modes_and_formats()))
def test_every_writable_mode_and_format_round_trips(mode, fmt):
    buf = io.BytesIO()
    Image.new(mode, (64, 48)).save(buf, fmt)
    result = scrub(buf.getvalue(), "x")
    assert result.outcome == "cleaned", result
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.size == (64, 48)


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_animated_webp_and_apng_keep_frames(fmt):
    frames = [c.two_colour((60, 40)), c.two_colour((60, 40)).rotate(180)]
    buf = io.BytesIO()
    frames[0].save(buf, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = scrub(buf.getvalue(), "anim")
    with Image.open(io.BytesIO(result.data)) as im:
        assert im.n_frames == 2
