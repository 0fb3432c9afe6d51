"""Video (MP4, QuickTime MOV, WebM) and M4A: remuxed by ffmpeg without metadata.

Streams are copied, not re-encoded (fast, no quality loss).  Kept: video
(except attached cover pictures), audio and subtitles.  Dropped: container and
stream tags (-map_metadata -1: make, model, GPS position, creation date,
software), data streams (e.g. the iPhone's timed location track), chapters, and
the muxer's own "encoder" tag and timestamps (-fflags +bitexact).

Nothing is written to disk: the bytes go to ffmpeg through memfd files, which
live only in memory.  A plain pipe is not enough here: MP4/MOV files often keep
their index (the moov box) at the end, which ffmpeg cannot reach from a
non-seekable pipe, and the MP4 and Matroska muxers seek back to write the index
and duration, so the output must be seekable as well.  WebM input is
streamable and goes in through stdin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

from portal.scrub import labels as L
from portal.scrub.limits import Limits
from portal.scrub.result import Cleaned, Rejected, Unscrubbable

_MUXER = {"video/mp4": "mp4", "video/quicktime": "mov", "video/webm": "webm",
          "audio/mp4": "ipod"}
# The demuxer is the one for the detected type, never ffmpeg's own guess, and
# only local input is allowed: a hostile file cannot make ffmpeg read a playlist,
# another file by reference, or anything over the network.
_DEMUXER = {"video/mp4": "mov", "video/quicktime": "mov", "audio/mp4": "mov",
            "video/webm": "matroska"}
_INPUT_GUARD = ["-protocol_whitelist", "file,pipe"]


def _input_options(media_type: str) -> list[str]:
    """Demuxer and guards for the input (data references are a mov option)."""
    demuxer = _DEMUXER[media_type]
    drefs = ["-enable_drefs", "0"] if demuxer == "mov" else []
    return [*_INPUT_GUARD, *drefs, "-f", demuxer]
_TAG_LABELS = {
    "location": L.GPS, "location-eng": L.GPS, "com.apple.quicktime.location.iso6709": L.GPS,
    "make": L.CAMERA_MAKE, "com.apple.quicktime.make": L.CAMERA_MAKE,
    "model": L.CAMERA_MODEL, "com.apple.quicktime.model": L.CAMERA_MODEL,
    "software": L.SOFTWARE, "com.apple.quicktime.software": L.SOFTWARE, "encoder": L.SOFTWARE,
    "creation_time": L.DATES, "com.apple.quicktime.creationdate": L.DATES, "date": L.DATES,
    "artist": L.AUTHOR, "author": L.AUTHOR, "com.apple.quicktime.author": L.AUTHOR,
    "comment": L.COMMENTS, "description": L.COMMENTS, "title": L.TITLE,
    "copyright": L.COPYRIGHT,
}
# Tags that describe the container format itself, not the person or device.
_STRUCTURAL = {"major_brand", "minor_version", "compatible_brands", "handler_name",
               "vendor_id", "language", "duration", "doctype", "doctypeversion"}


def available() -> bool:
    """True when ffmpeg and ffprobe are installed."""
    return shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None


def clean_video(data: bytes, media_type: str, limits: Limits) -> Cleaned:
    """Remux a video (or M4A) without metadata; report what the probe found."""
    if not available():
        raise Unscrubbable(L.NO_VIDEO_TOOL)
    streamable = media_type == "video/webm"
    with _memfd(b"" if streamable else data) as src, _memfd(b"") as dst:
        source = "pipe:0" if streamable else f"/proc/self/fd/{src}"
        found = _probe(data, source, src, media_type, limits)
        cmd = ["ffmpeg", "-nostats", "-hide_banner", "-loglevel", "error",
               *_input_options(media_type), "-i", source,
               "-map", "0:V?", "-map", "0:a?", "-map", "0:s?", "-dn",
               "-map_metadata", "-1", "-map_chapters", "-1", "-c", "copy",
               "-fflags", "+bitexact", "-flags:v", "+bitexact", "-flags:a", "+bitexact",
               "-f", _MUXER[media_type], "-y", f"/proc/self/fd/{dst}"]
        _run(cmd, data if streamable else None, (src, dst), limits)
        out = _read_all(dst)
    if not out:
        raise Rejected(L.R_DAMAGED)
    return Cleaned(out, media_type, found, [])


def _probe(data: bytes, source: str, src: int, media_type: str, limits: Limits) -> list[str]:
    """What tags, data streams, cover pictures and chapters the file holds."""
    cmd = ["ffprobe", "-v", "error", *_input_options(media_type), "-of", "json",
           "-show_format", "-show_streams", "-show_chapters", source]
    out = _run(cmd, data if source == "pipe:0" else None, (src,), limits)
    try:
        info = json.loads(out or b"{}")
    except ValueError as exc:
        raise Rejected(L.R_DAMAGED) from exc
    found: list[str] = []
    tags = dict(info.get("format", {}).get("tags", {}))
    for stream in info.get("streams", []):
        if stream.get("codec_type") == "data":
            found.append(L.METADATA_TRACKS)
        if stream.get("disposition", {}).get("attached_pic"):
            found.append(L.COVER_ART)
        for key, value in stream.get("tags", {}).items():
            if key.lower() == "creation_time" or key.lower() not in _STRUCTURAL | {"encoder"}:
                tags.setdefault(key, value)
    for key in tags:
        k = key.lower()
        if k not in _STRUCTURAL:
            found.append(_TAG_LABELS.get(k, L.CONTAINER_TAGS))
    if info.get("chapters"):
        found.append(L.CHAPTERS)
    if not info.get("streams"):
        raise Rejected(L.R_DAMAGED)
    return found


def _run(cmd: list[str], stdin: bytes | None, fds: tuple[int, ...], limits: Limits) -> bytes:
    """Run one tool with a time limit; its failure is a damaged file."""
    try:
        proc = subprocess.run(  # noqa: S603 - fixed argument list, no shell
            cmd, input=stdin if stdin is not None else b"", capture_output=True,
            pass_fds=fds, timeout=limits.tool_timeout, check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise Rejected(L.R_TIMEOUT) from exc
    except OSError as exc:
        raise Unscrubbable(L.NO_VIDEO_TOOL) from exc
    if proc.returncode != 0:
        raise Rejected(L.R_DAMAGED)
    return proc.stdout


@contextmanager
def _memfd(data: bytes) -> Iterator[int]:
    """An anonymous in-memory file holding ``data`` (never on disk)."""
    fd = os.memfd_create("scrub", os.MFD_CLOEXEC)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.lseek(fd, 0, os.SEEK_SET)
        yield fd
    finally:
        os.close(fd)


def _read_all(fd: int) -> bytes:
    size = os.fstat(fd).st_size
    chunks, offset = [], 0
    while offset < size:
        chunk = os.pread(fd, min(size - offset, 1 << 24), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return b"".join(chunks)
