"""Backups: one age-encrypted archive of the database and every blob it refers to.

The archive is a tar stream, encrypted on the fly to one or more *offline* backup
recipients (``PORTAL_BACKUP_RECIPIENT``; its identity never lives on the server).
Inside:

``manifest.json``
    format, schema revision, row count per table, blob count.
``database/<table>.jsonl``
    every row as JSON, in dependency order; bytes, dates and times are tagged.
    A logical dump, not a file copy: it restores into SQLite or PostgreSQL alike.
``blobs/<id>``
    the encrypted blobs exactly as stored (they stay encrypted to the reviewers).
    Times and owners in the tar headers are zeroed: a blob's file time would tell
    when a report arrived.

The database is read first, in one transaction; then the blobs *it refers to* are
added, so the archive is consistent. A blob deleted in between (a report deleted
during the backup) is counted as missing, not an error.

Restore needs an empty instance (fresh database, empty blob folder) configured
with the same SECRET_KEY (the audit chain and TOTP secrets are keyed by it). The
archive is decrypted into a private temporary file inside the blob folder (its
contents are no more sensitive than the database and blobs themselves, and the
age stream is fully authenticated before anything is restored), the schema is
brought to the archive's revision, rows are inserted, blobs copied, then the
schema is upgraded to the current revision. On any error the new rows are rolled
back and the copied blobs removed.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import io
import json
import os
import re
import secrets
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

from sqlalchemy import Connection, Engine, MetaData, Table, func, insert, inspect, select, text

import crypto
from portal import schema
from portal.storage import BlobStore, StorageError

FORMAT = "reprisal-portal-backup/1"
_MANIFEST = "manifest.json"
_DB_DIR = "database/"
_BLOB_DIR = "blobs/"
_BATCH = 500
_COPY = 1024 * 1024
_BLOB_ID = re.compile(r"\A[0-9a-f]{32}\Z")  # as portal.storage names blobs


class BackupError(Exception):
    """A backup cannot be written or restored (the message says why)."""


@dataclass
class BackupSummary:
    """What an archive holds (or what a restore brought back)."""

    revision: str | None
    rows: dict[str, int] = field(default_factory=dict)
    blobs: int = 0
    missing_blobs: int = 0


# --- values ----------------------------------------------------------------------------

def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 1:
        ((tag, body),) = value.items()
        if tag == "$bytes":
            return base64.b64decode(body, validate=True)
        if tag == "$datetime":
            return dt.datetime.fromisoformat(body)
        if tag == "$date":
            return dt.date.fromisoformat(body)
    return value


def blob_columns(table: Table) -> list[str]:
    """Columns of `table` that hold blob ids (by the project's naming rule)."""
    return [c.name for c in table.columns if c.name == "blob_id" or c.name.endswith("_blob_id")]


def referenced_blob_ids(connection: Connection, metadata: MetaData | None = None) -> set[str]:
    """Every blob id any table refers to."""
    meta = metadata if metadata is not None else schema.metadata()
    existing = set(inspect(connection).get_table_names())
    ids: set[str] = set()
    for table in meta.sorted_tables:
        if table.name not in existing:
            continue
        for column in blob_columns(table):
            ids.update(v for v in connection.scalars(select(table.c[column])) if v)
    return ids


# --- create ----------------------------------------------------------------------------

def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = size
    info.mode = 0o600
    info.mtime = 0  # file times would date the reports
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _dump_tables(connection: Connection) -> tuple[dict[str, bytes], BackupSummary]:
    meta = MetaData()
    meta.reflect(connection)
    revision = schema._current_in(connection)
    if revision is None:
        # Made by create_all (`portal db init`): fine if it is exactly the newest schema.
        if schema.differences(connection):
            raise BackupError("the database has no migration history and differs from the "
                              "models; run portal db upgrade first")
        revision = schema.head()
    summary = BackupSummary(revision)
    dumps: dict[str, bytes] = {}
    for table in meta.sorted_tables:
        if table.name == schema.VERSION_TABLE:
            continue
        buffer = io.BytesIO()
        count = 0
        order = list(table.primary_key.columns) or list(table.columns)
        for row in connection.execute(select(table).order_by(*order)):
            record = {key: _encode(value) for key, value in row._mapping.items()}
            buffer.write(json.dumps(record, separators=(",", ":")).encode("utf-8") + b"\n")
            count += 1
        dumps[table.name] = buffer.getvalue()
        summary.rows[table.name] = count
    return dumps, summary


def _snapshot(engine: Engine) -> tuple[dict[str, bytes], set[str], BackupSummary]:
    """Every row and the referenced blob ids, read in one transaction."""
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with engine.connect().execution_options(**options) as connection:
        with connection.begin():
            if engine.dialect.name == "sqlite":
                # pysqlite opens transactions only for writes; an explicit BEGIN and a
                # first read pin one snapshot for every table below.
                connection.exec_driver_sql("BEGIN")
                connection.exec_driver_sql("SELECT 1 FROM sqlite_master LIMIT 1")
            dumps, summary = _dump_tables(connection)
            blob_ids = referenced_blob_ids(connection)
    return dumps, blob_ids, summary


def write_archive(engine: Engine, blobs: BlobStore, recipients: Sequence[crypto.Recipient],
                  out: BinaryIO) -> BackupSummary:
    """Write an encrypted backup of `engine`'s database and `blobs` to `out`."""
    if not recipients:
        raise BackupError("no backup recipient: set PORTAL_BACKUP_RECIPIENT or --recipient")
    dumps, blob_ids, summary = _snapshot(engine)
    with crypto.EncryptingWriter(out, list(recipients)) as encrypting:
        sink = _Batching(encrypting)
        with tarfile.open(fileobj=sink, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            for name, data in dumps.items():
                tar.addfile(_tar_info(f"{_DB_DIR}{name}.jsonl", len(data)), io.BytesIO(data))
            for blob_id in sorted(blob_ids):
                try:
                    handle = blobs.open(blob_id)
                except StorageError:
                    summary.missing_blobs += 1
                    continue
                with handle:
                    size = os.fstat(handle.fileno()).st_size
                    tar.addfile(_tar_info(f"{_BLOB_DIR}{blob_id}", size), handle)
                summary.blobs += 1
            manifest = json.dumps({
                "format": FORMAT,
                "revision": summary.revision,
                "rows": summary.rows,
                "blobs": summary.blobs,
            }, indent=1).encode("utf-8")
            # Last, so its counts are final; restore reads it before touching anything.
            tar.addfile(_tar_info(_MANIFEST, len(manifest)), io.BytesIO(manifest))
        sink.flush()
    return summary


class _Batching:
    """Hands the encryption 1 MiB writes instead of tarfile's 512-byte and 16 KiB ones
    (the age stream seals whole batches of chunks at a time)."""

    def __init__(self, sink: crypto.EncryptingWriter) -> None:
        self._sink = sink
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        if len(self._buffer) >= _COPY:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if self._buffer:
            self._sink.write(bytes(self._buffer))
            self._buffer.clear()


def create(engine: Engine, blobs: BlobStore, recipients: Sequence[crypto.Recipient],
           target: Path) -> BackupSummary:
    """Write the archive to `target` atomically (owner-only file)."""
    target = target.resolve()
    if target.exists():
        raise BackupError(f"{target} already exists")
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            summary = write_archive(engine, blobs, recipients, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return summary


# --- restore ---------------------------------------------------------------------------

@contextlib.contextmanager
def _decrypted(archive: Path, identities: Sequence[crypto.Identity],
               workdir: Path) -> Iterator[IO[bytes]]:
    """The archive's tar stream, fully authenticated, in a private temporary file."""
    workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = workdir / f"restore-{secrets.token_hex(8)}.part"
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w+b") as plain:
            try:
                with archive.open("rb") as src:
                    crypto.decrypt(src, plain, list(identities))
            except crypto.AgeError as exc:
                raise BackupError(f"the archive does not decrypt with this identity: {exc}") \
                    from None
            except OSError as exc:
                raise BackupError(f"cannot read {archive}: {exc.strerror}") from None
            plain.seek(0)
            yield plain
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _members(tar: tarfile.TarFile) -> dict[str, tarfile.TarInfo]:
    members: dict[str, tarfile.TarInfo] = {}
    for info in tar.getmembers():
        # Only plain files with the names we write; links, devices and paths elsewhere
        # are refused (never extractall on an archive).
        if not info.isreg() or info.name in members:
            raise BackupError(f"unexpected archive member {info.name[:80]!r}")
        if info.name == _MANIFEST or (
            info.name.startswith(_DB_DIR) and info.name.endswith(".jsonl")
            and "/" not in info.name[len(_DB_DIR):]
        ):
            members[info.name] = info
        elif info.name.startswith(_BLOB_DIR):
            blob_id = info.name[len(_BLOB_DIR):]
            if not _BLOB_ID.match(blob_id):
                raise BackupError(f"unexpected archive member {info.name[:80]!r}")
            members[info.name] = info
        else:
            raise BackupError(f"unexpected archive member {info.name[:80]!r}")
    return members


def _read_manifest(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo]) -> dict[str, Any]:
    info = members.get(_MANIFEST)
    if info is None:
        raise BackupError("the archive has no manifest (not a portal backup)")
    handle = tar.extractfile(info)
    if handle is None:
        raise BackupError("the manifest cannot be read")
    try:
        manifest = json.loads(handle.read())
    except ValueError:
        raise BackupError("the manifest is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("not a portal backup of a format this version knows")
    return manifest


def _prepare_schema(engine: Engine, revision: str | None) -> None:
    tables = set(inspect(engine).get_table_names())
    if revision is None:
        raise BackupError("the archive's database has no schema revision")
    if not tables:
        schema.upgrade(engine, revision)
        return
    current = schema.current(engine)
    if current == revision:
        return
    # The instance is empty (checked by the caller): rebuild its schema at the archive's
    # revision; rows then go in as they were and upgrade with the normal migrations.
    from alembic import command

    if current is None:
        schema.upgrade(engine)  # made by create_all: adopt it first (or stop if it differs)
    with engine.begin() as connection:
        command.downgrade(schema.alembic_config(connection), "base")
    schema.upgrade(engine, revision)


def _insert_rows(connection: Connection, tar: tarfile.TarFile,
                 members: dict[str, tarfile.TarInfo], manifest: dict[str, Any]) -> dict[str, int]:
    meta = MetaData()
    meta.reflect(connection)
    expected: dict[str, int] = dict(manifest.get("rows") or {})
    inserted: dict[str, int] = {}
    for table in meta.sorted_tables:
        if table.name == schema.VERSION_TABLE:
            continue
        info = members.get(f"{_DB_DIR}{table.name}.jsonl")
        if info is None:
            if expected.get(table.name):
                raise BackupError(f"the archive lacks the rows of {table.name}")
            continue
        handle = tar.extractfile(info)
        if handle is None:
            raise BackupError(f"cannot read the rows of {table.name}")
        batch: list[dict[str, Any]] = []
        count = 0
        for line in handle:
            row = {k: _decode(v) for k, v in json.loads(line).items()}
            unknown = set(row) - set(table.c.keys())
            if unknown:
                raise BackupError(f"{table.name} has no column {sorted(unknown)[0]!r}")
            batch.append(row)
            if len(batch) >= _BATCH:
                connection.execute(insert(table), batch)
                count += len(batch)
                batch = []
        if batch:
            connection.execute(insert(table), batch)
            count += len(batch)
        if count != expected.get(table.name, 0):
            raise BackupError(f"{table.name}: {count} rows in the archive, the manifest "
                              f"says {expected.get(table.name, 0)}")
        inserted[table.name] = count
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection, meta)
    return inserted


def _reset_sequences(connection: Connection, meta: MetaData) -> None:
    """Rows came with their ids: move each serial sequence past the largest."""
    for table in meta.sorted_tables:
        for column in table.primary_key.columns:
            sequence = connection.scalar(
                text("SELECT pg_get_serial_sequence(:t, :c)"),
                {"t": table.name, "c": column.name},
            )
            if sequence is None:
                continue
            largest = connection.scalar(select(func.max(column)))
            connection.execute(text("SELECT setval(:s, :v, :called)"), {
                "s": sequence, "v": largest or 1, "called": largest is not None,
            })


def _copy_blobs(tar: tarfile.TarFile, members: dict[str, tarfile.TarInfo],
                blobs: BlobStore, written: list[Path]) -> int:
    blobs.ensure()
    count = 0
    for name, info in members.items():
        if not name.startswith(_BLOB_DIR):
            continue
        target = blobs.path(name[len(_BLOB_DIR):])
        if target.exists():
            raise BackupError("the blob folder is not empty; restore into an empty instance")
        handle = tar.extractfile(info)
        if handle is None:
            raise BackupError(f"cannot read {name}")
        target.parent.mkdir(exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        written.append(target)
        with os.fdopen(fd, "wb") as out:
            while block := handle.read(_COPY):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        count += 1
    return count


def restore(engine: Engine, blobs: BlobStore, archive: Path,
            identities: Sequence[crypto.Identity]) -> BackupSummary:
    """Restore `archive` into an empty instance, then upgrade its schema to the newest."""
    if not schema.is_empty(engine):
        raise BackupError("the target database is not empty; restore into a new instance")
    if blobs.all_ids():
        raise BackupError("the blob folder is not empty; restore into an empty instance")
    written: list[Path] = []
    with _decrypted(archive, identities, blobs.root / ".tmp") as plain:
        try:
            tar = tarfile.open(fileobj=plain, mode="r:")
        except tarfile.TarError:
            raise BackupError("the decrypted archive is not a tar file") from None
        with tar:
            members = _members(tar)
            manifest = _read_manifest(tar, members)
            revision = manifest.get("revision")
            _prepare_schema(engine, revision)
            try:
                with engine.begin() as connection:
                    rows = _insert_rows(connection, tar, members, manifest)
                    count = _copy_blobs(tar, members, blobs, written)
                    if count != manifest.get("blobs"):
                        raise BackupError(f"{count} blobs in the archive, the manifest says "
                                          f"{manifest.get('blobs')}")
            except BaseException:
                for path in written:
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
                raise
    schema.upgrade(engine)
    return BackupSummary(revision, rows, count)


def read_identities(data: bytes, passphrase: str | None) -> list[crypto.Identity]:
    """Identities from an age identity file, or from an ``age -p`` protected one."""
    text_form: str | None = None
    with contextlib.suppress(UnicodeDecodeError):
        text_form = data.decode("utf-8")
    if text_form is not None and "AGE-SECRET-KEY-" in text_form:
        try:
            return list(crypto.parse_identity_file(text_form))
        except crypto.AgeError as exc:
            raise BackupError(f"the identity file does not parse: {exc}") from None
    if passphrase is None:
        raise BackupError("the identity file is passphrase-protected; a passphrase is needed")
    try:
        return list(crypto.unlock_identity(data, passphrase))
    except crypto.AgeError:
        raise BackupError("the passphrase does not open the identity file") from None
