"""Type detection, safe names, text normalisation and the package boundary."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

from portal.scrub import labels as L
from portal.scrub import oversize_result, safe_filename, scrub, sniff_type
from portal.scrub.sniff import DOCX, ODT, PPTX, XLSX
from tests.scrub import scrub_corpus as c


@pytest.mark.parametrize("build,expected", [
    (c.jpeg_full, "image/jpeg"), (c.png_full, "image/png"), (c.webp_full, "image/webp"),
    (c.gif_full, "image/gif"), (c.tiff_full, "image/tiff"), (c.heic_full, "image/heic"),
    (c.avif_full, "image/avif"), (lambda: c.pdf_full(pages=1), "application/pdf"),
    (c.docx_full, DOCX), (c.xlsx_full, XLSX), (c.pptx_full, PPTX), (c.odt_full, ODT),
    (c.mp3_full, "audio/mpeg"), (c.mp3_frames, "audio/mpeg"), (c.wav_full, "audio/wav"),
    (lambda: "你好，世界\n".encode(), "text/plain"),
    (lambda: b"\x00\x01\x02\x03", "application/octet-stream"),
])
def test_sniff_from_content(build, expected):
    assert sniff_type(build()) == expected


def test_pdf_header_after_leading_bytes():
    data = b"\x00junk from a mail gateway\r\n" + c.pdf_full(pages=1, incremental=False)
    assert sniff_type(data) == "application/pdf"
    result = scrub(data, "r.pdf")
    assert result.outcome == "cleaned" and result.data.startswith(b"%PDF-")
    assert L.AUTHOR in result.removed


def test_odf_recognised_from_head_alone():
    assert sniff_type(c.odt_full()[:4096]) == ODT


@pytest.mark.parametrize("name,media_type,expected", [
    ("../../etc/passwd", "text/plain", "passwd.txt"),
    ("C:\\Users\\zhang\\Desktop\\notice.JPG", "image/jpeg", "notice.jpg"),
    ("notice.png", "image/jpeg", "notice.jpg"),
    ("IMG_20240301_142233.jpg", "image/jpeg", "picture.jpg"),
    ("WhatsApp Image 2024-03-01 at 14.22.33.jpeg", "image/jpeg", "picture.jpeg"),
    ("拘留通知书.pdf", "application/pdf", "拘留通知书.pdf"),
    ("evil\x00name\u202e.pdf", "application/pdf", "evilname.pdf"),
    ("...", "application/pdf", "document.pdf"),
    ("a" * 300 + ".docx", DOCX, "a" * 80 + ".docx"),
    ("report", "application/pdf", "report.pdf"),
])
def test_safe_filename(name, media_type, expected):
    assert safe_filename(name, media_type) == expected


def test_text_normalised_to_utf8():
    utf16 = "证人陈述\r\n".encode("utf-16")
    result = scrub(utf16, "statement.txt", "text/plain")
    assert result.outcome == "unchanged" and result.data == "证人陈述\r\n".encode()
    bom = scrub(b"\xef\xbb\xbfname,date\n", "list.csv", "text/csv")
    assert bom.data == b"name,date\n" and bom.filename == "list.csv"
    assert bom.warnings == ()


def test_gb18030_text_converted():
    raw = "拘留通知书：二零二四年三月一日".encode("gb18030")
    result = scrub(raw, "n.txt")
    assert result.outcome == "unchanged"
    assert result.data.decode("utf-8") == "拘留通知书：二零二四年三月一日"


def test_oversize_result_for_intake():
    result = oversize_result("VID_20240301_142233.mov", "video/quicktime")
    assert result.outcome == "not_scrubbed" and result.data is None
    assert result.filename == "video.mov"
    assert L.NOT_REMOVED in result.warnings


def test_report_is_json_ready():
    report = scrub(c.png_full(), "s.png").report()
    assert report["outcome"] == "cleaned" and "GPS location" in report["removed"]
    assert report["removed"][0] == "GPS location"  # most revealing first


def test_every_label_is_marked_for_translation():
    """Each constant in labels.py is N_("literal"), which Babel extracts (-k N_)."""
    tree = ast.parse(Path(L.__file__).read_text(encoding="utf-8"))
    constants = [n for n in tree.body if isinstance(n, ast.Assign)
                 and isinstance(n.targets[0], ast.Name) and n.targets[0].id.isupper()]
    assert len(constants) > 50
    for node in constants:
        call = node.value
        if isinstance(call, ast.Name):  # an alias of another label (awaiting translation)
            assert call.id in {n.targets[0].id for n in constants}, node.lineno
            continue
        assert isinstance(call, ast.Call) and getattr(call.func, "id", None) == "N_", node.lineno
        assert isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)


def test_package_imports_no_flask():
    """portal.scrub imports only the standard library, its format libraries and itself."""
    allowed = {"PIL", "pillow_heif", "pikepdf", "mutagen", "defusedxml", "lxml", "portal"}
    for path in Path(L.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top in sys.stdlib_module_names or top in allowed, (path.name, name)
                if top == "portal":
                    assert name.startswith("portal.scrub"), (path.name, name)


@pytest.mark.parametrize("data,media_type", [
    (b"{\\rtf1\\ansi{\\info{\\author Zhang San}{\\company X}}Statement}", "application/rtf"),
    (b"%!PS-Adobe-3.0\n%%For: zhangsan\n%%Creator: Word\n", "application/postscript"),
    (b"<!DOCTYPE html><html><head><meta name=author content=Zhang></head></html>", "text/html"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
     b'xmlns:sodipodi="x" sodipodi:docname="C:/Users/zhang/map.svg"/>', "image/svg+xml"),
    (b"Received: from mx.example.org\nFrom: zhang@example.org\nSubject: notice\n\nbody",
     "message/rfc822"),
])
def test_text_formats_with_their_own_metadata_are_not_called_plain(data, media_type):
    result = scrub(data, "notes.txt", "text/plain")
    assert result.media_type == media_type
    assert result.outcome == "not_scrubbed" and result.data == data
    assert L.NOT_REMOVED in result.warnings and L.TYPE_MISMATCH in result.warnings


def test_prose_starting_like_a_header_is_plain_text():
    result = scrub(b"From the start they watched us.\nThen they came.\n", "s.txt")
    assert result.media_type == "text/plain" and result.outcome == "unchanged"


def test_old_office_files_are_stored_with_warning():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    result = scrub(data, "statement.doc")
    assert result.outcome == "not_scrubbed"
    assert L.UNSUPPORTED in result.warnings and L.PASSWORD not in result.warnings
    assert L.OLD_OFFICE in result.warnings  # the defender is told what to send instead
