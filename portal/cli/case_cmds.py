"""`portal export`, `portal verify-export` and `portal export-key`.

`portal export` does what the web export's download does, from a terminal: it
opens the case's summary with an age identity file (a reviewer's or the
organization's offline key), runs the export gate, renders, signs the bundle with
the organization's Ed25519 key and encrypts it to the forwarding recipient (the
approved one, or ``--encrypt-to``). Four eyes hold here too: each case must have
an export request in the dashboard that a second reviewer approved for exactly
this content, format, language and purpose. It is audited like a web export. A
refused export prints the reasons and exits non-zero; nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from portal.cli.app_cmds import CONFIG_OPTION, _context

EXPORTED_CLI = "case_exported_cli"
REFUSED_CLI = "export_refused_by_gate"


def _identities(path: Path) -> list:  # type: ignore[type-arg]
    import crypto

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror}") from None
    try:
        if data.startswith(b"age-encryption.org/v1") or data.startswith(b"-----BEGIN AGE"):
            passphrase = click.prompt("Passphrase of the identity file", hide_input=True,
                                      err=True)
            return list(crypto.unlock_identity(data, passphrase))
        return list(crypto.parse_identity_file(data.decode("utf-8")))
    except (crypto.AgeError, UnicodeDecodeError):
        raise click.ClickException(f"{path} holds no usable age identity") from None


@click.command("export")
@click.argument("case_ids", nargs=-1, required=True)
@click.option("--format", "fmt", required=True,
              type=click.Choice(["json", "csv", "uwazi", "md", "pdf"]))
@click.option("--lang", default="en", show_default=True, type=click.Choice(["en", "zh"]),
              help="Language of Markdown and PDF documents.")
@click.option("--purpose", default="publication", show_default=True,
              type=click.Choice(["publication", "ohchr_confidential"]))
@click.option("--encrypt-to", "encrypt_to", default=None,
              help="age recipient of the forwarding body (age1...); default: the one "
                   "chosen in the approved request, if any.")
@click.option("-i", "--identity", "identity_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="age identity file that opens the case summary.")
@click.option("--sign-key", "sign_key", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Organization Ed25519 key (default: $PORTAL_EXPORT_SIGNING_KEY).")
@click.option("-o", "--output", "output", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="Bundle file to write (default: the case reference in this folder).")
@CONFIG_OPTION
def export_command(case_ids: tuple[str, ...], fmt: str, lang: str, purpose: str,
                   encrypt_to: str | None, identity_file: Path,
                   sign_key: Path | None, output: Path | None,
                   config_file: Path | None) -> None:
    """Export anonymized cases (one file, one object or row per case) as a signed bundle.

    Each case needs a second reviewer's approval of exactly this export in the
    dashboard, and the export gate runs on every case again; if any case fails
    either, nothing is written.
    """
    import crypto
    from portal import audit, db
    from portal.cases import store
    from portal.cases.models import CaseRecord, ExportStatus
    from portal.export import bundle, service

    recipient = None
    if encrypt_to:
        try:
            recipient = crypto.parse_recipient(encrypt_to.strip())
        except crypto.AgeError:
            raise click.UsageError("--encrypt-to is not an age recipient") from None
    identities = _identities(identity_file)
    with _context(config_file) as app:
        key_path = sign_key or app.config.get("PORTAL_EXPORT_SIGNING_KEY")
        if not key_path:
            raise click.ClickException(
                "no signing key: give --sign-key or set PORTAL_EXPORT_SIGNING_KEY "
                "(create one with `portal export-key generate FILE`)")
        try:
            signing_key = bundle.load_signing_key(key_path)
        except bundle.BundleError as exc:
            raise click.ClickException(str(exc)) from None
        session = db.get_session()
        ctx = store.Context(session, app.extensions["portal_blobs"], app.config, identities)
        items = []
        consents = []
        for case_id in dict.fromkeys(c.strip().lower() for c in case_ids):
            case = session.get(CaseRecord, case_id)
            if case is None:
                raise click.ClickException(f"no case {case_id}")
            try:
                summary = store.summary(ctx, case)
            except store.NoAccess:
                raise click.ClickException(
                    f"this identity cannot open the summary of case {case_id}") from None
            consent = store.effective_consent(ctx, case, summary)
            consents.append(consent)
            items.append((case.id, summary, consent))
        try:
            prepared = service.prepare_many(items, fmt, purpose, lang, ctx.guard_key)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None
        basis = "; ".join(sorted({service.consent_basis(c, purpose) for c in consents}))[:60]
        case_list = ",".join(i[0][:12] for i in items)[:80]
        secret = str(app.config["SECRET_KEY"])
        if not prepared.ok:
            audit.record(session, secret, REFUSED_CLI,
                         detail=f"cases {case_list} {len(prepared.problems)} problem(s) (cli)")
            session.commit()
            for problem in prepared.problems:
                click.echo(f"  {problem.describe()}", err=True)
            raise click.ClickException(
                f"export refused by the gate: {len(prepared.problems)} problem(s); "
                "nothing was written")
        approvals, missing = _approvals(session, items, fmt, purpose, lang)
        if missing:
            for case_id in missing:
                click.echo(f"  case {case_id}: no approved export request for exactly this "
                           "content, format, language and purpose", err=True)
            raise click.ClickException(
                "a second reviewer must approve each case's export in the dashboard first "
                "(four eyes); nothing was written")
        if recipient is None:
            recipient = _approved_recipient(session, approvals)
        recipient_body = "; ".join(sorted({a.recipient_body for a in approvals}))[:120]
        data = bundle.make(prepared.filename, prepared.data, prepared.media_type, signing_key,
                           {"format": fmt, "purpose": purpose, "recipient_body": recipient_body,
                            "consent_basis": basis, "cases": len(items)},
                           recipient)
        target = output or Path(prepared.filename + ".zip" + (".age" if recipient else ""))
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise click.ClickException(f"cannot write {target}: {exc.strerror}") from None
        approvers = sorted({str(a.approved_by) for a in approvals})
        for approval in approvals:
            approval.status = ExportStatus.DONE
        audit.record(session, secret, EXPORTED_CLI,
                     detail=f"cases {case_list} {fmt} to {recipient_body[:40]} consent "
                            f"{basis} requests {','.join(str(a.id) for a in approvals)} "
                            f"approver {','.join(approvers)}"
                            f"{' encrypted' if recipient else ''} (cli)")
        session.commit()
    click.echo(f"wrote {target}")


def _approvals(session: Any, items: list[Any], fmt: str, purpose: str,
               lang: str) -> tuple[list[Any], list[str]]:
    """For each (case id, summary, consent): the approved request whose digest is this
    case's content now (so a change since approval needs a new approval)."""
    from sqlalchemy import select

    from portal.cases.models import ExportRequest, ExportStatus
    from portal.export import document, service

    found, missing = [], []
    for case_id, summary, _consent in items:
        # What the reviewer approved is the digest of this object (the gate already ran).
        digest = service.content_digest(document.build(case_id, summary), fmt, lang)
        approval = session.scalars(select(ExportRequest).where(
            ExportRequest.case_id == case_id, ExportRequest.format == fmt,
            ExportRequest.purpose == purpose, ExportRequest.digest == digest,
            ExportRequest.status.in_((ExportStatus.APPROVED, ExportStatus.DONE)),
        ).order_by(ExportRequest.id.desc())).first()
        if approval is None:
            missing.append(case_id)
        else:
            found.append(approval)
    return found, missing


def _approved_recipient(session: Any, approvals: list[Any]) -> Any:
    """The forwarding recipient the approved requests chose (they must agree)."""
    import crypto
    from portal.cases.models import ForwardRecipient

    chosen = {a.forward_recipient_id for a in approvals}
    if chosen == {None}:
        return None
    if len(chosen) != 1:
        raise click.ClickException("the approved requests chose different forwarding "
                                   "recipients: give --encrypt-to")
    forward = session.get(ForwardRecipient, chosen.pop())
    if forward is None or not forward.active:
        raise click.ClickException("the approved forwarding recipient was removed: "
                                   "give --encrypt-to")
    return crypto.parse_recipient(forward.recipient)


@click.command("verify-export")
@click.argument("bundle_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--public-key", "public_key", default=None,
              help="The organization's public key (ed25519:BASE64).")
@click.option("--public-key-file", "public_key_file", default=None,
              type=click.Path(dir_okay=False, path_type=Path))
@click.option("-i", "--identity", "identity_file", default=None,
              type=click.Path(dir_okay=False, path_type=Path),
              help="age identity file, for a bundle encrypted to you.")
def verify_export(bundle_file: Path, public_key: str | None, public_key_file: Path | None,
                  identity_file: Path | None) -> None:
    """Check an export bundle's signature and files (decrypting it first if needed)."""
    from portal.export import bundle

    if public_key_file is not None:
        try:
            public_key = public_key_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            raise click.ClickException(f"cannot read {public_key_file}") from None
    if not public_key:
        raise click.UsageError("give --public-key or --public-key-file")
    try:
        key = bundle.parse_public(public_key)
        data = bundle_file.read_bytes()
        identities = _identities(identity_file) if identity_file else None
        verified = bundle.verify(data, key, identities)
    except OSError as exc:
        raise click.ClickException(f"cannot read {bundle_file}: {exc.strerror}") from None
    except bundle.BundleError as exc:
        raise click.ClickException(f"NOT VERIFIED: {exc}") from None
    names = ", ".join(verified.files)
    click.echo(f"verified: signed by {public_key.strip()}; files: {names}"
               f"{'; was encrypted' if verified.was_encrypted else ''}")


@click.group("export-key")
def export_key_group() -> None:
    """The organization's Ed25519 key that signs export bundles."""


@export_key_group.command("generate")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_key_generate(path: Path) -> None:
    """Create a signing key at PATH (owner-only) and print the public key to publish."""
    from portal.export import bundle

    try:
        public = bundle.generate_signing_key(path)
    except FileExistsError:
        raise click.ClickException(f"{path} exists; refusing to overwrite a key") from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from None
    click.echo(public)


def register(group: click.Group) -> None:
    """Add this module's commands to the `portal` group."""
    for command in (export_command, verify_export, export_key_group):
        group.add_command(command)
