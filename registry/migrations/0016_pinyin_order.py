"""Names in pinyin order (registry/pinyin.py).

PostgreSQL: the name and title columns take the ICU collation zh-x-icu (created here if the cluster
lacks it; it needs a PostgreSQL built with ICU, as Debian's is). Changing a column's collation
rebuilds its indexes in that order, so the (name, id), (tier_id, name, id) and (degree, name, id)
indexes of migration 0006 serve the pinyin-ordered lists, and the trigram and short-grams indexes on
UPPER(name) keep serving search. Every database gets the `*_pinyin` sort-key columns (the order on
SQLite), filled here for existing records.
"""

import importlib

import django.db.models.expressions
from django.db import migrations

import registry.pinyin

scale = importlib.import_module("registry.migrations.0006_scale_indexes")

# PostgreSQL with ICU has it in pg_catalog already; IF NOT EXISTS would look in public only and add a copy.
CREATE_COLLATION = f"""
DO $$ BEGIN
    IF NOT EXISTS (SELECT FROM pg_collation WHERE collname = '{registry.pinyin.COLLATION}') THEN
        CREATE COLLATION "{registry.pinyin.COLLATION}" (provider = icu, locale = 'zh');
    END IF;
END $$
"""
BATCH = 2000


def fill_sort_keys(apps, schema_editor):
    """Compute the new sort keys of the records already there (history rows keep theirs empty)."""
    for model in apps.get_app_config("registry").get_models():
        keys = [f for f in registry.pinyin.sort_key_fields(model) if not model.__name__.startswith("Historical")]
        for key in keys:
            rows = model._default_manager.order_by("pk").values_list("pk", key.source)
            changed = [model(pk=pk, **{key.attname: registry.pinyin.sort_key(text)}) for pk, text in rows.iterator()]
            model._default_manager.bulk_update(changed, [key.attname], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0015_qualification_validity"),
    ]

    operations = [
        scale.PostgresOnlySQL(CREATE_COLLATION, migrations.RunSQL.noop),
        migrations.AlterModelOptions(
            name="commissionerteam",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "commissioner team",
                "verbose_name_plural": "commissioner teams",
            },
        ),
        migrations.AlterModelOptions(
            name="contracttype",
            options={
                "ordering": ["sort_order", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "contract type",
                "verbose_name_plural": "contract types",
            },
        ),
        migrations.AlterModelOptions(
            name="developmentzone",
            options={
                "ordering": ["sort_order", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "development zone",
                "verbose_name_plural": "development zones",
            },
        ),
        migrations.AlterModelOptions(
            name="industrycluster",
            options={
                "ordering": ["sort_order", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "industry cluster",
                "verbose_name_plural": "industry clusters",
            },
        ),
        migrations.AlterModelOptions(
            name="organization",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "organization",
                "verbose_name_plural": "organizations",
            },
        ),
        migrations.AlterModelOptions(
            name="organizationalias",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "organization alias",
                "verbose_name_plural": "organization aliases",
            },
        ),
        migrations.AlterModelOptions(
            name="platform",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "innovation platform",
                "verbose_name_plural": "innovation platforms",
            },
        ),
        migrations.AlterModelOptions(
            name="policy",
            options={
                "ordering": ["-issued_on", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("title"))],
                "verbose_name": "policy",
                "verbose_name_plural": "policies",
            },
        ),
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("title"))],
                "verbose_name": "project",
                "verbose_name_plural": "projects",
            },
        ),
        migrations.AlterModelOptions(
            name="qualificationkind",
            options={
                "ordering": ["sort_order", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "qualification kind",
                "verbose_name_plural": "qualification kinds",
            },
        ),
        migrations.AlterModelOptions(
            name="subsidy",
            options={
                "ordering": ["-year", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("title"))],
                "verbose_name": "subsidy or award",
                "verbose_name_plural": "subsidies and awards",
            },
        ),
        migrations.AlterModelOptions(
            name="talent",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name")), "id"],
                "permissions": [("view_personal_data", "Can view personal data of talents")],
                "verbose_name": "talent",
                "verbose_name_plural": "talents",
            },
        ),
        migrations.AlterModelOptions(
            name="talenttier",
            options={
                "ordering": ["sort_order", django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "talent tier",
                "verbose_name_plural": "talent tiers",
            },
        ),
        migrations.AlterModelOptions(
            name="technologybroker",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("talent__name"))],
                "verbose_name": "technology broker",
                "verbose_name_plural": "technology brokers",
            },
        ),
        migrations.AlterModelOptions(
            name="trainingbase",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("organization__name"))],
                "verbose_name": "technology-transfer training base",
                "verbose_name_plural": "technology-transfer training bases",
            },
        ),
        migrations.AlterModelOptions(
            name="transferagency",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("organization__name"))],
                "verbose_name": "technology-transfer agency",
                "verbose_name_plural": "technology-transfer agencies",
            },
        ),
        migrations.AlterModelOptions(
            name="workstation",
            options={
                "ordering": [django.db.models.expressions.OrderBy(registry.pinyin.Pinyin("name"))],
                "verbose_name": "workstation",
                "verbose_name_plural": "workstations",
            },
        ),
        migrations.AddField(
            model_name="commissionerteam",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="contracttype",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="developmentzone",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="division",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalcommissionerteam",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalcontracttype",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicaldevelopmentzone",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicaldivision",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalindustrycluster",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalorganization",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalorganizationalias",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalplatform",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalpolicy",
            name="title_pinyin",
            field=registry.pinyin.SortKeyField("title"),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="title_pinyin",
            field=registry.pinyin.SortKeyField("title"),
        ),
        migrations.AddField(
            model_name="historicalqualificationkind",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalsubsidy",
            name="title_pinyin",
            field=registry.pinyin.SortKeyField("title"),
        ),
        migrations.AddField(
            model_name="historicaltalent",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicaltalenttier",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="historicalworkstation",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="industrycluster",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="organization",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="organizationalias",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="platform",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="policy",
            name="title_pinyin",
            field=registry.pinyin.SortKeyField("title"),
        ),
        migrations.AddField(
            model_name="project",
            name="title_pinyin",
            field=registry.pinyin.SortKeyField("title"),
        ),
        migrations.AddField(
            model_name="qualificationkind",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="subsidy",
            name="title_pinyin",
            field=registry.pinyin.SortKeyField("title"),
        ),
        migrations.AddField(
            model_name="talent",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="talenttier",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AddField(
            model_name="workstation",
            name="name_pinyin",
            field=registry.pinyin.SortKeyField("name"),
        ),
        migrations.AlterField(
            model_name="commissionerteam",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=200, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="contracttype",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="developmentzone",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="division",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalcommissionerteam",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalcontracttype",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicaldevelopmentzone",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicaldivision",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalindustrycluster",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalorganization",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalorganizationalias",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=200, verbose_name="alias"),
        ),
        migrations.AlterField(
            model_name="historicalplatform",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalpolicy",
            name="title",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=300, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="title",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=300, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicalqualificationkind",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalsubsidy",
            name="title",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=300, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="historicaltalent",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, verbose_name="full name"),
        ),
        migrations.AlterField(
            model_name="historicaltalenttier",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=100, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="historicalworkstation",
            name="name",
            field=registry.pinyin.PinyinCharField(db_index=True, max_length=200, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="industrycluster",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="organization",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=200, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="organizationalias",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=200, unique=True, verbose_name="alias"),
        ),
        migrations.AlterField(
            model_name="platform",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=200, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="policy",
            name="title",
            field=registry.pinyin.PinyinCharField(max_length=300, unique=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="project",
            name="title",
            field=registry.pinyin.PinyinCharField(max_length=300, unique=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="qualificationkind",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="subsidy",
            name="title",
            field=registry.pinyin.PinyinCharField(max_length=300, unique=True, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="talent",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, verbose_name="full name"),
        ),
        migrations.AlterField(
            model_name="talenttier",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=100, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="workstation",
            name="name",
            field=registry.pinyin.PinyinCharField(max_length=200, unique=True, verbose_name="name"),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
