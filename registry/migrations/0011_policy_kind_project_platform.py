"""Policies get a kind; projects get more kinds, the platform they built or work at, and a hint on the owner.

Policies that exist before this migration are marked "other" (not classified) rather than taking the
new default "policy document": many of them are mechanisms or programmes, and staff (or the article
fixture) classify them. New policies default to "policy document".
"""

import django.db.models.deletion
from django.db import migrations, models

POLICY_KINDS = [
    ("document", "policy document"),
    ("strategy", "strategy"),
    ("programme", "action or programme"),
    ("plan", "plan"),
    ("mechanism", "mechanism"),
    ("mode", "mode"),
    ("service_platform", "service window or platform"),
    ("subsidy", "subsidy scheme"),
    ("other", "other"),
]
PROJECT_KINDS = [
    ("open_competition", "open competition (揭榜挂帅)"),
    ("landing", "university-city landing project"),
    ("industry_university", "industry-university-research project"),
    ("science_plan", "science plan project"),
    ("co_building", "co-built institution or centre"),
    ("research", "enterprise or platform R&D"),
    ("talent_training", "talent training"),
    ("talent_introduction", "talent introduction"),
    ("roadshow", "results roadshow"),
    ("enterprise_arrival", "enterprise brought to the city"),
    ("demonstration", "demonstration and extension"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_talent_id_number_exact_search_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalpolicy",
            name="kind",
            field=models.CharField(choices=POLICY_KINDS, default="other", max_length=20, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="historicalproject",
            name="platform",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="For a co-building project the platform it built; otherwise the platform it is carried out at.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.platform",
                verbose_name="platform",
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="kind",
            field=models.CharField(choices=POLICY_KINDS, default="other", max_length=20, verbose_name="kind"),
        ),
        migrations.AddField(
            model_name="project",
            name="platform",
            field=models.ForeignKey(
                blank=True,
                help_text="For a co-building project the platform it built; otherwise the platform it is carried out at.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="projects",
                to="registry.platform",
                verbose_name="platform",
            ),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="kind",
            field=models.CharField(
                choices=PROJECT_KINDS,
                max_length=30,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="kind",
            field=models.CharField(
                choices=PROJECT_KINDS,
                max_length=30,
                verbose_name="kind",
            ),
        ),
        # Existing rows were filled with "other" above; from now on the default is a policy document.
        migrations.AlterField(
            model_name="historicalpolicy",
            name="kind",
            field=models.CharField(choices=POLICY_KINDS, default="document", max_length=20, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="policy",
            name="kind",
            field=models.CharField(choices=POLICY_KINDS, default="document", max_length=20, verbose_name="kind"),
        ),
        migrations.AlterField(
            model_name="historicalproject",
            name="problem_owner",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="For a 揭榜挂帅 task the enterprise that set it; for other projects the organization they belong to.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.organization",
                verbose_name="problem owner",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="problem_owner",
            field=models.ForeignKey(
                blank=True,
                help_text="For a 揭榜挂帅 task the enterprise that set it; for other projects the organization they belong to.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="owned_projects",
                to="registry.organization",
                verbose_name="problem owner",
            ),
        ),
    ]
