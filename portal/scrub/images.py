"""Pictures: decode the pixels and encode them again, so nothing else survives.

Re-encoding (rather than cutting metadata segments out) is the point: EXIF, GPS,
XMP, IPTC, comments, thumbnails, MakerNotes, extra MPF images and anything
appended after the image cannot ride along, because only pixels are written.
The EXIF orientation is applied first so the picture still looks the right way
up, and the dimensions are kept.  HEIC/HEIF and AVIF, which few programs open,
become JPEG (or PNG when they have transparency).

Colour profiles: a profile that is not sRGB is converted away (the pixels are
transformed to sRGB with LittleCMS and the profile dropped).  Profiles carry a
device manufacturer, model, creator and creation date in their header and often
a device or calibration name in their description, so keeping "harmless" ones
would need a judgement per profile; converting keeps the colours right in every
viewer (untagged pictures are shown as sRGB) at the cost of clipping wide-gamut
colours, which does not matter for evidence photos and scans.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from struct import error as struct_error

from PIL import Image, ImageCms, ImageOps, ImageSequence, JpegImagePlugin
from PIL.ExifTags import IFD

from portal.scrub import labels as L
from portal.scrub.limits import Limits
from portal.scrub.result import Cleaned, Rejected

_PIL_FORMAT = {
    "image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF",
    "image/tiff": "TIFF", "image/bmp": "BMP", "image/avif": "AVIF",
}
_ANIMATED = ("image/gif", "image/webp", "image/png")
_MULTI_FRAME = (*_ANIMATED, "image/tiff")  # a TIFF may hold every page of a scanned document

# EXIF tags (IFD0 and the Exif IFD) and the human term for what they reveal.
_EXIF_LABELS: dict[int, str] = {
    269: L.TITLE, 270: L.DESCRIPTION, 271: L.CAMERA_MAKE, 272: L.CAMERA_MODEL,
    285: L.TITLE, 305: L.SOFTWARE, 306: L.DATE_TAKEN, 315: L.AUTHOR, 316: L.COMPUTER,
    33432: L.COPYRIGHT, 700: L.XMP, 33723: L.IPTC, 34377: L.IPTC,
    40091: L.TITLE, 40092: L.COMMENTS, 40093: L.AUTHOR, 40094: L.TITLE, 40095: L.TITLE,
    50708: L.CAMERA_MODEL, 50735: L.SERIAL,
    36867: L.DATE_TAKEN, 36868: L.DATE_TAKEN, 36880: L.DATE_TAKEN, 36881: L.DATE_TAKEN,
    36882: L.DATE_TAKEN, 37520: L.DATE_TAKEN, 37521: L.DATE_TAKEN, 37522: L.DATE_TAKEN,
    37500: L.MAKER_NOTES, 37510: L.COMMENTS, 42016: L.UNIQUE_ID, 42032: L.OWNER,
    42033: L.SERIAL, 42034: L.LENS, 42035: L.LENS, 42036: L.LENS, 42037: L.SERIAL,
}
# Structural IFD0 tags that say nothing about who made the picture.
_STRUCTURAL = {
    256, 257, 258, 259, 262, 273, 274, 277, 278, 279, 282, 283, 284, 296, 317, 318, 319,
    320, 322, 323, 324, 325, 338, 339, 529, 530, 531, 532, 34665, 34853, 40965, 34675,
}
_PNG_TEXT_LABELS = {
    "author": L.AUTHOR, "software": L.SOFTWARE, "creation time": L.DATES, "title": L.TITLE,
    "description": L.DESCRIPTION, "copyright": L.COPYRIGHT, "comment": L.COMMENTS,
    "source": L.CAMERA_MODEL, "xml:com.adobe.xmp": L.XMP,
    "raw profile type exif": L.CAMERA_SETTINGS,
    "raw profile type app1": L.CAMERA_SETTINGS, "raw profile type iptc": L.IPTC,
    "raw profile type 8bim": L.IPTC, "raw profile type xmp": L.XMP,
}
_SRGB = ImageCms.createProfile("sRGB")


def clean_image(data: bytes, media_type: str, limits: Limits, *,
                apply_orientation: bool = True) -> Cleaned:
    """Re-encode a picture's pixels; return the new bytes and what was removed."""
    found: list[str] = []
    if media_type == "image/jpeg":
        found += _jpeg_segments(data)
    elif media_type == "image/png":
        found += _png_chunks(data)
    if media_type == "image/heic":
        im, info = _open_heif(data, limits)
    else:
        im = _open_pillow(data, media_type, limits)
        info = dict(im.info)
    found += _info_labels(info, im if media_type != "image/heic" else None)
    try:
        frames, durations = _decode(im, media_type, apply_orientation, limits)
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise Rejected(L.R_DAMAGED) from exc
    icc = info.get("icc_profile")
    if icc:
        frames = [_to_srgb(f, icc) for f in frames]
    out_type, data_out = _encode(frames, durations, info, im, media_type)
    warns = [L.TRANSCODED] if out_type != media_type else []
    return Cleaned(data_out, out_type, found, warns)


def _pixel_check(size: tuple[int, int], frames: int, limits: Limits) -> None:
    """Refuse pictures whose pixel count would exhaust memory (decompression bombs)."""
    w, h = size
    if w <= 0 or h <= 0:
        raise Rejected(L.R_DAMAGED)
    if w * h > limits.max_pixels or w * h * frames > limits.max_total_pixels:
        raise Rejected(L.R_TOO_MANY_PIXELS)
    if frames > limits.max_frames:
        raise Rejected(L.R_TOO_COMPLEX)


def _open_pillow(data: bytes, media_type: str, limits: Limits) -> Image.Image:
    """Open with the one Pillow plugin for the detected type (polyglots get no choice)."""
    # Pillow's own bomb check warns above MAX_IMAGE_PIXELS (89 megapixels) and
    # raises above twice that.  The warning is silenced because our configured
    # cap (Limits.max_pixels, checked right below) decides, so a 108-megapixel
    # phone photo can be cleaned; the error still refuses anything larger.
    # catch_warnings() touches process-wide state; at worst a concurrent thread's
    # bomb warning is silenced too, and that thread checks its own cap as well.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=[_PIL_FORMAT[media_type]])
        except Image.DecompressionBombError as exc:
            raise Rejected(L.R_TOO_MANY_PIXELS) from exc
        except (OSError, ValueError, SyntaxError, EOFError, KeyError, IndexError) as exc:
            raise Rejected(L.R_DAMAGED) from exc
    frames = getattr(im, "n_frames", 1) if media_type in _MULTI_FRAME else 1
    _pixel_check(im.size, frames, limits)
    return im


def _open_heif(data: bytes, limits: Limits) -> tuple[Image.Image, dict[str, object]]:
    """Decode the primary picture of a HEIC/HEIF file with pillow-heif."""
    import pillow_heif  # imported here: only HEIC uploads pay for loading libheif

    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        _pixel_check(heif.size, 1, limits)
        info = dict(heif.info)
        if len(heif) > 1 or info.get("depth_images"):
            info["_extra_images"] = True
        # libheif applies the container's rotation (irot/imir) while decoding, so
        # no EXIF orientation is applied on top.
        im = Image.frombytes(heif.mode, heif.size, bytes(heif.data), "raw", heif.mode, heif.stride)
    except Rejected:
        raise
    except (OSError, ValueError, RuntimeError, EOFError) as exc:
        raise Rejected(L.R_DAMAGED) from exc
    return im, info


def _decode(im: Image.Image, media_type: str, apply_orientation: bool,
            limits: Limits) -> tuple[list[Image.Image], list[int]]:
    """Load every frame (the first only for still formats), upright, without metadata."""
    if media_type in _MULTI_FRAME and getattr(im, "n_frames", 1) > 1:
        frames, durations = [], []
        total = 0
        for frame in ImageSequence.Iterator(im):
            # Frames (TIFF pages) may differ in size; count each one.
            _pixel_check(frame.size, 1, limits)
            total += frame.size[0] * frame.size[1]
            if total > limits.max_total_pixels:
                raise Rejected(L.R_TOO_MANY_PIXELS)
            page = frame.copy()
            if media_type == "image/tiff" and apply_orientation:
                page = ImageOps.exif_transpose(frame) or page
            frames.append(_bare(page))
            durations.append(int(frame.info.get("duration", 100)))
        return frames, durations
    if media_type == "image/heic":
        return [_bare(im)], []
    # Pillow's default (ImageFile.LOAD_TRUNCATED_IMAGES False) makes truncated
    # files raise here rather than be padded with grey; we rely on it.
    im.load()
    if media_type == "image/jpeg":
        # In place: copying a 12-megapixel photo costs a sixth of the whole scrub.
        # (Other savers, TIFF's above all, read tags from the opened file object,
        # so those get a plain copy that carries nothing over.)
        if apply_orientation:
            ImageOps.exif_transpose(im, in_place=True)
        return [_bare(im)], []
    upright = ImageOps.exif_transpose(im) if apply_orientation else im.copy()
    return [_bare(upright if upright is not None else im.copy())], []


def _bare(im: Image.Image) -> Image.Image:
    """The same pixels with every piece of attached information forgotten."""
    wanted = ("transparency", "duration", "loop", "background")
    keep = {k: im.info[k] for k in wanted if k in im.info}
    im.info.clear()
    im.info.update(keep)
    im._exif = None  # noqa: SLF001 - Pillow caches parsed EXIF here; savers may consult it
    return im


def _to_srgb(im: Image.Image, icc: object) -> Image.Image:
    """Convert pixels from an embedded colour profile to sRGB (see module docstring)."""
    if im.mode not in ("RGB", "RGBA", "CMYK") or not isinstance(icc, bytes):
        return im
    try:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(src) or "").lower():
            return im
        out_mode = "RGBA" if im.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(im, src, _SRGB, outputMode=out_mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return im  # an unusable profile is simply dropped
    return _bare(converted) if converted is not None else im


def _encode(frames: list[Image.Image], durations: list[int], info: dict[str, object],
            src: Image.Image, media_type: str) -> tuple[str, bytes]:
    """Write the frames in the original format (HEIC/AVIF become JPEG or PNG)."""
    out = io.BytesIO()
    first = frames[0]
    target = media_type
    if media_type in ("image/heic", "image/avif"):
        target = "image/png" if "A" in first.mode or "transparency" in first.info else "image/jpeg"
    if target == "image/jpeg":
        img = first if first.mode in ("L", "RGB", "CMYK") else first.convert("RGB")
        opts: dict[str, object] = {"quality": 92}
        if isinstance(src, JpegImagePlugin.JpegImageFile) and src.quantization:
            # Reuse the sender's quantisation tables: same quality, no extra loss.
            opts = {"qtables": src.quantization}
            sampling = JpegImagePlugin.get_sampling(src)
            if sampling >= 0:
                opts["subsampling"] = sampling
        img.save(out, "JPEG", **opts)
    elif target == "image/png":
        if len(frames) > 1:
            first.save(out, "PNG", save_all=True, append_images=frames[1:], duration=durations,
                       loop=int(info.get("loop", 0) or 0))
        else:
            first.save(out, "PNG", compress_level=6)
    elif target == "image/gif":
        extra: dict[str, object] = {}
        if "transparency" in first.info:
            extra["transparency"] = first.info["transparency"]
        if len(frames) > 1:
            extra.update(save_all=True, append_images=frames[1:], duration=durations,
                         loop=int(info.get("loop", 0) or 0))
        first.save(out, "GIF", **extra)
    elif target == "image/webp":
        lossless = b"VP8L" in _head_chunks(src)
        img_opts = {"lossless": True} if lossless else {"quality": 90}
        first.save(out, "WEBP", save_all=len(frames) > 1, append_images=frames[1:],
                   duration=durations or 0, loop=int(info.get("loop", 0) or 0), **img_opts)
    elif target == "image/tiff":
        compression = info.get("compression")
        bilevel = all(f.mode == "1" for f in frames)
        if compression not in ("tiff_lzw", "tiff_adobe_deflate", "packbits") and not (
                compression == "group4" and bilevel):
            compression = "group4" if bilevel else "tiff_deflate"
        first.save(out, "TIFF", compression=compression, save_all=len(frames) > 1,
                   append_images=frames[1:])
    else:
        first.save(out, "BMP")
    return target, out.getvalue()


def _head_chunks(src: Image.Image) -> bytes:
    """The first bytes of the source file (WebP: says lossy or lossless)."""
    fp = getattr(src, "fp", None)
    if fp is None:
        return b""
    try:
        fp.seek(0)
        return bytes(fp.read(64))
    except (OSError, ValueError):
        return b""


# --- What the file carried ---------------------------------------------------


def _info_labels(info: dict[str, object], im: Image.Image | None) -> list[str]:
    """Labels for the metadata Pillow / pillow-heif found attached to the picture."""
    found: list[str] = []
    exif_bytes = info.get("exif")
    exif = None
    if im is not None:
        try:
            exif = im.getexif()
        except (OSError, ValueError, SyntaxError, TypeError, KeyError):
            exif = None
    elif isinstance(exif_bytes, bytes):
        exif = Image.Exif()
        try:
            exif.load(exif_bytes)
        except (OSError, ValueError, SyntaxError, TypeError, KeyError):
            exif = None
    if exif:
        found += _exif_labels(exif)
    if info.get("xmp") or info.get("XML:com.adobe.xmp"):
        found.append(L.XMP)
    if info.get("icc_profile"):
        found.append(L.ICC)
    if info.get("comment"):
        found.append(L.COMMENTS)
    if info.get("photoshop"):
        found.append(L.IPTC)
    if info.get("thumbnails"):
        found.append(L.THUMBNAIL)
    if info.get("_extra_images"):
        found.append(L.EXTRA_IMAGES)
    return found


def _exif_labels(exif: Image.Exif) -> list[str]:
    """Human terms for the EXIF tags present (IFD0, Exif IFD, GPS IFD, thumbnail IFD)."""
    found = [_EXIF_LABELS[t] for t in exif if t in _EXIF_LABELS]
    if any(t not in _EXIF_LABELS and t not in _STRUCTURAL and t < 0xC000 for t in exif):
        found.append(L.CAMERA_SETTINGS)

    def ifd(which: int) -> dict[int, object]:
        try:
            return dict(exif.get_ifd(which))
        except (OSError, ValueError, SyntaxError, TypeError, KeyError, struct_error):
            return {}

    gps = ifd(IFD.GPSInfo)
    if any(k for k in gps if k not in (0,)):  # 0 is GPSVersionID alone
        found.append(L.GPS)
    sub = ifd(IFD.Exif)
    found += [_EXIF_LABELS[t] for t in sub if t in _EXIF_LABELS]
    if any(t not in _EXIF_LABELS and t != 40965 for t in sub):
        found.append(L.CAMERA_SETTINGS)
    if ifd(IFD.IFD1):
        found.append(L.THUMBNAIL)
    return found


def _segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Walk a JPEG's marker segments up to the first scan; yields (marker, payload)."""
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        yield marker, data[pos + 4 : pos + 2 + length]
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return
        pos += 2 + length


def _jpeg_segments(data: bytes) -> list[str]:
    """Labels for APPn/COM segments and for data appended after the picture."""
    found: list[str] = []
    mpf = False
    for marker, payload in _segments(data):
        if marker == 0xE0 and payload.startswith(b"JFXX"):
            found.append(L.THUMBNAIL)
        elif marker == 0xE1 and payload.startswith(b"Exif"):
            continue  # parsed tag by tag in _exif_labels
        elif marker == 0xE1 and payload.startswith((b"http://ns.adobe.com/xap", b"http://ns.adobe.com/xmp")):
            found.append(L.XMP)
        elif marker == 0xE2 and payload.startswith(b"ICC_PROFILE"):
            found.append(L.ICC)
        elif marker == 0xE2 and payload.startswith(b"MPF"):
            found.append(L.EXTRA_IMAGES)
            mpf = True
        elif marker == 0xED:
            found.append(L.IPTC)
        elif marker == 0xFE:
            found.append(L.COMMENTS)
        elif 0xE3 <= marker <= 0xEF and marker not in (0xEE,):
            found.append(L.TEXT_NOTES)
    end = data.rfind(b"\xff\xd9")
    tail = data[end + 2 :] if end >= 0 else b""
    if not mpf and tail.strip(b"\x00\r\n \xff"):
        found.append(L.TRAILING_DATA)
    return found


def _png_chunks(data: bytes) -> list[str]:
    """Labels for PNG text, time and private chunks, and data after IEND."""
    found: list[str] = []
    pos = 8
    n = len(data)
    while pos + 8 <= n:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + min(length, 80)]
        if kind in (b"tEXt", b"zTXt", b"iTXt"):
            key = body.split(b"\x00", 1)[0].decode("latin-1").lower()
            found.append(_PNG_TEXT_LABELS.get(key, L.TEXT_NOTES))
        elif kind == b"tIME":
            found.append(L.DATES)
        elif kind == b"IEND":
            if data[pos + 12 :].strip(b"\x00"):
                found.append(L.TRAILING_DATA)
            break
        elif kind[:1].islower() and kind not in (b"eXIf", b"iCCP", b"pHYs", b"sRGB", b"gAMA",
                                                 b"cHRM", b"sBIT", b"bKGD", b"hIST", b"tRNS",
                                                 b"sPLT", b"acTL", b"fcTL", b"fdAT", b"cICP"):
            found.append(L.TEXT_NOTES)
        pos += 12 + length
    return found


# APPn segments a JPEG decoder needs: JFIF (APP0, density) and Adobe (APP14,
# colour transform).  Everything else before the scan is metadata.
_KEEP_APP = {0xE0, 0xEE}


def strip_jpeg_metadata(data: bytes) -> tuple[bytes, list[str]]:
    """Cut metadata segments out of a JPEG without decoding it (lossless).

    For JPEGs inside PDFs, whose pixels must stay exactly as they are: EXIF
    (with GPS), XMP, IPTC, ICC, comments and vendor segments go, as does
    anything after the end of the first picture (MPF extra images, trailers).
    A segment walk that does not reach the scan leaves the data unchanged.
    """
    found = _jpeg_segments(data)
    exif = next((p for m, p in _segments(data) if m == 0xE1 and p.startswith(b"Exif")), None)
    if exif is not None:
        parsed = Image.Exif()
        try:
            parsed.load(exif)
            found += _exif_labels(parsed)
        except (OSError, ValueError, SyntaxError, TypeError, KeyError, struct_error):
            found.append(L.CAMERA_SETTINGS)
    kept = [b"\xff\xd8"]
    pos = 2
    for marker, payload in _segments(data):
        seg_len = len(payload) + 4
        start = data.find(b"\xff" + bytes([marker]), pos)
        if start < 0:
            return data, []
        if marker == 0xDA:
            end = data.find(b"\xff\xd9", start)
            if end < 0:
                return data, []
            kept.append(data[start : end + 2])
            return b"".join(kept), found
        if not (0xE0 <= marker <= 0xEF or marker == 0xFE) or marker in _KEEP_APP:
            kept.append(data[start : start + seg_len])
        pos = start + seg_len
    return data, []
