"""Detectors on English and Chinese text: identity numbers, contacts, names, dates."""

from __future__ import annotations

import pytest

from portal.anonymize import CERTAIN, POSSIBLE, coarsen_dates, detect, fingerprints, reidentify
from portal.anonymize.ids import hk_id_valid, prc_id_check_char, prc_id_valid


def kinds(text: str) -> dict[str, tuple[str, str]]:
    return {s.text: (s.kind, s.certainty) for s in detect(text)}


def test_prc_id_with_valid_checksum_is_certain() -> None:
    number = "11010519491231002X"
    assert prc_id_valid(number)
    assert kinds(f"ID {number}.")[number] == ("prc_id", CERTAIN)


def test_random_eighteen_digits_are_only_possible() -> None:
    first17 = "44030619870512345"
    wrong = next(d for d in "0123456789" if d != prc_id_check_char(first17))
    number = first17 + wrong
    assert not prc_id_valid(number)
    assert kinds(f"the number {number} was written")[number] == ("prc_id", POSSIBLE)


@pytest.mark.parametrize(("text", "valid"), [("A123456(3)", True), ("A123456(4)", False),
                                             ("AB987654(2)", hk_id_valid("AB", "987654", "2"))])
def test_hong_kong_id_check_digit(text: str, valid: bool) -> None:
    assert kinds(f"HKID {text} ")[text] == ("hk_id", CERTAIN if valid else POSSIBLE)


@pytest.mark.parametrize(("text", "kind"), [
    ("li.wenzu@example.org", "email"), ("+86 138 1234 5678", "phone"), ("13812345678", "phone"),
    ("+852 9123 4567", "phone"), ("+44 20 7946 0958", "phone"), ("https://t.me/somebody", "url"),
    ("@wenzu_li", "handle"), ("192.168.10.20", "ip"), ("2001:db8::1", "ip"),
    ("23.1291, 113.2644", "gps"), ("12 Nathan Road", "address"), ("E12345678", "passport"),
])
def test_contacts_and_identifiers(text: str, kind: str) -> None:
    assert kinds(f"see {text} now")[text][0] == kind


def test_chinese_text() -> None:
    found = kinds("律师王全璋的妻子李文足说，2018年7月9日她在北京市朝阳区建国路88号被带走。"
                  "手机13812345678，微信号：wenzu2018。覃永沛律师也被警告。广州市天河区。")
    assert found["王全璋"][0] == "person" and found["李文足"][0] == "person"
    assert found["覃永沛"][0] == "person"
    assert found["2018年7月9日"][0] == "date"
    assert found["北京市朝阳区建国路88号"][0] == "address"
    assert found["13812345678"][0] == "phone" and found["wenzu2018"][0] == "handle"
    assert found["广州市天河区"][0] == "place"


def test_english_names_by_capitalized_sequences() -> None:
    found = kinds("Lawyer Chang Weiping met Tashi Dorje. The UN Human Rights Council and "
                  "Human Rights Watch said the National Security Law was used.")
    assert found["Chang Weiping"][0] == "person" and found["Tashi Dorje"][0] == "person"
    assert not any(text in found for text in ("Human Rights Council", "Human Rights Watch",
                                              "National Security Law"))


def test_dates_coarsen_to_the_month() -> None:
    assert coarsen_dates("On 1 September 2020 they came.") == "In September 2020 they came."
    assert coarsen_dates("detained on March 3, 2021.") == "detained in March 2021."
    assert coarsen_dates("2020年9月1日被带走，9月15号获释") == "2020年9月被带走，9月获释"
    assert coarsen_dates("2019-11-18 raid; in June 2020") == "November 2019 raid; in June 2020"


def test_fingerprints_find_a_name_again_without_knowing_it() -> None:
    key = b"k" * 32
    targets = fingerprints.fingerprints(key, ["Wang Jianguo", "王建国"])
    lengths = {fingerprints.token_count(t) for t in ["Wang Jianguo", "王建国"]}
    text = "Case of WANG  Jianguo and 王建国."
    hits = fingerprints.find(key, text, targets, lengths)
    assert [text[s:e] for s, e in hits] == ["WANG  Jianguo", "王建国"]
    assert fingerprints.find(b"x" * 32, text, targets, lengths) == []


def test_reidentification_warning_names_the_fields() -> None:
    record = {"victim_minor": "Yes", "activity": ["Health worker / first aider"],
              "location_of_reprisals": "a small town", "dates_of_reprisals": ["3 May 2021"],
              "type_of_record": "Individual case", "gender": "Female"}
    (warning,) = reidentify.check(record)
    assert {"minor", "activity", "exact_place", "exact_date"} <= set(warning.factors)
    assert "victim_minor" in warning.fields and "dates_of_reprisals" in warning.fields
    assert reidentify.check({"region": "Hong Kong SAR", "location_of_reprisals": "Hong Kong SAR",
                             "dates_of_reprisals": ["June 2020"]}) == []


def test_names_the_defender_gave_are_found_however_written() -> None:
    text = "Officers warned JIANGUO wang and his sister. 王建国的母亲也被约谈。Wang  Jianguo."
    given = [("Jianguo Wang", "person"), ("王建国", "person"), ("wang jianguo", "person")]
    found = {s.text: (s.kind, s.certainty) for s in detect(text, known=given)}
    assert found["JIANGUO wang"] == ("person", CERTAIN)
    assert found["王建国"] == ("person", CERTAIN)


def test_traditional_chinese_from_hong_kong() -> None:
    found = kinds("我叫李嘉欣，住在旺角彌敦道600號3樓。香港身份證A123456(3)，電話9123 4567，"
                  "電郵lee.kayan@example.hk。律師黃志明也被拘捕。2020年6月3日。")
    assert found["李嘉欣"][0] == "person" and found["黃志明"][0] == "person"
    assert found["A123456(3)"] == ("hk_id", CERTAIN)
    assert found["9123 4567"][0] == "phone"
    assert found["lee.kayan@example.hk"][0] == "email"
    assert found["2020年6月3日"][0] == "date"
    assert any(kind == "address" and "彌敦道600號" in text for text, (kind, _c) in found.items())


@pytest.mark.parametrize("text, name", [
    ("Tashi Wangmo was taken from Ngaba in 2012.", "Tashi Wangmo"),
    ("Police questioned Dolkar Tso and her son.", "Dolkar Tso"),
    ("Mihray Abdulla has not been heard from since 2017.", "Mihray Abdulla"),
    ("the detention of health rights advocate He Fangmei to be arbitrary", "He Fangmei"),
])
def test_tibetan_uyghur_and_awkward_names(text: str, name: str) -> None:
    assert kinds(text)[name][0] == "person"


def test_he_the_pronoun_is_no_name() -> None:
    assert kinds("He said that he was followed. He went home.") == {}


@pytest.mark.parametrize("text, place, country", [
    ("I now live in Toronto.", "Toronto", "canada"),
    ("我现在住在多伦多。", "多伦多", "canada"),
    ("She was followed in Istanbul.", "Istanbul", "turkiye"),
    ("He studied in Dharamsala.", "Dharamsala", "india"),
])
def test_cities_abroad_become_their_country(text: str, place: str, country: str) -> None:
    (span,) = [s for s in detect(text) if s.kind == "place"]
    assert (span.text, span.hint) == (place, country)


def test_cities_that_host_the_un_are_left_alone() -> None:
    assert kinds("She travelled to Geneva for the session, then to New York.") == {}


def test_traditional_text_gets_traditional_pseudonyms() -> None:
    from portal.anonymize import Entity, anonymize, language_of

    text = "我的電話是9123 4567，律師黃志明在旺角被捕。"
    assert language_of(text) == "zh_Hant" and language_of("我的电话是13912345678") == "zh"
    entities = [Entity("a", "phone", "9123 4567"), Entity("b", "person", "黃志明", role="lawyer",
                                                             letter="A"),
                Entity("c", "place", "旺角", region="hong_kong")]
    assert anonymize(text, entities).text == "我的電話是[電話號碼]，律師A在香港特區某區被捕。"
