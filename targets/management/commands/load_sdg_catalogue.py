from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from targets.services import CATALOGUE_DIR, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = "Load the official SDG goals, targets and indicators (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=CATALOGUE_DIR,
            help="Folder holding goals.csv, targets.csv, indicators.csv, migration_targets.csv.",
        )

    def handle(self, *args, data_dir: Path, **options):
        try:
            result = catalogue_load(data_dir=data_dir)
        except CatalogueError as error:
            raise CommandError(str(error)) from None
        for kind in ("goals", "targets", "indicators"):
            self.stdout.write(
                f"{kind}: {result.created[kind]} created, {result.updated[kind]} updated"
            )
        if not result.changed:
            self.stdout.write(self.style.SUCCESS("SDG catalogue already up to date."))
