"""The consultation log moves to the targets app, which sits above governance.

The rows stay where they are: the tables (the consultation, its three link tables, its
history and simple-history's three link-history tables) are renamed to the names the
targets app gives them, and the models leave governance's state.
``targets.0004_consultation_log_moved_from_governance`` adds them to targets' state.
"""

from django.db import migrations

# Renaming the consultation's table renames its auto-created link tables with it.
TABLES = {
    "consultation": "targets_consultation",
    "historicalconsultation": "targets_historicalconsultation",
    "historicalconsultation_frameworks": "targets_historicalconsultation_frameworks",
    "historicalconsultation_organisations": "targets_historicalconsultation_organisations",
    "historicalconsultation_prioritised_targets": (
        "targets_historicalconsultation_prioritised_targets"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_choice_constraints_and_edit_versions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=name, table=table) for name, table in TABLES.items()
            ],
            # Link histories first: they point at the history and the consultation.
            state_operations=[
                migrations.DeleteModel(name="HistoricalConsultation_frameworks"),
                migrations.DeleteModel(name="HistoricalConsultation_organisations"),
                migrations.DeleteModel(name="HistoricalConsultation_prioritised_targets"),
                migrations.DeleteModel(name="HistoricalConsultation"),
                migrations.DeleteModel(name="Consultation"),
            ],
        ),
    ]
