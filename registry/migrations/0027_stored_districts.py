"""Talents and technology contracts keep their districts (registry/districts.py): the columns,
the contracts' district table, their indexes, and the existing rows filled in primary-key ranges
(one UPDATE per 50,000 talents, one INSERT per 2,000 contracts). The fill runs last: PostgreSQL
refuses CREATE INDEX on a table with rows changed earlier in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    from registry import districts

    districts.refresh_all(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0026_export_jobs"),
    ]

    operations = [
        migrations.CreateModel(
            name="TechContractDistrict",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
            options={
                "verbose_name": "district of a technology contract",
                "verbose_name_plural": "districts of technology contracts",
            },
        ),
        migrations.AddField(
            model_name="talent",
            name="scope_division",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.division",
                verbose_name="division of the employer",
            ),
        ),
        migrations.AddField(
            model_name="talent",
            name="scope_zone",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="registry.developmentzone",
                verbose_name="development zone of the employer",
            ),
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["scope_division", "name", "id"], name="registry_talent_division_name"),
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(fields=["scope_zone", "name", "id"], name="registry_talent_zone_name"),
        ),
        migrations.AddField(
            model_name="techcontractdistrict",
            name="contract",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="districts",
                to="registry.techcontract",
                verbose_name="technology contract",
            ),
        ),
        migrations.AddField(
            model_name="techcontractdistrict",
            name="division",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="registry.division",
                verbose_name="division",
            ),
        ),
        migrations.AddField(
            model_name="techcontractdistrict",
            name="zone",
            field=models.ForeignKey(
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="registry.developmentzone",
                verbose_name="development zone",
            ),
        ),
        migrations.AddIndex(
            model_name="techcontractdistrict",
            index=models.Index(fields=["division", "contract"], name="registry_contract_dist_div"),
        ),
        migrations.AddIndex(
            model_name="techcontractdistrict",
            index=models.Index(fields=["zone", "contract"], name="registry_contract_dist_zone"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
