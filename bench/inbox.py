"""Benchmark the reviewers' inbox list page with 100,000 reports in SQLite.

    python -m bench.inbox [--reports 100000] [--repeat 40]

Seeds a temporary SQLite database (reports only: the inbox reads no blobs), logs a
reviewer in through the real login (password + TOTP), then times full requests
through the WSGI app in-process (routing, session check, query, template) for
several pages and filters, and the trivial /healthz endpoint as the reference, in
the same run. Prints p50/p95 in milliseconds and the ratio to the reference.
Target (issue 5): list page p95 under 100 ms server time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, select

from portal import accounts, create_app, db, keyring
from portal.auth import totp
from portal.models import Report, ReportStatus

STATUSES = [s.value for s in ReportStatus if s != ReportStatus.DELETED]
CASES = [
    ("inbox, first page", "/staff/review/inbox", None),
    ("inbox, page 100", "/staff/review/inbox?n=100&after={cursor}", ({}, 99)),
    ("inbox, page 1500", "/staff/review/inbox?n=1500&after={cursor}", ({}, 1499)),
    ("status = in review", "/staff/review/inbox?status=under_review", None),
    (
        "status = in review, p. 200",
        "/staff/review/inbox?status=under_review&n=200&after={cursor}",
        ({"status": "under_review"}, 199),
    ),
    ("urgent only", "/staff/review/inbox?urgent=1", None),
    (
        "unassigned, page 20",
        "/staff/review/inbox?assignee=0&n=20&after={cursor}",
        ({"assignee": "0"}, 19),
    ),
    ("metadata kept", "/staff/review/inbox?metadata=1", None),
    (
        "all statuses, previous page",
        "/staff/review/inbox?status=all&n=300&before={cursor}",
        ({"status": "all"}, 300),
    ),
]


def cursor_at(app: object, args: dict[str, str], page: int, page_size: int) -> str:
    """The cursor that ends page `page` (1-based) of a filter (set-up, not timed)."""
    from portal.review import inbox

    filters = inbox.parse_filters(args)
    query = (
        inbox._filtered(select(*inbox._COLUMNS), filters)
        .order_by(  # noqa: SLF001
            Report.urgent.desc(), Report.received_on.desc(), Report.id.desc()
        )
        .offset(page * page_size - 1)
        .limit(1)
    )
    with app.app_context():  # type: ignore[attr-defined]
        row = db.get_session().execute(query).one()
    return inbox.cursor_of(row)


def seed(app_db_url: str, count: int, app: object) -> None:
    """Insert `count` reports with realistic spreads of dates, statuses and flags."""
    rng = secrets.SystemRandom()
    today = dt.date.today()
    engine = db.engine_for(app)  # type: ignore[arg-type]
    batch: list[dict[str, object]] = []
    with engine.begin() as conn:
        for i in range(count):
            received = today - dt.timedelta(days=rng.randrange(0, 5 * 365))
            batch.append(
                {
                    "id": secrets.token_hex(16),
                    "received_on": received,
                    "updated_on": received,
                    "status": rng.choice(STATUSES),
                    "lookup_tag": secrets.token_hex(32),
                    "reply_recipient": "age1placeholder",
                    "size_bucket": 4096,
                    "urgent": rng.random() < 0.03,
                    "assignee_id": rng.choice([None, None, 1, 2, 3]),
                    "metadata_kept": rng.random() < 0.05,
                }
            )
            if len(batch) == 5000 or i == count - 1:
                conn.execute(insert(Report), batch)
                batch = []


def timed(client: object, path: str, repeat: int) -> list[float]:
    """Milliseconds per request, after one warm-up request."""
    get = client.get  # type: ignore[attr-defined]
    response = get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = get(path)
        samples.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return samples


def p95(samples: list[float]) -> float:
    """95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered) + 0.5)) - 1)]


def main() -> None:
    """Seed, log in, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    # Login cost is not what is measured here.
    os.environ.setdefault("PORTAL_STAFF_ARGON2_MEMORY_KIB", "1024")
    os.environ.setdefault("PORTAL_STAFF_ARGON2_ITERATIONS", "1")
    os.environ.setdefault("PORTAL_STAFF_SCRYPT_WORK_FACTOR", "10")
    with tempfile.TemporaryDirectory(prefix="bench-inbox-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'portal.db'}"
        app = create_app(
            {
                "secret_key": secrets.token_urlsafe(40),
                "database_url": url,
                "blob_dir": str(Path(tmp) / "blobs"),
                "ratelimit_enabled": False,
            }
        )
        with app.app_context():
            db.create_all(app)
            started = time.perf_counter()
            seed(url, args.reports, app)
            seeded = time.perf_counter() - started
            secret = totp.new_secret()
            session = db.get_session()
            issued = accounts.create_account(
                session,
                app.config["SECRET_KEY"],
                "bench",
                admin=False,
                reviewer=True,
                enrol_hours=1,
            )
            issued.account.totp_sealed = keyring.seal_totp_secret(secret, app.config["SECRET_KEY"])
            accounts.complete_enrolment(
                session,
                app.config,
                issued.account,
                password="bench password 1234",  # noqa: S106 (a throwaway bench account)
                totp_step=0,
                key=accounts.KeyChoice("browser", passphrase="bench pass 5678"),  # noqa: S106
            )
        client = app.test_client()
        page = client.get("/staff/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        response = client.post(
            "/staff/login",
            data={
                "csrf_token": token,
                "username": "bench",
                "password": "bench password 1234",
                "code": totp.code_at(secret, totp.current_step()),
            },
        )
        if response.status_code != 303:
            raise SystemExit("login failed")
        print(
            f"seeded {args.reports:,} reports in {seeded:.1f} s; "
            f"{args.repeat} timed requests per case (in-process WSGI, SQLite)"
        )
        reference = timed(client, "/healthz", args.repeat)
        ref50, ref95 = statistics.median(reference), p95(reference)
        print(f"{'case':28} {'p50 ms':>8} {'p95 ms':>8} {'p95/ref':>8}")
        print(f"{'reference: /healthz':28} {ref50:8.2f} {ref95:8.2f} {1.0:8.1f}")
        worst = 0.0
        size = app.config["PORTAL_STAFF_PAGE_SIZE"]
        for label, template, where in CASES:
            path = (
                template
                if where is None
                else template.format(cursor=cursor_at(app, where[0], where[1], size))
            )
            samples = timed(client, path, args.repeat)
            high = p95(samples)
            worst = max(worst, high)
            print(f"{label:28} {statistics.median(samples):8.2f} {high:8.2f} {high / ref95:8.1f}")
        verdict = "meets" if worst < 100 else "MISSES"
        print(f"worst inbox p95: {worst:.2f} ms ({verdict} the 100 ms target)")


if __name__ == "__main__":
    main()
