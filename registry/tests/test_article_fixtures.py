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


def squeeze(text: str) -> str:
    """The seed text breaks lines inside sentences; compare without any whitespace."""
    return re.sub(r"\s+", "", text)


def seeds_dir() -> Path | None:
    return next((path for path in SEED_DIRS if path.is_dir()), None)


def registry_models():
    return [
        model
        for model in apps.get_app_config("registry").get_models()
        if model.__module__.startswith("registry.models")
    ]


def cited_models():
    return [model for model in registry_models() if issubclass(model, CitedModel)]


def record_counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in registry_models()}
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
