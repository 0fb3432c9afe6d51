"""Chinese surnames and given-name characters, for spotting personal names in Chinese text.

The single-character surnames cover the great majority of people in mainland China,
Hong Kong and Taiwan (the common "hundred surnames" and the most frequent ones in
census counts); compound surnames are listed separately because they are matched
first. Tibetan and Uyghur names have no surname of this kind: they are caught by the
names the defender gave (see detectors.known_name_spans) and by cue words.
"""

from __future__ import annotations

SINGLE_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁"
    "岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆"
    "蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚"
    "岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛"
    "仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘"
    "满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容"
    "敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银"
    "亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
    # Traditional forms of common surnames (Hong Kong, Taiwan, diaspora).
    "劉陳楊黃趙吳許馮鄧蕭葉蘇呂盧姜鍾譚陸賈韋鄒閆賀顧龔錢湯溫樊鄭謝羅魏聶嚴龐顏莊魯"
    "關蘭焦紀畢單塗駱藍靳鮑喻饒繆簡車連蘆婁竇闕"
)

COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "轩辕", "令狐", "端木", "澹台", "南宫", "西门", "呼延", "歐陽", "司馬",
    "諸葛", "長孫",
})

#: Characters often found in given names. A surname followed by two of these, at a
#: word boundary, is reported as a possible name even without a cue word.
GIVEN_NAME_CHARS = frozenset(
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
    "帅旭宁龙林欣佳悦怡晨晓晶婷雪慧颖琳璐菲倩倩梅莉兰凤洁琴云莲真环雯荣爱妹霞香月莺媛"
    "瑶怡婉嘉琼桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉"
    "君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭"
    "凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽秀娟英华慧巧美娜静淑惠珠翠雅芝玉萍红娥玲芬"
    "芳燕彩春菊勤珍贞莉兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼桂娣叶璧璐娅"
    "全璋和平天勇文生顺利玮沛足乔灵娜宇雨岭瑜志国建新永东海波宏峰成刚德胜祥福生龙元全"
    "安家庆盛民友义兴良飞彪富贵军振发武亮正清长耀光达安岩中茂进林有坚和彪博诚先敬震振"
    "壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋"
    "斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘"
    "偉強軍潔麗紅華鳳蓮愛莊靜瑩藝東國進頌彥賢聰鴻寶嬌"
)

#: Words that, just before a name, say that a person follows (and often their role).
CUE_BEFORE = {
    "律师": "lawyer", "維權律師": "lawyer", "维权律师": "lawyer", "人权律师": "lawyer",
    "人權律師": "lawyer", "律師": "lawyer",
    "记者": "journalist", "記者": "journalist",
    "医生": "health", "醫生": "health", "护士": "health", "護士": "health",
    "妻子": "relative", "丈夫": "relative", "儿子": "relative", "女儿": "relative",
    "兒子": "relative", "女兒": "relative", "母亲": "relative", "父亲": "relative",
    "母親": "relative", "父親": "relative", "哥哥": "relative", "弟弟": "relative",
    "姐姐": "relative", "妹妹": "relative", "家属": "relative", "家屬": "relative",
    "活动人士": "defender", "活動人士": "defender", "维权人士": "defender",
    "維權人士": "defender", "人权捍卫者": "defender", "人權捍衛者": "defender",
    "捍卫者": "defender", "捍衛者": "defender", "异见人士": "defender", "學者": "person",
    "学者": "person", "教授": "person", "朋友": "person", "同事": "person",
    "我叫": "person", "名叫": "person", "我是": "person", "姓名": "person", "姓名：": "person",
}

#: Single characters that commonly follow a name in running text (a boundary).
BOUNDARY_AFTER = frozenset("说說被和与與的在，。、；：称稱因遭已曾于於"
                           "及是也都将將向对對从從把给給让讓")

#: Words that, just after a name, say that a person precedes ("王全璋律师").
CUE_AFTER = {
    "律师": "lawyer", "律師": "lawyer", "先生": "person", "女士": "person", "医生": "health",
    "醫生": "health", "记者": "journalist", "記者": "journalist", "教授": "person",
}
