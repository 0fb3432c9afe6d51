"""A small gazetteer: places below the region level and the region each belongs to.

Regions (provinces, autonomous regions, SARs) are the coarse level an export may
show; anything listed here below that level is replaced by "City in <region>".
Names are given in English and in simplified and traditional Chinese.
"""

from __future__ import annotations

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


def is_region(text: str) -> bool:
    """True when `text` is a region-level name an export may keep."""
    return text in REGION_NAMES or text.casefold() in _REGION_FOLDED
