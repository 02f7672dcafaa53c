"""The consultation log belongs to the targets app: it links a plan's prioritised targets
and reviewed frameworks, and governance sits below targets.

``governance.0005_consultation_log_moved_to_targets`` already renamed the tables to their
targets_* names and dropped the models from governance's state; this migration only adds
them to targets' state. No data moves.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("action_plans", "0003_plan_version_and_level_check"),
        ("governance", "0005_consultation_log_moved_to_targets"),
        ("targets", "0003_proposals_redeclinable_choice_checks_framework_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Consultation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("held_on", models.DateField(verbose_name="date held")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("review_workshop", "Review workshop"),
                                    ("bilateral_meeting", "Bilateral meeting"),
                                    ("stakeholder_consultation", "Stakeholder consultation"),
                                    ("funding_partners_meeting", "Funding partners meeting"),
                                ],
                                max_length=32,
                                verbose_name="kind",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "topic_beneficiaries",
                            models.BooleanField(default=False, verbose_name="target beneficiaries"),
                        ),
                        (
                            "topic_implementation_stakeholders",
                            models.BooleanField(
                                default=False, verbose_name="stakeholders for implementation"
                            ),
                        ),
                        (
                            "topic_resources_needed",
                            models.BooleanField(default=False, verbose_name="resources needed"),
                        ),
                        (
                            "topic_technical_capacity",
                            models.BooleanField(default=False, verbose_name="technical capacity"),
                        ),
                        ("outcomes", models.TextField(blank=True, verbose_name="outcomes")),
                        ("decisions", models.TextField(blank=True, verbose_name="decisions")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="recorded"),
                        ),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        (
                            "frameworks",
                            models.ManyToManyField(
                                blank=True,
                                related_name="consultations",
                                to="targets.framework",
                                verbose_name="existing frameworks concerned",
                            ),
                        ),
                        (
                            "organisations",
                            models.ManyToManyField(
                                related_name="consultations",
                                to="governance.organisation",
                                verbose_name="organisations present",
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="consultations",
                                to="action_plans.actionplan",
                            ),
                        ),
                        (
                            "prioritised_targets",
                            models.ManyToManyField(
                                blank=True,
                                related_name="consultations",
                                to="targets.prioritisedtarget",
                                verbose_name="prioritised targets concerned",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "consultation",
                        "verbose_name_plural": "consultations",
                        "ordering": ["-held_on", "-id"],
                    },
                ),
                migrations.CreateModel(
                    name="HistoricalConsultation",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("held_on", models.DateField(verbose_name="date held")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("review_workshop", "Review workshop"),
                                    ("bilateral_meeting", "Bilateral meeting"),
                                    ("stakeholder_consultation", "Stakeholder consultation"),
                                    ("funding_partners_meeting", "Funding partners meeting"),
                                ],
                                max_length=32,
                                verbose_name="kind",
                            ),
                        ),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "topic_beneficiaries",
                            models.BooleanField(default=False, verbose_name="target beneficiaries"),
                        ),
                        (
                            "topic_implementation_stakeholders",
                            models.BooleanField(
                                default=False, verbose_name="stakeholders for implementation"
                            ),
                        ),
                        (
                            "topic_resources_needed",
                            models.BooleanField(default=False, verbose_name="resources needed"),
                        ),
                        (
                            "topic_technical_capacity",
                            models.BooleanField(default=False, verbose_name="technical capacity"),
                        ),
                        ("outcomes", models.TextField(blank=True, verbose_name="outcomes")),
                        ("decisions", models.TextField(blank=True, verbose_name="decisions")),
                        (
                            "created_at",
                            models.DateTimeField(
                                blank=True, editable=False, verbose_name="recorded"
                            ),
                        ),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        ("history_id", models.AutoField(primary_key=True, serialize=False)),
                        ("history_date", models.DateTimeField(db_index=True)),
                        ("history_change_reason", models.CharField(max_length=100, null=True)),
                        (
                            "history_type",
                            models.CharField(
                                choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")],
                                max_length=1,
                            ),
                        ),
                        (
                            "history_user",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "plan",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="action_plans.actionplan",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "historical consultation",
                        "verbose_name_plural": "historical consultations",
                        "ordering": ("-history_date", "-history_id"),
                        "get_latest_by": ("history_date", "history_id"),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalConsultation_frameworks",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "consultation",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="targets.consultation",
                            ),
                        ),
                        (
                            "framework",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="targets.framework",
                            ),
                        ),
                        (
                            "history",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                to="targets.historicalconsultation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalConsultation_frameworks",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalConsultation_organisations",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "consultation",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="targets.consultation",
                            ),
                        ),
                        (
                            "history",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                to="targets.historicalconsultation",
                            ),
                        ),
                        (
                            "organisation",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="governance.organisation",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalConsultation_organisations",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name="HistoricalConsultation_prioritised_targets",
                    fields=[
                        (
                            "id",
                            models.BigIntegerField(
                                auto_created=True, blank=True, db_index=True, verbose_name="ID"
                            ),
                        ),
                        ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                        (
                            "consultation",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="targets.consultation",
                            ),
                        ),
                        (
                            "history",
                            models.ForeignKey(
                                db_constraint=False,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                to="targets.historicalconsultation",
                            ),
                        ),
                        (
                            "prioritisedtarget",
                            models.ForeignKey(
                                blank=True,
                                db_constraint=False,
                                db_tablespace="",
                                null=True,
                                on_delete=django.db.models.deletion.DO_NOTHING,
                                related_name="+",
                                to="targets.prioritisedtarget",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "HistoricalConsultation_prioritised_targets",
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.AddIndex(
                    model_name="consultation",
                    index=models.Index(
                        fields=["plan", "-held_on"], name="consultation_plan_newest"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="consultation",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            (
                                "kind__in",
                                [
                                    "review_workshop",
                                    "bilateral_meeting",
                                    "stakeholder_consultation",
                                    "funding_partners_meeting",
                                ],
                            )
                        ),
                        name="consultation_kind_known",
                    ),
                ),
            ],
        ),
    ]
