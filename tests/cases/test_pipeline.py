"""Golden tests of the whole anonymization pipeline on seed-based reports (no web).

Report document -> prefilled case -> detectors -> identity tier people -> summary
-> every export format. None of the names, places or identifiers may survive;
pseudonyms must be consistent; the JSON must validate against the published schema.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from portal.cases import build, consent, record, richtext
from portal.export import document, formats, gate, schema, service
from portal.export.pdf import cjk_font
from tests.cases.reports import CHINESE, ENGLISH, HONG_KONG, SeedReport

KEY = secrets.token_bytes(32)
CASE_ID = secrets.token_hex(16)


def make_case(report: SeedReport) -> tuple[dict[str, Any], dict[str, Any], consent.Consent]:
    """The two tiers as the web flow builds them, with the defender's people added."""
    fields, originals = record.prefill([report.document])
    given = consent.from_report(report.document["consent"])
    identity = build.new_identity(originals, ["r"], fields)
    summary = build.new_summary(fields, given)
    identity["people"] = report.people
    build.suggest(identity)
    build.rebuild(identity, summary, KEY)
    return identity, summary, given


def all_text(summary: dict[str, Any]) -> str:
    return json.dumps(summary["record"], ensure_ascii=False) + json.dumps(
        summary["follow_ups"], ensure_ascii=False)


@pytest.mark.parametrize("report", [ENGLISH, CHINESE, HONG_KONG],
                         ids=["english", "chinese", "hong_kong"])
def test_no_name_place_or_identifier_survives(report: SeedReport) -> None:
    identity, summary, given = make_case(report)
    text = all_text(summary)
    for secret in report.secrets:
        assert secret not in text, f"{secret!r} survived anonymization"
    assert identity["originals"]["reprisal_information"], "the identity tier keeps the original"
    for fmt in ("json", "csv", "uwazi", "md"):
        prepared = service.prepare(CASE_ID, summary, given, fmt, "publication", "en", KEY)
        assert prepared.ok, [p.describe() for p in prepared.problems]
        out = prepared.data.decode("utf-8-sig")
        for secret in report.secrets:
            assert secret not in out, f"{secret!r} in the {fmt} export"


@pytest.mark.parametrize(("report", "lang"), [(ENGLISH, "en"), (CHINESE, "zh"),
                                            (HONG_KONG, "zh_Hant")],
                         ids=["english", "chinese", "hong_kong"])
def test_pseudonyms_are_consistent(report: SeedReport, lang: str) -> None:
    identity, summary, _given = make_case(report)
    original = identity["originals"]["reprisal_information"]
    plain = richtext.to_plain(summary["record"]["reprisal_information"])
    for name, role_label in report.pseudonyms.items():
        entity = next(e for e in build.entities_of(identity) if name in e.forms())
        pseudonym = build.an.pseudonym(entity, lang)
        assert pseudonym.startswith(role_label)
        mentions = sum(original.count(form) for form in entity.forms())
        assert mentions >= 1
        # every mention of the person became the same pseudonym, in every field
        assert plain.count(pseudonym) >= min(mentions, 2), (pseudonym, plain)
    # the same person keeps the same letter across rebuilds; letters are unique
    letters = {e.id: e.letter for e in build.entities_of(identity) if e.letter}
    build.rebuild(identity, summary, KEY)
    assert letters == {e.id: e.letter for e in build.entities_of(identity) if e.letter}
    assert len(set(letters.values())) == len(letters)
    # exports carry the summary's pseudonyms unchanged
    exported = document.build(CASE_ID, summary)["reprisal_information"]
    assert exported == plain


def test_english_pseudonyms_read_naturally() -> None:
    _identity, summary, _given = make_case(ENGLISH)
    plain = richtext.to_plain(summary["record"]["reprisal_information"])
    assert "wife of human rights lawyer Defender" in plain
    assert plain.count("Defender ") >= 2  # both mentions of the lawyer, one pseudonym
    assert "In June 2023" in plain or "in June 2023" in plain or "June 2023" in plain
    assert "[phone number]" in plain and "[email address]" in plain
    assert "a city in Guangdong Province" in plain
    assert summary["record"]["dates_of_reprisals"] == ["June 2023", "August 2023"]


def test_chinese_pseudonyms_read_naturally() -> None:
    _identity, summary, _given = make_case(CHINESE)
    plain = richtext.to_plain(summary["record"]["reprisal_information"])
    assert "四川省某市" in plain
    assert "2023年3月" in plain and "3月8日" not in plain
    assert "[电话号码]" in plain and "[身份证号]" in plain
    assert summary["record"]["location_of_reprisals"] == "Sichuan Province"


@pytest.mark.parametrize("report", [ENGLISH, CHINESE], ids=["english", "chinese"])
def test_json_validates_against_the_published_schema(report: SeedReport) -> None:
    _identity, summary, given = make_case(report)
    prepared = service.prepare(CASE_ID, summary, given, "json", "publication", "en", KEY)
    assert prepared.ok
    data = json.loads(prepared.data)
    validator = Draft202012Validator(json.loads(schema.SCHEMA_PATH.read_text(encoding="utf-8")))
    assert list(validator.iter_errors(data)) == []
    assert data[0]["consent_naming"] == "Anonymized"
    assert set(data[0]) == set(validator.schema["$defs"]["case"]["properties"])


def test_schema_rejects_a_value_outside_the_vocabulary() -> None:
    _identity, summary, _given = make_case(ENGLISH)
    case_object = document.build(CASE_ID, summary)
    case_object["types_of_reprisals"] = ["Being annoyed"]
    assert schema.errors([case_object])


def test_schema_enumerations_match_the_record_vocabularies() -> None:
    props = schema.load()["$defs"]["case"]["properties"]
    for field in record.FIELDS:
        if field.kind == "choice":
            assert props[field.name]["enum"] == ["", *field.choices]
        elif field.kind == "multi":
            assert props[field.name]["items"]["enum"] == list(field.choices)


def test_csv_one_row_per_case_and_uwazi_conventions() -> None:
    _i, summary, _g = make_case(ENGLISH)
    cases = [document.build(CASE_ID, summary), document.build(secrets.token_hex(16), summary)]
    import csv
    import io

    rows = list(csv.reader(io.StringIO(formats.to_csv(cases).decode("utf-8-sig"))))
    assert len(rows) == 3 and rows[0][0] == "case_reference"
    assert "; " in rows[1][rows[0].index("types_of_reprisals")]
    uwazi = list(csv.DictReader(io.StringIO(formats.to_uwazi_csv(cases).decode("utf-8"))))
    assert uwazi[0]["title"]  # required by the importer; falls back to the reference
    assert "|" in uwazi[0]["types_of_reprisals_suffered"]
    assert uwazi[0]["country_geolocation"] == "35.86166|104.195397"
    assert "consent_naming" not in uwazi[0]


def test_pdf_english_is_deterministic() -> None:
    _i, summary, given = make_case(ENGLISH)
    first = service.prepare(CASE_ID, summary, given, "pdf", "publication", "en", KEY)
    second = service.prepare(CASE_ID, summary, given, "pdf", "publication", "en", KEY)
    assert first.ok and first.data.startswith(b"%PDF-")
    assert first.digest == second.digest


@pytest.mark.skipif(cjk_font() is None,
                    reason="no CJK font: install the Debian package fonts-wqy-microhei")
def test_pdf_chinese_embeds_a_cjk_font() -> None:
    import pikepdf

    _i, summary, given = make_case(CHINESE)
    prepared = service.prepare(CASE_ID, summary, given, "pdf", "publication", "zh", KEY)
    assert prepared.ok
    import io

    with pikepdf.open(io.BytesIO(prepared.data)) as pdf:
        fonts = [str(f.get("/BaseFont")) for page in pdf.pages
                 for f in page.Resources.Font.values()]
    assert any("WenQuanYi" in f or "Noto" in f or "Micro" in f for f in fonts), fonts
    markdown = formats.render("md", [document.build(CASE_ID, summary)], "zh").decode()
    assert "报复类型" in markdown and "监视" in markdown


def test_markdown_cannot_inject_links_or_html() -> None:
    _i, summary, given = make_case(ENGLISH)
    summary["record"]["further_case_development"] = "<script>x</script>[click](javascript:alert(1))"
    prepared = service.prepare(CASE_ID, summary, given, "md", "publication", "en", KEY)
    assert prepared.ok
    out = prepared.data.decode()
    assert "<script" not in out
    assert "[click](" not in out  # escaped: no link survives


def test_gate_problem_lines_are_readable() -> None:
    problem = gate.Problem("reprisal_information", 3, 8, "detector", "person", "Zhang")
    assert problem.describe() == "reprisal_information[3:8]: detector person 'Zhang'"


def test_named_consent_keeps_only_the_defenders_own_name() -> None:
    report = SeedReport(
        document={**ENGLISH.document, "consent": {"secretary_general_public_report": "Named"}},
        people=ENGLISH.people, secrets=[])
    _identity, summary, given = make_case(report)
    plain = richtext.to_plain(summary["record"]["reprisal_information"])
    assert "Wang Jianguo" in plain  # the defender agreed to be named
    assert "Liu Xiaomei" not in plain and "Zhang Wei" not in plain  # the others did not
    assert "+86 139" not in plain and "2 August 2023" not in plain  # nor was anything else
    assert service.prepare(CASE_ID, summary, given, "json", "publication", "en", KEY).ok
    # The defender later asks to be anonymized: the same summary no longer leaves.
    anonymized = consent.Consent("Anonymized", True, False)
    refused = service.prepare(CASE_ID, summary, anonymized, "json", "publication", "en", KEY)
    assert not refused.ok
    assert {p.text for p in refused.problems} == {"Wang Jianguo"}


def test_gate_refuses_a_leftover_name_the_reviewer_never_saw() -> None:
    _identity, summary, given = make_case(ENGLISH)
    summary["record"]["further_case_development"] = (
        "<p>Her brother Chen Guoqiang was also warned.</p>")
    problems = service.prepare(CASE_ID, summary, given, "csv", "publication", "en", KEY).problems
    assert [(p.field, p.reason, p.text) for p in problems] == [
        ("further_case_development", "detector", "Chen Guoqiang")]


def test_gate_refuses_a_confidential_case_and_renders_nothing() -> None:
    _identity, summary, _given = make_case(CHINESE)
    prepared = service.prepare(CASE_ID, summary, consent.Consent(), "pdf", "publication", "zh",
                               KEY)
    assert not prepared.ok and prepared.data == b""
    assert [(p.reason, p.kind) for p in prepared.problems] == [("consent", "confidential")]


def test_certain_identifiers_cannot_be_waived() -> None:
    identity, summary, given = make_case(ENGLISH)
    for entity in identity["entities"]:
        if entity["kind"] in ("prc_id", "email"):
            entity["decision"] = "rejected"  # a reviewer tries to keep them
    build.rebuild(identity, summary, KEY)
    problems = service.prepare(CASE_ID, summary, given, "json", "publication", "en", KEY).problems
    texts = " ".join(p.text for p in problems)
    assert {p.kind for p in problems} >= {"prc_id"} and "110105198506152343" in texts
    # the email is refused too (its local part is the hidden name, or the detector's hit)
    assert "liu.xiaomei@protonmail.com" in texts or "liu.xiaomei" in texts


def test_exact_dates_stay_in_the_identity_tier() -> None:
    identity, summary, _given = make_case(ENGLISH)
    assert identity["exact_dates"]["dates_of_reprisals"] == ["14 June 2023", "2 August 2023"]
    assert summary["record"]["dates_of_reprisals"] == ["June 2023", "August 2023"]


def test_a_possible_id_number_may_be_waived_a_certain_one_never() -> None:
    from portal.anonymize.ids import prc_id_check_char

    first17 = "44030619870512345"
    wrong = next(d for d in "0123456789" if d != prc_id_check_char(first17))
    possible, certain = first17 + wrong, first17 + prc_id_check_char(first17)
    report = SeedReport(document={**ENGLISH.document, "account": (
        f"The case file number {possible} was read out. My ID card {certain} was copied.")},
        people=[], secrets=[])
    identity, summary, given = make_case(report)
    plain = richtext.to_plain(summary["record"]["reprisal_information"])
    assert possible not in plain and certain not in plain  # both anonymized until decided
    for entity in identity["entities"]:
        if entity["kind"] == "prc_id":
            entity["decision"] = "rejected"  # the reviewer says: not identifying
    build.rebuild(identity, summary, KEY)
    problems = service.prepare(CASE_ID, summary, given, "json", "publication", "en", KEY).problems
    assert [(p.kind, p.text) for p in problems] == [("prc_id", certain)]
