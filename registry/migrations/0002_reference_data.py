"""Reference lists the registry starts with; staff edit them afterwards in the admin.

Sources: GB/T 2260 codes and Hohhot's zones (../shared/docs/domain.md §3), the six industry clusters in the
2024-12 wording plus the earlier one (§4.2), 英才兴蒙 tiers (§0), qualification kinds (§1.5) and
the Civil Code contract types (§1.3.1).
"""

from django.db import migrations

DIVISIONS = [
    # code, name, kind, in Hohhot
    ("150100", "呼和浩特市", "city", True),
    ("150102", "新城区", "district", True),
    ("150103", "回民区", "district", True),
    ("150104", "玉泉区", "district", True),
    ("150105", "赛罕区", "district", True),
    ("150121", "土默特左旗", "banner", True),
    ("150122", "托克托县", "county", True),
    ("150123", "和林格尔县", "county", True),
    ("150124", "清水河县", "county", True),
    ("150125", "武川县", "county", True),
    ("150000", "内蒙古自治区（呼和浩特以外）", "province", False),
    ("110000", "北京市", "province", False),
    ("310000", "上海市", "province", False),
    ("510000", "四川省", "province", False),
    ("620000", "甘肃省", "province", False),
]

ZONES = [
    # name, level, division code
    ("呼和浩特经济技术开发区", "national", None),
    ("呼和浩特金山高新技术产业开发区", "national", None),
    ("和林格尔新区", "region", "150123"),
    ("敕勒川乳业开发区", "region", "150121"),
    ("和林格尔乳业开发区", "region", "150123"),
    ("托克托工业园区", "region", "150122"),
    ("武川经济开发区", "region", "150125"),
    ("清水河工业园区", "city", "150124"),
]

CLUSTERS = [
    # name, valid from, valid until
    ("绿色农畜产品加工", None, None),
    ("新材料", "2024-12-01", None),
    ("新能源", "2024-12-01", None),
    ("生物医药", None, None),
    ("新一代信息技术", "2024-12-01", None),
    ("现代装备制造", "2024-12-01", None),
    ("电子信息技术", None, "2024-11-30"),
    ("新材料和现代装备制造", None, "2024-11-30"),
    ("清洁能源", None, "2024-11-30"),
    ("现代化工", None, "2024-11-30"),
    ("其他/未来产业", None, None),
]

TIERS = [(f"英才兴蒙 {n}类", "英才兴蒙（2024）") for n in "一二三四五六"]

QUALIFICATION_KINDS = [
    ("高新技术企业", 3),
    ("科技型中小企业", 1),
    ("科技领军企业", None),
    ("规模以上企业", None),
    ("创新型中小企业", None),
    ("专精特新中小企业", None),
    ("专精特新“小巨人”企业", None),
    ("自治区技术创新示范企业", 3),
]

CONTRACT_TYPES = [
    ("技术开发", None),
    ("委托开发", "技术开发"),
    ("合作开发", "技术开发"),
    ("技术转让", None),
    ("技术许可", None),
    ("技术咨询", None),
    ("技术服务", None),
    ("其他", None),
]


def load(apps, schema_editor):
    Division = apps.get_model("registry", "Division")
    Zone = apps.get_model("registry", "DevelopmentZone")
    Cluster = apps.get_model("registry", "IndustryCluster")
    Tier = apps.get_model("registry", "TalentTier")
    QualificationKind = apps.get_model("registry", "QualificationKind")
    ContractType = apps.get_model("registry", "ContractType")

    for order, (code, name, kind, in_hohhot) in enumerate(DIVISIONS):
        Division.objects.update_or_create(
            code=code, defaults=dict(name=name, kind=kind, in_hohhot=in_hohhot, sort_order=order)
        )
    for order, (name, level, division) in enumerate(ZONES):
        Zone.objects.update_or_create(
            name=name,
            defaults=dict(
                level=level,
                sort_order=order,
                division=Division.objects.get(code=division) if division else None,
            ),
        )
    for order, (name, valid_from, valid_until) in enumerate(CLUSTERS):
        Cluster.objects.update_or_create(
            name=name,
            defaults=dict(
                valid_from=valid_from,
                valid_until=valid_until,
                is_active=valid_until is None,
                sort_order=order,
            ),
        )
    for order, (name, scheme) in enumerate(TIERS):
        Tier.objects.update_or_create(name=name, defaults=dict(scheme=scheme, sort_order=order))
    for order, (name, years) in enumerate(QUALIFICATION_KINDS):
        QualificationKind.objects.update_or_create(name=name, defaults=dict(validity_years=years, sort_order=order))
    for order, (name, parent) in enumerate(CONTRACT_TYPES):
        ContractType.objects.update_or_create(
            name=name,
            defaults=dict(
                sort_order=order,
                parent=ContractType.objects.get(name=parent) if parent else None,
            ),
        )


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
