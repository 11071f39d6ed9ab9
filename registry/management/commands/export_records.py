"""Export every record of a registry model to an xlsx or csv file, as the admin's export does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry.importing import service

from .import_records import command_user, registry_model


class Command(BaseCommand):
    help = "Export a registry model (e.g. talent) to file.xlsx or file.csv."

    def add_arguments(self, parser):
        parser.add_argument("model")
        parser.add_argument("file")
        parser.add_argument("--user", help="export as this user (personal data only if allowed)")

    def handle(self, *args, **options):
        model = registry_model(options["model"])
        path = Path(options["file"])
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("the file must end in .xlsx or .csv")
        user = command_user(options["user"])
        data = service.export(model.objects.all(), user, path.suffix[1:].lower(), path.name)
        path.write_bytes(data)
        self.stdout.write(f"{path}: {len(data)} bytes")
