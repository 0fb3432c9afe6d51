"""scrub_isolated(): the same result, with time and memory bounds a parser cannot escape."""

from __future__ import annotations

import io

from PIL import Image

from portal.scrub import Limits, scrub, scrub_isolated
from portal.scrub import labels as L
from tests.scrub import scrub_corpus as c


def test_same_result_as_in_process():
    data = c.jpeg_full()
    here, there = scrub(data, "p.jpg"), scrub_isolated(data, "p.jpg")
    assert there == here


def test_wall_clock_limit_kills_the_child():
    result = scrub_isolated(c.pdf_full(), "r.pdf", limits=Limits(isolated_timeout=0.001))
    assert result.outcome == "rejected" and result.reason == L.R_TIMEOUT


def test_memory_limit_is_a_rejection_not_a_crash():
    # 64 megapixels: under the pixel cap, but decoding needs ~200 MB.
    buf = io.BytesIO()
    Image.new("RGB", (8000, 8000)).save(buf, "PNG")
    result = scrub_isolated(buf.getvalue(), "big.png",
                            limits=Limits(isolated_memory=300 * 1024 * 1024))
    assert result.outcome == "rejected" and result.reason == L.R_TOO_COMPLEX


def test_keep_original_needs_no_child():
    data = c.png_full()
    result = scrub_isolated(data, "s.png", keep_original=True)
    assert result.outcome == "not_scrubbed" and result.data == data


def test_a_killed_forkserver_is_replaced() -> None:
    """The process that forks the scrubbing children can die (the OOM killer, an
    operator); the next file must still be scrubbed, not answered with an error."""
    import multiprocessing.forkserver
    import os
    import signal

    data = c.jpeg_full()
    assert scrub_isolated(data, "p.jpg").outcome == "cleaned"
    server = multiprocessing.forkserver._forkserver  # noqa: SLF001 - the stdlib's singleton
    os.kill(server._forkserver_pid, signal.SIGKILL)  # noqa: SLF001
    assert scrub_isolated(data, "p.jpg").outcome == "cleaned"
