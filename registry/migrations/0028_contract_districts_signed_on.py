"""A technology contract's district rows keep its signing date, the contract list's order, so a
district clerk's page is a range of the (division, signed_on, contract) or (zone, signed_on,
contract) index (registry/districts.py, page_keys); these replace the (division, contract) and
(zone, contract) indexes, which the scope's sub-select now reads as a prefix. The existing rows'
dates are copied last: PostgreSQL refuses CREATE INDEX on a table with rows changed earlier in the
same transaction."""

from django.db import migrations, models


def fill(apps, schema_editor):
    from registry import districts

    districts.copy_signing_dates(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0027_stored_districts"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="techcontractdistrict", name="registry_contract_dist_div"),
        migrations.RemoveIndex(model_name="techcontractdistrict", name="registry_contract_dist_zone"),
        migrations.AddField(
            model_name="techcontractdistrict",
            name="signed_on",
            field=models.DateField(blank=True, null=True, verbose_name="signed on"),
        ),
        migrations.AddIndex(
            model_name="techcontractdistrict",
            index=models.Index(fields=["division", "signed_on", "contract"], name="registry_contract_dist_div_on"),
        ),
        migrations.AddIndex(
            model_name="techcontractdistrict",
            index=models.Index(fields=["zone", "signed_on", "contract"], name="registry_contract_dist_zone_on"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
    ]
