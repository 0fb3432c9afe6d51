"""People's names in Latin-script text, by capitalized-sequence heuristics.

No language model: runs of capitalized words are split at institutional words
("United Nations", "Human Rights Council" are not people) and judged by what
surrounds them. A romanized Chinese surname (Wang, Chow, Cheung...), a common part of
a Tibetan or Uyghur name (Tenzin, Ilham...) or a cue word before the run ("lawyer",
"Ms", "wife") makes a hit likely; any other run of two to four capitalized words is
possible, and so is a lone Tibetan or Uyghur name word.
"""

from __future__ import annotations

import re

ROMANIZED_SURNAMES = frozenset("""
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan yu jiang cai du ye
cheng su wei lu ding ren shen yao cui zhong tan fan jin shi liao jia xia fang bai zou meng
xiong qin qiu yin xue yan duan lei hou long tao gu mao hao gong shao wan qian kong chang
wen kang ni zhuang nie yue zhai ou guan lan jiao mo ding chow chan wong cheung lau lee leung
ng ho lam tsang yip tse chu kwok fung mak lai choi tam yeung kwan lo poon siu kwong yuen
tung hui chiu koo tsui ip au tong chung szeto ko kwong lui hung ching
""".split())

#: Common parts of Tibetan and Uyghur names in Latin letters. They have no surname
#: in the Chinese sense, so a run holding one of these counts like one holding a
#: romanized Chinese surname (also at the start of a sentence).
MINORITY_NAME_WORDS = frozenset("""
tenzin tashi dolma drolma dolkar lobsang losang jigme sonam pema dorje dorjee tsering karma
ngawang gendun gedhun gedun lhamo wangmo phuntsok phuntsog norbu kunchok konchok dhondup
dhondrub yeshe choedon kelsang kalsang namgyal rinchen thupten thubten nyima dawa pasang
lhakpa gyatso gyaltsen tsultrim palden chime dechen tseten wangchuk tsewang samdup jampa
choephel gonpo lhundup trinley yangchen tsomo sangye bhuchung lodoe jamyang kunga tenpa
topgyal chodron rinpoche tulku
ilham tohti rahile dawut gulshan abbas mihray abdulla abdullah abduweli ayup ekpar asim
jewher nurmemet tursun memet mehmet ablimit zumrat sayragul sauytbay abdurehim heyit rushan
perhat gulbahar jelilova mihrigul tursunay ziyawudun nury turkel qelbinur sidik erkin
abdukerim ablikim yalqun rozi kurban qurban kadeer rebiya dolkun zubayra shamseden halmurat
obulkasim ekber mamut imin nurgul patigul aynur guljan tahir hamut
""".split())

#: Words that never belong to a person's name here: institutions, places, titles.
STOP = frozenset("""
the a an in on at of for to by with from and or but he she they we it his her their our its
this that these those after before when while since during last next some many several
according domestically additionally however also then there here what who which where why
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
united nations un human rights council special rapporteur rapporteurs working group
government law laws security national committee office high commissioner republic people
people's hong kong china chinese police court courts ministry public university polytechnic
review periodic universal ambassador mission geneva general assembly secretary secretary-general
front line defenders watch amnesty international eu european union basic ordinance article
medical emergency technician doctor nurse state states procedures procedure treaty bodies body
ohchr hrc upr wgad chrd cerd report reports communication communications statement
administrative region sar province city county district xinjiang tibet beijing shanghai
party communist commission council's nations' special's safeguarding collusion foreign
subversion secession terrorism protection prosecution detention arbitrary enforced
disappearance residential surveillance designated location urgent appeal press release
joint letter action actions issues summary text response related sources remarks
spokesperson convention elimination racial discrimination third member member states
independent experts expert highest attainable standard physical mental health freedom
peaceful association privacy civil society organizations organization representatives
mr mrs ms dr prof sir madam lawyer activist defender journalist
uyghur autonomous zhuang hui inner mongolia municipality
""".split())

#: Cue words before a name, and the role each suggests.
CUES = {
    "lawyer": "lawyer", "attorney": "lawyer", "barrister": "lawyer", "solicitor": "lawyer",
    "journalist": "journalist", "reporter": "journalist", "editor": "journalist",
    "doctor": "health", "nurse": "health", "medic": "health", "dr": "health",
    "wife": "relative", "husband": "relative", "son": "relative", "daughter": "relative",
    "mother": "relative", "father": "relative", "brother": "relative", "sister": "relative",
    "activist": "defender", "defender": "defender", "dissident": "defender",
    "mr": "person", "mrs": "person", "ms": "person", "miss": "person", "professor": "person",
    "prof": "person", "pastor": "person", "scholar": "person",
}

_WORD = re.compile(r"[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?|[A-Z]{2,}(?=\s+[A-Z][a-z])")
_NAME_WORD = r"[A-Z][a-z]+(?:[-'][A-Za-z][a-z]+)?"
_RUN = re.compile(rf"{_NAME_WORD}(?:[ ]{_NAME_WORD})*")
_SENTENCE_START = re.compile(r"(?:\A|[.!?。]\s+|\n\s*|[\"“(]\s*)\Z")
_CUE_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+\Z")


def _cue(text: str, start: int) -> str:
    match = _CUE_BEFORE.search(text[max(0, start - 20):start])
    if match is None:
        return ""
    return CUES.get(match.group(1).lower(), "")


def find(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, certainty, role) of every likely or possible personal name."""
    found: list[tuple[int, int, str, str]] = []
    for run in _RUN.finditer(text):
        tokens = [(m.start() + run.start(), m.end() + run.start(), m.group(0))
                  for m in re.finditer(r"\S+", run.group(0))]
        if tokens and _SENTENCE_START.search(text[:tokens[0][0]]) is not None:
            first = tokens[0][2].lower()
            if (first not in ROMANIZED_SURNAMES and first not in MINORITY_NAME_WORDS
                    and not _cue(text, tokens[0][0])):
                tokens = tokens[1:]
        group: list[tuple[int, int, str]] = []
        for index, token in enumerate([*tokens, None]):
            if token is not None and (_name_word(token[2]) or _surname_he(tokens, index)):
                group.append(token)
                continue
            if group:
                found.extend(_judge(text, group))
            group = []
    return found


def _name_word(word: str) -> bool:
    return word.lower() not in STOP and not _is_place(word)


def _surname_he(tokens: list[tuple[int, int, str]], index: int) -> bool:
    """"He" is a pronoun, and the surname 何: "He Fangmei" (a name word follows)."""
    return (index + 1 < len(tokens) and tokens[index][2] == "He"
            and _name_word(tokens[index + 1][2]))


def _is_place(word: str) -> bool:
    """Place names split runs: "Guangzhou Baiyun" is no person."""
    from portal.anonymize import places

    return word in places.PLACE_TO_REGION or places.is_region(word)


def _judge(text: str, group: list[tuple[int, int, str]]) -> list[tuple[int, int, str, str]]:
    start, end = group[0][0], group[-1][1]
    role = _cue(text, start)
    words = [g[2].lower() for g in group]
    if len(group) > 4:
        return []
    if len(group) == 1:
        if role:
            return [(start, end, "likely", role)]
        return [(start, end, "possible", "")] if words[0] in MINORITY_NAME_WORDS else []
    if (role or words[0] in ROMANIZED_SURNAMES or words[-1] in ROMANIZED_SURNAMES
            or MINORITY_NAME_WORDS.intersection(words)):
        return [(start, end, "likely", role)]
    return [(start, end, "possible", "")]
