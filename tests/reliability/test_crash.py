"""Crash: the load runs while gunicorn's workers and its master are killed with
SIGKILL at random moments (at least 20 kills). After a restart every acknowledged
submission must be intact, no half-written blob or row may remain, no plaintext
temporary file may exist anywhere, and the audit chain must still verify.
"""

from __future__ import annotations

import os
import random
import secrets
import threading
import time
from collections.abc import Callable

from tests.reliability.harness import (
    Instance,
    Server,
    audit_verifies,
    record_figures,
    run_load,
    seize,
    storage_problems,
    verify_receipts,
)

SUBMISSIONS = int(os.environ.get("RELIABILITY_CRASH_SUBMISSIONS", "2000"))  # the load suite's 2,000
CLIENTS = 16
MIN_KILLS = 20
PLANNED_KILLS = 24


def _chaos(server: Server, rng: random.Random, done: threading.Event,
           kills: list[str]) -> None:
    """Kill a worker (most of the time) or the master at random moments, each time
    once the server is back up, until PLANNED_KILLS or the load is `done`."""
    while len(kills) < PLANNED_KILLS and not done.wait(rng.uniform(0.2, 1.5)):
        if rng.random() < 0.25:
            server.kill_master()  # also starts it again, as systemd would
            kills.append("master")
        else:
            server.kill_worker(rng)
            kills.append("worker")


def test_acknowledged_reports_survive_sigkill_of_workers_and_master(
    new_instance: Callable[..., Instance], serve: Callable[[Instance], Server]
) -> None:
    instance = new_instance("crash")
    server = serve(instance)
    tag = secrets.token_hex(5)
    since = time.time() - 1
    rng = random.Random(tag)  # noqa: S311 - when to kill, not secrets
    kills: list[str] = []
    done = threading.Event()
    chaos = threading.Thread(target=_chaos, args=(server, rng, done, kills), daemon=True)
    chaos.start()
    try:
        # Large files stay in the mix (a kill in the middle of one is the interesting case).
        load = run_load(server.port, instance, total=SUBMISSIONS, clients=CLIENTS, tag=tag,
                        large_every=200, medium_every=25, retries=100)
    finally:
        done.set()
        chaos.join()
    # Restart as an operator would after a power cut: stop what is left, start again.
    server.stop()
    server.start()
    pids = server.pids()
    server.stop()

    tally = load.tally
    assert len(kills) >= MIN_KILLS, kills
    assert tally.server_errors == 0, server.log_tail()
    assert set(tally.other) <= set(), tally.other
    result = verify_receipts(instance, load.acknowledged)
    problems = storage_problems(instance)
    ok, audit_output = audit_verifies(instance)
    found = seize(instance, pids, since, [f"RELMARK{tag}"])
    record_figures("crash", {
        "sent": tally.sent, "acknowledged": tally.acknowledged, "verified": result.verified,
        "lost": len(result.lost), "refused_429": tally.refused_429,
        "server_errors": tally.server_errors, "connection_errors": tally.connection_errors,
        "kills": len(kills), "master_kills": kills.count("master"),
        "worker_kills": kills.count("worker"), "half_written": len(problems),
        "leaked": len(found.hits), "audit_ok": ok,
        "slowest_submission_s": round(tally.slowest_seconds, 1),
        "slowest_submission_outcome": tally.slowest_outcome,
    })
    assert result.lost == []
    assert result.verified == tally.acknowledged > 0
    assert problems == []
    assert found.hits == []
    assert ok, audit_output
