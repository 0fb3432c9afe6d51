"""Realistic test reports built from the seed documents (../shared/seeds): families
punished for a lawyer's contact with the UN, a Hong Kong medic, travel bans. The
people are invented; the patterns are those the seeds describe. Each report lists
the names, places and identifiers that must not survive anonymization."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SeedReport:
    """A report document as the public form stores it, and what must disappear."""

    document: dict[str, Any]
    people: list[dict[str, str]]
    secrets: list[str]
    pseudonyms: dict[str, str] = field(default_factory=dict)  # name -> expected pseudonym


ENGLISH = SeedReport(
    document={
        "account": (
            "My name is Liu Xiaomei. I am the wife of human rights lawyer Wang Jianguo. In "
            "March 2023 I sent information about his detention to the UN Working Group on "
            "Arbitrary Detention.\n\n"
            "On 14 June 2023, officers of the Beijing Public Security Bureau came to our flat "
            "at 27 Anding Road, Chaoyang District, and took me to the station for questioning. "
            "They said that if I kept 'colluding with foreign forces' our son Wang Haoran "
            "would not be allowed to enrol in school. Since then we are followed every day. "
            "My phone +86 139 1234 5678 and my WeChat account (WeChat: liuxm_1985) are "
            "watched.\n\n"
            "On 2 August 2023 I was stopped at the airport in Guangzhou and told I am banned "
            "from leaving the country; my passport E12345678 was taken and my ID card "
            "110105198506152343 was copied. Our lawyer Zhang Wei was warned not to take the "
            "case. Wang Jianguo is still in residential surveillance at a designated location. "
            "You can reach me at liu.xiaomei@protonmail.com or see "
            "https://example.org/wang-jianguo."),
        "about": "Individual case", "when": "14 June 2023; 2 August 2023",
        "region": "China (mainland)", "place": "Beijing, Chaoyang District",
        "un_engagement": ["Submission of information to the UN"],
        "un_body": ["Working Group on Arbitrary Detention"], "un_engagement_when": "March 2023",
        "reprisals": ["Threats / intimidation", "Harassment or punishment of family members",
                      "Travel ban / exit ban / passport denied", "Surveillance"],
        "perpetrators": ["State actors"], "perpetrator_details": "",
        "profile": {"gender": "Female", "minor": "No", "foreign_national": "No",
                    "activity": ["Family member of a defender"]},
        "consent": {"share_confidentially_with_ohchr": "Yes",
                    "secretary_general_public_report": "Anonymized",
                    "organization_may_contact": "Yes", "how_to_contact": "Signal"},
    },
    people=[{"role": "relative", "name": "刘晓梅", "name_latin": "Liu Xiaomei",
             "id_numbers": "110105198506152343"},
            {"role": "defender", "name": "王建国", "name_latin": "Wang Jianguo"}],
    secrets=["Liu Xiaomei", "Wang Jianguo", "Wang Haoran", "Zhang Wei", "Anding Road",
             "Chaoyang", "Guangzhou", "+86 139 1234 5678", "liuxm_1985", "E12345678",
             "110105198506152343", "liu.xiaomei@protonmail.com", "example.org/wang-jianguo",
             "14 June 2023", "2 August 2023", "Xiaomei", "Jianguo", "Haoran"],
    pseudonyms={"Liu Xiaomei": "Relative", "Wang Jianguo": "Defender"},
)

CHINESE = SeedReport(
    document={
        "account": (
            "我叫陈美玲，是维权律师赵志刚的妻子。2022年11月，我向联合国人权理事会的特别程序提交了关于我丈夫"
            "被强迫失踪的材料。\n\n"
            "2023年3月8日，成都市公安局的警察来到我们在成都市武侯区玉林路15号的家，把我带走问话。他们说，"
            "如果我继续“勾结境外势力”，我们的儿子赵小明就不能上学。之后我们每天被跟踪。我的手机号码是"
            "13912345678，微信号：chenml_88，都被监控。\n\n"
            "2023年5月20日，我在机场被拦下，被告知不得出境，护照E87654321被收走。我的身份证号码是"
            "510107199003081231。律师孙立平也被警告不要接这个案子。赵志刚至今仍被指定居所监视居住。"
            "我的邮箱是chen.meiling@example.net。"),
        "about": "Individual case", "when": "2023年3月8日", "region": "China (mainland)",
        "place": "成都市武侯区", "un_engagement": ["Submission of information to the UN"],
        "un_body": ["Human Rights Council", "Special Procedures (thematic)"],
        "un_engagement_when": "2022年11月",
        "reprisals": ["Threats / intimidation", "Harassment or punishment of family members",
                      "Travel ban / exit ban / passport denied", "Surveillance"],
        "perpetrators": ["State actors"],
        "profile": {"gender": "Female", "minor": "No", "activity": ["Family member of a defender"]},
        "consent": {"share_confidentially_with_ohchr": "Yes",
                    "secretary_general_public_report": "Anonymized",
                    "organization_may_contact": "No"},
    },
    people=[{"role": "relative", "name": "陈美玲", "id_numbers": "510107199003081231"},
            {"role": "defender", "name": "赵志刚"}],
    secrets=["陈美玲", "赵志刚", "赵小明", "孙立平", "成都", "武侯", "玉林路", "13912345678",
             "chenml_88", "E87654321", "510107199003081231", "chen.meiling@example.net",
             "3月8日", "5月20日", "Chen Meiling", "Zhao Zhigang"],
    pseudonyms={"陈美玲": "亲属", "赵志刚": "捍卫者"},
)

HONG_KONG = SeedReport(
    document={
        "account": (
            "我叫李嘉欣，是一名急救員。2019年11月18日，我在理工大學外為受傷的示威者急救。"
            "2020年2月，聯合國特別報告員就醫護人員被騷擾發出聯合信函後，我向人權高專辦提交了資料。\n\n"
            "2020年6月3日，警察到我在旺角彌敦道600號的家搜查，沒收了我的電話。他們說我「勾結外國勢力」。"
            "我的香港身份證號碼是A123456(3)，電話+852 9123 4567，電郵lee.kayan@example.hk。"
            "我的同事黃志明醫生也被拘捕。"),
        "about": "Individual case", "when": "2020年6月3日", "region": "Hong Kong SAR",
        "place": "旺角", "un_engagement": ["Submission of information to the UN"],
        "un_body": ["OHCHR", "Special Procedures (thematic)"], "un_engagement_when": "2020年2月",
        "reprisals": ["Arbitrary arrest or detention", "Surveillance",
                      "Threats / intimidation"],
        "perpetrators": ["State actors"],
        "profile": {"gender": "Female", "minor": "No",
                    "activity": ["Health worker / first aider"]},
        "consent": {"share_confidentially_with_ohchr": "Yes",
                    "secretary_general_public_report": "Anonymized",
                    "organization_may_contact": "Yes"},
    },
    people=[{"role": "health", "name": "李嘉欣", "name_latin": "Lee Ka-yan",
             "id_numbers": "A123456(3)"}],
    secrets=["李嘉欣", "黃志明", "旺角", "彌敦道", "A123456(3)", "9123 4567",
             "lee.kayan@example.hk", "6月3日", "11月18日", "Lee Ka-yan"],
    pseudonyms={"李嘉欣": "醫護人員"},
)
