"""`portal doctor`: check a deployment the way an experienced operator would.

Each check returns findings: ``ok``, ``warn`` (works, but should be looked at) or
``fail`` (unsafe or broken). The command exits non-zero when anything fails.
Findings name settings and paths, never content or key material.

Checks: configuration sanity (the production rules of portal.production), the
database (reachable, schema at the newest revision, audit chain intact), Redis,
recipients (every active reviewer's, the organization's and the backup recipient
parse), the data folders' owners and permissions, leftovers where plaintext or
half-written files could hide, the clock (against the database's and Redis's),
retention and backups configured, and Tor's onion-service settings.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

OK, WARN, FAIL = "ok", "warn", "fail"
#: A clock further off than this breaks TOTP logins (30-second steps, one step of slack).
MAX_SKEW_SECONDS = 30
#: Stale temporary files older than this are crash leftovers.
STALE_SECONDS = 3600
#: No portal data can predate this; a clock before it is plainly wrong.
EARLIEST_SANE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Finding:
    """One result line."""

    level: str
    check: str
    message: str

    def line(self) -> str:
        """How the command prints it."""
        return f"{self.level.upper():4}  {self.check:12} {self.message}"


def _finding(level: str, check: str, message: str) -> Finding:
    return Finding(level, check, message)


# --- configuration ---------------------------------------------------------------------

def check_config(app: Flask) -> list[Finding]:
    """Production rules, and the settings an operator should have made."""
    from portal import production

    config = app.config
    findings = []
    problems = production.config_problems(config, debug=app.debug)
    production_mode = config.get("PORTAL_ENVIRONMENT") == "production"
    for problem in problems:
        findings.append(_finding(FAIL if production_mode else WARN, "config", problem))
    if not production_mode:
        findings.append(_finding(WARN, "config", "PORTAL_ENVIRONMENT=development: the "
                                 "production checks do not stop the server"))
    if not config.get("PORTAL_RETENTION_DAYS"):
        findings.append(_finding(WARN, "retention", "PORTAL_RETENTION_DAYS=0: reports are "
                                 "kept forever"))
    else:
        findings.append(_finding(OK, "retention",
                                 f"reports deleted after {config['PORTAL_RETENTION_DAYS']} "
                                 "days without activity (needs the portal-retention timer)"))
    if not config.get("PORTAL_BACKUP_RECIPIENT"):
        findings.append(_finding(WARN, "backup", "PORTAL_BACKUP_RECIPIENT is not set: "
                                 "`portal backup create` needs --recipient"))
    if not problems:
        findings.append(_finding(OK, "config", "no insecure setting found"))
    return findings


# --- database, redis, recipients -------------------------------------------------------

def check_database(app: Flask) -> list[Finding]:
    """Reachable, migrated, audit chain intact."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from portal import audit, db, schema

    engine = db.engine_for(app)
    try:
        revision = schema.current(engine)
    except SQLAlchemyError as exc:
        return [_finding(FAIL, "database", f"not reachable ({type(exc).__name__})")]
    findings = [_finding(OK, "database", f"reachable ({engine.dialect.name})")]
    head = schema.head()
    if revision != head:
        findings.append(_finding(FAIL, "database", f"schema at {revision or 'none'}, code "
                                 f"needs {head}: run portal db upgrade"))
        return findings
    findings.append(_finding(OK, "database", f"schema at the newest revision ({head})"))
    with engine.connect() as connection:
        diffs = schema.differences(connection)
    if diffs:
        findings.append(_finding(FAIL, "database", f"schema differs from the models "
                                 f"({len(diffs)} difference(s), first: {diffs[0]!r:.120})"))
        return findings
    with Session(engine) as session:
        result = audit.verify(session, app.config["SECRET_KEY"])
    if result.ok:
        findings.append(_finding(OK, "audit", f"chain intact ({result.checked} events)"))
    else:
        findings.append(_finding(FAIL, "audit", f"chain broken at event {result.first_bad_id}"))
    return findings


def check_redis(app: Flask) -> list[Finding]:
    """Redis answers, when configured."""
    url = app.config.get("PORTAL_REDIS_URL")
    if not url:
        return [_finding(OK, "redis", "not configured (rate limits in memory)")]
    import redis

    client = redis.Redis.from_url(str(url), socket_timeout=3, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        return [_finding(FAIL, "redis", f"not reachable ({type(exc).__name__})")]
    finally:
        client.close()
    return [_finding(OK, "redis", "reachable")]


def check_recipients(app: Flask) -> list[Finding]:
    """Every key reports or backups are encrypted to parses; someone can read reports."""
    from sqlalchemy import select
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    import crypto
    from portal import db
    from portal.models import Reviewer

    findings = []
    try:
        with Session(db.engine_for(app)) as session:
            rows = session.execute(select(Reviewer.id, Reviewer.recipient)
                                   .where(Reviewer.active)).all()
    except SQLAlchemyError:
        return [_finding(FAIL, "recipients", "cannot read reviewers from the database")]
    bad = []
    for row in rows:
        try:
            crypto.parse_recipient(row.recipient)
        except crypto.AgeError:
            bad.append(str(row.id))
    if bad:
        findings.append(_finding(FAIL, "recipients", f"reviewer(s) {', '.join(bad)}: "
                                 "recipient does not parse"))
    for setting, key in (("organization", "PORTAL_ORG_RECIPIENT"),
                         ("backup", "PORTAL_BACKUP_RECIPIENT")):
        value = app.config.get(key)
        if value:
            try:
                crypto.parse_recipient(str(value))
                findings.append(_finding(OK, "recipients", f"{setting} recipient parses"))
            except crypto.AgeError:
                findings.append(_finding(FAIL, "recipients", f"{key} does not parse"))
    if not rows and not app.config.get("PORTAL_ORG_RECIPIENT"):
        findings.append(_finding(FAIL, "recipients", "no active reviewer and no organization "
                                 "recipient: nobody can read reports"))
    elif not bad:
        findings.append(_finding(OK, "recipients", f"{len(rows)} active reviewer(s)"))
    return findings


# --- files -----------------------------------------------------------------------------

def _private(path: Path, check: str, what: str, *, group_may_read: bool = False) -> list[Finding]:
    """Owner-only (or, for a root-owned file the service's group reads, group-readable)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return [_finding(FAIL, check, f"{what} {path} does not exist")]
    findings = []
    forbidden = 0o037 if group_may_read else 0o077
    if info.st_uid != os.geteuid() and not (group_may_read and info.st_uid == 0):
        findings.append(_finding(WARN, check, f"{what} {path} belongs to uid {info.st_uid}, "
                                 f"not to this user ({os.geteuid()})"))
    if stat.S_IMODE(info.st_mode) & forbidden:
        findings.append(_finding(FAIL, check, f"{what} {path} is readable by others "
                                 f"(mode {stat.S_IMODE(info.st_mode):o}); chmod go-rwx"))
    if not findings:
        findings.append(_finding(OK, check, f"{what} {path} is private"))
    return findings


def check_files(app: Flask) -> list[Finding]:
    """Owner-only data folders and files; the instance file is not world-readable."""
    from sqlalchemy.engine import make_url

    findings = _private(Path(app.config["BLOB_DIR"]), "files", "blob folder")
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        database = Path(url.database)
        findings += _private(database, "files", "database file")
        findings += _private(database.parent, "files", "database folder")
    config_file = os.environ.get("PORTAL_CONFIG")
    if config_file:
        # root:portal 0640 (deploy/README.md) or the service user's own 0600.
        findings += _private(Path(config_file), "files", "instance file (holds SECRET_KEY)",
                             group_may_read=True)
    return findings


def check_leftovers(app: Flask, now: float | None = None) -> list[Finding]:
    """No stray or stale files where plaintext or half-written data could hide.

    The app never writes plaintext (uploads stay in memory, scrubbing uses memfd),
    so anything in the blob folder that is not a blob or an in-flight ``.part``
    file, a stale ``.part`` file, or a ``portal``-named entry of this user in the
    system temporary folder is reported.
    """
    now = time.time() if now is None else now
    root = Path(app.config["BLOB_DIR"])
    strays, stale = [], []
    if root.is_dir():
        for path in root.rglob("*"):
            relative = path.relative_to(root)
            if path.is_dir():
                if len(relative.parts) == 1 and (len(path.name) == 2 or path.name == ".tmp"):
                    continue
                strays.append(relative)
            elif relative.parts[0] == ".tmp":
                if path.stat().st_mtime < now - STALE_SECONDS:
                    stale.append(relative)
            elif not (len(relative.parts) == 2 and len(path.name) == 32
                      and path.name.startswith(relative.parts[0])):
                strays.append(relative)
    temp_root = Path(tempfile.gettempdir())
    temp_hits = [p.name for p in temp_root.iterdir()
                 if "portal" in p.name.lower() and _owned(p)] if temp_root.is_dir() else []
    findings = []
    if strays:
        findings.append(_finding(FAIL, "leftovers", f"{len(strays)} unexpected file(s) in the "
                                 f"blob folder, e.g. {strays[0]}: inspect and remove"))
    if stale:
        findings.append(_finding(WARN, "leftovers", f"{len(stale)} stale temporary file(s) "
                                 "(crash leftovers, ciphertext): portal storage sweep"))
    if temp_hits:
        findings.append(_finding(FAIL, "leftovers", f"{temp_root} holds {len(temp_hits)} "
                                 f"portal file(s), e.g. {temp_hits[0]}: the service should run "
                                 "with PrivateTmp and never write there"))
    if not findings:
        findings.append(_finding(OK, "leftovers", "no stray or stale files"))
    return findings


def _owned(path: Path) -> bool:
    try:
        return path.lstat().st_uid == os.geteuid()
    except OSError:
        return False


# --- clock -----------------------------------------------------------------------------

def check_clock(app: Flask) -> list[Finding]:
    """The clock is plausible, NTP-synchronised, and agrees with the database and Redis."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from portal import db

    here = dt.datetime.now(dt.UTC)
    if here < EARLIEST_SANE:
        return [_finding(FAIL, "clock", f"the clock says {here:%Y-%m-%d}: set the time")]
    findings = []
    engine = db.engine_for(app)
    if engine.dialect.name == "postgresql":
        try:
            with engine.connect() as connection:
                theirs = connection.scalar(text("SELECT now()"))
            findings.append(_skew("database", here, theirs))
        except SQLAlchemyError:
            pass  # reported by the database check
    url = app.config.get("PORTAL_REDIS_URL")
    if url:
        import redis

        client = redis.Redis.from_url(str(url), socket_timeout=3, socket_connect_timeout=3)
        try:
            seconds, micros = client.time()
            findings.append(_skew("redis", here, dt.datetime.fromtimestamp(
                seconds + micros / 1e6, dt.UTC)))
        except redis.RedisError:
            pass
        finally:
            client.close()
    findings.append(_ntp_state())
    return findings


def _skew(name: str, here: dt.datetime, theirs: Any) -> Finding:
    skew = abs((here - theirs).total_seconds())
    if skew > MAX_SKEW_SECONDS:
        return _finding(FAIL, "clock", f"{skew:.0f} s apart from the {name} server's clock")
    return _finding(OK, "clock", f"agrees with the {name} server's clock")


def _ntp_state() -> Finding:
    if shutil.which("timedatectl") is None:
        return _finding(WARN, "clock", "timedatectl not found: cannot tell whether NTP "
                        "keeps the clock right (TOTP logins need it)")
    try:
        out = subprocess.run(  # noqa: S603 - fixed argument list
            ["timedatectl", "show", "--property=NTPSynchronized", "--value"],  # noqa: S607
            capture_output=True, text=True, timeout=5, check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return _finding(WARN, "clock", "timedatectl did not answer")
    if out.returncode != 0:
        return _finding(WARN, "clock", "cannot ask systemd whether NTP is synchronised")
    if out.stdout.strip() == "yes":
        return _finding(OK, "clock", "synchronised by NTP")
    return _finding(WARN, "clock", "not synchronised by NTP (TOTP logins need a right clock)")


# --- tor --------------------------------------------------------------------------------

#: Where Tor's configuration is on Debian (a monitoring host may lack it: then a warning).
TORRC = Path("/etc/tor/torrc")


def check_tor(app: Flask) -> list[Finding]:
    """The onion service has the DoS defences and Tor keeps quiet (deploy/tor/portal.torrc)."""
    try:
        text = TORRC.read_text(encoding="utf-8")
    except OSError:
        return [_finding(WARN, "tor", f"{TORRC} cannot be read here: check the onion "
                         "service's settings against deploy/tor/portal.torrc")]
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, _, value = line.strip().partition(" ")
        if key and not key.startswith("#"):
            settings.setdefault(key.lower(), []).append(value.strip())
    findings = []
    if not settings.get("hiddenservicedir"):
        return [_finding(WARN, "tor", f"{TORRC} publishes no onion service")]
    if "1" not in settings.get("hiddenservicepowdefensesenabled", []):
        findings.append(_finding(FAIL, "tor", "proof-of-work DoS defence is off: "
                                 "HiddenServicePoWDefensesEnabled 1"))
    if settings.get("socksport", ["9050"])[-1] != "0":
        findings.append(_finding(WARN, "tor", "Tor also runs a SOCKS proxy: SocksPort 0"))
    if settings.get("safelogging", ["1"])[-1] != "1":
        findings.append(_finding(FAIL, "tor", "Tor may log addresses: SafeLogging 1"))
    for port in settings.get("hiddenserviceport", []):
        target = port.split()[-1]
        if not target.startswith(("127.", "unix:", "[::1]")):
            findings.append(_finding(FAIL, "tor", f"onion service forwards to {target}: "
                                     "use the loopback interface or a Unix socket"))
    if not findings:
        findings.append(_finding(OK, "tor", "onion service with PoW defences, quiet logs"))
    return findings


CHECKS = (check_config, check_database, check_redis, check_recipients, check_files,
          check_leftovers, check_clock, check_tor)


def run(app: Flask) -> list[Finding]:
    """Every check, in order."""
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(app))
    return findings
