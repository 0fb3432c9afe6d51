"""The case pages end to end: create from reports, anonymize, edit, export through the
gate, four-eyes approval, signed bundle, audit, crypto-shredding, access control."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.cases.models import CaseIdentifier, CaseKey, CaseRecord, ExportRequest
from portal.export import bundle
from portal.models import Report
from portal.staff_models import AuditEvent
from tests.cases.conftest import Staff, logged_in, post, store_report
from tests.cases.reports import CHINESE, ENGLISH


def _create(client: FlaskClient, report_ids: list[str]) -> str:
    response = post(client, "/staff/cases/new", {"report_ids": "\n".join(report_ids)},
                    "/staff/cases/new")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return response.headers["Location"].rsplit("/", 1)[1]


def _people(client: FlaskClient, case_id: str, people: list[dict[str, str]]) -> None:
    data: dict[str, Any] = {}
    for index, person in enumerate(people):
        for key, value in person.items():
            data[f"people-{index}-{key}"] = value
    page = client.get(f"/staff/cases/c/{case_id}/identity").get_data(as_text=True)
    for name in re.findall(r'name="(original_[a-z_]+)"', page):
        match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
        import html

        data[name] = html.unescape(match.group(1)).lstrip("\n") if match else ""
    response = post(client, f"/staff/cases/c/{case_id}/identity", data,
                    f"/staff/cases/c/{case_id}/identity")
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]


def _accept_all(client: FlaskClient, case_id: str) -> None:
    response = post(client, f"/staff/cases/c/{case_id}/entities", {"accept_all": "1"},
                    f"/staff/cases/c/{case_id}/identity")
    assert response.status_code == 303


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_case_from_report_anonymized_exported_with_four_eyes(
        app: Flask, reviewer: Staff, second_reviewer: Staff, signing_key: str) -> None:
    report_id = store_report(app, ENGLISH.document)
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [report_id])
    with app.app_context():
        assert db.get_session().get(Report, report_id).status == "case_opened"
    _people(rita, case_id, ENGLISH.people)
    _accept_all(rita, case_id)

    # Every reviewer reads the summary; nothing identifying is on it.
    sam = logged_in(app, second_reviewer)
    page = sam.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "Relative A" in page or "Relative" in page
    for secret in ENGLISH.secrets:
        assert secret not in page, secret
    # ...but only the owner (and custodians) can open the identity tier.
    assert sam.get(f"/staff/cases/c/{case_id}/identity").status_code == 403
    identity_page = rita.get(f"/staff/cases/c/{case_id}/identity").get_data(as_text=True)
    assert "<del>Wang Jianguo</del>" in identity_page and "<ins>Defender" in identity_page

    # Export: the gate passes, a request waits for a second reviewer.
    response = post(rita, f"/staff/cases/c/{case_id}/export",
                    {"format": "json", "language": "en", "purpose": "publication",
                     "recipient_body": "OHCHR", "forward_recipient": ""},
                    f"/staff/cases/c/{case_id}/export")
    assert response.status_code == 303
    request_path = response.headers["Location"]
    preview = rita.get(request_path).get_data(as_text=True)
    assert "Another reviewer must approve" in preview and "consent_naming" in preview
    # The requester cannot approve their own export.
    assert post(rita, request_path + "/decide", {"decision": "approve"},
                request_path).status_code == 403
    assert post(rita, request_path + "/download", {}, request_path).status_code == 403
    # The second reviewer approves exactly what was previewed.
    assert post(sam, request_path + "/decide", {"decision": "approve"},
                request_path).status_code == 303
    download = post(rita, request_path + "/download", {}, request_path)
    assert download.status_code == 200
    verified = bundle.verify(download.data, bundle.parse_public(signing_key))
    (name, data), = verified.files.items()
    assert name.endswith(".json")
    for secret in ENGLISH.secrets:
        assert secret.encode() not in data
    actions = _actions(app)
    for action in ("case_created", "export_requested", "export_approved", "case_exported"):
        assert action in actions
    with app.app_context():
        detail = db.get_session().scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "case_exported")).one()
    assert "OHCHR" in detail and "Anonymized" in detail and "sam" in detail


def test_gate_refuses_a_hand_edit_that_reintroduces_a_name(
        app: Flask, reviewer: Staff, second_reviewer: Staff) -> None:
    report_id = store_report(app, ENGLISH.document)
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [report_id])
    _people(rita, case_id, ENGLISH.people)
    sam = logged_in(app, second_reviewer)
    edit = sam.get(f"/staff/cases/c/{case_id}/edit").get_data(as_text=True)
    assert 'name="consent_naming"' not in edit  # consent is never a reviewer's edit
    data = {"title": "Case of Wang Jianguo's family", "type_of_record": "Individual case",
            "reprisal_information": "<p>Relative A was questioned.</p>",
            "case_status": "Unresolved",
            "country": "CN"}
    response = post(sam, f"/staff/cases/c/{case_id}/edit", data, f"/staff/cases/c/{case_id}/edit")
    assert response.status_code == 303
    refused = post(sam, f"/staff/cases/c/{case_id}/export",
                   {"format": "md", "language": "en", "purpose": "publication",
                    "recipient_body": "OHCHR", "forward_recipient": ""},
                   f"/staff/cases/c/{case_id}/export")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Export refused" in html and "title" in html and "Wang Jianguo" in html
    with app.app_context():
        assert db.get_session().scalars(select(ExportRequest)).first() is None
    assert "export_refused_by_gate" in _actions(app)


def test_gate_refuses_a_confidential_case(app: Flask, reviewer: Staff) -> None:
    document = {**CHINESE.document, "consent": {
        "secretary_general_public_report": "Confidential",
        "share_confidentially_with_ohchr": "Yes"}}
    report_id = store_report(app, document)
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [report_id])
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "never leaves the portal" in page
    refused = post(rita, f"/staff/cases/c/{case_id}/export",
                   {"format": "json", "language": "zh", "purpose": "publication",
                    "recipient_body": "SG report", "forward_recipient": ""},
                   f"/staff/cases/c/{case_id}/export")
    assert refused.status_code == 422 and "Confidential" in refused.get_data(as_text=True)
    # A confidential share with OHCHR is what the defender allowed.
    allowed = post(rita, f"/staff/cases/c/{case_id}/export",
                   {"format": "json", "language": "zh", "purpose": "ohchr_confidential",
                    "recipient_body": "OHCHR", "forward_recipient": ""},
                   f"/staff/cases/c/{case_id}/export")
    assert allowed.status_code == 303


def test_consent_withdrawn_later_stops_an_approved_export(
        app: Flask, reviewer: Staff, second_reviewer: Staff, signing_key: str) -> None:
    from portal import intake
    from portal.models import EntryKind

    report_id = store_report(app, ENGLISH.document)
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [report_id])
    _people(rita, case_id, ENGLISH.people)
    response = post(rita, f"/staff/cases/c/{case_id}/export",
                    {"format": "csv", "language": "en", "purpose": "publication",
                     "recipient_body": "OHCHR", "forward_recipient": ""},
                    f"/staff/cases/c/{case_id}/export")
    path = response.headers["Location"]
    sam = logged_in(app, second_reviewer)
    assert post(sam, path + "/decide", {"decision": "approve"}, path).status_code == 303
    with app.app_context():
        session = db.get_session()
        recipients = intake.active_recipients(session, None)
        intake.add_to_report(session, app.extensions["portal_blobs"], recipients,
                             session.get(Report, report_id), EntryKind.CONSENT,
                             {"consent": {"secretary_general_public_report": "Confidential",
                                          "withdrawn": True}})
    refused = post(rita, path + "/download", {}, path)
    assert refused.status_code == 422


def test_possible_duplicate_across_scripts(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    first = _create(rita, [store_report(app, ENGLISH.document)])
    second = _create(rita, [store_report(app, ENGLISH.document)])
    _people(rita, first, [{"role": "defender", "name": "王建国"}])
    _people(rita, second, [{"role": "defender", "name": "", "name_latin": "Jianguo WANG"}])
    page = rita.get(f"/staff/cases/c/{second}").get_data(as_text=True)
    assert "Possibly the same person as" in page and first[:8] in page
    with app.app_context():
        digests = list(db.get_session().scalars(select(CaseIdentifier.digest)))
    assert digests and all("jianguo" not in d and "王" not in d for d in digests)


def test_follow_up_is_anonymized_and_appended(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    _people(rita, case_id, ENGLISH.people)
    response = post(rita, f"/staff/cases/c/{case_id}/follow-up",
                    {"date": "3 March 2024", "kind": "government_response",
                     "text": "The Government replied that Wang Jianguo was lawfully detained."},
                    f"/staff/cases/c/{case_id}")
    assert response.status_code == 303
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "March 2024" in page and "lawfully detained" in page
    assert "Wang Jianguo" not in page and "3 March 2024" not in page


def test_rich_text_is_sanitized_on_save_and_render(
        app: Flask, reviewer: Staff, second_reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    hostile = ('<p onclick="x()">Seen <em>twice</em><script>alert(1)</script> '
               '<a href="javascript:alert(2)">here</a> <a href="https://ohchr.org">ok</a></p>'
               '<img src=x onerror=alert(3)>')
    post(rita, f"/staff/cases/c/{case_id}/edit",
         {"further_case_development": hostile, "country": "CN"}, f"/staff/cases/c/{case_id}/edit")
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "<em>twice</em>" in page and '<a href="https://ohchr.org">ok</a>' in page
    assert "<script>alert(1)" not in page and "javascript:alert" not in page
    assert "onerror" not in page and "onclick" not in page


def test_crypto_shredding_forgets_the_person_and_keeps_the_case(
        app: Flask, reviewer: Staff, second_reviewer: Staff, signing_key: str) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    _people(rita, case_id, ENGLISH.people)
    with app.app_context():
        identity_blob = db.get_session().get(CaseRecord, case_id).identity_blob_id
    blob_path = app.extensions["portal_blobs"].path(identity_blob)
    assert blob_path.exists()
    assert post(rita, f"/staff/cases/c/{case_id}/shred", {"confirm": "y"},
                f"/staff/cases/c/{case_id}").status_code == 303
    assert not blob_path.exists()
    with app.app_context():
        session = db.get_session()
        case = session.get(CaseRecord, case_id)
        assert case.identity_blob_id is None and case.shredded_on is not None
        assert session.get(CaseKey, case_id) is None
        assert not list(session.scalars(select(CaseIdentifier)))
    assert rita.get(f"/staff/cases/c/{case_id}/identity").status_code == 410
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "crypto-shredded" in page and "Relative A" in page
    # The anonymized case can still be exported.
    response = post(rita, f"/staff/cases/c/{case_id}/export",
                    {"format": "md", "language": "en", "purpose": "publication",
                     "recipient_body": "OHCHR", "forward_recipient": ""},
                    f"/staff/cases/c/{case_id}/export")
    assert response.status_code == 303
    assert "case_shredded" in _actions(app)


def test_encrypted_bundle_opens_only_for_the_forwarding_recipient(
        app: Flask, reviewer: Staff, second_reviewer: Staff, admin: Staff,
        signing_key: str) -> None:
    import secrets

    import crypto

    partner = crypto.X25519Identity(secrets.token_bytes(32))
    boss = logged_in(app, admin)
    response = post(boss, "/staff/case-admin/",
                    {"what": "recipient", "r-label": "OHCHR focal point",
                     "r-recipient": partner.recipient().to_string()}, "/staff/case-admin/")
    assert response.status_code == 303
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    _people(rita, case_id, ENGLISH.people)
    response = post(rita, f"/staff/cases/c/{case_id}/export",
                    {"format": "pdf", "language": "en", "purpose": "publication",
                     "recipient_body": "OHCHR", "forward_recipient": "1"},
                    f"/staff/cases/c/{case_id}/export")
    path = response.headers["Location"]
    sam = logged_in(app, second_reviewer)
    assert post(sam, path + "/decide", {"decision": "approve"}, path).status_code == 303
    download = post(sam, path + "/download", {}, path)
    assert download.status_code == 200 and download.data.startswith(b"age-encryption.org/v1")
    key = bundle.parse_public(signing_key)
    with pytest.raises(bundle.BundleError):
        bundle.verify(download.data, key)
    verified = bundle.verify(download.data, key, [partner])
    assert verified.was_encrypted and next(iter(verified.files.values())).startswith(b"%PDF")


PATHS = [("GET", "/staff/cases/"), ("GET", "/staff/cases/new"), ("POST", "/staff/cases/new"),
         ("GET", "/staff/cases/c/{case}"), ("GET", "/staff/cases/c/{case}/edit"),
         ("GET", "/staff/cases/c/{case}/identity"), ("GET", "/staff/cases/c/{case}/export"),
         ("POST", "/staff/cases/c/{case}/shred"), ("GET", "/staff/cases/attach"),
         ("POST", "/staff/cases/attach"), ("GET", "/staff/cases/export?case={case}"),
         ("POST", "/staff/cases/export"), ("GET", "/staff/case-admin/")]


def test_pages_need_a_reviewer_login(app: Flask, reviewer: Staff, admin: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    anonymous = app.test_client()
    boss = logged_in(app, admin)
    for method, template in PATHS:
        path = template.format(case=case_id)
        response = anonymous.get(path) if method == "GET" else anonymous.post(path)
        assert response.status_code in (303, 400), (path, response.status_code)
        if response.status_code == 303:
            assert response.headers["Location"].endswith("/staff/login")
        if path.startswith("/staff/cases"):
            assert (boss.get(path) if method == "GET" else boss.post(
                path, data={"csrf_token": ""})).status_code in (400, 403), path
    assert rita.get("/staff/case-admin/").status_code == 403
    assert rita.get("/staff/cases/c/" + "0" * 32).status_code == 404
    assert rita.get("/staff/cases/c/not-an-id").status_code == 404


def test_reidentification_warning_says_what_to_generalize(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    data = {"victim_minor": "Yes", "activity": ["Health worker / first aider"],
            "location_of_reprisals": "a small town near the border", "country": "CN",
            "dates_of_reprisals": "3 May 2021", "type_of_record": "Individual case"}
    assert post(rita, f"/staff/cases/c/{case_id}/edit", data,
                f"/staff/cases/c/{case_id}/edit").status_code == 303
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "Re-identification risk" in page
    assert "a minor" in page and "an exact date" in page and "Dates of the reprisals" in page


def test_case_from_two_reports_takes_the_strictest_consent(app: Flask, reviewer: Staff) -> None:
    named = {**ENGLISH.document, "consent": {"secretary_general_public_report": "Named",
                                             "share_confidentially_with_ohchr": "Yes"}}
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, named), store_report(app, CHINESE.document)])
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "Consent in force: Anonymized" in page
    edit = rita.get(f"/staff/cases/c/{case_id}/edit").get_data(as_text=True)
    assert "Surveillance" in edit  # multi-values of both reports merged, as choices


def test_follow_up_by_a_reviewer_without_the_identity_tier_is_gated(
        app: Flask, reviewer: Staff, second_reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    _people(rita, case_id, ENGLISH.people)
    sam = logged_in(app, second_reviewer)
    response = post(sam, f"/staff/cases/c/{case_id}/follow-up",
                    {"date": "May 2024", "kind": "development",
                     "text": "Lawyer Zhou Xinhua visited the family on 4 May 2024."},
                    f"/staff/cases/c/{case_id}")
    assert response.status_code == 303
    refused = post(sam, f"/staff/cases/c/{case_id}/export",
                   {"format": "json", "language": "en", "purpose": "publication",
                    "recipient_body": "OHCHR", "forward_recipient": ""},
                   f"/staff/cases/c/{case_id}/export")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "follow_ups[0].text" in html and "Zhou Xinhua" in html and "4 May 2024" in html


def test_rekey_lets_a_new_reviewer_read_old_summaries(
        app: Flask, reviewer: Staff, make_staff: Any) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    newcomer = logged_in(app, make_staff("nora"))
    assert newcomer.get(f"/staff/cases/c/{case_id}").status_code == 403
    response = post(rita, "/staff/cases/rekey", {}, "/staff/cases/")
    assert response.status_code == 303
    assert newcomer.get(f"/staff/cases/c/{case_id}").status_code == 200
    assert "case_summaries_rekeyed" in _actions(app)


@pytest.mark.parametrize(("lang", "consent_text", "term"), [
    ("zh_Hans", "有效的同意", "监视"), ("zh_Hant", "有效的同意", "監視")])
def test_case_pages_in_chinese(app: Flask, reviewer: Staff, lang: str, consent_text: str,
                               term: str) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    page = rita.get(f"/staff/cases/c/{case_id}?lang={lang}").get_data(as_text=True)
    assert consent_text in page and term in page
    edit = rita.get(f"/staff/cases/c/{case_id}/edit?lang={lang}").get_data(as_text=True)
    assert term in edit and 'value="Surveillance"' in edit  # stored values stay the record's


def test_source_deletion_withdraws_consent_but_a_reviewers_cleanup_does_not(
        app: Flask, reviewer: Staff) -> None:
    from portal import intake
    from tests.review.conftest import fresh_code

    rita = logged_in(app, reviewer)
    kept_id = store_report(app, ENGLISH.document)
    kept_case = _create(rita, [kept_id])
    gone_id = store_report(app, ENGLISH.document)
    gone_case = _create(rita, [gone_id])
    for case_id in (kept_case, gone_case):
        _people(rita, case_id, ENGLISH.people)
    # A reviewer empties a report after the case was made: the case keeps its consent.
    assert post(rita, f"/staff/review/r/{kept_id}/delete",
                {"confirm": "y", "code": fresh_code(app, reviewer)},
                f"/staff/review/r/{kept_id}").status_code == 303
    # The source deletes everything under their codename: consent is withdrawn.
    with app.app_context():
        session = db.get_session()
        intake.delete_report(session, app.extensions["portal_blobs"],
                             session.get(Report, gone_id))
    export = {"format": "json", "language": "en", "purpose": "publication",
              "recipient_body": "OHCHR", "forward_recipient": ""}
    assert post(rita, f"/staff/cases/c/{kept_case}/export", export,
                f"/staff/cases/c/{kept_case}/export").status_code == 303
    refused = post(rita, f"/staff/cases/c/{gone_case}/export", export,
                   f"/staff/cases/c/{gone_case}/export")
    assert refused.status_code == 422 and "Confidential" in refused.get_data(as_text=True)
    assert "never leaves the portal" in rita.get(f"/staff/cases/c/{gone_case}").get_data(
        as_text=True)


def test_retention_removing_a_report_keeps_the_recorded_consent(
        app: Flask, reviewer: Staff) -> None:
    from portal import audit, intake

    rita = logged_in(app, reviewer)
    report_id = store_report(app, ENGLISH.document)
    case_id = _create(rita, [report_id])
    _people(rita, case_id, ENGLISH.people)
    with app.app_context():
        session = db.get_session()
        audit.record(session, app.config["SECRET_KEY"], "retention_report_deleted",
                     report_id=report_id, detail="test")
        intake.delete_report(session, app.extensions["portal_blobs"],
                             session.get(Report, report_id))
    response = post(rita, f"/staff/cases/c/{case_id}/export",
                    {"format": "md", "language": "en", "purpose": "publication",
                     "recipient_body": "OHCHR", "forward_recipient": ""},
                    f"/staff/cases/c/{case_id}/export")
    assert response.status_code == 303


def test_a_new_custodian_gets_the_identity_tier_after_a_rekey(
        app: Flask, reviewer: Staff, second_reviewer: Staff, admin: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, [store_report(app, ENGLISH.document)])
    sam = logged_in(app, second_reviewer)
    assert sam.get(f"/staff/cases/c/{case_id}/identity").status_code == 403
    boss = logged_in(app, admin)
    assert post(boss, "/staff/case-admin/",
                {"what": "custodian", "c-account": str(second_reviewer.account_id)},
                "/staff/case-admin/").status_code == 303
    assert post(rita, "/staff/cases/rekey", {}, "/staff/cases/").status_code == 303
    assert sam.get(f"/staff/cases/c/{case_id}/identity").status_code == 200
