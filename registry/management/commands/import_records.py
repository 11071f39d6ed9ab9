"""Import a spreadsheet into one registry model, exactly as the admin's import does.

Exit status: 0 imported (or nothing to change), 1 rows rejected (nothing written), 2 unusable file;
problems end in a CommandError (a message, no traceback) with that status.
"""

import sys
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from registry.importing import reading, service
from registry.importing.review_states import Target


def registry_model(name: str) -> Any:
    try:
        return apps.get_model("registry", name)
    except LookupError:
        raise CommandError(f"unknown model: {name}") from None


def command_user(username: str | None) -> Any:
    """The user named with --user, or the (unscoped) operator at the command line."""
    if not username:
        return service.CommandUser()
    User = get_user_model()
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist:
        raise CommandError(_("No user named “%(name)s”.") % {"name": username}) from None


class ProgressBar:
    """A one-line progress bar on a terminal; silent when output is redirected."""

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()

    def __call__(self, done, total):
        if self.enabled and total:
            filled = int(30 * done / total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {100 * done // total:3d}%")
            self.stream.flush()
            if done >= total:
                self.stream.write("\n")


class Command(BaseCommand):
    help = "Import an xlsx, xls or csv file into a registry model (e.g. talent, organization)."

    def add_arguments(self, parser):
        parser.add_argument("model", help="lowercase model name, e.g. talent")
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        parser.add_argument("--errors", metavar="REPORT.xlsx", help="write the error workbook here")
        parser.add_argument("--create-missing", action="store_true", help="create unknown organizations")
        parser.add_argument("--user", help="user name recorded in history (default: none)")
        parser.add_argument(
            "--clear-blanks", action="store_true", help="blank cells clear stored values (default: leave them alone)"
        )
        parser.add_argument(
            "--review-status",
            choices=[choice.value for choice in Target],
            default=Target.DRAFT,
            help="state of written records of a reviewed model (approved: submitted records entered by others only)",
        )

    def handle(self, *args, **options):
        translation.activate("zh-hans")
        model = registry_model(options["model"])
        user = command_user(options["user"])
        path = Path(options["file"])
        try:
            data = path.read_bytes()
            plan, header, rows = service.validate(
                model,
                data,
                path.name,
                user,
                options["create_missing"],
                ProgressBar(sys.stderr),
                clear_blanks=options["clear_blanks"],
                review_target=options["review_status"],
            )
        except (OSError, reading.UnusableFile) as error:
            raise CommandError(str(error), returncode=2) from error
        except PermissionDenied as error:
            raise CommandError(str(error), returncode=2) from error
        self.stdout.write(service.summary(plan))
        if plan.errors:
            for problem in plan.errors[:50]:
                self.stdout.write(str(problem))
            if options["errors"]:
                Path(options["errors"]).write_bytes(service.error_report(model, plan, header, rows, user))
            raise CommandError(_("Rows were rejected; nothing was imported."), returncode=1)
        if options["dry_run"] or not plan.has_changes:
            return
        try:
            result = service.apply_plan(plan, user, path.name)
        except service.ChangedSincePreview as error:
            raise CommandError(str(error), returncode=1) from error
        self.stdout.write(self.style.SUCCESS("{new} new, {updated} updated".format(**result)))
