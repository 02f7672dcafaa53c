"""How governance records read in a plan's history (registered in ``apps.py``)."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans import history
from action_plans.history import Row
from governance.models import (
    LeadArrangement,
    LeadBody,
    LeadBodyKind,
    Membership,
    Organisation,
    Participation,
    Responsibility,
)


def _lead_body_sentence(change: Row, actor: str) -> str | None:
    row, name = change.row, change.names.of(Organisation, change.row.organisation_id)
    leads = row.kind == LeadBodyKind.LEAD
    if change.kind == "+":
        template = (
            _("%(actor)s made %(name)s a lead body of the plan")
            if leads
            else _("%(actor)s made %(name)s a technical adviser of the plan")
        )
    elif change.kind == "-":
        template = (
            _("%(actor)s removed %(name)s as a lead body of the plan")
            if leads
            else _("%(actor)s removed %(name)s as a technical adviser of the plan")
        )
    elif change.before.kind != row.kind:
        template = (
            _("%(actor)s made %(name)s a lead body of the plan, no longer a technical adviser")
            if leads
            else _("%(actor)s made %(name)s a technical adviser, no longer a lead body")
        )
    else:
        return None
    return template % {"actor": actor, "name": name}


def _responsibility_sentence(change: Row, actor: str) -> str | None:
    row, names = change.row, change.names
    values = {
        "actor": actor,
        "body": names.of(LeadBody, row.lead_body_id),
        "activity": row.get_activity_display().lower(),
    }
    if change.kind == "+":
        return _("%(actor)s made %(body)s lead body for %(activity)s") % values
    if change.kind == "-":
        return _("%(actor)s removed %(body)s as lead body for %(activity)s") % values
    if change.before.lead_body_id == row.lead_body_id:
        return None
    values["previous"] = names.of(LeadBody, change.before.lead_body_id)
    return (
        _("%(actor)s made %(body)s lead body for %(activity)s, in place of %(previous)s") % values
    )


def plan_member_labels(plan, user_ids: set[int]) -> dict[int, str]:
    """Each author with the organisations through which they take part in the plan
    (their other memberships are none of the plan's readers' business)."""
    organisations = defaultdict(list)
    for membership in Membership.objects.filter(
        user_id__in=user_ids, organisation__participations__plan=plan
    ).select_related("user", "organisation"):
        organisations[membership.user].append(membership.organisation.short_name)
    return {
        user.pk: f"{user} ({', '.join(short_names)})" for user, short_names in organisations.items()
    }


def register() -> None:
    history.label_actors(plan_member_labels)
    history.name_area("governance", gettext_lazy("Governance"))
    history.label_records(Organisation, "name")
    history.track(
        LeadArrangement,
        area="governance",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("the lead arrangement"),
    )
    history.track(
        LeadBody,
        area="governance",
        in_plan=history.under(LeadArrangement, "arrangement_id"),
        subject=lambda change: change.names.of(Organisation, change.row.organisation_id),
        label="organisation__name",
        sentence=_lead_body_sentence,
    )
    history.track(
        Responsibility,
        area="governance",
        in_plan=history.under(LeadArrangement, "arrangement_id"),
        subject=lambda change: change.row.get_activity_display(),
        sentence=_responsibility_sentence,
    )
    history.track(
        Participation,
        area="governance",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: (
            _("the participation of %(name)s")
            % {"name": change.names.of(Organisation, change.row.organisation_id)}
        ),
    )
