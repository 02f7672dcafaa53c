"""Every URL × every member of the cast × GET and POST, against the expected outcome.

The URL configuration is walked: a URL pattern without a name, or a named URL without a
row here, fails the suite, so no view can be added without saying who may use it. Each
request runs in a savepoint that is rolled back, so a POST by one role does not change
what the next one sees.

A row whose URL names a nested object (a plan's target, framework, consultation,
participation…, or a user's membership) also says, in ``foreign``, how to ask for
another plan's (or user's) object under plan A (or user X): tests/test_foreign_objects.py
requests each of those.

Every expected outcome is written by hand: a literal role → outcome, or a reference to
the hand-written table of tests/cast_access.py (what each member of the cast holds on
plan A). None is computed from ``action_plans.policy``, the rules under test.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse

from action_plans.permissions import PlanAction
from api.models import ApiToken
from api.services import token_create
from funding import services as funding
from funding.models import CapacityNeed, Commitment, Engagement, FundingSource
from governance.models import Organisation
from interventions import services as interventions
from interventions.models import Intervention, Progress, ResultIndicator
from targets.models import (
    Consultation,
    FollowedIndicator,
    Framework,
    Indicator,
    PrioritisedTarget,
    Target,
)
from targets.services import (
    consultation_create,
    followed_indicator_add,
    framework_create,
    prioritised_target_add,
    prioritised_target_update,
)
from tests.cast_access import ACTS_FOR, PLAN_A_DRAFT
from tests.conftest import Cast

ALLOW, REFUSE, HIDE, LOGIN, NOT_ALLOWED = "allow", "refuse (403)", "hide (404)", "login", "405"
NOT_NOW = "not in this status (409)"  # allowed to the role, but the plan's status closes it
SIGNED_IN = [role for role in Cast.ROLES if role != "anonymous"]


@dataclass
class Row:
    kwargs: Callable[[Cast], dict] = lambda cast: {}
    access: Callable[[Cast, str], str] = lambda cast, role: ALLOW
    # Outcome for one method where it differs from ``access``: a fixed outcome or a rule.
    methods: dict[str, str | Callable[[Cast, str], str]] = field(default_factory=dict)
    # For a URL naming a nested object: kwargs that keep plan A (user X) as the parent
    # but name another plan's (user's) object, one dict per way of getting it wrong.
    foreign: Callable[[Cast], list[dict]] | None = None


def display_only(cast, role):
    """A page that only displays: GET as its access says, POST not allowed."""
    return LOGIN if role == "anonymous" else NOT_ALLOWED


def public(cast, role):
    return ALLOW


def signed_in(cast, role):
    return LOGIN if role == "anonymous" else ALLOW


def administrators(cast, role):
    return {"anonymous": LOGIN, "administrator": ALLOW}.get(role, HIDE)


def owned_on_plan_a(action: PlanAction | None, owner: str):
    """A page of a record of plan A that ``owner`` (an organisation of the cast) owns: for
    those tests/cast_access.py gives ``action`` (no one when None), and for those who act
    for the owner (``ACTS_FOR``)."""
    plan_wide = on_plan_a(action)

    def access(cast, role):
        return ALLOW if role in ACTS_FOR[owner] else plan_wide(cast, role)

    return access


def on_plan_a(action: PlanAction | None):
    """A page of plan A (a draft) for those the hand-written table (tests/cast_access.py)
    gives ``action``; the others who see the plan are refused, the rest do not learn it
    exists."""

    def access(cast, role):
        if role == "anonymous":
            return LOGIN
        if PLAN_A_DRAFT.allows(role, action):
            return ALLOW
        return REFUSE if PLAN_A_DRAFT.allows(role, PlanAction.VIEW) else HIDE

    return access


def on_plan_a_not_now(action: PlanAction):
    """A workflow step of plan A that does not apply to a draft (plan A is one): those the
    table gives ``action`` get the page saying why (409), the others as on_plan_a."""
    allowed = on_plan_a(action)

    def access(cast, role):
        outcome = allowed(cast, role)
        return NOT_NOW if outcome == ALLOW else outcome

    return access


# Ministry X takes part in plan A: its own members, plan A's other members, the
# administrator and whoever governs a plan (the whole registry, to find partners) see
# it; only the administrator and X's own coordinator may manage it.
SEES_MINISTRY_X = {
    "administrator",
    "coordinator_a",
    "coordinator_b",
    "editor_s",
    "coordinator_x",
    "editor_x",
    "signatory_x",
    "viewer_x",
    "editor_y",
}


MANAGE_MINISTRY_X = {"administrator", "coordinator_x"}


def ministry_x(edit: bool):
    def access(cast, role):
        if role == "anonymous":
            return LOGIN
        if role not in SEES_MINISTRY_X:
            return HIDE
        if edit and role not in MANAGE_MINISTRY_X:
            return REFUSE
        return ALLOW

    return access


def _participation_y(cast: Cast) -> dict:
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    return {"pk": cast.plan_a.pk, "participation_pk": participation.pk}


def _target_10_7(cast: Cast) -> dict:
    """Target 10.7, prioritised; ministry Y is responsible for it."""
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration governance",
    )
    prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"responsible_organisation": cast.ministry_y},
    )
    return {"pk": cast.plan_a.pk, "item_pk": item.pk}


def _proposal_8_7(cast: Cast) -> dict:
    """Target 8.7, proposed by ministry X's editor and not decided yet."""
    item = prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.7"),
        rationale="Forced labour among returnees",
        proposer_organisation=cast.ministry_x,
    )
    return {"pk": cast.plan_a.pk, "item_pk": item.pk}


def _followed_indicator(cast: Cast) -> dict:
    kwargs = _target_10_7(cast)
    followed = followed_indicator_add(
        actor=cast.coordinator_a,
        prioritised_target=PrioritisedTarget.objects.get(pk=kwargs["item_pk"]),
        indicator=Indicator.objects.get(code="10.7.2"),
    )
    return {**kwargs, "indicator_pk": followed.pk}


def _framework(cast: Cast) -> dict:
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(
            plan=cast.plan_a,
            name="Labour Migration Policy",
            kind="policy_framework",
            level="national",
        ),
    )
    return {"pk": cast.plan_a.pk, "framework_pk": framework.pk}


def _consultation(cast: Cast) -> dict:
    consultation = consultation_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(
            held_on=date(2026, 1, 15), kind="review_workshop", title="Review workshop"
        ),
        organisations=[cast.lead_ministry, cast.ministry_x],
        prioritised_targets=[],
        frameworks=[],
    )
    return {"pk": cast.plan_a.pk, "consultation_pk": consultation.pk}


# Another plan's objects, for ``Row.foreign``. Each is made the first time it is asked
# for, through the services and by plan B's coordinator, so that rows can share them.


def _plan_b_target(cast: Cast) -> PrioritisedTarget:
    return cast.plan_b.prioritised_targets.filter(
        target__code="10.7"
    ).first() or prioritised_target_add(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        target=Target.objects.get(code="10.7"),
        rationale="Accra's labour migrants",
    )


def _plan_b_indicator(cast: Cast) -> FollowedIndicator:
    target = _plan_b_target(cast)
    return target.indicators.first() or followed_indicator_add(
        actor=cast.coordinator_b,
        prioritised_target=target,
        indicator=Indicator.objects.get(code="10.7.2"),
    )


def _plan_b_framework(cast: Cast) -> Framework:
    return cast.plan_b.frameworks.first() or framework_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        framework=Framework(name="Accra by-law", kind="legislation", level="local"),
    )


def _plan_b_consultation(cast: Cast) -> Consultation:
    return cast.plan_b.consultations.first() or consultation_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        consultation=Consultation(
            held_on=date(2026, 2, 1), kind="bilateral_meeting", title="Accra bilateral"
        ),
        organisations=[cast.city_b],
        prioritised_targets=[],
        frameworks=[],
    )


def _plan_b_intervention(cast: Cast) -> Intervention:
    return cast.plan_b.interventions.first() or interventions.intervention_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        intervention=Intervention(
            title="Accra migrant desk",
            level="programme",
            sector="local_development",
            lead_organisation=cast.city_b,
        ),
        links=interventions.Links(targets={_plan_b_target(cast).pk: ""}),
    )


def _plan_b_result_indicator(cast: Cast) -> ResultIndicator:
    intervention = _plan_b_intervention(cast)
    return intervention.indicators.first() or interventions.indicator_create(
        actor=cast.coordinator_b,
        intervention=intervention,
        indicator=ResultIndicator(name="Migrants served", unit="people"),
        target_values={},
    )


def _plan_b_progress(cast: Cast) -> Progress:
    indicator = _plan_b_result_indicator(cast)
    return indicator.progress.first() or interventions.progress_submit(
        actor=cast.coordinator_b,
        indicator=indicator,
        measured_on=date(2026, 2, 28),
        value=Decimal(12),
        source="Desk records",
    )


def _foreign_intervention(cast: Cast) -> list[dict]:
    """Plan B's intervention under plan A."""
    return [{"pk": cast.plan_a.pk, "intervention_pk": _plan_b_intervention(cast).pk}]


def _foreign_result_indicator(cast: Cast) -> list[dict]:
    """Plan B's indicator under plan A's own intervention, and under plan B's."""
    indicator = _plan_b_result_indicator(cast)
    return [
        {**_intervention_kwargs(cast), "indicator_pk": indicator.pk},
        {**_foreign_intervention(cast)[0], "indicator_pk": indicator.pk},
    ]


def _foreign_progress(cast: Cast) -> list[dict]:
    """Plan B's progress under plan A's own indicator, and under plan B's indicator."""
    progress = _plan_b_progress(cast)
    return [
        {**_indicator_kwargs(cast), "progress_pk": progress.pk},
        {
            **_foreign_intervention(cast)[0],
            "indicator_pk": progress.indicator_id,
            "progress_pk": progress.pk,
        },
    ]


def _under_plan_a(kwarg: str, plan_b_object: Callable[[Cast], object]):
    return lambda cast: [{"pk": cast.plan_a.pk, kwarg: plan_b_object(cast).pk}]


FOREIGN_TARGET = _under_plan_a("item_pk", _plan_b_target)
FOREIGN_FRAMEWORK = _under_plan_a("framework_pk", _plan_b_framework)
FOREIGN_CONSULTATION = _under_plan_a("consultation_pk", _plan_b_consultation)
FOREIGN_INTERVENTION = _foreign_intervention
FOREIGN_PARTICIPATION = _under_plan_a(
    "participation_pk", lambda cast: cast.plan_b.participations.get()
)


def _foreign_followed_indicator(cast: Cast) -> list[dict]:
    """Plan B's indicator under plan A's own target (made by the row's kwargs), and under
    plan B's target."""
    indicator = _plan_b_indicator(cast)
    own = cast.plan_a.prioritised_targets.filter(target__code="10.7").first()
    own_pk = own.pk if own else _target_10_7(cast)["item_pk"]  # the row's own target
    return [
        {"pk": cast.plan_a.pk, "item_pk": own_pk, "indicator_pk": indicator.pk},
        {
            "pk": cast.plan_a.pk,
            "item_pk": indicator.prioritised_target_id,
            "indicator_pk": indicator.pk,
        },
    ]


def _intervention_of_x(cast: Cast) -> Intervention:
    """An intervention of plan A addressing target 10.7, led by ministry X."""
    found = Intervention.objects.filter(plan=cast.plan_a).first()
    if found:
        return found
    prioritised = cast.plan_a.prioritised_targets.filter(
        target__code="10.7"
    ).first() or PrioritisedTarget.objects.get(pk=_target_10_7(cast)["item_pk"])
    return interventions.intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Fair recruitment",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        ),
        links=interventions.Links(targets={prioritised.pk: "Lowers recruitment costs"}),
    )


def _result_indicator(cast: Cast) -> ResultIndicator:
    """Its indicator, reported on by ministry Y."""
    intervention = _intervention_of_x(cast)
    return intervention.indicators.first() or interventions.indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(
            name="Workers recruited fairly", unit="people", reporting_organisation=cast.ministry_y
        ),
        target_values={2030: Decimal(300)},
    )


def _progress(cast: Cast) -> Progress:
    """A value ministry Y (the indicator's reporting organisation) submitted, waiting for
    review: neither reviewer of plan A submitted it."""
    indicator = _result_indicator(cast)
    return indicator.progress.filter(
        measured_on=date(2026, 1, 31)
    ).first() or interventions.progress_submit(
        actor=cast.editor_y,
        indicator=indicator,
        measured_on=date(2026, 1, 31),
        value=Decimal(40),
        source="Labour register",
    )


def _returned_progress(cast: Cast) -> Progress:
    """A value of the next quarter, returned to ministry Y for correction."""
    indicator = _result_indicator(cast)
    found = indicator.progress.filter(measured_on=date(2026, 4, 30)).first()
    if found is not None:
        return found
    submitted = interventions.progress_submit(
        actor=cast.editor_y,
        indicator=indicator,
        measured_on=date(2026, 4, 30),
        value=Decimal(55),
        source="Labour register",
    )
    return interventions.progress_return(
        actor=cast.editor_s,
        progress=submitted,
        expected_version=submitted.version,
        comment="Give the register's page.",
    )


# The smallest PNG's signature and header: what its content is, whatever its name.
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24


def _evidenced_progress(cast: Cast) -> Progress:
    """A value of the third quarter, with a file of evidence."""
    indicator = _result_indicator(cast)
    return indicator.progress.filter(
        measured_on=date(2026, 7, 31)
    ).first() or interventions.progress_submit(
        actor=cast.editor_y,
        indicator=indicator,
        measured_on=date(2026, 7, 31),
        value=Decimal(60),
        source="Labour register",
        evidence=SimpleUploadedFile("register.png", PNG_BYTES, content_type="image/png"),
    )


def _plan_progress_kwargs(make: Callable[[Cast], Progress]):
    return lambda cast: {"pk": cast.plan_a.pk, "progress_pk": make(cast).pk}


def _foreign_plan_progress(cast: Cast) -> list[dict]:
    """Plan B's progress under plan A."""
    return [{"pk": cast.plan_a.pk, "progress_pk": _plan_b_progress(cast).pk}]


def _intervention_kwargs(cast: Cast) -> dict:
    return {"pk": cast.plan_a.pk, "intervention_pk": _intervention_of_x(cast).pk}


def _indicator_kwargs(cast: Cast) -> dict:
    return {**_intervention_kwargs(cast), "indicator_pk": _result_indicator(cast).pk}


def _progress_kwargs(cast: Cast) -> dict:
    return {**_indicator_kwargs(cast), "progress_pk": _progress(cast).pk}


def _api_token_of_editor_x(cast: Cast) -> ApiToken:
    return (
        ApiToken.objects.filter(user=cast.editor_x).first()
        or (token_create(actor=cast.editor_x, name="Ministry X's reporting system")[0])
    )


# --- funding -----------------------------------------------------------------------------


def _source_of_x(cast: Cast) -> FundingSource:
    """Ministry X's budget line in plan A."""
    return cast.plan_a.funding_sources.first() or funding.source_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        source=FundingSource(
            name="Labour budget line",
            provider=cast.ministry_x,
            kind="national_budget",
            currency="GHS",
        ),
    )


def _commitment_of_x(cast: Cast) -> Commitment:
    """Ministry X's budget committed to the intervention ministry X leads."""
    intervention = _intervention_of_x(cast)
    return intervention.commitments.first() or funding.commitment_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        commitment=Commitment(
            source=_source_of_x(cast),
            stage="committed",
            amount=Decimal(250000),
            currency="GHS",
            dated=date(2026, 3, 1),
        ),
        local_actors=[],
    )


def _plan_b_source(cast: Cast) -> FundingSource:
    return cast.plan_b.funding_sources.first() or funding.source_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        source=FundingSource(
            name="Accra budget", provider=cast.city_b, kind="local_budget", currency="GHS"
        ),
    )


def _plan_b_commitment(cast: Cast) -> Commitment:
    intervention = _plan_b_intervention(cast)
    return intervention.commitments.first() or funding.commitment_create(
        actor=cast.coordinator_b,
        intervention=intervention,
        commitment=Commitment(
            source=_plan_b_source(cast),
            stage="pledged",
            amount=Decimal(1000),
            currency="GHS",
            dated=date(2026, 3, 1),
        ),
        local_actors=[],
    )


def _engagement(cast: Cast, plan=None) -> Engagement:
    plan = plan or cast.plan_a
    return plan.engagements.first() or funding.engagement_create(
        actor=None,
        plan=plan,
        engagement=Engagement(
            held_on=date(2026, 4, 2), partner=cast.outside_org, kind="bilateral_meeting"
        ),
        interventions=[],
    )


def _source_kwargs(cast: Cast) -> dict:
    return {"pk": cast.plan_a.pk, "source_pk": _source_of_x(cast).pk}


def _commitment_kwargs(cast: Cast) -> dict:
    return {**_intervention_kwargs(cast), "commitment_pk": _commitment_of_x(cast).pk}


def _engagement_kwargs(cast: Cast) -> dict:
    return {"pk": cast.plan_a.pk, "engagement_pk": _engagement(cast).pk}


def _foreign_source(cast: Cast) -> list[dict]:
    return [{"pk": cast.plan_a.pk, "source_pk": _plan_b_source(cast).pk}]


def _foreign_commitment(cast: Cast) -> list[dict]:
    """Plan B's commitment under plan A's own intervention, and under plan B's."""
    commitment = _plan_b_commitment(cast)
    return [
        {**_intervention_kwargs(cast), "commitment_pk": commitment.pk},
        {**_foreign_intervention(cast)[0], "commitment_pk": commitment.pk},
    ]


def _foreign_engagement(cast: Cast) -> list[dict]:
    return [{"pk": cast.plan_a.pk, "engagement_pk": _engagement(cast, cast.plan_b).pk}]


def _local_actor(organisation) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(is_local_actor=True)


def _plan_a_with_local_actor_x(cast: Cast) -> dict:
    """Plan A, ministry X counted as a local actor: its coordinator states its needs."""
    _local_actor(cast.ministry_x)
    return PLAN_A(cast)


def _need(cast: Cast, plan=None) -> CapacityNeed:
    """A capacity need of ministry X in plan A (a local actor for the purpose), or of
    city B in plan B."""
    plan = plan or cast.plan_a
    organisation = cast.ministry_x if plan == cast.plan_a else cast.city_b
    _local_actor(organisation)
    return plan.capacity_needs.first() or funding.capacity_need_create(
        actor=None,
        plan=plan,
        need=CapacityNeed(
            organisation=Organisation.objects.get(pk=organisation.pk),
            what="Grant reporting",
            why="To receive grants directly",
            by_when=date(2027, 6, 30),
        ),
    )


def _need_kwargs(cast: Cast) -> dict:
    return {"pk": cast.plan_a.pk, "need_pk": _need(cast).pk}


def _foreign_need(cast: Cast) -> list[dict]:
    return [{"pk": cast.plan_a.pk, "need_pk": _need(cast, cast.plan_b).pk}]


def _states_needs_of_x(cast, role):
    """A local actor's needs are stated by its coordinators (not its editors), and by the
    plan's coordinators (CHANGE)."""
    return ALLOW if role == "coordinator_x" else on_plan_a(PlanAction.CHANGE)(cast, role)


# Money is recorded by the organisation it belongs to (ministry X's source, to the
# intervention ministry X leads), and by those who keep the resource mobilisation plan.
FUNDS_X = owned_on_plan_a(PlanAction.MOBILISE_RESOURCES, "ministry_x")


def _version(cast: Cast, plan=None):
    """A frozen version of a plan (its snapshot as the plan is now)."""
    from django.utils import timezone

    from action_plans.models import PlanVersion
    from action_plans.snapshot import build_snapshot, snapshot_freeze

    plan = plan or cast.plan_a
    found = plan.versions.first()
    if found:
        return found
    version = PlanVersion.objects.create(
        plan=plan, major=1, minor=0, status="withdrawn", submitted_at=timezone.now()
    )
    snapshot_freeze(version=version, content=build_snapshot(plan))
    return version


def _version_kwargs(cast: Cast) -> dict:
    return {"pk": cast.plan_a.pk, "version_pk": _version(cast).pk}


def _report_kwargs(cast: Cast) -> dict:
    """This year's report of plan A, once adopted (its version 1.0, since superseded)."""
    from django.utils import timezone

    version = _version(cast)
    version.status, version.adoption_reference = "superseded", "Decree 1"
    version.adoption_date = timezone.localdate()
    version.save()
    return {"pk": cast.plan_a.pk, "year": version.adoption_date.year, "document_format": "pdf"}


def _portal_version_kwargs(cast: Cast) -> dict:
    """Plan A's version 1.0, adopted, with its official PDF ready: what the public
    portal shows."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from action_plans.models import PlanDocument

    version = _version(cast)
    version.status, version.adoption_reference = "adopted", "Decree 1"
    version.adoption_date = timezone.localdate()
    version.save()
    document, _created = PlanDocument.objects.get_or_create(
        plan=cast.plan_a, version=version, edition="official", format="pdf"
    )
    if not document.file:
        document.status = "ready"
        document.file.save("plan.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return {"pk": cast.plan_a.pk, "major": version.major, "minor": version.minor}


def _portal_plan_kwargs(cast: Cast) -> dict:
    _portal_version_kwargs(cast)
    return {"pk": cast.plan_a.pk}


def _foreign_version(cast: Cast) -> list[dict]:
    return [{"pk": cast.plan_a.pk, "version_pk": _version(cast, cast.plan_b).pk}]


def _adopted_version(cast: Cast, plan=None):
    """A version of a plan as adopted (since superseded), made with an intervention and
    with its lead body's IATI identifier: what a plan's IATI file is made from."""
    from django.utils import timezone

    from governance.models import Organisation

    plan = plan or cast.plan_a
    if plan == cast.plan_a:
        _intervention_of_x(cast)
        Organisation.objects.filter(pk=cast.lead_ministry.pk).update(iati_identifier="XM-DAC-12345")
    version = _version(cast, plan)
    version.status, version.adoption_reference = "superseded", "Decree 1"
    version.adoption_date = timezone.localdate()
    version.save()
    return version


def _adopted_version_kwargs(cast: Cast) -> dict:
    return {"pk": cast.plan_a.pk, "version_pk": _adopted_version(cast).pk}


def _foreign_adopted_version(cast: Cast) -> list[dict]:
    return [{"pk": cast.plan_a.pk, "version_pk": _adopted_version(cast, cast.plan_b).pk}]


def _public_version_kwargs(cast: Cast) -> dict:
    version = _adopted_version(cast)
    return {"pk": cast.plan_a.pk, "major": version.major, "minor": version.minor}


def shown_not_posted(action: PlanAction):
    """A page of a record of plan A that only displays: POST is not allowed to those who
    see it (405), the others as on_plan_a (the record is looked up first)."""
    allowed = on_plan_a(action)

    def access(cast, role):
        outcome = allowed(cast, role)
        return NOT_ALLOWED if outcome == ALLOW else outcome

    return access


def any_of(*rules):
    """Allowed to whoever one of ``rules`` allows; the others as the first says."""

    def access(cast, role):
        outcomes = [rule(cast, role) for rule in rules]
        return ALLOW if ALLOW in outcomes else outcomes[0]

    return access


# Ministry X leads the intervention: its editors and coordinators design it, as do those
# who lead intervention design. Progress is recorded by them, by the indicator's reporting
# organisation (ministry Y) and by those who lead monitoring.
DESIGNS_X = owned_on_plan_a(PlanAction.DESIGN_INTERVENTIONS, "ministry_x")
RECORDS_PROGRESS = any_of(DESIGNS_X, owned_on_plan_a(PlanAction.MONITOR, "ministry_y"))
# Those who lead monitoring review it (the statistics office's editor, the lead ministry's
# coordinator); no organisation owns the review.
REVIEWS_PROGRESS = on_plan_a(PlanAction.MONITOR)


def _member_of_x(cast: Cast) -> dict:
    return {"pk": cast.ministry_x.pk, "membership_pk": cast.editor_x.memberships.get().pk}


def _foreign_member(cast: Cast) -> list[dict]:
    """Editor Y's membership (of ministry Y) under ministry X."""
    return [{"pk": cast.ministry_x.pk, "membership_pk": cast.editor_y.memberships.get().pk}]


PLAN_A = lambda cast: {"pk": cast.plan_a.pk}  # noqa: E731
MINISTRY_X = lambda cast: {"pk": cast.ministry_x.pk}  # noqa: E731
EDITOR_X = lambda cast: {"pk": cast.editor_x.pk}  # noqa: E731

MATRIX: dict[str, Row] = {
    # accounts (django.contrib.auth)
    "login": Row(access=public),
    "logout": Row(access=public, methods={"GET": NOT_ALLOWED, "POST": LOGIN}),
    "password_change": Row(access=signed_in),
    # two-factor sign-in (the rule is off in the test settings: nothing is owed here)
    "two_factor_account": Row(access=signed_in),
    "two_factor_verify": Row(access=signed_in),
    "two_factor_enrol": Row(access=signed_in),
    "two_factor_recovery_codes": Row(access=signed_in),
    "password_change_done": Row(access=signed_in, methods={"POST": display_only}),
    "password_reset": Row(access=public),
    "password_reset_done": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "password_reset_confirm": Row(
        kwargs=lambda cast: {"uidb64": "MQ", "token": "set-password"}, access=public
    ),
    "password_reset_complete": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "set_language": Row(access=public),
    "catalogue": Row(access=public),
    "favicon": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "healthz": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "readyz": Row(access=public, methods={"POST": NOT_ALLOWED}),
    # the public portal of adopted plans: read by anyone, written by no one
    "portal_plans": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "portal_plan": Row(kwargs=_portal_plan_kwargs, access=public, methods={"POST": NOT_ALLOWED}),
    "portal_version": Row(
        kwargs=_portal_version_kwargs, access=public, methods={"POST": NOT_ALLOWED}
    ),
    "portal_version_embed": Row(
        kwargs=_portal_version_kwargs, access=public, methods={"POST": NOT_ALLOWED}
    ),
    "portal_version_pdf": Row(
        kwargs=_portal_version_kwargs, access=public, methods={"POST": NOT_ALLOWED}
    ),
    # plans
    "home": Row(access=signed_in),
    "plan_create": Row(access=administrators),
    "plan_detail": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "plan_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    "plan_history": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "plan_governance": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "lead_arrangement_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.GOVERN)),
    "participant_add": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.GOVERN)),
    "participant_edit": Row(
        kwargs=_participation_y, access=on_plan_a(PlanAction.GOVERN), foreign=FOREIGN_PARTICIPATION
    ),
    "participant_remove": Row(
        kwargs=_participation_y, access=on_plan_a(PlanAction.GOVERN), foreign=FOREIGN_PARTICIPATION
    ),
    "signatory_request": Row(
        kwargs=_participation_y, access=on_plan_a(PlanAction.GOVERN), foreign=FOREIGN_PARTICIPATION
    ),
    "plan_access": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    # interventions
    "intervention_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "intervention_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CONTRIBUTE)),
    "intervention_coverage": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "intervention_detail": Row(
        kwargs=_intervention_kwargs, access=on_plan_a(PlanAction.VIEW), foreign=FOREIGN_INTERVENTION
    ),
    "intervention_edit": Row(
        kwargs=_intervention_kwargs,
        access=owned_on_plan_a(PlanAction.DESIGN_INTERVENTIONS, "ministry_x"),
        foreign=FOREIGN_INTERVENTION,
    ),
    "intervention_status": Row(
        kwargs=_intervention_kwargs,
        access=owned_on_plan_a(PlanAction.DESIGN_INTERVENTIONS, "ministry_x"),
        foreign=FOREIGN_INTERVENTION,
    ),
    "intervention_remove": Row(
        kwargs=_intervention_kwargs,
        access=on_plan_a(PlanAction.CHANGE),
        foreign=FOREIGN_INTERVENTION,
    ),
    "intervention_comment": Row(
        kwargs=_intervention_kwargs,
        access=owned_on_plan_a(PlanAction.DESIGN_INTERVENTIONS, "ministry_x"),
        foreign=FOREIGN_INTERVENTION,
    ),
    # prioritised targets and the review of existing frameworks
    "prioritised_target_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "prioritised_target_add": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CONTRIBUTE)),
    "scoring_criteria_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.PRIORITISE)),
    "prioritised_target_detail": Row(
        kwargs=_target_10_7, access=on_plan_a(PlanAction.VIEW), foreign=FOREIGN_TARGET
    ),
    "prioritised_target_edit": Row(
        kwargs=_target_10_7, access=on_plan_a(PlanAction.PRIORITISE), foreign=FOREIGN_TARGET
    ),
    "prioritised_target_scores": Row(
        kwargs=_target_10_7, access=on_plan_a(PlanAction.PRIORITISE), foreign=FOREIGN_TARGET
    ),
    "prioritised_target_baseline": Row(
        kwargs=_target_10_7,
        access=owned_on_plan_a(PlanAction.MONITOR, "ministry_y"),
        foreign=FOREIGN_TARGET,
    ),
    "proposal_edit": Row(
        kwargs=_proposal_8_7,
        access=owned_on_plan_a(None, "ministry_x"),
        foreign=FOREIGN_TARGET,
    ),
    "proposal_withdraw": Row(
        kwargs=_proposal_8_7,
        access=owned_on_plan_a(None, "ministry_x"),
        foreign=FOREIGN_TARGET,
    ),
    "proposal_decide": Row(
        kwargs=_proposal_8_7, access=on_plan_a(PlanAction.CHANGE), foreign=FOREIGN_TARGET
    ),
    "prioritised_target_remove": Row(
        kwargs=_target_10_7, access=on_plan_a(PlanAction.CHANGE), foreign=FOREIGN_TARGET
    ),
    "followed_indicator_add": Row(
        kwargs=_target_10_7,
        access=owned_on_plan_a(PlanAction.MONITOR, "ministry_y"),
        foreign=FOREIGN_TARGET,
    ),
    "followed_indicator_remove": Row(
        kwargs=_followed_indicator,
        access=owned_on_plan_a(PlanAction.MONITOR, "ministry_y"),
        foreign=_foreign_followed_indicator,
    ),
    "coherence_matrix": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "framework_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.REVIEW_FRAMEWORKS)),
    "framework_edit": Row(
        kwargs=_framework, access=on_plan_a(PlanAction.REVIEW_FRAMEWORKS), foreign=FOREIGN_FRAMEWORK
    ),
    "framework_assess": Row(
        kwargs=_framework, access=on_plan_a(PlanAction.REVIEW_FRAMEWORKS), foreign=FOREIGN_FRAMEWORK
    ),
    "framework_delete": Row(
        kwargs=_framework, access=on_plan_a(PlanAction.REVIEW_FRAMEWORKS), foreign=FOREIGN_FRAMEWORK
    ),
    # the consultation log
    "consultation_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "consultation_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CONTRIBUTE)),
    "consultation_detail": Row(
        kwargs=_consultation, access=on_plan_a(PlanAction.VIEW), foreign=FOREIGN_CONSULTATION
    ),
    "consultation_edit": Row(
        kwargs=_consultation,
        access=owned_on_plan_a(PlanAction.CHANGE, "ministry_x"),
        foreign=FOREIGN_CONSULTATION,
    ),
    "consultation_delete": Row(
        kwargs=_consultation, access=on_plan_a(PlanAction.CHANGE), foreign=FOREIGN_CONSULTATION
    ),
    # interventions: the results framework
    "result_indicator_add": Row(
        kwargs=_intervention_kwargs, access=DESIGNS_X, foreign=_foreign_intervention
    ),
    "result_indicator_edit": Row(
        kwargs=_indicator_kwargs, access=DESIGNS_X, foreign=_foreign_result_indicator
    ),
    "result_indicator_remove": Row(
        kwargs=_indicator_kwargs, access=DESIGNS_X, foreign=_foreign_result_indicator
    ),
    "progress_submit": Row(
        kwargs=_indicator_kwargs, access=RECORDS_PROGRESS, foreign=_foreign_result_indicator
    ),
    "progress_remove": Row(
        kwargs=_progress_kwargs, access=RECORDS_PROGRESS, foreign=_foreign_progress
    ),
    # progress reviewed by those who lead monitoring; corrected by those who submit it
    "plan_monitoring": Row(
        kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW), methods={"POST": display_only}
    ),
    "progress_review_list": Row(
        kwargs=PLAN_A, access=REVIEWS_PROGRESS, methods={"POST": display_only}
    ),
    "progress_overdue_list": Row(
        kwargs=PLAN_A, access=REVIEWS_PROGRESS, methods={"POST": display_only}
    ),
    "progress_review": Row(
        kwargs=_plan_progress_kwargs(_progress),
        access=REVIEWS_PROGRESS,
        foreign=_foreign_plan_progress,
    ),
    "progress_correct": Row(
        kwargs=_plan_progress_kwargs(_returned_progress),
        access=RECORDS_PROGRESS,
        foreign=_foreign_plan_progress,
    ),
    "progress_evidence": Row(
        kwargs=_plan_progress_kwargs(_evidenced_progress),
        access=on_plan_a(PlanAction.VIEW),
        foreign=_foreign_plan_progress,
    ),
    "sdg_values_export": Row(
        kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW), methods={"POST": display_only}
    ),
    # validation and adoption
    "plan_validation": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "plan_submit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    "plan_withdraw": Row(kwargs=PLAN_A, access=on_plan_a_not_now(PlanAction.CHANGE)),
    "plan_adopt": Row(kwargs=PLAN_A, access=on_plan_a_not_now(PlanAction.CHANGE)),
    "plan_revision_open": Row(kwargs=PLAN_A, access=on_plan_a_not_now(PlanAction.CHANGE)),
    "plan_sign": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.SIGN)),
    "plan_change_record": Row(kwargs=PLAN_A, access=on_plan_a_not_now(PlanAction.CHANGE)),
    "version_detail": Row(
        kwargs=_version_kwargs, access=on_plan_a(PlanAction.VIEW), foreign=_foreign_version
    ),
    "version_compare": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "version_document": Row(
        kwargs=_version_kwargs,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": on_plan_a(PlanAction.CHANGE)},
        foreign=_foreign_version,
    ),
    "version_document_state": Row(
        kwargs=_version_kwargs, access=on_plan_a(PlanAction.VIEW), foreign=_foreign_version
    ),
    "version_word_document": Row(
        kwargs=_version_kwargs,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": on_plan_a(PlanAction.CHANGE)},
        foreign=_foreign_version,
    ),
    "version_word_document_state": Row(
        kwargs=_version_kwargs, access=on_plan_a(PlanAction.VIEW), foreign=_foreign_version
    ),
    # the open formats of an adopted version: for whoever sees the plan, and for anyone
    "version_iati": Row(
        kwargs=_adopted_version_kwargs,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": shown_not_posted(PlanAction.VIEW)},
        foreign=_foreign_adopted_version,
    ),
    "open_version_iati": Row(
        kwargs=_public_version_kwargs, access=public, methods={"POST": NOT_ALLOWED}
    ),
    "version_plan_json": Row(
        kwargs=_adopted_version_kwargs,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": shown_not_posted(PlanAction.VIEW)},
        foreign=_foreign_adopted_version,
    ),
    "version_tables": Row(
        kwargs=_adopted_version_kwargs,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": shown_not_posted(PlanAction.VIEW)},
        foreign=_foreign_adopted_version,
    ),
    "open_version_plan_json": Row(
        kwargs=_public_version_kwargs, access=public, methods={"POST": NOT_ALLOWED}
    ),
    "open_version_tables": Row(
        kwargs=_public_version_kwargs, access=public, methods={"POST": NOT_ALLOWED}
    ),
    "plan_preview": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    # the annual reports: read by whoever sees the plan, made by those who lead monitoring
    "plan_reports": Row(
        kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW), methods={"POST": display_only}
    ),
    "plan_report": Row(
        kwargs=_report_kwargs,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": on_plan_a(PlanAction.MONITOR)},
    ),
    "plan_preview_state": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CHANGE)),
    # funding
    "funding_overview": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "funding_table": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "funding_export": Row(
        kwargs=lambda cast: {"pk": cast.plan_a.pk, "file_format": "xlsx"},
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": display_only},
    ),
    "localisation_target_edit": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.MOBILISE_RESOURCES)),
    "funding_source_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "funding_source_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CONTRIBUTE)),
    "funding_source_edit": Row(kwargs=_source_kwargs, access=FUNDS_X, foreign=_foreign_source),
    "funding_source_remove": Row(kwargs=_source_kwargs, access=FUNDS_X, foreign=_foreign_source),
    "intervention_funding": Row(
        kwargs=_intervention_kwargs, access=on_plan_a(PlanAction.VIEW), foreign=FOREIGN_INTERVENTION
    ),
    "commitment_create": Row(
        kwargs=_intervention_kwargs,
        access=on_plan_a(PlanAction.CONTRIBUTE),
        foreign=FOREIGN_INTERVENTION,
    ),
    "commitment_edit": Row(kwargs=_commitment_kwargs, access=FUNDS_X, foreign=_foreign_commitment),
    "commitment_remove": Row(
        kwargs=_commitment_kwargs, access=FUNDS_X, foreign=_foreign_commitment
    ),
    # Living work (funding.rules.DISBURSEMENT_RECORD): open in a draft too, as plan A is.
    "commitment_disbursement": Row(
        kwargs=_commitment_kwargs, access=FUNDS_X, foreign=_foreign_commitment
    ),
    "mobilisation_strategy_edit": Row(
        kwargs=_intervention_kwargs, access=FUNDS_X, foreign=FOREIGN_INTERVENTION
    ),
    "mobilisation_plan": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    # Living work (funding.rules.CAPACITY_NEED_STATE, CAPACITY_NEED_ADDRESS).
    "capacity_need_list": Row(
        kwargs=_plan_a_with_local_actor_x,
        access=on_plan_a(PlanAction.VIEW),
        methods={"POST": display_only},
    ),
    "capacity_need_create": Row(kwargs=_plan_a_with_local_actor_x, access=_states_needs_of_x),
    "capacity_need_edit": Row(
        kwargs=_need_kwargs, access=_states_needs_of_x, foreign=_foreign_need
    ),
    "capacity_need_remove": Row(
        kwargs=_need_kwargs, access=_states_needs_of_x, foreign=_foreign_need
    ),
    "capacity_need_addressing": Row(
        kwargs=_need_kwargs,
        access=on_plan_a(PlanAction.DESIGN_INTERVENTIONS),
        foreign=_foreign_need,
    ),
    "engagement_list": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW)),
    "engagement_create": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.MOBILISE_RESOURCES)),
    "engagement_edit": Row(
        kwargs=_engagement_kwargs,
        access=on_plan_a(PlanAction.MOBILISE_RESOURCES),
        foreign=_foreign_engagement,
    ),
    "engagement_remove": Row(
        kwargs=_engagement_kwargs,
        access=on_plan_a(PlanAction.MOBILISE_RESOURCES),
        foreign=_foreign_engagement,
    ),
    # organisations
    "organisation_list": Row(access=signed_in),
    "notification_list": Row(access=signed_in),
    "organisation_create": Row(access=administrators),
    "organisation_detail": Row(kwargs=MINISTRY_X, access=ministry_x(edit=False)),
    "organisation_edit": Row(kwargs=MINISTRY_X, access=ministry_x(edit=True)),
    # interventions: examples and import
    "intervention_examples": Row(
        kwargs=PLAN_A, access=on_plan_a(PlanAction.VIEW), methods={"POST": display_only}
    ),
    "intervention_example_use": Row(
        kwargs=lambda cast: {"pk": cast.plan_a.pk, "slug": "fair-recruitment-and-agency-licensing"},
        access=on_plan_a(PlanAction.CONTRIBUTE),
    ),
    "intervention_import": Row(kwargs=PLAN_A, access=on_plan_a(PlanAction.CONTRIBUTE)),
    "intervention_import_template": Row(
        kwargs=lambda cast: {"pk": cast.plan_a.pk, "file_format": "csv"},
        access=on_plan_a(PlanAction.CONTRIBUTE),
        methods={"POST": display_only},
    ),
    # an organisation's members, managed by its coordinators
    "organisation_member_invite": Row(kwargs=MINISTRY_X, access=ministry_x(edit=True)),
    "organisation_member_edit": Row(
        kwargs=_member_of_x, access=ministry_x(edit=True), foreign=_foreign_member
    ),
    "organisation_member_remove": Row(
        kwargs=_member_of_x, access=ministry_x(edit=True), foreign=_foreign_member
    ),
    # account administration
    "user_list": Row(access=administrators),
    "user_invite": Row(access=administrators),
    "user_detail": Row(kwargs=EDITOR_X, access=administrators),
    "user_deactivate": Row(kwargs=EDITOR_X, access=administrators),
    "user_two_factor_reset": Row(kwargs=EDITOR_X, access=administrators),
    "user_reactivate": Row(kwargs=EDITOR_X, access=administrators),
    "invitation_resend": Row(kwargs=EDITOR_X, access=administrators),
    # a user's own API tokens (another's is not found); the API's schema and its docs
    "api_tokens": Row(access=signed_in),
    "api_token_revoke": Row(
        kwargs=lambda cast: {"pk": _api_token_of_editor_x(cast).pk},
        access=lambda cast, role: {"anonymous": LOGIN, "editor_x": ALLOW}.get(role, HIDE),
    ),
    "api_schema": Row(access=public, methods={"POST": NOT_ALLOWED}),
    "api_docs": Row(access=public, methods={"POST": NOT_ALLOWED}),
    # an unknown or used token is refused to everyone alike
    "invitation_accept": Row(
        kwargs=lambda cast: {"token": "not-a-token"}, methods={"GET": HIDE, "POST": HIDE}
    ),
}


@dataclass(frozen=True)
class UrlPattern:
    name: str | None  # with its namespaces, as ``reverse`` takes it
    route: str
    view: str
    kwargs: tuple[str, ...]  # in the order the route names them

    @property
    def nested_object_kwargs(self) -> tuple[str, ...]:
        """The kwargs naming an object inside another (a plan's target, a user's
        membership…): every object kwarg (``pk``, ``…_pk``) after the first, the parent."""
        objects = [kwarg for kwarg in self.kwargs if kwarg == "pk" or kwarg.endswith("_pk")]
        return tuple(objects[1:])

    @property
    def parent_kwarg(self) -> str:
        return next(kwarg for kwarg in self.kwargs if kwarg == "pk" or kwarg.endswith("_pk"))


# The API's endpoints answer JSON to every method: their own matrix, every method with a
# token and with a session, is tests/api/test_matrix.py (API_MATRIX).
API_ROUTE = "api/v1/"


def url_patterns(patterns=None, namespace=None, prefix="", kwargs=()) -> list[UrlPattern]:
    """Every URL pattern of the project, outside Django's own admin site (gated by
    is_staff) and the API's endpoints (``api_url_patterns``), named or not."""
    if patterns is None and not prefix:
        return [url for url in _walk() if not url.route.startswith(API_ROUTE)]
    return _walk(patterns, namespace, prefix, kwargs)


def api_url_patterns() -> list[UrlPattern]:
    """The API's endpoints, named or not."""
    return [url for url in _walk() if url.route.startswith(API_ROUTE)]


def _walk(patterns=None, namespace=None, prefix="", kwargs=()) -> list[UrlPattern]:
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        groups = pattern.pattern.regex.groupindex
        here = kwargs + tuple(sorted(groups, key=groups.get))
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            found += _walk(pattern.url_patterns, inner, route, here)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
            found.append(UrlPattern(name or None, route, pattern.lookup_str, here))
    return found


def test_every_url_pattern_has_a_name():
    unnamed = [f"{url.route} ({url.view})" for url in url_patterns() if url.name is None]
    assert unnamed == [], "name these URL patterns, then give each a row in the matrix"


def _a_view(request):  # pragma: no cover - never requested
    raise AssertionError


def test_the_walk_finds_an_unnamed_pattern_however_deep():
    """What the test above relies on: an unnamed pattern is reported, by its route and
    view, inside an include and beside named ones; the admin site is left out."""
    patterns = [
        path("named/<int:pk>/", _a_view, name="named"),
        path("plans/<int:pk>/", include([path("items/<int:item_pk>/", _a_view)])),
        path("admin/", include(([path("x/", _a_view)], "admin"))),
    ]
    found = url_patterns(patterns)
    assert [(url.name, url.route) for url in found] == [
        ("named", "named/<int:pk>/"),
        (None, "plans/<int:pk>/items/<int:item_pk>/"),
    ]
    assert found[1].view.endswith("._a_view")
    assert found[1].nested_object_kwargs == ("item_pk",)


def test_every_url_has_a_row_in_the_matrix():
    names = {url.name for url in url_patterns()} - {None}
    assert names - MATRIX.keys() == set(), "add these URLs to the permission matrix"
    assert MATRIX.keys() - names == set(), "these rows name URLs that no longer exist"


def _check(response, expected: str) -> str | None:
    status = response.status_code
    location = response.headers.get("Location", "")
    if expected == ALLOW and (
        status == 200 or (status == 302 and "/accounts/login/" not in location)
    ):
        return None
    if expected == LOGIN and status == 302 and location.startswith("/accounts/login/"):
        return None
    if (expected, status) in {(REFUSE, 403), (HIDE, 404), (NOT_ALLOWED, 405), (NOT_NOW, 409)}:
        return None
    return f"expected {expected}, got {status} {location}"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Evidence files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_each_role_gets_exactly_the_access_the_matrix_gives(cast, catalogue, url_name):
    row = MATRIX[url_name]
    url = reverse(url_name, kwargs=row.kwargs(cast))
    failures = []
    for role in Cast.ROLES:
        for method in ("GET", "POST"):
            rule = row.methods.get(method, row.access)
            expected = rule(cast, role) if callable(rule) else rule
            with transaction.atomic():
                client = Client()
                if user := cast.user(role):
                    client.force_login(user)
                response = getattr(client, method.lower())(url)
                transaction.set_rollback(True)
            if problem := _check(response, expected):
                failures.append(f"{method} {url} as {role}: {problem}")
    assert failures == []
