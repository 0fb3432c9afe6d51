"""The reader thread that overlaps reading the next block with sealing this one.

File reads and `cryptography`'s AEAD calls both release the GIL, so while the
caller seals one block, this thread reads the next on the other core.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """A process-wide pool, recreated after fork (e.g. in gunicorn workers)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            # Each stream has at most one read pending; a threaded web worker may
            # encrypt a few uploads at once.
            _pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="age-stream")
            _pool_pid = os.getpid()
        return _pool
