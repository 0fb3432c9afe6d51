"""The demo instance behind `make demo`: usable by a reviewer the moment it starts.

Everything lives in one folder (``demo-data/``, gitignored): the instance file with
its own random secret key, the SQLite database, the blob folder, and one enrolled
staff account, ``demo``, that is both admin and reviewer. The account is made with
the same code an admin and an enrolling reviewer use (portal.accounts): an Argon2id
password, a TOTP secret, and a hybrid post-quantum age identity stored only as an
``age -p`` file whose recipient becomes active, so every report sent to the demo is
readable in the dashboard after unlocking the key.

The demo has no enrolment link to open: its password, TOTP secret and key passphrase
are generated here and written, with the URLs to use, to ``demo-account.toml`` (mode
0600, like the instance file and a copy of the protected identity); running the setup
again reads them back and changes nothing. Demo credentials only: never reuse them.

The app is built from the demo's instance file alone: PORTAL_* variables of the
shell (say, a real database URL or PORTAL_STAFF_HOSTS) are not consulted, so the demo
can neither touch a real installation nor hide its own staff pages. Only the staff
side's PORTAL_STAFF_* cost settings are still read from the environment
(portal.auth.settings).
"""

from __future__ import annotations

import json
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import accounts, codename, create_app, db, intake, keyring, rekey, schema
from portal.auth import passwords, totp
from portal.config import ConfigError, read_instance_file
from portal.models import Report
from portal.staff_models import StaffAccount

HOST = "127.0.0.1"
USERNAME = "demo"
PASSWORD_WORDS = 5
PASSPHRASE_WORDS = 6
CONFIG_NAME = "portal.toml"
CREDENTIALS_NAME = "demo-account.toml"
IDENTITY_NAME = "reviewer-identity.age"
#: What demos before the staff account wrote (a key with no login); set aside, kept.
_LEGACY_NAMES = ("reviewer-identity.age", "reviewer-passphrase.txt")


class DemoError(Exception):
    """The demo folder cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class Credentials:
    """What the demo account logs in and unlocks with."""

    password: str
    totp_secret: str
    passphrase: str


@dataclass(frozen=True)
class Demo:
    """A demo instance ready to serve, and everything a person needs to use it."""

    data_dir: Path
    config_file: Path
    credentials_file: Path
    identity_file: Path
    public_url: str
    staff_login_url: str
    username: str
    password: str
    totp_secret: str
    otpauth_uri: str
    passphrase: str
    set_aside: tuple[Path, ...] = ()


def app_for(data_dir: Path) -> Flask:
    """The demo's app, built from its instance file only (not the shell's PORTAL_*).

    Like `portal run`, no staff-host guard (portal.hostguard) is installed: the staff
    pages answer at the printed 127.0.0.1 address.
    """
    try:
        return create_app(read_instance_file(data_dir.resolve() / CONFIG_NAME))
    except ConfigError as exc:
        raise DemoError(f"{exc}; or start afresh: make clean-demo") from None


def setup(data_dir: Path, *, port: int = 8000, database_url: str | None = None) -> Demo:
    """Create (or check and reuse) the demo under `data_dir`; safe to run again.

    `database_url` is used only when the instance file is first written (default:
    SQLite in the folder). Raises DemoError with a one-line explanation.
    """
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config_file = data_dir / CONFIG_NAME
    if not config_file.exists():
        # The demo sets its own random secret explicitly; nothing insecure is implied.
        url = database_url or f"sqlite:///{data_dir / 'portal.db'}"
        _write_private(config_file, (
            f"secret_key = {_quote(secrets.token_urlsafe(48))}\n"
            f"database_url = {_quote(url)}\n"
            f"blob_dir = {_quote(str(data_dir / 'blobs'))}\n"
            "kdf_memory_kib = 19456\n"
        ).encode())
    config_file.chmod(0o600)  # it holds the secret key (older demos left it to the umask)
    app = app_for(data_dir)
    try:
        with app.app_context():
            session = db.get_session()
            try:
                schema.upgrade(db.engine_for(app))  # the migrations, as in production
            except schema.SchemaError as exc:
                raise DemoError(f"{exc}; or start afresh: make clean-demo") from None
            intake.installation_salt(session)
            app.extensions["portal_blobs"].ensure()
            sqlite_file = data_dir / "portal.db"
            if sqlite_file.exists():
                sqlite_file.chmod(0o600)  # password hashes, sealed TOTP secret, protected key
            set_aside = _set_aside_legacy(session, data_dir)
            credentials = _credentials(data_dir / CREDENTIALS_NAME,
                                       app.config["PORTAL_STAFF_PASSWORD_MIN"])
            account = _enrolled_account(session, app.config, credentials)
            protected = account.protected_identity or b""
            if rekey.pending(session) and session.scalar(select(Report.id).limit(1)) is None:
                # Enrolment queued a re-key; with no report yet there is nothing to do,
                # and the inbox need not ask the demo reviewer to do it.
                rekey.rekey_all(session, app.extensions["portal_blobs"],
                                app.config["SECRET_KEY"], [],
                                app.config["PORTAL_ORG_RECIPIENT"], account)
    finally:
        # Close pooled connections now, not whenever the app is garbage collected.
        db.engine_for(app).dispose()
    identity_file = data_dir / IDENTITY_NAME
    _write_private(identity_file, protected)
    demo = Demo(
        data_dir=data_dir, config_file=config_file,
        credentials_file=data_dir / CREDENTIALS_NAME, identity_file=identity_file,
        public_url=f"http://{HOST}:{port}/", staff_login_url=f"http://{HOST}:{port}/staff/login",
        username=USERNAME, password=credentials.password,
        totp_secret=credentials.totp_secret,
        otpauth_uri=totp.provisioning_uri(credentials.totp_secret, USERNAME),
        passphrase=credentials.passphrase, set_aside=set_aside,
    )
    _write_credentials(demo)
    return demo


def _quote(text: str) -> str:
    """A TOML basic string (JSON's escapes are valid TOML)."""
    return json.dumps(text, ensure_ascii=True)


def _write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically by a file only its owner can read (0600)."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _set_aside_legacy(session: Session, data_dir: Path) -> tuple[Path, ...]:
    """Keep an older demo's key (no login) under another name; it stays a recipient."""
    found = [data_dir / name for name in _LEGACY_NAMES if (data_dir / name).exists()]
    if not found or session.scalar(
        select(StaffAccount.id).where(StaffAccount.username == USERNAME)
    ) is not None:
        return ()
    moved = []
    for path in found:
        target = path.with_name("old-" + path.name)
        path.rename(target)
        moved.append(target)
    return tuple(moved)


def _generate_password(minimum: int) -> str:
    """Words from the codename list, checked against the staff password policy."""
    while True:
        candidate = "-".join(codename.generate(PASSWORD_WORDS).split())
        if not passwords.policy_errors(candidate, USERNAME, minimum):
            return candidate


def _credentials(path: Path, password_min: int) -> Credentials:
    """The demo account's secrets: read back, or generated and written before use
    (so that a setup interrupted half-way finishes with the same ones)."""
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            return Credentials(str(data["password"]), str(data["totp_secret"]),
                               str(data["identity_passphrase"]))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError):
            raise DemoError(f"{path} cannot be read; start afresh: make clean-demo") from None
    credentials = Credentials(_generate_password(password_min), totp.new_secret(),
                              codename.generate(PASSPHRASE_WORDS))
    _write_private(path, _credentials_text(credentials).encode("utf-8"))
    return credentials


def _credentials_text(credentials: Credentials, demo: Demo | None = None) -> str:
    lines = [
        "# The demo's staff account (admin and reviewer). Demo only: never reuse these.",
        "# Log in at staff_login_url with the username, the password and a code from the",
        "# TOTP secret (an authenticator app reads otpauth_uri; or: oathtool --totp -b SECRET),",
        "# then unlock the key in the dashboard with identity_passphrase.",
    ]
    if demo is not None:
        lines += [f"public_url = {_quote(demo.public_url)}",
                  f"staff_login_url = {_quote(demo.staff_login_url)}",
                  f"username = {_quote(demo.username)}"]
    lines += [f"password = {_quote(credentials.password)}",
              f"totp_secret = {_quote(credentials.totp_secret)}"]
    if demo is not None:
        lines += [f"otpauth_uri = {_quote(demo.otpauth_uri)}"]
    lines += [f"identity_passphrase = {_quote(credentials.passphrase)}"]
    if demo is not None:
        lines += [f"identity_file = {_quote(str(demo.identity_file))}"]
    return "\n".join(lines) + "\n"


def _write_credentials(demo: Demo) -> None:
    credentials = Credentials(demo.password, demo.totp_secret, demo.passphrase)
    _write_private(demo.credentials_file, _credentials_text(credentials, demo).encode("utf-8"))


def _enrolled_account(session: Session, config: Any, credentials: Credentials) -> StaffAccount:
    """Create and enrol the demo account, or check the existing one (with a browser key)."""
    secret_key = config["SECRET_KEY"]
    account = session.scalar(select(StaffAccount).where(StaffAccount.username == USERNAME))
    try:
        if account is None:
            account = accounts.create_account(
                session, secret_key, USERNAME, admin=True, reviewer=True,
                enrol_hours=config["PORTAL_STAFF_ENROL_HOURS"]).account
        if not account.active:
            raise DemoError("the demo account was revoked; start afresh: make clean-demo")
        if not account.enrolled or account.protected_identity is None:
            # What the enrolment page does once the person has scanned the QR code.
            account.totp_sealed = keyring.seal_totp_secret(credentials.totp_secret, secret_key)
            accounts.complete_enrolment(
                session, config, account, password=credentials.password, totp_step=0,
                key=accounts.KeyChoice("browser", passphrase=credentials.passphrase))
        elif not (
            passwords.verify_password(account.password_hash, credentials.password,
                                      config["PORTAL_STAFF_ARGON2_MEMORY_KIB"],
                                      config["PORTAL_STAFF_ARGON2_ITERATIONS"])
            and keyring.open_totp_secret(account.totp_sealed or "", secret_key)
            == credentials.totp_secret
        ):
            raise DemoError(f"{CREDENTIALS_NAME} does not match the demo database "
                            "(changed or deleted?); start afresh: make clean-demo")
    except (accounts.AccountError, keyring.KeyringError) as exc:
        session.rollback()
        raise DemoError(f"the demo account cannot be set up ({exc}); "
                        "start afresh: make clean-demo") from None
    if account.protected_identity is None:  # enrolled with a browser key just above
        raise DemoError("the demo account has no key; start afresh: make clean-demo")
    return account
