"""Build fixtures/articles.json from the two seed articles (../shared/seeds/).

The facts are written below as data; every record names the short excerpts (source, text)
that hold it. The script checks each excerpt against its article (ignoring whitespace, because
the seed text breaks lines inside sentences), keeps excerpts short, and writes one pretty-printed
JSON object per record, grouped by model, dependency first, without primary keys (loaddata
matches existing rows by natural key, so loading twice duplicates nothing).

    .venv/bin/python scripts/build_article_fixture.py            # rewrite the fixture
    .venv/bin/python scripts/build_article_fixture.py --check    # fail if the file is stale
"""

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# ../shared/seeds from the repository; one level further up for a git worktree under wt/.
SEED_DIRS = [REPO.parent / "shared" / "seeds", REPO.parent.parent / "shared" / "seeds"]
SEEDS = next((path for path in SEED_DIRS if path.is_dir()), SEED_DIRS[0])
OUTPUT = REPO / "fixtures" / "articles.json"
MAX_EXCERPT = 40
# Record bookkeeping time: raw loaddata does not fill auto_now fields.
STAMP = "2026-11-22T00:00:00+08:00"
# What the articles report was counted when published: these records load as approved (registry/review.py).
REVIEWED = {
    "qualification",
    "talent",
    "workstation",
    "commissioner",
    "commissionerteam",
    "commissionerassessment",
    "servicerecord",
    "techcontract",
    "subsidy",
    "project",
}

A = "wzx-talent-highland"  # 首府：打造人才创新高地 让“千里马”竞相奔腾
B = "wzx-innovation-empowers-industry"  # 首府：科技创新为产业发展赋能添彩
SEED_FILES = {A: "000_39a6bc323a6cbf5f.txt", B: "004_849ea27c8acdc6ea.txt"}

MODEL_ORDER = [
    "source",
    "citation",
    "organization",
    "organizationalias",
    "qualification",
    "talent",
    "policy",
    "platform",
    "platformmember",
    "platformexpert",
    "workstation",
    "workstationmember",
    "commissioner",
    "servicerecord",
    "transferagency",
    "trainingbase",
    "technologybroker",
    "techcontract",
    "subsidy",
    "project",
    "projectpartner",
    "projecttarget",
    "indicator",
]

records: dict[str, list[dict]] = {model: [] for model in MODEL_ORDER}
citations: dict[tuple[str, str], None] = {}


def a(excerpt):
    return (A, excerpt)


def b(excerpt):
    return (B, excerpt)


def add(model, cites=(), **fields):
    """Queue one record; `cites` are (source key, excerpt) pairs, stored as Citation records."""
    if cites:
        for pair in cites:
            citations.setdefault(pair, None)
        fields["citations"] = [list(pair) for pair in cites]
    review = {"review_status": "approved"} if model in REVIEWED else {}
    fields = {"created_at": STAMP, "updated_at": STAMP, **review, **fields}
    records[model].append({"model": f"registry.{model}", "fields": fields})


# ---------------------------------------------------------------- sources
add(
    "source",
    key=A,
    title="首府：打造人才创新高地 让“千里马”竞相奔腾",
    author="武子暄",
    notes=f"种子文件 seed file: {SEED_FILES[A]}。报纸名称文中未载明（“本报记者”），不作推测；"
    "发表日期未载明，文中称“今年以来”并回述2022年、2023年的工作，推断为2023年刊发，故发表日期留空。",
)
add(
    "source",
    key=B,
    title="首府：科技创新为产业发展赋能添彩",
    author="武子暄",
    notes=f"种子文件 seed file: {SEED_FILES[B]}。副题为“以城聚人 以人强产 以产兴城”。报纸名称文中未载明，"
    "不作推测；发表日期未载明，文中提到国家乳业技术创新中心总部“8月初”启用并引用2022年数据，"
    "推断为2023年8月以后刊发，故发表日期留空。种子文本开头一段（基层科技特派员）属同版“下沉一线”栏目。",
)

# ---------------------------------------------------------------- organizations
HOHHOT, BEIJING, SHANGHAI, SICHUAN, GANSU = "150100", "110000", "310000", "510000", "620000"


def org(name, kind, cites, division=None, cluster=None, notes="", aliases=()):
    fields = dict(name=name, kind=kind, notes=notes)
    if division:
        fields["division"] = [division]
    if cluster:
        fields["cluster"] = [cluster]
    add("organization", cites, **fields)
    for alias, note in aliases:
        add("organizationalias", organization=[name], name=alias, note=note)


JINYU = "金宇保灵生物药品有限公司"
org(
    JINYU,
    "enterprise",
    [
        a("金字保灵生物制品有限公司"),
        a("已获批为自治区科技领军企业"),
        a("首府生物医药产业集群的链主企业"),
        b("金宇兽用疫苗国家工程实验室"),
    ],
    division=HOHHOT,
    cluster="生物医药",
    notes="文章一写作“金字保灵生物制品有限公司”（简称“金字保灵”“金字生物”），“字”应为“宇”的误植，"
    "“制品”与通行全称“药品”也不一致；文章二图片说明写作“金宇”。按通行全称建一条记录，其他写法作别名。"
    "文中称其为首府生物医药产业集群链主企业，拥有三大国家级实验室。",
    aliases=[
        ("金字保灵生物制品有限公司", "文章一的写法（“字”为误植，“制品”与全称不同）"),
        ("金字保灵", "文章一的简称"),
        ("金字生物", "文章一第55行的简称"),
        ("金宇保灵", "通行简称"),
        ("金宇", "文章二图片说明中的简称"),
    ],
)
org(
    "康奈尔大学",
    "university",
    [a("曾在全球兽医学科排名第二的康奈尔大学就职")],
    notes="美国高校，李劫归国前的工作单位。",
)
BUREAU = "呼和浩特市科学技术局"
org(
    BUREAU,
    "government",
    [a("市科技局党组书记、局长李孔燕说"), b("科技局党组书记、局长李孔燕表")],
    division=HOHHOT,
    aliases=[("市科技局", "两篇文章中的简称")],
)
CITY = "呼和浩特市人民政府"
org(CITY, "government", [a("呼和浩特市人民政府关于进一步推动")], division=HOHHOT)
SJTU = "上海交通大学"
org(
    SJTU,
    "university",
    [a("我市与上海交通大学共建"), b("上海交通大学是“4+8+N”合作主体中的重要一")],
    division=SHANGHAI,
    notes="两文中下属学院写法不一：文章一“生命学院”“农业生物学院”“药学院”“电信学院”为简称，"
    "文章二写“生命科学技术学院”“农业与生物学院”“机械与动力工程学院”。学院记在人员职务中。",
    aliases=[("上海交大", "两篇文章中的简称"), ("交大", "文章一中的简称")],
)
org("中国农业大学", "university", [a("中国农业大学共建内蒙古现代农牧研究院")], division=BEIJING)
org("中国石油大学(北京)", "university", [a("中国石油大学(北京)共建碳中和与新材料研究院")], division=BEIJING)
CAAS = "中国农业科学院"
org(
    CAAS,
    "institute",
    [a("中国农科院共建北方农牧业技术创新中心")],
    division=BEIJING,
    aliases=[("中国农科院", "两篇文章中的简称")],
)
org(
    "中国农业科学院草原研究所",
    "institute",
    [b("引进了兰州大学、中国农科院草原所高层次人才")],
    division=HOHHOT,
    notes="文中简称“中国农科院草原所”；该所位于呼和浩特为公开信息。",
    aliases=[("中国农科院草原所", "文章二中的简称")],
)
CAS = "中国科学院"
org(
    CAS,
    "institute",
    [b("集聚蒙草集团、中科院等47家科研优势突出"), b("学院院士陈润生为核心")],
    division=BEIJING,
    aliases=[("中科院", "文章二中的简称")],
)
org("兰州大学", "university", [b("引进了兰州大学、中国农科院草原所高层次人才")], division=GANSU)
JINHE = "金河科技股份有限公司"
org(JINHE, "enterprise", [a("金河科技股份有限公司与上海交大生命学院程海荣教授")])
ZHONGFU = "内蒙古中孚明丰农业科技有限公司"
org(
    ZHONGFU,
    "enterprise",
    [
        a("内蒙古中孚明丰农业科技有限公司与上海交大"),
        b("内蒙古中孚明丰农业科技有限公"),
        b("中孚明丰与上海交大合作攻关的生物炭试验示范基地"),
    ],
    aliases=[("中孚明丰", "文章二图片说明中的简称")],
)
NIUFANYU = "内蒙古牛繁育科技有限公司"
org(NIUFANYU, "enterprise", [a("内蒙古牛繁育科技有限公司与上海交大药学院")])
AOXIANG = "呼和浩特市奥祥电力自动化有限公司"
org(AOXIANG, "enterprise", [a("呼和浩特市奥祥电力自动化有限公司与上海交大电信学院")], division=HOHHOT)
SJTU_IM = "上海交通大学内蒙古研究院"
org(
    SJTU_IM,
    "institute",
    [a("上海交通大学内蒙古研究院依托场地"), b("上海交通大学内蒙古研究院董樊丽院长表示")],
    division=HOHHOT,
    notes="市校合作共建的新型研发机构，入驻上海交通大学呼和浩特创新中心。",
)
org(
    "伊利集团",
    "enterprise",
    [a("上海交通大学内蒙古研究院与伊利集团、电力集团")],
    division=HOHHOT,
    notes="文中只写简称，法定全称未载明；总部在呼和浩特为公开信息。",
)
org(
    "电力集团",
    "enterprise",
    [a("上海交通大学内蒙古研究院与伊利集团、电力集团")],
    notes="文中只写“电力集团”，全称未载明，不作推测。",
)
org(
    "高速公路公司",
    "enterprise",
    [a("电力集团、高速公路公司等签订合作协议")],
    notes="文中只写“高速公路公司”，全称未载明，不作推测。",
)
org("华讯高科", "enterprise", [a("金字生物、华讯高科等成立校企联合研究中心")], notes="文中只写简称，全称未载明。")
SAIKEXING = "内蒙古赛科星繁育生物技术（集团）股份有限公司"
org(
    SAIKEXING,
    "enterprise",
    [b("内蒙古赛科星繁育生"), b("作为国家乳"), a("赛科星集团研究院院长李喜和博士")],
    division=HOHHOT,
    notes="全称见文章二（跨行），文章一只写“赛科星集团”。国家乳业技术创新中心成员单位。",
    aliases=[("赛科星集团", "两篇文章中的简称"), ("赛科星", "文章二中的简称")],
)
LINGXIN = "内蒙古领新科技"
org(
    LINGXIN,
    "enterprise",
    [a("主播郭信宁是呼和浩特市领新科技企业的一名企业科技特派员"), b("内蒙古领新科技企业科技特派员工作站协助企业技术")],
    notes="法定全称两文均未载明：文章一写“呼和浩特市领新科技”，文章二工作站名称中写“内蒙古领新科技”，"
    "此处用文章二的较全写法。专注“政策咨询+科技服务”。",
    aliases=[("领新科技", "文章一中的简称"), ("呼和浩特市领新科技", "文章一的写法")],
)
KEXIN = "内蒙古科信科技创新推广有限公司"
org(
    KEXIN,
    "enterprise",
    [a("内蒙古科信科技创新推广有限公司技术经纪人毕远濛"), b("内蒙古科信科技企业科技特派员工作站指导科信科技公")],
    notes="自治区技术转移服务机构；文章二称“科信科技公司”，其工作站名称写作“内蒙古科信科技”。",
    aliases=[("科信科技公司", "文章二中的写法"), ("内蒙古科信科技", "文章二工作站名称中的写法")],
)
DINGWEN = "内蒙古鼎文科技信息技术有限公司"
org(DINGWEN, "enterprise", [a("内蒙古鼎文科技信息技术有限公司主动找到了她")])
SUOLUNGA = "内蒙古索伦噶信息技术服务有限公司"
org(SUOLUNGA, "enterprise", [a("内蒙古索伦噶信息技术服务有限公司签订了技术开发合同")])
LIBRARY = "内蒙古图书馆"
org(
    LIBRARY,
    "other",
    [a("该项目是为内蒙古图书馆开发的专用图书馆应用平台")],
    division=HOHHOT,
    notes="技术开发合同所开发平台的使用单位。",
)
IMAU, IMUT, IMAAHS = "内蒙古农业大学", "内蒙古工业大学", "内蒙古农牧业科学院"
LEGAL_UNITS = b("牧业科学院建立了法人科技特派员单位")
org(IMAU, "university", [b("我市在内蒙古农业大学、内蒙古工业大学、内蒙古农")], division=HOHHOT)
org(IMUT, "university", [b("我市在内蒙古农业大学、内蒙古工业大学、内蒙古农")], division=HOHHOT)
org(IMAAHS, "institute", [LEGAL_UNITS, b("内蒙古农牧业科学院草莓产业科技特派员付崇毅")], division=HOHHOT)
org(
    "内蒙古百鲜农业有限公司",
    "enterprise",
    [b("通过与内蒙古百鲜农业有限公"), b("司合作开展草莓茎尖组培脱毒苗")],
    notes="名称在原文中跨行。",
)
SHANGMAO = "内蒙古商贸职业学院"
org(
    SHANGMAO,
    "university",
    [b("古商贸职业学院企业科技特派员工作站在现代服务业领域")],
    division=HOHHOT,
    notes="名称在原文中跨行（“内蒙”在上一行末）。",
)
org("蒙牛乳业", "enterprise", [b("蒙牛乳业六期研发大楼")], notes="仅见于文章二图片说明（六期研发大楼），全称未载明。")
MENGCAO = "蒙草集团"
org(
    MENGCAO,
    "enterprise",
    [b("集聚蒙草集团、中科院等47家科研优势突出"), a("蒙草种业中心(百草园)")],
    notes="文中只写简称，全称未载明。国家草业技术创新中心（筹）集聚单位之一。",
)
SCU = "四川大学"
org(SCU, "university", [b("内蒙古圣钒科技新能源有限责任公司与四川大学罗江")], division=SICHUAN)
IMNU = "内蒙古师范大学"
org(IMNU, "university", [b("水研究员团队和内蒙古师范大学李卫教授团队合作共同实")], division=HOHHOT)
SHENGFAN = "内蒙古圣钒科技新能源有限责任公司"
org(SHENGFAN, "enterprise", [b("内蒙古圣钒科技新能源有限责任公司与四川大学罗江")])
YUANHE = "元和药业股份有限公司"
org(YUANHE, "enterprise", [b("元和药业股份有限公司与北京阳光诺和药物研究股份有限公司")])
SUNNOHE = "北京阳光诺和药物研究股份有限公司"
org(SUNNOHE, "enterprise", [b("元和药业股份有限公司与北京阳光诺和药物研究股份有限公司")], division=BEIJING)
ICV = "上海智能网联汽车技术中心有限公司内蒙古分公司"
org(
    ICV,
    "enterprise",
    [b("2022年，上海智能网联汽车技术中心有限公司"), b("内蒙古分公司落地首府")],
    division=HOHHOT,
    notes="2022年在首府设立；以上海交大国家工程实验室的技术为基础，在口岸、商用车无人驾驶、干线物流等场景做示范。"
    "名称在原文中跨行。",
)
DAXI = "内蒙古大溪生物科技有限公司"
org(
    DAXI,
    "enterprise",
    [b("▲内蒙古大"), b("溪生物科技"), b("有限公司总")],
    notes="仅见于文章二图片说明（竖排，逐行断开）。",
)

# ---------------------------------------------------------------- qualifications
add(
    "qualification",
    [a("已获批为自治区科技领军企业")],
    organization=[JINYU],
    kind=["科技领军企业"],
    number="",
    notes="自治区科技领军企业；证书编号与日期文中未载明。",
)

# ---------------------------------------------------------------- talents


def talent(name, employer, cites, **fields):
    add("talent", cites, name=name, employer=[employer] if employer else None, **fields)
    return [name, employer]


LIJIE = talent(
    "李劫",
    JINYU,
    [
        a("研发平台总监李劫博士"),
        a("2022年他选择归国,入职金字保灵"),
        a("李劫博士在实验室内进行mRNA疫苗质控方法开发试验"),
    ],
    degree="doctorate",
    position="研发平台总监",
    previous_affiliation="康奈尔大学",
    introduction_mode="full_time",
    research_fields="兽用生物制品（长效核酸制剂、mRNA疫苗质控）",
    notes="2022年归国入职（文中只有年份，故引进日期留空）。文章一把单位写作“金字保灵生物制品有限公司”，"
    "即金宇保灵（见单位别名）。在美期间已与该企业合作项目。",
)
LIKONGYAN = talent(
    "李孔燕",
    BUREAU,
    [a("市科技局党组书记、局长李孔燕说"), b("科技局党组书记、局长李孔燕表")],
    position="党组书记、局长",
)
LIXIHE = talent(
    "李喜和", SAIKEXING, [a("赛科星集团研究院院长李喜和博士")], degree="doctorate", position="赛科星集团研究院院长"
)
BAOJUNJIE = talent("包俊杰", SAIKEXING, [b("物技术（集团）股份有限公司总经理包俊杰说")], position="总经理")
ACADEMY_NOTE = "所属学部取自公开资料，文中只写“院士”。工作单位文中未载明。"
HUWENRUI = talent(
    "胡文瑞",
    None,
    [a("吸引胡文瑞、张涌、赵鹏大等院士专家团队")],
    academy="cae",
    notes="在呼建立院士专家工作站的院士之一。" + ACADEMY_NOTE,
)
ZHANGYONG = talent(
    "张涌",
    None,
    [a("吸引胡文瑞、张涌、赵鹏大等院士专家团队"), b("孙宝国院士、张涌院士等10位")],
    academy="cae",
    introduction_mode="flexible",
    notes="文章一：在呼建站院士之一；文章二：国家乳业技术创新中心柔性引进的院士之一。" + ACADEMY_NOTE,
)
ZHAOPENGDA = talent(
    "赵鹏大",
    None,
    [a("吸引胡文瑞、张涌、赵鹏大等院士专家团队")],
    academy="cas",
    notes="在呼建立院士专家工作站的院士之一。" + ACADEMY_NOTE,
)
RENFAZHENG = talent(
    "任发政",
    None,
    [b("柔性引进任发政院士、")],
    academy="cae",
    introduction_mode="flexible",
    notes="国家乳业技术创新中心柔性引进的院士。" + ACADEMY_NOTE,
)
SUNBAOGUO = talent(
    "孙宝国",
    None,
    [b("孙宝国院士、张涌院士等10位")],
    academy="cae",
    introduction_mode="flexible",
    notes="国家乳业技术创新中心柔性引进的院士。" + ACADEMY_NOTE,
)
NANZHIBIAO = talent(
    "南志标",
    None,
    [b("吸引了中科院南志标院士")],
    academy="cae",
    notes="国家草业技术创新中心（筹）吸引的院士。文中写“中科院南志标院士”，公开资料为中国工程院院士，"
    "此处学部按公开资料，文中写法保留在引文中。工作单位文中未载明。",
)
CAOXIAOFENG = talent(
    "曹晓凤",
    None,
    [b("晓凤院士等 16位草业领域顶尖科学家")],
    academy="cas",
    notes="文中写“曹晓凤”（跨行），公开资料中该院士名为“曹晓风”，疑为误植，按原文保留未更正。"
    "国家草业技术创新中心（筹）吸引的院士。" + ACADEMY_NOTE,
)
CHENRUNSHENG = talent(
    "陈润生",
    None,
    [b("学院院士陈润生为核心")],
    academy="cas",
    notes="自治区动物疫苗技术创新中心专家委员会核心，中国科学院院士（文中明示）。工作单位文中未载明。",
)
CHENGHAIRONG = talent(
    "程海荣",
    SJTU,
    [a("上海交大生命学院程海荣教授团队")],
    title="教授",
    title_level="full_senior",
    position="生命学院教授",
    research_fields="绿色生物发酵合成",
    notes="文章一写“上海交大生命学院”，应即生命科学技术学院（文章二写法）。",
)
SHENGUOQING = talent(
    "沈国清",
    SJTU,
    [a("上海交大农业生物学院沈国清教授团队"), b("海交通大学农业与生物学院沈国清教授团队联合")],
    title="教授",
    title_level="full_senior",
    position="农业与生物学院教授",
    research_fields="秸秆利用转化、生物炭",
    notes="学院名两文不一：文章一“农业生物学院”，文章二“农业与生物学院”。两种写法均见引文。",
)
YUANWEIEN = talent(
    "袁伟恩",
    SJTU,
    [a("上海交大药学院袁伟恩教授团队")],
    title="教授",
    title_level="full_senior",
    position="药学院教授",
    research_fields="卵母细胞和胚胎冷冻装置",
)
JINZHIJIAN = talent(
    "金之俭",
    SJTU,
    [a("上海交大电信学院金之俭教授团队")],
    title="教授",
    title_level="full_senior",
    position="电信学院教授",
    research_fields="电力二次综合测控",
)
YINCHENGLIANG = talent(
    "殷承良",
    SJTU,
    [b("上海交通大学机械与动力工程学院教授、上海"), b("责人殷承良信心满满地说")],
    title="教授",
    title_level="full_senior",
    position="机械与动力工程学院教授；上海智能网联汽车技术中心有限公司内蒙古分公司负责人",
    research_fields="智能网联汽车",
    notes="同时任分公司负责人，人才记录的工作单位按高校登记。",
)
FENGYAN = talent(
    "冯雁",
    SJTU,
    [b("通大学生命科学技术学院院长冯雁团队")],
    position="生命科学技术学院院长",
    research_fields="动物疫病监测与快检试剂",
)
DONGFANLI = talent("董樊丽", SJTU_IM, [b("上海交通大学内蒙古研究院董樊丽院长表示")], position="院长")
GUOXINNING = talent(
    "郭信宁",
    LINGXIN,
    [a("主播郭信宁是呼和浩特市领新科技企业的一名企业科技特派员")],
    gender="female",
    position="企业科技特派员（“问策”政策直播主播）",
    notes="文中以“她”相称。",
)
BIYUANMENG = talent(
    "毕远濛",
    KEXIN,
    [a("内蒙古科信科技创新推广有限公司技术经纪人毕远濛")],
    gender="female",
    position="技术经纪人",
    notes="文中以“她”相称；2022年获自治区首批技术经纪人服务绩效后补助。",
)
WANGSHENGLI = talent(
    "王胜利",
    None,
    [b("“三区”科技人员王胜利在研发出的")],
    position="“三区”科技人员",
    research_fields="夏季冷凉草莓种植",
    notes="工作单位文中未载明。",
)
FUCHONGYI = talent(
    "付崇毅",
    IMAAHS,
    [b("内蒙古农牧业科学院草莓产业科技特派员付崇毅")],
    position="草莓产业科技特派员",
    research_fields="草莓育种与脱毒苗繁育",
)
LUOJIANGSHUI = talent(
    "罗江水",
    SCU,
    [b("内蒙古圣钒科技新能源有限责任公司与四川大学罗江"), b("水研究员团队和内蒙古师范大学")],
    title="研究员",
    title_level="full_senior",
    research_fields="磷酸铁锂正极材料",
    notes="姓名在原文中跨行（“罗江/水”）。",
)
LIWEI = talent(
    "李卫",
    IMNU,
    [b("内蒙古师范大学李卫教授团队")],
    title="教授",
    title_level="full_senior",
    research_fields="磷酸铁锂正极材料",
)
LUOHENG = talent(
    "罗恒",
    SUNNOHE,
    [b("罗恒教授团队合作")],
    title="教授",
    title_level="full_senior",
    research_fields="药物工艺与药效学",
)
ZHAOJUAN = talent("赵娟", ZHONGFU, [b("司董事长赵娟告诉记者")], position="董事长")
ZHANGYONGMING = talent("张永明", DAXI, [b("经理张永明")], position="总经理", notes="仅见于文章二图片说明。")

# ---------------------------------------------------------------- policies
# Every document, strategy, programme, plan, mechanism, mode, service window and subsidy scheme the
# articles name, each with its kind (Policy.Kind).
DOCUMENT, STRATEGY, PROGRAMME, PLAN = "document", "strategy", "programme", "plan"
MECHANISM, MODE, SERVICE_PLATFORM, SUBSIDY = "mechanism", "mode", "service_platform", "subsidy"


def policy(title, kind, cites, **fields):
    add("policy", cites, title=title, kind=kind, **fields)
    return [title]


POLICY_CITY = policy(
    "呼和浩特市人民政府关于进一步推动科技创新构建区域创新中心的实施意见",
    DOCUMENT,
    [a("呼和浩特市人民政府关于进一步推动"), a("科技创新构建区域创新中心的实施意见")],
    issuer=[CITY],
    notes="文中称“去年以来”连续发布的“硬核”政策之一；文号与日期未载明。",
)
policy(
    "呼和浩特市吸引人才政策10条科技创新领域配套实施细则(试行)",
    DOCUMENT,
    [a("《呼和浩特市吸引人才政策10条科技创新领域配套实施细则(试行)》")],
    notes="发布单位文中只写“我市”，未载明具体机关；文号与日期未载明。文中所述“最高给予1亿元的项目资助”"
    "是对这批政策的概括，未指明出自哪一份文件，故未填资助上限（见指标）。",
)
policy(
    "“1+6”人才政策",
    DOCUMENT,
    [b("我市制定“1+6”人才政策")],
    notes="一套人才政策（一个主文件加六个配套，按名称理解）；各文件名称文中未列出。",
)
policy(
    "科技兴蒙“4+8+N”合作机制",
    MECHANISM,
    [a("在科技兴蒙“4+8+N”合作机制带动下"), b("上海交通大学是“4+8+N”合作主体中的重要一")],
    notes="上海交通大学为合作主体之一。文章一所列市校、市院共建的研究院和创新中心是在此机制带动下共建的（见共建项目）。",
)
policy(
    "“企业出题、科研机构揭榜”攻关机制",
    MECHANISM,
    [a("建立“企业出题、科研机构揭榜”的新型攻关机制"), a("采取“科研项目+人才团队”方式")],
    notes="2023年建立，采取科研项目加人才团队的方式引进创新人才团队。文章二的两个揭榜挂帅项目登记在项目中，"
    "文中未说明它们是否出自这一机制。",
)
policy(
    "与高校院所协同创新机制",
    MECHANISM,
    [a("推动与高校院所构建协同创新机制"), b("合作新路径、协同创新新机制")],
    notes="文章一：市里推动与高校院所构建；文章二：上海交通大学内蒙古研究院院长表示要探索协同创新的新机制。"
    "两处主体不同，合为一条记录，各自见引文。",
)
policy(
    "校地合作机制",
    MECHANISM,
    [b("在校地合作机制推动下")],
    notes="文章二：上海智能网联汽车技术中心内蒙古分公司的业务在这一机制推动下取得进展。",
)
policy(
    "“一心多点”对接承接机制",
    MECHANISM,
    [b("建立区外“一心多点”对接承接机制"), b("我市积极构建“一心多点”人才新格局")],
    notes="与首都对接，经人才交流、异地孵化把北京人才智力资源引到内蒙古。",
)
policy(
    "法人科技特派员单位",
    MECHANISM,
    [b("单兵作战、单一服务的形式，改变为组团作战、全方位服务"), LEGAL_UNITS],
    notes="把特派员一人一岗的服务改为由高校院所整体组团服务；已在三家单位建立（见科技特派员中的法人科技特派员单位）。",
)
policy(
    "“科技型中小企业——高新技术企业——科技领军企业”梯次培育体系",
    MECHANISM,
    [b("构建了“科技型中小企业——高新"), b("技术企业——科技领军企业”梯次培育体系")],
)
policy(
    "国家乳业技术创新中心全产业链协同创新体系",
    MECHANISM,
    [b("构建起全产业链协同创新体系")],
    notes="国家乳业技术创新中心联合成员单位构建；登记用的标题在原文名称前加了中心名。",
)
policy(
    "柔性引才模式",
    MODE,
    [
        a("三大创新策源平台通过柔性引才模式"),
        a("引进高端人才担任领衔专家"),
        b("柔性引进了兰州大学、中国农科院草原所高层次人才"),
    ],
    notes="文章一：国家乳业、国家草业、动物疫苗三家技术创新中心以此模式请高端人才做领衔专家、牵头重大科研任务；"
    "文章二写作“柔性引进”（乳业中心的院士、草业中心的13个人才团队）。",
)
policy(
    "“科研项目+人才团队”引才方式",
    MODE,
    [a("采取“科研项目+人才团队”方式"), a("引进与产业需求适配的“高精尖缺”创新人才团队")],
    notes="文章一写作“方式”；与“企业出题、科研机构揭榜”攻关机制同时提出。",
)
policy(
    "“项目+平台”院士引进依托模式",
    MODE,
    [b("实施重大技术攻关，形成“项目+"), b("平台”的院士引进依托模式")],
    notes="市科技局表示下一步要形成的模式。",
)
policy(
    "“异地研发、驻地招才、本地转化”协同创新模式",
    MODE,
    [b("“异地研发、驻地招才、本地转化”的协同创新模式"), b("实现“研发在首都，转化在呼和浩特”")],
    notes="依托呼和浩特科创中心（北京）：项目在北京孵化、成熟后到本市转化；首府企业可在北京设研发子公司等。",
)
policy(
    "“人才飞地”",
    MODE,
    [b("打造“人才飞地”和产学研用合作交流平台"), b("司、校企共享实验室、专家工作站等“人才飞地”")],
    notes="设在北京的引才用才载体：呼和浩特科创中心（北京）本身（见创新平台），以及首府企业在那里设的研发子公司、"
    "共享实验室和专家工作站。",
)
policy(
    "企业科技特派员创新服务模式",
    MODE,
    [a("这是我市企业科技特派员创新服务模式发挥作用的一个缩影")],
    notes="文章一以领新科技工作站用短视频和直播做政策辅导为例。",
)
policy(
    "技术转移人才培养新模式",
    MODE,
    [a("积极探索技术转移人才培养新模式")],
    notes="市科技局局长所说今后要探索的方向，具体做法文中未写。",
)
policy(
    "创新驱动发展战略",
    STRATEGY,
    [b("我市大力实施创新驱动发展战略"), a("坚持创新驱动本质是人才驱动")],
    notes="文章一从人才角度表述（创新驱动归根到底靠人才），文章二写作战略名称。",
)
policy(
    "创新链、产业链、资金链、人才链一体化部署",
    STRATEGY,
    [a("一体化部署创新链、产业链、资金链、人才链")],
    notes="文章一：四条链统一部署，并统筹平台、项目和资金。",
)
policy(
    "建设区域科技创新中心",
    STRATEGY,
    [
        a("以打造区域科技创新中心为目标"),
        a("加快建设具有全国影响力的区域科技创新中心"),
        b("着力建设全区科技创新中心和人才高地"),
        b("推了我市建设区域科技创新中心的步伐"),
    ],
    notes="目标的说法不一：文章一“区域科技创新中心”“具有全国影响力的区域科技创新中心”，文章二另有“全区科技创新中心”；"
    "《实施意见》标题写“区域创新中心”。均按原文保留，未统一。",
)
policy(
    "以城聚人、以人强产、以产兴城",
    STRATEGY,
    [b("以城聚人 以人强产 以产兴城")],
    notes="文章二的副题，正文中与建设全区科技创新中心和人才高地并提。",
)
policy(
    "科技赋能“六大产业集群”",
    STRATEGY,
    [b("科技赋能“六大产业集群”高质量发展"), a("首府生物医药产业集群的链主企业"), b("生物医药产业是我市传统优势产业")],
    notes="六个集群的名称文中未列出；文章一提到生物医药产业集群（金宇保灵为链主企业），文章二称生物医药为传统优势产业。"
    "集群名称另见产业集群列表。",
)
policy(
    "“碳达峰、碳中和”目标",
    STRATEGY,
    [b("为农业领域实现“碳达峰、碳中和”提供新路径")],
    notes="国家目标；文章二提到中孚明丰的秸秆低碳产品为农业实现这一目标出力。",
)
policy(
    "“四维支撑”布局", STRATEGY, [b("科技人才“四维支撑”布局")], notes="从研发、平台、合作、人才四个方面支撑科技工作。"
)
policy(
    "“五大攻坚行动”",
    PROGRAMME,
    [b("科技成果转化“五大攻坚行动”")],
    notes="五项攻坚：技术攻关、研发投入、创新主体数量翻番、开放合作、成果转化。",
)
policy("“强首府”工程", PROGRAMME, [b("围绕“强首府”工程"), a("我市抢抓“强首府”机遇")])
policy("“科技兴蒙”行动", PROGRAMME, [b("推深做实“科技兴蒙”行动"), b("随着“科技兴蒙”行动不断深入推进")])
policy(
    "院士专家工作站建设",
    PROGRAMME,
    [b("我市积极鼓励企业建立院士专家工作站"), b("全力推进院士专家工作站建设")],
    notes="市里鼓励企业建站并表示下一步全力推进；已建的6家见项目“院士专家团队在呼建立院士专家工作站”。",
)
policy("“千名专家服务基层”活动", PROGRAMME, [b("深化“千名专家服务基层”活动")])
policy("基层人才发展计划", PLAN, [b("实施基层人才发展计划")])
policy(
    "科技综合服务总窗口",
    SERVICE_PLATFORM,
    [a("依托科技综合服务总窗口")],
    notes="市科技局局长所说今后依托的服务窗口。早先的版本把它登记为创新平台，现按服务窗口登记为政策措施。",
)
policy(
    "“蒙科聚”创新平台",
    SERVICE_PLATFORM,
    [a("建好用好“蒙科聚”创新平台")],
    notes="科技服务平台，市里要建好用好；早先的版本把它登记为创新平台，现按服务平台登记为政策措施。",
)
POLICY_TRADE = policy(
    "自治区技术交易后补助",
    SUBSIDY,
    [a("申报了自治区技术交易后补助项目"), a("均获得了自治区技术交易后补助")],
)
POLICY_BROKER = policy(
    "自治区技术经纪人服务绩效后补助",
    SUBSIDY,
    [a("获得自治区首批技术经纪人服务绩效后补助")],
    notes="毕远濛于2022年获首批补助。",
)

# ---------------------------------------------------------------- platforms


def platform(name, kind, cites, **fields):
    for key in ("host",):
        if fields.get(key):
            fields[key] = [fields[key]]
    add("platform", cites, name=name, kind=kind, **fields)
    return name


def member(platform_name, organization, role="member"):
    add("platformmember", platform=[platform_name], organization=[organization], role=role)


def expert(platform_name, person, role, flexible=False):
    add("platformexpert", platform=[platform_name], talent=person, role=role, is_flexible=flexible)


DAIRY = platform(
    "国家乳业技术创新中心",
    "innovation_centre",
    [a("目前,国家乳业技术创新中心汇聚成员单位66家"), b("8月初，国家乳业技术创新中心总"), b("部正式启用")],
    level="national",
    notes="文章二：总部于“8月初”正式启用（年份未写，推断为2023年，故启用日期留空）。"
    "成员单位、院士和专家数两文所报时点不同（66/101家，9/10位院士），均作为指标保留。",
)
member(DAIRY, SAIKEXING)
for person in (RENFAZHENG, SUNBAOGUO, ZHANGYONG):
    expert(DAIRY, person, "academician", flexible=True)
COW = platform(
    "奶牛繁育与养殖技术研究中心",
    "other",
    [b("育与养殖技术研究中心的建设")],
    status="preparing",
    notes="国家乳业技术创新中心下的研究中心；文中称赛科星集团积极参与其建设，是否建成未载明。",
)
member(COW, SAIKEXING, "co_builder")
GRASS = platform(
    "国家草业技术创新中心",
    "innovation_centre",
    [a("国家草业技术创新中心(筹)汇聚共建单位34家"), b("国家草业技术创新中心（筹）目前已经")],
    level="national",
    status="preparing",
    notes="两文均标“（筹）”。共建/集聚单位数两文不同（34家/47家），均作为指标保留。",
)
member(GRASS, MENGCAO)
member(GRASS, CAS)
expert(GRASS, NANZHIBIAO, "academician")
expert(GRASS, CAOXIAOFENG, "academician")
platform(
    "草种业创新联合体",
    "innovation_consortium",
    [b("联合 17家单位共建草种业创新联合体")],
    notes="国家草业技术创新中心（筹）联合17家单位共建。",
)
VACCINE = platform(
    "内蒙古自治区动物疫苗技术创新中心",
    "innovation_centre",
    [a("自治区动物疫苗技术创新中心汇聚共建单位15家"), b("内蒙古自治区动物疫苗技术创新中心组建了")],
    level="region",
    notes="文章一写“动物疫苗技术创新中心”“自治区动物疫苗技术创新中心”，文章二写全称。"
    "依托单位文中未载明。行业专家数两文不同（10位/11位），均作为指标保留。",
)
expert(VACCINE, CHENRUNSHENG, "committee_head")
SJTU_HH = platform(
    "上海交通大学呼和浩特创新中心",
    "innovation_centre",
    [a("共建“上海交通大学呼和浩特创新中心”"), b("我市依托上海交通大学呼和浩特科技创新中心")],
    notes="名称两文不一：文章一“上海交通大学呼和浩特创新中心”，文章二“上海交通大学呼和浩特科技创新中心”。"
    "按文章一登记，文章二写法见引文。市校共建。",
)
member(SJTU_HH, SJTU, "co_builder")
for name, builder, cite in (
    ("内蒙古现代农牧研究院", "中国农业大学", a("中国农业大学共建内蒙古现代农牧研究院")),
    ("内蒙古中农现代种质创新研究院", "中国农业大学", a("和内蒙古中农现代种质创新研究院")),
    ("碳中和与新材料研究院", "中国石油大学(北京)", a("中国石油大学(北京)共建碳中和与新材料研究院")),
):
    platform(name, "new_rd_institution", [cite], notes="科技兴蒙“4+8+N”合作机制下由我市与高校共建。")
    member(name, builder, "co_builder")
platform(
    "北方农牧业技术创新中心",
    "innovation_centre",
    [a("中国农科院共建北方农牧业技术创新中心")],
    notes="科技兴蒙“4+8+N”合作机制下由我市与中国农科院共建。",
)
member("北方农牧业技术创新中心", CAAS, "co_builder")
SJTU_IM_P = platform(
    SJTU_IM,
    "new_rd_institution",
    [a("市校合作共建的新型研发机构"), a("上海交通大学内蒙古研究院依托场地")],
    host=SJTU_IM,
    notes="与孵化企业一起入驻上海交通大学呼和浩特创新中心；获批为自治区级技术转移服务机构，"
    "同时是技术转移人才培训基地和科普教育基地；与国家乳业技术创新中心、金宇（文中“金字生物”）、华讯高科等成立校企联合研究中心。",
)
member(SJTU_IM_P, SJTU, "co_builder")
platform(
    "兽用疫苗国家工程实验室",
    "engineering_laboratory",
    [a("“兽用疫苗国家工程实验室”"), b("金宇兽用疫苗国家工程实验室")],
    level="national",
    host=JINYU,
    notes="文章二图片说明写作“金宇兽用疫苗国家工程实验室”。",
)
platform(
    "国家高级别生物安全实验室(P3实验室)",
    "key_laboratory",
    [a("国家高级别生物安全实验室(P3实验室)")],
    level="national",
    host=JINYU,
)
platform(
    "农业农村部反刍动物生物制品重点实验室",
    "key_laboratory",
    [a("“农业农村部反刍动物生物制品重点实验室”")],
    level="national",
    host=JINYU,
)
platform(
    "秸秆转化利用技术创新联合体",
    "innovation_consortium",
    [a("牵头组建秸秆转化利用技术创新联合体"), b("秆综合利用创新联合体")],
    status="preparing",
    host=ZHONGFU,
    notes="名称两文不一：文章一“秸秆转化利用技术创新联合体”，文章二“秸秆综合利用创新联合体”。"
    "按文章一登记。两文均称中孚明丰正在牵头组建。",
)
platform(
    "呼和浩特科创中心（北京）",
    "talent_enclave",
    [b("以建设呼和浩特科"), b("创中心（北京）为抓手")],
    status="preparing",
    notes="依托北京中关村京蒙高科企业大厦建设的创新创业孵化和高层次人才服务平台（“人才飞地”）；"
    "文中称以建设为抓手，是否建成未载明。",
)
platform("和林格尔人才创新谷", "other", [a("和林格尔人才创新谷")], notes="仅见于文章一图片说明。")
platform("蒙草种业中心(百草园)", "other", [a("蒙草种业中心(百草园)")], host=MENGCAO, notes="仅见于文章一图片说明。")
platform("蒙草种质资源库", "other", [b("蒙草种质资源库一角")], host=MENGCAO, notes="仅见于文章二图片说明。")

# ---------------------------------------------------------------- workstations and commissioners


def workstation(name, host, cites, **fields):
    add("workstation", cites, name=name, kind="enterprise_commissioner", host=[host], **fields)
    return name


WS_LINGXIN = workstation(
    "内蒙古领新科技企业科技特派员工作站",
    LINGXIN,
    [b("内蒙古领新科技企业科技特派员工作站协助企业技术"), a("的企业科技特派员工作站")],
    notes="文章一：定位于政策咨询与科技服务，站内有16名企业科技特派员。",
)
WS_KEXIN = workstation(
    "内蒙古科信科技企业科技特派员工作站", KEXIN, [b("内蒙古科信科技企业科技特派员工作站指导科信科技公")]
)
WS_SHANGMAO = workstation(
    "内蒙古商贸职业学院企业科技特派员工作站", SHANGMAO, [b("古商贸职业学院企业科技特派员工作站在现代服务业领域")]
)
add("workstationmember", workstation=[WS_LINGXIN], talent=GUOXINNING, role="commissioner")


def commissioner(kind, cites, person=None, unit=None, **fields):
    add("commissioner", cites, kind=kind, talent=person, organization=[unit] if unit else None, **fields)
    return [person[0] if person else None, person[1] if person else None, unit, kind]


C_GUO = commissioner(
    "enterprise",
    [a("主播郭信宁是呼和浩特市领新科技企业的一名企业科技特派员")],
    person=GUOXINNING,
    workstation=[WS_LINGXIN],
    service_field="企业政策咨询",
)
C_WANG = commissioner(
    "three_regions",
    [b("“三区”科技人员王胜利在研发出的")],
    person=WANGSHENGLI,
    service_field="夏季冷凉草莓种植",
    service_places="耗赖山乡耗赖山村",
    notes="文中称“三区”科技人员，按此类别登记；所在旗县区文中未载明。",
)
C_FU = commissioner(
    "agricultural", [b("内蒙古农牧业科学院草莓产业科技特派员付崇毅")], person=FUCHONGYI, service_field="草莓产业"
)
for unit in (IMAU, IMUT, IMAAHS):
    commissioner("legal_person", [LEGAL_UNITS], unit=unit, notes="我市在该单位建立的法人科技特派员单位。")


def service(title, kind, cites, **fields):
    add("servicerecord", cites, title=title, kind=kind, **fields)


service(
    "“问策”政策短视频与直播辅导",
    "live_stream",
    [a("在腾讯、抖音平台开展在线辅导"), a("短视频点击量高达5万+"), a("直播间最高达到2000人次观看")],
    commissioner=C_GUO,
    workstation=[WS_LINGXIN],
    place="抖音、腾讯平台",
    outcomes="短视频点击量5万以上，直播单场最高2000人次观看；经政策辅导3家企业获高新技术企业认定，"
    "7家入库科技型中小企业，5家建立研发机构，协助申报科技计划项目7项（见指标）。",
    notes="今年以来（文章一）开展；观众以区内各盟市企业为主。",
)
service(
    "企业政策沙龙培训",
    "policy_briefing",
    [a("曾先后举办400多场企业政策沙龙培训")],
    workstation=[WS_LINGXIN],
    sessions=400,
    notes="原文为“400多场”，场次计数按400记，另有指标记“多”。",
)
service(
    "协助企业技术攻关与需求梳理",
    "joint_rd",
    [b("攻关4项、梳理技术需求6项，协助企业搭建创新平台1个")],
    workstation=[WS_LINGXIN],
    problems_solved=4,
    outcomes="技术攻关4项；技术需求梳理6项；帮助企业建成创新平台1个。",
)
service(
    "知识产权申请服务",
    "ip_service",
    [b("司申请计算机软件著作权4件"), b("识产权100余件")],
    workstation=[WS_KEXIN],
    outcomes="经指导，科信科技公司申请软件著作权4件；为呼和浩特的创新主体办理知识产权申请100余件。",
)
service(
    "研发费用归集指导",
    "rd_bookkeeping",
    [b("指导呼和浩特11家企业开展了研发费用归集")],
    workstation=[WS_KEXIN],
    enterprises_served=11,
)
service(
    "现代服务业、餐饮和服装服饰企业服务",
    "other",
    [b("服务企业达51"), b("饮类企业和服装服饰企业3大类领域开展服务")],
    workstation=[WS_SHANGMAO],
    enterprises_served=51,
    notes="原文“51”与“家”跨行。",
)
service(
    "夏季冷凉草莓示范种植指导",
    "field_guidance",
    [b("户种植夏季冷凉草莓"), b("“适用于四季型草莓生产发育的冷暖型大棚”")],
    commissioner=C_WANG,
    place="耗赖山乡耗赖山村",
    outcomes="在自己研制的四季型冷暖大棚里指导农户种夏季草莓，并带动建成夏季草莓示范基地和草莓育苗基地。",
)
service(
    "草莓新品种选育与脱毒苗三级繁育技术推广",
    "variety_breeding",
    [b("选育出草莓新品种4个"), b("毒苗三级繁育技术体系一套"), b("有效助力了草莓特色产业转型升级")],
    commissioner=C_FU,
    served_organizations=[["内蒙古百鲜农业有限公司"]],
    outcomes="用近10年选出草莓新品种4个，形成一套本土化的茎尖组培脱毒苗三级繁育体系，并与内蒙古百鲜农业有限公司"
    "合作推广；农户每亩少损失死苗800至1200元。",
)

# ---------------------------------------------------------------- technology transfer
add("transferagency", [a("内蒙古自治区技术转移服务机构内蒙古科信")], organization=[KEXIN], level="region")
add("transferagency", [a("已获批自治区技术转移服务机构")], organization=[SJTU_IM], level="region")
add(
    "trainingbase",
    [a("技术转移人才培训基地和科普教育基地")],
    organization=[SJTU_IM],
    level="region",
    notes="原文写“技术转移人才培训基地”，与并列的“自治区技术转移服务机构”同句获批，级别按自治区登记；"
    "市级统计中称“技术转移人才培养基地”。",
)
add(
    "technologybroker",
    [a("内蒙古科信科技创新推广有限公司技术经纪人毕远濛")],
    talent=BIYUANMENG,
    agency=[KEXIN],
    notes="等级、证书编号与发证单位文中未载明。",
)
CONTRACT = "公共文化服务智慧图书馆应用平台"
add(
    "techcontract",
    [a("签订了技术开发合同“公共文化服务智慧图书馆应用平台”"), a("合同最终于2022年9月在呼市进行技术合同认定登记")],
    title=CONTRACT,
    contract_type=["技术开发"],
    buyers=[[DINGWEN]],
    sellers=[[SUOLUNGA]],
    brokers=[list(BIYUANMENG)],
    notes="为内蒙古图书馆开发的专用平台。2022年9月在呼和浩特市完成技术合同认定登记（文中只有年月，"
    "登记日期留空）。文中未明说买卖方：鼎文提出技术需求，故登记为买方，索伦噶为卖方。金额未载明。",
)
add(
    "subsidy",
    [a("申报了自治区技术交易后补助项目"), a("获得了技术交易后补助")],
    title="内蒙古鼎文科技信息技术有限公司2022年自治区技术交易后补助",
    organization=[DINGWEN],
    policy=POLICY_TRADE,
    kind="buyer",
    year=2022,
    contracts=[[CONTRACT, None]],
    notes="金额未载明；按买方后补助登记（见技术合同说明）。",
)
add(
    "subsidy",
    [a("获得自治区首批技术经纪人服务绩效后补助")],
    title="毕远濛2022年自治区首批技术经纪人服务绩效后补助",
    talent=BIYUANMENG,
    policy=POLICY_BROKER,
    kind="broker_performance",
    year=2022,
    notes="金额未载明。",
)

# ---------------------------------------------------------------- projects


def project(title, kind, owner, cites, platform_name=None, **fields):
    """A project; `platform_name` is the platform a co-building project built, or the one it works at."""
    fields["platform"] = [platform_name] if platform_name else None
    add("project", cites, title=title, kind=kind, problem_owner=[owner] if owner else None, **fields)
    return title


def partner(title, organization, person, role):
    organization = [organization] if organization else None
    add("projectpartner", project=[title], organization=organization, talent=person, role=role)


def target(title, metric, value, unit, kind="target", qualifier=""):
    add("projecttarget", project=[title], metric=metric, value=str(value), unit=unit, kind=kind, qualifier=qualifier)


P_SUGAR = project(
    "功能糖醇类产品产业化项目",
    "landing",
    JINHE,
    [
        a("合作实施功能糖醇类产品产业化项目"),
        a("正在筹建10000吨/年的赤藓糖醇生产线"),
        a("计划3至5年内开发2至3个糖醇类产品"),
        a("预期实现产品纯度增幅达10%,产值新增1.8亿元"),
    ],
    field="生物发酵合成",
    notes="文中作为与上海交通大学重点实施的落地项目实例；打算在3到5年里开发2到3个糖醇类新产品。",
)
partner(P_SUGAR, SJTU, CHENGHAIRONG, "lead_scientist")
target(P_SUGAR, "赤藓糖醇生产线产能", 10000, "吨/年")
target(P_SUGAR, "开发糖醇类产品", 2, "个", qualifier="2至3")
target(P_SUGAR, "产品纯度增幅", 10, "%")
target(P_SUGAR, "新增产值", "1.8", "亿元")
P_STRAW = project(
    "玉米秸秆生物炭联合攻关与示范",
    "landing",
    ZHONGFU,
    [
        a("联合攻关2年,已通过秸秆还田、加工生物炭两个技术方案"),
        a("成功研发铁改性玉米秸秆生物炭"),
        b("方案进行攻关和试验示范，成功研发镁铁改性玉米"),
        a("并完成年产10万吨的生物炭基掺混肥生产线1条"),
        b("秸秆生物炭，并完成年产 10万吨的生物炭基掺混"),
    ],
    field="秸秆利用转化",
    notes="项目名为登记用的概括。两文不一：文章一“铁改性玉米秸秆生物炭”，文章二“镁铁改性玉米秸秆生物炭”；"
    "领域文章一写“秸秆利用转化”，文章二写“秸秆综合利用”。均未更正，见引文。已联合攻关2年。",
)
partner(P_STRAW, SJTU, SHENGUOQING, "lead_scientist")
target(P_STRAW, "生物炭基掺混肥生产线", 1, "条", kind="result")
target(P_STRAW, "生物炭基掺混肥年产能", 10, "万吨", kind="result")
P_EMBRYO = project(
    "卵母细胞和胚胎高效冷冻装置研发",
    "landing",
    NIUFANYU,
    [a("合作研发了新型卵母细胞和胚胎高效冷冻装置")],
    field="动物育种",
    status="completed",
    notes="项目名为登记用的概括；文中称已研发出该装置，打破依赖进口的局面。",
)
partner(P_EMBRYO, SJTU, YUANWEIEN, "lead_scientist")
P_GRID = project(
    "全尺寸电力二次综合一体化测控平台",
    "landing",
    AOXIANG,
    [a("全尺寸电力二次综合一体化测控平台"), a("并已在企业转化应用")],
    field="装备制造",
    status="completed",
    notes="定制化开发，文中称已在企业转化应用。",
)
partner(P_GRID, SJTU, JINZHIJIAN, "lead_scientist")
P_LFP = project(
    "“全元素一体化液相法”生产锂离子电池正极材料磷酸铁锂",
    "open_competition",
    SHENGFAN,
    [
        b("施“‘全元素一体化液相法’生产锂离子电池正极材料磷酸铁"),
        b("锂”揭榜挂帅项目"),
        b("预计将建成 1万吨/年生产线示范基"),
        b("地，年产出40亿元，利税超过3亿元。"),
    ],
    field="新能源材料",
    notes="原文书名号内套单引号（‘全元素一体化液相法’），此处标题按内层引号改为双引号。"
    "产能、年产出和利税目标见项目指标。",
)
partner(P_LFP, SCU, LUOJIANGSHUI, "solver")
partner(P_LFP, IMNU, LIWEI, "solver")
target(P_LFP, "生产线示范基地产能", 1, "万吨/年")
target(P_LFP, "年产出", 40, "亿元")
target(P_LFP, "利税", 3, "亿元", qualifier="more_than")
P_DRUG = project(
    "厄贝沙坦氢氯噻嗪胶囊工艺提升及药效学研究",
    "open_competition",
    YUANHE,
    [
        b("效学研究”揭榜挂帅项目"),
        b("罗恒教授团队合作，共同实施“厄贝沙坦氢氯噻嗪胶囊工艺提升及药"),
        b("项目完成后预计实现年产值 3亿"),
        b("元、利润9000万元、利税6000万元，产能指标提升5%。"),
    ],
    field="生物医药",
    notes="解决与原研片剂质量不同、难以通过一致性评价的问题。",
)
partner(P_DRUG, SUNNOHE, LUOHENG, "solver")
target(P_DRUG, "年产值", 3, "亿元")
target(P_DRUG, "利润", 9000, "万元")
target(P_DRUG, "利税", 6000, "万元")
target(P_DRUG, "产能指标提升", 5, "%")
P_LAB = project(
    "动物疫病监测预警与快检试剂中试实验室",
    "landing",
    None,
    [b("通大学生命科学技术学院院长冯雁团队拟在创新"), b("中心落地中试实验室")],
    platform_name=SJTU_HH,
    field="生物医药",
    status="planned",
    notes="项目名为登记用的概括。冯雁团队拟在创新中心落地中试实验室，开展重大动物疫病流调监测与预警；"
    "猪蓝耳病和猪腹泻病快检试剂已研发完成，中试生产线已做完设计规划。出题企业文中未载明。"
    "文中只写“创新中心”，按上下文登记为上海交通大学呼和浩特创新中心。",
)
partner(P_LAB, SJTU, FENGYAN, "lead_scientist")

# Co-built institutes, centres and consortia: each names the platform that came of it.
CO_BUILT_4_8_N = "科技兴蒙“4+8+N”合作机制下由我市与{}共建，共建的机构见创新平台。"
for title, platform_name, builder, cites in (
    (
        "共建上海交通大学呼和浩特创新中心",
        SJTU_HH,
        SJTU,
        [a("我市与上海交通大学共建"), a("共建“上海交通大学呼和浩特创新中心”")],
    ),
    ("共建内蒙古现代农牧研究院", "内蒙古现代农牧研究院", "中国农业大学", [a("中国农业大学共建内蒙古现代农牧研究院")]),
    (
        "共建内蒙古中农现代种质创新研究院",
        "内蒙古中农现代种质创新研究院",
        "中国农业大学",
        [a("中国农业大学共建内蒙古现代农牧研究院"), a("和内蒙古中农现代种质创新研究院")],
    ),
    (
        "共建碳中和与新材料研究院",
        "碳中和与新材料研究院",
        "中国石油大学(北京)",
        [a("中国石油大学(北京)共建碳中和与新材料研究院")],
    ),
    ("共建北方农牧业技术创新中心", "北方农牧业技术创新中心", CAAS, [a("中国农科院共建北方农牧业技术创新中心")]),
):
    project(title, "co_building", None, cites, platform_name=platform_name, notes=CO_BUILT_4_8_N.format(builder))
    partner(title, builder, None, "partner_institution")
P_SJTU_IM = project(
    "市校共建上海交通大学内蒙古研究院",
    "co_building",
    None,
    [a("市校合作共建的新型研发机构"), a("上海交通大学内蒙古研究院依托场地")],
    platform_name=SJTU_IM_P,
    notes="我市与上海交通大学合作共建的新型研发机构；市里提供场地、合作资金和部门对接服务，研究院入驻上海交通大学呼和浩特创新中心。",
)
partner(P_SJTU_IM, SJTU, None, "partner_institution")
P_GRASS = project(
    "共建国家草业技术创新中心",
    "co_building",
    None,
    [a("国家草业技术创新中心(筹)汇聚共建单位34家"), b("集聚蒙草集团、中科院等47家科研优势突出")],
    platform_name=GRASS,
    notes="中心仍在筹建。共建单位数两文不同（34家/47家，文章二称集聚的高校院所和骨干企业），均作为指标保留；"
    "文中点名的两家（蒙草集团、中科院）登记为平台成员单位。",
)
P_VACCINE = project(
    "共建内蒙古自治区动物疫苗技术创新中心",
    "co_building",
    None,
    [a("自治区动物疫苗技术创新中心汇聚共建单位15家")],
    platform_name=VACCINE,
    notes="文章一：15家共建单位（见指标），名称文中未列出。",
)
P_COW = project(
    "奶牛繁育与养殖技术研究中心建设",
    "co_building",
    None,
    [b("赛科星集团积极参与奶牛繁"), b("育与养殖技术研究中心的建设")],
    platform_name=COW,
    notes="国家乳业技术创新中心下的研究中心，赛科星集团作为该中心成员单位参与建设；是否建成未载明。",
)
partner(P_COW, SAIKEXING, None, "partner_institution")
P_SEED_CONSORTIUM = project(
    "共建草种业创新联合体",
    "co_building",
    None,
    [b("联合 17家单位共建草种业创新联合体")],
    platform_name="草种业创新联合体",
    notes="国家草业技术创新中心（筹）牵头，17家单位参加（见指标），名称文中未列出。",
)
P_STRAW_CONSORTIUM = project(
    "组建秸秆转化利用技术创新联合体",
    "co_building",
    ZHONGFU,
    [a("牵头组建秸秆转化利用技术创新联合体"), b("秆综合利用创新联合体")],
    platform_name="秸秆转化利用技术创新联合体",
    notes="中孚明丰牵头，两文均称正在组建；联合体名称两文不一（见创新平台的说明）。",
)
P_BEIJING = project(
    "建设呼和浩特科创中心（北京）",
    "co_building",
    None,
    [b("以建设呼和浩特科"), b("创中心（北京）为抓手"), b("依托北京中关村京蒙高科企业大厦")],
    platform_name="呼和浩特科创中心（北京）",
    notes="我市在北京建设的人才飞地，依托中关村京蒙高科企业大厦，服务“一心多点”对接承接机制；由我市单独建设还是与他方共建，"
    "文中未载明。",
)

# Shanghai Jiao Tong University's Inner Mongolia institute and local enterprises.
SJTU_IM_NOTE = "上海交通大学内蒙古研究院与该企业的合作；合作内容与签订时间文中未载明。"
for company in ("伊利集团", "电力集团", "高速公路公司"):
    title = f"上海交通大学内蒙古研究院与{company}合作协议"
    project(
        title,
        "industry_university",
        company,
        [a("上海交通大学内蒙古研究院与伊利集团、电力集团"), a("电力集团、高速公路公司等签订合作协议")],
        notes=SJTU_IM_NOTE + "原文列举后有“等”，另有未点名的签约企业。",
    )
    partner(title, SJTU_IM, None, "partner_institution")
JOINT_CENTRE = a("与国家乳业技术创新中心、金字生物、华讯高科等成立校企联合研究中心")
for partner_name, owner, platform_name, note in (
    ("国家乳业技术创新中心", None, DAIRY, "合作方是创新平台而非单位，登记在平台栏。"),
    ("金宇保灵", JINYU, None, "原文写“金字生物”，即金宇保灵（见单位别名）。"),
    ("华讯高科", "华讯高科", None, ""),
):
    title = f"上海交通大学内蒙古研究院与{partner_name}校企联合研究中心"
    project(
        title,
        "co_building",
        owner,
        [JOINT_CENTRE],
        platform_name=platform_name,
        status="completed",
        notes="校企联合研究中心已成立，名称文中未载明，标题为登记用的概括。原文列举后有“等”。" + note,
    )
    partner(title, SJTU_IM, None, "partner_institution")
for company in ("电力集团", "伊利集团"):
    title = f"上海交通大学内蒙古研究院为{company}定制化人才培养与非学历教育"
    project(
        title,
        "talent_training",
        company,
        [a("并在电力集团、伊利集团开展定制化人才培养与非学历教育")],
        notes="研究院在企业开展的定制培训和非学历教育；人数与期次文中未载明。",
    )
    partner(title, SJTU_IM, None, "partner_institution")

# Talent introduction.
P_ACADEMICIANS = project(
    "院士专家团队在呼建立院士专家工作站",
    "talent_introduction",
    None,
    [
        a("吸引胡文瑞、张涌、赵鹏大等院士专家团队"),
        a("在呼建立6家院士专家工作站"),
        b("各建站单位对接发展需求和技术难题，向院士专家团队借力、借智"),
    ],
    notes="6家工作站（见指标）的建站单位文中未点名，故未登记为工作站记录；点名的三位院士登记为合作方，"
    "“等”字说明还有其他院士专家团队。市里的推进措施见政策“院士专家工作站建设”。",
)
for person in (HUWENRUI, ZHANGYONG, ZHAOPENGDA):
    partner(P_ACADEMICIANS, None, person, "lead_scientist")
P_GRASS_TEAMS = project(
    "国家草业技术创新中心柔性引进高层次人才团队",
    "talent_introduction",
    None,
    [b("柔性引进了兰州大学、中国农科院草原所高层次人才"), b("团队 13个")],
    platform_name=GRASS,
    notes="13个团队（见指标）来自兰州大学和中国农科院草原所，按柔性引才模式引进。",
)
partner(P_GRASS_TEAMS, "兰州大学", None, "partner_institution")
partner(P_GRASS_TEAMS, "中国农业科学院草原研究所", None, "partner_institution")
P_LIJIE_EARLY = project(
    "李劫在美期间与金宇保灵的项目合作",
    "industry_university",
    JINYU,
    [a("在美国期间就与金字保灵共同开展项目合作")],
    status="completed",
    notes="合作内容文中未载明。李劫2022年归国入职该企业，此前以在美身份合作；“已结束”为据此所作的推断。",
)
partner(P_LIJIE_EARLY, None, LIJIE, "lead_scientist")

# Enterprise and platform R&D.
P_NUCLEIC = project(
    "治疗牛主要致病菌的长效核酸制剂研发",
    "research",
    JINYU,
    [a("带领着团队正加紧研发治疗牛主要致病菌的长效核酸制剂")],
    field="兽用生物制品",
    notes="金宇保灵研发平台团队在研；由研发平台总监李劫带领。",
)
partner(P_NUCLEIC, None, LIJIE, "lead_scientist")
P_MRNA = project(
    "mRNA疫苗质控方法开发",
    "research",
    JINYU,
    [a("李劫博士在实验室内进行mRNA疫苗质控方法开发试验")],
    field="兽用生物制品",
    notes="仅见于文章一图片说明。",
)
partner(P_MRNA, None, LIJIE, "lead_scientist")
P_SEXED_EMBRYO = project(
    "高产奶牛性控胚胎生产技术",
    "research",
    SAIKEXING,
    [b("赛科星高产奶牛性控胚胎生产技术突破了国内体外胚胎生产技术"), b("提升了奶牛生产性能水平和供种能力")],
    field="奶牛繁育",
    status="completed",
    notes="总经理包俊杰介绍：这项技术打破了国内体外胚胎生产的瓶颈。",
)
P_STEM_CELL = project(
    "家畜干细胞诱导研究",
    "research",
    SAIKEXING,
    [b("牵头研究解码了家畜干细胞诱导这一世界级难题")],
    field="奶牛育种与繁殖",
    status="completed",
    notes="赛科星集团牵头；文章二称已取得突破性成果。是否在奶牛繁育与养殖技术研究中心内完成，文中未载明。",
)
P_DAIRY_RD = project(
    "国家乳业技术创新中心乳品加工与奶牛繁育技术攻关",
    "research",
    None,
    [b("已突破多项乳品加工及奶牛繁育等行业技术难题")],
    platform_name=DAIRY,
    field="乳品加工、奶牛繁育",
    notes="中心的协同攻关，具体课题文中未列出；标题为登记用的概括。",
)
P_ASF = project(
    "非洲猪瘟疫苗研发",
    "research",
    None,
    [b("攻克了非洲猪瘟疫苗"), b("申请非洲猪瘟亚单位疫苗应急评价")],
    platform_name=VACCINE,
    field="动物疫苗",
    notes="内蒙古自治区动物疫苗技术创新中心集聚跨学科团队攻关；专利和安全证书等成果见指标，亚单位疫苗已申请应急评价。",
)

# Results roadshow and an enterprise that came to the city.
P_ROADSHOW = project(
    "驻呼高校科技成果路演",
    "roadshow",
    None,
    [
        a("举办驻呼高校科技成果路演"),
        a("向企业推介17项新技术成果"),
        a("已落地11项"),
        a("支持驻呼高校院所新成果新技术优先在呼转化落地"),
    ],
    status="completed",
    notes="2023年工作（文中只有年份）；市里支持驻呼高校院所的新成果优先在本市转化。",
)
target(P_ROADSHOW, "推介新技术成果", 17, "项", kind="result")
target(P_ROADSHOW, "已落地新技术成果", 11, "项", kind="result")
P_ICV = project(
    "上海智能网联汽车技术中心有限公司内蒙古分公司落地首府",
    "enterprise_arrival",
    ICV,
    [
        b("2022年，上海智能网联汽车技术中心有限公司"),
        b("内蒙古分公司落地首府"),
        b("依托上海交通大学国家工程实验室技术基础"),
        b("等领域展开新技术、新产品应用示范"),
    ],
    field="智能网联汽车",
    notes="2022年落地（文中只有年份，开始日期留空）；以上海交大国家工程实验室的技术为基础，在口岸、商用车无人驾驶、"
    "干线物流等场景做示范。负责人殷承良为上海交大教授。",
)
partner(P_ICV, SJTU, YINCHENGLIANG, "lead_scientist")

# Commissioners' demonstration and extension work.
P_SUMMER_STRAWBERRY = project(
    "夏季草莓示范种植基地和草莓苗繁育基地",
    "demonstration",
    None,
    [b("他引导创建的夏季草莓示范种植基地和草莓苗繁育基地"), b("抢占了夏季草莓空档期")],
    field="草莓种植",
    notes="“三区”科技人员王胜利引导创建，在耗赖山乡耗赖山村；所用冷暖型大棚为他研制。指导服务另见服务记录。",
)
partner(P_SUMMER_STRAWBERRY, None, WANGSHENGLI, "lead_scientist")
P_VIRUS_FREE = project(
    "草莓茎尖组培脱毒苗三级繁育技术体系应用推广",
    "demonstration",
    "内蒙古百鲜农业有限公司",
    [b("通过与内蒙古百鲜农业有限公"), b("司合作开展草莓茎尖组培脱毒苗"), b("三级繁育技术体系应用推广")],
    field="草莓种苗",
    notes="付崇毅把自己集成的繁育体系与百鲜农业合作推广，农户每亩少损失死苗（见指标）；选育工作另见服务记录。",
)
partner(P_VIRUS_FREE, IMAAHS, FUCHONGYI, "lead_scientist")
P_DISPATCH = project(
    "每年选派农业科技人才服务武川、清水河",
    "demonstration",
    None,
    [b("我市每年选派 39名农业科技人才"), b("深入武川、清水河两个地区"), b("引进新品种、新技术 25项")],
    field="农业技术推广",
    notes="每年一批，进驻当地企业和农村专业合作社，推广新品种新技术、培养骨干、培训农民；人数和成效见指标。",
)

# ---------------------------------------------------------------- indicators
CITY_SUBJECT = "呼和浩特市"
COMMISSIONERS = "呼和浩特市科技特派员"


def indicator(
    source,
    subject,
    metric,
    value,
    unit,
    excerpt,
    qualifier="",
    year=None,
    scope="",
    computed_as="",
    organization=None,
    platform_name=None,
    notes="",
):
    fields = dict(
        subject=subject,
        metric=metric,
        value=str(value),
        unit=unit,
        qualifier=qualifier,
        as_of_year=year,
        scope=scope,
        source=[source],
        computed_as=computed_as,
        notes=notes,
    )
    if organization:
        fields["organization"] = [organization]
    if platform_name:
        fields["platform"] = [platform_name]
    add("indicator", [(source, excerpt)], **fields)


# Article A: talent highland
indicator(
    A,
    CITY_SUBJECT,
    "开展产学研合作的区内外高校、科研机构",
    100,
    "家",
    "累计与100余家区内外高校、科研机构",
    "about",
    scope="累计",
)
indicator(A, CITY_SUBJECT, "产学研合作项目", 200, "项", "开展产学研合作项目200余项", "about", scope="累计")
indicator(
    A, CITY_SUBJECT, "产学研合作各级财政资金支持", 7, "亿元", "各级财政资金支持7亿多元", "more_than", scope="累计"
)
indicator(
    A,
    CITY_SUBJECT,
    "引进高层次创新创业人才（团队）项目资助",
    1,
    "亿元",
    "最高给予1亿元的项目资助",
    "at_most",
    scope="单个人才（团队）上限",
    notes="对去年以来发布的多项政策的概括，文中未指明出自哪一份文件。",
)
indicator(
    A,
    DAIRY,
    "成员单位",
    66,
    "家",
    "国家乳业技术创新中心汇聚成员单位66家",
    computed_as="platform_members",
    platform_name=DAIRY,
)
indicator(
    A, DAIRY, "院士", 9, "位", "集聚9位院士90多位行业专家", computed_as="platform_academicians", platform_name=DAIRY
)
indicator(
    A,
    DAIRY,
    "行业专家",
    90,
    "位",
    "集聚9位院士90多位行业专家",
    "more_than",
    computed_as="platform_experts",
    platform_name=DAIRY,
)
indicator(
    A,
    GRASS,
    "成员单位",
    34,
    "家",
    "国家草业技术创新中心(筹)汇聚共建单位34家",
    computed_as="platform_members",
    platform_name=GRASS,
    notes="文章一称“共建单位”。",
)
indicator(
    A, GRASS, "院士", 4, "位", "集聚4位院士10余位行业专家", computed_as="platform_academicians", platform_name=GRASS
)
indicator(
    A,
    GRASS,
    "行业专家",
    10,
    "位",
    "集聚4位院士10余位行业专家",
    "about",
    computed_as="platform_experts",
    platform_name=GRASS,
)
indicator(
    A,
    VACCINE,
    "成员单位",
    15,
    "家",
    "自治区动物疫苗技术创新中心汇聚共建单位15家",
    computed_as="platform_members",
    platform_name=VACCINE,
    notes="文章一称“共建单位”。",
)
indicator(
    A, VACCINE, "院士", 1, "位", "集聚1位院士10位行业专家", computed_as="platform_academicians", platform_name=VACCINE
)
indicator(
    A, VACCINE, "行业专家", 10, "位", "集聚1位院士10位行业专家", computed_as="platform_experts", platform_name=VACCINE
)
indicator(
    A, CITY_SUBJECT, "院士专家工作站", 6, "家", "在呼建立6家院士专家工作站", computed_as="academician_workstations"
)
indicator(A, SJTU, "引入技术团队", 20, "个", "引入交大20余个技术团队", "about", organization=SJTU)
indicator(
    A,
    SJTU,
    "与我市重点实施的落地项目",
    15,
    "个",
    "我市已联合上海交通大学重点实施了15个落地项目",
    computed_as="landing_projects",
    organization=SJTU,
)
indicator(A, SJTU_IM, "孵化和引入企业", 39, "家", "并已孵化和引入企业39家", organization=SJTU_IM)
indicator(A, SJTU_IM, "孵化和引入企业中的高新技术企业", 2, "家", "其中高新技术企业2家", organization=SJTU_IM)
indicator(A, SJTU_IM, "孵化和引入企业中的科技型中小企业", 1, "家", "科技型中小企业1家", organization=SJTU_IM)
indicator(A, SJTU_IM, "孵化和引入企业中的规模以上企业", 5, "家", "规模以上企业5家", organization=SJTU_IM)
indicator(A, WS_LINGXIN, "入站企业科技特派员", 16, "名", "站内16名企业科技特派员", organization=LINGXIN)
indicator(
    A,
    WS_LINGXIN,
    "企业政策沙龙培训",
    400,
    "场",
    "曾先后举办400多场企业政策沙龙培训",
    "more_than",
    scope="累计",
    organization=LINGXIN,
)
indicator(A, WS_LINGXIN, "政策短视频点击量", 5, "万次", "短视频点击量高达5万+", "more_than", organization=LINGXIN)
indicator(A, WS_LINGXIN, "单场直播观看", 2000, "人次", "直播间最高达到2000人次观看", "at_most", organization=LINGXIN)
indicator(
    A,
    WS_LINGXIN,
    "经政策辅导获高新技术企业认定的企业",
    3,
    "家",
    "已有3家企业成功获得高新技术企业认定",
    organization=LINGXIN,
)
indicator(A, WS_LINGXIN, "经政策辅导入库科技型中小企业", 7, "家", "7家企业入库科技型中小企业", organization=LINGXIN)
indicator(A, WS_LINGXIN, "经政策辅导建立研发机构的企业", 5, "家", "5家企业建立了研发机构", organization=LINGXIN)
indicator(A, WS_LINGXIN, "协助企业申报科技计划项目", 7, "项", "协助企业成功申报科技计划项目7项", organization=LINGXIN)
indicator(
    A,
    CITY_SUBJECT,
    "高校资源占全区比重",
    70,
    "%",
    "用好首府70%的高校资源",
    scope="首府在全区中",
    notes="文中说法为首府拥有的高校资源比重，“占全区”为对语境的理解。",
)
indicator(A, CITY_SUBJECT, "科研院所资源占全区比重", 40, "%", "40%的科研院所资源", scope="首府在全区中", notes="同上。")
indicator(
    A, CITY_SUBJECT, "支持企业联合高校院所设立的研发中心、企业重点实验室", 30, "家", "企业重点实验室30家", year=2023
)
indicator(A, CITY_SUBJECT, "驻呼高校科技成果路演推介新技术成果", 17, "项", "向企业推介17项新技术成果", year=2023)
indicator(A, CITY_SUBJECT, "路演推介新技术成果已落地", 11, "项", "已落地11项", year=2023)
indicator(
    A,
    COMMISSIONERS,
    "从驻呼高校院所聘请的科技特派员",
    315,
    "名",
    "从驻呼高校院所聘请科技特派员315名",
    computed_as="commissioners",
)
indicator(A, COMMISSIONERS, "农业特派团", 13, "个", "组建农业特派团13个", computed_as="commissioner_teams")
indicator(
    A,
    CITY_SUBJECT,
    "企业科技特派员工作站",
    5,
    "个",
    "企业科技特派员站5个",
    computed_as="enterprise_commissioner_workstations",
    notes="文章一写“企业科技特派员站5个”；文章二另报24家。",
)
indicator(A, COMMISSIONERS, "服务企业", 800, "家", "服务企业800家")
indicator(
    A,
    CITY_SUBJECT,
    "自治区级技术转移服务机构",
    23,
    "家",
    "共培育自治区级技术转移服务机构23家",
    scope="累计培育",
    computed_as="transfer_agencies",
)
indicator(
    A,
    CITY_SUBJECT,
    "技术转移人才培养基地",
    4,
    "家",
    "技术转移人才培养基地4家",
    scope="累计培育",
    computed_as="training_bases",
)
indicator(
    A, CITY_SUBJECT, "技术经纪人", 900, "名", "培养技术经纪人近900名", "nearly", scope="累计培养", computed_as="brokers"
)
indicator(
    A,
    "毕远濛",
    "促成技术开发、技术服务合同金额",
    500,
    "万元",
    "合同金额达500余万元",
    "about",
    year=2022,
    organization=KEXIN,
)
indicator(
    A,
    "毕远濛",
    "促成合同的受益企业",
    10,
    "家",
    "受益企业十余家",
    "about",
    year=2022,
    organization=KEXIN,
    notes="原文“十余家”，均获得自治区技术交易后补助。",
)
indicator(
    A,
    JINYU,
    "国家级实验室",
    3,
    "个",
    "三大国家级实验室的民营企业",
    organization=JINYU,
    notes="兽用疫苗国家工程实验室、P3实验室、农业农村部反刍动物生物制品重点实验室。",
)

# Article B: innovation empowers industry (incl. the grassroots commissioner column at its start)
indicator(B, COMMISSIONERS, "培养农村科技人才", 1300, "名", "农村科技人才1300余名", "about", scope="近年来，累计")
indicator(B, COMMISSIONERS, "带动就业", 4, "万人", "带动4万多人就业", "more_than", scope="近年来")
indicator(
    B,
    CITY_SUBJECT,
    "获备案的科技特派员专家工作站",
    6,
    "家",
    "6家科技特派员专",
    computed_as="commissioner_expert_workstations",
)
indicator(B, CITY_SUBJECT, "自治区优秀科技特派员工作站", 4, "家", "4家科技特派员工作站被评定为自治区优")
indicator(
    B,
    COMMISSIONERS,
    "大规模实用技术培训班",
    40,
    "期",
    "9个旗县区共组织40多期大规模实用技",
    "more_than",
    scope="9个旗县区",
)
indicator(B, COMMISSIONERS, "实用技术培训人数", 2000, "人", "术培训班，培训2000余人", "about", scope="9个旗县区")
indicator(B, COMMISSIONERS, "小型现场技术指导", 4000, "场次", "通过科技特派员开展了4000多场次", "more_than")
indicator(B, COMMISSIONERS, "受益农民", 3, "万人次", "受益农民达3万多人次", "more_than")
DISPATCH = "武川、清水河两个地区"
indicator(B, "每年选派的农业科技人才", "人数", 39, "名", "我市每年选派 39名农业科技人才", scope=DISPATCH)
indicator(B, "每年选派的农业科技人才", "其中博士", 13, "人", "（其中博士 13", scope=DISPATCH)
indicator(B, "每年选派的农业科技人才", "其中硕士", 9, "人", "人、硕士 9人", scope=DISPATCH)
indicator(B, "每年选派的农业科技人才", "其中高级职称", 34, "人", "高级职称 34人", scope=DISPATCH)
indicator(
    B,
    "每年选派的农业科技人才",
    "进驻服务的企业、农村专业合作社",
    36,
    "个",
    "驻服务36个企业、农村专业合作社",
    scope=DISPATCH,
)
indicator(
    B,
    "每年选派的农业科技人才",
    "覆盖乡镇",
    11,
    "个",
    "覆盖11个乡镇",
    scope=DISPATCH,
    notes="原文“覆盖11”与“个乡镇”跨行。",
)
indicator(B, "每年选派的农业科技人才", "覆盖村", 57, "个", "个乡镇、57个村", scope=DISPATCH)
indicator(B, "每年选派的农业科技人才", "引进新品种、新技术", 25, "项", "引进新品种、新技术 25项", scope=DISPATCH)
indicator(B, "每年选派的农业科技人才", "培养技术骨干", 92, "人", "培养技术骨干 92", scope=DISPATCH)
indicator(B, "每年选派的农业科技人才", "培训农民", 800, "人次", "培训农民800人次", scope=DISPATCH)
indicator(B, "付崇毅", "选育草莓新品种", 4, "个", "选育出草莓新品种4个", organization=IMAAHS)
indicator(
    B,
    "付崇毅",
    "农户每亩减少死苗损失",
    800,
    "元",
    "每亩减少了死苗损失800至1200元",
    "at_least",
    scope="每亩，区间800至1200元",
    organization=IMAAHS,
    notes="原文为区间800至1200元，此处记下限。",
)
indicator(B, WS_KEXIN, "指导申请计算机软件著作权", 4, "件", "司申请计算机软件著作权4件", organization=KEXIN)
indicator(B, WS_KEXIN, "服务创新主体申请知识产权", 100, "件", "识产权100余件", "about", organization=KEXIN)
indicator(
    B, WS_KEXIN, "指导开展研发费用归集的企业", 11, "家", "指导呼和浩特11家企业开展了研发费用归集", organization=KEXIN
)
indicator(B, WS_LINGXIN, "协助企业技术攻关", 4, "项", "协助企业技术", organization=LINGXIN)
indicator(B, WS_LINGXIN, "梳理技术需求", 6, "项", "梳理技术需求6项", organization=LINGXIN)
indicator(B, WS_LINGXIN, "协助企业搭建创新平台", 1, "个", "协助企业搭建创新平台1个", organization=LINGXIN)
indicator(B, WS_SHANGMAO, "服务企业", 51, "家", "服务企业达51", organization=SHANGMAO)
indicator(
    B,
    CITY_SUBJECT,
    "企业科技特派员工作站",
    24,
    "家",
    "我市共有 24家企业科技特派员工作站",
    computed_as="enterprise_commissioner_workstations",
    notes="数量居全区之首；文章一另报5个。",
)
indicator(
    B, COMMISSIONERS, "入站企业科技特派员", 537, "人", "入站企业科技特派员537人", computed_as="enterprise_commissioners"
)
indicator(B, COMMISSIONERS, "企业科技特派员累计服务企业", 1365, "家", "累计服务企业1365家", "cumulative")
indicator(B, COMMISSIONERS, "累计服务企业中的规模以上工业企业", 243, "家", "规模以上工业企业243家", "cumulative")
indicator(B, COMMISSIONERS, "累计服务企业中的高新技术企业", 572, "家", "高新技术企业572家", "cumulative")
indicator(B, COMMISSIONERS, "累计服务企业中的科技型中小企业", 571, "家", "中小企业571家", "cumulative")
indicator(B, COMMISSIONERS, "惠企政策宣讲服务企业", 2062, "家", "累计惠企政策宣讲服务企业2062家", "cumulative")
indicator(
    B,
    DAIRY,
    "院士",
    10,
    "位",
    "孙宝国院士、张涌院士等10位",
    computed_as="platform_academicians",
    platform_name=DAIRY,
    notes="文中为“两院”院士。",
)
indicator(
    B,
    DAIRY,
    "行业专家",
    100,
    "位",
    "和100多位行业专家",
    "more_than",
    computed_as="platform_experts",
    platform_name=DAIRY,
)
indicator(B, DAIRY, "成员单位", 101, "家", "纳101家成员单位", computed_as="platform_members", platform_name=DAIRY)
indicator(
    B,
    GRASS,
    "成员单位",
    47,
    "家",
    "集聚蒙草集团、中科院等47家科研优势突出",
    computed_as="platform_members",
    platform_name=GRASS,
    notes="文章二称集聚的高校院所和骨干企业。",
)
indicator(
    B,
    GRASS,
    "草业领域顶尖科学家",
    16,
    "位",
    "晓凤院士等 16位草业领域顶尖科学家",
    computed_as="platform_experts",
    platform_name=GRASS,
    notes="经理事会和专家委员会吸引，含院士。",
)
indicator(B, GRASS, "柔性引进高层次人才团队", 13, "个", "团队 13个", platform_name=GRASS)
indicator(B, GRASS, "共建草种业创新联合体的单位", 17, "家", "联合 17家单位共建草种业创新联合体", platform_name=GRASS)
indicator(
    B,
    GRASS,
    "预计吸纳科研人员",
    500,
    "名",
    "500名以上科研人员在该中",
    "at_least",
    platform_name=GRASS,
    notes="预计今年直接或间接吸纳。",
)
indicator(
    B,
    VACCINE,
    "行业专家",
    11,
    "位",
    "11位行业专家组成的专家委员会",
    computed_as="platform_experts",
    platform_name=VACCINE,
    notes="专家委员会以陈润生院士为核心。",
)
indicator(B, VACCINE, "授权核心专利", 1, "项", "授权核心专利1项", platform_name=VACCINE)
indicator(B, VACCINE, "申请受理国际专利", 1, "项", "申请受理国际专利1项", platform_name=VACCINE)
indicator(
    B,
    VACCINE,
    "受理国家发明专利",
    2,
    "项",
    "受理国家发明专",
    platform_name=VACCINE,
    notes="原文“受理国家发明专/利2项”跨行。",
)
indicator(B, VACCINE, "转基因生物安全证书", 1, "项", "获得转基因生物安全证书1项", platform_name=VACCINE)
indicator(B, CITY_SUBJECT, "自治区科技领军企业", 5, "家", "共有5家企业获批自治区", computed_as="leading_enterprises")
indicator(
    B,
    CITY_SUBJECT,
    "高新技术企业",
    465,
    "家",
    "呼和浩特市高新技术企业达到465家",
    year=2022,
    computed_as="high_tech_enterprises",
)
indicator(
    B, CITY_SUBJECT, "入库科技型中小企业", 413, "家", "科技型中小企业达到413家", year=2022, computed_as="tech_smes"
)
indicator(
    B,
    SJTU,
    "引入技术团队",
    20,
    "个",
    "引入上海交通大学20余个技术",
    "about",
    organization=SJTU,
    notes="文章二称“技术研究团队”。",
)
indicator(
    B,
    SJTU,
    "与我市重点实施的落地项目",
    15,
    "个",
    "已联合上海交通大学重点实施了15个落地项目",
    computed_as="landing_projects",
    organization=SJTU,
)


# ---------------------------------------------------------------- output and checks
def squeeze(text):
    return re.sub(r"\s+", "", text)


def locate(text, excerpt):
    """Line number (1-based) where the excerpt starts, matching without whitespace."""
    flat, lines = [], []
    for number, line in enumerate(text.splitlines(), 1):
        for char in line:
            if not char.isspace():
                flat.append(char)
                lines.append(number)
    position = "".join(flat).find(squeeze(excerpt))
    return None if position < 0 else lines[position]


def citation_records():
    texts = {key: (SEEDS / name).read_text(encoding="utf-8") for key, name in SEED_FILES.items()}
    errors, out = [], []
    for source, excerpt in citations:
        line = locate(texts[source], excerpt)
        if line is None:
            errors.append(f"{source}: not found: {excerpt}")
        if len(squeeze(excerpt)) > MAX_EXCERPT:
            errors.append(f"{source}: longer than {MAX_EXCERPT}: {excerpt}")
        out.append(
            {
                "model": "registry.citation",
                "fields": {
                    "created_at": STAMP,
                    "updated_at": STAMP,
                    "source": [source],
                    "excerpt": excerpt,
                    "location": f"第{line}行" if line else "",
                },
            }
        )
    if errors:
        sys.exit("\n".join(errors))
    return out


def compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def format_value(value):
    """Natural keys stay on one line; a list of them (citations, M2M) gets one line each."""
    if isinstance(value, list) and value and all(isinstance(item, list) for item in value):
        return "[\n" + ",\n".join(f"      {compact(item)}" for item in value) + "\n    ]"
    return compact(value)


def format_record(record):
    fields = ",\n".join(f"    {compact(name)}: {format_value(value)}" for name, value in record["fields"].items())
    return f'{{\n  "model": {compact(record["model"])},\n  "fields": {{\n{fields}\n  }}\n}}'


def render():
    records["citation"] = citation_records()
    ordered = [record for model in MODEL_ORDER for record in records[model]]
    return "[\n" + ",\n".join(format_record(record) for record in ordered) + "\n]\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the fixture is up to date")
    args = parser.parse_args()
    text = render()
    if args.check:
        sys.exit(0 if OUTPUT.read_text(encoding="utf-8") == text else f"{OUTPUT} is stale; rebuild it")
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT} ({len(json.loads(text))} records)")


if __name__ == "__main__":
    main()
