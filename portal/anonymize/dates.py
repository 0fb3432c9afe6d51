"""Exact dates in English and Chinese text, and their coarsening to month or year.

A day-level date helps identify a person ("arrested on 3 May" in a small town);
the UN reprisals report itself usually says "in May 2020". Coarsening keeps the
month and the year in the text's own form ("3 May 2020" -> "May 2020",
"2020年5月3日" -> "2020年5月").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
_MONTH_ALIASES = {m.lower(): i for i, m in enumerate(MONTHS, 1)}
_MONTH_ALIASES.update({m[:3].lower(): i for i, m in enumerate(MONTHS, 1)})
_MONTH_ALIASES["sept"] = 9
_MONTH_RE = r"(?P<month>" + "|".join(
    sorted({*(m for m in MONTHS), *(m[:3] for m in MONTHS), "Sept"}, key=len, reverse=True)
) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_CN_NUM = "〇零一二三四五六七八九十"

DATE_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 1 September 2020, 1st Sept. 2020, 1 September (year optional)
    re.compile(rf"\b{_DAY}\s+{_MONTH_RE}(?:,?\s+{_YEAR})?\b"),
    # September 1, 2020 / September 1st 2020 / September 1
    re.compile(rf"\b{_MONTH_RE}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?"),
    # 2020-09-01, 2020/9/1, 2020.09.01
    re.compile(rf"\b{_YEAR}[-/.](?P<mnum>[01]?\d)[-/.](?P<day>[0-3]?\d)\b"),
    # 01/09/2020 (day first, the usual order in Hong Kong and Europe)
    re.compile(rf"\b(?P<day>[0-3]?\d)/(?P<mnum>[01]?\d)/{_YEAR}\b"),
    # 2020年9月1日, 9月1日, 2020年9月1号, with Arabic or Chinese numerals
    re.compile(
        rf"(?:(?P<year>(?:19|20)\d\d|[{_CN_NUM}]{{4}})\s*年\s*)?"
        rf"(?P<mnum>[01]?\d|[{_CN_NUM}]{{1,2}})\s*月\s*(?P<day>[0-3]?\d|[{_CN_NUM}]{{1,3}})\s*[日号號]"
    ),
)


@dataclass(frozen=True)
class DateMatch:
    """An exact date found in text."""

    start: int
    end: int
    text: str
    coarse: str  # the same date at month level, in the text's own language


def _valid(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    day = groups.get("day") or ""
    if day.isdigit() and not 1 <= int(day) <= 31:
        return False
    mnum = groups.get("mnum") or ""
    return not (mnum.isdigit() and not 1 <= int(mnum) <= 12)


def _coarse(match: re.Match[str]) -> str:
    groups = match.groupdict()
    text = match.group(0)
    year = groups.get("year")
    if "月" in text:
        month = groups.get("mnum") or ""
        return f"{year}年{month}月" if year else f"{month}月"
    if groups.get("month"):
        month_name = MONTHS[_MONTH_ALIASES[groups["month"].rstrip(".").lower()] - 1]
    else:
        month_name = MONTHS[int(groups.get("mnum") or "1") - 1]
    return f"{month_name} {year}" if year else month_name


def find_dates(text: str) -> list[DateMatch]:
    """Every day-level date in `text`, earliest first, without overlaps."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            if not _valid(match):
                continue
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            coarse = _coarse(match)
            # "on 3 May 2020" reads "in May 2020" once the day is gone.
            before = text[max(0, start - 3):start]
            if before.lower() == "on " and not coarse.endswith("月"):
                start -= 3
                coarse = ("In " if before[0] == "O" else "in ") + coarse
            taken.append((start, end))
            found.append(DateMatch(start, end, text[start:end], coarse))
    return sorted(found, key=lambda d: d.start)


def coarsen_dates(text: str) -> str:
    """`text` with every exact date reduced to its month."""
    parts: list[str] = []
    last = 0
    for date in find_dates(text):
        parts.append(text[last:date.start])
        parts.append(date.coarse)
        last = date.end
    parts.append(text[last:])
    return "".join(parts)
