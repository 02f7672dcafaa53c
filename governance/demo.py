"""Demonstration organisations, users, plans and their governance (``manage.py load_demo``).

Every step looks records up by a natural key first and goes through the same services
as the app, so running it again creates nothing new and leaves edits made through the
app alone.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from django.conf import settings
from django.utils import timezone

from action_plans import workflow
from action_plans.demo import DemoData, register_demo_step
from action_plans.models import ActionPlan, ChangeReason, PlanLevel
from action_plans.services import plan_create
from governance.models import (
    Activity,
    CreditPreference,
    LeadArrangement,
    LeadModel,
    Organisation,
    OrganisationLevel,
    OrganisationType,
    Participation,
    Role,
    User,
)
from governance.services.lead_arrangement import LeadArrangementData, lead_arrangement_set
from governance.services.memberships import membership_set
from governance.services.participations import participation_add
from governance.services.signing import plan_sign
from governance.validation import required_signatures

DEMO_PASSWORD = "msd-demo-2030"  # noqa: S105 - documented in README, demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    organisation: str | None = None  # acronym
    role: str | None = None
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "Ada", "Mensah", "admin@planner.example", is_superuser=True),
    DemoUser("coordinator", "Kofi", "Boateng", "k.boateng@mint.example", "MINT", Role.COORDINATOR),
    DemoUser("editor", "Efua", "Owusu", "e.owusu@melr.example", "MELR", Role.EDITOR),
    DemoUser("signatory", "Samuel", "Asante", "s.asante@melr.example", "MELR", Role.SIGNATORY),
    DemoUser("viewer", "Vida", "Addo", "v.addo@melr.example", "MELR", Role.VIEWER),
    DemoUser("stats.editor", "Yaw", "Darko", "y.darko@gss.example", "GSS", Role.EDITOR),
    DemoUser(
        "local.coordinator", "Lydia", "Tetteh", "l.tetteh@ama.example", "AMA", Role.COORDINATOR
    ),
    # A local actor's coordinator, who states its capacity-strengthening needs.
    DemoUser(
        "amwa.coordinator",
        "Fatima",
        "Alhassan",
        "f.alhassan@amwa.example",
        "AMWA",
        Role.COORDINATOR,
    ),
    # A signatory for every organisation whose signature the demo plans require.
    DemoUser("signatory.mint", "Abena", "Osei", "a.osei@mint.example", "MINT", Role.SIGNATORY),
    DemoUser("signatory.gss", "Kwame", "Adjei", "k.adjei@gss.example", "GSS", Role.SIGNATORY),
    DemoUser(
        "signatory.moh", "Akosua", "Frimpong", "a.frimpong@moh.example", "MOH", Role.SIGNATORY
    ),
    DemoUser(
        "signatory.ndpc", "Yaa", "Asantewaa", "y.asantewaa@ndpc.example", "NDPC", Role.SIGNATORY
    ),
    DemoUser("signatory.amwa", "Ibrahim", "Musah", "i.musah@amwa.example", "AMWA", Role.SIGNATORY),
    DemoUser("signatory.womn", "Esi", "Mensah", "e.mensah@womn.example", "WOMN", Role.SIGNATORY),
    DemoUser("signatory.ama", "Nii", "Armah", "n.armah@ama.example", "AMA", Role.SIGNATORY),
]

_NATIONAL = {"level": OrganisationLevel.NATIONAL, "country": "GH"}
_LOCAL_ACTOR = {"level": OrganisationLevel.LOCAL, "country": "GH", "is_local_actor": True}
DEMO_ORGANISATIONS: list[dict[str, Any]] = [
    {
        "name": "Ministry of the Interior",
        "acronym": "MINT",
        "type": OrganisationType.MINISTRY,
        # an illustrative identifier (the plan's IATI file names its publisher by it)
        "iati_identifier": "GH-GOV-MINT",
        **_NATIONAL,
    },
    {
        "name": "Ghana Statistical Service",
        "acronym": "GSS",
        "type": OrganisationType.STATISTICS_OFFICE,
        **_NATIONAL,
    },
    {
        "name": "National Development Planning Commission",
        "acronym": "NDPC",
        "type": OrganisationType.PLANNING_MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "Ministry of Employment and Labour Relations",
        "acronym": "MELR",
        "type": OrganisationType.MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "Ministry of Health",
        "acronym": "MOH",
        "type": OrganisationType.MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "International Organization for Migration",
        "acronym": "IOM",
        "type": OrganisationType.INTERNATIONAL,
        "iati_identifier": "XM-DAC-47066",  # IOM's own, as it publishes in IATI
        "level": OrganisationLevel.INTERNATIONAL,
    },
    {
        "name": "Accra Metropolitan Assembly",
        "acronym": "AMA",
        "type": OrganisationType.LOCAL_GOVERNMENT,
        "level": OrganisationLevel.LOCAL,
        "country": "GH",
    },
    {
        "name": "Ashaiman Migrant Workers' Association",
        "acronym": "AMWA",
        "type": OrganisationType.MIGRANT_LED,
        "led_by_migrants": True,
        **_LOCAL_ACTOR,
    },
    {
        "name": "Women on the Move Network",
        "acronym": "WOMN",
        "type": OrganisationType.CIVIL_SOCIETY,
        "led_by_women": True,
        "credit_preference": CreditPreference.ANONYMOUS,
        **_LOCAL_ACTOR,
    },
    {
        "name": "Ghana Diaspora Forum",
        "acronym": "GDF",
        "type": OrganisationType.DIASPORA,
        "level": OrganisationLevel.INTERNATIONAL,
        "country": "GH",
    },
]

NATIONAL_PLAN = {
    "title": "National Migration-SDG Action Plan 2025–2030",
    "country": "GH",
    "level": PlanLevel.NATIONAL,
    "area_name": "Ghana",
    "period_start_year": 2025,
    "period_end_year": 2030,
    "base_currency": "GHS",
}
LOCAL_PLAN = {
    "title": "Accra Metropolitan Migration-SDG Action Plan 2026–2030",
    "country": "GH",
    "level": PlanLevel.LOCAL,
    "area_name": "Accra Metropolitan Area",
    "period_start_year": 2026,
    "period_end_year": 2030,
    "base_currency": "GHS",
}


def _ensure_user(spec: DemoUser, organisations: dict[str, Organisation]) -> bool:
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": spec.email,
            "is_superuser": spec.is_superuser,
            "is_staff": spec.is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if created and spec.organisation and spec.role:
        membership_set(
            actor=None, user=user, organisation=organisations[spec.organisation], role=spec.role
        )
    return created


def _ensure_plan(values: dict, actor: User) -> tuple[ActionPlan, bool]:
    plan = ActionPlan.objects.filter(title=values["title"], country=values["country"]).first()
    if plan is not None:
        return plan, False
    return plan_create(actor=actor, plan=ActionPlan(**values)), True


def _ensure_governance(
    actor: User,
    plan: ActionPlan,
    arrangement: LeadArrangementData,
    participants: dict[Organisation, bool],
) -> None:
    if not LeadArrangement.objects.filter(plan=plan).exists():
        lead_arrangement_set(actor=actor, plan=plan, data=arrangement, expected_version=0)
    for organisation, signatory_required in participants.items():
        if not Participation.objects.filter(plan=plan, organisation=organisation).exists():
            participation_add(
                actor=actor,
                plan=plan,
                organisation=organisation,
                signatory_required=signatory_required,
            )


def load(data: DemoData) -> None:
    """Organisations, a user per role, the national and the local plan with their
    governance."""
    for values in DEMO_ORGANISATIONS:
        lookup = {"name": values["name"]}
        defaults = {key: value for key, value in values.items() if key != "name"}
        organisation, created = Organisation.objects.get_or_create(**lookup, defaults=defaults)
        data.organisations[organisation.acronym] = organisation
        data.created["organisations"] += created
    organisations = data.organisations
    data.created["users"] += sum(_ensure_user(spec, organisations) for spec in DEMO_USERS)
    admin = User.objects.get(username="admin")

    national, created = _ensure_plan(NATIONAL_PLAN, admin)
    data.plans["national"] = national
    data.created["plans"] += created
    mint, gss = organisations["MINT"], organisations["GSS"]
    _ensure_governance(
        admin,
        national,
        LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[mint, gss],
            advisers=[organisations["IOM"]],
            responsibilities={
                activity.value: gss if activity == Activity.MONITORING else mint
                for activity in Activity
            },
            notes="The Ministry of the Interior leads prioritisation and intervention design; "
            "the Ghana Statistical Service leads monitoring and evaluation.",
        ),
        {
            organisations["MELR"]: True,
            organisations["MOH"]: True,
            organisations["NDPC"]: True,
            organisations["AMWA"]: True,
            organisations["WOMN"]: True,
            organisations["GDF"]: False,
        },
    )

    local, created = _ensure_plan(LOCAL_PLAN, admin)
    data.plans["local"] = local
    data.created["plans"] += created
    _ensure_governance(
        admin,
        local,
        LeadArrangementData(
            model=LeadModel.SINGLE, leads=[organisations["AMA"]], advisers=[organisations["IOM"]]
        ),
        {organisations["AMWA"]: True, organisations["WOMN"]: False},
    )
    names = ", ".join(user.username for user in DEMO_USERS)
    data.notes.append(f"Demo users ({names}) sign in with the password {DEMO_PASSWORD!r}.")
    if settings.TWO_FACTOR_REQUIRED:
        data.notes.append(
            "Two-factor sign-in: admin, the coordinators and the signatories add an authenticator "
            "app at their first sign-in (TWO_FACTOR_REQUIRED=false turns that off; see README)."
        )


def national_adoption(day: date) -> tuple[date, str]:
    """The national plan is adopted on the day the demo is loaded, after its version was
    submitted and validated that day: its dates follow each other as a real plan's do."""
    written = format_date(day, "d MMMM y", locale="en_GB")
    return day, f"Cabinet decision CD/{day.year}/041 of {written}"


ACCRA_UNSIGNED = "AMWA"  # the Accra plan waits for this organisation's signature


def _sign_all(plan: ActionPlan, *, leaving_out: str = "") -> None:
    for required in required_signatures(plan):
        organisation = Organisation.objects.get(pk=required.organisation_id)
        if organisation.acronym == leaving_out:
            continue
        signatory = User.objects.get(
            memberships__organisation=organisation, memberships__role=Role.SIGNATORY
        )
        plan_sign(
            actor=signatory, plan=plan, organisation=organisation, decision="approve", comment=""
        )


def validate(data: DemoData) -> None:
    """The national plan validated by every required organisation and adopted (1.0), then
    opened for revision; the Accra plan in validation, one signature missing. Once: a
    plan with versions is left as it is."""
    national, local = data.plans["national"], data.plans["local"]
    if not national.versions.exists():
        coordinator = User.objects.get(username="coordinator")
        workflow.plan_submit(actor=coordinator, plan=national)
        _sign_all(national)
        adopted_on, reference = national_adoption(timezone.localdate())
        workflow.plan_adopt(
            actor=coordinator, plan=national, adoption_date=adopted_on, reference=reference
        )
        workflow.plan_revision_open(
            actor=coordinator,
            plan=national,
            reason=ChangeReason.RE_SCOPING,
            text="The mid-year review with the ministries: the returnees' health, and the "
            "resource centres' calendar.",
        )
    if not local.versions.exists():
        workflow.plan_submit(actor=User.objects.get(username="local.coordinator"), plan=local)
        _sign_all(local, leaving_out=ACCRA_UNSIGNED)


def register() -> None:
    register_demo_step(load)
    register_demo_step(validate, after_content=True)
