"""Office documents: Office Open XML (docx, xlsx, pptx) and OpenDocument (odt,
ods, odp).  Both are zip files of XML parts; we rewrite the zip.

Removed: document properties (author, last editor, organization, software,
dates, revision count, editing time, template), custom properties and custom
XML, comments with their authors, tracked changes (accepted, so deleted text
and every change author disappear), revision IDs (rsid) and document IDs,
printer settings, thumbnails, folder paths, and the metadata of embedded
pictures.  The new zip has fixed timestamps, no extra fields and no comment.

XML is parsed safely: every part is first checked with defusedxml (no DTD, no
entities), then edited with lxml, which keeps namespace prefixes exactly as
they were.  (ElementTree renames them, and Office refuses a file whose
mc:Ignorable attribute names a prefix that no longer exists.)
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from lxml import etree

from portal.scrub import labels as L
from portal.scrub.limits import Limits, MiB
from portal.scrub.result import Cleaned, Rejected, Unscrubbable
from portal.scrub.sniff import ODF, sniff_type

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "ep": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "w15": "http://schemas.microsoft.com/office/word/2012/wordml",
    "x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "x15ac": "http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac",
    "xr": "http://schemas.microsoft.com/office/spreadsheetml/2014/revision",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "p14": "http://schemas.microsoft.com/office/powerpoint/2010/main",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "manifest": "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0",
}


def _q(prefix: str, local: str) -> str:
    """Clark notation for a namespaced name: {uri}local."""
    return "{" + NS[prefix] + "}" + local


W = _q("w", "")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_blank_text=False)
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_PICTURES = ("image/jpeg", "image/png", "image/gif", "image/tiff", "image/webp", "image/bmp")

# Parts dropped from Office Open XML packages, with what they held.
_OOXML_DROP = (
    (re.compile(r"^docProps/custom\.xml$"), L.CUSTOM_PROPS),
    (re.compile(r"^docProps/thumbnail\.[A-Za-z]+$"), L.THUMBNAIL),
    (re.compile(r"^customXml/"), L.CUSTOM_PROPS),
    (re.compile(r"^(word|xl|ppt)/printerSettings/"), L.PRINTER),
    (re.compile(r"^word/comments[A-Za-z]*\d*\.xml$"), L.COMMENT_AUTHORS),
    (re.compile(r"^word/people\.xml$"), L.PEOPLE),
    (re.compile(r"^xl/comments\d*\.xml$"), L.COMMENT_AUTHORS),
    (re.compile(r"^xl/threadedComments/"), L.COMMENT_AUTHORS),
    (re.compile(r"^xl/persons/"), L.PEOPLE),
    (re.compile(r"^xl/revisions/"), L.TRACKED_CHANGES),
    (re.compile(r"^ppt/comments/"), L.COMMENT_AUTHORS),
    (re.compile(r"^ppt/(commentAuthors|authors)\.xml$"), L.PEOPLE),
    (re.compile(r"^\[trash\]/"), L.OTHER_DATA),
    (re.compile(r"^(word|xl|ppt)/(vbaProject\.bin|vbaData\.xml|_rels/vbaProject\.bin\.rels)$"),
     L.MACROS),
)
# Macro-enabled main parts become their plain equivalents once the macros are
# gone (Office refuses a .docx whose main part still says "macroEnabled").
_PLAIN_MAIN = {
    "application/vnd.ms-word.document.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml":
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_ODF_DROP = (
    (re.compile(r"^Thumbnails/"), L.THUMBNAIL),
    (re.compile(r"^(Basic|Scripts)/"), L.MACROS),
    (re.compile(r"^layout-cache$"), L.OTHER_DATA),
)
_CORE_LABELS = {
    "creator": L.AUTHOR, "lastModifiedBy": L.LAST_EDITOR, "created": L.DATES,
    "modified": L.DATES, "lastPrinted": L.DATES, "revision": L.REVISION_COUNT,
    "title": L.TITLE, "subject": L.TITLE, "keywords": L.TITLE, "description": L.DESCRIPTION,
    "category": L.TITLE, "contentStatus": L.TITLE, "identifier": L.DOCUMENT_ID,
    "language": L.TITLE, "version": L.REVISION_COUNT,
}
_APP_LABELS = {
    "Company": L.ORGANIZATION, "Manager": L.MANAGER, "Application": L.SOFTWARE,
    "AppVersion": L.SOFTWARE, "TotalTime": L.REVISION_COUNT, "Template": L.TEMPLATE,
    "HyperlinkBase": L.FILE_PATHS,
}
_ODF_META_LABELS = {
    "initial-creator": L.AUTHOR, "creator": L.LAST_EDITOR, "creation-date": L.DATES,
    "date": L.DATES, "print-date": L.DATES, "printed-by": L.PRINTER,
    "editing-cycles": L.REVISION_COUNT, "editing-duration": L.REVISION_COUNT,
    "generator": L.SOFTWARE, "user-defined": L.CUSTOM_PROPS, "template": L.TEMPLATE,
    "title": L.TITLE, "subject": L.TITLE, "keyword": L.TITLE, "description": L.DESCRIPTION,
}
_CORE_STUB = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<cp:coreProperties xmlns:cp="' + NS["cp"].encode() + b'"/>')
_APP_STUB = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             b'<Properties xmlns="' + NS["ep"].encode() + b'"/>')
_ODF_META_STUB = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                  b'<office:document-meta xmlns:office="' + NS["office"].encode()
                  + b'" office:version="1.2"><office:meta/></office:document-meta>')


def zip_is_readable(data: bytes) -> bool:
    """True when the zip's central directory can be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)):
            return True
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False


def zip_is_encrypted(data: bytes) -> bool:
    """True when any entry of a zip archive is password-protected."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(info.flag_bits & 0x1 for info in zf.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False


def clean_office(data: bytes, media_type: str, limits: Limits) -> Cleaned:
    """Rewrite an office document without its identifying metadata."""
    parts = _read_zip(data, limits)
    found: list[str] = []
    warns: list[str] = []
    if media_type in ODF:
        _clean_odf(parts, found)
    else:
        _clean_ooxml(parts, found)
    _clean_pictures(parts, found, limits)
    if any(re.match(r"^(word|xl|ppt)/embeddings/|^Object \d+/", n) for n in parts):
        warns.append(L.EMBEDDED_DOCS)
    return Cleaned(_write_zip(parts), media_type, found, warns)


# --- The zip container --------------------------------------------------------


def _read_zip(data: bytes, limits: Limits) -> dict[str, bytes]:
    """All entries, in order, after checks against zip bombs and encryption."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise Rejected(L.R_DAMAGED) from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.zip_max_entries:
            raise Rejected(L.R_TOO_COMPLEX)
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise Rejected(L.R_DAMAGED)  # duplicate names: two readers see two documents
        total = sum(i.file_size for i in infos)
        if total > limits.zip_max_total:
            raise Rejected(L.R_ZIP_BOMB)
        if total > 10 * MiB and total > limits.zip_max_ratio * len(data):
            raise Rejected(L.R_ZIP_BOMB)
        for info in infos:
            if info.flag_bits & 0x1:
                raise Unscrubbable(L.PASSWORD)
            ratio_cap = limits.zip_max_ratio * max(info.compress_size, 1)
            if info.file_size > MiB and info.file_size > ratio_cap:
                raise Rejected(L.R_ZIP_BOMB)
        parts: dict[str, bytes] = {}
        try:
            for info in infos:
                # Read exactly the declared size: ZipExtFile then inflates at most
                # that much (plus a small buffer) and checks the CRC, so a header
                # that lies about the size cannot make us inflate a bomb.  (A plain
                # read() would inflate the whole compressed entry at once.)
                with zf.open(info) as entry:
                    parts[info.filename] = entry.read(info.file_size)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError,
                RuntimeError) as exc:
            raise Rejected(L.R_DAMAGED) from exc
    return parts


def _write_zip(parts: dict[str, bytes]) -> bytes:
    """A new zip with fixed timestamps and permissions; ODF's mimetype first, stored."""
    out = io.BytesIO()
    order = sorted(parts, key=lambda n: (n not in ("mimetype", "[Content_Types].xml"),))
    with zipfile.ZipFile(out, "w") as zf:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.create_system = 0
            info.external_attr = 0
            stored = name == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name], compresslevel=None if stored else 6)
    return out.getvalue()


# --- XML -----------------------------------------------------------------------


class _NoTree:
    """An ElementTree parser target that keeps nothing (we only want the checks)."""

    def close(self) -> None:
        return None


def _parse(raw: bytes) -> etree._ElementTree:
    """Parse one XML part, refusing DTDs and entities (billion laughs, XXE)."""
    try:
        # defusedxml's parser with a target that builds nothing: expat checks the
        # whole document, defusedxml refuses any DTD, entity or external reference.
        checker = SafeET.DefusedXMLParser(target=_NoTree(), forbid_dtd=True,
                                          forbid_entities=True, forbid_external=True)
        # No Python call per run of text: expat itself rejects undefined entities.
        checker.parser.DefaultHandlerExpand = None
        checker.feed(raw)
        checker.close()
        return etree.ElementTree(etree.fromstring(raw, _PARSER))
    except (DefusedXmlException, SafeET.ParseError, etree.XMLSyntaxError, ValueError) as exc:
        raise Rejected(L.R_DAMAGED) from exc


def _serialize(tree: etree._ElementTree) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                          standalone=tree.docinfo.standalone)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _unwrap(el: etree._Element) -> None:
    """Replace an element by its children (accepting an insertion)."""
    parent = el.getparent()
    if parent is None:
        return
    idx = parent.index(el)
    for child in reversed(list(el)):
        parent.insert(idx, child)
    _drop(el)


def _drop(el: etree._Element) -> None:
    """Remove an element, keeping the text that follows it in the document."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _drop_parts(parts: dict[str, bytes], rules: tuple[tuple[re.Pattern[str], str], ...],
                found: list[str]) -> set[str]:
    """Remove the parts whose name matches a rule's pattern, noting its label; return
    the names removed."""
    dropped: set[str] = set()
    for name in list(parts):
        for pattern, label in rules:
            if pattern.search(name):
                found.append(label)
                dropped.add(name)
                del parts[name]
                break
    return dropped


# --- Office Open XML ------------------------------------------------------------


def _clean_ooxml(parts: dict[str, bytes], found: list[str]) -> None:
    dropped = _drop_parts(parts, _OOXML_DROP, found)
    if "docProps/core.xml" in parts:
        found += _property_labels(parts["docProps/core.xml"], _CORE_LABELS)
        parts["docProps/core.xml"] = _CORE_STUB
    if "docProps/app.xml" in parts:
        found += _property_labels(parts["docProps/app.xml"], _APP_LABELS)
        parts["docProps/app.xml"] = _APP_STUB
    for name in list(parts):
        if name.endswith(".rels"):
            parts[name] = _clean_rels(name, parts[name], dropped, found)
    if "[Content_Types].xml" in parts:
        parts["[Content_Types].xml"] = _clean_content_types(parts["[Content_Types].xml"], dropped)
    for name in list(parts):
        if name.endswith(".xml") and name.startswith(("word/", "xl/", "ppt/")):
            parts[name] = _clean_ooxml_part(parts[name], found)


def _property_labels(raw: bytes, table: dict[str, str]) -> list[str]:
    """Labels for the non-empty properties in core.xml / app.xml / meta.xml."""
    tree = _parse(raw)
    found = []
    for el in tree.iter():
        name = _local(el.tag)
        if name in table and ((el.text or "").strip() or len(el) or el.attrib):
            found.append(table[name])
        elif name == "user-defined":
            found.append(L.CUSTOM_PROPS)
    return found


# file: URLs, drive letters, UNC shares, absolute and parent-relative paths.
_LOCAL_PATH = re.compile(r"(?i)^(file:|[a-z]:[\\/]|\\\\|/|\.\./|\.\.\\)")


def _clean_rels(name: str, raw: bytes, dropped: set[str], found: list[str]) -> bytes:
    """Remove relationships to dropped parts and to templates on the author's disk."""
    tree = _parse(raw)
    folder = posixpath.dirname(posixpath.dirname(name))  # "word/_rels/x.rels" -> "word"
    changed = False
    for rel in list(tree.getroot()):
        target = rel.get("Target", "")
        kind = rel.get("Type", "")
        if rel.get("TargetMode") == "External":
            if kind.endswith("/attachedTemplate"):
                found.append(L.FILE_PATHS)
                _drop(rel)
                changed = True
            elif _LOCAL_PATH.match(target):
                # A link to a file on the author's disk (another workbook, a linked
                # picture): keep the link, lose the folders (they hold user names).
                found.append(L.FILE_PATHS)
                rel.set("Target", re.split(r"[\\/]", target.rstrip("\\/"))[-1])
                changed = True
            continue
        path = posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                  else posixpath.join(folder, target))
        if path in dropped:
            _drop(rel)
            changed = True
    return _serialize(tree) if changed else raw


def _clean_content_types(raw: bytes, dropped: set[str]) -> bytes:
    tree = _parse(raw)
    for el in list(tree.getroot()):
        if _local(el.tag) == "Override" and el.get("PartName", "").lstrip("/") in dropped:
            _drop(el)
        elif el.get("ContentType") in _PLAIN_MAIN:
            el.set("ContentType", _PLAIN_MAIN[el.get("ContentType", "")])
    return _serialize(tree)


_TRACK_DROP = ("del", "moveFrom", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
               "trPrChange", "tcPrChange", "tblGridChange", "numberingChange", "cellIns",
               "cellDel", "cellMerge", "moveFromRangeStart", "moveFromRangeEnd",
               "moveToRangeStart", "moveToRangeEnd", "customXmlDelRangeStart",
               "customXmlDelRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd",
               "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
               "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd")
_RSID_ATTRS = tuple(W + n for n in ("rsid", "rsidR", "rsidRPr", "rsidRDefault", "rsidP",
                                    "rsidDel", "rsidSect", "rsidTr"))
_ID_ATTRS = (_q("w14", "paraId"), _q("w14", "textId"), _q("xr", "uid"))
# Elements removed outright, with what they reveal.
_DROP_ELEMENTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (tuple(W + n for n in _TRACK_DROP), L.TRACKED_CHANGES),
    ((W + "commentRangeStart", W + "commentRangeEnd"), L.COMMENT_AUTHORS),
    ((W + "rsids", W + "rsid"), L.REVISION_IDS),
    ((W + "trackRevisions",), L.TRACKED_CHANGES),
    ((W + "attachedTemplate",), L.FILE_PATHS),
    ((_q("w14", "docId"), _q("w15", "docId"), _q("xr", "revisionPtr")), L.DOCUMENT_ID),
)


def _clean_ooxml_part(raw: bytes, found: list[str]) -> bytes:
    """Accept tracked changes, drop comment anchors, revision IDs and paths.

    Elements are found with lxml's tag-filtered iteration and attributes removed
    with strip_attributes, both in C: a long document has hundreds of thousands
    of elements, and a Python loop over all of them would dominate the time.
    """
    tree = _parse(raw)
    root = tree.getroot()
    before = len(found)
    for tags, label in _DROP_ELEMENTS:
        for el in list(root.iter(*tags)):
            found.append(label)
            _drop(el)
    for el in list(root.iter(W + "ins", W + "moveTo")):
        found.append(L.TRACKED_CHANGES)
        _unwrap(el)
    for el in list(root.iter(W + "commentReference")):
        found.append(L.COMMENT_AUTHORS)
        run = el.getparent()
        _drop(run if run is not None and run.tag == W + "r" else el)
    for el in list(root.iter(_q("x", "fileSharing"))):
        if el.get("userName"):
            found.append(L.AUTHOR)  # who reserved the workbook for writing
            del el.attrib["userName"]
    for el in list(root.iter(_q("x15ac", "absPath"))):
        found.append(L.FILE_PATHS)
        holder = el
        while holder.getparent() is not None and _local(holder.tag) != "AlternateContent":
            holder = holder.getparent()
        _drop(holder if _local(holder.tag) == "AlternateContent" else el)
    for el in list(root.iter(_q("p14", "creationId"))):
        found.append(L.DOCUMENT_ID)
        parent = el.getparent()
        _drop(parent if parent is not None and _local(parent.tag) == "ext" else el)
    ids = _has_attribute(raw, root, b"rsid", _RSID_ATTRS)
    if ids:
        found.append(L.REVISION_IDS)
        etree.strip_attributes(root, *_RSID_ATTRS)
    other_ids = any(_has_attribute(raw, root, word, _ID_ATTRS)
                    for word in (b"paraId", b"textId", b"uid"))
    if other_ids:
        etree.strip_attributes(root, *_ID_ATTRS)
    return _serialize(tree) if ids or other_ids or len(found) > before else raw


def _has_attribute(raw: bytes, root: etree._Element, word: bytes, names: tuple[str, ...]) -> bool:
    """True when some element carries one of ``names``.

    A byte search rules most parts out at C speed; otherwise the walk stops at
    the first hit (an XPath test over every attribute costs far more).
    """
    utf16 = raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:4]
    if not utf16 and word not in raw:
        return False
    wanted = set(names)
    return any(not wanted.isdisjoint(el.attrib) for el in root.iter() if isinstance(el.tag, str))


# --- OpenDocument ----------------------------------------------------------------


_ODF_PRINTER_ITEMS = {"PrinterName", "PrinterSetup", "PrinterPaperFromSetup"}


def _clean_odf(parts: dict[str, bytes], found: list[str]) -> None:
    manifest = parts.get("META-INF/manifest.xml", b"")
    if b"encryption-data" in manifest:
        raise Unscrubbable(L.PASSWORD)
    dropped = _drop_parts(parts, _ODF_DROP, found)
    if "meta.xml" in parts:
        found += _property_labels(parts["meta.xml"], _ODF_META_LABELS)
        parts["meta.xml"] = _ODF_META_STUB
    for name in ("content.xml", "styles.xml"):
        if name in parts:
            parts[name] = _clean_odf_body(parts[name], found)
    if "settings.xml" in parts:
        parts["settings.xml"] = _clean_odf_settings(parts["settings.xml"], found)
    if manifest:
        tree = _parse(manifest)
        for entry in list(tree.getroot()):
            path = entry.get(_q("manifest", "full-path"), "")
            emptied = path.endswith("/") and not any(p.startswith(path) for p in parts)
            if path in dropped or (emptied and any(d.startswith(path) for d in dropped)):
                _drop(entry)
        parts["META-INF/manifest.xml"] = _serialize(tree)


def _clean_odf_body(raw: bytes, found: list[str]) -> bytes:
    """Accept tracked changes and remove annotations (comments) with their authors."""
    tree = _parse(raw)
    changed = False
    for el in list(tree.getroot().iter()):
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        if q.localname == "tracked-changes" and q.namespace in (NS["text"], NS["table"]):
            found.append(L.TRACKED_CHANGES)
            _drop(el)
            changed = True
        elif q.namespace == NS["text"] and q.localname in ("change", "change-start", "change-end"):
            found.append(L.TRACKED_CHANGES)
            _drop(el)
            changed = True
        elif q.namespace == NS["office"] and q.localname in ("annotation", "annotation-end"):
            found.append(L.COMMENT_AUTHORS)
            _drop(el)
            changed = True
    return _serialize(tree) if changed else raw


def _clean_odf_settings(raw: bytes, found: list[str]) -> bytes:
    tree = _parse(raw)
    changed = False
    for el in list(tree.getroot().iter(_q("config", "config-item"))):
        if el.get(_q("config", "name")) in _ODF_PRINTER_ITEMS:
            if (el.text or "").strip():
                found.append(L.PRINTER)
            _drop(el)
            changed = True
    return _serialize(tree) if changed else raw


# --- Embedded pictures -------------------------------------------------------------


def _clean_pictures(parts: dict[str, bytes], found: list[str], limits: Limits) -> None:
    """Re-encode pictures inside the document (a photo pasted into a report keeps
    its GPS position otherwise)."""
    from portal.scrub.images import clean_image

    for name, raw in list(parts.items()):
        if not re.match(r"^(word|xl|ppt)/media/|^Pictures/", name):
            continue
        kind = sniff_type(raw[:4096])
        if kind not in _PICTURES:
            continue
        # Orientation is left alone: the document gives the picture's displayed
        # size, and turning the pixels would stretch it.
        result = clean_image(raw, kind, limits, apply_orientation=False)
        if result.media_type != kind:
            continue
        if result.removed:
            found.append(L.EMBEDDED_IMAGE_METADATA)
            if L.GPS in result.removed:
                found.append(L.GPS)
        parts[name] = result.data
