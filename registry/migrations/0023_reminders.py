"""Reminders (issue 17): the yearly development report of 高企 as a record per year, the end of a
flexible-introduction agreement, and the reminder rules and log. 高新技术企业 files the yearly report;
each reminder kind starts with rules at 90, 30 and 0 days for the data-entry staff of the record's
district (数据录入员).
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

KINDS = ("qualification", "annual_report", "registration", "commissioner_term", "agreement")
LEAD_DAYS = (90, 30, 0)


def start_the_reminders(apps, schema_editor):
    apps.get_model("registry", "QualificationKind").objects.filter(name="高新技术企业").update(annual_report=True)
    ReminderRule = apps.get_model("registry", "ReminderRule")
    data_entry = apps.get_model("auth", "Group").objects.filter(name="数据录入员").first()
    for kind in KINDS:
        for lead_days in LEAD_DAYS:
            rule = ReminderRule.objects.create(kind=kind, lead_days=lead_days)
            if data_entry:
                rule.groups.add(data_entry)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("registry", "0022_assessment"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AnnualReport",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year reported on")),
                ("filed_on", models.DateField(blank=True, null=True, verbose_name="filed on")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
            ],
            options={
                "verbose_name": "yearly development report",
                "verbose_name_plural": "yearly development reports",
                "ordering": ["-year", "qualification"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalAnnualReport",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                ("updated_at", models.DateTimeField(blank=True, editable=False, verbose_name="updated at")),
                ("year", models.PositiveSmallIntegerField(verbose_name="year reported on")),
                ("filed_on", models.DateField(blank=True, null=True, verbose_name="filed on")),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="note")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1),
                ),
            ],
            options={
                "verbose_name": "historical yearly development report",
                "verbose_name_plural": "historical yearly development reports",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ReminderRule",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("qualification", "qualification expiring"),
                            ("annual_report", "yearly report not filed"),
                            ("registration", "not registered for the year"),
                            ("commissioner_term", "commissioner term ending"),
                            ("agreement", "flexible-introduction agreement ending"),
                        ],
                        max_length=30,
                        verbose_name="reminder kind",
                    ),
                ),
                (
                    "lead_days",
                    models.PositiveSmallIntegerField(
                        help_text="0 sends the reminder on the due date or, if missed, after it.",
                        verbose_name="days before the due date",
                    ),
                ),
                (
                    "district_staff_only",
                    models.BooleanField(
                        default=True,
                        help_text="Only staff whose district scope includes the record; city-wide staff are not told.",
                        verbose_name="district staff only",
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="in use")),
            ],
            options={
                "verbose_name": "reminder rule",
                "verbose_name_plural": "reminder rules",
                "ordering": ["kind", "-lead_days"],
            },
        ),
        migrations.CreateModel(
            name="SentReminder",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("qualification", "qualification expiring"),
                            ("annual_report", "yearly report not filed"),
                            ("registration", "not registered for the year"),
                            ("commissioner_term", "commissioner term ending"),
                            ("agreement", "flexible-introduction agreement ending"),
                        ],
                        max_length=30,
                        verbose_name="reminder kind",
                    ),
                ),
                ("record_type", models.CharField(max_length=100, verbose_name="record type")),
                ("record_id", models.PositiveBigIntegerField(verbose_name="record id")),
                ("due_on", models.DateField(verbose_name="due on")),
                ("lead_days", models.PositiveSmallIntegerField(verbose_name="days before the due date")),
                ("sent_at", models.DateTimeField(auto_now_add=True, verbose_name="sent at")),
                ("emailed", models.BooleanField(default=False, verbose_name="e-mailed")),
            ],
            options={
                "verbose_name": "sent reminder",
                "verbose_name_plural": "sent reminders",
                "ordering": ["-sent_at"],
            },
        ),
        migrations.AddField(
            model_name="historicalqualificationkind",
            name="annual_report",
            field=models.BooleanField(
                default=False,
                help_text="Holders file a development report on each year by 31 May of the next, e.g. high-tech enterprises.",
                verbose_name="yearly development report",
            ),
        ),
        migrations.AddField(
            model_name="historicaltalent",
            name="agreement_ends_on",
            field=models.DateField(
                blank=True,
                help_text="End of a flexible-introduction agreement; the reminders page warns before it.",
                null=True,
                verbose_name="agreement ends on",
            ),
        ),
        migrations.AddField(
            model_name="qualificationkind",
            name="annual_report",
            field=models.BooleanField(
                default=False,
                help_text="Holders file a development report on each year by 31 May of the next, e.g. high-tech enterprises.",
                verbose_name="yearly development report",
            ),
        ),
        migrations.AddField(
            model_name="talent",
            name="agreement_ends_on",
            field=models.DateField(
                blank=True,
                help_text="End of a flexible-introduction agreement; the reminders page warns before it.",
                null=True,
                verbose_name="agreement ends on",
            ),
        ),
        migrations.AddConstraint(
            model_name="talent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("agreement_ends_on__isnull", True),
                    ("introduced_on__isnull", True),
                    ("agreement_ends_on__gte", models.F("introduced_on")),
                    _connector="OR",
                ),
                name="registry_talent_agreement_dates",
                violation_error_message="The agreement must not end before the talent was introduced.",
            ),
        ),
        migrations.AddField(
            model_name="annualreport",
            name="qualification",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="annual_reports",
                to="registry.qualification",
                verbose_name="qualification",
            ),
        ),
        migrations.AddField(
            model_name="historicalannualreport",
            name="history_user",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL
            ),
        ),
        migrations.AddField(
            model_name="historicalannualreport",
            name="qualification",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.qualification",
                verbose_name="qualification",
            ),
        ),
        migrations.AddField(
            model_name="reminderrule",
            name="groups",
            field=models.ManyToManyField(
                blank=True,
                help_text="Active staff in these roles are told.",
                to="auth.group",
                verbose_name="recipient roles",
            ),
        ),
        migrations.AddField(
            model_name="sentreminder",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL, verbose_name="recipient"
            ),
        ),
        migrations.AddConstraint(
            model_name="annualreport",
            constraint=models.UniqueConstraint(
                fields=("qualification", "year"),
                name="registry_annual_report_unique_year",
                violation_error_message="This qualification already has a report on this year.",
            ),
        ),
        migrations.AddConstraint(
            model_name="reminderrule",
            constraint=models.UniqueConstraint(
                fields=("kind", "lead_days"),
                name="registry_reminder_rule_unique",
                violation_error_message="There is already a rule for this kind and number of days.",
            ),
        ),
        migrations.AddConstraint(
            model_name="sentreminder",
            constraint=models.UniqueConstraint(
                fields=("user", "kind", "record_type", "record_id", "due_on", "lead_days"),
                name="registry_sent_reminder_once",
                violation_error_message="This reminder was already sent to this user.",
            ),
        ),
        migrations.RunPython(start_the_reminders, migrations.RunPython.noop),
    ]
