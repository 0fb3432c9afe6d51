"""A small gazetteer: places below the region level and the region each belongs to.

Regions (provinces, autonomous regions, SARs) are the coarse level an export may
show; anything listed here below that level is replaced by "City in <region>".
Names are given in English and in simplified and traditional Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    """A region an export may name: English and Chinese labels."""

    en: str
    zh: str


R = {
    "beijing": Region("Beijing Municipality", "北京市"),
    "shanghai": Region("Shanghai Municipality", "上海市"),
    "tianjin": Region("Tianjin Municipality", "天津市"),
    "chongqing": Region("Chongqing Municipality", "重庆市"),
    "guangdong": Region("Guangdong Province", "广东省"),
    "guangxi": Region("Guangxi Zhuang Autonomous Region", "广西壮族自治区"),
    "fujian": Region("Fujian Province", "福建省"),
    "zhejiang": Region("Zhejiang Province", "浙江省"),
    "jiangsu": Region("Jiangsu Province", "江苏省"),
    "shandong": Region("Shandong Province", "山东省"),
    "henan": Region("Henan Province", "河南省"),
    "hebei": Region("Hebei Province", "河北省"),
    "hubei": Region("Hubei Province", "湖北省"),
    "hunan": Region("Hunan Province", "湖南省"),
    "sichuan": Region("Sichuan Province", "四川省"),
    "yunnan": Region("Yunnan Province", "云南省"),
    "guizhou": Region("Guizhou Province", "贵州省"),
    "anhui": Region("Anhui Province", "安徽省"),
    "jiangxi": Region("Jiangxi Province", "江西省"),
    "shaanxi": Region("Shaanxi Province", "陕西省"),
    "shanxi": Region("Shanxi Province", "山西省"),
    "gansu": Region("Gansu Province", "甘肃省"),
    "qinghai": Region("Qinghai Province", "青海省"),
    "liaoning": Region("Liaoning Province", "辽宁省"),
    "jilin": Region("Jilin Province", "吉林省"),
    "heilongjiang": Region("Heilongjiang Province", "黑龙江省"),
    "hainan": Region("Hainan Province", "海南省"),
    "inner_mongolia": Region("Inner Mongolia Autonomous Region", "内蒙古自治区"),
    "ningxia": Region("Ningxia Hui Autonomous Region", "宁夏回族自治区"),
    "tibet": Region("Tibet Autonomous Region", "西藏自治区"),
    "xinjiang": Region("Xinjiang Uyghur Autonomous Region", "新疆维吾尔自治区"),
    "hong_kong": Region("Hong Kong SAR", "香港特区"),
    "macao": Region("Macao SAR", "澳门特区"),
}

# place name variants -> region key. Only places *below* the region level.
_PLACES: dict[str, tuple[str, ...]] = {
    "guangdong": ("Guangzhou", "广州", "廣州", "Shenzhen", "深圳", "Dongguan", "东莞", "東莞",
                  "Foshan", "佛山", "Zhuhai", "珠海", "Shantou", "汕头", "Huizhou", "惠州",
                  "Zhongshan", "中山市", "Jiangmen", "江门", "Zhanjiang", "湛江"),
    "guangxi": ("Nanning", "南宁", "Guilin", "桂林", "Liuzhou", "柳州"),
    "fujian": ("Fuzhou", "福州", "Xiamen", "厦门", "廈門", "Quanzhou", "泉州", "Putian", "莆田"),
    "zhejiang": ("Hangzhou", "杭州", "Ningbo", "宁波", "Wenzhou", "温州", "溫州", "Shaoxing",
                 "绍兴", "Jinhua", "金华", "Taizhou", "台州"),
    "jiangsu": ("Nanjing", "南京", "Suzhou", "苏州", "蘇州", "Wuxi", "无锡", "Xuzhou", "徐州",
                "Changzhou", "常州", "Nantong", "南通", "Yangzhou", "扬州"),
    "shandong": ("Jinan", "济南", "濟南", "Qingdao", "青岛", "青島", "Yantai", "烟台", "Linyi",
                 "临沂", "Weifang", "潍坊", "Zibo", "淄博"),
    "henan": ("Zhengzhou", "郑州", "鄭州", "Luoyang", "洛阳", "Kaifeng", "开封", "Xinyang",
              "信阳", "Nanyang", "南阳"),
    "hebei": ("Shijiazhuang", "石家庄", "Baoding", "保定", "Tangshan", "唐山", "Handan", "邯郸"),
    "hubei": ("Wuhan", "武汉", "武漢", "Yichang", "宜昌", "Xiangyang", "襄阳"),
    "hunan": ("Changsha", "长沙", "長沙", "Zhuzhou", "株洲", "Hengyang", "衡阳", "Yueyang",
              "岳阳"),
    "sichuan": ("Chengdu", "成都", "Mianyang", "绵阳", "Leshan", "乐山", "Aba", "阿坝", "Ngaba",
                "Garze", "Kardze", "甘孜", "Zigong", "自贡"),
    "yunnan": ("Kunming", "昆明", "Dali", "大理", "Lijiang", "丽江"),
    "guizhou": ("Guiyang", "贵阳", "Zunyi", "遵义"),
    "anhui": ("Hefei", "合肥", "Wuhu", "芜湖", "Bengbu", "蚌埠"),
    "jiangxi": ("Nanchang", "南昌", "Ganzhou", "赣州", "Jiujiang", "九江"),
    "shaanxi": ("Xi'an", "Xian", "西安", "Baoji", "宝鸡", "Yan'an", "延安"),
    "shanxi": ("Taiyuan", "太原", "Datong", "大同"),
    "gansu": ("Lanzhou", "兰州", "蘭州", "Gannan", "甘南", "Tianshui", "天水"),
    "qinghai": ("Xining", "西宁", "Golog", "果洛", "Yushu", "玉树", "Rebkong", "同仁"),
    "liaoning": ("Shenyang", "沈阳", "瀋陽", "Dalian", "大连", "大連", "Anshan", "鞍山"),
    "jilin": ("Changchun", "长春", "長春", "Jilin City", "吉林市", "Yanbian", "延边"),
    "heilongjiang": ("Harbin", "哈尔滨", "哈爾濱", "Qiqihar", "齐齐哈尔", "Daqing", "大庆"),
    "hainan": ("Haikou", "海口", "Sanya", "三亚"),
    "inner_mongolia": ("Hohhot", "呼和浩特", "Baotou", "包头", "Ordos", "鄂尔多斯"),
    "ningxia": ("Yinchuan", "银川"),
    "tibet": ("Lhasa", "拉萨", "拉薩", "Shigatse", "日喀则", "Nagchu", "Nagqu", "那曲",
              "Chamdo", "昌都", "Nyingchi", "林芝", "Lhoka", "山南"),
    "xinjiang": ("Urumqi", "乌鲁木齐", "烏魯木齊", "Kashgar", "喀什", "Hotan", "和田",
                 "Aksu", "阿克苏", "Ghulja", "Yining", "伊宁", "Turpan", "吐鲁番", "Korla",
                 "库尔勒", "Karamay", "克拉玛依", "Altay", "阿勒泰"),
    "hong_kong": ("Kowloon", "九龍", "九龙", "Mong Kok", "旺角", "Sha Tin", "沙田",
                  "Tsim Sha Tsui", "尖沙咀", "Causeway Bay", "銅鑼灣", "铜锣湾", "Wan Chai",
                  "灣仔", "湾仔", "中環", "Admiralty", "金鐘", "Yuen Long", "元朗",
                  "Tuen Mun", "屯門", "Tai Po", "大埔", "Kwun Tong", "觀塘", "Sham Shui Po",
                  "深水埗", "Hung Hom", "紅磡", "Tseung Kwan O", "將軍澳", "Tsuen Wan", "荃灣",
                  "Lantau", "大嶼山", "North Point", "北角", "赤柱", "Lai Chi Kok",
                  "荔枝角"),
    "macao": ("Taipa", "氹仔", "Coloane", "路環"),
}

#: Countries where exiles and their families often live: a city there becomes its
#: country ("a city in Canada"). Cities that host the UN (Geneva, New York, Vienna,
#: The Hague) are left alone: going there for a session identifies nobody.
ABROAD = {
    "canada": Region("Canada", "加拿大"),
    "united_states": Region("United States", "美国"),
    "united_kingdom": Region("United Kingdom", "英国"),
    "germany": Region("Germany", "德国"),
    "france": Region("France", "法国"),
    "netherlands": Region("Netherlands", "荷兰"),
    "belgium": Region("Belgium", "比利时"),
    "sweden": Region("Sweden", "瑞典"),
    "norway": Region("Norway", "挪威"),
    "switzerland": Region("Switzerland", "瑞士"),
    "australia": Region("Australia", "澳大利亚"),
    "japan": Region("Japan", "日本"),
    "taiwan": Region("Taiwan", "台湾"),
    "turkiye": Region("Türkiye", "土耳其"),
    "kazakhstan": Region("Kazakhstan", "哈萨克斯坦"),
    "kyrgyzstan": Region("Kyrgyzstan", "吉尔吉斯斯坦"),
    "india": Region("India", "印度"),
    "nepal": Region("Nepal", "尼泊尔"),
    "thailand": Region("Thailand", "泰国"),
    "malaysia": Region("Malaysia", "马来西亚"),
}
R.update(ABROAD)

_PLACES.update({
    "canada": ("Toronto", "多伦多", "多倫多", "Vancouver", "温哥华", "溫哥華", "Montreal",
               "Montréal", "蒙特利尔", "滿地可", "Ottawa", "渥太华", "渥太華", "Calgary",
               "卡尔加里"),
    "united_states": ("Los Angeles", "洛杉矶", "洛杉磯", "San Francisco", "旧金山", "舊金山",
                      "三藩市", "Boston", "波士顿", "波士頓", "Chicago", "芝加哥", "Seattle",
                      "西雅图", "西雅圖", "Flushing", "法拉盛", "Houston", "休斯顿", "侯斯頓"),
    "united_kingdom": ("London", "伦敦", "倫敦", "Manchester", "曼彻斯特", "曼徹斯特",
                       "Birmingham", "伯明翰", "Edinburgh", "爱丁堡", "愛丁堡"),
    "germany": ("Berlin", "柏林", "Munich", "München", "慕尼黑", "Frankfurt", "法兰克福",
                "法蘭克福", "Hamburg"),
    "france": ("Paris", "巴黎", "Lyon", "Strasbourg", "斯特拉斯堡"),
    "netherlands": ("Amsterdam", "阿姆斯特丹", "Rotterdam", "鹿特丹"),
    "belgium": ("Brussels", "布鲁塞尔", "布魯塞爾", "Antwerp", "安特卫普"),
    "sweden": ("Stockholm", "斯德哥尔摩", "斯德哥爾摩", "Gothenburg", "哥德堡"),
    "norway": ("Oslo", "奥斯陆", "奧斯陸"),
    "switzerland": ("Zurich", "Zürich", "苏黎世", "蘇黎世", "Bern", "Berne", "伯尔尼",
                    "伯爾尼", "Lausanne", "洛桑"),
    "australia": ("Sydney", "悉尼", "雪梨", "Melbourne", "墨尔本", "墨爾本", "Brisbane",
                  "布里斯班", "Perth", "珀斯"),
    "japan": ("Tokyo", "东京", "東京", "Osaka", "大阪"),
    "taiwan": ("Taipei", "台北", "臺北", "Taichung", "臺中", "Tainan", "台南", "臺南"),
    "turkiye": ("Istanbul", "伊斯坦布尔", "伊斯坦堡", "Ankara", "安卡拉"),
    "kazakhstan": ("Almaty", "阿拉木图", "阿拉木圖", "Astana", "阿斯塔纳"),
    "kyrgyzstan": ("Bishkek", "比什凯克", "比什凱克", "Osh"),
    "india": ("Dharamsala", "Dharamshala", "McLeod Ganj", "达兰萨拉", "達蘭薩拉", "Bylakuppe"),
    "nepal": ("Kathmandu", "加德满都", "加德滿都", "Pokhara", "博卡拉"),
    "thailand": ("Bangkok", "曼谷", "Chiang Mai", "清迈", "清邁"),
    "malaysia": ("Kuala Lumpur", "吉隆坡"),
})

#: Region names themselves (allowed in exports), English and Chinese variants.
REGION_NAMES: frozenset[str] = frozenset(
    {r.en for r in R.values()} | {r.zh for r in R.values()} | {
        "Hong Kong", "香港", "香港特別行政區", "香港特别行政区", "Macao", "Macau", "澳門", "澳门",
        "Tibet", "西藏", "Xinjiang", "新疆", "East Turkestan", "China", "中国", "中國", "Beijing",
        "北京", "Shanghai", "上海", "Tianjin", "天津", "Chongqing", "重庆", "重慶", "Guangdong",
        "广东", "廣東", "Guangxi", "广西", "Fujian", "福建", "Zhejiang", "浙江", "Jiangsu",
        "江苏", "Shandong", "山东", "Henan", "河南", "Hebei", "河北", "Hubei", "湖北", "Hunan",
        "湖南", "Sichuan", "四川", "Yunnan", "云南", "Guizhou", "贵州", "Anhui", "安徽",
        "Jiangxi", "江西", "Shaanxi", "陕西", "Shanxi", "山西", "Gansu", "甘肃", "Qinghai",
        "青海", "Liaoning", "辽宁", "Jilin", "Heilongjiang", "黑龙江", "Hainan", "海南",
        "Inner Mongolia", "内蒙古", "Ningxia", "宁夏", "Taiwan", "台湾", "台灣",
        "USA", "United States of America", "美國", "UK", "Britain", "英國", "德國",
        "法國", "荷蘭", "比利時", "澳洲", "澳大利亞", "臺灣", "Turkey", "哈薩克斯坦",
        "吉爾吉斯斯坦", "尼泊爾", "泰國", "馬來西亞",
        # Cities that host the UN: where sessions are, not where anyone lives.
        "Geneva", "Genève", "日内瓦", "日內瓦", "New York", "纽约", "紐約", "Vienna", "维也纳",
        "維也納", "The Hague", "海牙",
    }
)

PLACE_TO_REGION: dict[str, str] = {
    name: region for region, names in _PLACES.items() for name in names
}


def region_of(place: str) -> Region | None:
    """The region a listed place lies in (case-insensitive for Latin names)."""
    key = PLACE_TO_REGION.get(place)
    if key is None:
        lowered = place.casefold()
        for name, region in PLACE_TO_REGION.items():
            if name.casefold() == lowered:
                key = region
                break
    return R[key] if key else None


_REGION_FOLDED = frozenset(n.casefold() for n in REGION_NAMES)
_REGION_PATTERN = re.compile("|".join(
    rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])" if n.isascii() else re.escape(n)
    for n in sorted(REGION_NAMES, key=len, reverse=True)))


def regions_in(text: str) -> list[str]:
    """Region-level names written in `text`, in order (each as written)."""
    return [m.group(0) for m in _REGION_PATTERN.finditer(text)]


def region_zh(name: str) -> str | None:
    """The Chinese name of a region or country given by its English name, if known."""
    return next((r.zh for r in R.values() if r.en == name), None)


def is_region(text: str) -> bool:
    """True when `text` is a region-level name an export may keep."""
    return text in REGION_NAMES or text.casefold() in _REGION_FOLDED
