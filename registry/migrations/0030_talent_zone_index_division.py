"""The zone index of talents also holds their division (INCLUDE, PostgreSQL): a clerk of a division
and a zone pages the zone's talents outside that division from the index alone
(districts.talent_page_keys)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0029_talent_district_filters"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="talent",
            name="registry_talent_zone_name",
        ),
        migrations.AddIndex(
            model_name="talent",
            index=models.Index(
                fields=["scope_zone", "name", "id"],
                include=(
                    "tier",
                    "academy",
                    "is_retired",
                    "introduction_mode",
                    "degree",
                    "title_level",
                    "introduced_on",
                    "scope_division",
                ),
                name="registry_talent_zone_name",
            ),
        ),
    ]
