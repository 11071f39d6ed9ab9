"""Fill the database with many realistic, synthetic records to try the admin at scale.

    python manage.py seed_scale --talents 1000000 --contracts 200000 --seed 1

The same seed on an empty database gives the same rows. Records are added to what is there (a name
already taken gets a branch number such as （2）, registration numbers continue after the existing
contracts); use it on a throwaway database. Inserts go in batches: PostgreSQL COPY, elsewhere
bulk_create, all in one transaction. Pinyin sort keys and the stored districts
(registry/districts.py) are filled in either way.

No simple-history rows are written for seeded records: the data is synthetic, a history row per
record would double the size and the time, and bulk inserts send no signals anyway. Editing a
seeded record in the admin starts its history as usual.
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from registry import pinyin
from registry.models import (
    Commissioner,
    ContractType,
    DevelopmentZone,
    Division,
    IndustryCluster,
    Organization,
    Platform,
    Reviewed,
    ReviewStatus,
    Talent,
    TalentTier,
    TechContract,
    TechContractDistrict,
)

# Common surnames, most frequent first (weights fall with the rank).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏"
    "钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文云包乌"
)
GIVEN_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏辉建文玲斌宇浩凯健俊帆帅旭宁龙林欣佳雪婷倩晨阳海峰波鑫博"
    "志国东瑞琳颖慧莉丹梅兰凤晶琴云飞亮成荣新春光德清永胜利鸿雅琪思远航毅晓嘉睿泽轩楠昊然子涵梓萱诗雨若彤昕悦嘉怡"
)
# Mongolian names written in Chinese characters, common in Hohhot.
MONGOLIAN_NAMES = (
    "巴特尔",
    "其其格",
    "乌云",
    "斯琴",
    "额尔敦",
    "苏日娜",
    "那仁",
    "阿拉坦",
    "图雅",
    "宝音",
    "巴雅尔",
    "萨仁",
    "格日勒",
    "朝鲁",
    "乌兰",
    "敖登",
    "哈斯",
    "达来",
    "孟和",
    "塔娜",
)
ORGANIZATION_PREFIXES = ("内蒙古", "呼和浩特市", "呼和浩特", "内蒙古自治区")
ORGANIZATION_WORDS = (
    "草原",
    "青城",
    "北疆",
    "蒙中",
    "金山",
    "盛乐",
    "大青山",
    "敕勒川",
    "昭君",
    "伊利",
    "蒙牛",
    "北辰",
    "天骄",
    "华达",
    "恒信",
    "瑞丰",
    "鸿源",
    "众合",
    "同创",
    "新元",
    "中科",
    "博睿",
    "智联",
    "长城",
    "阴山",
    "黄河",
    "云中",
    "塞北",
    "银河",
    "远景",
    "东方",
    "弘毅",
    "正泰",
    "嘉禾",
    "丰泽",
    "万通",
    "凯达",
    "德润",
    "晨光",
    "星辰",
)
INDUSTRIES = (
    "乳业",
    "稀土",
    "新能源",
    "生物",
    "信息",
    "新材料",
    "光伏",
    "装备",
    "农牧",
    "医药",
    "环保",
    "云计算",
    "电子",
    "化工",
    "食品",
    "种业",
    "氢能",
    "数据",
    "节能",
    "检测",
)
ENTERPRISE_SUFFIXES = ("科技有限公司", "技术有限公司", "股份有限公司", "有限责任公司", "科技发展有限公司")
INSTITUTE_SUFFIXES = ("研究院", "研究所", "技术中心")
UNIVERSITIES = (
    "内蒙古大学",
    "内蒙古工业大学",
    "内蒙古农业大学",
    "内蒙古师范大学",
    "内蒙古医科大学",
    "内蒙古财经大学",
    "呼和浩特民族学院",
    "内蒙古建筑职业技术学院",
    "呼和浩特职业学院",
    "内蒙古电子信息职业技术学院",
)
RESEARCH_FIELDS = (
    "乳品加工",
    "稀土功能材料",
    "风光储一体化",
    "生物发酵",
    "大数据",
    "人工智能",
    "草原生态",
    "马铃薯育种",
    "奶牛育种",
    "中蒙医药",
    "节能环保",
    "煤化工",
    "氢能储运",
    "智能制造",
    "农畜产品检测",
    "种业创新",
)
POSITIONS = ("研究员", "高级工程师", "工程师", "教授", "副教授", "总工程师", "技术总监", "主任", "博士后", "")
CONTRACT_SUBJECTS = (
    "乳酸菌发酵",
    "稀土永磁",
    "光伏组件",
    "储能系统",
    "马铃薯脱毒种薯",
    "牧草种植",
    "奶牛精准饲喂",
    "数据中心节能",
    "智能巡检",
    "污水处理",
    "土壤改良",
    "蒙药制剂",
    "氢燃料电池",
    "农机装备",
    "冷链物流",
    "碳纤维",
)
CONTRACT_ACTIONS = ("关键技术开发", "工艺优化", "技术转让", "专利实施许可", "技术咨询", "技术服务", "成果转化", "中试")
FIRST_DAY = datetime.date(2015, 1, 1)
DAYS = (datetime.date(2025, 12, 31) - FIRST_DAY).days


class Command(BaseCommand):
    help = "Fill the database with many synthetic talents, organizations and contracts (deterministic)."

    def add_arguments(self, parser):
        parser.add_argument("--talents", type=int, default=1000)
        parser.add_argument("--contracts", type=int, default=200)
        parser.add_argument(
            "--organizations", type=int, default=None, help="default: one per 300 talents, at least 50, at most 3000"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **options):
        organizations = options["organizations"]
        if organizations is None:
            organizations = min(3000, max(50, options["talents"] // 300))
        if min(options["talents"], options["contracts"]) < 0 or organizations < 1 or options["batch_size"] < 1:
            raise CommandError(
                "数量不能为负数, --organizations 和 --batch-size 至少为 1 "
                "(counts must not be negative; organizations and batch size must be at least 1)."
            )
        started = time.monotonic()
        seeder = Seeder(options["seed"], options["batch_size"], self.stdout)
        with transaction.atomic():
            seeder.run(organizations, options["talents"], options["contracts"])
        seeder.analyze()
        self.stdout.write(f"seed_scale: done in {time.monotonic() - started:.1f} s")


class Seeder:
    """Generates and inserts the records; one random stream per kind of record."""

    def __init__(self, seed: int, batch_size: int, stdout):
        self.seed = seed
        self.writer = BulkWriter(batch_size)
        self.stdout = stdout

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{kind}")  # noqa: S311 - reproducible test data, not secrets

    def run(self, organizations: int, talents: int, contracts: int):
        org_ids = self.timed("organizations", self.organizations, organizations)
        talent_ids = self.timed("talents", self.talents, talents, org_ids)
        self.timed("contracts", self.contracts, contracts, org_ids)
        self.timed(
            "commissioners", self.commissioners, min(len(talent_ids), max(20, talents // 2000)), talent_ids, org_ids
        )
        self.timed("platforms", self.platforms, min(len(org_ids), max(10, organizations // 30)), org_ids)

    def timed(self, label, step, count, *args):
        started = time.monotonic()
        ids = step(count, *args)
        self.stdout.write(f"seed_scale: {count} {label} in {time.monotonic() - started:.1f} s")
        return ids

    def organizations(self, count: int) -> list[int]:
        rng = self.rng("organizations")
        divisions = list(Division.objects.filter(in_hohhot=True).order_by("pk").values_list("pk", flat=True))
        zones = list(DevelopmentZone.objects.order_by("pk").values_list("pk", flat=True))
        clusters = list(IndustryCluster.objects.order_by("pk").values_list("pk", flat=True))
        taken = set(Organization.objects.values_list("name", flat=True))
        rows = [organization_row(rng, number, taken, divisions, zones, clusters) for number in range(count)]
        return self.writer.insert(Organization, ORGANIZATION_FIELDS, rows)

    def talents(self, count: int, org_ids: list[int]) -> list[int]:
        rng = self.rng("talents")
        tiers = list(TalentTier.objects.order_by("pk").values_list("pk", flat=True))
        # Bulk inserts send no signals: each talent gets its employer's districts (registry/districts.py).
        places = organization_districts(org_ids)
        employer = TALENT_FIELDS.index("employer_id")
        rows = (
            (*row, *places.get(row[employer], (None, None)))
            for row in (talent_row(rng, org_ids, tiers) for _ in range(count))
        )
        return self.writer.insert(Talent, (*TALENT_FIELDS, "scope_division_id", "scope_zone_id"), rows)

    def contracts(self, count: int, org_ids: list[int]) -> list[int]:
        rng = self.rng("contracts")
        types = list(ContractType.objects.order_by("pk").values_list("pk", flat=True))
        registrars = org_ids[:5]
        # Registration numbers continue after the contracts already there, so they stay unique.
        first = TechContract.objects.count()
        rows = [contract_row(rng, first + number, self.seed, types, registrars) for number in range(count)]
        contract_ids = self.writer.insert(TechContract, CONTRACT_FIELDS, rows)
        buyers: list[tuple[int, int]] = []
        sellers: list[tuple[int, int]] = []
        for contract_id in contract_ids:
            parties = rng.sample(org_ids, min(len(org_ids), 3))
            sellers.append((contract_id, parties[0]))
            buyers.extend((contract_id, org_id) for org_id in parties[1 : 1 + rng.choice((1, 1, 1, 2))])
        self.writer.insert(TechContract.sellers.through, ("techcontract_id", "organization_id"), sellers)
        self.writer.insert(TechContract.buyers.through, ("techcontract_id", "organization_id"), buyers)
        places = organization_districts(org_ids)
        pairs = {(c, *places[o]) for c, o in [*sellers, *buyers] if places.get(o, (None, None)) != (None, None)}
        ordered = sorted(pairs, key=lambda pair: (pair[0], pair[1] or 0, pair[2] or 0))
        signed = dict(zip(contract_ids, (row[CONTRACT_FIELDS.index("signed_on")] for row in rows)))
        self.writer.insert(
            TechContractDistrict,
            ("contract_id", "division_id", "zone_id", "signed_on"),
            [(*pair, signed[pair[0]]) for pair in ordered],
        )
        return contract_ids

    def commissioners(self, count: int, talent_ids: list[int], org_ids: list[int]) -> list[int]:
        rng = self.rng("commissioners")
        kinds = (Commissioner.Kind.AGRICULTURAL, Commissioner.Kind.ENTERPRISE, Commissioner.Kind.THREE_REGIONS)
        rows = []
        for talent_id in rng.sample(talent_ids, count):
            start = random_day(rng)
            rows.append(
                (
                    talent_id,
                    rng.choice(kinds),
                    rng.choice(org_ids),
                    start,
                    start + datetime.timedelta(days=3 * 365),
                    rng.choice(RESEARCH_FIELDS),
                )
            )
        return self.writer.insert(Commissioner, COMMISSIONER_FIELDS, rows)

    def platforms(self, count: int, org_ids: list[int]) -> list[int]:
        rng = self.rng("platforms")
        kinds = [choice for choice, _ in Platform.Kind.choices]
        taken = set(Platform.objects.values_list("name", flat=True))
        rows = []
        for _ in range(count):
            name = f"呼和浩特市{rng.choice(RESEARCH_FIELDS)}{rng.choice(('创新中心', '重点实验室', '工程研究中心'))}"
            rows.append((unique_name(name, taken), rng.choice(kinds), rng.choice(org_ids), random_day(rng)))
        return self.writer.insert(Platform, PLATFORM_FIELDS, rows)

    def analyze(self):
        """Refresh the planner's statistics (estimated counts and index choice depend on them)."""
        if connection.vendor != "postgresql":
            return
        tables = [model._meta.db_table for model in (Organization, Talent, TechContract, Commissioner, Platform)]
        tables += [TechContract.buyers.through._meta.db_table, TechContract.sellers.through._meta.db_table]
        tables.append(TechContractDistrict._meta.db_table)
        # VACUUM also sets the visibility map for index-only scans; it cannot run in a transaction.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {', '.join(connection.ops.quote_name(t) for t in tables)}")


ORGANIZATION_FIELDS = ("name", "kind", "division_id", "zone_id", "cluster_id")
TALENT_FIELDS = (
    "name",
    "gender",
    "degree",
    "title_level",
    "employer_id",
    "position",
    "research_fields",
    "tier_id",
    "introduction_mode",
    "introduced_on",
    "is_retired",
    "nationality",
)
CONTRACT_FIELDS = (
    "registration_number",
    "title",
    "contract_type_id",
    "contract_amount",
    "transaction_amount",
    "signed_on",
    "registered_on",
    "registrar_id",
)
COMMISSIONER_FIELDS = ("talent_id", "kind", "dispatching_unit_id", "term_start", "term_end", "service_field")
PLATFORM_FIELDS = ("name", "kind", "host_id", "opened_on")


def pick_or_none(rng: random.Random, values: list, share: float):
    """One of `values` for about `share` of the calls, else None."""
    return rng.choice(values) if values and rng.random() < share else None


def unique_name(name: str, taken: set[str]) -> str:
    """`name`, or with a number (2), (3), ... when taken, as branch offices are named; then taken."""
    unique, number = name, 1
    while unique in taken:
        number += 1
        unique = f"{name}（{number}）"
    taken.add(unique)
    return unique


def random_day(rng: random.Random) -> datetime.date:
    return FIRST_DAY + datetime.timedelta(days=rng.randrange(DAYS))


def chinese_name(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return rng.choice(MONGOLIAN_NAMES)
    # Frequent surnames first: squaring the uniform draw favours low ranks.
    surname = SURNAMES[int(len(SURNAMES) * rng.random() ** 2)]
    length = 1 if rng.random() < 0.3 else 2
    return surname + "".join(rng.choice(GIVEN_CHARACTERS) for _ in range(length))


def organization_row(rng, number, taken, divisions, zones, clusters):
    draw = rng.random()
    if number < len(UNIVERSITIES):
        name, kind = UNIVERSITIES[number], Organization.Kind.UNIVERSITY
    elif draw < 0.1:
        name, kind = (
            f"{rng.choice(ORGANIZATION_PREFIXES)}{rng.choice(INDUSTRIES)}{rng.choice(INSTITUTE_SUFFIXES)}",
            Organization.Kind.INSTITUTE,
        )
    elif draw < 0.15:
        name, kind = f"呼和浩特市{rng.choice(INDUSTRIES)}产业协会", Organization.Kind.ASSOCIATION
    else:
        words = "".join(rng.sample(ORGANIZATION_WORDS, 2))
        name = f"{rng.choice(ORGANIZATION_PREFIXES)}{words}{rng.choice(INDUSTRIES)}{rng.choice(ENTERPRISE_SUFFIXES)}"
        kind = Organization.Kind.ENTERPRISE
    return (
        unique_name(name, taken),
        kind,
        pick_or_none(rng, divisions, 0.9),
        pick_or_none(rng, zones, 0.4),
        pick_or_none(rng, clusters, 0.6),
    )


def organization_districts(org_ids: list[int]) -> dict[int, tuple[int | None, int | None]]:
    """{organization pk: (division pk, zone pk)}, what the stored districts copy."""
    rows = Organization.objects.filter(pk__in=org_ids).values_list("pk", "division_id", "zone_id")
    return {pk: (division, zone) for pk, division, zone in rows}


def talent_row(rng, org_ids, tiers):
    introduced = rng.random() < 0.6
    return (
        chinese_name(rng),
        rng.choice((Talent.Gender.MALE, Talent.Gender.MALE, Talent.Gender.FEMALE, "")),
        rng.choice([choice for choice, _ in Talent.Degree.choices] + [""]),
        rng.choice([choice for choice, _ in Talent.TitleLevel.choices] + [""]),
        # A few large employers, a long tail of small ones.
        org_ids[int(len(org_ids) * rng.random() ** 3)] if org_ids else None,
        rng.choice(POSITIONS),
        rng.choice(RESEARCH_FIELDS),
        pick_or_none(rng, tiers, 0.3),
        rng.choice(("full_time", "flexible", "home_grown")) if introduced else "",
        random_day(rng) if introduced else None,
        rng.random() < 0.05,
        "中国",
    )


def contract_row(rng, number, seed, types, registrars):
    signed = random_day(rng)
    amount = Decimal(rng.randrange(10_000, 50_000_000))  # yuan
    return (
        f"{signed.year}1501{seed % 100:02d}{number:09d}",
        f"{rng.choice(CONTRACT_SUBJECTS)}{rng.choice(CONTRACT_ACTIONS)}合同",
        rng.choice(types),
        amount,
        (amount * Decimal(rng.randrange(50, 101)) / 100).quantize(Decimal("0.01")),
        signed,
        signed + datetime.timedelta(days=rng.randrange(0, 60)),
        rng.choice(registrars),
    )


class BulkWriter:
    """Inserts rows of values in batches: COPY on PostgreSQL, bulk_create elsewhere."""

    def __init__(self, batch_size: int):
        self.batch_size = batch_size

    def insert(self, model, fields, rows) -> list[int]:
        """Insert the rows (tuples in `fields` order); return the new primary keys in row order."""
        # One session inserts in order, so the new keys are the ones above the old maximum, ascending.
        previous = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
        if connection.vendor == "postgresql":
            self.copy(model, fields, rows)
        else:
            self.bulk_create(model, fields, rows)
        new = model._default_manager.filter(pk__gt=previous).order_by("pk")
        return list(new.values_list("pk", flat=True))

    def bulk_create(self, model, fields, rows):
        batch = []
        for row in rows:
            batch.append(model(**seeded_values(model), **dict(zip(fields, row))))
            if len(batch) >= self.batch_size:
                model._default_manager.bulk_create(batch)
                batch = []
        model._default_manager.bulk_create(batch)

    def copy(self, model, fields, rows):
        # COPY bypasses save(): pinyin sort keys are computed from the names here.
        fields, rows = pinyin.add_sort_keys(model, fields, rows)
        # COPY names every column: the given ones, then defaults for the rest (Django sets those in Python).
        defaults = default_columns(model, fields)
        columns = [model._meta.get_field(name).column for name in fields] + [c for c, _ in defaults]
        extra = tuple(value for _, value in defaults)
        table = connection.ops.quote_name(model._meta.db_table)
        column_list = ", ".join(connection.ops.quote_name(c) for c in columns)
        with connection.cursor() as cursor:
            with cursor.connection.cursor().copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row + extra)


def seeded_values(model) -> dict:
    """Values every seeded record gets: it stands for a registry in use, so reviewed records are
    approved and count like real ones."""
    return {"review_status": ReviewStatus.APPROVED} if issubclass(model, Reviewed) else {}


def default_columns(model, fields) -> list[tuple[str, object]]:
    """(column, value) for the concrete columns not in `fields`: timestamps now, else the field default."""
    now = timezone.now()
    given = {model._meta.get_field(name).column for name in fields}
    seeded = seeded_values(model)
    result = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in given:
            continue
        auto_time = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        result.append((field.column, now if auto_time else seeded.get(field.name, field.get_default())))
    return result
