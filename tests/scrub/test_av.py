"""Audio tags (mutagen, RIFF filter) and video remuxing (ffmpeg)."""

from __future__ import annotations

import io
import subprocess

import mutagen
import pytest

from portal.scrub import Limits, scrub
from portal.scrub import labels as L
from tests.scrub import scrub_corpus as c
from tests.scrub.exif_check import exiftool, identifying_left, needs_exiftool, needs_ffmpeg


@needs_exiftool
def test_mp3_tags_removed_audio_kept():
    original = c.mp3_full()
    result = scrub(original, "testimony.mp3", "audio/mpeg")
    assert result.outcome == "cleaned"
    assert identifying_left(exiftool(original))
    tags = exiftool(result.data)
    assert identifying_left(tags) == []
    assert not any(k.startswith(("ID3", "ID3v1", "ID3v2")) for k in tags)
    assert tags["MPEG:SampleRate"] == 44100
    assert result.data == c.mp3_frames()  # exactly the audio frames remain
    for label in (L.AUTHOR, L.DATES, L.COMMENTS, L.COVER_ART, L.ENCODER):
        assert label in result.removed


def test_mp3_still_parses():
    result = scrub(c.mp3_full(), "a.mp3")
    audio = mutagen.File(io.BytesIO(result.data))
    assert audio is not None and audio.tags is None
    assert audio.info.sample_rate == 44100


@needs_exiftool
def test_wav_chunks_removed():
    original = c.wav_full()
    result = scrub(original, "memo.wav")
    assert result.outcome == "cleaned"
    assert identifying_left(exiftool(original))
    assert identifying_left(exiftool(result.data)) == []
    assert L.RECORDER_INFO in result.removed
    import wave

    with wave.open(io.BytesIO(result.data)) as w:
        assert w.getnframes() == 8000


@needs_ffmpeg
@needs_exiftool
@pytest.mark.parametrize("fmt", ["mov", "mp4", "webm"])
def test_video_remuxed_without_metadata(fmt):
    original = c.video(fmt)
    result = scrub(original, f"VID_20240301_142233.{fmt}")
    assert result.outcome == "cleaned", result
    before = exiftool(original)
    assert identifying_left(before)
    after = exiftool(result.data)
    assert identifying_left(after) == [], after
    assert L.GPS in result.removed or fmt == "webm"
    assert L.NAME_DATE in result.removed
    probe = subprocess.run(["ffprobe", "-v", "error",
                            "-show_entries", "stream=codec_type,width,height",
                            "-of", "csv=p=0", "-"], input=result.data, capture_output=True,
                           check=True, timeout=60).stdout.decode()
    assert "video,160,120" in probe and "audio" in probe


@needs_ffmpeg
def test_video_tool_timeout_is_a_rejection():
    result = scrub(c.video("mp4"), "v.mp4", limits=Limits(tool_timeout=0.0001))
    assert result.outcome == "rejected" and result.reason == L.R_TIMEOUT


def test_video_without_ffmpeg_is_stored_with_warning(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 100
    result = scrub(data, "v.mp4")
    assert result.outcome == "not_scrubbed"
    assert L.NO_VIDEO_TOOL in result.warnings and L.NOT_REMOVED in result.warnings
    assert result.data == data


@needs_ffmpeg
def test_garbage_video_rejected():
    data = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x17" * 5000
    result = scrub(data, "v.mp4")
    assert result.outcome == "rejected" and result.reason == L.R_DAMAGED


@needs_ffmpeg
@needs_exiftool
@pytest.mark.parametrize("fmt,media_type", [("flac", "audio/flac"), ("ogg", "audio/ogg"),
                                            ("m4a", "audio/mp4")])
def test_other_audio_tags_removed(fmt, media_type):
    original = c.audio(fmt)
    result = scrub(original, f"memo.{fmt}")
    assert result.media_type == media_type
    assert result.outcome == "cleaned", result
    assert identifying_left(exiftool(original))
    assert identifying_left(exiftool(result.data)) == []
    assert L.AUTHOR in result.removed
    decoded = mutagen.File(io.BytesIO(result.data))
    assert decoded is not None and decoded.info.length == pytest.approx(1.0, abs=0.1)
