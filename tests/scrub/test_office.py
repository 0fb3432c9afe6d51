"""Office documents: properties, comments, tracked changes, rsids, paths removed."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from portal.scrub import labels as L
from portal.scrub import scrub
from portal.scrub.sniff import DOCX, ODT, PPTX, XLSX
from tests.scrub import scrub_corpus as c
from tests.scrub.exif_check import exiftool, identifying_left, needs_exiftool_office, zip_text

DOCS = {
    "docx": (c.docx_full, "statement.docx", DOCX),
    "xlsx": (c.xlsx_full, "cases.xlsx", XLSX),
    "pptx": (c.pptx_full, "slides.pptx", PPTX),
    "odt": (c.odt_full, "statement.odt", ODT),
}


@pytest.fixture(scope="module", params=sorted(DOCS))
def cleaned(request):
    build, name, media_type = DOCS[request.param]
    original = build()
    return request.param, original, scrub(original, name), media_type


def test_detected_and_cleaned(cleaned):
    _, _, result, media_type = cleaned
    assert result.media_type == media_type
    assert result.outcome == "cleaned", result


def test_no_planted_value_in_any_part(cleaned):
    kind, original, result, _ = cleaned
    assert c.PERSON in zip_text(original)
    text = zip_text(result.data)
    for value in c.IDENTIFYING:
        assert value not in text, (kind, value)
    assert "rsid" not in text and "absPath" not in text and "creationId" not in text


@needs_exiftool_office
def test_exiftool_finds_nothing(cleaned):
    _, original, result, _ = cleaned
    assert identifying_left(exiftool(original))
    assert identifying_left(exiftool(result.data)) == []


def test_every_xml_part_parses_and_prefixes_survive(cleaned):
    _, _, result, _ = cleaned
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        assert zf.testzip() is None
        for info in zf.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            if info.filename.endswith((".xml", ".rels")):
                root = etree.fromstring(zf.read(info))
                ignorable = root.get("{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable")
                for prefix in (ignorable or "").split():
                    assert prefix in root.nsmap, (info.filename, prefix)


def test_docx_changes_accepted_text_kept():
    result = scrub(c.docx_full(), "s.docx")
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        names = zf.namelist()
        body = zf.read("word/document.xml").decode()
        ctypes = zf.read("[Content_Types].xml").decode()
        rels = zf.read("word/_rels/document.xml.rels").decode()
    assert "Paragraph 1 of the statement" in body and "Paragraph 3" in body
    assert "inserted words" in body and "Kept words" in body
    assert "delText" not in body and "w:ins" not in body and "commentReference" not in body
    for gone in ("word/comments.xml", "word/people.xml", "docProps/custom.xml",
                 "docProps/thumbnail.jpeg", "customXml/item1.xml"):
        assert gone not in names
        assert gone not in ctypes
    assert "comments.xml" not in rels and "customXml" not in rels
    assert "word/media/image1.jpeg" in names
    for label in (L.AUTHOR, L.LAST_EDITOR, L.ORGANIZATION, L.TRACKED_CHANGES, L.COMMENT_AUTHORS,
                  L.REVISION_IDS, L.PRINTER, L.THUMBNAIL, L.FILE_PATHS, L.CUSTOM_PROPS,
                  L.EMBEDDED_IMAGE_METADATA, L.GPS):
        assert label in result.removed, label


def test_odt_changes_accepted_and_mimetype_first():
    result = scrub(c.odt_full(), "s.odt")
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        first = zf.infolist()[0]
        content = zf.read("content.xml").decode()
        manifest = zf.read("META-INF/manifest.xml").decode()
    assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
    assert "Inserted sentence." in content and "Statement about the detention." in content
    assert "tracked-changes" not in content and "annotation" not in content
    assert "Thumbnails" not in manifest
    assert L.TRACKED_CHANGES in result.removed and L.PRINTER in result.removed


def test_xlsx_dangling_relationships_removed():
    result = scrub(c.xlsx_full(), "c.xlsx")
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        sheet_rels = zf.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
    assert "printerSettings" not in sheet_rels and "comments" not in sheet_rels
    assert "Detained 2024-03-01" in sheet


def test_macros_removed_and_document_becomes_plain_docx():
    with zipfile.ZipFile(io.BytesIO(c.docx_full())) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    plain = b"wordprocessingml.document.main+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument." + plain,
        b"application/vnd.ms-word.document.macroEnabled.main+xml")
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId9" Type="http://schemas.microsoft.com/office/'
        b'2006/relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 Attribute VB_Name C:\\Users\\zhangsan\\"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    result = scrub(buf.getvalue(), "letter.docm")
    assert result.outcome == "cleaned" and L.MACROS in result.removed
    assert result.filename == "letter.docx"
    with zipfile.ZipFile(io.BytesIO(result.data)) as zf:
        assert "word/vbaProject.bin" not in zf.namelist()
        assert b"macroEnabled" not in zf.read("[Content_Types].xml")
        assert plain in zf.read("[Content_Types].xml")
        assert b"vbaProject" not in zf.read("word/_rels/document.xml.rels")


def test_local_paths_in_links_and_workbook_reservation_removed():
    with zipfile.ZipFile(io.BytesIO(c.xlsx_full())) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"<sheets>", f'<fileSharing readOnlyRecommended="1" userName="{c.PERSON}"/><sheets>'
        .encode())
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/hyperlink" TargetMode="External" '
        b'Target="file:///C:\\Users\\zhangsan\\Documents\\sources.xlsx"/></Relationships>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    result = scrub(buf.getvalue(), "cases.xlsx")
    text = zip_text(result.data)
    assert "zhangsan" not in text and c.PERSON not in text
    assert 'Target="sources.xlsx"' in text  # the link itself is kept
    assert L.FILE_PATHS in result.removed and L.AUTHOR in result.removed


KEPT_TEXT = {"docx": "Paragraph 2 of the statement", "xlsx": "Detained 2024-03-01",
             "pptx": "Slide about the case", "odt": "Statement about the detention."}


def test_document_text_is_kept(cleaned):
    kind, original, result, _ = cleaned
    assert KEPT_TEXT[kind] in zip_text(original)
    assert KEPT_TEXT[kind] in zip_text(result.data)
