"""Reviewers' paths through cases, pressed as a browser without JavaScript would:
create a case from the report page or from several reports ticked in the inbox, add
a report to an existing case, and export several cases in one bundle (each case
gated, approved by a second reviewer and audited on its own; one refusal stops all)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal import db
from portal.cases.models import CaseRecord, CaseReport, ExportRequest
from portal.export import bundle
from portal.models import Report
from portal.staff_models import AuditEvent
from tests.cases.conftest import Staff, logged_in, post, store_report
from tests.cases.html_forms import form_to
from tests.cases.reports import CHINESE, ENGLISH
from tests.cases.test_web import _people

#: A later report about the same family (another relative writes).
SISTER = {
    "account": ("I am the sister of the lawyer Wang Jianguo. In January 2024 officers told our "
                "mother that her pension would be stopped if the family kept talking to the UN. "
                "Lawyer Zhou Xinhua, who visited us on 4 January 2024, was detained."),
    "about": "Individual case", "when": "4 January 2024", "region": "China (mainland)",
    "place": "Beijing", "un_engagement": ["Communication with a Special Procedure"],
    "un_body": ["OHCHR"],
    "reprisals": ["Arbitrary arrest or detention", "Harassment or punishment of family members"],
    "perpetrators": ["State actors"],
    "profile": {"gender": "Female", "activity": ["Family member of a defender"]},
    "consent": {"secretary_general_public_report": "Anonymized",
                "share_confidentially_with_ohchr": "Yes", "organization_may_contact": "No"},
}
NAMED = {**ENGLISH.document, "consent": {"secretary_general_public_report": "Named",
                                         "share_confidentially_with_ohchr": "Yes",
                                         "organization_may_contact": "Yes"}}
EXPORT = {"format": "csv", "language": "en", "purpose": "publication",
          "recipient_body": "OHCHR"}


def _page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def _case_id(response: Any) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def _actions(app: Flask, action: str) -> list[str]:
    with app.app_context():
        return list(db.get_session().scalars(select(AuditEvent.detail).where(
            AuditEvent.action == action).order_by(AuditEvent.id)))


def _links(app: Flask, case_id: str) -> set[str]:
    with app.app_context():
        return set(db.get_session().scalars(select(CaseReport.report_id).where(
            CaseReport.case_id == case_id)))


def test_report_page_creates_a_case_with_one_press(app: Flask, reviewer: Staff) -> None:
    report_id = store_report(app, ENGLISH.document)
    rita = logged_in(app, reviewer)
    page = _page(rita, f"/staff/review/r/{report_id}")
    form = form_to(page, "/staff/cases/new", "post")
    assert "csrf_token" in form.data()
    # Without the page's CSRF token nothing is created.
    assert rita.post("/staff/cases/new", data={"report_ids": report_id}).status_code == 400
    case_id = _case_id(form.submit(rita))
    assert _links(app, case_id) == {report_id}
    with app.app_context():
        assert db.get_session().get(Report, report_id).status == "case_opened"
    page = _page(rita, f"/staff/review/r/{report_id}")
    assert f"/staff/cases/c/{case_id}" in page and "This report is part of" in page
    assert "case_created" in [a for a in _all_actions(app)]


def _all_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.get_session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_inbox_ticks_build_one_case_from_several_reports(app: Flask, reviewer: Staff) -> None:
    first = store_report(app, NAMED)
    second = store_report(app, SISTER)
    unrelated = store_report(app, CHINESE.document)
    rita = logged_in(app, reviewer)
    inbox = form_to(_page(rita, "/staff/review/inbox"), "/staff/cases/new", "get")
    assert set(inbox.values("report")) == {first, second, unrelated}
    chosen = inbox.submit(rita, tick=[("report", first), ("report", second)])
    assert chosen.status_code == 200
    page = chosen.get_data(as_text=True)
    assert first[:8] in page and second[:8] in page and unrelated[:8] not in page
    case_id = _case_id(form_to(page, "/staff/cases/new", "post").submit(rita))
    assert _links(app, case_id) == {first, second}
    with app.app_context():
        session = db.get_session()
        assert {session.get(Report, r).status for r in (first, second)} == {"case_opened"}
        assert session.get(Report, unrelated).status == "received"
    view = _page(rita, f"/staff/cases/c/{case_id}")
    # Structured answers of both reports, merged as the record's choices.
    for term in ("Surveillance", "Arbitrary arrest or detention", "OHCHR",
                 "Working Group on Arbitrary Detention", "Communication with a Special Procedure"):
        assert term in view, term
    # The strictest consent of the two: one said Named, the other Anonymized.
    assert "Consent in force: Anonymized" in view
    # Both accounts are originals in the identity tier; the summary has neither name.
    identity = _page(rita, f"/staff/cases/c/{case_id}/identity")
    assert "My name is Liu Xiaomei" in identity and "pension would be stopped" in identity
    assert "pension would be stopped" in view
    assert "Zhou Xinhua" not in view and "4 January 2024" not in view


def test_a_report_joins_an_existing_case_from_its_page(
        app: Flask, reviewer: Staff, second_reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _case_id(post(rita, "/staff/cases/new",
                            {"report_ids": store_report(app, NAMED)}, "/staff/cases/new"))
    _people(rita, case_id, ENGLISH.people)
    before = _page(rita, f"/staff/cases/c/{case_id}")
    assert "Consent in force: Named" in before and "Arbitrary arrest" not in before
    later = store_report(app, SISTER)
    form = form_to(_page(rita, f"/staff/review/r/{later}"), "/staff/cases/attach", "post")
    assert form.values("case") == [case_id]
    assert form.submit(rita, fill={"case": case_id}).status_code == 303
    assert len(_links(app, case_id)) == 2
    after = _page(rita, f"/staff/cases/c/{case_id}")
    assert "Arbitrary arrest or detention" in after and "OHCHR" in after
    assert "Consent in force: Anonymized" in after  # the later report is stricter
    assert "Wang Jianguo" not in after and "Zhou Xinhua" not in after
    assert "Lawyer" in after and "pension would be stopped" in after
    identity = _page(rita, f"/staff/cases/c/{case_id}/identity")
    assert "4 January 2024" in identity  # the exact date stays in the identity tier
    with app.app_context():
        assert db.get_session().get(Report, later).status == "case_opened"
    assert any(case_id in d for d in _actions(app, "case_reports_added"))
    # The report page no longer offers that case; adding it again is refused politely.
    assert "/staff/cases/attach" not in _page(rita, f"/staff/review/r/{later}")
    again = post(rita, "/staff/cases/attach", {"case": case_id, "report_ids": later},
                 f"/staff/cases/c/{case_id}")
    assert again.status_code == 400 and "already part of this case" in again.get_data(
        as_text=True)
    # Another reviewer holds no key to the identity tier: no choice offered, and a
    # forged request is refused with a page that says why.
    third = store_report(app, SISTER)
    sam = logged_in(app, second_reviewer)
    assert "/staff/cases/attach" not in _page(sam, f"/staff/review/r/{third}")
    refused = post(sam, "/staff/cases/attach", {"case": case_id, "report_ids": third},
                   f"/staff/review/r/{third}")
    assert refused.status_code == 403
    assert "Only the case owner and the custodians" in refused.get_data(as_text=True)
    assert len(_links(app, case_id)) == 2


def test_the_case_page_adds_reports_by_id(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _case_id(post(rita, "/staff/cases/new",
                            {"report_ids": store_report(app, ENGLISH.document)},
                            "/staff/cases/new"))
    later = store_report(app, SISTER)
    form = form_to(_page(rita, f"/staff/cases/c/{case_id}"), "/staff/cases/attach", "post")
    assert form.submit(rita, fill={"report_ids": later}).status_code == 303
    assert later in _links(app, case_id)


def test_bad_ids_and_choices_get_a_friendly_page(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    report_id = store_report(app, ENGLISH.document)
    case_id = _case_id(post(rita, "/staff/cases/new", {"report_ids": report_id},
                            "/staff/cases/new"))
    cases = [("/staff/cases/new", {"report_ids": "not an id"}, 400, "No report has this id"),
             ("/staff/cases/new", {"report_ids": "a" * 32}, 400, "No report has this id"),
             ("/staff/cases/new", {"report_ids": "\n".join(f"{i:032x}" for i in range(60))},
              400, "at most 50 reports"),
             ("/staff/cases/attach", {"case": "b" * 32, "report_ids": report_id}, 404,
              "No case has this id"),
             ("/staff/cases/attach", {"case": case_id, "report_ids": "zz"}, 400,
              "No report has this id"),
             ("/staff/cases/attach", {"case": "", "report_ids": ""}, 400, "Add reports"),
             ("/staff/cases/export", {}, 400, "Tick at least one case")]
    for path, data, status, text in cases:
        response = post(rita, path, data, "/staff/cases/new")
        assert response.status_code == status, (path, data, response.status_code)
        assert text in response.get_data(as_text=True), (path, text)
    for path, status in ((f"/staff/cases/new?report={'<x>' * 20}", 200),
                         ("/staff/cases/export?case=nonsense", 404),
                         (f"/staff/cases/export?case={'c' * 32}", 404),
                         ("/staff/cases/export", 400),
                         ("/staff/cases/attach?case=%00&report=1", 200),
                         ("/staff/cases/x/99999", 404)):
        assert rita.get(path).status_code == status, path
    exported = post(rita, f"/staff/cases/c/{case_id}/export",
                    {**EXPORT, "forward_recipient": ""}, f"/staff/cases/c/{case_id}/export")
    request_path = exported.headers["Location"]
    assert post(rita, request_path + "/decide", {"decision": "maybe"},
                request_path).status_code == 400
    assert post(rita, f"/staff/cases/c/{case_id}/export",
                {**EXPORT, "format": "docx", "forward_recipient": ""},
                f"/staff/cases/c/{case_id}/export").status_code == 400


def _two_cases(app: Flask, client: FlaskClient) -> tuple[str, str]:
    english = _case_id(post(client, "/staff/cases/new",
                            {"report_ids": store_report(app, ENGLISH.document)},
                            "/staff/cases/new"))
    chinese = _case_id(post(client, "/staff/cases/new",
                            {"report_ids": store_report(app, CHINESE.document)},
                            "/staff/cases/new"))
    _people(client, english, ENGLISH.people)
    _people(client, chinese, CHINESE.people)
    return english, chinese


def test_several_cases_leave_in_one_bundle_each_gated_approved_and_audited(
        app: Flask, reviewer: Staff, second_reviewer: Staff, signing_key: str) -> None:
    rita = logged_in(app, reviewer)
    english, chinese = _two_cases(app, rita)
    listing = form_to(_page(rita, "/staff/cases/"), "/staff/cases/export", "get")
    chosen = listing.submit(rita, tick=[("case", english), ("case", chinese)])
    assert chosen.status_code == 200
    page = chosen.get_data(as_text=True)
    assert "Export 2 cases in one bundle" in page
    response = form_to(page, "/staff/cases/export", "post").submit(rita, fill=EXPORT)
    assert response.status_code == 303
    request_path = response.headers["Location"]
    with app.app_context():
        rows = [(r.case_id, r.batch_id, r.digest) for r in db.get_session().scalars(
            select(ExportRequest).order_by(ExportRequest.id))]
    order = [case for case, _batch, _digest in rows]  # the order of the case list
    assert sorted(order) == sorted([english, chinese])
    assert rows[0][1] and rows[0][1] == rows[1][1]
    assert rows[0][2] != rows[1][2]  # each case's content, approved on its own
    preview = _page(rita, request_path)
    assert "2 cases in one bundle" in preview and "Another reviewer must approve" in preview
    assert f"case-{english[:12]}" in preview and f"case-{chinese[:12]}" in preview
    # Four eyes for the whole bundle: the requester can neither approve nor download.
    assert post(rita, request_path + "/decide", {"decision": "approve"},
                request_path).status_code == 403
    assert post(rita, request_path + "/download", {}, request_path).status_code == 403
    sam = logged_in(app, second_reviewer)
    # The list of pending exports shows the bundle once.
    assert _page(sam, "/staff/cases/").count("2 cases in one bundle") == 1
    assert form_to(_page(sam, request_path), request_path + "/decide", "post").submit(
        sam, press=("decision", "approve")).status_code == 303
    download = form_to(_page(rita, request_path), request_path + "/download", "post").submit(rita)
    assert download.status_code == 200
    verified = bundle.verify(download.data, bundle.parse_public(signing_key))
    assert verified.manifest["cases"] == 2
    assert verified.manifest["case_references"] == [f"case-{c[:12]}" for c in order]
    (name, data), = verified.files.items()
    assert name == "cases-2.csv"
    rows_out = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows_out) == 3
    for secret in ENGLISH.secrets + CHINESE.secrets:
        assert secret.encode() not in data, secret
    for action in ("export_requested", "export_approved", "case_exported"):
        details = _actions(app, action)
        assert len(details) == 2, action
        assert any(english in d for d in details) and any(chinese in d for d in details)
    exported = _actions(app, "case_exported")
    assert all("OHCHR" in d and "Anonymized" in d and "sam" in d for d in exported)
    with app.app_context():
        assert {r.status for r in db.get_session().scalars(select(ExportRequest))} == {"done"}


def test_one_refused_case_stops_the_bundle_and_names_its_spots(
        app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    english, chinese = _two_cases(app, rita)
    confidential = _case_id(post(rita, "/staff/cases/new", {"report_ids": store_report(
        app, {**CHINESE.document, "consent": {"secretary_general_public_report": "Confidential"}})},
        "/staff/cases/new"))
    # A hand edit puts a hidden name back into the English case.
    assert post(rita, f"/staff/cases/c/{english}/edit",
                {"title": "The family of Wang Jianguo", "country": "CN",
                 "case_status": "Unresolved"},
                f"/staff/cases/c/{english}/edit").status_code == 303
    page = _page(rita, f"/staff/cases/export?case={english}&case={chinese}&case={confidential}")
    refused = form_to(page, "/staff/cases/export", "post").submit(rita, fill=EXPORT)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Export refused. Nothing was written." in html
    assert f"Case {english[:8]}" in html and "Wang Jianguo" in html and "title" in html
    assert f"Case {confidential[:8]}" in html and "Confidential" in html
    assert f"Case {chinese[:8]}</a>" not in html  # the clean case is not listed as refused
    with app.app_context():
        assert db.get_session().scalars(select(ExportRequest)).first() is None
    refusals = _actions(app, "export_refused_by_gate")
    assert len(refusals) == 2 and any(english in d for d in refusals) and any(
        confidential in d for d in refusals)


def test_a_change_to_one_case_after_approval_stops_the_bundle(
        app: Flask, reviewer: Staff, second_reviewer: Staff, signing_key: str) -> None:
    rita = logged_in(app, reviewer)
    english, chinese = _two_cases(app, rita)
    page = _page(rita, f"/staff/cases/export?case={english}&case={chinese}")
    request_path = form_to(page, "/staff/cases/export", "post").submit(
        rita, fill={**EXPORT, "format": "json"}).headers["Location"]
    sam = logged_in(app, second_reviewer)
    assert post(sam, request_path + "/decide", {"decision": "approve"},
                request_path).status_code == 303
    assert post(rita, f"/staff/cases/c/{chinese}/edit",
                {"title": "另一个标题", "country": "CN"},
                f"/staff/cases/c/{chinese}/edit").status_code == 303
    response = post(rita, request_path + "/download", {}, request_path)
    assert response.status_code == 303 and not response.data.startswith(b"PK")
    assert "changed after" in _page(rita, request_path)
    assert _actions(app, "case_exported") == []


def test_declining_a_bundle_declines_every_case(
        app: Flask, reviewer: Staff, second_reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    english, chinese = _two_cases(app, rita)
    page = _page(rita, f"/staff/cases/export?case={english}&case={chinese}")
    request_path = form_to(page, "/staff/cases/export", "post").submit(
        rita, fill={**EXPORT, "format": "md"}).headers["Location"]
    sam = logged_in(app, second_reviewer)
    assert post(sam, request_path + "/decide", {"decision": "decline"},
                request_path).status_code == 303
    with app.app_context():
        assert {r.status for r in db.get_session().scalars(select(ExportRequest))} == {
            "declined"}
    assert len(_actions(app, "export_declined")) == 2
    assert post(rita, request_path + "/download", {}, request_path).status_code == 403
    assert "Declined (sam)" in _page(rita, request_path)
    with app.app_context():
        assert len(list(db.get_session().scalars(select(CaseRecord)))) == 2


def test_the_new_controls_speak_chinese(app: Flask, reviewer: Staff) -> None:
    report_id = store_report(app, ENGLISH.document)
    rita = logged_in(app, reviewer)
    _case_id(post(rita, "/staff/cases/new", {"report_ids": report_id}, "/staff/cases/new"))
    later = store_report(app, SISTER)
    for path, lang, words in (
            (f"/staff/review/r/{later}", "zh_Hans", ["用此报告建立案件", "将此报告添加到现有案件"]),
            ("/staff/review/inbox", "zh_Hant", ["用勾選的報告建立案件"]),
            ("/staff/cases/", "zh_Hans", ["将勾选的案件导出为一个数据包"]),
            (f"/staff/cases/new?report={report_id}", "zh_Hant", ["已選擇的報告", "已屬於的案件"])):
        page = _page(rita, f"{path}{'&' if '?' in path else '?'}lang={lang}")
        for word in words:
            assert word in page, (path, word)
