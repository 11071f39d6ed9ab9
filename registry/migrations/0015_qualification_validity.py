"""A qualification's validity is computed from its dates (registry/validity.py), not stored.

The stored status goes. What it said is kept in dates: a record marked revoked gets today's date as
its revocation date and a reason saying the real date and reason were not recorded; a record marked
expired whose end date does not say so gets yesterday as its end (and a note). 科技型中小企业 becomes valid
for the calendar year of its registration.
"""

import datetime

from django.db import migrations, models
from django.utils import timezone

REVOKED_REASON = "迁移前已标记为撤销，撤销日期与原因未记录"
EXPIRED_NOTE = "迁移时：原状态为已过期而有效期未载明，有效期至记为迁移前一日。"


def keep_what_the_status_said(apps, schema_editor):
    Qualification = apps.get_model("registry", "Qualification")
    QualificationKind = apps.get_model("registry", "QualificationKind")
    QualificationKind.objects.filter(name="科技型中小企业").update(valid_for_calendar_year=True)
    today = timezone.localdate()
    Qualification.objects.filter(status="revoked").update(revoked_on=today, revocation_reason=REVOKED_REASON)
    yesterday = today - datetime.timedelta(days=1)
    stale = Qualification.objects.filter(status="expired").exclude(valid_until__lt=today)
    for qualification in stale:
        earliest = qualification.issued_on + datetime.timedelta(days=1) if qualification.issued_on else yesterday
        qualification.valid_until = max(yesterday, earliest)
        qualification.notes = "\n".join(part for part in (qualification.notes, EXPIRED_NOTE) if part)
        qualification.save(update_fields=["valid_until", "notes"])


def restore_the_status(apps, schema_editor):
    Qualification = apps.get_model("registry", "Qualification")
    today = timezone.localdate()
    Qualification.objects.filter(revoked_on__isnull=False).update(status="revoked")
    Qualification.objects.filter(revoked_on__isnull=True, valid_until__lt=today).update(status="expired")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_many_to_many_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalqualification",
            name="revocation_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="reason for revocation"),
        ),
        migrations.AddField(
            model_name="historicalqualification",
            name="revoked_on",
            field=models.DateField(blank=True, null=True, verbose_name="revoked on"),
        ),
        migrations.AddField(
            model_name="historicalqualificationkind",
            name="valid_for_calendar_year",
            field=models.BooleanField(
                default=False,
                help_text="“Valid until” becomes 31 December of the issue year, e.g. for tech-based SMEs.",
                verbose_name="valid for the calendar year",
            ),
        ),
        migrations.AddField(
            model_name="qualification",
            name="revocation_reason",
            field=models.CharField(blank=True, max_length=200, verbose_name="reason for revocation"),
        ),
        migrations.AddField(
            model_name="qualification",
            name="revoked_on",
            field=models.DateField(blank=True, null=True, verbose_name="revoked on"),
        ),
        migrations.AddField(
            model_name="qualificationkind",
            name="valid_for_calendar_year",
            field=models.BooleanField(
                default=False,
                help_text="“Valid until” becomes 31 December of the issue year, e.g. for tech-based SMEs.",
                verbose_name="valid for the calendar year",
            ),
        ),
        migrations.RunPython(keep_what_the_status_said, restore_the_status),
        migrations.RemoveField(model_name="historicalqualification", name="status"),
        migrations.RemoveField(model_name="qualification", name="status"),
        migrations.AddConstraint(
            model_name="qualification",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("revocation_reason", ""), ("revoked_on__isnull", True)),
                    models.Q(("revoked_on__isnull", False), models.Q(("revocation_reason", ""), _negated=True)),
                    _connector="OR",
                ),
                name="registry_qualification_revocation_complete",
                violation_error_message="A revocation needs both its date and its reason.",
            ),
        ),
    ]
