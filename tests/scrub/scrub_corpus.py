"""Builders for the test corpus: real files full of identifying metadata.

Every file is made here, in memory, from scratch (Pillow, pikepdf, mutagen,
zip files of hand-written XML), so the tests depend on no fixture files and the
identifying values are known: the tests look for exactly these afterwards.
The benchmark (bench/scrub.py) reuses the builders (run it from the repository root).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile

from PIL import Image, ImageCms, ImageDraw

# Values planted in the corpus; none may survive scrubbing.
PERSON = "Zhang San"
EDITOR = "Li Si"
COMMENTER = "Wang Wu"
ORG = "Lhasa Legal Aid Office"
SERIAL = "C39XK1234567"
MODEL = "iPhone 15 Pro"
DELETED_WORDS = "informant Dolkar"  # text deleted in a tracked change / earlier PDF revision
IDENTIFYING = (PERSON, EDITOR, COMMENTER, ORG, SERIAL, MODEL, DELETED_WORDS)

# --- EXIF, written by hand so that it has everything (Pillow cannot write IFD1) ---

ASCII, SHORT, LONG, RATIONAL, UNDEFINED, BYTE = 2, 3, 4, 5, 7, 1


def _value(kind: int, value: object) -> tuple[int, bytes]:
    if kind == ASCII:
        raw = str(value).encode() + b"\x00"
        return len(raw), raw
    if kind == SHORT:
        vals = list(value) if isinstance(value, (list, tuple)) else [value]
        return len(vals), b"".join(struct.pack("<H", v) for v in vals)
    if kind == LONG:
        vals = list(value) if isinstance(value, (list, tuple)) else [value]
        return len(vals), b"".join(struct.pack("<I", v) for v in vals)
    if kind == RATIONAL:
        return len(value), b"".join(struct.pack("<II", n, d) for n, d in value)
    raw = bytes(value)
    return len(raw), raw


def _ifd(entries: list[tuple[int, int, object]], start: int, next_ifd: int) -> bytes:
    """One IFD at offset ``start``; values longer than 4 bytes follow the table."""
    entries = sorted(entries, key=lambda e: e[0])
    table = struct.pack("<H", len(entries))
    data = b""
    data_start = start + 2 + 12 * len(entries) + 4
    for tag, kind, value in entries:
        count, raw = _value(kind, value)
        if len(raw) <= 4:
            field = raw.ljust(4, b"\x00")
        else:
            field = struct.pack("<I", data_start + len(data))
            data += raw + (b"\x00" if len(raw) % 2 else b"")
        table += struct.pack("<HHI", tag, kind, count) + field
    return table + struct.pack("<I", next_ifd) + data


def _ifd_size(entries: list[tuple[int, int, object]]) -> int:
    return len(_ifd(entries, 0, 0))


def exif_blob(orientation: int = 6, thumbnail: bytes | None = None) -> bytes:
    """A full EXIF block: camera, owner, serial, dates, GPS, maker note, thumbnail."""
    if thumbnail is None:
        buf = io.BytesIO()
        Image.new("RGB", (160, 120), (0, 128, 255)).save(buf, "JPEG")
        thumbnail = buf.getvalue()
    exif_ifd = [
        (33434, RATIONAL, [(1, 120)]), (36867, ASCII, "2024:03:01 14:22:33"),
        (36868, ASCII, "2024:03:01 14:22:33"), (36880, ASCII, "+08:00"),
        (37500, UNDEFINED, b"Apple iOS\x00\x00\x01MM" + b"\x00" * 40),
        (37510, UNDEFINED, b"ASCII\x00\x00\x00taken outside the court"),
        (42016, ASCII, "0123456789ABCDEF0123456789ABCDEF"), (42032, ASCII, PERSON),
        (42033, ASCII, SERIAL), (42035, ASCII, "Apple"), (42036, ASCII, MODEL + " back camera"),
    ]
    gps_ifd = [
        (0, BYTE, b"\x02\x03\x00\x00"), (1, ASCII, "N"),
        (2, RATIONAL, [(29, 1), (39, 1), (1234, 100)]),
        (3, ASCII, "E"), (4, RATIONAL, [(91, 1), (7, 1), (2, 1)]), (5, BYTE, b"\x00"),
        (6, RATIONAL, [(3650, 1)]), (29, ASCII, "2024:03:01"),
    ]
    ifd0_base = [
        (270, ASCII, "Detention notice"), (271, ASCII, "Apple"), (272, ASCII, MODEL),
        (274, SHORT, orientation), (305, ASCII, "17.1.2"), (306, ASCII, "2024:03:01 14:22:33"),
        (315, ASCII, PERSON), (316, ASCII, "zhangs-MacBook"), (33432, ASCII, PERSON),
    ]
    ifd0 = ifd0_base + [(34665, LONG, 0), (34853, LONG, 0)]
    off0 = 8
    off_exif = off0 + _ifd_size(ifd0)
    off_gps = off_exif + _ifd_size(exif_ifd)
    ifd1 = [(259, SHORT, 6), (513, LONG, 0), (514, LONG, len(thumbnail))]
    off1 = off_gps + _ifd_size(gps_ifd)
    off_thumb = off1 + _ifd_size(ifd1)
    ifd0 = ifd0_base + [(34665, LONG, off_exif), (34853, LONG, off_gps)]
    ifd1 = [(259, SHORT, 6), (513, LONG, off_thumb), (514, LONG, len(thumbnail))]
    tiff = (b"II*\x00" + struct.pack("<I", off0) + _ifd(ifd0, off0, off1)
            + _ifd(exif_ifd, off_exif, 0) + _ifd(gps_ifd, off_gps, 0) + _ifd(ifd1, off1, 0)
            + thumbnail)
    return b"Exif\x00\x00" + tiff


XMP = (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">'
    f'<dc:creator><rdf:Seq><rdf:li>{PERSON}</rdf:li></rdf:Seq></dc:creator>'
    '<xmp:CreatorTool>Adobe Lightroom</xmp:CreatorTool>'
    '<photoshop:City>Lhasa</photoshop:City></rdf:Description></rdf:RDF></x:xmpmeta>'
    '<?xpacket end="w"?>'
).encode()


def device_icc() -> bytes:
    """An sRGB profile whose header names a device maker and model."""
    icc = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    icc[48:52] = b"APPL"
    icc[52:56] = b"iP15"
    return bytes(icc)


def iptc_segment() -> bytes:
    """A Photoshop APP13 segment with IPTC by-line and city."""
    def record(dataset: int, value: str) -> bytes:
        raw = value.encode()
        return b"\x1c\x02" + bytes([dataset]) + struct.pack(">H", len(raw)) + raw

    iptc = record(80, PERSON) + record(90, "Lhasa")
    res = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    res += b"\x00" * (len(res) % 2)
    payload = b"Photoshop 3.0\x00" + res
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def two_colour(size: tuple[int, int]) -> Image.Image:
    """Left half red, right half blue: shows whether orientation was applied."""
    im = Image.new("RGB", size, (220, 20, 20))
    ImageDraw.Draw(im).rectangle([size[0] // 2, 0, size[0], size[1]], fill=(20, 20, 220))
    return im


def jpeg_full(size: tuple[int, int] = (640, 480), orientation: int = 6,
              trailer: bytes = b"PK\x03\x04appended archive with a secret") -> bytes:
    """JPEG with EXIF (GPS, serial, owner, thumbnail), XMP, IPTC, ICC, comment, trailer."""
    buf = io.BytesIO()
    two_colour(size).save(buf, "JPEG", quality=90, exif=exif_blob(orientation),
                          icc_profile=device_icc(), comment=f"by {PERSON}".encode(), xmp=XMP)
    data = buf.getvalue()
    return data[:2] + iptc_segment() + data[2:] + trailer


def photo_like(size: tuple[int, int]) -> Image.Image:
    """Smooth gradients plus noise: compresses like a photo (for the benchmark)."""
    w, h = size
    grad = Image.linear_gradient("L").resize((w, h))
    noise = Image.effect_noise((w, h), 40)
    return Image.merge("RGB", (grad, noise, grad.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))


def png_full() -> bytes:
    """PNG with text chunks (author, software, time, comment), XMP, eXIf, tIME, trailer."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PERSON)
    info.add_text("Software", "Snipaste 2.8")
    info.add_text("Creation Time", "2024-03-01T14:22:33+08:00")
    info.add_itxt("Comment", f"screenshot sent by {EDITOR}")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 3, 1, 14, 22, 33))
    buf = io.BytesIO()
    two_colour((300, 200)).save(buf, "PNG", pnginfo=info, exif=exif_blob(1)[6:])
    return buf.getvalue() + b"trailing secret " + PERSON.encode()


def webp_full() -> bytes:
    buf = io.BytesIO()
    two_colour((320, 240)).save(buf, "WEBP", quality=80, exif=exif_blob(1), xmp=XMP,
                                icc_profile=device_icc())
    return buf.getvalue()


def gif_full() -> bytes:
    frames = [two_colour((120, 80)).convert("P"), two_colour((120, 80)).rotate(180).convert("P")]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0,
                   comment=f"made by {PERSON}".encode())
    return buf.getvalue()


def tiff_full() -> bytes:
    from PIL import TiffImagePlugin

    ifd = TiffImagePlugin.ImageFileDirectory_v2()
    ifd[315] = PERSON
    ifd[271] = "Canon"
    ifd[272] = MODEL
    ifd[305] = "VueScan 9.8"
    ifd[306] = "2024:03:01 14:22:33"
    ifd[316] = "zhangs-MacBook"
    buf = io.BytesIO()
    two_colour((200, 100)).save(buf, "TIFF", tiffinfo=ifd, compression="tiff_lzw")
    return buf.getvalue()


def heic_full() -> bytes:
    import pillow_heif

    heif = pillow_heif.from_pillow(two_colour((256, 192)))
    buf = io.BytesIO()
    heif.save(buf, quality=60, exif=exif_blob(1), xmp=XMP)
    return buf.getvalue()


def avif_full() -> bytes:
    buf = io.BytesIO()
    two_colour((128, 96)).save(buf, "AVIF", quality=60, exif=exif_blob(1), xmp=XMP)
    return buf.getvalue()


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG whose header claims 10 gigapixels."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))


# --- PDF -------------------------------------------------------------------------


def pdf_full(pages: int = 3, incremental: bool = True) -> bytes:
    """PDF with info, XMP, an attachment, JavaScript, page-piece info, a comment
    with its author, and (optionally) an incremental update hiding old text."""
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica))
    for i in range(pages):
        text = f"Draft: {DELETED_WORDS}" if i == 0 else f"Page {i + 1} of the report"
        content = pdf.make_stream(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
        page = pdf.add_blank_page(page_size=(300, 300))
        page.obj.Contents = content
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    pdf.pages[0].obj.PieceInfo = Dictionary(Illustrator=Dictionary(
        LastModified=String("D:20240301142233+08'00'"), Private=String(PERSON)))
    pdf.pages[0].obj.LastModified = String("D:20240301142233+08'00'")
    note = pdf.make_indirect(Dictionary(
        Type=Name.Annot, Subtype=Name.Text, Rect=Array([10, 10, 40, 40]),
        Contents=String("check the date"), T=String(COMMENTER),
        M=String("D:20240301142233+08'00'")))
    pdf.pages[0].obj.Annots = Array([note])
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [PERSON]
        meta["xmp:CreatorTool"] = "Microsoft Word"
        meta["pdf:Producer"] = "Microsoft Word"
    pdf.docinfo["/Author"] = PERSON
    pdf.docinfo["/Creator"] = "Microsoft Word for Microsoft 365"
    pdf.docinfo["/Producer"] = "Microsoft Word for Microsoft 365"
    pdf.docinfo["/Title"] = f"Report by {PERSON}"
    pdf.docinfo["/Company"] = ORG
    pdf.docinfo["/CreationDate"] = "D:20240301142233+08'00'"
    pdf.attachments["contacts.txt"] = pikepdf.AttachedFileSpec(
        pdf, f"{EDITOR} +86 139 0000 0000".encode(), filename="contacts.txt")
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('hi')")))
    pdf.Root.OpenAction = js
    pdf.Root.Names.JavaScript = Dictionary(Names=Array([String("hello"), js]))
    buf = io.BytesIO()
    pdf.save(buf, object_stream_mode=pikepdf.ObjectStreamMode.disable, compress_streams=False,
             static_id=True)
    data = buf.getvalue()
    return _incremental_update(data) if incremental else data


def _incremental_update(data: bytes) -> bytes:
    """Append a revision that replaces page 1's text; the old text stays in the file."""
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0].obj
        page_num = page.objgen[0]
        parent = page.Parent.objgen[0]
        font = page.Resources.Font.F1.objgen[0]
        annots = page.Annots[0].objgen[0]
        root = pdf.Root.objgen[0]
        info = pdf.trailer.Info.objgen[0]
        size = int(pdf.trailer.Size)
        prev = int(data[data.rindex(b"startxref") + 9 :].split()[0])
    stream = b"BT /F1 12 Tf 20 100 Td (Final: the report) Tj ET"
    new_num = size
    obj1 = (f"{new_num} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode() + stream
            + b"\nendstream\nendobj\n")
    obj2 = (f"{page_num} 0 obj\n<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 300 300] "
            f"/Contents {new_num} 0 R /Resources << /Font << /F1 {font} 0 R >> >> "
            f"/Annots [{annots} 0 R] >>\nendobj\n").encode()
    off1 = len(data)
    off2 = off1 + len(obj1)
    xref_off = off2 + len(obj2)
    xref = (f"xref\n0 1\n0000000000 65535 f \n{page_num} 1\n{off2:010d} 00000 n \n"
            f"{new_num} 1\n{off1:010d} 00000 n \n"
            f"trailer\n<< /Size {new_num + 1} /Root {root} 0 R /Info {info} 0 R /Prev {prev} >>\n"
            f"startxref\n{xref_off}\n%%EOF\n").encode()
    return data + obj1 + obj2 + xref


def pdf_plain(pages: int) -> bytes:
    """A PDF of ``pages`` text pages with document info (for the benchmark)."""
    import pikepdf
    from pikepdf import Dictionary, Name

    pdf = pikepdf.new()
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1,
                                        BaseFont=Name.Helvetica))
    for i in range(pages):
        lines = " ".join(f"BT /F1 9 Tf 20 {700 - 12 * j} Td (Page {i + 1} line {j}: witness "
                         f"statement text about the detention) Tj ET" for j in range(40))
        lines += " q 240 0 0 180 300 40 cm /Im0 Do Q"
        buf = io.BytesIO()
        photo_like((320, 240)).save(buf, "JPEG", quality=85)  # a scanned photo on each page
        image = pikepdf.Stream(pdf, buf.getvalue(), Type=Name.XObject, Subtype=Name.Image,
                               Width=320, Height=240, ColorSpace=Name.DeviceRGB,
                               BitsPerComponent=8, Filter=Name.DCTDecode)
        page = pdf.add_blank_page(page_size=(612, 792))
        page.obj.Contents = pdf.make_stream(lines.encode())
        page.obj.Resources = Dictionary(Font=Dictionary(F1=font),
                                        XObject=Dictionary(Im0=image))
    pdf.docinfo["/Author"] = PERSON
    pdf.docinfo["/Producer"] = "Microsoft Word"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [PERSON]
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


# --- Office ------------------------------------------------------------------------

CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _core() -> str:
    return (HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>Notes of {PERSON}</dc:title><dc:creator>{PERSON}</dc:creator>'
            f'<cp:lastModifiedBy>{EDITOR}</cp:lastModifiedBy><cp:revision>7</cp:revision>'
            '<dcterms:created xsi:type="dcterms:W3CDTF">2024-03-01T06:22:00Z</dcterms:created>'
            '<dcterms:modified xsi:type="dcterms:W3CDTF">2024-03-02T06:22:00Z</dcterms:modified>'
            '</cp:coreProperties>')


def _app(app: str) -> str:
    return (HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Template>Normal.dotm</Template><TotalTime>95</TotalTime>'
            f'<Application>{app}</Application><Company>{ORG}</Company>'
            f'<Manager>{EDITOR}</Manager><AppVersion>16.0000</AppVersion></Properties>')


def _custom() -> str:
    return (HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
            'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
            f'name="Caseworker"><vt:lpwstr>{EDITOR}</vt:lpwstr></property></Properties>')


def _zip(parts: dict[str, bytes | str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            raw = body.encode() if isinstance(body, str) else body
            zinfo = zipfile.ZipInfo(name, date_time=(2024, 3, 1, 14, 22, 32))
            zinfo.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            zf.writestr(zinfo, raw)
    return buf.getvalue()


def _thumb() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (255, 255, 255)).save(buf, "JPEG")
    return buf.getvalue()


def gps_jpeg(size: tuple[int, int] = (200, 150)) -> bytes:
    buf = io.BytesIO()
    two_colour(size).save(buf, "JPEG", exif=exif_blob(1))
    return buf.getvalue()


W_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
        'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
        'mc:Ignorable="w14 w15"')


def _drawing() -> str:
    return ('<w:r><w:drawing><wp:inline><wp:extent cx="1905000" cy="1428750"/><wp:docPr id="1" '
            'name="Picture 1"/><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
            'drawingml/2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="image1.jpeg"/>'
            '<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill>'
            '<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


_WORDS = ("police", "station", "officer", "family", "lawyer", "visit", "refused", "Geneva",
          "passport", "border", "interrogated", "hours", "night", "phone", "seized", "warned",
          "session", "council", "report", "brother", "mother", "hotel", "detained", "released",
          "summoned", "tea", "security", "bureau", "travel", "ban", "employer", "dismissed")


def docx_full(paragraphs: int = 3, picture: bytes | None = None,
              with_comments: bool = True) -> bytes:
    """docx with properties, custom properties, comments, tracked changes, rsids,
    a template path, printer settings, a thumbnail and a photo with GPS."""
    body = []
    # Varied text compresses like real prose, not 100:1 (seeded: not for secrets).
    rng = random.Random(paragraphs)  # noqa: S311
    for i in range(paragraphs):
        words = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(8, 40)))
        body.append(f'<w:p w:rsidR="00A1B2C3" w:rsidRDefault="00D4E5F6" w14:paraId="1A2B3C{i:02X}" '
                    f'w14:textId="77777777"><w:r w:rsidRPr="00{rng.getrandbits(24):06X}"><w:t>'
                    f'Paragraph {i + 1} of the statement about the detention. {words}</w:t>'
                    '</w:r></w:p>')
    body.insert(1, (
        '<w:p w:rsidR="00A1B2C3"><w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve">'
        'Kept words, </w:t></w:r><w:commentRangeEnd w:id="0"/><w:r><w:commentReference w:id="0"/>'
        f'</w:r><w:ins w:id="1" w:author="{EDITOR}" w:date="2024-03-02T06:00:00Z"><w:r>'
        '<w:t xml:space="preserve">inserted words, </w:t></w:r></w:ins>'
        f'<w:del w:id="2" w:author="{EDITOR}" w:date="2024-03-02T06:01:00Z"><w:r>'
        f'<w:delText>{DELETED_WORDS}</w:delText></w:r></w:del><w:r><w:rPr><w:b/>'
        f'<w:rPrChange w:id="3" w:author="{EDITOR}" w:date="2024-03-02T06:02:00Z"><w:rPr/>'
        '</w:rPrChange></w:rPr><w:t>end.</w:t></w:r></w:p>'))
    body.append('<w:p>' + _drawing() + '</w:p>')
    document = (HEAD + f'<w:document {W_NS}><w:body>' + "".join(body)
                + '<w:sectPr w:rsidR="00A1B2C3"/></w:body></w:document>')
    settings = (HEAD + f'<w:settings {W_NS}><w:trackRevisions/><w:attachedTemplate r:id="rId1"/>'
                '<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00D4E5F6"/></w:rsids>'
                '<w14:docId w14:val="5EAD1A2B"/><w15:docId w15:val="{11111111-2222-3333-4444-'
                '555555555555}"/></w:settings>')
    comments = (HEAD + f'<w:comments {W_NS}><w:comment w:id="0" w:author="{COMMENTER}" '
                'w:initials="WW" w:date="2024-03-02T07:00:00Z"><w:p><w:r><w:t>Is this safe to '
                'send?</w:t></w:r></w:p></w:comment></w:comments>')
    people = (HEAD + f'<w15:people {W_NS}><w15:person w15:author="{COMMENTER}"><w15:presenceInfo '
              'w15:providerId="AD" w15:userId="S-1-5-21-1111"/></w15:person></w15:people>')
    styles = HEAD + f'<w:styles {W_NS}><w:style w:type="paragraph" w:styleId="Normal" ' \
        'w:rsid="00A1B2C3"><w:name w:val="Normal"/></w:style></w:styles>'
    ctypes = (HEAD + f'<Types xmlns="{CT_NS}"><Default Extension="rels" ContentType="application/'
              'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
              'ContentType="application/xml"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
              '<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
              'wordprocessingml.printerSettings"/>'
              '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.document.main+xml"/>'
              '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.styles+xml"/>'
              '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.settings+xml"/>'
              '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.comments+xml"/>'
              '<Override PartName="/word/people.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.wordprocessingml.people+xml"/>'
              '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
              'package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.extended-properties+xml"/>'
              '<Override PartName="/docProps/custom.xml" ContentType="application/vnd.'
              'openxmlformats-officedocument.custom-properties+xml"/></Types>')
    rels = (HEAD + f'<Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OD}/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{OD}/extended-properties" Target="docProps/app.xml"/>'
            f'<Relationship Id="rId4" Type="{OD}/custom-properties" Target="docProps/custom.xml"/>'
            '<Relationship Id="rId5" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/thumbnail" Target="docProps/thumbnail.jpeg"/></Relationships>')
    doc_rels = (HEAD + f'<Relationships xmlns="{REL_NS}">'
                f'<Relationship Id="rId1" Type="{OD}/styles" Target="styles.xml"/>'
                f'<Relationship Id="rId2" Type="{OD}/settings" Target="settings.xml"/>'
                f'<Relationship Id="rId3" Type="{OD}/comments" Target="comments.xml"/>'
                '<Relationship Id="rId4" Type="http://schemas.microsoft.com/office/2011/relationships/'
                'people" Target="people.xml"/>'
                f'<Relationship Id="rId5" Type="{OD}/image" Target="media/image1.jpeg"/>'
                f'<Relationship Id="rId6" Type="{OD}/customXml" Target="../customXml/item1.xml"/>'
                '</Relationships>')
    settings_rels = (HEAD + f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" '
                     f'Type="{OD}/attachedTemplate" Target="file:///C:\\Users\\zhangsan\\AppData\\'
                     'Roaming\\Microsoft\\Templates\\Normal.dotm" TargetMode="External"/>'
                     '</Relationships>')
    parts = {
        "[Content_Types].xml": ctypes, "_rels/.rels": rels,
        "docProps/core.xml": _core(), "docProps/app.xml": _app("Microsoft Office Word"),
        "docProps/custom.xml": _custom(), "docProps/thumbnail.jpeg": _thumb(),
        "word/document.xml": document, "word/_rels/document.xml.rels": doc_rels,
        "word/styles.xml": styles, "word/settings.xml": settings,
        "word/_rels/settings.xml.rels": settings_rels, "word/comments.xml": comments,
        "word/people.xml": people, "word/media/image1.jpeg": picture or gps_jpeg(),
        "word/printerSettings/printerSettings1.bin":
            b"\x00HP LaserJet 4050 \\\\ZHANG-PC" + b"\0" * 64,
        "customXml/item1.xml": f"<root><owner>{PERSON}</owner></root>",
    }
    if not with_comments:  # mat2 refuses word/comments.xml; the benchmark leaves it out
        del parts["word/comments.xml"]
    return _zip(parts)


def xlsx_full() -> bytes:
    """xlsx with properties, a comment with its author, a folder path, printer settings."""
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
         'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' \
         'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ' \
         'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" ' \
         'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" ' \
         'mc:Ignorable="x15ac xr"'
    workbook = (HEAD + f'<workbook {ns}><mc:AlternateContent><mc:Choice Requires="x15">'
                '<x15ac:absPath url="C:\\Users\\zhangsan\\Documents\\cases\\"/></mc:Choice>'
                '</mc:AlternateContent><xr:revisionPtr revIDLastSave="0" '
                'documentId="8_{AAAA-BBBB}" xr6:coauthVersionLast="47" '
                'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6"/>'
                '<sheets><sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>')
    sheet = (HEAD + f'<worksheet {ns} xr:uid="{{12345678-AAAA-BBBB-CCCC-1234567890AB}}"><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>Detained 2024-03-01</t></is></c></row>'
             '</sheetData><pageSetup paperSize="9" r:id="rId2"/></worksheet>')
    comments = (HEAD + '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f'<authors><author>{COMMENTER}</author></authors><commentList><comment ref="A1" '
                'authorId="0"><text><t>verify</t></text></comment></commentList></comments>')
    ctypes = (HEAD + f'<Types xmlns="{CT_NS}"><Default Extension="rels" ContentType="application/'
              'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
              'ContentType="application/xml"/>'
              '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.spreadsheetml.sheet.main+xml"/>'
              '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
              'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
              '<Override PartName="/xl/comments1.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.spreadsheetml.comments+xml"/>'
              '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
              'package.core-properties+xml"/>'
              '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-'
              'officedocument.extended-properties+xml"/></Types>')
    rels = (HEAD + f'<Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OD}/officeDocument" Target="xl/workbook.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{OD}/extended-properties" Target="docProps/app.xml"/>'
            '</Relationships>')
    wb_rels = (HEAD + f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" '
               f'Type="{OD}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    sheet_rels = (HEAD + f'<Relationships xmlns="{REL_NS}">'
                  f'<Relationship Id="rId1" Type="{OD}/comments" Target="../comments1.xml"/>'
                  f'<Relationship Id="rId2" Type="{OD}/printerSettings" '
                  'Target="../printerSettings/printerSettings1.bin"/></Relationships>')
    return _zip({
        "[Content_Types].xml": ctypes, "_rels/.rels": rels, "docProps/core.xml": _core(),
        "docProps/app.xml": _app("Microsoft Excel"), "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": wb_rels, "xl/worksheets/sheet1.xml": sheet,
        "xl/worksheets/_rels/sheet1.xml.rels": sheet_rels, "xl/comments1.xml": comments,
        "xl/printerSettings/printerSettings1.bin": b"\x00Canon iR \\\\ZHANG-PC" + b"\0" * 64,
    })


def pptx_full() -> bytes:
    """pptx with properties, comment authors and a slide creation ID."""
    p_ns = ('xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            'xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main"')
    pres = (HEAD + f'<p:presentation {p_ns}><p:sldIdLst><p:sldId id="256" r:id="rId1"/>'
            '</p:sldIdLst></p:presentation>')
    slide = (HEAD + f'<p:sld {p_ns}><p:cSld><p:spTree><p:sp><p:txBody><a:p><a:r><a:t>Slide about '
             'the case</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld><p:extLst><p:ext '
             'uri="{BB962C8B-B14F-4D97-AF65-F5344CB8AC3E}"><p14:creationId val="3456789012"/>'
             '</p:ext></p:extLst></p:sld>')
    authors = (HEAD + f'<p:cmAuthorLst {p_ns}><p:cmAuthor id="0" name="{COMMENTER}" initials="WW" '
               'lastIdx="1" clrIdx="0"/></p:cmAuthorLst>')
    cm = (HEAD + f'<p:cmLst {p_ns}><p:cm authorId="0" dt="2024-03-02T07:00:00" idx="1">'
          '<p:pos x="10" y="10"/><p:text>check</p:text></p:cm></p:cmLst>')
    ctypes = (HEAD + f'<Types xmlns="{CT_NS}"><Default Extension="rels" ContentType="application/'
              'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
              'ContentType="application/xml"/>'
              '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.'
              'openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
              '<Override PartName="/ppt/slides/slide1.xml" ContentType="application/vnd.'
              'openxmlformats-officedocument.presentationml.slide+xml"/>'
              '<Override PartName="/ppt/commentAuthors.xml" ContentType="application/vnd.'
              'openxmlformats-officedocument.presentationml.commentAuthors+xml"/>'
              '<Override PartName="/ppt/comments/comment1.xml" ContentType="application/vnd.'
              'openxmlformats-officedocument.presentationml.comments+xml"/>'
              '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-'
              'package.core-properties+xml"/></Types>')
    rels = (HEAD + f'<Relationships xmlns="{REL_NS}">'
            f'<Relationship Id="rId1" Type="{OD}/officeDocument" Target="ppt/presentation.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
    pres_rels = (HEAD + f'<Relationships xmlns="{REL_NS}">'
                 f'<Relationship Id="rId1" Type="{OD}/slide" Target="slides/slide1.xml"/>'
                 f'<Relationship Id="rId2" Type="{OD}/commentAuthors" Target="commentAuthors.xml"/>'
                 '</Relationships>')
    slide_rels = (HEAD + f'<Relationships xmlns="{REL_NS}"><Relationship Id="rId1" '
                  f'Type="{OD}/comments" Target="../comments/comment1.xml"/></Relationships>')
    return _zip({
        "[Content_Types].xml": ctypes, "_rels/.rels": rels, "docProps/core.xml": _core(),
        "ppt/presentation.xml": pres, "ppt/_rels/presentation.xml.rels": pres_rels,
        "ppt/slides/slide1.xml": slide, "ppt/slides/_rels/slide1.xml.rels": slide_rels,
        "ppt/commentAuthors.xml": authors, "ppt/comments/comment1.xml": cm,
    })


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
          'xmlns:dc="http://purl.org/dc/elements/1.1/" '
          'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
          'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"')


def odt_full() -> bytes:
    """odt with meta.xml, tracked changes, an annotation, printer settings, thumbnail."""
    meta = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<office:document-meta {ODF_NS} office:version="1.3"><office:meta>'
            f'<meta:initial-creator>{PERSON}</meta:initial-creator><dc:creator>{EDITOR}</dc:creator>'
            '<meta:creation-date>2024-03-01T14:22:33</meta:creation-date>'
            '<dc:date>2024-03-02T14:22:33</dc:date><meta:editing-cycles>7</meta:editing-cycles>'
            '<meta:editing-duration>PT1H5M</meta:editing-duration>'
            '<meta:generator>LibreOffice/7.4.7.2$Linux_X86_64</meta:generator>'
            f'<meta:user-defined meta:name="Organisation">{ORG}</meta:user-defined>'
            '</office:meta></office:document-meta>')
    content = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<office:document-content {ODF_NS} office:version="1.3"><office:body><office:text>'
               '<text:tracked-changes><text:changed-region xml:id="ct1" text:id="ct1">'
               f'<text:deletion><office:change-info><dc:creator>{EDITOR}</dc:creator>'
               '<dc:date>2024-03-02T10:00:00</dc:date></office:change-info>'
               f'<text:p>{DELETED_WORDS}</text:p></text:deletion></text:changed-region>'
               '<text:changed-region xml:id="ct2" text:id="ct2"><text:insertion>'
               '<office:change-info>'
               f'<dc:creator>{EDITOR}</dc:creator><dc:date>2024-03-02T10:01:00</dc:date>'
               '</office:change-info></text:insertion></text:changed-region></text:tracked-changes>'
               '<text:p>Statement about the detention. <text:change text:change-id="ct1"/>'
               '<text:change-start text:change-id="ct2"/>Inserted sentence.'
               '<text:change-end text:change-id="ct2"/></text:p>'
               f'<text:p>Second paragraph.<office:annotation><dc:creator>{COMMENTER}</dc:creator>'
               '<dc:date>2024-03-02T11:00:00</dc:date><text:p>risky?</text:p></office:annotation>'
               '</text:p></office:text></office:body></office:document-content>')
    settings = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<office:document-settings {ODF_NS} office:version="1.3"><office:settings>'
                '<config:config-item-set config:name="ooo:configuration-settings">'
                '<config:config-item config:name="PrinterName" config:type="string">ZHANG-PC '
                'HP LaserJet</config:config-item><config:config-item config:name="PrinterSetup" '
                'config:type="base64Binary">AAAAAAAA</config:config-item>'
                '</config:config-item-set></office:settings></office:document-settings>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<manifest:manifest {ODF_NS} manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.text"/>'
                + "".join(f'<manifest:file-entry manifest:full-path="{n}" '
                          'manifest:media-type="text/xml"/>'
                          for n in ("content.xml", "meta.xml", "settings.xml")) +
                '<manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png" '
                'manifest:media-type="image/png"/></manifest:manifest>')
    thumb = io.BytesIO()
    Image.new("RGB", (32, 32), (255, 255, 255)).save(thumb, "PNG")
    return _zip({
        "mimetype": "application/vnd.oasis.opendocument.text", "content.xml": content,
        "meta.xml": meta, "settings.xml": settings, "Thumbnails/thumbnail.png": thumb.getvalue(),
        "META-INF/manifest.xml": manifest,
    })


def docx_bomb(mib: int = 64) -> bytes:
    """A docx whose document.xml inflates from ~64 KiB to ``mib`` MiB of zeros."""
    good = zipfile.ZipFile(io.BytesIO(docx_full()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in good.infolist():
            if info.filename == "word/document.xml":
                zf.writestr(info.filename, b"\x00" * (mib * 1024 * 1024), compresslevel=9)
            else:
                zf.writestr(info.filename, good.read(info))
    return buf.getvalue()


def docx_with_part(name: str, body: bytes) -> bytes:
    """docx_full with one part replaced (for hostile XML)."""
    good = zipfile.ZipFile(io.BytesIO(docx_full()))
    parts = {i.filename: good.read(i) for i in good.infolist()}
    parts[name] = body
    return _zip(parts)


# --- Audio ---------------------------------------------------------------------------


def mp3_frames(count: int = 40) -> bytes:
    """MPEG-1 Layer III frames (128 kbit/s, 44.1 kHz) of silence."""
    frame = b"\xff\xfb\x90\x64" + b"\x00" * (417 - 4)
    return frame * count


def mp3_full() -> bytes:
    """MP3 with ID3v2 (artist, title, date, comment, cover, encoder, private) and ID3v1."""
    from mutagen.id3 import APIC, COMM, ID3, PRIV, TDRC, TIT2, TPE1, TSSE

    buf = io.BytesIO(mp3_frames())
    tags = ID3()
    tags.add(TPE1(encoding=3, text=[PERSON]))
    tags.add(TIT2(encoding=3, text=["Testimony recorded in Lhasa"]))
    tags.add(TDRC(encoding=3, text=["2024-03-01T14:22"]))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=[f"recorded by {EDITOR}"]))
    tags.add(TSSE(encoding=3, text=["Voice Recorder 2.1 (SM-G991B)"]))
    tags.add(APIC(encoding=3, mime="image/jpeg", type=3, desc="cover", data=_thumb()))
    tags.add(PRIV(owner="com.example.recorder", data=SERIAL.encode()))
    tags.save(buf)
    v1 = b"TAG" + b"Testimony".ljust(30, b"\0") + PERSON.encode().ljust(30, b"\0") \
        + b"".ljust(30, b"\0") + b"2024" + b"".ljust(30, b"\0") + b"\xff"
    return buf.getvalue() + v1


def wav_full() -> bytes:
    """WAV with LIST/INFO (artist, software) and a bext recorder chunk."""
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x01\x00" * 8000)
    riff = buf.getvalue()

    def chunk(kind: bytes, body: bytes) -> bytes:
        return kind + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")

    info = b"INFO" + chunk(b"IART", PERSON.encode() + b"\0") + chunk(b"ISFT", b"Zoom H1n\0")
    bext = (f"recorded by {PERSON}".encode().ljust(256, b"\0") + MODEL.encode().ljust(32, b"\0")
            + SERIAL.encode().ljust(32, b"\0") + b"2024-03-0114:22:33" + b"\0" * 300)
    body = riff[12:] + chunk(b"LIST", info) + chunk(b"bext", bext)
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WAVE" + body


# --- Video (needs ffmpeg) ---------------------------------------------------------------


def video(fmt: str) -> bytes:
    """A one-second video with make, model, GPS and date tags, built by ffmpeg."""
    import subprocess
    import tempfile

    codecs = {"mov": ["-c:v", "mpeg4", "-c:a", "aac"], "mp4": ["-c:v", "mpeg4", "-c:a", "aac"],
              "webm": ["-c:v", "libvpx", "-deadline", "realtime", "-c:a", "libopus"]}
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/v.{fmt}"
        cmd = ["ffmpeg", "-v", "error", "-f", "lavfi",
               "-i", "testsrc=size=160x120:rate=10:duration=1",
               "-f", "lavfi", "-i", "sine=duration=1", *codecs[fmt], "-shortest",
               "-metadata", f"title=Testimony of {PERSON}", "-metadata", f"artist={PERSON}",
               "-metadata", "creation_time=2024-03-01T14:22:33Z",
               "-metadata", "location=+29.6500+091.1000/", "-metadata", "make=Apple",
               "-metadata", f"model={MODEL}", "-metadata", f"comment=filmed by {EDITOR}"]
        if fmt in ("mov", "mp4"):
            cmd += ["-movflags", "use_metadata_tags"]
        subprocess.run([*cmd, out], check=True, capture_output=True, timeout=60)
        with open(out, "rb") as fh:
            return fh.read()


def audio(fmt: str) -> bytes:
    """A one-second tone with artist, date and comment tags, built by ffmpeg."""
    import subprocess
    import tempfile

    codecs = {"flac": ["-c:a", "flac"], "ogg": ["-c:a", "libvorbis"], "m4a": ["-c:a", "aac"]}
    with tempfile.TemporaryDirectory() as tmp:
        out = f"{tmp}/a.{fmt}"
        cmd = ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", *codecs[fmt],
               "-metadata", f"artist={PERSON}", "-metadata", "date=2024-03-01",
               "-metadata", f"comment=recorded by {EDITOR}", "-metadata", f"title={ORG}", out]
        subprocess.run(cmd, check=True, capture_output=True, timeout=60)
        with open(out, "rb") as fh:
            return fh.read()


def docx_lying_bomb(real_mib: int = 200, claimed: int = 100) -> bytes:
    """A docx with an entry that claims ``claimed`` bytes but inflates to ``real_mib`` MiB."""
    import zlib

    good = zipfile.ZipFile(io.BytesIO(docx_full()))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in good.infolist():
            zf.writestr(info.filename, good.read(info))
        zf.writestr("word/media/blob.bin", b"\x00" * (real_mib * 1024 * 1024), compresslevel=9)
    raw = bytearray(buf.getvalue())
    crc = struct.pack("<I", zlib.crc32(b"\x00" * claimed) & 0xFFFFFFFF)
    size = struct.pack("<I", claimed)
    name = b"word/media/blob.bin"
    local = raw.rindex(b"PK\x03\x04", 0, raw.index(name))
    raw[local + 14 : local + 18] = crc
    raw[local + 22 : local + 26] = size
    central = raw.rindex(b"PK\x01\x02", 0, raw.rindex(name))
    raw[central + 16 : central + 20] = crc
    raw[central + 24 : central + 28] = size
    return bytes(raw)
