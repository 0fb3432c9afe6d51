"""`portal keygen`, `portal encrypt`, `portal decrypt`: the age tools of the portal.

They read and write the standard age format, so files interoperate with the
stock `age` CLI both ways. Output files are written beside their destination
and renamed into place only when complete, so a failed decryption never leaves
a partial plaintext that looks like the whole file.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import click

import crypto

PASSPHRASE_ENV = "PORTAL_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
_MAX_IDENTITY_FILE = 1024 * 1024


def _passphrase(confirm: bool) -> str:
    """The passphrase from PORTAL_PASSPHRASE, else asked on the terminal."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        if not value:
            raise click.ClickException(f"{PASSPHRASE_ENV} is set but empty")
        return value
    if not sys.stdin.isatty():
        raise click.ClickException(
            f"a passphrase is needed: set {PASSPHRASE_ENV} or run in a terminal")
    return str(click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))


@contextlib.contextmanager
def _output(path: str | None, mode: int = 0o600) -> Iterator[BinaryIO]:
    """Yield a binary sink; for a path, a temp file renamed into place on success."""
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    if target.is_dir():
        raise click.ClickException(f"{path}: is a directory")
    if not target.parent.is_dir():
        raise click.ClickException(f"{target.parent}: no such directory")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".portal-", suffix=".part")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _input(path: str | None) -> Iterator[BinaryIO]:
    if path is None or path == "-":
        yield sys.stdin.buffer
        return
    try:
        with open(path, "rb") as src:
            yield src
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from None


def _load_identities(path: str) -> list[crypto.Identity]:
    """Read an identity file, plain or passphrase-protected (age -p)."""
    try:
        data = Path(path).read_bytes()[: _MAX_IDENTITY_FILE + 1]
    except OSError as exc:
        raise click.ClickException(f"{path}: {exc.strerror}") from None
    if len(data) > _MAX_IDENTITY_FILE:
        raise click.ClickException(f"{path}: too large for an identity file")
    stripped = data.lstrip()
    if stripped.startswith((b"age-encryption.org/", b"-----BEGIN AGE ENCRYPTED FILE-----")):
        try:
            return crypto.unlock_identity(data, _passphrase(confirm=False))
        except crypto.NoMatchError:
            raise click.ClickException(f"{path}: wrong passphrase") from None
        except crypto.AgeError as exc:
            raise click.ClickException(f"{path}: cannot decrypt identity file: {exc}") from None
    try:
        return list(crypto.parse_identity_file(data.decode("utf-8")))
    except UnicodeDecodeError:
        raise click.ClickException(f"{path}: not an identity file") from None
    except crypto.AgeError as exc:
        raise click.ClickException(f"{path}: {exc}") from None


@click.command()
@click.option("--pq/--x25519", "pq", default=True, show_default=True,
              help="Hybrid post-quantum (ML-KEM-768 + X25519) or classic X25519 key.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the identity file here (refuses to overwrite).")
@click.option("--passphrase", is_flag=True,
              help=f"Protect the identity file with a passphrase (asked, or ${PASSPHRASE_ENV}).")
def keygen(pq: bool, output: str | None, passphrase: bool) -> None:
    """Generate an age identity and print its public recipient."""
    if output is not None and Path(output).exists():
        raise click.ClickException(f"{output}: already exists, not overwriting a key")
    identity = crypto.generate_identity(pq=pq)
    text = crypto.identity_file_text(identity).encode("ascii")
    if passphrase:
        # On standard output a binary age file would garble the terminal: armor it.
        text = crypto.protect_identity(identity, _passphrase(confirm=True), armor=output is None)
    recipient = identity.recipient().to_string()
    if output is None:
        with _output(None) as out:
            out.write(text)
        click.echo(f"Public key: {recipient}", err=True)
    else:
        with _output(output) as out:
            out.write(text)
        click.echo(recipient)


@click.command()
@click.option("-r", "--recipient", "recipients", multiple=True,
              help="Encrypt to this recipient (age1... or age1pq1...); repeatable.")
@click.option("-R", "--recipients-file", "recipient_files", multiple=True,
              type=click.Path(dir_okay=False), help="Read recipients from a file, one per line.")
@click.option("-a", "--armor", is_flag=True, help="Write PEM-armored ASCII output.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the result here instead of standard output.")
@click.argument("input_path", metavar="[INPUT]", required=False)
def encrypt(recipients: tuple[str, ...], recipient_files: tuple[str, ...], armor: bool,
            output: str | None, input_path: str | None) -> None:
    """Encrypt INPUT (or standard input) to age recipients."""
    parsed = [_parse_recipient(r, "-r") for r in recipients]
    for path in recipient_files:
        try:
            lines = Path(path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise click.ClickException(f"{path}: cannot read recipients: {exc}") from None
        parsed += [_parse_recipient(line, path) for line in lines
                   if line.strip() and not line.lstrip().startswith("#")]
    if not parsed:
        raise click.ClickException("at least one recipient is required (-r or -R)")
    if not armor and output is None and sys.stdout.isatty():
        raise click.ClickException("refusing to write binary output to a terminal; use -a or -o")
    with _input(input_path) as src, _output(output, 0o644) as dst:
        crypto.encrypt(src, dst, parsed, armor=armor)


def _parse_recipient(text: str, where: str) -> crypto.Recipient:
    try:
        return crypto.parse_recipient(text)
    except crypto.AgeError as exc:
        shown = text.strip()[:24]
        raise click.ClickException(f"{where}: invalid recipient {shown!r}: {exc}") from None


@click.command()
@click.option("-i", "--identity", "identity_files", multiple=True, required=True,
              type=click.Path(dir_okay=False),
              help="Identity file (plain, or passphrase-protected); repeatable.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the plaintext here; it appears only if decryption succeeds.")
@click.argument("input_path", metavar="[INPUT]", required=False)
def decrypt(identity_files: tuple[str, ...], output: str | None, input_path: str | None) -> None:
    """Decrypt INPUT (or standard input), binary or armored."""
    identities = [i for path in identity_files for i in _load_identities(path)]
    try:
        with _input(input_path) as src, _output(output) as dst:
            crypto.decrypt(src, dst, identities)
    except crypto.NoMatchError:
        raise click.ClickException("no identity matches this file") from None
    except crypto.PayloadError as exc:
        where = "" if output else " (the output so far is incomplete: discard it)"
        raise click.ClickException(f"the file is truncated or corrupted: {exc}{where}") from None
    except crypto.AgeError as exc:
        raise click.ClickException(f"cannot decrypt: {exc}") from None


def register(group: click.Group) -> None:
    """Add the age commands to the `portal` group."""
    for command in (keygen, encrypt, decrypt):
        group.add_command(command)
