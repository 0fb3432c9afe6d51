"""Issue 6, "Cases, anonymization and export", item by item against the running app.

Each test names the sentence of the issue it checks. The organization's offline key
is configured here, so the tests can open what is stored (the two tiers) the way an
organization could, and check what each key can and cannot read.
"""

from __future__ import annotations

import html
import json
import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

import crypto
from portal import db
from portal.cases import record, tiers, vocab
from portal.cases.models import CaseIdentifier, CaseKey, CaseRecord
from portal.staff_models import AuditEvent
from tests.cases.conftest import Staff, logged_in, post, store_report
from tests.cases.html_forms import form_to
from tests.cases.reports import CHINESE, ENGLISH
from tests.cases.test_web import _accept_all, _people
from tests.portal.conftest import submit_report


@pytest.fixture
def org() -> crypto.Identity:
    """The organization's offline key."""
    return crypto.X25519Identity(secrets.token_bytes(32))


@pytest.fixture
def app(make_app: Callable[..., Flask], org: crypto.Identity) -> Flask:
    """An app whose reports and cases are also encrypted to the organization's key."""
    return make_app(org_recipient=org.recipient().to_string())


def _create(client: FlaskClient, *report_ids: str) -> str:
    response = post(client, "/staff/cases/new", {"report_ids": "\n".join(report_ids)},
                    "/staff/cases/new")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return response.headers["Location"].rsplit("/", 1)[1]


def _tiers(app: Flask, case_id: str, key: crypto.Identity) -> tuple[dict[str, Any], ...]:
    """(summary, identity) as stored, opened with `key` (the organization's)."""
    with app.app_context():
        session = db.get_session()
        case = session.get(CaseRecord, case_id)
        blobs = app.extensions["portal_blobs"]
        summary = tiers.read(blobs, case.summary_blob_id, [key])
        identity = tiers.read(blobs, case.identity_blob_id, [tiers.unwrap(session, case, [key])])
    return summary, identity


_PREVIEW = re.compile(r'<pre class="account-text">(.*?)</pre>', re.S)


def _export(client: FlaskClient, case_id: str, fmt: str = "json", **extra: str) -> Any:
    data = {"format": fmt, "language": "en", "purpose": "publication",
            "recipient_body": "OHCHR", "forward_recipient": "", **extra}
    return post(client, f"/staff/cases/c/{case_id}/export", data,
                f"/staff/cases/c/{case_id}/export")


def _preview(client: FlaskClient, case_id: str, fmt: str = "json", **extra: str) -> str:
    """Exactly what would leave (the four-eyes preview), as text."""
    response = _export(client, case_id, fmt, **extra)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    match = _PREVIEW.search(page)
    assert match, page[:3000]
    return html.unescape(match.group(1))


# --- "Create a case from one or more reports; fields prefilled from the reports'
# --- structured answers" -------------------------------------------------------------

def test_fields_prefilled_from_the_public_forms_answers(app: Flask, reviewer: Staff,
                                                        org: crypto.Identity) -> None:
    submit_report(app.test_client(), account="They came after I wrote to the UN.",
                  about="relative", region="tibet", when="May 2023", place="Lhasa",
                  engagement=["sent_info", "wrote_sp"], un_body=["wgad", "sp"],
                  un_when="2022", reprisals=["threats", "detention", "family"],
                  perpetrators=["state"], gender="female", minor="no", foreign="no",
                  activity=["relative", "hrd"], consent_public="anonymized",
                  consent_ohchr="yes", consent_contact="no")
    with app.app_context():
        from portal.models import Report

        (report_id,) = db.get_session().scalars(select(Report.id))
    rita = logged_in(app, reviewer)
    summary, identity = _tiers(app, _create(rita, report_id), org)
    fields = summary["record"]
    assert fields["type_of_record"] == "Individual case"
    assert fields["region"] == "Tibet" and fields["country"] == "CN"
    assert fields["type_of_engagement"] == ["Submission of information to the UN",
                                            "Communication with a Special Procedure"]
    assert fields["un_body_engaged"] == ["Working Group on Arbitrary Detention",
                                         "Special Procedures (thematic)"]
    assert fields["types_of_reprisals"] == ["Threats / intimidation",
                                            "Arbitrary arrest or detention",
                                            "Harassment or punishment of family members"]
    assert fields["alleged_perpetrators"] == ["State actors"]
    assert (fields["gender"], fields["victim_minor"], fields["victim_foreign_national"]) == (
        "Female", "No", "No")
    assert fields["activity"] == ["Family member of a defender", "Human rights defender"]
    assert fields["dates_of_reprisals"] == ["May 2023"]
    assert fields["dates_of_prior_un_action"] == ["2022"]
    assert fields["location_of_reprisals"] == "Tibet Autonomous Region"  # Lhasa, generalized
    assert identity["originals"]["location_of_reprisals"] == "Lhasa"
    assert (fields["consent_naming"], fields["consent_contact"]) == ("Anonymized", "No")


# --- "every field of the record editable, with the record's vocabularies as choices" --

def test_every_field_is_editable_with_the_vocabularies_as_choices(
        app: Flask, reviewer: Staff, org: crypto.Identity) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    form = form_to(rita.get(f"/staff/cases/c/{case_id}/edit").get_data(as_text=True),
                   f"/staff/cases/c/{case_id}/edit", "post")
    fill: dict[str, str] = {}
    tick: list[tuple[str, str]] = []
    for field in record.FIELDS:
        if field.name in record.CONSENT_FIELDS:
            assert field.name not in {c.name for c in form.controls}  # the defender's choice
            continue
        offered = form.values(field.name)
        if field.kind == "choice":
            assert offered == ["", *field.choices], field.name
            fill[field.name] = field.choices[-1]
        elif field.kind == "country":
            assert sorted(offered) == ["", *sorted(vocab.COUNTRIES)]
            fill[field.name] = "HK"
        elif field.kind == "multi":
            assert sorted(offered) == sorted(field.choices), field.name
            tick += [(field.name, v) for v in field.choices[:2]]
        elif field.kind == "list":
            fill[field.name] = "June 2021\n2022"
        else:
            fill[field.name] = f"Edited {field.name}"
    # Untick what the report prefilled, then tick the first two of every list.
    data = form.data(fill, tick)
    for field in record.FIELDS:
        if field.kind == "multi":
            data.setlist(field.name, [v for _n, v in tick if _n == field.name])
    response = rita.post(f"/staff/cases/c/{case_id}/edit", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    summary, _identity = _tiers(app, case_id, org)
    for field in record.FIELDS:
        if field.name in record.CONSENT_FIELDS:
            continue
        stored = summary["record"][field.name]
        if field.kind == "multi":
            assert stored == list(field.choices[:2]), field.name
        elif field.kind == "list":
            assert stored == ["June 2021", "2022"], field.name
        elif field.kind == "rich":
            assert stored == f"Edited {field.name}", field.name
        else:
            assert stored == fill[field.name], field.name
    assert "Hong Kong" in rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    # A value outside the vocabulary is refused with the form again, not stored.
    for forged in ({"gender": "Alien"}, {"country": "ZZ"}, {"types_of_reprisals": "Nagging"}):
        bad = form.data(fill)
        for key, value in forged.items():
            bad.setlist(key, [value])
        refused = rita.post(f"/staff/cases/c/{case_id}/edit", data=bad)
        assert refused.status_code == 400, forged
        assert 'class="errors"' in refused.get_data(as_text=True)
    assert _tiers(app, case_id, org)[0]["record"]["country"] == "HK"


# --- "Follow-ups (later developments, government responses) are appended over time" ----

def test_follow_ups_are_appended_in_order(app: Flask, reviewer: Staff,
                                          org: crypto.Identity) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    _people(rita, case_id, ENGLISH.people)
    for date, kind, text in (("February 2024", "development", "He was moved to a prison."),
                             ("3 March 2024", "government_response",
                              "The Government replied that Wang Jianguo was lawfully held."),
                             ("2025", "development", "Released on bail.")):
        assert post(rita, f"/staff/cases/c/{case_id}/follow-up",
                    {"date": date, "kind": kind, "text": text},
                    f"/staff/cases/c/{case_id}").status_code == 303
    summary, identity = _tiers(app, case_id, org)
    assert [(f["date"], f["kind"]) for f in summary["follow_ups"]] == [
        ("February 2024", "development"), ("March 2024", "government_response"),
        ("2025", "development")]
    assert "Wang Jianguo" in identity["follow_ups"][1]["text"]  # the original, kept
    assert "Wang Jianguo" not in json.dumps(summary["follow_ups"])
    exported = json.loads(_preview(rita, case_id))[0]["follow_ups"]
    assert [f["text"] for f in exported][::2] == ["He was moved to a prison.", "Released on bail."]
    assert exported[1]["kind"] == "government_response"


# --- "Two tiers. The identity tier ... encrypted to a smaller key set - the case owner
# --- and a custodian role - and the summary tier to all reviewers" -------------------

def test_identity_tier_opens_only_for_owner_custodians_and_the_organization(
        app: Flask, reviewer: Staff, make_staff: Any, admin: Staff,
        org: crypto.Identity) -> None:
    other_key = crypto.X25519Identity(secrets.token_bytes(32))
    custodian_key = crypto.X25519Identity(secrets.token_bytes(32))
    make_staff("olga", offline_recipient=other_key.recipient().to_string())
    carl = make_staff("carl", offline_recipient=custodian_key.recipient().to_string())
    boss = logged_in(app, admin)
    assert post(boss, "/staff/case-admin/", {"what": "custodian", "c-account": str(
        carl.account_id)}, "/staff/case-admin/").status_code == 303
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    _people(rita, case_id, ENGLISH.people)
    with app.app_context():
        session = db.get_session()
        case = session.get(CaseRecord, case_id)
        blobs = app.extensions["portal_blobs"]
        wrapped = session.get(CaseKey, case_id).wrapped
        identity_blob = blobs.read(case.identity_blob_id)
        # Every reviewer reads the summary...
        for key in (other_key, custodian_key, org):
            assert tiers.read(blobs, case.summary_blob_id, [key])["kind"] == "case_summary"
        # ...the case key opens for the custodian and the organization, not for others,
        for key in (custodian_key, org):
            case_key = crypto.parse_identity(crypto.decrypt_bytes(wrapped, [key]).decode())
            opened = json.loads(crypto.decrypt_bytes(identity_blob, [case_key]).rstrip(b"\0 "))
            assert opened["people"][0]["name"] == "刘晓梅"
        with pytest.raises(crypto.AgeError):
            crypto.decrypt_bytes(wrapped, [other_key])
        # ...and the identity blob itself is encrypted to the case key alone.
        for key in (other_key, custodian_key, org):
            with pytest.raises(crypto.AgeError):
                crypto.decrypt_bytes(identity_blob, [key])


def test_exports_read_only_the_summary(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    _people(rita, case_id, ENGLISH.people)
    before = _preview(rita, case_id, "md")
    assert post(rita, f"/staff/cases/c/{case_id}/shred", {"confirm": "y"},
                f"/staff/cases/c/{case_id}").status_code == 303
    after = _preview(rita, case_id, "md")
    assert before == after and "Relative A" in after  # nothing came from the identity tier
    with app.app_context():
        digests = list(db.get_session().scalars(
            select(AuditEvent.detail).where(AuditEvent.action == "export_requested")))
    assert len(digests) == 2


# --- "Possible duplicates: keyed HMACs of normalized identifiers ... without
# --- decrypting other cases" ----------------------------------------------------------

def test_duplicates_by_id_number_found_at_creation_without_any_key(
        app: Flask, reviewer: Staff) -> None:
    from portal.cases import duplicates

    number = "11010519491231002X"
    first = {**ENGLISH.document, "account": f"My ID card {number} was copied by the police."}
    second = {**CHINESE.document,
              "account": f"我丈夫的身份证号码是{number.lower()}，警察把它抄走了。"}
    rita = logged_in(app, reviewer)
    one = _create(rita, store_report(app, first))
    two = _create(rita, store_report(app, second))
    page = rita.get(f"/staff/cases/c/{two}").get_data(as_text=True)
    assert "Possibly the same person as" in page and one[:8] in page
    assert one[:8] in rita.get("/staff/cases/").get_data(as_text=True)
    with app.app_context():  # a database query only: no key, nothing decrypted
        assert duplicates.possible_duplicates(db.get_session(), two) == {one: ["id_number"]}
        stored = list(db.get_session().scalars(select(CaseIdentifier.digest)))
    assert stored and all(number not in d and number.lower() not in d for d in stored)


def test_duplicates_by_name_in_characters_and_in_pinyin(app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    chinese = _create(rita, store_report(app, CHINESE.document))
    english = _create(rita, store_report(app, {
        **ENGLISH.document, "account": "My husband, the lawyer Zhao Zhigang, disappeared."}))
    _people(rita, chinese, CHINESE.people)  # 赵志刚, in characters only
    _accept_all(rita, english)  # "Zhao Zhigang", found by the detectors and accepted
    page = rita.get(f"/staff/cases/c/{english}").get_data(as_text=True)
    assert "Possibly the same person as" in page and chinese[:8] in page


# --- "Rich text in summaries limited to a small safe subset, sanitized with bleach on
# --- save and on render" -------------------------------------------------------------

def test_rich_text_is_sanitized_before_it_is_stored(app: Flask, reviewer: Staff,
                                                    org: crypto.Identity) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    hostile = ('<p style="x">Seen <strong>twice</strong></p><ul><li>one</li></ul>'
               '<script>alert(1)</script><iframe src="https://evil.example"></iframe>'
               '<a href="https://ohchr.org" onclick="x()">ok</a><h1>big</h1>')
    assert post(rita, f"/staff/cases/c/{case_id}/edit",
                {"government_response": hostile, "country": "CN"},
                f"/staff/cases/c/{case_id}/edit").status_code == 303
    stored = _tiers(app, case_id, org)[0]["record"]["government_response"]
    assert "<strong>twice</strong>" in stored and "<li>one</li>" in stored
    assert '<a href="https://ohchr.org">ok</a>' in stored
    for bad in ("<script", "<iframe", "onclick", "style=", "<h1>"):
        assert bad not in stored, bad


# --- "Consent carried from the report governs export" --------------------------------

@pytest.mark.parametrize(("naming", "publication", "names_left"), [
    ("Named", True, {"Wang Jianguo"}), ("Anonymized", True, set()),
    ("Confidential", False, set())])
def test_consent_governs_export(app: Flask, reviewer: Staff, naming: str, publication: bool,
                                names_left: set[str]) -> None:
    document = {**ENGLISH.document, "consent": {"secretary_general_public_report": naming,
                                                "share_confidentially_with_ohchr": "Yes"}}
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, document))
    _people(rita, case_id, ENGLISH.people)
    response = _export(rita, case_id)
    assert (response.status_code == 303) is publication
    if not publication:
        assert "never exported for publication" in response.get_data(as_text=True)
        exported = _preview(rita, case_id, purpose="ohchr_confidential")
    else:
        exported = html.unescape(_PREVIEW.search(rita.get(response.headers["Location"])
                                                 .get_data(as_text=True)).group(1))
    # Named: the defender's own name may stay; nobody else's, and nothing else.
    assert {n for n in ("Wang Jianguo", "Liu Xiaomei") if n in exported} == names_left
    for secret in ("Zhang Wei", "+86 139", "liu.xiaomei@protonmail.com", "E12345678",
                   "14 June 2023", "Anding Road"):
        assert secret not in exported, (naming, secret)
    assert json.loads(exported)[0]["consent_naming"] == naming


# --- "Anonymization detectors ...; reviewer accepts/rejects/adds entities; consistent
# --- pseudonyms across fields and exports; dates coarsen; places to region/country;
# --- side-by-side preview with every change marked" ----------------------------------

def test_reviewer_adds_and_rejects_entities(app: Flask, reviewer: Staff) -> None:
    document = {**ENGLISH.document, "account": (
        "My husband, known to friends as laohu, was taken in Guangzhou. "
        "Karma and fear keep us quiet.")}
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, document))
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "as laohu," in page  # the detectors do not know nicknames
    assert post(rita, f"/staff/cases/c/{case_id}/entities/add",
                {"text": "laohu", "kind": "person", "role": "relative",
                 "decision": "accepted"}, f"/staff/cases/c/{case_id}/identity").status_code == 303
    identity_page = rita.get(f"/staff/cases/c/{case_id}/identity").get_data(as_text=True)
    entity = re.search(r"<td>Karma</td>.*?name=\"decision-([0-9a-f]+)\"", identity_page, re.S)
    assert entity, "the lone Tibetan name word is suggested"
    assert post(rita, f"/staff/cases/c/{case_id}/entities",
                {f"decision-{entity.group(1)}": "rejected"},
                f"/staff/cases/c/{case_id}/identity").status_code == 303
    page = rita.get(f"/staff/cases/c/{case_id}").get_data(as_text=True)
    assert "laohu" not in page and re.search(r"as Relative [A-Z],", page)
    assert "Karma and fear" in page  # rejected: kept as written
    assert "a city in Guangdong Province" in page
    assert _export(rita, case_id).status_code == 303  # the rejected hit does not stop it


def test_pseudonyms_are_consistent_across_fields_and_exports(
        app: Flask, reviewer: Staff, org: crypto.Identity) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    _people(rita, case_id, ENGLISH.people)
    page = rita.get(f"/staff/cases/c/{case_id}/identity").get_data(as_text=True)
    form = form_to(page, f"/staff/cases/c/{case_id}/identity", "post")
    data = form.data({"original_title": "The family of Wang Jianguo",
                      "original_further_case_development":
                          "Liu Xiaomei still visits Wang Jianguo each month."})
    assert rita.post(f"/staff/cases/c/{case_id}/identity", data=data).status_code == 303
    post(rita, f"/staff/cases/c/{case_id}/follow-up",
         {"date": "2024", "kind": "development", "text": "Wang Jianguo was moved."},
         f"/staff/cases/c/{case_id}")
    summary, identity = _tiers(app, case_id, org)
    defender = next(e for e in identity["entities"] if "王建国" in [e["text"], *e["variants"]])
    relative = next(e for e in identity["entities"] if "刘晓梅" in [e["text"], *e["variants"]])
    wang, liu = f"Defender {defender['letter']}", f"Relative {relative['letter']}"
    fields = summary["record"]
    assert fields["title"] == f"The family of {wang}"
    assert liu in fields["further_case_development"] and wang in fields[
        "further_case_development"]
    assert wang in fields["reprisal_information"] and liu in fields["reprisal_information"]
    assert summary["follow_ups"][0]["text"] == f"<p>{wang} was moved.</p>"
    for fmt in ("json", "csv", "uwazi", "md"):
        out = _preview(rita, case_id, fmt)
        assert out.count(wang) >= 3 and liu in out, fmt
        assert "Wang Jianguo" not in out and "Liu Xiaomei" not in out


def test_dates_coarsen_and_places_generalize_to_region_or_country(
        app: Flask, reviewer: Staff) -> None:
    document = {**ENGLISH.document, "region": "Abroad", "place": "Toronto", "when": "3 May 2021",
                "account": ("On 3 May 2021 I was called in Toronto by police from Kashgar. "
                            "My mother in Urumqi was questioned on May 4, 2021.")}
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, document))
    exported = json.loads(_preview(rita, case_id))[0]
    assert exported["location_of_reprisals"] == "Canada"
    assert exported["dates_of_reprisals"] == ["May 2021"]
    text = exported["reprisal_information"]
    assert "In May 2021 I was called in a city in Canada" in text
    assert "a city in Xinjiang Uyghur Autonomous Region" in text and "Kashgar" not in text
    assert "Urumqi" not in text and "May 4" not in text and "3 May" not in text


def test_side_by_side_preview_marks_every_change_including_follow_ups(
        app: Flask, reviewer: Staff) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, CHINESE.document))
    _people(rita, case_id, CHINESE.people)
    post(rita, f"/staff/cases/c/{case_id}/follow-up",
         {"date": "2024年1月", "kind": "development", "text": "赵志刚于2024年1月5日被转移。"},
         f"/staff/cases/c/{case_id}")
    page = rita.get(f"/staff/cases/c/{case_id}/identity").get_data(as_text=True)
    assert "Follow-up 1 (2024年1月)" in page
    changes = re.findall(r"<del>(.*?)</del>", page)
    inserted = re.findall(r"<ins>(.*?)</ins>", page)
    assert len(changes) == len(inserted) >= 10
    for original in ("陈美玲", "赵志刚", "13912345678", "chen.meiling@example.net",
                     "2024年1月5日"):
        assert original in changes, original
    assert "捍卫者B" in inserted and "2024年1月" in inserted


# --- "Export gate re-scans before anything is written; cannot be bypassed from the UI" --

def test_no_path_around_the_gate_or_the_second_reviewer(
        app: Flask, reviewer: Staff, second_reviewer: Staff, signing_key: str) -> None:
    rita = logged_in(app, reviewer)
    case_id = _create(rita, store_report(app, ENGLISH.document))
    _people(rita, case_id, ENGLISH.people)
    path = _export(rita, case_id).headers["Location"]
    sam = logged_in(app, second_reviewer)
    # Nothing downloads before approval, by anyone; GET never writes an export.
    for client in (rita, sam):
        assert post(client, path + "/download", {}, path).status_code == 403
        assert client.get(path + "/download").status_code == 405
    # A hand edit after the request: the approval is refused, the preview says why.
    assert post(rita, f"/staff/cases/c/{case_id}/edit",
                {"title": "A different title", "country": "CN"},
                f"/staff/cases/c/{case_id}/edit").status_code == 303
    assert post(sam, path + "/decide", {"decision": "approve"}, path).status_code == 303
    assert "changed after" in sam.get(path).get_data(as_text=True)
    with app.app_context():
        from portal.cases.models import ExportRequest

        assert db.get_session().scalars(select(ExportRequest.status)).one() == "pending"
    # An edit that brings a hidden name back is refused when approving, too.
    path = _export(rita, case_id).headers["Location"]
    assert post(rita, f"/staff/cases/c/{case_id}/edit",
                {"title": "Zhang Wei's client", "country": "CN"},
                f"/staff/cases/c/{case_id}/edit").status_code == 303
    refused = post(sam, path + "/decide", {"decision": "approve"}, path)
    assert refused.status_code == 422 and "Zhang Wei" in refused.get_data(as_text=True)

