from django.core.management.base import BaseCommand, CommandError

from action_plans.models import ActionPlan
from interventions import sdg_export
from msd_planner.lib import csv_stream


class Command(BaseCommand):
    help = (
        "Write a plan's approved progress values for the global SDG database as CSV to "
        "standard output (the columns of the plan's download)."
    )

    def add_arguments(self, parser):
        parser.add_argument("plan_id", type=int)
        parser.add_argument("--year", type=int, help="Only this year's values.")

    def handle(self, *args, plan_id: int, year: int | None, **options):
        plan = ActionPlan.objects.filter(pk=plan_id).first()
        if plan is None:
            raise CommandError(f"No plan {plan_id}.")
        rows = sdg_export.sdg_rows(plan, year=year)
        for chunk in csv_stream.csv_chunks(sdg_export.HEADERS, rows):
            # the text as written, line ends and BOM included: a file redirected from
            # here is the same as the download
            self.stdout.write(chunk.decode("utf-8"), ending="")
