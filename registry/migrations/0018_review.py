"""Review states (草稿/待审核/已通过/已退回) on the reviewed records and the log of review steps.

Records that exist before this migration (the article fixtures, earlier imports and entries) were
counted as they were entered: they become approved, so today's figures stay as they are. The column
is added with the default "approved" (one ALTER on PostgreSQL, no row-by-row update); the default of
new records is then "draft" for Django only: the database keeps no default for the column either way.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REVIEWED = [
    "commissioner",
    "commissionerassessment",
    "commissionerteam",
    "project",
    "qualification",
    "servicerecord",
    "subsidy",
    "talent",
    "techcontract",
    "workstation",
]
STATES = [("draft", "draft"), ("submitted", "submitted"), ("approved", "approved"), ("returned", "returned")]


def review_status(default, indexed):
    return models.CharField(
        choices=STATES,
        db_index=indexed,
        default=default,
        editable=False,
        max_length=20,
        verbose_name="review status",
    )


def add_status(model_name, indexed):
    return [
        migrations.AddField(model_name=model_name, name="review_status", field=review_status("approved", indexed)),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name=model_name, name="review_status", field=review_status("draft", indexed)
                )
            ]
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("registry", "0017_amounts_and_labels"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[operation for name in REVIEWED for operation in add_status(name, indexed=True)],
        *[operation for name in REVIEWED for operation in add_status(f"historical{name}", indexed=False)],
        migrations.AlterField(
            model_name="auditevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("login", "login"),
                    ("login_failed", "failed login"),
                    ("logout", "logout"),
                    ("import", "import"),
                    ("export", "export"),
                    ("api", "API call"),
                    ("merge", "merge of duplicates"),
                    ("review", "review"),
                ],
                db_index=True,
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.CreateModel(
            name="ReviewTransition",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveBigIntegerField(verbose_name="record id")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("submit", "submit for review"),
                            ("approve", "approve"),
                            ("send_back", "send back"),
                            ("reopen", "reopen"),
                        ],
                        max_length=20,
                        verbose_name="action",
                    ),
                ),
                (
                    "from_status",
                    models.CharField(
                        choices=[
                            ("draft", "draft"),
                            ("submitted", "submitted"),
                            ("approved", "approved"),
                            ("returned", "returned"),
                        ],
                        max_length=20,
                        verbose_name="from",
                    ),
                ),
                (
                    "to_status",
                    models.CharField(
                        choices=[
                            ("draft", "draft"),
                            ("submitted", "submitted"),
                            ("approved", "approved"),
                            ("returned", "returned"),
                        ],
                        max_length=20,
                        verbose_name="to",
                    ),
                ),
                ("username", models.CharField(blank=True, max_length=150, verbose_name="user name")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="time")),
                ("opinion", models.TextField(blank=True, verbose_name="opinion")),
                (
                    "content_type",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contenttypes.contenttype",
                        verbose_name="record type",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "review step",
                "verbose_name_plural": "review steps",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["content_type", "object_id", "-at"], name="registry_review_step_record")
                ],
            },
        ),
    ]
