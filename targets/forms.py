from django import forms
from django.utils.translation import gettext_lazy as _

from targets.models import MigrationRelevance


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search by code or words"),
        required=False,
        max_length=200,
        help_text=_("For example 10.7, 8.8.2 or “remittances”."),
    )
    relevance = forms.ChoiceField(
        label=_("Migration relevance"),
        required=False,
        choices=[
            ("", _("All targets")),
            ("migration", _("All migration-related targets")),
            (MigrationRelevance.EXPLICIT, _("Explicitly mention migration")),
            (MigrationRelevance.CROSS_CUTTING, _("Migration is cross-cutting")),
        ],
    )
