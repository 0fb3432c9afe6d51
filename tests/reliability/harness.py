"""A small harness for the reliability suites: a real gunicorn, real browsers-ish.

* :class:`Instance` - an installation on disk (instance file, database, blob folder,
  log file, a private TMPDIR) with a raw reviewer identity the test keeps, and
  enrolled staff reviewers who log in over HTTP like anyone else.
* :class:`Server` - gunicorn started with the shipped ``deploy/gunicorn.conf.py`` on
  loopback; it can SIGKILL a worker or the master and start again.
* :class:`Browser` - one visitor over ``http.client``: its own cookies, its own
  source address on 127/8 and User-Agent (so the seized-server search can look for
  them), multipart forms with the page's CSRF token.
* :func:`verify_receipts` and :func:`storage_problems` - what was acknowledged is
  read back through the app's own code with the test's reviewer key.
* :func:`seize` - every byte an attacker who took the machine would get.

Nothing here imitates the portal: it drives the real server and reads the real disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import crypto

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CODENAME = re.compile(r'<p class="codename"[^>]*>(.*?)</p>', re.S)
NEXT_PAGE = re.compile(r'<a rel="next" href="([^"]+)"')
REPORT_LINK = re.compile(r'href="(/staff/review/r/[0-9a-f]{32})"')
FIGURES_ENV = "RELIABILITY_FIGURES"
# Staff costs low enough for a test, set for the server and the in-process app alike.
FAST_STAFF = {
    "PORTAL_STAFF_ARGON2_MEMORY_KIB": "64",
    "PORTAL_STAFF_ARGON2_ITERATIONS": "1",
    "PORTAL_STAFF_SCRYPT_WORK_FACTOR": "4",
}
FAST_KDF = {"kdf_memory_kib": 1024, "kdf_iterations": 1}
KiB = 1024
MiB = 1024 * 1024


# ---------------------------------------------------------------------------- HTTP


@dataclass
class Reply:
    """One HTTP answer."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        """The first header of that name."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def multipart(fields: dict[str, str | list[str]],
              files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
              file_field: str = "files") -> tuple[bytes, str]:
    """A multipart/form-data body, built by hand (so hostile variants are easy)."""
    boundary = "rel" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         "\r\n\r\n".encode() + item.encode("utf-8") + b"\r\n")
    for filename, content in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
                     f'filename="{filename}"\r\nContent-Type: text/plain\r\n\r\n'
                     .encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class Browser:
    """One visitor: cookies, a fixed source address and User-Agent, a connection."""

    def __init__(self, port: int, address: str = "127.0.0.1", user_agent: str = "rel",
                 extra_headers: dict[str, str] | None = None, timeout: float = 300) -> None:
        self.port = port
        self.address = address
        self.user_agent = user_agent
        self.extra_headers = dict(extra_headers or {})
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        """Drop the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Reply:
        """Send one request on a kept-alive connection (reconnects once if it was closed)."""
        sent = {"User-Agent": self.user_agent, **self.extra_headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=self.timeout,
                    source_address=(self.address, 0))
            try:
                self._conn.request(method, path, body=body, headers=sent)
                response = self._conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError) as exc:
                self.close()
                # A kept-alive connection the server had already closed: retry once,
                # but only for requests that did not reach the app (nothing stored).
                if attempt == 1 and isinstance(exc, http.client.RemoteDisconnected) \
                        and method == "GET":
                    continue
                raise
            headers_out = list(response.getheaders())
            self._remember(response.msg.get_all("Set-Cookie") or [])
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return Reply(response.status, headers_out, data)
        raise AssertionError("unreachable")  # pragma: no cover

    def _remember(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            lowered = attributes.lower()
            if "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path: str) -> Reply:
        """GET a page."""
        return self.request("GET", path)

    def token(self, path: str) -> str:
        """Open a form page and return its CSRF token."""
        page = self.get(path)
        match = TOKEN.search(page.text)
        if not match:
            raise AssertionError(f"no CSRF token on {path} (status {page.status})")
        return match.group(1)

    def post(self, path: str, fields: dict[str, str | list[str]],
             files: list[tuple[str, bytes]] = (),  # type: ignore[assignment]
             token_from: str | None = None, with_token: bool = True) -> Reply:
        """POST a multipart form (with a fresh CSRF token unless told otherwise)."""
        if with_token:
            fields = {"csrf_token": self.token(token_from or path), **fields}
        body, content_type = multipart(fields, files)
        return self.request("POST", path, body, {"Content-Type": content_type})


def codename_of(html: str) -> str | None:
    """The codename on a confirmation page, or None."""
    match = CODENAME.search(html)
    if not match:
        return None
    return " ".join(re.findall(r"<span>([a-z]+)</span>", match.group(1)))


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------- instance


@dataclass
class StaffReviewer:
    """A staff reviewer enrolled for the run (credentials stay in test memory)."""

    username: str
    password: str
    totp_secret: str
    passphrase: str
    identity: str  # the unlocked identity string: must never be found on the server


@dataclass
class Instance:
    """An installation on disk, configured like production."""

    root: Path
    settings: dict[str, Any]
    workers: int
    identity: crypto.Identity
    staff: list[StaffReviewer] = field(default_factory=list)

    @property
    def config_file(self) -> Path:
        """The TOML instance file."""
        return self.root / "portal.toml"

    @property
    def blob_dir(self) -> Path:
        """The blob store."""
        return Path(self.settings["blob_dir"])

    @property
    def log_file(self) -> Path:
        """Where gunicorn's stderr (its error log) goes."""
        return self.root / "gunicorn.log"

    @property
    def tmp_dir(self) -> Path:
        """The server's TMPDIR."""
        return self.root / "tmp"

    def env(self) -> dict[str, str]:
        """The server's environment: the instance file, workers, costs, TMPDIR."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
        env.update(FAST_STAFF)
        env.update({"PORTAL_CONFIG": str(self.config_file), "PORTAL_WORKERS": str(self.workers),
                    "TMPDIR": str(self.tmp_dir), "PYTHONDONTWRITEBYTECODE": "1"})
        return env

    def app(self) -> Any:
        """The app in this process, built from the same settings (for checking)."""
        from portal import create_app

        with _environment(FAST_STAFF):
            return create_app(self.settings)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


def make_instance(root: Path, database_url: str, redis_url: str | None,
                  staff: int = 2, **overrides: Any) -> Instance:
    """Create an installation: migrated database, a raw reviewer, enrolled staff reviewers.

    Several workers need PostgreSQL and Redis (production refuses SQLite or in-memory
    limits with more than one), so with SQLite the server runs one worker (threads).
    """
    root.mkdir(parents=True, exist_ok=True)
    (root / "tmp").mkdir(exist_ok=True)
    workers = 2 if (redis_url and not database_url.startswith("sqlite")) else 1
    settings: dict[str, Any] = {
        "secret_key": secrets.token_urlsafe(48),
        "database_url": database_url,
        "blob_dir": str(root / "blobs"),
        "environment": "production",
        "workers": workers,
        "log_level": "WARNING",
        # A busy day for the whole site, but per-session limits as shipped.
        "ratelimit_submit_global": "100000/hour",
        "ratelimit_login_global": "100000/minute",
        "max_report_bytes": 64 * MiB,
        "max_file_bytes": 32 * MiB,
        **FAST_KDF,
    }
    if redis_url:
        settings["redis_url"] = redis_url
    settings.update(overrides)
    instance = Instance(root, settings, workers, crypto.X25519Identity(secrets.token_bytes(32)))
    instance.config_file.write_text(
        "".join(f"{k} = {_toml(v)}\n" for k, v in settings.items() if v is not None))
    instance.config_file.chmod(0o600)
    _set_up(instance, staff)
    return instance


def _set_up(instance: Instance, staff_count: int) -> None:
    from portal import accounts, db, intake, keyring, schema
    from portal.auth import totp
    from portal.staff_models import StaffAccount

    app = instance.app()
    with _environment(FAST_STAFF), app.app_context():
        schema.upgrade(db.engine_for(app))
        session = db.get_session()
        intake.installation_salt(session)
        app.extensions["portal_blobs"].ensure()
        intake.add_reviewer(session, instance.identity.recipient().to_string())
        for number in range(staff_count):
            username = f"reviewer{number}"
            password = f"pw {secrets.token_hex(10)} battery"
            passphrase = f"key {secrets.token_hex(10)} staple"
            secret = totp.new_secret()
            issued = accounts.create_account(session, app.config["SECRET_KEY"], username,
                                             admin=False, reviewer=True, enrol_hours=1)
            account = issued.account
            account.totp_sealed = keyring.seal_totp_secret(secret, app.config["SECRET_KEY"])
            accounts.complete_enrolment(
                session, app.config, account, password=password, totp_step=0,
                key=accounts.KeyChoice("browser", passphrase=passphrase))
            stored = session.get(StaffAccount, account.id)
            protected = _protected_identity(session, stored)
            unlocked = keyring.unlock(protected, passphrase).to_string()
            instance.staff.append(StaffReviewer(username, password, secret, passphrase,
                                                unlocked))
        session.commit()


def _protected_identity(session: Any, account: Any) -> bytes:
    """The reviewer's passphrase-protected identity as the server stores it."""
    for name in ("protected_identity", "identity_protected", "sealed_identity"):
        value = getattr(account, name, None)
        if isinstance(value, bytes | bytearray):
            return bytes(value)
    from portal.models import Reviewer

    reviewer = session.get(Reviewer, account.reviewer_id)
    for name in ("protected_identity", "identity_protected"):
        value = getattr(reviewer, name, None)
        if isinstance(value, bytes | bytearray):
            return bytes(value)
    raise AssertionError("cannot find the reviewer's protected identity")


# ---------------------------------------------------------------------------- server


class Server:
    """gunicorn with the shipped configuration, on loopback."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        """Start gunicorn and wait until it answers."""
        log = self.instance.log_file.open("ab")
        try:
            self.proc = subprocess.Popen(
                [str(GUNICORN), "-c", str(GUNICORN_CONF), "--bind", f"127.0.0.1:{self.port}"],
                cwd=ROOT, env=self.instance.env(), stdout=log, stderr=log,
                start_new_session=True)
        finally:
            log.close()
        self.starts += 1
        self._wait_until_up()

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                raise AssertionError("gunicorn exited during start-up:\n" + self.log_tail())
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    conn.close()
                    if self.worker_pids():
                        return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start:\n" + self.log_tail())

    def log_tail(self) -> str:
        """The end of the server's log (for failure messages)."""
        try:
            return self.instance.log_file.read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    @property
    def master_pid(self) -> int:
        """The gunicorn master's pid."""
        if self.proc is None:
            raise AssertionError("server not started")
        return self.proc.pid

    def worker_pids(self) -> list[int]:
        """Pids of the master's current worker processes."""
        return children_of(self.master_pid)

    def pids(self) -> list[int]:
        """Master and workers."""
        return [self.master_pid, *self.worker_pids()]

    def kill_worker(self, rng: random.Random) -> None:
        """SIGKILL one worker and wait until the master has started its replacement."""
        workers = self.worker_pids()
        if not workers:
            return
        victim = rng.choice(workers)
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (
            victim in self.worker_pids() or len(self.worker_pids()) < len(workers)
        ):
            time.sleep(0.05)
        self._wait_until_up()

    def kill_master(self) -> None:
        """SIGKILL the master, then its orphaned workers (what a service manager does,
        at the latest, with what is left of a failed service); then start again, as
        systemd's Restart= would."""
        if self.proc is None:
            return
        workers = self.worker_pids()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        # Waiting for orphans to finish gracefully could take gunicorn's whole
        # graceful_timeout (60 s) per kill; what they hold is cut off instead, the
        # harder case for the suite.
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        while any(_alive(pid) for pid in workers):
            time.sleep(0.05)
        self.start()

    def stop(self) -> None:
        """Graceful stop (SIGTERM), as an operator would."""
        if self.proc is None or self.proc.poll() is not None:
            return
        workers = self.worker_pids()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pid in workers:
            while _alive(pid):
                time.sleep(0.05)


def children_of(pid: int) -> list[int]:
    """Direct children of a process (from /proc)."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ---------------------------------------------------------------------------- load


@dataclass
class Sent:
    """One submission as the client knows it."""

    index: int
    account: str
    files: list[tuple[str, int, str]]  # (name, size, sha256 of content)
    status: int = 0
    codename: str | None = None
    error: str | None = None


@dataclass
class Tally:
    """Counters shared by the client threads."""

    sent: int = 0
    acknowledged: int = 0
    refused_429: int = 0
    server_errors: int = 0
    other: dict[str, int] = field(default_factory=dict)
    connection_errors: int = 0
    reviewer_pages: int = 0
    reviewer_reports_read: int = 0
    bytes_sent: int = 0
    #: The longest wait for one submission's answer (or failure), and how it ended.
    slowest_seconds: float = 0.0
    slowest_outcome: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, seconds: float, outcome: str) -> None:
        """Keep the slowest submission."""
        with self.lock:
            if seconds > self.slowest_seconds:
                self.slowest_seconds, self.slowest_outcome = seconds, outcome

    def count(self, status: int) -> None:
        """Count one answer to a submission."""
        with self.lock:
            if status >= 500:
                self.server_errors += 1
            elif status == 429:
                self.refused_429 += 1
            elif status != 200:
                self.other[str(status)] = self.other.get(str(status), 0) + 1


def _block(marker: str, size: int, rng: random.Random) -> bytes:
    """Text of `size` bytes that names `marker` on every line (for the seized search)."""
    line = f"{marker} {rng.getrandbits(64):016x} 证据 ཞིབ་བཤེར་ دەلىل\n".encode()
    repeats = size // len(line) + 1
    return (line * repeats)[:size]


def plan_submission(index: int, tag: str, rng: random.Random,
                    large_every: int, medium_every: int) -> tuple[Sent, list[tuple[str, bytes]]]:
    """What submission `index` sends: ~1 KB of text, and sometimes a file.

    Sizes: every `large_every`-th a 20 MB file, every `medium_every`-th 1 MB, a quarter
    of the rest 4-64 KB, the others text only.
    """
    marker = f"RELMARK{tag}x{index:05d}"
    account = (f"{marker} 我因为向联合国人权理事会提交材料被国家安全部门带走。"
               f"ང་ཚོ་ལ་ཉེན་ཁ་ཡོད། {marker} " + "detail " * 100).strip()
    if index % large_every == large_every // 2:
        size = 20 * 1000 * 1000
    elif index % medium_every == 3:
        size = MiB
    elif index % 4 == 1:
        size = rng.randrange(4 * KiB, 64 * KiB)
    else:
        size = 0
    files: list[tuple[str, bytes]] = []
    if size:
        files.append((f"evidence-{marker}.txt", _block(marker, size, rng)))
    sent = Sent(index, account,
                [(name, len(data), hashlib.sha256(data).hexdigest()) for name, data in files])
    return sent, files


def submit(browser: Browser, sent: Sent, files: list[tuple[str, bytes]], tally: Tally) -> None:
    """GET the form, POST the report, record the answer and the codename."""
    started: float | None = None
    try:
        token = browser.token("/submit")
        body, content_type = multipart({"csrf_token": token, "account": sent.account,
                                        "consent_ohchr": "yes"}, files)
        with tally.lock:
            tally.sent += 1
            tally.bytes_sent += len(body)
        started = time.monotonic()
        reply = browser.request("POST", "/submit", body, {"Content-Type": content_type})
    except (OSError, http.client.HTTPException, AssertionError) as exc:
        sent.error = type(exc).__name__
        if started is not None:
            tally.timed(time.monotonic() - started, sent.error)
        with tally.lock:
            tally.connection_errors += 1
        browser.close()
        return
    tally.timed(time.monotonic() - started, str(reply.status))
    sent.status = reply.status
    tally.count(reply.status)
    if reply.status == 200:
        sent.codename = codename_of(reply.text)
        if sent.codename:
            with tally.lock:
                tally.acknowledged += 1


def staff_login(browser: Browser, staff: StaffReviewer) -> None:
    """Log in with password and TOTP, then unlock the key (raises if refused)."""
    from portal.auth import totp

    token = browser.token("/staff/login")
    reply = browser.post("/staff/login", {
        "csrf_token": token, "username": staff.username, "password": staff.password,
        "code": totp.code_at(staff.totp_secret, totp.current_step())}, with_token=False)
    if reply.status != 303:
        raise AssertionError(f"staff login answered {reply.status}")
    reply = browser.post("/staff/unlock", {"passphrase": staff.passphrase})
    if reply.status != 303:
        raise AssertionError(f"unlock answered {reply.status}")


def page_inbox(browser: Browser, tally: Tally, stop: threading.Event,
               statuses: list[int]) -> None:
    """Walk the inbox page by page (and open a report now and then) until `stop`."""
    rounds = 0
    while not stop.is_set():
        path: str | None = "/staff/review/inbox"
        while path and not stop.is_set():
            try:
                reply = browser.get(path)
            except (OSError, http.client.HTTPException):
                browser.close()
                time.sleep(0.2)
                break
            statuses.append(reply.status)
            with tally.lock:
                tally.reviewer_pages += 1
            if reply.status >= 500:
                with tally.lock:
                    tally.server_errors += 1
            links = REPORT_LINK.findall(reply.text)
            if links and rounds % 3 == 0:
                try:
                    opened = browser.get(links[0])
                except (OSError, http.client.HTTPException):
                    browser.close()
                    break
                statuses.append(opened.status)
                with tally.lock:
                    tally.reviewer_reports_read += 1
                    if opened.status >= 500:
                        tally.server_errors += 1
            match = NEXT_PAGE.search(reply.text)
            path = match.group(1).replace("&amp;", "&") if match else None
        rounds += 1
        stop.wait(0.2)


# ---------------------------------------------------------------------------- checking


@dataclass
class Verification:
    """What reading the acknowledged submissions back found."""

    verified: int = 0
    lost: list[str] = field(default_factory=list)


def verify_receipts(instance: Instance, acknowledged: list[Sent]) -> Verification:
    """Find each report by its codename and decrypt it with the test's reviewer key.

    Verified means: the report exists, its document holds exactly the text sent, and
    every attachment decrypts to exactly the bytes sent (same SHA-256 and size).
    """
    from portal import codename, db, documents, intake
    from portal.models import EntryKind

    app = instance.app()
    result = Verification()
    kdf = codename.KdfParams(memory_kib=app.config["PORTAL_KDF_MEMORY_KIB"],
                             iterations=app.config["PORTAL_KDF_ITERATIONS"])
    store = app.extensions["portal_blobs"]
    with app.app_context():
        session = db.get_session()
        for sent in acknowledged:
            problem = _check_one(session, store, instance.identity, sent, kdf, intake,
                                 documents, EntryKind)
            if problem:
                result.lost.append(f"#{sent.index}: {problem}")
            else:
                result.verified += 1
            session.expunge_all()
    return result


def _check_one(session: Any, store: Any, identity: crypto.Identity, sent: Sent, kdf: Any,
               intake: Any, documents: Any, kinds: Any) -> str | None:
    if not sent.codename:
        return "no codename"
    report, _tag, _seed = intake.find_report(session, sent.codename, kdf)
    if report is None:
        return "no report for the codename"
    main = [e for e in report.entries if e.kind == kinds.REPORT.value]
    if len(main) != 1:
        return f"{len(main)} report documents"
    try:
        document = documents.decode(store.decrypt(main[0].blob_id, [identity]))
    except Exception as exc:  # noqa: BLE001 - any failure is a lost report
        return f"document unreadable ({type(exc).__name__})"
    if document.get("account") != sent.account:
        return "account text differs"
    manifest = document.get("files") or []
    if len(manifest) != len(sent.files):
        return f"{len(manifest)} files listed, {len(sent.files)} sent"
    for listed, (_name, size, digest) in zip(manifest, sent.files, strict=True):
        try:
            data = store.decrypt(listed["blob"], [identity])
        except Exception as exc:  # noqa: BLE001
            return f"file unreadable ({type(exc).__name__})"
        if len(data) != size or hashlib.sha256(data).hexdigest() != digest:
            return "file bytes differ"
    return None


def storage_problems(instance: Instance) -> list[str]:
    """Half-written state: temporary blobs, unreferenced blobs, missing or broken blobs,
    reports without their document, entries pointing nowhere."""
    from sqlalchemy import select

    from portal import db
    from portal.models import Entry, EntryKind, Report

    app = instance.app()
    store = app.extensions["portal_blobs"]
    problems: list[str] = []
    tmp = store.root / ".tmp"
    if tmp.is_dir():
        leftovers = list(tmp.iterdir())
        if leftovers:
            problems.append(f"{len(leftovers)} temporary blob file(s) left in .tmp")
    with app.app_context():
        session = db.get_session()
        referenced = set(session.scalars(select(Entry.blob_id)))
        on_disk = store.all_ids()
        if on_disk - referenced:
            problems.append(f"{len(on_disk - referenced)} unreferenced blob(s) on disk")
        if referenced - on_disk:
            problems.append(f"{len(referenced - on_disk)} entry row(s) without their blob")
        for report in session.scalars(select(Report)):
            kinds = [e.kind for e in report.entries]
            if kinds.count(EntryKind.REPORT.value) != 1:
                problems.append(f"report {report.id[:8]} has {kinds.count('report')} documents")
        for blob_id in sorted(referenced & on_disk):
            with store.open(blob_id) as src:
                try:
                    crypto.decrypt(src, _Discard(), [instance.identity])
                except crypto.AgeError as exc:
                    problems.append(f"blob {blob_id[:8]} does not decrypt ({type(exc).__name__})")
    return problems


class _Discard:
    """A sink for decrypted bytes (checked for completeness, then forgotten)."""

    def write(self, data: bytes) -> int:
        return len(data)


def audit_verifies(instance: Instance) -> tuple[bool, str]:
    """Run `portal audit verify` as an operator would."""
    result = subprocess.run(
        [str(Path(sys.executable).parent / "portal"), "audit", "verify",
         "--config", str(instance.config_file)],
        capture_output=True, text=True, env=instance.env(), cwd=ROOT, timeout=300, check=False)
    return result.returncode == 0, (result.stdout + result.stderr).strip()


# ---------------------------------------------------------------------------- seizure


def database_bytes(instance: Instance) -> bytes:
    """The database as a thief gets it: the SQLite files, or every row of every table."""
    url = instance.settings["database_url"]
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    from sqlalchemy import text

    from portal import db

    app = instance.app()
    chunks: list[bytes] = []
    with app.app_context():
        session = db.get_session()
        tables = session.scalars(text(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema()")).all()
        for table in tables:
            # Table names come from the database's own catalogue, not from input.
            for row in session.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
                chunks.append(repr(tuple(row)).encode("utf-8", "replace"))
    return b"\n".join(chunks)


def files_bytes(folder: Path, since: float | None = None,
                skip: tuple[Path, ...] = ()) -> Iterator[tuple[str, bytes]]:
    """(path, content) of every regular file under `folder` (changed since `since`).

    Other processes create and delete files meanwhile (a shared /tmp): whatever
    vanishes while we walk is skipped.
    """
    if not folder.exists():
        return
    for directory, subdirs, names in os.walk(folder):
        base = Path(directory)
        subdirs[:] = [d for d in subdirs if not any((base / d).is_relative_to(s) for s in skip)]
        for name in names:
            path = base / name
            try:
                stat = path.lstat()
                if not path.is_file() or path.is_symlink():
                    continue
                if since is not None and max(stat.st_mtime, stat.st_ctime) < since:
                    continue
                if stat.st_size > 256 * MiB:
                    continue
                yield str(path), path.read_bytes()
            except OSError:
                continue


def process_environment(pids: list[int]) -> bytes:
    """Environment and command line of the server processes."""
    chunks: list[bytes] = []
    for pid in pids:
        for name in ("environ", "cmdline"):
            with contextlib.suppress(OSError):
                chunks.append(Path(f"/proc/{pid}/{name}").read_bytes())
    return b"\n".join(chunks)


def find_needles(place: str, data: bytes, needles: list[str]) -> list[str]:
    """Every needle found in `data`, in UTF-8 and UTF-16 (what `strings -el` would see)."""
    hits: list[str] = []
    lowered = data.lower()
    for needle in needles:
        for encoded in {needle.encode("utf-8"), needle.encode("utf-16-le")}:
            if encoded.lower() in lowered:
                hits.append(f"{needle[:40]!r} in {place}")
                break
    return hits


@dataclass
class Seizure:
    """What searching the seized machine found."""

    places: int = 0
    bytes_searched: int = 0
    hits: list[str] = field(default_factory=list)


def seize(instance: Instance, server_pids: list[int], since: float,
          needles: list[str]) -> Seizure:
    """Search everything the server keeps - database, blobs, logs, temporary folders
    (its own and the machine's shared ones), its processes' environment - for needles."""
    found = Seizure()

    def search(place: str, data: bytes) -> None:
        found.places += 1
        found.bytes_searched += len(data)
        found.hits.extend(find_needles(place, data, needles))

    search("database", database_bytes(instance))
    search("process environment", process_environment(server_pids))
    if instance.log_file.exists():
        search("server log", instance.log_file.read_bytes())
    for folder in (instance.blob_dir, instance.tmp_dir):
        for path, data in files_bytes(folder):
            search(path, data)
    # The machine's shared temporary folders: anything written there during the run.
    for shared in (Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")):
        for path, data in files_bytes(shared, since=since, skip=(instance.root,)):
            search(path, data)
    return found


# ---------------------------------------------------------------------------- figures


def record_figures(suite: str, figures: dict[str, Any]) -> None:
    """Write a suite's figures for `make reliability` (no-op without the variable)."""
    folder = os.environ.get(FIGURES_ENV)
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / f"{suite}.json").write_text(json.dumps(figures, indent=1, sort_keys=True))


# ---------------------------------------------------------------------------- the load


@dataclass
class Load:
    """A finished load run: every submission, the counters, the visitors' traces."""

    records: list[Sent]
    tally: Tally
    addresses: list[str]
    user_agents: list[str]
    proxy_addresses: list[str]
    reviewer_statuses: list[int]
    reviewer_errors: list[str]

    @property
    def acknowledged(self) -> list[Sent]:
        """Submissions answered with a codename."""
        return [r for r in self.records if r.codename]


def run_load(port: int, instance: Instance, *, total: int, clients: int, tag: str,
             large_every: int = 400, medium_every: int = 50,
             session_reuse: int = 14, retries: int = 0) -> Load:
    """`clients` sources submit `total` reports while every staff reviewer pages the inbox.

    Each client has its own loopback source address, User-Agent and proxy-style
    headers (all of which the server must forget). Client 0 sends its first
    `session_reuse` reports from one browser session, so the per-session rate limit
    answers 429 for the ones over it; every other submission is a fresh session. A
    submission whose connection fails is tried again up to `retries` times.
    """
    rng = random.Random(tag)  # noqa: S311 - test scheduling, not secrets
    net = (rng.randrange(2, 250), rng.randrange(2, 250))
    addresses = [f"127.{net[0]}.{net[1]}.{k + 1}" for k in range(clients)]
    proxy_addresses = [f"100.{net[1]}.{net[0]}.{k + 1}" for k in range(clients)]
    user_agents = [f"ReliabilityBrowser/{tag}-{k}" for k in range(clients)]
    records: list[Sent] = [Sent(i, "", []) for i in range(total)]
    tally = Tally()
    stop = threading.Event()
    reviewer_statuses: list[int] = []
    reviewer_errors: list[str] = []

    def visitor(k: int) -> Browser:
        return Browser(port, addresses[k], user_agents[k],
                       {"X-Forwarded-For": proxy_addresses[k], "X-Real-IP": proxy_addresses[k],
                        "Forwarded": f"for={proxy_addresses[k]}"})

    def client(k: int) -> None:
        local = random.Random(f"{tag}-{k}")  # noqa: S311 - file contents, not secrets
        kept = visitor(k)
        for count, index in enumerate(range(k, total, clients)):
            sent, files = plan_submission(index, tag, local, large_every, medium_every)
            records[index] = sent
            browser = kept if (k == 0 and count < session_reuse) else visitor(k)
            for _attempt in range(retries + 1):
                submit(browser, sent, files, tally)
                if sent.error is None:
                    break
                # Refused or cut off (a server being restarted): a source tries again
                # a moment later, from a fresh page.
                time.sleep(0.5)
                sent.error = None
                browser = visitor(k)
            if browser is not kept:
                browser.close()
        kept.close()

    def reviewer(staff: StaffReviewer, k: int) -> None:
        browser = visitor(k % clients)
        try:
            staff_login(browser, staff)
            page_inbox(browser, tally, stop, reviewer_statuses)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            reviewer_errors.append(f"{staff.username}: {exc!r}")
        finally:
            browser.close()

    reviewers = [threading.Thread(target=reviewer, args=(s, n), daemon=True)
                 for n, s in enumerate(instance.staff)]
    sources = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for thread in reviewers + sources:
        thread.start()
    for thread in sources:
        thread.join()
    stop.set()
    for thread in reviewers:
        thread.join(timeout=120)
    return Load(records, tally, addresses, user_agents, proxy_addresses,
                reviewer_statuses, reviewer_errors)
