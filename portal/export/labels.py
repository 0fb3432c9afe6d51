"""Words of exported documents in English and Chinese.

Exports are documents for the UN, written in the language chosen for the export
(not the reviewer's screen language), so their words live here rather than in the
gettext catalogs. Record values stay in English in JSON and CSV (they are the
databases' terms); Markdown and PDF in Chinese show them translated.
"""

from __future__ import annotations

from typing import Any

from portal.cases import record

_WORDS = {
    "en": {"reference": "Reference", "field": "Field", "value": "Value",
           "title": "Cases of reprisals: anonymized summaries",
           "generated": "Anonymized summary prepared for the UN. Names and details that "
                        "could identify people have been replaced or generalized."},
    "zh": {"reference": "编号", "field": "字段", "value": "内容",
           "title": "报复案件：匿名摘要",
           "generated": "为联合国准备的匿名摘要。可识别个人身份的姓名和细节已被替换或概括。"},
}

_FIELD_ZH = {
    "title": "标题", "type_of_record": "记录类型", "gender": "性别",
    "victim_minor": "受害者是否未成年",
    "victim_foreign_national": "受害者是否外国公民",
    "victim_civil_servant": "受害者是否公务员、安全部队或司法人员", "activity": "个人或组织的活动",
    "rights_defended": "所捍卫的权利类型", "country": "国家", "region": "地区",
    "location_of_reprisals": "报复发生地点", "un_body_engaged": "接触的联合国机构",
    "type_of_engagement": "接触类型", "un_body_raised_before": "此前提出该案的联合国机构",
    "dates_of_prior_un_action": "联合国此前行动日期", "dates_of_reprisals": "报复日期",
    "types_of_reprisals": "报复类型", "alleged_perpetrators": "被指控的实施者",
    "based_on_new_legislation": "是否基于新立法", "legislation": "法律名称",
    "reprisal_information": "报复情况", "case_status": "案件状态",
    "government_response_dates": "政府回应日期", "government_response": "政府回应内容",
    "raised_by_state": "是否有国家在联合国提出", "raised_by_state_details": "哪个国家、何时",
    "pattern_of_reprisal": "是否提及报复模式", "self_censorship": "是否提及自我审查",
    "further_case_development": "案件进一步发展", "consent_naming": "联合国可否公开姓名",
    "consent_contact": "联合国可否联系当事人", "risk_assessment": "风险评估",
}

VALUES_ZH = {
    "Individual case": "个人案件", "Group of individuals": "群体", "Organization": "组织",
    "General situation addressed": "一般情况", "Female": "女", "Male": "男",
    "Non-binary / other": "非二元/其他", "Gender unclear": "性别不明", "Mixed group": "混合群体",
    "Yes": "是", "No": "否", "Unknown": "不明", "Human rights defender": "人权捍卫者",
    "Lawyer": "律师", "Journalist / media worker": "记者/媒体工作者",
    "Civil society actor": "公民社会人士", "Health worker / first aider": "医护人员/急救员",
    "Academic": "学者", "Family member of a defender": "捍卫者家属",
    "Religious or ethnic minority representative": "宗教或少数民族代表",
    "Trade unionist": "工会人士", "Environmental / land defender": "环境/土地捍卫者",
    "Other": "其他", "China (mainland)": "中国大陆", "Hong Kong SAR": "香港特区",
    "Macao SAR": "澳门特区", "Tibet": "西藏", "Xinjiang": "新疆", "Abroad": "境外",
    "OHCHR": "联合国人权高专办", "Human Rights Council": "人权理事会",
    "Universal Periodic Review": "普遍定期审议",
    "Special Procedures (thematic)": "特别程序（专题）",
    "Special Procedures (country)": "特别程序（国别）", "Treaty bodies": "条约机构",
    "Working Group on Arbitrary Detention": "任意拘留问题工作组",
    "UN country team / other": "联合国国家工作队/其他",
    "Submission of information to the UN": "向联合国提交信息",
    "Attending or travelling to a UN session": "出席或前往联合国会议",
    "Meeting UN officials or experts": "会见联合国官员或专家",
    "Communication with a Special Procedure": "与特别程序通信",
    "Being named in a UN document": "在联合国文件中被提及",
    "Threats / intimidation": "威胁/恐吓", "Arbitrary arrest or detention": "任意逮捕或拘留",
    "Enforced disappearance": "强迫失踪", "Torture or ill-treatment": "酷刑或虐待",
    "Killing / death in custody": "杀害/羁押期间死亡",
    "Travel ban / exit ban / passport denied": "旅行禁令/出境禁令/拒发护照",
    "Surveillance": "监视", "Judicial harassment / criminal charges": "司法骚扰/刑事指控",
    "Smear campaign / stigmatization": "抹黑/污名化",
    "Online attacks / hacking": "网络攻击/黑客入侵",
    "Harassment or punishment of family members": "骚扰或惩罚家属",
    "Loss of employment or licence": "失去工作或执照",
    "Asset freeze / financial": "冻结资产/经济手段",
    "Self-censorship / ceased engagement": "自我审查/停止接触", "State actors": "国家行为者",
    "Non-state actors": "非国家行为者", "Unresolved": "未解决", "Resolved": "已解决",
    "Named": "可具名", "Anonymized": "匿名", "Confidential": "保密",
}


def words(lang: str) -> dict[str, str]:
    """Fixed words of an export document."""
    return _WORDS["zh" if lang == "zh" else "en"]


def field_label(name: str, lang: str) -> str:
    """A field's heading in the export's language."""
    if lang == "zh":
        return _FIELD_ZH.get(name, name)
    field = record.BY_NAME.get(name)
    return str(field.label._args[0]) if field is not None and hasattr(field.label, "_args") \
        else name.replace("_", " ").capitalize()


def value(text: str, lang: str) -> str:
    """A record value in the export's language (regions and countries too)."""
    if lang != "zh":
        return text
    if text in VALUES_ZH:
        return VALUES_ZH[text]
    from portal.anonymize.places import region_zh

    return region_zh(text) or text


def country(code: str, lang: str) -> str:
    """A country code with its name in the export's language ("" for none)."""
    from portal.cases.vocab import country_name

    return f"{country_name(code, 'zh' if lang == 'zh' else 'en')} ({code})" if code else ""


def _join(values: list[str], lang: str) -> str:
    items = [value(v, lang) for v in values]
    if lang == "zh":
        return "、".join(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def paragraph(case: dict[str, Any], lang: str) -> str:
    """The lead paragraph, in the manner of the Secretary-General's report."""
    place = value(case.get("location_of_reprisals") or case.get("region") or "", lang)
    kinds = [v.lower() if lang != "zh" else value(v, lang)
             for v in case.get("types_of_reprisals") or []]
    activity = case.get("activity") or []
    engagement = case.get("type_of_engagement") or []
    bodies = case.get("un_body_engaged") or []
    when = case.get("dates_of_reprisals") or []
    if lang == "zh":
        sentences = []
        subject = _join(activity, lang) or value(case.get("type_of_record") or "", lang) or "当事人"
        sentences.append(f"本案涉及{place + '的' if place else ''}{subject}。")
        if engagement or bodies:
            sentences.append(f"当事人曾{_join(engagement, lang) or '与联合国接触'}"
                             f"{'（' + _join(bodies, lang) + '）' if bodies else ''}。")
        if kinds:
            sentences.append(f"据报此后{'于' + '、'.join(when) if when else ''}遭受报复："
                             f"{'、'.join(kinds)}。")
        if case.get("alleged_perpetrators"):
            sentences.append(f"被指控的实施者：{_join(case['alleged_perpetrators'], lang)}。")
        if case.get("legislation"):
            sentences.append(f"报复所依据的法律：{case['legislation']}。")
        if case.get("case_status"):
            sentences.append(f"案件状态：{value(case['case_status'], lang)}。")
        return "".join(sentences)
    sentences = []
    subject = (_join([a.lower() if a != "Other" else "person" for a in activity], lang)
               or (case.get("type_of_record") or "person").lower())
    sentences.append(f"The case concerns a {subject}" + (f" in {place}." if place else "."))
    if engagement or bodies:
        sentences.append(
            "The reprisals reportedly followed "
            + (_join([e[0].lower() + e[1:] for e in engagement], lang) or "engagement")
            + (f" with {_join(bodies, lang)}" if bodies else "") + ".")
    if kinds:
        sentences.append(("In " + _join(when, lang) + ", the" if when else "The")
                         + f" following reprisals were reported: {', '.join(kinds)}.")
    if case.get("alleged_perpetrators"):
        sentences.append("Alleged perpetrators: "
                         + _join([p.lower() for p in case["alleged_perpetrators"]], lang) + ".")
    if case.get("legislation"):
        sentences.append(f"The reprisals were reportedly based on {case['legislation']}.")
    if case.get("case_status"):
        sentences.append(f"The case is {case['case_status'].lower()}.")
    return " ".join(sentences)
