"""Run scrub() in a child process: a hostile file cannot hang or crash the caller.

The parsers behind scrub() are C libraries (libjpeg, libheif, qpdf, libxml2,
libwebp, ...).  Caps on pixels, objects and zip sizes bound the work they are
given, but a bug in one of them could still loop or crash, and an in-process
call cannot be interrupted.  scrub_isolated() gives each file a fresh child
process with a wall-clock limit and an address-space limit; the bytes travel
over a pipe, never through a file.  The web intake should call this; the CLI
calls scrub() directly.

Children come from a "forkserver" started once, which has already imported the
scrubbing modules: starting a child is then a fork of a small, single-threaded
process, safe even when the caller is a threaded web server.
"""

from __future__ import annotations

import errno
import multiprocessing
import multiprocessing.popen_forkserver  # noqa: F401 - loaded now, not mid-request
import resource
import time
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from portal.scrub import labels as L
from portal.scrub.limits import Limits
from portal.scrub.names import safe_filename
from portal.scrub.pipeline import scrub
from portal.scrub.result import REJECTED, ScrubResult
from portal.scrub.sniff import sniff_type

_PRELOAD = ["portal.scrub.pipeline", "portal.scrub.images", "portal.scrub.pdf",
            "portal.scrub.office", "portal.scrub.audio", "portal.scrub.video", "portal.scrub.text"]
_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(_PRELOAD)


def scrub_isolated(data: bytes, filename: str, declared_type: str | None = None, *,
                   keep_original: bool = False, limits: Limits | None = None) -> ScrubResult:
    """Like :func:`portal.scrub.scrub`, in a child process with time and memory limits.

    A child that runs out of time is killed and the file rejected with
    R_TIMEOUT; one that dies (a crashing decoder) gets R_DAMAGED.
    """
    limits = limits or Limits()
    if keep_original or not data:
        return scrub(data, filename, declared_type, keep_original=keep_original, limits=limits)
    parent, child = _context.Pipe(duplex=False)
    try:
        proc = _start(child, data, filename, declared_type, limits)
    except BaseException:
        parent.close()
        raise
    finally:
        child.close()
    try:
        if parent.poll(limits.isolated_timeout):
            try:
                result = parent.recv()
            except (EOFError, OSError):
                result = None
            if isinstance(result, ScrubResult):
                return result
            return _refused(data, filename, L.R_DAMAGED)
        return _refused(data, filename, L.R_TIMEOUT)
    finally:
        parent.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
        proc.close()


def _start(conn: Connection, data: bytes, filename: str, declared_type: str | None,
           limits: Limits) -> BaseProcess:
    """Start the child, trying three times: the forkserver may have died (killed, or
    out of resources in the middle of a request), and multiprocessing starts a new
    one once it sees the old one gone (a dying process closes its socket a moment
    before it can be reaped: hence the pause). A child that still cannot start raises
    OSError(EAGAIN), which the web layer answers with "try again later"."""
    failure: BaseException | None = None
    for attempt in range(3):
        if attempt:
            time.sleep(0.1 * attempt)
        proc = _context.Process(target=_child, daemon=True,
                                args=(conn, data, filename, declared_type, limits))
        try:
            proc.start()
        except (OSError, EOFError) as exc:
            failure = exc
            continue
        return proc
    raise OSError(errno.EAGAIN, "the process that scrubs files could not be started") from failure


def _child(conn: Connection, data: bytes, filename: str, declared_type: str | None,
           limits: Limits) -> None:
    """In the child: cap memory, scrub, send the result back."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.isolated_memory, limits.isolated_memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not dump the file to disk
    try:
        conn.send(scrub(data, filename, declared_type, limits=limits))
    finally:
        conn.close()


def _refused(data: bytes, filename: str, reason: str) -> ScrubResult:
    media_type = sniff_type(data)
    return ScrubResult(REJECTED, None, safe_filename(filename, media_type), media_type,
                       reason=reason)
