"""Audio: tags removed with mutagen (MP3, Ogg, FLAC), a RIFF chunk filter for
WAV, and ffmpeg remuxing for M4A (which also clears the container's creation
times that mutagen does not touch; mutagen is the fallback without ffmpeg)."""

from __future__ import annotations

import io

import mutagen
from mutagen import apev2, id3
from mutagen.flac import FLAC

from portal.scrub import labels as L
from portal.scrub.limits import Limits
from portal.scrub.result import Cleaned, Rejected

_ID3_LABELS = {
    "TPE1": L.AUTHOR, "TPE2": L.AUTHOR, "TPE3": L.AUTHOR, "TPE4": L.AUTHOR, "TCOM": L.AUTHOR,
    "TEXT": L.AUTHOR, "TOLY": L.AUTHOR, "TOPE": L.AUTHOR, "TDRC": L.DATES, "TYER": L.DATES,
    "TDAT": L.DATES, "TIME": L.DATES, "TDEN": L.DATES, "TDOR": L.DATES, "TDTG": L.DATES,
    "TRDA": L.DATES, "TENC": L.ENCODER, "TSSE": L.ENCODER, "COMM": L.COMMENTS,
    "USLT": L.COMMENTS, "APIC": L.COVER_ART, "PIC": L.COVER_ART, "PRIV": L.OTHER_DATA,
    "GEOB": L.OTHER_DATA, "UFID": L.UNIQUE_ID, "MCDI": L.OTHER_DATA, "TOWN": L.OWNER,
    "TCOP": L.COPYRIGHT, "TIT1": L.TITLE, "TIT2": L.TITLE, "TIT3": L.TITLE, "TALB": L.TITLE,
}
_VORBIS_LABELS = {
    "artist": L.AUTHOR, "performer": L.AUTHOR, "composer": L.AUTHOR, "author": L.AUTHOR,
    "date": L.DATES, "creation_time": L.DATES, "encoder": L.ENCODER, "encoded_by": L.ENCODER,
    "encoded-by": L.ENCODER, "comment": L.COMMENTS, "description": L.COMMENTS,
    "metadata_block_picture": L.COVER_ART, "coverart": L.COVER_ART, "title": L.TITLE,
    "album": L.TITLE, "location": L.PLACE, "copyright": L.COPYRIGHT,
}
_MP4_LABELS = {
    "\xa9ART": L.AUTHOR, "aART": L.AUTHOR, "\xa9wrt": L.AUTHOR, "\xa9day": L.DATES,
    "\xa9too": L.ENCODER, "\xa9enc": L.ENCODER, "\xa9cmt": L.COMMENTS, "covr": L.COVER_ART,
    "\xa9nam": L.TITLE, "\xa9alb": L.TITLE, "\xa9xyz": L.GPS, "cprt": L.COPYRIGHT,
}
# WAV chunks that carry sound; everything else (LIST/INFO, bext, iXML, id3, _PMX
# XMP, cue labels, ...) is dropped.
_WAV_KEEP = {b"fmt ", b"data", b"fact"}
_WAV_LABELS = {b"LIST": L.AUDIO_TAGS, b"bext": L.RECORDER_INFO, b"iXML": L.RECORDER_INFO,
               b"id3 ": L.AUDIO_TAGS, b"ID3 ": L.AUDIO_TAGS, b"_PMX": L.XMP,
               b"cue ": L.OTHER_DATA, b"labl": L.OTHER_DATA}


def clean_audio(data: bytes, media_type: str, limits: Limits) -> Cleaned:
    """Remove tags from an audio file; report which kinds were there."""
    if media_type == "audio/wav":
        return _clean_wav(data)
    if media_type == "audio/mp4":
        from portal.scrub import video

        if video.available():
            return video.clean_video(data, media_type, limits)
    buf = io.BytesIO(data)
    try:
        audio = mutagen.File(buf)
    except (mutagen.MutagenError, ValueError, EOFError, IndexError, KeyError) as exc:
        raise Rejected(L.R_DAMAGED) from exc
    if audio is None:
        raise Rejected(L.R_DAMAGED)
    found = _tag_labels(audio)
    try:
        buf.seek(0)
        if media_type == "audio/mpeg":
            id3.delete(buf, delete_v1=True, delete_v2=True)
            buf.seek(0)
            apev2.delete(buf)
        elif isinstance(audio, FLAC):
            if audio.pictures:
                found.append(L.COVER_ART)
            if any(b.code == 2 for b in audio.metadata_blocks):  # APPLICATION blocks
                found.append(L.OTHER_DATA)
            audio.clear_pictures()
            audio.tags = None
            audio.metadata_blocks = [b for b in audio.metadata_blocks if b.code in (0, 1, 3)]
            buf.seek(0)
            audio.save(buf, deleteid3=True)
        else:
            audio.delete(buf)
    except (mutagen.MutagenError, ValueError, EOFError, KeyError) as exc:
        raise Rejected(L.R_DAMAGED) from exc
    return Cleaned(buf.getvalue(), media_type, found, [])


def _tag_labels(audio: mutagen.FileType) -> list[str]:
    found: list[str] = []
    tags = audio.tags
    if not tags:
        return found
    for key in list(tags.keys()):
        if isinstance(tags, id3.ID3):
            found.append(_ID3_LABELS.get(key[:4].split(":")[0], L.AUDIO_TAGS))
        elif str(key) in _MP4_LABELS:
            found.append(_MP4_LABELS[str(key)])
        else:
            found.append(_VORBIS_LABELS.get(str(key).lower(), L.AUDIO_TAGS))
    return found


def _clean_wav(data: bytes) -> Cleaned:
    """Keep only the RIFF chunks that hold the sound."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise Rejected(L.R_DAMAGED)
    kept = [b"WAVE"]
    found: list[str] = []
    pos = 12
    seen_data = False
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            raise Rejected(L.R_DAMAGED)
        if kind in _WAV_KEEP:
            kept.append(kind + size.to_bytes(4, "little") + body + (b"\x00" if size % 2 else b""))
            seen_data = seen_data or kind == b"data"
        else:
            found.append(_WAV_LABELS.get(kind, L.OTHER_DATA))
        pos += 8 + size + (size % 2)
    if not seen_data:
        raise Rejected(L.R_DAMAGED)
    body = b"".join(kept)
    return Cleaned(b"RIFF" + len(body).to_bytes(4, "little") + body, "audio/wav", found, [])
