"""Benchmark anonymizing and exporting 1,000 cases of realistic length.

    python -m bench.cases [--cases 1000] [--pdf-cases 100]

Builds reports from templates in the spirit of the seed documents (families
punished, lawyers detained, medics arrested; English and Chinese, 2-5 KB each, with
names, places, phone numbers, ID numbers, dates), then times, per case:

* anonymize: prefill the record, run every detector, add the defender's people,
  build the summary (pseudonyms, coarsening, gate fingerprints);
* export per format: build the export object, run the export gate, render.

The reference, measured in the same run, is `json.dumps` of the raw report: the
least any export must do. Prints cases/s, ms per case and the ratio to it.
Target (issue 6): under 50 ms per case for JSON, CSV and Markdown.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import time
from collections.abc import Callable
from typing import Any

from portal.anonymize.ids import prc_id_check_char
from portal.cases import build, consent, record
from portal.export import service

SURNAMES = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu"]
GIVEN = ["Jianguo", "Xiaomei", "Haoran", "Wenzu", "Zhigang", "Meiling", "Tianyong", "Yuxin"]
ZH_SURNAMES = "王李张刘陈杨赵黄周吴"
ZH_GIVEN = ["建国", "晓梅", "浩然", "文足", "志刚", "美玲", "天勇", "雨欣"]
CITIES = [("Guangzhou", "广州"), ("Chengdu", "成都"), ("Wuhan", "武汉"), ("Lhasa", "拉萨"),
          ("Kashgar", "喀什"), ("Hangzhou", "杭州")]
MONTHS = ["January", "March", "May", "June", "August", "October", "November"]

EN_PARAGRAPHS = [
    "My name is {me}. I am the wife of human rights lawyer {him}. In {month} {year} I sent "
    "information about his detention to the UN Working Group on Arbitrary Detention.",
    "On {day} {month} {year}, officers came to our flat at {num} Anding Road in {city} and took "
    "me to the station for questioning. They said that if I kept 'colluding with foreign forces' "
    "our son {son} would not be allowed to enrol in school.",
    "Since then we are followed every day. My phone +86 139 {p1} {p2} and my WeChat account "
    "(WeChat: user_{p1}) are watched. Neighbours were told not to speak to us.",
    "On {day2} {month} {year} I was stopped at the airport in {city} and told I am banned from "
    "leaving the country; my passport E{passport} was taken and my ID card {prc} was copied.",
    "Our lawyer {lawyer} was warned not to take the case. {him} is still held in residential "
    "surveillance at a designated location, without access to a lawyer of his choice, and his "
    "health has worsened according to the few people who have seen him.",
    "I ask that the UN raise this with the Government. You can reach me at "
    "{email} through a friend.",
]
ZH_PARAGRAPHS = [
    "我叫{me}，是维权律师{him}的妻子。{year}年{mon}月，我向联合国人权理事会的特别程序提交了关于我丈夫"
    "被强迫失踪的材料。",
    "{year}年{mon}月{day}日，{city}市公安局的警察来到我们在{city}市玉林路{num}号的家，把我带走问话。"
    "他们说，如果我继续“勾结境外势力”，我们的儿子{son}就不能上学。",
    "之后我们每天被跟踪。我的手机号码是139{p1}{p2}，微信号：user_{p1}，都被监控。邻居被告知不要和我们说话。",
    "{year}年{mon}月{day2}日，我在机场被拦下，被告知不得出境，护照E{passport}被收走。我的身份证号码是"
    "{prc}。",
    "律师{lawyer}也被警告不要接这个案子。{him}至今仍被指定居所监视居住，不能会见自己委托的律师，"
    "据见过他的人说，他的健康状况恶化了。",
]


def _prc(rng: random.Random) -> str:
    first = f"{rng.randint(110000, 659999)}19{rng.randint(60, 99)}{rng.randint(1, 12):02d}" \
            f"{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    return first + prc_id_check_char(first)


def make_report(rng: random.Random, chinese: bool) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """A realistic report (2-5 KB) and the people its defender names."""
    city_en, city_zh = rng.choice(CITIES)
    values = {"year": rng.randint(2018, 2024), "month": rng.choice(MONTHS),
              "mon": rng.randint(1, 12), "day": rng.randint(1, 28), "day2": rng.randint(1, 28),
              "num": rng.randint(1, 300), "p1": rng.randint(1000, 9999),
              "p2": rng.randint(1000, 9999), "passport": rng.randint(10000000, 99999999),
              "prc": _prc(rng), "email": f"friend{rng.randint(1, 999)}@example.org"}
    if chinese:
        me, him, son, lawyer = (rng.choice(ZH_SURNAMES) + rng.choice(ZH_GIVEN) for _ in range(4))
        text = "\n\n".join(p.format(me=me, him=him, son=son, lawyer=lawyer, city=city_zh,
                                    **values) for p in ZH_PARAGRAPHS * 3)
        people = [{"role": "relative", "name": me}, {"role": "defender", "name": him}]
    else:
        me, him, son, lawyer = (f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}" for _ in range(4))
        text = "\n\n".join(p.format(me=me, him=him, son=son, lawyer=lawyer, city=city_en,
                                    **values) for p in EN_PARAGRAPHS * 2)
        people = [{"role": "relative", "name_latin": me}, {"role": "defender", "name_latin": him}]
    document = {
        "account": text, "about": "Individual case", "region": "China (mainland)",
        "place": city_en, "when": f"{values['day']} {values['month']} {values['year']}",
        "un_engagement": ["Submission of information to the UN"],
        "un_body": ["Working Group on Arbitrary Detention"],
        "reprisals": ["Threats / intimidation", "Travel ban / exit ban / passport denied",
                      "Harassment or punishment of family members"],
        "perpetrators": ["State actors"],
        "profile": {"gender": "Female", "minor": "No", "activity": ["Family member of a defender"]},
        "consent": {"secretary_general_public_report": "Anonymized",
                    "share_confidentially_with_ohchr": "Yes"},
    }
    return document, people


def anonymize(document: dict[str, Any], people: list[dict[str, str]],
              key: bytes) -> tuple[dict[str, Any], consent.Consent]:
    """What creating a case and naming its people does (without the encryption)."""
    fields, originals = record.prefill([document])
    given = consent.from_report(document["consent"])
    identity = build.new_identity(originals, ["r"], fields)
    summary = build.new_summary(fields, given)
    identity["people"] = people
    build.suggest(identity)
    build.rebuild(identity, summary, key)
    return summary, given


def _timed(func: Callable[[], Any]) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--pdf-cases", type=int, default=100,
                        help="PDF is slow with a CJK font (parsed per document): a subset.")
    args = parser.parse_args()
    rng = random.Random(6)  # noqa: S311 (test data, not secrets)
    key = secrets.token_bytes(32)
    reports = [make_report(rng, chinese=i % 2 == 1) for i in range(args.cases)]
    sizes = [len(d["account"].encode()) for d, _ in reports]
    print(f"{args.cases} cases, account text {min(sizes)}-{max(sizes)} bytes "
          f"(mean {sum(sizes) // len(sizes)}), half English, half Chinese")

    reference = _timed(lambda: [json.dumps(d, ensure_ascii=False) for d, _ in reports])
    summaries: list[tuple[str, dict[str, Any], consent.Consent]] = []
    anonymize_time = _timed(lambda: summaries.extend(
        (secrets.token_hex(16), *anonymize(d, p, key)) for d, p in reports))
    refused = 0
    rows = [("reference: json.dumps of the raw report", reference, args.cases)]
    rows.append(("anonymize (detect, pseudonyms, coarsen, fingerprints)", anonymize_time,
                 args.cases))
    for fmt in ("json", "csv", "uwazi", "md", "pdf"):
        subset = summaries[: args.pdf_cases] if fmt == "pdf" else summaries

        def run(items: list[tuple[str, dict[str, Any], consent.Consent]] = subset,
                fmt: str = fmt) -> None:
            nonlocal refused
            for case_id, summary, given in items:
                lang = "zh" if fmt == "pdf" and "律师" in summary["record"][
                    "reprisal_information"] else "en"
                prepared = service.prepare(case_id, summary, given, fmt, "publication", lang, key)
                refused += 0 if prepared.ok else 1

        rows.append((f"export {fmt} (gate + render)", _timed(run), len(subset)))
    ref_per_case = reference / args.cases
    print(f"{'step':58} {'cases/s':>9} {'ms/case':>9} {'x ref':>9}")
    for name, seconds, count in rows:
        per_case = seconds / count
        print(f"{name:58} {count / seconds:9.0f} {per_case * 1000:9.2f} "
              f"{per_case / ref_per_case:9.0f}")
    for fmt_name in ("json", "csv", "md"):
        seconds, count = next((s, c) for n, s, c in rows if n.startswith(f"export {fmt_name} "))
        total = (anonymize_time / args.cases + seconds / count) * 1000
        verdict = "meets" if total < 50 else "MISSES"
        print(f"anonymize + export {fmt_name}: {total:.1f} ms per case "
              f"({verdict} the 50 ms target)")
    print(f"exports refused by the gate: {refused} (expected 0)")


if __name__ == "__main__":
    main()
