"""Values recorded before review existed counted at once: they stay counted, approved and
submitted by whoever recorded them, in the quarter of their date."""

from django.db import migrations
from django.db.models import F
from django.db.models.functions import ExtractQuarter, ExtractYear


def approve_recorded(apps, schema_editor):
    Progress = apps.get_model("interventions", "Progress")
    Progress.objects.update(
        status="approved",
        period_year=ExtractYear("measured_on"),
        period_quarter=ExtractQuarter("measured_on"),
        reviewed_by=F("submitted_by"),
        submitted_at=F("created_at"),
        reviewed_at=F("created_at"),
    )
    # Their history rows too: a history row holds the whole record as it was.
    apps.get_model("interventions", "HistoricalProgress").objects.update(
        status="approved",
        period_year=ExtractYear("measured_on"),
        period_quarter=ExtractQuarter("measured_on"),
        reviewed_by=F("submitted_by"),
    )


class Migration(migrations.Migration):
    dependencies = [("interventions", "0005_progress_reported_and_reviewed")]

    operations = [migrations.RunPython(approve_recorded, migrations.RunPython.noop)]
