"""The small thread pool that overlaps sealing and reading.

`cryptography` releases the GIL inside its AEAD calls and file reads release it
too, so two threads keep both cores of a small server busy on one large file.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

THREADS = max(1, min(2, os.cpu_count() or 1))
_pool: ThreadPoolExecutor | None = None
_pool_pid = 0
_lock = threading.Lock()


def executor() -> ThreadPoolExecutor:
    """A process-wide pool, recreated after fork (e.g. in gunicorn workers)."""
    global _pool, _pool_pid
    with _lock:
        if _pool is None or _pool_pid != os.getpid():
            # One worker seals half of a batch, the other reads ahead.
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="age-stream")
            _pool_pid = os.getpid()
        return _pool
