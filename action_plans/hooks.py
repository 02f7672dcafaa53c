"""Hooks through which the apps above the kernel take part in plan-wide features.

Each app registers in its ``AppConfig.ready()``; the kernel reads the hooks and imports
no app above it (Django's admin autodiscovery and Wagtail's hooks are the model).
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from action_plans.policy import PlanAction
from msd_planner.lib.formatting import number

PlanChangeCheck = Callable[[ActionPlan, list[str]], None]

_plan_change_checks: list[PlanChangeCheck] = []


def register_plan_change_check(check: PlanChangeCheck) -> PlanChangeCheck:
    """``check(plan, changed_fields)`` runs when a plan's details change, with the new
    values set and the plan row locked; it raises ``ValidationError`` (keyed by the
    plan form's field) to refuse a change that its records no longer fit."""
    if check not in _plan_change_checks:
        _plan_change_checks.append(check)
    return check


def plan_change_checks() -> tuple[PlanChangeCheck, ...]:
    return tuple(_plan_change_checks)


ActingOrganisations = Callable[[object, ActionPlan], frozenset[int]]

_acting_organisations: list[ActingOrganisations] = []


def register_acting_organisations(finder: ActingOrganisations) -> ActingOrganisations:
    """``finder(user, plan)`` returns the organisations for which ``user`` acts on
    ``plan`` as an editor or coordinator (governance knows memberships; the kernel
    does not). The access objects ask it when a rule on own items is checked."""
    if finder not in _acting_organisations:
        _acting_organisations.append(finder)
    return finder


def acting_organisations(user: Any, plan: ActionPlan) -> frozenset[int]:
    found: set[int] = set()
    for finder in _acting_organisations:
        found |= finder(user, plan)
    return frozenset(found)


# --- columns of the plans list ---------------------------------------------------------

PlanListValues = Callable[[Sequence[ActionPlan], Any], dict[int, Any]]


@dataclass(frozen=True)
class PlanListColumn:
    heading: str
    values: PlanListValues  # (plans, user) → {plan id: what the cell shows}, one query
    numeric: bool = False
    empty: Any = "—"  # shown for a plan the values leave out


_plan_list_columns: list[PlanListColumn] = []


def register_plan_list_column(
    heading: str, values: PlanListValues, *, numeric: bool = False, empty: Any = "—"
) -> None:
    """A column of the plans list (the home page), filled by the app that owns its data:
    ``values(plans, user)`` answers for all the listed plans at once, so that the page
    costs one query per column however many plans it lists."""
    if all(column.values is not values for column in _plan_list_columns):
        _plan_list_columns.append(PlanListColumn(heading, values, numeric, empty))


def plan_list_columns() -> tuple[PlanListColumn, ...]:
    return tuple(_plan_list_columns)


NoPlanExplanation = Callable[[Any], str | None]

_no_plan_explanations: list[NoPlanExplanation] = []


def register_no_plan_explanation(explain: NoPlanExplanation) -> NoPlanExplanation:
    """``explain(user)`` says why a user sees no plan and what brings one, from what the
    app knows (governance: whether they belong to an organisation, and whether it takes
    part in a plan); None when it has nothing to say. The plans list asks only when it is
    empty, and shows the first answer."""
    if explain not in _no_plan_explanations:
        _no_plan_explanations.append(explain)
    return explain


def no_plan_explanation(user: Any) -> str | None:
    for explain in _no_plan_explanations:
        if (explanation := explain(user)) is not None:
            return explanation
    return None


# --- an organisation leaving a plan ----------------------------------------------------

ParticipantLeavingCheck = Callable[[ActionPlan, int], None]

_participant_leaving_checks: list[ParticipantLeavingCheck] = []


def register_participant_leaving_check(check: ParticipantLeavingCheck) -> ParticipantLeavingCheck:
    """``check(plan, organisation_id)`` runs, under the plan's lock, before an
    organisation is taken out of a plan; it raises ``ValidationError`` when the app's
    records still need it there (e.g. it leads an intervention)."""
    if check not in _participant_leaving_checks:
        _participant_leaving_checks.append(check)
    return check


def participant_leaving_checks() -> tuple[ParticipantLeavingCheck, ...]:
    return tuple(_participant_leaving_checks)


# --- readiness -------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessItem:
    """One criterion of a plan's readiness for validation, as its app judges it.

    ``blocking`` criteria must hold before the plan may be submitted; the others are
    warnings. ``problems`` name what fails, in words; ``url`` is where it is fixed.
    """

    key: str
    label: str
    blocking: bool
    problems: tuple[str, ...]
    url: str
    order: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


ReadinessCheck = Callable[[ActionPlan], list[ReadinessItem]]

_readiness_checks: list[ReadinessCheck] = []


def register_readiness_check(check: ReadinessCheck) -> ReadinessCheck:
    """``check(plan)`` returns the readiness criteria the app judges (a fixed number of
    queries, however large the plan)."""
    if check not in _readiness_checks:
        _readiness_checks.append(check)
    return check


def readiness_checks() -> tuple[ReadinessCheck, ...]:
    return tuple(_readiness_checks)


# --- validation: who signs, and who adopts ---------------------------------------------


@dataclass(frozen=True)
class RequiredSignature:
    """An organisation whose approval a plan's validation needs, and why."""

    organisation_id: int
    name: str
    reason: str


@dataclass(frozen=True)
class Signature:
    """A required organisation and its sign-off of a version, for the validation page."""

    required: RequiredSignature
    decision: str = ""  # "" (not yet), "approve" or "request_changes"
    decision_label: str = ""
    signatory: str = ""
    comment: str = ""
    signed_at: Any = None
    section: str = ""  # the section of the version the comment is about, if any
    section_title: str = ""
    section_url: str = ""
    document_checksum: str = ""  # of the PDF for validation the signatory was given

    @property
    def checksum_short(self) -> str:
        return self.document_checksum[:12]


@dataclass(frozen=True)
class ValidationPolicy:
    """Who must approve a plan (``required(plan)``), which of them have approved a version
    (``approvals(version)``: organisation ids), each required organisation with its
    sign-off (``signatures(plan, version)``; ``public_signatures`` the same as public
    materials show them, each organisation credited as it chose), who of the user's
    organisations may sign
    (``signable(user, plan)``: organisation ids), why ``actor`` may not adopt it
    (``adoption_refusal(plan, actor)``: a message, or None), and whom the workflow tells:
    the signatories of the required organisations and the lead bodies' coordinators."""

    required: Callable[[ActionPlan], list[RequiredSignature]]
    approvals: Callable[[Any], set[int]]
    signatures: Callable[[ActionPlan, Any], list[Signature]]
    public_signatures: Callable[[ActionPlan, Any], list[Signature]]
    signable: Callable[[Any, ActionPlan], list[int]]
    adoption_refusal: Callable[[ActionPlan, Any], str | None]
    signatories: Callable[[ActionPlan], list[Any]]  # users who sign for a required organisation
    coordinators: Callable[[ActionPlan], list[Any]]  # users who coordinate a lead body
    acting_for: Callable[[Any, ActionPlan], str]  # the organisations a user acts for, named


_validation_policy: list[ValidationPolicy] = []


def register_validation_policy(policy: ValidationPolicy) -> None:
    """Governance knows the lead model and the signatories: it registers the one policy."""
    _validation_policy[:] = [policy]


def validation_policy() -> ValidationPolicy:
    return _validation_policy[0]


# --- the snapshot of a version ------------------------------------------------------------


Term = Callable[[Any], Any]


@dataclass(frozen=True)
class SnapshotSection:
    """One app's part of a plan's snapshot.

    ``build(plan)`` returns ``{"records": [...], "totals": {...}}`` in a fixed number of
    queries. A record is ``{"key", "kind", "label", "fields": {name: value}}`` (and, for
    the document, ``parent``: the key of the record it belongs to): ``key``
    stays the same across versions (what the comparison matches). Values are JSON: plain
    decimals for amounts, ISO dates, and **codes, not words**, for anything a reader sees
    in their language (a choice, yes or no, a catalogue title): a snapshot is frozen once
    and read in English, French or Spanish.

    ``kinds`` and ``fields`` name record kinds and fields in words; ``terms`` turns a
    field's stored value into words in the active language (``choice_term``,
    ``yes_no``, ``date_term``, ``number_term``, ``pairs_term``), ``labels`` a record's
    label, by kind; ``money`` lists the fields (and totals) that are amounts in the
    plan's base currency; ``shares`` those that are fractions. ``summaries`` lists the
    kinds of record that only sum up others (a target's funding): a revision explains the
    records they sum, not them (``action_plans.snapshot.differences``). ``living`` lists
    the fields that record the plan's implementation, not its design (progress measured,
    money disbursed): they go on after adoption, so a record whose only changes are
    there is shown in a comparison but needs no reason in a revision. ``details`` lists
    the kinds of record that detail what another record sums up (the commitments an
    intervention's funding figures add up): shown in a comparison, but a revision explains
    the sums they move, not each of them.
    ``action_plans.snapshot.named`` applies the terms. A term applies to the field of
    that name in every kind of record of the section: two kinds of one section do not
    give one name two meanings.
    """

    name: str
    title: Any
    order: int
    build: Callable[[ActionPlan], dict[str, Any]]
    kinds: dict[str, Any]
    fields: dict[str, Any]
    money: frozenset[str] = frozenset()
    shares: frozenset[str] = frozenset()
    summaries: frozenset[str] = frozenset()
    living: frozenset[str] = frozenset()
    details: frozenset[str] = frozenset()
    terms: dict[str, Term] = field(default_factory=dict)
    labels: dict[str, Callable[[dict[str, Any]], str | None]] = field(default_factory=dict)


def frozen_amount(value: Decimal | None) -> str | None:
    """An amount as a snapshot stores it: a plain decimal with its places (1000000.00)."""
    return None if value is None else format(value, "f")


def frozen_number(value: Decimal | None) -> str | None:
    """A measured number as a snapshot stores it: a plain decimal, no trailing zeros."""
    return None if value is None else format(value.normalize(), "f")


def choice_term(choices: Iterable[tuple[str, Any]]) -> Term:
    """A code, or a list of codes, in words. A snapshot of format 1 stored the English
    words: they are recognised and named too; anything else reads as it was stored."""
    choices = list(choices)
    names = dict(choices)

    @cache
    def codes_of_english_words() -> dict[str, str]:
        with translation.override("en"):
            return {str(label): code for code, label in choices}

    def term(value: Any) -> Any:
        if isinstance(value, list):
            return [term(item) for item in value]
        if not isinstance(value, str):
            return value
        code = value if value in names else codes_of_english_words().get(value)
        return str(names[code]) if code is not None else value

    return term


def yes_no(value: Any) -> Any:
    if value in (True, "Yes"):  # "Yes" and "No": format 1
        return _("Yes")
    if value in (False, "No"):
        return _("No")
    return value


def pairs_term(words: Callable[..., str], legacy: re.Pattern[str] | None = None) -> Term:
    """A list of tuples (stored as lists: ``["2026-06-30", "12"]``) in words, each by
    ``words(*item)``. An item stored as words (format 1) is read back into its parts by
    the ``legacy`` pattern's groups where it matches, and reads as it was otherwise."""

    def term(value: list[Any]) -> list[Any]:
        result = []
        for item in value:
            if isinstance(item, str) and legacy is not None:
                match = legacy.fullmatch(item)
                item = list(match.groups()) if match else item
            result.append(words(*item) if isinstance(item, list) else item)
        return result

    return term


def number_term(value: Any) -> Any:
    """A plain decimal as the reader writes numbers (4.4 reads 4,4 in French)."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return value
    return _number_in(str(value), translation.get_language())


@lru_cache(maxsize=8192)
def _number_in(value: str, language: str | None) -> Any:  # a large plan repeats its numbers
    try:
        return number(value)
    except (TypeError, ValueError, InvalidOperation):
        return value


def date_term(value: Any) -> Any:
    """An ISO date as the reader writes dates."""
    if not isinstance(value, str):
        return value
    return _date_in(value, translation.get_language())


@lru_cache(maxsize=8192)
def _date_in(value: str, language: str | None) -> Any:  # and its dates
    try:
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):
        return value


_snapshot_sections: dict[str, SnapshotSection] = {}


def register_snapshot_section(section: SnapshotSection) -> None:
    _snapshot_sections[section.name] = section


def snapshot_sections() -> list[SnapshotSection]:
    return sorted(_snapshot_sections.values(), key=lambda section: section.order)


# --- what public materials show of a snapshot -----------------------------------------------

PublicContent = Callable[[dict[str, Any]], dict[str, Any]]

_public_content: list[PublicContent] = []


def register_public_content(make_public: PublicContent) -> PublicContent:
    """``make_public(content)`` returns a version's snapshot ``content`` as material that leaves
    the building may show it (governance: each organisation credited as it chose), without
    changing the stored content; its words are in the active language. The official
    edition of a plan's document applies them all; the edition given for validation,
    which names everyone to the signatories, applies none."""
    if make_public not in _public_content:
        _public_content.append(make_public)
    return make_public


def public_content(content: dict[str, Any]) -> dict[str, Any]:
    """``content`` as public materials may show it: every registered ``make_public``
    applied, in the order the apps load."""
    for make_public in _public_content:
        content = make_public(content)
    return content


# --- the plan's dashboard ----------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFact:
    """A count or figure on the plan's overview page, linking to where it comes from.
    ``shown_to``: the action a reader must hold on the plan to see it (those who review
    what it counts); None, whoever sees the plan. The facts are computed once for all
    readers and kept (``action_plans.derived``); who sees which is decided per reader."""

    label: str
    value: str
    url: str
    order: int = 0
    detail: str = ""
    shown_to: PlanAction | None = None

    def shown(self, actions: Iterable[PlanAction]) -> bool:
        """Whether a reader holding ``actions`` on the plan sees the fact."""
        return self.shown_to is None or self.shown_to in actions


DashboardFacts = Callable[[ActionPlan], list[DashboardFact]]

_dashboard_facts: list[DashboardFacts] = []


def register_dashboard_facts(facts: DashboardFacts) -> DashboardFacts:
    """``facts(plan)`` returns the app's facts for the overview (a fixed number of
    queries, however large the plan). They may depend on today's date (what is overdue):
    the overview keeps them per day as well as per content revision."""
    if facts not in _dashboard_facts:
        _dashboard_facts.append(facts)
    return facts


def dashboard_facts(plan: ActionPlan) -> list[DashboardFact]:
    return sorted(
        (fact for facts in _dashboard_facts for fact in facts(plan)), key=lambda fact: fact.order
    )


# --- chapters of the plan's document -------------------------------------------------------


@dataclass(frozen=True)
class DocumentChapter:
    """A chapter of the plan's PDF, owned by the app whose records it shows.

    ``context(content)`` picks what the chapter shows from the version's snapshot
    (``content``: the snapshot with its values named in the document's language), never
    the live rows; ``template`` lays it out as one ``<section class="chapter">`` whose
    ``id`` is ``anchor`` (what the contents link to), under the heading ``title``. The
    template also receives ``frozen`` (the plan as frozen: its title, base currency…),
    ``version`` and ``preview``. Chapters follow each other by ``order``.
    """

    anchor: str
    title: Any
    order: int
    template: str
    context: Callable[[dict[str, Any]], dict[str, Any]]


_document_chapters: dict[str, DocumentChapter] = {}


def register_document_chapter(chapter: DocumentChapter) -> None:
    _document_chapters[chapter.anchor] = chapter


def document_chapters() -> list[DocumentChapter]:
    return sorted(_document_chapters.values(), key=lambda chapter: chapter.order)


def snapshot_records(
    content: dict[str, Any], section: str, kind: str | None = None
) -> list[dict[str, Any]]:
    """The records of ``section`` in a snapshot's ``content`` (of ``kind``, if given)."""
    records = content["sections"].get(section, {}).get("records", [])
    return [record for record in records if kind is None or record["kind"] == kind]


# --- chapters of the annual report ---------------------------------------------------------


@dataclass(frozen=True)
class ReportChapter:
    """A chapter of the plan's annual report, owned by the app whose records it shows.

    Unlike a version's document, the report tells of the plan as it stands when it is
    made: ``context(plan, year)`` reads the live rows (only approved progress, counted
    funds) as at the end of ``year``, where the app keeps dates; ``template`` lays it out
    as the inside of a ``<section class="chapter">`` under the heading ``title``, and
    receives ``plan`` and ``year`` too. The same HTML makes the PDF and the Word document.
    """

    anchor: str
    title: Any
    order: int
    template: str
    context: Callable[[ActionPlan, int], dict[str, Any]]


_report_chapters: dict[str, ReportChapter] = {}


def register_report_chapter(chapter: ReportChapter) -> None:
    _report_chapters[chapter.anchor] = chapter


def report_chapters() -> list[ReportChapter]:
    return sorted(_report_chapters.values(), key=lambda chapter: chapter.order)


# --- tabs of a plan's pages ------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTab:
    """A tab of every plan page, leading to ``url_name`` (which takes the plan's id).

    The tab reads as current on its own page, and on every page whose route contains
    ``under`` (``"/funding/"``: a commitment's page sits under the Funding tab)."""

    label: Any
    url_name: str
    order: int
    under: str = ""

    def current(self, url_name: str | None, route: str | None) -> bool:
        return url_name == self.url_name or bool(self.under and self.under in (route or ""))


_plan_tabs: dict[str, PlanTab] = {}


def register_plan_tab(label: Any, url_name: str, *, order: int, under: str = "") -> None:
    """Add a tab to the plan's pages; the app that owns the page registers it."""
    _plan_tabs[url_name] = PlanTab(label, url_name, order, under)


def plan_tabs() -> list[PlanTab]:
    return sorted(_plan_tabs.values(), key=lambda tab: tab.order)


# --- pages of a plan that an app owns and the kernel points to ----------------------------


class PlanPage:
    """The steps of the kernel's process whose page an app owns."""

    SET_UP = "set_up"  # where a new plan is set up next (who leads it)
    SIGN = "sign"  # where a signatory approves a version in validation


_plan_pages: dict[str, Callable[[ActionPlan], str]] = {}


def register_plan_page(step: str, url: Callable[[ActionPlan], str]) -> None:
    """``url(plan)`` is the page of ``plan`` where ``step`` (a ``PlanPage``) is done."""
    _plan_pages[step] = url


def plan_page(step: str, plan: ActionPlan) -> str:
    """The page of ``plan`` where ``step`` is done; the overview when no app offers one."""
    url = _plan_pages.get(step)
    return url(plan) if url is not None else reverse("plan_detail", args=[plan.pk])


# --- the main menu ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuLink:
    """A link of the site's main menu to a page that takes no argument, shown to the users
    ``shown_to(user)`` accepts (every visitor when it is None)."""

    label: Any
    url_name: str
    order: int
    shown_to: Callable[[Any], bool] | None = None


_menu_links: dict[str, MenuLink] = {}


def register_menu_link(
    label: Any, url_name: str, *, order: int, shown_to: Callable[[Any], bool] | None = None
) -> None:
    _menu_links[url_name] = MenuLink(label, url_name, order, shown_to)


def menu_links(user: Any) -> list[MenuLink]:
    """The menu as ``user`` sees it (None: a page drawn before anyone is known)."""
    return sorted(
        (
            link
            for link in _menu_links.values()
            if link.shown_to is None or (user is not None and link.shown_to(user))
        ),
        key=lambda link: link.order,
    )


# --- links one app adds to another's record page -------------------------------------------


@dataclass(frozen=True)
class RecordLink:
    """A link an app adds to the page of another app's record (funding's links on an
    intervention's page): ``primary`` marks an action the page offers as a button."""

    label: str
    url: str
    primary: bool = False


RecordLinks = Callable[[Any, Any], list[RecordLink]]

_record_links: dict[str, list[RecordLinks]] = {}


def register_record_links(kind: str, provider: RecordLinks) -> RecordLinks:
    """``provider(record, access)`` returns the links the app adds to the page of a record
    of ``kind`` (the name the page's app gives it, e.g. ``"intervention"``; the kernel's
    version page reads ``"version"``: files made from a version), only those the user may
    follow (``access``: the page's plan access, its ``may`` and ``may_on``), in
    a fixed number of queries."""
    providers = _record_links.setdefault(kind, [])
    if provider not in providers:
        providers.append(provider)
    return provider


def record_links(kind: str, record: Any, access: Any) -> list[RecordLink]:
    """Every link the apps add to the page of ``record``, in the order the apps load."""
    return [link for provider in _record_links.get(kind, ()) for link in provider(record, access)]


# --- periodic jobs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PeriodicJob:
    """A task beat runs on a schedule: ``task`` is the Celery task's name, ``schedule``
    seconds between runs (or a ``celery.schedules`` schedule)."""

    name: str
    task: str
    schedule: Any


_periodic_jobs: dict[str, PeriodicJob] = {}


def register_periodic_job(name: str, task: str, schedule: Any) -> None:
    """Run ``task`` every ``schedule`` (one beat per deployment runs them all); the app
    that owns the work registers it, and ``msd_planner.celery`` gives beat every job."""
    _periodic_jobs[name] = PeriodicJob(name, task, schedule)


def periodic_jobs() -> tuple[PeriodicJob, ...]:
    return tuple(_periodic_jobs.values())
