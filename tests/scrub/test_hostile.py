"""Bombs, damaged files, polyglots and locked files: a clear outcome, never a crash."""

from __future__ import annotations

import io
import struct
import zipfile

import pikepdf
import pytest

from portal.scrub import Limits, scrub
from portal.scrub import labels as L
from tests.scrub import scrub_corpus as c

DAMAGED = L.R_DAMAGED


def rejected(result, reason):
    assert result.outcome == "rejected", result
    assert result.data is None
    assert result.reason == reason


def test_pixel_bomb_png():
    rejected(scrub(c.png_bomb(), "bomb.png"), L.R_TOO_MANY_PIXELS)


def test_pixel_cap_is_configurable():
    rejected(scrub(c.jpeg_full(), "p.jpg", limits=Limits(max_pixels=1000)), L.R_TOO_MANY_PIXELS)


def test_too_many_frames():
    rejected(scrub(c.gif_full(), "a.gif", limits=Limits(max_frames=1)), L.R_TOO_COMPLEX)


def test_zip_bomb_docx():
    rejected(scrub(c.docx_bomb(64), "bomb.docx"), L.R_ZIP_BOMB)


def test_zip_total_cap():
    rejected(scrub(c.docx_full(), "d.docx", limits=Limits(zip_max_total=1000)), L.R_ZIP_BOMB)


def test_zip_entry_count_cap():
    rejected(scrub(c.docx_full(), "d.docx", limits=Limits(zip_max_entries=5)), L.R_TOO_COMPLEX)


def test_xml_entity_bomb_in_docx():
    lol = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
           b'<!ENTITY c "&b;&b;&b;&b;&b;&b;">]><w:document xmlns:w="http://schemas.openxmlformats'
           b'.org/wordprocessingml/2006/main">&c;</w:document>')
    rejected(scrub(c.docx_with_part("word/document.xml", lol), "d.docx"), DAMAGED)


def test_external_entity_in_docx():
    xxe = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b'&x;</w:document>')
    rejected(scrub(c.docx_with_part("word/document.xml", xxe), "d.docx"), DAMAGED)


def test_deeply_nested_xml():
    deep = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            + b"<w:p>" * 5000 + b"</w:p>" * 5000 + b"</w:document>")
    rejected(scrub(c.docx_with_part("word/document.xml", deep), "d.docx"), DAMAGED)


def test_deeply_nested_pdf():
    nest = (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100000
            + b"]" * 100000 + b" >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
            b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    rejected(scrub(nest, "n.pdf"), DAMAGED)


@pytest.mark.parametrize("build,name", [
    (lambda: c.jpeg_full(trailer=b""), "p.jpg"), (c.png_full, "p.png"), (c.pdf_full, "r.pdf"),
    (c.docx_full, "d.docx"), (c.mp3_full, "a.mp3"), (c.wav_full, "a.wav"),
    (c.heic_full, "p.heic"),
])
def test_truncated_files_rejected(build, name):
    data = build()
    rejected(scrub(data[: len(data) // 2 if name != "a.mp3" else 300], name), DAMAGED)


def test_corrupted_pdf_body_rejected_or_repaired():
    data = c.pdf_full(incremental=False)
    broken = data.replace(b"xref", b"xrex")  # qpdf rebuilds a lost cross-reference table
    result = scrub(broken, "r.pdf")
    assert result.outcome == "cleaned"
    assert L.REPAIRED in result.warnings
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert len(pdf.pages) == 3


def test_password_protected_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("secret.txt", b"x" * 10)
    raw = bytearray(buf.getvalue())
    raw[6] |= 1  # local header: "encrypted" flag
    cd = raw.rindex(b"PK\x01\x02")
    raw[cd + 8] |= 1  # central directory: "encrypted" flag
    result = scrub(bytes(raw), "archive.zip")
    assert result.outcome == "not_scrubbed"
    assert L.PASSWORD in result.warnings and L.NOT_REMOVED in result.warnings


def test_password_protected_office_file():
    # An encrypted docx is an OLE compound file holding an EncryptionInfo stream.
    data = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200
            + "EncryptionInfo".encode("utf-16-le") + b"\0" * 200)
    result = scrub(data, "locked.docx")
    assert result.outcome == "not_scrubbed"
    assert L.PASSWORD in result.warnings


def test_polyglot_detected_type_wins():
    poly = c.jpeg_full(trailer=c.docx_full())
    result = scrub(poly, "report.docx", "application/vnd.openxmlformats-officedocument."
                                        "wordprocessingml.document")
    assert result.outcome == "cleaned"
    assert result.media_type == "image/jpeg"
    assert result.filename == "report.jpg"
    assert L.TYPE_MISMATCH in result.warnings
    assert L.TRAILING_DATA in result.removed
    assert b"PK\x03\x04" not in result.data


def test_pdf_named_as_jpeg():
    result = scrub(c.pdf_full(pages=1, incremental=False), "photo.jpg", "image/jpeg")
    assert result.media_type == "application/pdf" and result.filename == "photo.pdf"
    assert L.TYPE_MISMATCH in result.warnings


def test_unknown_type_stored_with_warning():
    data = bytes(range(256)) * 4
    result = scrub(data, "thing.xyz")
    assert result.outcome == "not_scrubbed" and result.data == data
    assert L.UNSUPPORTED in result.warnings and L.NOT_REMOVED in result.warnings


def test_plain_zip_stored_with_warning():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("photo.jpg", c.gps_jpeg())
    result = scrub(buf.getvalue(), "photos.zip")
    assert result.outcome == "not_scrubbed" and L.ARCHIVE in result.warnings


def test_empty_file_rejected():
    rejected(scrub(b"", "empty.txt"), L.R_EMPTY)


def test_over_the_cap_is_stored_unscrubbed():
    data = c.jpeg_full()
    result = scrub(data, "p.jpg", limits=Limits(caps={"image": 100}))
    assert result.outcome == "not_scrubbed" and result.data == data
    assert L.TOO_BIG in result.warnings and L.NOT_REMOVED in result.warnings


def test_keep_original_on_request():
    data = c.jpeg_full()
    result = scrub(data, "p.jpg", keep_original=True)
    assert result.outcome == "not_scrubbed" and result.data == data
    assert L.KEPT_ORIGINAL in result.warnings and L.NOT_REMOVED in result.warnings


def test_image_with_lying_dimensions_in_exif_only():
    # EXIF claims a huge size; the real header is small: the real header counts.
    data = c.jpeg_full()
    assert scrub(data, "p.jpg").outcome == "cleaned"


def test_bmp_header_claiming_huge_size():
    header = b"BM" + struct.pack("<IHHI", 0, 0, 0, 54) + struct.pack(
        "<IiiHHIIiiII", 40, 60000, 60000, 1, 24, 0, 0, 2835, 2835, 0, 0)
    rejected(scrub(header + b"\0" * 100, "x.bmp"), L.R_TOO_MANY_PIXELS)


def test_zip_entry_lying_about_its_size_is_not_inflated():
    # 200 MiB of zeros declared as 100 bytes: ratio checks see nothing wrong, so the
    # read itself must stop at the declared size.  Measured in a fresh interpreter.
    import subprocess
    import sys

    code = ("import resource, sys; from portal.scrub import scrub; "
            "from tests.scrub.scrub_corpus import docx_lying_bomb; data = docx_lying_bomb(); "
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "r = scrub(data, 'x.docx'); "
            "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
            "print(r.outcome, (after - before) // 1024)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    assert out[0] in ("cleaned", "rejected")
    assert int(out[1]) < 64, f"peak memory grew by {out[1]} MiB"


def test_configured_pixel_cap_decides_not_pillows_default():
    # 95 megapixels: over Pillow's 89-megapixel warning, under our 120-megapixel
    # default.  This header-only picture is refused for its missing pixel data, not
    # for its size; with a lower cap it is refused for its size.
    header_only = c.png_bomb(10000, 9500)
    rejected(scrub(header_only, "big.png"), DAMAGED)
    rejected(scrub(header_only, "big.png", limits=Limits(max_pixels=90_000_000)),
             L.R_TOO_MANY_PIXELS)
