"""PDF: info, XMP, attachments, JavaScript, comment authors and history removed."""

from __future__ import annotations

import io

import pikepdf
import pytest

from portal.scrub import labels as L
from portal.scrub import scrub
from tests.scrub import scrub_corpus as c
from tests.scrub.exif_check import exiftool, identifying_left, needs_exiftool


@pytest.fixture(scope="module")
def original() -> bytes:
    return c.pdf_full(pages=3, incremental=True)


@pytest.fixture(scope="module")
def result(original):
    return scrub(original, "report.pdf", "application/pdf")


def all_stream_text(data: bytes) -> str:
    """Every string and decoded stream in the file (qpdf compresses what it writes)."""
    out = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                out.append(obj.read_bytes().decode("latin-1"))
            out.append(repr(obj))
        out.append(repr(pdf.trailer))
    return "\n".join(out)


def test_outcome_and_report(result):
    assert result.outcome == "cleaned"
    for label in (L.AUTHOR, L.SOFTWARE, L.XMP, L.EMBEDDED_FILES, L.JAVASCRIPT,
                  L.EDIT_HISTORY, L.COMMENT_NAMES, L.TITLE, L.DATES):
        assert label in result.removed, label


@needs_exiftool
def test_exiftool_finds_nothing(original, result):
    assert identifying_left(exiftool(original))
    tags = exiftool(result.data)
    assert identifying_left(tags) == []
    assert tags["PDF:PageCount"] == 3


def test_same_pages_and_text_and_history_gone(original, result):
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        assert len(pdf.pages) == 3
        assert b"Final: the report" in pdf.pages[0].Contents.read_bytes()
        assert b"Page 3 of the report" in pdf.pages[2].Contents.read_bytes()
        assert "/Metadata" not in pdf.Root
        assert len(pdf.attachments) == 0
        assert "/OpenAction" not in pdf.Root
    text = all_stream_text(result.data)
    assert c.DELETED_WORDS in original.decode("latin-1")  # the old revision is in the input
    for value in c.IDENTIFYING:
        assert value not in text, value
    assert "JavaScript" not in text
    assert result.data.count(b"%%EOF") == 1


def test_new_document_id():
    original = c.pdf_full(pages=1, incremental=False)
    result = scrub(original, "r.pdf")
    assert L.DOCUMENT_ID in result.removed
    with pikepdf.open(io.BytesIO(original)) as a, pikepdf.open(io.BytesIO(result.data)) as b:
        old = bytes(a.trailer.ID[0])
        new = bytes(b.trailer.ID[0])
    assert old != new


def test_plain_pdf_claims_nothing():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf)
    result = scrub(buf.getvalue(), "x.pdf")
    assert result.outcome == "cleaned"
    assert L.AUTHOR not in result.removed and L.EDIT_HISTORY not in result.removed


def test_password_protected_pdf_is_kept_with_warning():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    buf = io.BytesIO()
    pdf.save(buf, encryption=pikepdf.Encryption(user="secret", owner="secret"))
    result = scrub(buf.getvalue(), "locked.pdf")
    assert result.outcome == "not_scrubbed"
    assert L.PASSWORD in result.warnings and L.NOT_REMOVED in result.warnings
    assert result.data == buf.getvalue()


def test_owner_password_only_pdf_is_cleaned():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = c.PERSON
    buf = io.BytesIO()
    pdf.save(buf, encryption=pikepdf.Encryption(user="", owner="owner"))
    result = scrub(buf.getvalue(), "restricted.pdf")
    assert result.outcome == "cleaned"
    assert L.AUTHOR in result.removed


def test_exif_inside_embedded_photo_removed_pixels_untouched():
    from pikepdf import Dictionary, Name

    photo = c.gps_jpeg((200, 150))
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(300, 300))
    image = pikepdf.Stream(pdf, photo, Type=Name.XObject, Subtype=Name.Image, Width=200,
                           Height=150, ColorSpace=Name.DeviceRGB, BitsPerComponent=8,
                           Filter=Name.DCTDecode)
    page.obj.Resources = Dictionary(XObject=Dictionary(Im0=image))
    page.obj.Contents = pdf.make_stream(b"q 200 0 0 150 0 0 cm /Im0 Do Q")
    buf = io.BytesIO()
    pdf.save(buf)
    assert c.SERIAL.encode() in buf.getvalue()
    result = scrub(buf.getvalue(), "scan.pdf")
    assert L.GPS in result.removed and L.EMBEDDED_IMAGE_METADATA in result.removed
    for value in c.IDENTIFYING:
        assert value.encode() not in result.data
    with pikepdf.open(io.BytesIO(result.data)) as out:
        stored = out.pages[0].Resources.XObject.Im0.read_raw_bytes()
    from PIL import Image

    with Image.open(io.BytesIO(stored)) as a, Image.open(io.BytesIO(photo)) as b:
        assert a.size == (200, 150)
        assert a.convert("RGB").tobytes() == b.convert("RGB").tobytes()  # lossless
        assert "exif" not in a.info


def test_signature_with_signer_name_removed():
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    page = pdf.add_blank_page()
    sig = pdf.make_indirect(Dictionary(
        Type=Name.Sig, Filter=Name("/Adobe.PPKLite"), Name=String(c.PERSON),
        Location=String("Lhasa"), M=String("D:20240301142233+08'00'"),
        Contents=pikepdf.String(b"\x30\x82" + c.PERSON.encode() + b"\x00" * 64),
        ByteRange=Array([0, 10, 20, 30])))
    field = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Widget, FT=Name.Sig,
                                         T=String("Signature1"), V=sig,
                                         Rect=Array([0, 0, 0, 0]), P=page.obj))
    page.obj.Annots = Array([field])
    pdf.Root.AcroForm = Dictionary(Fields=Array([field]), SigFlags=3)
    buf = io.BytesIO()
    pdf.save(buf)
    result = scrub(buf.getvalue(), "signed.pdf")
    assert result.outcome == "cleaned" and L.SIGNATURE in result.removed
    assert c.PERSON not in all_stream_text(result.data)
    assert c.PERSON.encode() not in result.data
