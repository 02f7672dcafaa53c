from collections.abc import Iterable
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.validators import MaxLengthValidator
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from action_plans.notifications import Email, email_queue
from governance.models import (
    NOTES_MAX_LENGTH,
    Activity,
    LeadModel,
    Organisation,
    OrganisationType,
    Role,
    SignOffDecision,
    User,
)
from governance.permissions import organisations_visible_to
from governance.selectors import ORGANISATION_SORTS, plan_governance
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_problems
from msd_planner.lib.ratelimit import ratelimit_hit
from msd_planner.lib.types import StrOrPromise
from msd_planner.lib.versioned_edit import VersionedForm, VersionedModelForm

USERNAME_MAX_LENGTH = User._meta.get_field("username").max_length

ORGANISATION_LOCALISATION_FIELDS = [
    "is_local_actor",
    "led_by_women",
    "led_by_youth",
    "led_by_persons_with_disabilities",
    "led_by_migrants",
    "led_by_host_community",
    "credit_preference",
]
ORGANISATION_HELP_TEXTS = {
    "is_local_actor": _(
        "A local or national actor rooted in the community, as in the localisation "
        "pledge: included in coordination and counted in the share of funds to local "
        "partners."
    ),
    "credit_preference": _(
        "How the organisation wishes to be credited in the plan and its public materials."
    ),
}


class OrganisationFieldGroups:
    @property
    def identity_fields(self):
        return [field for field in self.visible_fields() if field.name not in self.localisation]

    @property
    def localisation_fields(self):
        return [field for field in self.visible_fields() if field.name in self.localisation]

    localisation = frozenset(ORGANISATION_LOCALISATION_FIELDS)


class OrganisationForm(OrganisationFieldGroups, VersionedModelForm):
    """Every field of an organisation, for platform administrators."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "type",
            "level",
            "parent",
            "country",
            "iati_identifier",
            *ORGANISATION_LOCALISATION_FIELDS,
        ]
        help_texts = ORGANISATION_HELP_TEXTS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parents = Organisation.objects.order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents


class OrganisationProfileForm(OrganisationFieldGroups, VersionedModelForm):
    """What an organisation's own coordinators may change: its names, its IATI
    identifier, who leads it and how it wishes to be credited. Its type, level, parent,
    country and whether it is a local actor decide lead arrangements and the
    localisation share: administrators set those."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "acronym",
            "iati_identifier",
            *[name for name in ORGANISATION_LOCALISATION_FIELDS if name != "is_local_actor"],
        ]
        help_texts = ORGANISATION_HELP_TEXTS


class SortField(forms.ChoiceField):
    """How a table is sorted: one of ``sorts``, the names its selector orders by. Any
    other value (an old link, an address typed by hand) gives ``default`` rather than an
    error, so the filters beside it still apply."""

    widget = forms.HiddenInput

    def __init__(self, *, sorts: Iterable[str], default: str, **kwargs):
        super().__init__(choices=[(name, name) for name in sorts], required=False, **kwargs)
        self.default = default

    def clean(self, value) -> str:
        value = self.to_python(value)
        return value if self.valid_value(value) else self.default


class SortedFilterForm(forms.Form):
    """A list's filters and its sort (a ``SortField`` named ``sort``), read from the
    query string; the view hands ``filters()`` and ``ordering()`` to the list's
    selector."""

    def filters(self) -> dict:
        """The filters asked for, without the sort; none while one of them is invalid
        (the form shows why)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if name != "sort"}

    def ordering(self) -> str:
        """The sort asked for, or the default; a filter in error leaves it as asked."""
        if not self.is_bound:
            return self.fields["sort"].default  # type: ignore[attr-defined]  # a SortField
        self.is_valid()  # cleans every field; the sort's cleaning never fails
        return self.cleaned_data["sort"]


class OrganisationFilterForm(SortedFilterForm):
    q = forms.CharField(label=_("Name or acronym"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *OrganisationType.choices]
    )
    local_actor = forms.BooleanField(label=_("Local actors only"), required=False)
    sort = SortField(sorts=ORGANISATION_SORTS, default="name")


class MemberInviteForm(forms.Form):
    """A new member of a known organisation (its coordinators invite from its page)."""

    # The address becomes the username too, which holds at most 150 characters.
    email = forms.EmailField(
        label=_("Email address"),
        max_length=USERNAME_MAX_LENGTH,
        error_messages={
            "max_length": format_lazy(
                _("Enter an email address of at most {count} characters."),
                count=USERNAME_MAX_LENGTH,
            )
        },
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    role = forms.ChoiceField(label=_("Role in the organisation"), choices=Role.choices)


class InviteForm(MemberInviteForm):
    """A new user of any organisation (administrators invite from the user list)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    field_order = ["email", "first_name", "last_name", "organisation", "role"]


class MembershipForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class RoleForm(VersionedForm):
    """The role of one membership (the membership's version)."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


# Long enough for any passphrase or generated password; hashing a megabyte is not.
PASSWORD_MAX_LENGTH = 128
PASSWORD_TOO_LONG = format_lazy(
    _("Use a password of at most {count} characters."), count=PASSWORD_MAX_LENGTH
)


def _password_length_bounded(form: forms.BaseForm, *names: str) -> None:
    # A validator, not max_length: a browser told maxlength cuts a pasted password short
    # without a word, and the user would not know the password they saved.
    for name in names:
        form.fields[name].validators.append(
            MaxLengthValidator(PASSWORD_MAX_LENGTH, message=PASSWORD_TOO_LONG)
        )


class InvitationAcceptForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_length_bounded(self, "password1", "password2")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class LoginForm(auth_forms.AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before it
    reaches authentication (the login throttle stores at most 255 characters)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Django sets max_length on the field after it is built: the browser is told,
        # the form never checks it.
        self.fields["username"].validators.append(
            MaxLengthValidator(
                USERNAME_MAX_LENGTH,
                message=format_lazy(
                    _("A username has at most {count} characters."), count=USERNAME_MAX_LENGTH
                ),
            )
        )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change, with a bound on the length of the new password."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_length_bounded(self, "new_password1", "new_password2")


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's new password after a reset link, with a bound on its length."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _password_length_bounded(self, "new_password1", "new_password2")


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name, username or email"), required=False, max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("All organisations"),
    )


def _choosable_organisations(user) -> QuerySet[Organisation]:
    """The organisations ``user`` may pick: those the registry policy lets them see."""
    return Organisation.objects.filter(pk__in=organisations_visible_to(user).values("pk")).order_by(
        "name"
    )


class FirstOptionLabelled:
    """A choice widget shown as a fieldset of options. The error summary links to the
    field's first option; Django's own choice widgets give no id for that link."""

    def id_for_label(self, id_, index="0"):
        return f"{id_}_{index}" if id_ else ""


class Checkboxes(FirstOptionLabelled, forms.CheckboxSelectMultiple):
    pass


class Radios(FirstOptionLabelled, forms.RadioSelect):
    pass


class LeadArrangementForm(VersionedForm):
    """The whole lead arrangement of a plan (the arrangement's version, 0 before one
    exists)."""

    model = forms.ChoiceField(
        label=_("Who leads the process"), choices=LeadModel.choices, widget=Radios
    )
    lead = forms.ModelChoiceField(
        label=_("Lead body"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose the lead body"),
    )
    second_lead = forms.ModelChoiceField(
        label=_("Second lead body"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("No second lead body"),
        help_text=_("Only for a joint lead, or when two international organisations facilitate."),
    )
    has_decision_power = forms.BooleanField(
        label=_("The coordinating council or working group holds decision power"),
        required=False,
        help_text=_(
            "Only for a coordinating council or working group; ignored for the other ways "
            "of leading."
        ),
    )
    advisers = forms.ModelMultipleChoiceField(
        label=_("Technical advisers (optional)"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=Checkboxes,
        help_text=_(
            "External organisations giving regular technical advice to the leads. Tick all "
            "that apply."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organisations = _choosable_organisations(user)
        for name in ("lead", "second_lead", "advisers"):
            self.fields[name].queryset = organisations
        for activity in Activity:
            self.fields[f"responsibility_{activity.value}"] = forms.ModelChoiceField(
                label=activity.label,
                queryset=organisations,
                required=False,
                empty_label=_("Not assigned (goes to the lead body when there is only one)"),
            )

    def saved_values(self, current) -> list[tuple[StrOrPromise, StrOrPromise]]:
        """The lead arrangement as it is saved now, for the conflict screen."""
        governance = plan_governance(current.plan)
        arrangement = governance.arrangement
        if arrangement is None:
            return [(_("Who leads the process"), _("Not set"))]
        rows: list[tuple[StrOrPromise, StrOrPromise]] = [
            (_("Who leads the process"), arrangement.get_model_display()),
            (_("Lead bodies"), ", ".join(str(body.organisation) for body in governance.leads)),
            (
                _("Technical advisers"),
                ", ".join(str(body.organisation) for body in governance.advisers) or "–",
            ),
        ]
        rows += [
            (label, str(organisation) if organisation else "–")
            for label, organisation in governance.responsibilities
        ]
        rows.append((_("Notes"), arrangement.notes or "–"))
        return rows

    @property
    def responsibility_fields(self):
        return [self[f"responsibility_{activity.value}"] for activity in Activity]

    @property
    def general_fields(self):
        names = ("model", "lead", "second_lead", "has_decision_power", "advisers", "notes")
        return [self[name] for name in names]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        data = self.arrangement_data()
        for field_name, messages in lead_arrangement_problems(data).items():
            for message in messages:
                self.add_error("lead" if field_name == "leads" else field_name, message)
        return cleaned

    def arrangement_data(self) -> LeadArrangementData:
        cleaned = self.cleaned_data
        return LeadArrangementData(
            model=cleaned["model"],
            leads=[lead for lead in (cleaned["lead"], cleaned.get("second_lead")) if lead],
            advisers=list(cleaned.get("advisers") or []),
            responsibilities={
                activity.value: cleaned[f"responsibility_{activity.value}"]
                for activity in Activity
                if cleaned.get(f"responsibility_{activity.value}")
            },
            has_decision_power=cleaned.get("has_decision_power", False),
            notes=cleaned.get("notes", ""),
        )


class ParticipantAddForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    signatory_required = forms.BooleanField(
        label=_("Its signature is required to validate the plan"), required=False, initial=True
    )

    def __init__(self, *args, plan, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _choosable_organisations(user).exclude(
            participations__plan=plan
        )


class ParticipantEditForm(VersionedForm):
    # A plain form: a model form would write into the participation before the service
    # compares it with what is saved, and the change would be lost.
    signatory_required = forms.BooleanField(
        label=_("Its signature is required to validate the plan"), required=False
    )


# Password resets are limited per account (here) and per client address (in the view).
# The page after a request never says whether an account uses the address: an account
# over its limit gets no email and the same "check your email" page.
PASSWORD_RESET_WINDOW = timedelta(hours=1)


class LimitedPasswordResetForm(PasswordResetForm):
    """Sends to an account at most ``PASSWORD_RESET_ACCOUNT_LIMIT`` times an hour."""

    def get_users(self, email):
        for user in super().get_users(email):
            if ratelimit_hit(
                scope="password-reset-account",
                key=str(user.pk),
                limit=settings.PASSWORD_RESET_ACCOUNT_LIMIT,
                window=PASSWORD_RESET_WINDOW,
            ):
                yield user

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Through the worker, as every email of the app (the request does not wait for
        the mail server)."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_queue(Email(subject, body, [to_email]))


class SignForm(forms.Form):
    """A signatory's decision on the version in validation, for one of their
    organisations whose signature is required."""

    organisation = forms.ModelChoiceField(
        label=_("Signing for"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose the organisation you sign for.")},
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (SignOffDecision.APPROVE, _("Approve the plan")),
            (SignOffDecision.REQUEST_CHANGES, _("Request changes")),
        ],
        widget=Radios,
        error_messages={"required": _("Approve the plan or request changes.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes: say which, and why."),
    )

    section = forms.ChoiceField(
        label=_("Section your comment is about"),
        required=False,
        choices=[],
        help_text=_("Optional: the coordinators are pointed to it on the version's page."),
    )
    # What the page showed: the version and the checksum of its PDF for validation (empty
    # when none was ready). The service refuses a decision on something else.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    document_checksum = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args, organisations, sections=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["section"].choices = [("", _("The plan as a whole")), *sections]

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("decision") == SignOffDecision.REQUEST_CHANGES
            and not (cleaned.get("comment") or "").strip()
        ):
            self.add_error("comment", _("Say which changes are needed."))
        return cleaned


class TwoFactorCodeForm(forms.Form):
    """The code of the second step: six digits from the authenticator app, or a recovery
    code (the enrolment page takes the app's code only)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
