"""`portal export`, `portal verify-export`, `portal export-key` against a real app,
with the real `age` tool as an independent checker of encrypted bundles."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import select

import crypto
from portal import db
from portal.cli import main
from portal.staff_models import AuditEvent
from tests.cases.conftest import Staff, logged_in, post, store_report
from tests.cases.reports import CHINESE, ENGLISH


@pytest.fixture
def org() -> crypto.Identity:
    """The organization's offline key (also a holder of every summary)."""
    return crypto.X25519Identity(secrets.token_bytes(32))


@pytest.fixture
def settings(tmp_path: Path, org: crypto.Identity, database_url: str) -> dict[str, Any]:
    """Settings shared by the test app and the CLI's own app (same database, keys)."""
    return {"secret_key": secrets.token_urlsafe(40),
            "database_url": database_url,
            "blob_dir": str(tmp_path / "blobs"), "org_recipient": org.recipient().to_string(),
            "kdf_memory_kib": 1024, "kdf_iterations": 1}


@pytest.fixture
def app(make_app: Callable[..., Flask], settings: dict[str, Any]) -> Flask:
    """The app the CLI will also build from its config file."""
    return make_app(**settings)


@pytest.fixture
def setup(app: Flask, settings: dict[str, Any], org: crypto.Identity, make_staff: Any,
          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name in ("PORTAL_CONFIG", "PORTAL_EXPORT_SIGNING_KEY", "PORTAL_CASE_SECRET"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "portal.toml"
    config.write_text("".join(f'{k} = "{v}"\n' if isinstance(v, str) else f"{k} = {v}\n"
                              for k, v in settings.items()))
    org_file = tmp_path / "org.key"
    org_file.write_text(org.to_string() + "\n")
    key = tmp_path / "sign.pem"
    result = CliRunner().invoke(main, ["export-key", "generate", str(key)])
    assert result.exit_code == 0, result.output
    public = result.output.strip()
    return {"app": app, "config": config, "org_file": org_file, "key": key, "public": public,
            "tmp": tmp_path, "make_staff": make_staff}


def _case(setup: dict[str, Any], document: dict[str, Any], people: list[dict[str, str]]) -> str:
    app = setup["app"]
    if "client" not in setup:
        staff: Staff = setup["make_staff"]("rita")
        setup["client"] = logged_in(app, staff)
        # The second reviewer exists before any case, so summaries are encrypted to them.
        setup["second"] = logged_in(app, setup["make_staff"]("sam"))
    client = setup["client"]
    report_id = store_report(app, document)
    response = post(client, "/staff/cases/new", {"report_ids": report_id}, "/staff/cases/new")
    case_id = response.headers["Location"].rsplit("/", 1)[1]
    from tests.cases.test_web import _people

    _people(client, case_id, people)
    return case_id


def _approve(setup: dict[str, Any], case_id: str, fmt: str, lang: str = "en",
             purpose: str = "publication") -> str:
    """Ask for an export in the dashboard (as rita) and have a second reviewer (sam)
    approve it: what `portal export` requires (four eyes). Returns the request path."""
    client = setup["client"]
    response = post(client, f"/staff/cases/c/{case_id}/export",
                    {"format": fmt, "language": lang, "purpose": purpose,
                     "recipient_body": "OHCHR", "forward_recipient": ""},
                    f"/staff/cases/c/{case_id}/export")
    assert response.status_code == 303, response.get_data(as_text=True)
    path = response.headers["Location"]
    decided = post(setup["second"], path + "/decide", {"decision": "approve"}, path)
    assert decided.status_code == 303
    return path


def _export(setup: dict[str, Any], *args: str) -> Any:
    return CliRunner().invoke(main, ["export", *args, "-i", str(setup["org_file"]),
                                     "--sign-key", str(setup["key"]),
                                     "--config", str(setup["config"])])


def test_export_then_verify(setup: dict[str, Any]) -> None:
    case_id = _case(setup, ENGLISH.document, ENGLISH.people)
    _approve(setup, case_id, "json")
    out = setup["tmp"] / "out.zip"
    result = _export(setup, case_id, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    for secret in ENGLISH.secrets:
        assert secret.encode() not in data
    result = CliRunner().invoke(main, ["verify-export", str(out), "--public-key", setup["public"]])
    assert result.exit_code == 0 and "verified" in result.output
    tampered = setup["tmp"] / "tampered.zip"
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as original, \
            zipfile.ZipFile(tampered, "w") as changed:
        for name in original.namelist():
            content = original.read(name)
            if name.endswith(".json") and name != "manifest.json":
                content = content.replace(b"Relative A", b"Wang Jianguo")
            changed.writestr(name, content)
    result = CliRunner().invoke(main, ["verify-export", str(tampered),
                                       "--public-key", setup["public"]])
    assert result.exit_code != 0 and "NOT VERIFIED" in result.output
    assert "Traceback" not in result.output
    with setup["app"].app_context():
        actions = list(db.get_session().scalars(select(AuditEvent.action)))
    assert "case_exported_cli" in actions


def test_refused_export_writes_nothing(setup: dict[str, Any]) -> None:
    document = {**CHINESE.document, "consent": {"secretary_general_public_report": "Confidential"}}
    case_id = _case(setup, document, CHINESE.people)
    out = setup["tmp"] / "never.zip"
    result = _export(setup, case_id, "--format", "md", "--lang", "zh", "-o", str(out))
    assert result.exit_code != 0
    assert "export refused by the gate" in result.output and "confidential" in result.output
    assert not out.exists() and "Traceback" not in result.output


@pytest.mark.skipif(shutil.which("age") is None, reason="the `age` tool is not installed")
def test_encrypted_bundle_opens_with_the_age_tool(setup: dict[str, Any]) -> None:
    case_id = _case(setup, CHINESE.document, CHINESE.people)
    _approve(setup, case_id, "csv")
    partner = crypto.X25519Identity(secrets.token_bytes(32))
    partner_file = setup["tmp"] / "partner.key"
    partner_file.write_text(partner.to_string() + "\n")
    out = setup["tmp"] / "bundle.zip.age"
    result = _export(setup, case_id, "--format", "csv", "--encrypt-to",
                     partner.recipient().to_string(), "-o", str(out))
    assert result.exit_code == 0, result.output
    plain = subprocess.run(["age", "-d", "-i", str(partner_file), str(out)],
                           capture_output=True, check=True).stdout
    assert plain.startswith(b"PK")
    opened = setup["tmp"] / "bundle.zip"
    opened.write_bytes(plain)
    for args in (["verify-export", str(opened)],
                 ["verify-export", str(out), "-i", str(partner_file)]):
        result = CliRunner().invoke(main, [*args, "--public-key", setup["public"]])
        assert result.exit_code == 0, result.output


def test_bad_input_is_one_line(setup: dict[str, Any]) -> None:
    for args in (["no-such-case", "--format", "json"],
                 ["x", "--format", "json", "--encrypt-to", "not-a-key"]):
        result = _export(setup, *args)
        assert result.exit_code != 0 and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["verify-export", str(setup["config"]),
                                       "--public-key", setup["public"]])
    assert result.exit_code != 0 and "not an export bundle" in result.output
    result = CliRunner().invoke(main, ["export-key", "generate", str(setup["key"])])
    assert result.exit_code != 0 and "refusing to overwrite" in result.output


def test_several_cases_in_one_file_or_none(setup: dict[str, Any]) -> None:
    import csv
    import io
    import zipfile

    english = _case(setup, ENGLISH.document, ENGLISH.people)
    chinese = _case(setup, CHINESE.document, CHINESE.people)
    _approve(setup, english, "csv")
    _approve(setup, chinese, "csv")
    out = setup["tmp"] / "two.zip"
    result = _export(setup, english, chinese, "--format", "csv", "-o", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".csv")]
        rows = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
    assert name == "cases-2.csv" and len(rows) == 3
    confidential = _case(setup, {**CHINESE.document, "consent": {}}, CHINESE.people)
    refused = setup["tmp"] / "refused.zip"
    result = _export(setup, english, confidential, "--format", "json", "-o", str(refused))
    assert result.exit_code != 0 and not refused.exists()
    assert f"case-{confidential[:12]}:" in result.output



def test_export_needs_a_second_reviewers_approval_of_exactly_this(
        setup: dict[str, Any]) -> None:
    case_id = _case(setup, ENGLISH.document, ENGLISH.people)
    out = setup["tmp"] / "unapproved.zip"
    result = _export(setup, case_id, "--format", "json", "-o", str(out))
    assert result.exit_code != 0 and "four eyes" in result.output
    assert not out.exists() and "Traceback" not in result.output
    # An approval of JSON in English does not cover CSV, nor JSON in Chinese.
    path = _approve(setup, case_id, "json")
    for args in (["--format", "csv"], ["--format", "json", "--lang", "zh"]):
        result = _export(setup, case_id, *args, "-o", str(out))
        assert result.exit_code != 0 and "four eyes" in result.output and not out.exists()
    result = _export(setup, case_id, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    request_id = int(path.rstrip("/").rsplit("/", 1)[1])
    from portal.cases.models import ExportRequest

    with setup["app"].app_context():
        session = db.get_session()
        assert session.get(ExportRequest, request_id).status == "done"
        detail = session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "case_exported_cli")).one()
    assert f"requests {request_id} " in detail and "approver" in detail
