"""fixtures/articles.json: the two seed articles as records, loadable twice, every fact cited."""

import json
import re
import subprocess
import sys
from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase

from registry.models import (
    Citation,
    Commissioner,
    Indicator,
    Organization,
    OrganizationAlias,
    Platform,
    PlatformExpert,
    Policy,
    Project,
    ProjectPartner,
    ProjectTarget,
    Qualification,
    ServiceRecord,
    Source,
    Subsidy,
    Talent,
    TechContract,
    TechnologyBroker,
    TransferAgency,
    Workstation,
)
from registry.models.base import CitedModel

from .support import record_models

REPO = Path(settings.BASE_DIR)
FIXTURE = REPO / "fixtures" / "articles.json"
# ../shared/seeds next to the repository; one level further up for a git worktree under wt/.
SEED_DIRS = [REPO.parent / "shared" / "seeds", REPO.parent.parent / "shared" / "seeds"]
SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
MAX_EXCERPT = 40
# The vocabulary the dashboard computes (team brief).
COMPUTED_AS = {
    "",
    "commissioners",
    "enterprise_commissioners",
    "enterprise_commissioner_workstations",
    "commissioner_expert_workstations",
    "academician_workstations",
    "commissioner_teams",
    "transfer_agencies",
    "training_bases",
    "brokers",
    "high_tech_enterprises",
    "tech_smes",
    "leading_enterprises",
    "landing_projects",
    "open_competition_projects",
    "platform_members",
    "platform_academicians",
    "platform_experts",
    "tech_contracts",
    "policies",
}
JINYU = "金宇保灵生物药品有限公司"
SAIKEXING = "内蒙古赛科星繁育生物技术（集团）股份有限公司"


def squeeze(text: str) -> str:
    """The seed text breaks lines inside sentences; compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def seeds_dir() -> Path | None:
    return next((path for path in SEED_DIRS if path.is_dir()), None)


def registry_tables():
    """Every table of the registry's models: records, history, audit, scopes (what a load may touch)."""
    return [
        model
        for model in apps.get_app_config("registry").get_models()
        if model.__module__.startswith("registry.models")
    ]


def cited_models():
    return [model for model in record_models() if issubclass(model, CitedModel)]


def record_counts() -> dict[str, int]:
    counts = {model.__name__: model._default_manager.count() for model in registry_tables()}
    for model in cited_models():
        counts[model.__name__ + ".citations"] = model.citations.through.objects.count()
    return counts


def load_articles():
    call_command("loaddata", "articles", verbosity=0)


class ArticleFixtureFileTests(TestCase):
    """The file itself: reviewable JSON without database ids."""

    def test_no_object_has_a_primary_key(self):
        data = json.loads(FIXTURE.read_text(encoding="utf-8"))
        self.assertGreater(len(data), 100)
        with_pk = [record for record in data if "pk" in record or "id" in record["fields"]]
        self.assertEqual(with_pk, [], "fixtures must rely on natural keys, never on ids")

    def test_file_matches_its_generator(self):
        if seeds_dir() is None:
            self.skipTest("seed articles (../shared/seeds) are absent; cannot rebuild the fixture")
        script = REPO / "scripts" / "build_article_fixture.py"
        result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr or result.stdout)


class ArticleFixtureTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_articles()

    def test_loads_records_of_every_kind(self):
        for model in (
            Source,
            Citation,
            Organization,
            OrganizationAlias,
            Talent,
            Platform,
            Project,
            Indicator,
            Workstation,
            Commissioner,
            ServiceRecord,
            TechContract,
            Subsidy,
        ):
            with self.subTest(model=model.__name__):
                self.assertTrue(model.objects.exists())
        self.assertEqual(Source.objects.count(), 2)

    def test_loading_twice_changes_no_counts(self):
        before = record_counts()
        load_articles()
        self.assertEqual(record_counts(), before)

    def test_every_cited_record_has_a_citation(self):
        for model in cited_models():
            uncited = list(model.objects.filter(citations__isnull=True))
            with self.subTest(model=model.__name__):
                self.assertEqual(uncited, [])

    def test_every_source_names_its_seed_file(self):
        for source in Source.objects.all():
            with self.subTest(source=source.key):
                self.assertRegex(source.notes, SEED_FILE)
                self.assertEqual(source.author, "武子暄")
                self.assertIsNone(source.published_on, "the articles state no publication date")

    def test_excerpts_are_short(self):
        long = [c.excerpt for c in Citation.objects.all() if len(squeeze(c.excerpt)) > MAX_EXCERPT]
        self.assertEqual(long, [])

    def test_every_excerpt_is_found_in_the_article_it_names(self):
        directory = seeds_dir()
        if directory is None:
            self.skipTest(f"seed articles not found in {SEED_DIRS[0]}; excerpts cannot be checked here")
        texts = {
            source.pk: squeeze((directory / SEED_FILE.search(source.notes).group()).read_text(encoding="utf-8"))
            for source in Source.objects.all()
        }
        missing = [str(c) for c in Citation.objects.all() if squeeze(c.excerpt) not in texts[c.source_id]]
        self.assertEqual(missing, [])

    def test_notes_are_not_copied_article_text(self):
        directory = seeds_dir()
        if directory is None:
            self.skipTest("seed articles are absent")
        article = "".join(squeeze(path.read_text(encoding="utf-8")) for path in directory.glob("*.txt"))
        for model in cited_models():
            for notes in model.objects.exclude(notes="").values_list("notes", flat=True):
                text = squeeze(notes)
                copied = [text[i : i + 25] for i in range(len(text) - 24) if text[i : i + 25] in article]
                with self.subTest(model=model.__name__, notes=notes[:20]):
                    self.assertEqual(copied, [])

    def test_every_indicator_has_value_unit_source_and_known_vocabulary(self):
        qualifiers = set(Indicator.Qualifier.values)
        for indicator in Indicator.objects.all():
            with self.subTest(indicator=str(indicator)):
                self.assertIsNotNone(indicator.value)
                self.assertTrue(indicator.unit)
                self.assertIsNotNone(indicator.source_id)
                self.assertIn(indicator.qualifier, qualifiers)
                self.assertIn(indicator.computed_as, COMPUTED_AS)
                if indicator.computed_as.startswith("platform_"):
                    self.assertIsNotNone(indicator.platform_id, "platform figures must name their platform")

    def test_figures_reported_at_two_times_both_exist(self):
        pairs = [
            ("国家乳业技术创新中心", "成员单位", "66", "101"),
            ("国家乳业技术创新中心", "院士", "9", "10"),
            ("国家乳业技术创新中心", "行业专家", "90", "100"),
            ("国家草业技术创新中心", "成员单位", "34", "47"),
            ("内蒙古自治区动物疫苗技术创新中心", "行业专家", "10", "11"),
            ("呼和浩特市", "企业科技特派员工作站", "5", "24"),
        ]
        for subject, metric, first, second in pairs:
            with self.subTest(subject=subject, metric=metric):
                reported = Indicator.objects.filter(subject=subject, metric=metric)
                by_source = dict(reported.values_list("source__key", "value"))
                self.assertEqual(len(by_source), 2, "each article keeps its own figure")
                self.assertEqual(sorted(by_source.values()), sorted([Decimal(first), Decimal(second)]))

    def test_qualifiers_follow_the_article_wording(self):
        expected = {
            ("呼和浩特市", "技术经纪人"): ("900", "nearly"),
            ("呼和浩特市", "产学研合作各级财政资金支持"): ("7", "more_than"),
            ("呼和浩特市", "引进高层次创新创业人才（团队）项目资助"): ("1", "at_most"),
            ("呼和浩特市科技特派员", "培养农村科技人才"): ("1300", "about"),
            ("呼和浩特市科技特派员", "企业科技特派员累计服务企业"): ("1365", "cumulative"),
            ("呼和浩特市", "高新技术企业"): ("465", ""),
        }
        for (subject, metric), (value, qualifier) in expected.items():
            with self.subTest(metric=metric):
                indicator = Indicator.objects.get(subject=subject, metric=metric)
                self.assertEqual((indicator.value, indicator.qualifier), (Decimal(value), qualifier))
        self.assertEqual(Indicator.objects.get(metric="高新技术企业", subject="呼和浩特市").as_of_year, 2022)
        self.assertEqual(Indicator.objects.get(metric="入库科技型中小企业").value, 413)

    def test_li_jie_works_at_jinyu_known_by_its_misspelt_name(self):
        li_jie = Talent.objects.get(name="李劫")
        self.assertEqual(li_jie.employer.name, JINYU)
        self.assertEqual(li_jie.degree, Talent.Degree.DOCTORATE)
        self.assertEqual(li_jie.previous_affiliation, "康奈尔大学")
        aliases = set(li_jie.employer.aliases.values_list("name", flat=True))
        self.assertLessEqual({"金字保灵生物制品有限公司", "金字保灵", "金宇保灵"}, aliases)
        self.assertTrue(Qualification.objects.filter(organization__name=JINYU, kind__name="科技领军企业").exists())
        self.assertEqual(Organization.objects.filter(name__contains="保灵").count(), 1)

    def test_open_competition_project_of_shengfan(self):
        project = Project.objects.get(problem_owner__name="内蒙古圣钒科技新能源有限责任公司")
        self.assertEqual(project.kind, Project.Kind.OPEN_COMPETITION)
        capacity = ProjectTarget.objects.get(project=project, metric="生产线示范基地产能")
        self.assertEqual((capacity.value, capacity.unit), (Decimal(1), "万吨/年"))
        solvers = set(ProjectPartner.objects.filter(project=project).values_list("talent__name", "organization__name"))
        self.assertEqual(solvers, {("罗江水", "四川大学"), ("李卫", "内蒙古师范大学")})

    def test_commissioners(self):
        guo = Commissioner.objects.get(talent__name="郭信宁")
        self.assertEqual(guo.kind, Commissioner.Kind.ENTERPRISE)
        self.assertEqual(guo.workstation.host.name, "内蒙古领新科技")
        self.assertEqual(Commissioner.objects.get(talent__name="王胜利").kind, Commissioner.Kind.THREE_REGIONS)
        self.assertEqual(Commissioner.objects.get(talent__name="付崇毅").kind, Commissioner.Kind.AGRICULTURAL)
        units = set(
            Commissioner.objects.filter(kind=Commissioner.Kind.LEGAL_PERSON).values_list(
                "organization__name", flat=True
            )
        )
        self.assertEqual(units, {"内蒙古农业大学", "内蒙古工业大学", "内蒙古农牧业科学院"})
        shangmao = ServiceRecord.objects.get(workstation__name="内蒙古商贸职业学院企业科技特派员工作站")
        self.assertEqual(shangmao.enterprises_served, 51)

    def test_technology_transfer(self):
        broker = TechnologyBroker.objects.get(talent__name="毕远濛")
        self.assertEqual(broker.agency.organization.name, "内蒙古科信科技创新推广有限公司")
        self.assertEqual(TransferAgency.objects.get(organization=broker.agency.organization).level, "region")
        contract = TechContract.objects.get(title="公共文化服务智慧图书馆应用平台")
        self.assertEqual(contract.contract_type.name, "技术开发")
        self.assertEqual([b.talent.name for b in contract.brokers.all()], ["毕远濛"])
        subsidy = Subsidy.objects.get(organization__name="内蒙古鼎文科技信息技术有限公司")
        self.assertEqual((subsidy.year, list(subsidy.contracts.all())), (2022, [contract]))
        self.assertEqual(Subsidy.objects.get(talent=broker.talent).kind, Subsidy.Kind.BROKER_PERFORMANCE)

    def test_platform_expert_without_employer_is_found_by_natural_key(self):
        expert = PlatformExpert.objects.get_by_natural_key("国家乳业技术创新中心", "任发政", None)
        self.assertEqual(expert.role, PlatformExpert.Role.ACADEMICIAN)
        self.assertIsNone(expert.talent.employer)

    # --- Issue 20: every cooperation is a record, every named mechanism a policy with its kind.

    def test_every_policy_has_a_kind(self):
        self.assertFalse(Policy.objects.filter(kind=Policy.Kind.OTHER).exists(), "every article policy is classified")
        kinds = set(Policy.objects.values_list("kind", flat=True))
        self.assertEqual(kinds, set(Policy.Kind.values) - {Policy.Kind.OTHER})
        expected = {
            "呼和浩特市人民政府关于进一步推动科技创新构建区域创新中心的实施意见": Policy.Kind.DOCUMENT,
            "创新驱动发展战略": Policy.Kind.STRATEGY,
            "科技赋能“六大产业集群”": Policy.Kind.STRATEGY,
            "“科技兴蒙”行动": Policy.Kind.PROGRAMME,
            "基层人才发展计划": Policy.Kind.PLAN,
            "“企业出题、科研机构揭榜”攻关机制": Policy.Kind.MECHANISM,
            "法人科技特派员单位": Policy.Kind.MECHANISM,
            "校地合作机制": Policy.Kind.MECHANISM,
            "柔性引才模式": Policy.Kind.MODE,
            "“科研项目+人才团队”引才方式": Policy.Kind.MODE,
            "“异地研发、驻地招才、本地转化”协同创新模式": Policy.Kind.MODE,
            "企业科技特派员创新服务模式": Policy.Kind.MODE,
            "科技综合服务总窗口": Policy.Kind.SERVICE_PLATFORM,
            "“蒙科聚”创新平台": Policy.Kind.SERVICE_PLATFORM,
            "自治区技术交易后补助": Policy.Kind.SUBSIDY,
        }
        self.assertEqual(dict(Policy.objects.filter(title__in=expected).values_list("title", "kind")), expected)

    def test_service_windows_are_policies_not_innovation_platforms(self):
        for name in ("科技综合服务总窗口", "“蒙科聚”创新平台"):
            with self.subTest(name=name):
                self.assertFalse(Platform.objects.filter(name=name).exists())

    def test_co_built_platforms_name_the_project_that_built_them(self):
        builders = {
            "上海交通大学呼和浩特创新中心": "上海交通大学",
            "内蒙古现代农牧研究院": "中国农业大学",
            "内蒙古中农现代种质创新研究院": "中国农业大学",
            "碳中和与新材料研究院": "中国石油大学(北京)",
            "北方农牧业技术创新中心": "中国农业科学院",
            "上海交通大学内蒙古研究院": "上海交通大学",
            "奶牛繁育与养殖技术研究中心": SAIKEXING,
            "国家草业技术创新中心": None,
            "内蒙古自治区动物疫苗技术创新中心": None,
            "草种业创新联合体": None,
            "秸秆转化利用技术创新联合体": None,
            "呼和浩特科创中心（北京）": None,
        }
        for name, builder in builders.items():
            with self.subTest(platform=name):
                built = Project.objects.get(platform__name=name, kind=Project.Kind.CO_BUILDING)
                self.assertTrue(built.citations.exists())
                partners = set(built.partners.values_list("organization__name", flat=True))
                self.assertEqual(partners, {builder} if builder else set())
        straw = Project.objects.get(platform__name="秸秆转化利用技术创新联合体")
        self.assertEqual(straw.problem_owner.name, "内蒙古中孚明丰农业科技有限公司")

    def test_school_enterprise_cooperations_of_the_sjtu_institute(self):
        institute = "上海交通大学内蒙古研究院"
        by_kind: dict[str, set[str]] = {}
        for project in Project.objects.filter(partners__organization__name=institute).select_related(
            "problem_owner", "platform"
        ):
            owner = project.problem_owner.name if project.problem_owner else project.platform.name
            by_kind.setdefault(project.kind, set()).add(owner)
        self.assertEqual(by_kind[Project.Kind.CO_BUILDING], {"国家乳业技术创新中心", JINYU, "华讯高科"})
        self.assertEqual(by_kind[Project.Kind.TALENT_TRAINING], {"电力集团", "伊利集团"})
        self.assertEqual(by_kind[Project.Kind.INDUSTRY_UNIVERSITY], {"伊利集团", "电力集团", "高速公路公司"})

    def test_academician_workstation_programme_without_named_hosts(self):
        programme = Project.objects.get(title="院士专家团队在呼建立院士专家工作站")
        self.assertEqual(programme.kind, Project.Kind.TALENT_INTRODUCTION)
        self.assertIsNone(programme.problem_owner, "the articles name no host unit")
        academicians = set(programme.partners.values_list("talent__name", flat=True))
        self.assertEqual(academicians, {"胡文瑞", "张涌", "赵鹏大"})
        self.assertFalse(Workstation.objects.filter(kind=Workstation.Kind.ACADEMICIAN_EXPERT).exists())
        self.assertEqual(Policy.objects.get(title="院士专家工作站建设").kind, Policy.Kind.PROGRAMME)

    def test_roadshow_arrival_and_demonstration_work(self):
        roadshow = Project.objects.get(kind=Project.Kind.ROADSHOW)
        results = dict(roadshow.targets.values_list("metric", "value"))
        self.assertEqual(results, {"推介新技术成果": Decimal(17), "已落地新技术成果": Decimal(11)})
        arrival = Project.objects.get(kind=Project.Kind.ENTERPRISE_ARRIVAL)
        self.assertEqual(arrival.problem_owner.name, "上海智能网联汽车技术中心有限公司内蒙古分公司")
        demonstrations = Project.objects.filter(kind=Project.Kind.DEMONSTRATION)
        people = set(demonstrations.values_list("partners__talent__name", flat=True))
        self.assertEqual(people, {"王胜利", "付崇毅", None})
        self.assertTrue(demonstrations.filter(problem_owner__name="内蒙古百鲜农业有限公司").exists())

    def test_enterprise_and_platform_research(self):
        research = Project.objects.filter(kind=Project.Kind.RESEARCH)
        long_acting = research.get(title__contains="长效核酸制剂")
        self.assertEqual(long_acting.problem_owner.name, JINYU)
        self.assertEqual([p.talent.name for p in long_acting.partners.all()], ["李劫"])
        self.assertTrue(
            research.filter(title__contains="疫苗", platform__name="内蒙古自治区动物疫苗技术创新中心").exists()
        )
        self.assertTrue(research.filter(title__contains="mRNA疫苗", problem_owner__name=JINYU).exists())
        self.assertEqual(research.filter(problem_owner__name=SAIKEXING).count(), 2)  # sexed embryos, stem cells
        self.assertTrue(research.filter(platform__name="国家乳业技术创新中心").exists())
        embryo_freezing = Project.objects.get(title="卵母细胞和胚胎高效冷冻装置研发")
        self.assertEqual(embryo_freezing.problem_owner.name, "内蒙古牛繁育科技有限公司")

    def test_discrepancies_between_the_articles_stay_recorded(self):
        goal = Policy.objects.get(title="建设区域科技创新中心")
        cited = set(goal.citations.values_list("source__key", "excerpt"))
        self.assertIn(("wzx-innovation-empowers-industry", "着力建设全区科技创新中心和人才高地"), cited)
        self.assertIn(("wzx-talent-highland", "以打造区域科技创新中心为目标"), cited)
        self.assertIn("全区科技创新中心", goal.notes)
        flexible = Policy.objects.get(title="柔性引才模式")
        self.assertEqual(
            set(flexible.citations.values_list("source__key", flat=True)), {s.key for s in Source.objects.all()}
        )
        consortium = Project.objects.get(title="组建秸秆转化利用技术创新联合体")
        self.assertEqual(
            set(consortium.citations.values_list("excerpt", flat=True)),
            {"牵头组建秸秆转化利用技术创新联合体", "秆综合利用创新联合体"},
        )


class FirstStartLoadsArticlesTests(TestCase):
    def test_setup_registry_loads_the_articles_once(self):
        self.assertFalse(Talent.objects.exists())
        call_command("setup_registry", stdout=StringIO())
        self.assertTrue(Talent.objects.filter(name="李劫").exists())
        counts = record_counts()
        output = StringIO()
        call_command("setup_registry", stdout=output)
        self.assertIn("不重复导入", output.getvalue())
        self.assertEqual(record_counts(), counts)
