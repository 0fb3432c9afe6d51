"""Scrubbing writes nothing to disk: every file opened for writing is traced."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys

import pytest

from tests.scrub import scrub_corpus as c
from tests.scrub.exif_check import FFMPEG

_CHILD = r"""
import pickle, sys
from portal.scrub import scrub
for name, data in pickle.loads(sys.stdin.buffer.read()):
    result = scrub(data, name)
    assert result.outcome == "cleaned", (name, result.outcome, result.reason)
"""


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace not installed")
def test_no_file_is_written_while_scrubbing(tmp_path):
    samples = [("p.jpg", c.jpeg_full()), ("p.png", c.png_full()), ("p.heic", c.heic_full()),
               ("p.tif", c.tiff_full()), ("r.pdf", c.pdf_full()), ("d.docx", c.docx_full()),
               ("s.odt", c.odt_full()), ("a.mp3", c.mp3_full()), ("a.wav", c.wav_full())]
    if FFMPEG:
        samples += [("v.mov", c.video("mov")), ("v.webm", c.video("webm"))]
    log = tmp_path / "trace"
    subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat,creat", "-o", str(log),
                    sys.executable, "-c", _CHILD], input=pickle.dumps(samples), check=True,
                   capture_output=True, timeout=300)
    writes = [line for line in log.read_text().splitlines()
              if any(flag in line for flag in ("O_WRONLY", "O_RDWR", "O_CREAT", "creat("))
              and "ENOENT" not in line and "__pycache__" not in line]
    # The only writable opens allowed are of memfd files (ffmpeg's output), which
    # live in memory: /proc/self/fd/N.
    assert [w for w in writes if "/proc/self/fd/" not in w] == []
