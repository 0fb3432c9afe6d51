"""Golden tests: realistic English and Chinese (simplified and traditional) reports
modelled on the seed documents go through the whole pipeline, and the exports must
equal the reviewed files in tests/cases/golden/ byte for byte. The seed documents
themselves (../shared/seeds, or PORTAL_SEEDS) are run too: every person they name
must disappear, and the already anonymized UN record must come out as it went in.

After an intended change, regenerate with PORTAL_UPDATE_GOLDEN=1 and read the diff
before committing it: a golden file is a promise about what leaves the portal.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from portal.cases import build, consent, record, richtext
from portal.export import service
from tests.cases.reports import CHINESE, ENGLISH, HONG_KONG, SeedReport
from tests.cases.test_pipeline import KEY, make_case

GOLDEN = Path(__file__).resolve().parent / "golden"
CASE_ID = "0123456789abcdef0123456789abcdef"
ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("PORTAL_SEEDS") or ROOT.parent / "shared" / "seeds")
REPORTS = [("english", ENGLISH, "en"), ("chinese", CHINESE, "zh"),
           ("hong_kong", HONG_KONG, "zh")]


def _check(path: Path, data: bytes) -> None:
    if os.environ.get("PORTAL_UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert path.is_file(), f"{path} is missing: run with PORTAL_UPDATE_GOLDEN=1, then review it"
    expected = path.read_bytes()
    assert data.decode("utf-8-sig") == expected.decode("utf-8-sig"), (
        f"{path.name} changed: if intended, run with PORTAL_UPDATE_GOLDEN=1 and review the diff")


@pytest.mark.parametrize(("name", "report", "lang"), REPORTS, ids=[r[0] for r in REPORTS])
@pytest.mark.parametrize("fmt", ["md", "json", "uwazi"])
def test_export_equals_the_golden_file(name: str, report: SeedReport, lang: str,
                                       fmt: str) -> None:
    _identity, summary, given = make_case(report)
    prepared = service.prepare(CASE_ID, summary, given, fmt, "publication", lang, KEY)
    assert prepared.ok, [p.describe() for p in prepared.problems]
    suffix = {"md": "md", "json": "json", "uwazi": "uwazi.csv"}[fmt]
    _check(GOLDEN / f"{name}.{suffix}", prepared.data)
    for secret in report.secrets:
        assert secret not in prepared.data.decode("utf-8-sig"), secret


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(),
                                 reason=f"no seed documents at {SEEDS} (set PORTAL_SEEDS)")

#: People the public seed documents name (defenders, lawyers, relatives, NGO staff).
SEED_PEOPLE = {
    "001_ee11ceb9ae5ad553.txt": ["Chang Weiping", "Yu Wensheng", "Qin Yongpei", "Xu Zhiyong",
                                 "Shao Zhongguo", "He Fangmei", "Guo Quan"],
    "004_78f52af349ef74ef.txt": ["Wang Quanzhang", "Li Heping", "Li Wenzu", "Chow Hang",
                                 "Yu Wensheng", "Renee Xia"],
}


def _summary_of(account: str) -> tuple[dict[str, object], consent.Consent]:
    document = {"account": account,
                "consent": {"secretary_general_public_report": "Anonymized"}}
    fields, originals = record.prefill([document])
    identity = build.new_identity(originals, ["seed"], fields)
    given = consent.from_report(document["consent"])
    summary = build.new_summary(fields, given)
    build.suggest(identity)
    build.rebuild(identity, summary, KEY)
    return summary, given


@needs_seeds
@pytest.mark.parametrize("seed", sorted(SEED_PEOPLE))
def test_every_person_a_seed_document_names_disappears(seed: str) -> None:
    text = (SEEDS / seed).read_text(encoding="utf-8")
    names = SEED_PEOPLE[seed]
    paragraphs = [p for p in text.splitlines() if any(n in p for n in names)]
    assert paragraphs, f"{seed} no longer names these people"
    summary, given = _summary_of("\n\n".join(paragraphs))
    plain = richtext.to_plain(str(summary["record"]["reprisal_information"]))  # type: ignore[index]
    assert [n for n in names if n in plain] == []
    assert re.search(r"\b(Lawyer|Defender|Person) [A-Z]\b", plain)
    prepared = service.prepare(CASE_ID, summary, given, "json", "publication", "en", KEY)
    assert prepared.ok, [p.describe() for p in prepared.problems]


@needs_seeds
def test_the_published_un_record_comes_out_as_it_went_in() -> None:
    """Seed 002 is a case as the SG's report published it (already anonymized): the
    detectors must not mistake its institutions and laws for people; only the exact
    date is coarsened to its month."""
    text = (SEEDS / "002_882244e9285ebaf7.txt").read_text(encoding="utf-8")
    start = text.index("- Further case development")
    paragraph = text[start:].split("\n", 1)[1].split("\n- ")[0].strip()
    summary, given = _summary_of(paragraph)
    plain = richtext.to_plain(str(summary["record"]["reprisal_information"]))  # type: ignore[index]
    assert plain == paragraph.replace("On 1 September 2020", "In September 2020")
    prepared = service.prepare(CASE_ID, summary, given, "json", "publication", "en", KEY)
    assert prepared.ok and "National Security Law" in json.loads(prepared.data)[0][
        "reprisal_information"]
