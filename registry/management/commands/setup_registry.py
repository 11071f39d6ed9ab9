"""First-start set-up used by `make run`: migrate, load the article fixtures once, create `admin`."""

import os
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from registry.models.lookups import Lookup

ARTICLE_FIXTURE = "articles"


def article_fixture_exists() -> bool:
    return any(
        path.name.startswith(ARTICLE_FIXTURE + ".")
        for directory in settings.FIXTURE_DIRS
        for path in directory.glob(ARTICLE_FIXTURE + ".*")
    )


def registry_is_empty() -> bool:
    """True before any registry record exists, i.e. on the first start. Lookup tables do not
    count: migration 0002 fills them, so they are never empty after `migrate`."""
    return not any(
        model.objects.exists()
        for model in apps.get_app_config("registry").get_models()
        if not model._meta.auto_created
        and model.__module__.startswith("registry.models")
        and not issubclass(model, Lookup)
    )


class Command(BaseCommand):
    help = "Migrate, load the article fixtures on first start, and create the `admin` superuser once."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移 (database migrated).")
        self.load_articles()
        self.create_admin()

    def load_articles(self):
        if not article_fixture_exists():
            self.stdout.write("尚无文章数据 fixtures, 跳过 (no article fixtures yet, skipped).")
        elif registry_is_empty():
            call_command("loaddata", ARTICLE_FIXTURE, verbosity=1)
        else:
            self.stdout.write("登记数据已存在, 不重复导入 (records exist, fixtures not reloaded).")

    @transaction.atomic
    def create_admin(self):
        User = get_user_model()
        if User.objects.filter(username="admin").exists():
            self.stdout.write("超级用户 admin 已存在, 密码未改动 (admin exists, password unchanged).")
            return
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser("admin", email="", password=password)
        if os.environ.get("DJANGO_SUPERUSER_PASSWORD"):
            self.stdout.write("已创建超级用户 admin, 密码取自 DJANGO_SUPERUSER_PASSWORD。")
        else:
            self.stdout.write(self.style.WARNING("=" * 60))
            self.stdout.write(self.style.WARNING(f"已创建超级用户 admin, 初始密码 (仅显示一次): {password}"))
            self.stdout.write(self.style.WARNING("Superuser `admin` created; password shown once above."))
            self.stdout.write(self.style.WARNING("=" * 60))
