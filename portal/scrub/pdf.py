"""PDF: document info, XMP, embedded files, JavaScript and other automatic
actions, page-piece info, comment authors, thumbnails and incremental-update
history, removed with pikepdf (qpdf), which writes the file out whole.

Writing the file whole is what drops the history: an incrementally updated PDF
keeps every earlier version of changed objects (and their old text) behind the
newest cross-reference section, and qpdf writes only objects still reachable.
"""

from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from portal.scrub import labels as L
from portal.scrub.images import strip_jpeg_metadata
from portal.scrub.limits import Limits
from portal.scrub.result import Cleaned, Rejected, Unscrubbable

_INFO_LABELS = {
    "/Author": L.AUTHOR, "/Creator": L.SOFTWARE, "/Producer": L.SOFTWARE,
    "/CreationDate": L.DATES, "/ModDate": L.DATES, "/Title": L.TITLE, "/Subject": L.TITLE,
    "/Keywords": L.TITLE, "/Trapped": L.DOC_INFO,
}
# Actions that run or fetch something on their own.  A plain /GoTo (jump to a
# page) is harmless and kept.
_RISKY_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
                  "/Rendition", "/Sound", "/Movie", "/RichMediaExecute", "/URI"}
_MARKUP_PRIVATE = ("/T", "/M", "/CreationDate", "/NM")


def clean_pdf(data: bytes, limits: Limits) -> Cleaned:
    """Rewrite a PDF without identifying metadata; report what was there."""
    found: list[str] = []
    if _update_count(data) > 1:
        found.append(L.EDIT_HISTORY)
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise Unscrubbable(L.PASSWORD) from exc
    except (pikepdf.PdfError, ValueError, OSError, RuntimeError) as exc:
        raise Rejected(L.R_DAMAGED) from exc
    with pdf:
        try:
            found += _strip(pdf, limits)
            out = io.BytesIO()
            # deterministic_id: the new /ID is a hash of the cleaned file, not a value
            # carried over from (and so linking back to) the original.
            pdf.save(out, encryption=False, fix_metadata_version=False, preserve_pdfa=False,
                     deterministic_id=True)
        except (pikepdf.PdfError, ValueError, RuntimeError, TypeError) as exc:
            raise Rejected(L.R_DAMAGED) from exc
        warns = [L.REPAIRED] if pdf.get_warnings() else []
    return Cleaned(out.getvalue(), "application/pdf", found, warns)


def _update_count(data: bytes) -> int:
    """How many revisions the file holds (a linearized file has one extra %%EOF)."""
    count = data.count(b"%%EOF")
    if b"/Linearized" in data[:2048]:
        count -= 1
    return count


def _strip(pdf: pikepdf.Pdf, limits: Limits) -> list[str]:
    """Remove the metadata in place; return the labels of what was found."""
    found: list[str] = []
    objects = pdf.objects
    if len(objects) > limits.pdf_max_objects:
        raise Rejected(L.R_TOO_COMPLEX)
    if len(pdf.pages) > limits.pdf_max_pages:
        raise Rejected(L.R_TOO_COMPLEX)
    trailer = pdf.trailer
    if "/Info" in trailer:
        info = trailer.Info
        if isinstance(info, Dictionary):
            found += [_INFO_LABELS.get(str(k), L.CUSTOM_PROPS) for k in info.keys()]
        del trailer["/Info"]
    if "/ID" in trailer:
        found.append(L.DOCUMENT_ID)
        del trailer["/ID"]
    root = pdf.Root
    found += _strip_catalog(root)
    for obj in objects:
        if isinstance(obj, (Dictionary, pikepdf.Stream)):
            found += _strip_object(obj)
        if isinstance(obj, pikepdf.Stream) and obj.get("/Subtype") == Name.Image:
            found += _strip_jpeg(obj)
    for page in pdf.pages:
        found += _strip_object(page.obj)
        for annot in page.obj.get("/Annots", Array()):
            if isinstance(annot, Dictionary):
                found += _strip_object(annot)
    return found


def _strip_catalog(root: Dictionary) -> list[str]:
    """Document-level metadata, attachments, scripts and open actions."""
    found: list[str] = []
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        if "/EmbeddedFiles" in names:
            found.append(L.EMBEDDED_FILES)
            del names["/EmbeddedFiles"]
        if "/JavaScript" in names:
            found.append(L.JAVASCRIPT)
            del names["/JavaScript"]
    for key, label in (("/AF", L.EMBEDDED_FILES), ("/Collection", L.EMBEDDED_FILES),
                       ("/Perms", L.SIGNATURE),
                       ("/SpiderInfo", L.DOC_INFO), ("/PieceInfo", L.PIECE_INFO)):
        if key in root:
            found.append(label)
            del root[key]
    action = root.get("/OpenAction")
    if isinstance(action, Dictionary) and str(action.get("/S")) in _RISKY_ACTIONS:
        found.append(L.JAVASCRIPT if action.get("/S") == Name.JavaScript else L.AUTO_ACTIONS)
        del root["/OpenAction"]
    form = root.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form:
        found.append(L.AUTO_ACTIONS)
        del form["/XFA"]
    return found


def _strip_object(obj: Dictionary | pikepdf.Stream) -> list[str]:
    """Per-object metadata: XMP streams, piece info, thumbnails, actions, comment authors."""
    found: list[str] = []
    for key, label in (("/Metadata", L.XMP), ("/PieceInfo", L.PIECE_INFO),
                       ("/LastModified", L.DATES), ("/Thumb", L.THUMBNAIL),
                       ("/AF", L.EMBEDDED_FILES)):
        if key in obj:
            found.append(label)
            del obj[key]
    if "/AA" in obj:
        found.append(L.AUTO_ACTIONS)
        del obj["/AA"]
    if obj.get("/FT") == Name.Sig and "/V" in obj:
        # The signature value holds the signer's name, certificate, place and
        # time; rewriting the file has broken the signature anyway.
        found.append(L.SIGNATURE)
        del obj["/V"]
    if obj.get("/Type") == Name.Annot or "/Subtype" in obj and "/Rect" in obj:
        found += _strip_annotation(obj)
    return found


def _strip_annotation(annot: Dictionary | pikepdf.Stream) -> list[str]:
    found: list[str] = []
    action = annot.get("/A")
    if isinstance(action, Dictionary) and str(action.get("/S")) in _RISKY_ACTIONS - {"/URI"}:
        found.append(L.JAVASCRIPT if action.get("/S") == Name.JavaScript else L.AUTO_ACTIONS)
        del annot["/A"]
    subtype = annot.get("/Subtype")
    if subtype == Name.FileAttachment and "/FS" in annot:
        found.append(L.EMBEDDED_FILES)
        del annot["/FS"]
    if subtype != Name.Widget:  # a widget's /T is its form field name, not a person
        for key in _MARKUP_PRIVATE:
            if key in annot:
                found.append(L.COMMENT_NAMES)
                del annot[key]
    return found


def _strip_jpeg(image: pikepdf.Stream) -> list[str]:
    """Remove EXIF (GPS, camera, owner), XMP and comments from an embedded JPEG.

    PDF converters often copy a phone photo's JPEG bytes into the file as they
    are, EXIF and all; the segments are cut out without touching the pixels.
    """
    filters = image.get("/Filter")
    if isinstance(filters, Array):
        filters = filters[0] if len(filters) == 1 else None
    if filters != Name.DCTDecode:
        return []
    raw = image.read_raw_bytes()
    cleaned, found = strip_jpeg_metadata(raw)
    if cleaned == raw:
        return []
    image.write(cleaned, filter=Name.DCTDecode, decode_parms=image.get("/DecodeParms"))
    return [L.EMBEDDED_IMAGE_METADATA, *(f for f in found if f == L.GPS)]
