"""Helpers for the scrubbing tests: exiftool as the independent reader, tool checks."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from tests.scrub import scrub_corpus

EXIFTOOL = shutil.which("exiftool")
FFMPEG = shutil.which("ffmpeg") and shutil.which("ffprobe")
needs_exiftool = pytest.mark.skipif(EXIFTOOL is None,
                                    reason="exiftool (libimage-exiftool-perl) not installed")
# Without Perl's Archive::Zip, exiftool sees an office file as a bare zip and reads none
# of its properties: checking a scrub with it would prove nothing.
ARCHIVE_ZIP = bool(shutil.which("perl")) and subprocess.run(
    ["perl", "-MArchive::Zip", "-e1"], capture_output=True).returncode == 0
needs_exiftool_office = pytest.mark.skipif(
    EXIFTOOL is None or not ARCHIVE_ZIP,
    reason="exiftool with Archive::Zip (libimage-exiftool-perl, libarchive-zip-perl) not installed")
needs_ffmpeg = pytest.mark.skipif(not FFMPEG, reason="ffmpeg/ffprobe not installed")

# exiftool tag names that identify a person, device, place or time.  None may
# be found in a cleaned file.
IDENTIFYING_TAGS = {
    "GPSLatitude", "GPSLongitude", "GPSPosition", "GPSAltitude", "GPSDateStamp", "GPSVersionID",
    "GPSCoordinates", "Make", "Model", "SerialNumber", "OwnerName", "Artist", "Software",
    "DateTimeOriginal", "CreateDate", "ModifyDate", "HostComputer", "Copyright",
    "ImageDescription", "UserComment", "ThumbnailImage", "ThumbnailOffset", "ThumbnailLength",
    "MakerNoteApple", "MakerNoteUnknownText", "MakerNote", "Creator", "CreatorTool", "By-line",
    "City", "Comment", "DeviceManufacturer", "DeviceModel", "ImageUniqueID", "LensModel",
    "LensMake", "Author", "LastModifiedBy", "Company", "Manager", "Title", "Producer",
    "Application", "TotalEditTime", "RevisionNumber", "Template", "Band", "Album",
    "EncoderSettings", "Picture", "PictureMIMEType", "CreationTime", "Location", "Keywords",
    "Description", "Initial-creator", "Generator", "EditingCycles", "EditingDuration",
    "Date", "Organisation", "Caseworker", "OffsetTime", "ProfileDescription", "ProfileCreator",
    "Encoder", "Originator", "OriginatorReference", "ContentCreateDate", "CreationDate",
    "PrivateOwner", "ComAppleQuicktimeMake", "ComAppleQuicktimeModel", "LocationInformation",
    "ProcessingSoftware", "XPAuthor", "History", "DocumentID", "InstanceID",
}


def exiftool(data: bytes) -> dict[str, object]:
    """Every tag exiftool reads from ``data``, as {Group:Tag: value}.

    The corpus is written to a temporary file (test data, not a user's file):
    exiftool cannot decode compressed zip parts from a pipe.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "sample"
        path.write_bytes(data)
        proc = subprocess.run([EXIFTOOL or "exiftool", "-j", "-a", "-G1", "-ee", str(path)],
                              capture_output=True, timeout=60, check=True)
    return json.loads(proc.stdout)[0]


def identifying_left(tags: dict[str, object]) -> list[str]:
    """Tags in exiftool's output that identify someone, or that hold a planted value."""
    left = []
    for key, value in tags.items():
        name = key.split(":", 1)[-1]
        if str(value).strip("0: ") == "":
            continue  # a zeroed field (e.g. QuickTime CreateDate 0000:00:00) says nothing
        if name in IDENTIFYING_TAGS:
            left.append(f"{key}={value!r}")
        elif any(s in str(value) for s in scrub_corpus.IDENTIFYING):
            left.append(f"{key}={value!r}")
    return left


def zip_text(data: bytes) -> str:
    """All parts of a zip file, decoded, concatenated (to search for planted values)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())
