"""Backup and restore throughput against the `age` CLI on the same data.

    python -m bench.backup [--reports 200] [--blob-kib 256]

Seeds a temporary SQLite instance with REPORTS reports, each with one encrypted blob
of BLOB_KIB KiB (random bytes, so nothing compresses), then times, in one run:

* `portal.backup.create` (database dump + blobs, tar, age-encrypted to an X25519 key),
* `portal.backup.restore` into an empty instance (decrypt, authenticate, insert, copy),
* the reference: `tar -c blobs | age -r RECIPIENT` on the same blob folder (the stock
  tools doing the bulk of the same work), when `age` is installed.

Prints MiB/s and the ratios to the reference.
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import crypto
from portal import backup, create_app, db, schema
from portal.models import Entry, Report

MiB = 1024 * 1024


def _instance(root: Path, name: str, secret: str) -> dict[str, object]:
    return {"secret_key": secret, "database_url": f"sqlite:///{root / name}.db",
            "blob_dir": str(root / f"{name}-blobs"), "testing": True}


def _seed(settings: dict[str, object], reports: int, blob_bytes: int,
          recipient: crypto.Recipient) -> int:
    app = create_app(settings)
    schema.upgrade(db.engine_for(app))
    blobs = app.extensions["portal_blobs"]
    total = 0
    with app.app_context():
        session = db.get_session()
        for number in range(reports):
            stored = blobs.put(secrets.token_bytes(blob_bytes), [recipient])
            total += stored.ciphertext_size
            report = Report(lookup_tag=secrets.token_hex(32), reply_recipient="age1x")
            report.entries.append(Entry(seq=0, kind="report", blob_id=stored.blob_id,
                                        size_bucket=blob_bytes))
            session.add(report)
            if number % 50 == 49:
                session.commit()
        session.commit()
    db.engine_for(app).dispose()
    return total


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--blob-kib", type=int, default=256)
    args = parser.parse_args()
    reviewer = crypto.X25519Identity(secrets.token_bytes(32))
    backup_key = crypto.X25519Identity(secrets.token_bytes(32))
    secret = secrets.token_urlsafe(40)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        source = _instance(root, "source", secret)
        size = _seed(source, args.reports, args.blob_kib * 1024, reviewer.recipient())
        app = create_app(source)
        archive = root / "backup.age"
        started = time.perf_counter()
        backup.create(db.engine_for(app), app.extensions["portal_blobs"],
                      [backup_key.recipient()], archive)
        create_seconds = time.perf_counter() - started

        target = create_app(_instance(root, "target", secret))
        started = time.perf_counter()
        summary = backup.restore(db.engine_for(target), target.extensions["portal_blobs"],
                                 archive, [backup_key])
        restore_seconds = time.perf_counter() - started

        reference = None
        if shutil.which("age") and shutil.which("tar"):
            started = time.perf_counter()
            subprocess.run(  # noqa: S602 - fixed pipeline of stock tools on our temp folder
                f"tar -C '{source['blob_dir']}' -cf - . | age -r "
                f"{backup_key.recipient().to_string()} > '{root / 'reference.age'}'",
                shell=True, check=True)
            reference = time.perf_counter() - started

    mib = size / MiB
    print(f"{args.reports} reports, {summary.blobs} blobs, {mib:.1f} MiB of blobs "
          f"(archive {archive.name}), SQLite")
    print(f"backup create : {create_seconds:6.2f} s  {mib / create_seconds:7.1f} MiB/s")
    print(f"backup restore: {restore_seconds:6.2f} s  {mib / restore_seconds:7.1f} MiB/s")
    if reference is not None:
        print(f"tar | age -r  : {reference:6.2f} s  {mib / reference:7.1f} MiB/s (reference)")
        print(f"ratio create/reference: {reference / create_seconds:.2f} "
              f"(1.0 = as fast as the stock tools)")
        print(f"ratio restore/reference: {reference / restore_seconds:.2f}")
    else:
        print("age CLI not installed: no reference figure")


if __name__ == "__main__":
    main()
