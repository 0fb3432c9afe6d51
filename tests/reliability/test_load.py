"""Load, then a seized server: 2,000 submissions from 16 concurrent sources to a real
gunicorn (shipped config) while reviewers page through the inbox; every acknowledged
submission must decrypt to exactly what was sent, nothing may answer 5xx, 429 is the
only refusal. Then the machine is searched as a thief would search it.

Sizes go from ~1 KB of text to 20 MB attachments; most submissions are small and a
few are large, so the suite stays within CI's time (the mix is in harness.plan_submission).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from typing import Any

import pytest

from tests.reliability.harness import (
    Instance,
    Load,
    Server,
    audit_verifies,
    record_figures,
    run_load,
    seize,
    storage_problems,
    verify_receipts,
)

SUBMISSIONS = int(os.environ.get("RELIABILITY_SUBMISSIONS", "2000"))
CLIENTS = 16
SESSION_LIMIT = 10  # ratelimit_submit_session as shipped: "10/hour"


@pytest.fixture(scope="module")
def loaded(new_instance: Callable[..., Instance],
           serve: Callable[[Instance], Server]) -> dict[str, Any]:
    """One load run against one server (kept running for the seizure test)."""
    instance = new_instance("load")
    server = serve(instance)
    tag = secrets.token_hex(5)
    started_wall = time.time()
    started = time.monotonic()
    load = run_load(server.port, instance, total=SUBMISSIONS, clients=CLIENTS, tag=tag)
    return {"instance": instance, "server": server, "load": load, "tag": tag,
            "since": started_wall - 1, "seconds": time.monotonic() - started}


def test_every_acknowledged_submission_decrypts_to_what_was_sent(loaded: dict[str, Any]) -> None:
    instance: Instance = loaded["instance"]
    load: Load = loaded["load"]
    tally = load.tally
    assert tally.sent == SUBMISSIONS
    assert tally.connection_errors == 0, [r.error for r in load.records if r.error][:5]
    assert tally.server_errors == 0, loaded["server"].log_tail()
    # 429 is the only refusal, and every other answer carried a codename.
    assert tally.other == {}
    assert tally.acknowledged + tally.refused_429 == tally.sent
    # Client 0 sent its first 14 reports from one session; the shipped limit is 10/hour.
    reused = min(14, len(range(0, SUBMISSIONS, CLIENTS)))
    assert tally.refused_429 == max(0, reused - SESSION_LIMIT)
    assert not load.reviewer_errors
    assert tally.reviewer_pages > 0 and set(load.reviewer_statuses) == {200}

    result = verify_receipts(instance, load.acknowledged)
    assert result.lost == []
    assert result.verified == tally.acknowledged
    assert storage_problems(instance) == []
    ok, output = audit_verifies(instance)
    assert ok, output
    sizes = sorted(size for r in load.records for _n, size, _d in r.files)
    record_figures("load", {
        "sent": tally.sent, "acknowledged": tally.acknowledged, "verified": result.verified,
        "lost": len(result.lost), "refused_429": tally.refused_429,
        "server_errors": tally.server_errors, "reviewer_pages": tally.reviewer_pages,
        "reviewer_reports_read": tally.reviewer_reports_read,
        "megabytes_sent": round(tally.bytes_sent / 1e6, 1),
        "largest_attachment": sizes[-1] if sizes else 0,
        "attachments": len(sizes), "workers": instance.workers,
        "seconds": round(loaded["seconds"], 1),
    })


def test_seized_server_reveals_no_content_address_or_key(loaded: dict[str, Any]) -> None:
    instance: Instance = loaded["instance"]
    server: Server = loaded["server"]
    load: Load = loaded["load"]
    tag = loaded["tag"]
    codenames = [r.codename for r in load.acknowledged if r.codename]
    needles = [
        f"RELMARK{tag}",  # every account text and every attachment line carries it
        *load.addresses, *load.user_agents, *load.proxy_addresses,
        *(s.identity for s in instance.staff),
        *(s.passphrase for s in instance.staff),
        *(s.password for s in instance.staff),
        instance.identity.to_string(),
        *codenames[:: max(1, len(codenames) // 40)],
    ]
    found = seize(instance, server.pids(), loaded["since"], needles)
    record_figures("seized", {"leaked": len(found.hits), "places": found.places,
                              "megabytes_searched": round(found.bytes_searched / 1e6, 1),
                              "needles": len(needles)})
    assert found.hits == []
    assert found.places >= 4 and found.bytes_searched > 0
