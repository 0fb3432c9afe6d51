"""Detectors: find what could identify a person in free text (English and Chinese).

Each detector is a function ``text -> list[Span]``; :func:`detect` runs them all and
resolves overlaps (the more certain, then the longer hit wins). Detectors suggest;
the reviewer accepts, rejects or adds entities. The export gate runs them again.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Callable, Iterable

from portal.anonymize import dates, english_names, ids, places, surnames
from portal.anonymize.spans import CERTAIN, LIKELY, POSSIBLE, Span

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RANK = {CERTAIN: 3, LIKELY: 2, POSSIBLE: 1}

EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                   r"\.[A-Za-z]{2,24}(?![A-Za-z0-9])")
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"'，。、）)]+|\b[a-z2-7]{16,56}\.onion\b", re.I)
HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,29}(?<!\.)")
SOCIAL_ID = re.compile(
    r"(?:WeChat|Weixin|Weibo|Telegram|Signal|WhatsApp|QQ|Line|Instagram|Twitter|X|Facebook"
    r"|微信号?|微博|电报|電報|脸书|臉書)\s*(?:ID|id|号|號|账号|帳號|handle|account)?\s*[:：]\s*"
    r"(?P<id>@?[A-Za-z0-9_][A-Za-z0-9_.-]{2,39})"
)
PRC_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
HK_ID = re.compile(r"(?<![A-Za-z0-9])(?P<letters>[A-Z]{1,2})(?P<digits>\d{6})\s?"
                   r"(?:\((?P<c1>[0-9A])\)|(?P<c2>[0-9A]))(?![0-9A-Za-z])")
PASSPORT = re.compile(r"(?<![A-Za-z0-9])(?:[EGDSPKH][A-Z]?\d{7,8}|[A-Z]{2}\d{7})(?![A-Za-z0-9])")
PASSPORT_CUE = re.compile(r"(?i:passport|护照|護照)(?:\s*(?i:no\.?|number|号码|號碼|#))?"
                          r"\s*[:：]?\s*"
                          r"(?P<number>(?=[A-Z0-9]*\d)[A-Z0-9]{6,10})(?![A-Za-z0-9])")
CN_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
CN_LANDLINE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?0\d{2,3}[\s-]\d{7,8}(?!\d)")
HK_PHONE = re.compile(r"(?<![\d+])(?P<prefix>\+?852[\s-]?)?[2-9]\d{3}[\s-]?\d{4}(?!\d)")
INTL_PHONE = re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")
PHONE_CUE = re.compile(r"(?:phone|tel|mobile|call|电话|電話|手机|手機|联系|聯繫|whatsapp)", re.I)
IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")
IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?![\w:])")
GPS_PAIR = re.compile(r"(?<![\d.])-?\d{1,2}\.\d{3,}\s*°?\s*[NS]?\s*[,，/ ]\s*"
                      r"-?\d{1,3}\.\d{3,}(?:\s*°)?"
                      r"(?:\s*[EW](?![A-Za-z]))?"
                      r"(?!\d|\.\d)")
GPS_LABELLED = re.compile(r"(?:lat(?:itude)?|纬度|緯度)\s*[:：=]?\s*-?\d{1,2}\.\d+\D{1,20}?"
                          r"(?:lon(?:g|gitude)?|经度|經度)\s*[:：=]?\s*-?\d{1,3}\.\d+", re.I)
EN_ADDRESS = re.compile(
    r"\b(?:(?:Flat|Room|Unit|Apt\.?|Apartment)\s+\w{1,5},?\s+)?(?:\d{1,4}/F,?\s+)?"
    r"\d{1,5}[A-Z]?(?:-\d{1,5})?,?\s+(?:[A-Z][\w'-]*\s+){1,4}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Terrace|Path|Square)\b\.?"
)
_FUNCTION = "在她他我你的了被于於是和与與到从從住向对對把"
_ADDR = rf"(?:(?![{_FUNCTION}])[{_HAN}])"
ZH_ADDRESS = re.compile(
    rf"{_ADDR}{{1,12}}(?:路|街|道|巷|弄|大道|胡同)[{_HAN}\d]{{0,8}}?\d+\s*[号號](?:[{_HAN}\d]{{0,12}}"
    rf"(?:室|单元|單元|楼|樓|层|層|座))?"
    rf"|{_ADDR}{{2,8}}(?:小区|小區|大厦|大廈|花园|花園|公寓|新村)(?:\d+\s*(?:栋|棟|座|楼|樓|号|號))?"
    rf"(?:\d+\s*(?:室|单元|單元))?"
)
ZH_SMALL_PLACE = re.compile(rf"[{_HAN}]{{2,4}}(?:县|縣|镇|鎮|乡|鄉|村)"
                            rf"(?![{_HAN}]{{0,1}}(?:民|长|長|委|干部|幹部))")
EN_SMALL_PLACE = re.compile(r"\b(?:[A-Z][a-z]+\s){1,2}(?:County|Township|Village|Town|District)\b")


def _spans(pattern: re.Pattern[str], text: str, kind: str, certainty: str,
           group: int | str = 0) -> list[Span]:
    return [Span(m.start(group), m.end(group), m.group(group), kind, certainty)
            for m in pattern.finditer(text)]


def emails(text: str) -> list[Span]:
    """Email addresses."""
    return _spans(EMAIL, text, "email", CERTAIN)


def urls(text: str) -> list[Span]:
    """Web addresses, including onion services."""
    return _spans(URL, text, "url", CERTAIN)


def handles(text: str) -> list[Span]:
    """Social media handles (@name) and ids after a platform's name."""
    found = _spans(HANDLE, text, "handle", LIKELY)
    found += _spans(SOCIAL_ID, text, "handle", CERTAIN, "id")
    return found


def prc_ids(text: str) -> list[Span]:
    """PRC resident ID numbers: a valid check character is certain, else possible."""
    return [Span(m.start(), m.end(), m.group(0), "prc_id",
                 CERTAIN if ids.prc_id_valid(m.group(0)) else POSSIBLE)
            for m in PRC_ID.finditer(text)]


def hk_ids(text: str) -> list[Span]:
    """Hong Kong identity card numbers: a valid check digit is certain, else possible."""
    found = []
    for m in HK_ID.finditer(text):
        check = m.group("c1") or m.group("c2") or ""
        valid = ids.hk_id_valid(m.group("letters"), m.group("digits"), check)
        found.append(Span(m.start(), m.end(), m.group(0), "hk_id", CERTAIN if valid else POSSIBLE))
    return found


def passports(text: str) -> list[Span]:
    """Passport numbers: after the word "passport" certain, by shape alone possible."""
    found = _spans(PASSPORT_CUE, text, "passport", CERTAIN, "number")
    found += _spans(PASSPORT, text, "passport", POSSIBLE)
    return found


def phones(text: str) -> list[Span]:
    """Phone numbers: mainland mobiles and landlines, Hong Kong, international (+...)."""
    found = _spans(CN_MOBILE, text, "phone", CERTAIN)
    found += _spans(CN_LANDLINE, text, "phone", LIKELY)
    for m in HK_PHONE.finditer(text):
        cue = PHONE_CUE.search(text, max(0, m.start() - 20), m.start())
        certainty = CERTAIN if m.group("prefix") else LIKELY if cue else POSSIBLE
        if certainty != POSSIBLE or re.search(r"\d{4}[\s-]\d{4}", m.group(0)):
            found.append(Span(m.start(), m.end(), m.group(0), "phone", certainty))
    found += _spans(INTL_PHONE, text, "phone", LIKELY)
    return found


def ip_addresses(text: str) -> list[Span]:
    """IPv4 and IPv6 addresses that parse as such."""
    found = []
    for pattern in (IPV4, IPV6):
        for m in pattern.finditer(text):
            try:
                ipaddress.ip_address(m.group(0))
            except ValueError:
                continue
            found.append(Span(m.start(), m.end(), m.group(0), "ip", CERTAIN))
    return found


def gps(text: str) -> list[Span]:
    """Coordinates: decimal latitude/longitude pairs, labelled or not."""
    found = _spans(GPS_LABELLED, text, "gps", CERTAIN)
    for m in GPS_PAIR.finditer(text):
        numbers = re.findall(r"-?\d+\.\d+", m.group(0))
        if len(numbers) == 2 and abs(float(numbers[0])) <= 90 and abs(float(numbers[1])) <= 180:
            found.append(Span(m.start(), m.end(), m.group(0), "gps", LIKELY))
    return found


def exact_dates(text: str) -> list[Span]:
    """Day-level dates (hint: the month-level form)."""
    return [Span(d.start, d.end, d.text, "date", CERTAIN, d.coarse) for d in dates.find_dates(text)]


def addresses(text: str) -> list[Span]:
    """Street addresses, housing estates and buildings (English and Chinese)."""
    return _spans(EN_ADDRESS, text, "address", LIKELY) + _spans(ZH_ADDRESS, text, "address", LIKELY)


@functools.cache
def _place_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """One alternation for Latin place names, one for Chinese ones (longest first)."""
    names = sorted(places.PLACE_TO_REGION, key=len, reverse=True)
    latin = "|".join(re.escape(n) for n in names if n.isascii())
    han = "|".join(re.escape(n) for n in names if not n.isascii())
    return (re.compile(rf"(?<![A-Za-z])(?:{latin})(?![a-z])"),
            re.compile(rf"(?:{han})(?:市)?(?:[{_HAN}]{{1,3}}(?:区|區))?"))


def place_names(text: str) -> list[Span]:
    """Cities and districts below the region level (hint: the region key), and
    counties, towns and villages."""
    found = []
    latin, han = _place_patterns()
    for pattern in (latin, han):
        for m in pattern.finditer(text):
            name = m.group(0)
            region = places.PLACE_TO_REGION.get(name) or next(
                (places.PLACE_TO_REGION[k] for k in places.PLACE_TO_REGION
                 if not k.isascii() and name.startswith(k)), "")
            found.append(Span(m.start(), m.end(), name, "place", LIKELY, region))
    found += _spans(ZH_SMALL_PLACE, text, "place", POSSIBLE)
    found += _spans(EN_SMALL_PLACE, text, "place", POSSIBLE)
    return found


def chinese_names(text: str) -> list[Span]:
    """People's names in Chinese: a surname with one or two given-name characters.

    A cue word before it ("律师", "妻子") makes the hit likely and suggests a role; a
    surname followed by two common given-name characters and a boundary is possible.
    Every later occurrence of a name found once is reported too.
    """
    found: list[Span] = []
    for cue, role in surnames.CUE_BEFORE.items():
        for m in re.finditer(re.escape(cue), text):
            name = _name_after(text, m.end())
            if name:
                found.append(Span(m.end(), m.end() + len(name), name, "person", LIKELY, role))
    for index, char in enumerate(text):
        if char not in surnames.SINGLE_SURNAMES:
            continue
        given = text[index + 1:index + 3]
        after = text[index + 3:index + 4]
        if (len(given) == 2 and all(c in surnames.GIVEN_NAME_CHARS for c in given)
                and (not after or after in surnames.BOUNDARY_AFTER or not _is_han(after))
                and (index == 0 or not _is_han(text[index - 1])
                     or text[index - 1] in surnames.BOUNDARY_AFTER)):
            found.append(Span(index, index + 3, text[index:index + 3], "person", POSSIBLE))
    for cue, role in surnames.CUE_AFTER.items():
        for m in re.finditer(re.escape(cue), text):
            name = _name_before(text, m.start())
            if name:
                found.append(Span(m.start() - len(name), m.start(), name, "person", LIKELY, role))
    seen = {s.text for s in found if s.certainty == LIKELY}
    for name in seen:
        for m in re.finditer(re.escape(name), text):
            found.append(Span(m.start(), m.end(), name, "person", LIKELY))
    return found


def _is_han(char: str) -> bool:
    return bool(re.match(rf"[{_HAN}]", char))


def _name_before(text: str, end: int) -> str:
    """A two- or three-character Chinese name ending at `end` (before a cue), or ''."""
    for length in (3, 2):
        start = end - length
        if start < 0:
            continue
        candidate = text[start:end]
        if (candidate[0] in surnames.SINGLE_SURNAMES and all(_is_han(c) for c in candidate)
                and (start == 0 or not _is_han(text[start - 1])
                     or text[start - 1] in surnames.BOUNDARY_AFTER)):
            return candidate
    return ""


def _name_after(text: str, start: int) -> str:
    """A Chinese name starting at `start` (compound or single surname), or ''."""
    two = text[start:start + 2]
    if two in surnames.COMPOUND_SURNAMES:
        surname_len = 2
    elif text[start:start + 1] in surnames.SINGLE_SURNAMES:
        surname_len = 1
    else:
        return ""
    end = start + surname_len
    given = 0
    while given < 2 and end < len(text) and _is_han(text[end]):
        if given == 1 and text[end] in surnames.BOUNDARY_AFTER:
            break
        end += 1
        given += 1
    if given == 0:
        return ""
    return text[start:end]


def english_person_names(text: str) -> list[Span]:
    """People's names in Latin script (capitalized sequences, see english_names)."""
    return [Span(s, e, text[s:e], "person", certainty, role)
            for s, e, certainty, role in english_names.find(text)]


DETECTORS: tuple[Callable[[str], list[Span]], ...] = (
    emails, urls, handles, prc_ids, hk_ids, passports, phones, ip_addresses, gps,
    exact_dates, addresses, place_names, chinese_names, english_person_names,
)


def known_name_spans(text: str, names: Iterable[tuple[str, str]]) -> list[Span]:
    """Occurrences of names the defender or reviewer gave: (text, kind) pairs.

    Latin names match case-insensitively and on word boundaries; Chinese names as is.
    """
    found = []
    for name, kind in names:
        name = name.strip()
        if len(name) < 2:
            continue
        if name.isascii():
            pattern = re.compile(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", re.I)
        else:
            pattern = re.compile(re.escape(name))
        found += [Span(m.start(), m.end(), m.group(0), kind, CERTAIN)
                  for m in pattern.finditer(text)]
    return found


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Drop hits that overlap a longer (then more certain) one; sorted by position.

    Longer first, so "Wang Quanzhang" wins over a given "Wang" inside it.
    """
    ordered = sorted(spans, key=lambda s: (-(s.end - s.start), -_RANK[s.certainty], s.start))
    kept: list[Span] = []
    hints: dict[tuple[int, int], str] = {}
    for span in ordered:
        if span.hint and hints.get((span.start, span.end), "person") == "person":
            hints[(span.start, span.end)] = span.hint  # a specific role beats "person"
        if not any(span.overlaps(k) for k in kept):
            kept.append(span)
    # A given name (no hint) keeps the role a cue word suggested for the same text;
    # "colleague Huang, a doctor" is a health worker rather than just a person.
    kept = [k if (k.hint and k.hint != "person") or (k.start, k.end) not in hints else
            Span(k.start, k.end, k.text, k.kind, k.certainty, hints[(k.start, k.end)])
            for k in kept]
    return sorted(kept, key=lambda s: s.start)


def detect(text: str, known: Iterable[tuple[str, str]] = (),
           ignore: Iterable[str] = ()) -> list[Span]:
    """Every hit in `text`: given names first, then all detectors, overlaps resolved.

    `ignore` lists exact strings never to report (pseudonyms already in the text,
    region names).
    """
    if not text:
        return []
    spans = known_name_spans(text, known)
    for detector in DETECTORS:
        spans.extend(detector(text))
    ignored = [i for i in ignore if i]
    covered = [(m.start(), m.end()) for i in ignored for m in re.finditer(re.escape(i), text)]
    spans = [s for s in spans if not places.is_region(s.text)
             and not any(s.start < e and b < s.end for b, e in covered)]
    return resolve(spans)
