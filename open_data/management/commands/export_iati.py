"""``manage.py export_iati <plan> <version> [--output FILE] [--check]``: an adopted
version's IATI 2.03 activity file, to a file or the standard output."""

import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from open_data import iati_check, selectors
from open_data.iati import NoInterventions, NoReportingOrganisation, iati_export

VERSION_NUMBER = re.compile(r"(\d+)\.(\d+)")


class Command(BaseCommand):
    help = "Write an adopted version of a plan as an IATI 2.03 activity file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", type=int, help="the plan's id")
        parser.add_argument("version", help="the version's number, e.g. 1.0")
        parser.add_argument("--output", type=Path, help="the file to write (default: stdout)")
        parser.add_argument(
            "--check",
            action="store_true",
            help="check the file against the IATI 2.03 schema and codelists; write nothing "
            "if it fails",
        )

    def handle(self, *args, plan: int, version: str, output: Path | None, check: bool, **options):
        number = VERSION_NUMBER.fullmatch(version)
        if number is None:
            raise CommandError(f"{version!r} is not a version number such as 1.0.")
        found = selectors.published_version(plan, int(number[1]), int(number[2]))
        if found is None:
            raise CommandError(f"Plan {plan} has no adopted version {version}.")
        try:
            export = iati_export(found)
        except (NoReportingOrganisation, NoInterventions) as why:
            raise CommandError(str(why)) from None
        if check and (problems := iati_check.problems(export.xml)):
            raise CommandError("The IATI file does not hold:\n" + "\n".join(problems))
        if output is None:
            sys.stdout.buffer.write(export.xml)
            sys.stdout.flush()
        else:
            output.write_bytes(export.xml)
        summary = [
            f"{len(export.activities)} activities reported by {export.reporting}",
            *export.notes,
        ]
        if check:
            summary.append("Valid against the IATI 2.03 schema; every code is in its codelist.")
        if output is not None:
            summary.append(f"Written to {output} ({len(export.xml)} bytes).")
        self.stderr.write("\n".join(summary))
