"""Race two signed-in browsers on every versioned edit form, over HTTP against gunicorn.

Run: .venv/bin/python bench/race_runner.py [--races N]   (N races per form, default 200)

Creates its own PostgreSQL database (msd_race_bench, owner msd_planner; dropped and
created again as user postgres), migrates it, loads the SDG catalogue and the demo data,
and serves it with gunicorn (4 workers) on a free port of 127.0.0.1. For every versioned
edit page (the set of EDIT_PAGES in tests/test_versioned_forms.py) it runs races: two
clients, each with its own session, open the page (the same version), then post a
different change at the same moment (two threads released by a barrier). A race is
right when exactly one save is accepted (302) and the other client gets the conflict
screen (200 with the conflict message), and the database then holds the winner's value
at one version above the one both opened. Two accepted saves are a lost update.

Prints, per form: races, saved-once, conflicts-shown, lost-updates, 500s, other; then the
totals. Exit status 1 when a lost update or a 500 was seen, 2 when some race ended
otherwise (the reasons are printed), 0 when every race was right. gunicorn is stopped
and the database dropped at the end, whatever happens.
"""

import argparse
import http.cookiejar
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "msd_race_bench"
DB_OWNER = "msd_planner"
PG_HOST, PG_PORT, PG_SUPERUSER = "127.0.0.1", "5432", "postgres"
DATABASE_URL = f"postgres://{DB_OWNER}@{PG_HOST}:{PG_PORT}/{DB_NAME}"
PASSWORD = "msd-demo-2030"  # noqa: S105 - the demo users' password (README)
WORKERS = 4

# Production settings cannot serve plain HTTP: SESSION_COOKIE_SECURE and CSRF_COOKIE_SECURE
# are fixed at True (a browser, and http.cookiejar, never send those cookies back over
# http://), and its manifest static storage needs `collectstatic` into STATIC_ROOT, which
# is inside the project folder. So the server runs the local settings with DEBUG off.
SETTINGS = "msd_planner.settings.local"
SETTINGS_NOTE = (
    "msd_planner.settings.local with DEBUG=false (msd_planner.settings.production cannot "
    "serve plain HTTP: its session and CSRF cookies are always Secure, and its manifest "
    "static storage needs collectstatic into the project folder)"
)

EDIT_CONFLICT = "Someone else saved this record after you opened it"
CRITERIA_CONFLICT = "Someone else changed the scoring criteria"

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
os.environ["DEBUG"] = "false"


# --- the database and the server ------------------------------------------------------


def run(command: list[str], **kwargs) -> None:
    subprocess.run(command, check=True, **kwargs)  # noqa: S603 - fixed commands


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        sys.exit(f"race_runner: {name} not found on PATH (PostgreSQL client tools)")
    return path


def pg_args() -> list[str]:
    return ["-h", PG_HOST, "-p", PG_PORT, "-U", PG_SUPERUSER]


def drop_database() -> None:
    run([pg_tool("dropdb"), *pg_args(), "--if-exists", "--force", DB_NAME])


def create_database() -> None:
    drop_database()
    run([pg_tool("createdb"), *pg_args(), "-O", DB_OWNER, DB_NAME])
    for command in (["migrate", "-v", "0"], ["load_sdg_catalogue"], ["load_demo"]):
        started = time.perf_counter()
        run(
            [sys.executable, str(ROOT / "manage.py"), *command],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        print(f"  manage.py {command[0]}: {time.perf_counter() - started:.0f} s", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int, log_path: Path) -> subprocess.Popen:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": DATABASE_URL,
        # The race is on the forms, after sign-in; the second factor has its own tests.
        "TWO_FACTOR_REQUIRED": "false",
    }
    environment.pop("CELERY_BROKER_URL", None)
    log = log_path.open("wb")
    return subprocess.Popen(  # noqa: S603 - the project's own gunicorn
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "msd_planner.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
        ],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_until_serving(server: subprocess.Popen, base: str, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"race_runner: gunicorn stopped:\n{log_path.read_text()[-2000:]}")
        try:
            if Client(base).get("/accounts/login/").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    sys.exit(f"race_runner: gunicorn did not answer in 60 s:\n{log_path.read_text()[-2000:]}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- a browser: cookies, forms --------------------------------------------------------


class _KeepEveryResponse(urllib.request.HTTPErrorProcessor):
    """Hand back 302s, 4xx and 5xx as they are: no redirect followed, no exception."""

    def http_response(self, request, response):
        return response


@dataclass
class Response:
    status: int
    body: str
    location: str = ""


class Client:
    """One browser: its own cookie jar (session and CSRF cookies)."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepEveryResponse()
        )

    def _send(self, path: str, data: bytes | None = None) -> Response:
        url = self.base + path
        headers = {"User-Agent": "msd-race-runner"}
        if data is not None:
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.base,
                "Referer": url,
            }
        request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
        with self.opener.open(request, timeout=60) as answer:
            return Response(
                answer.status,
                answer.read().decode("utf-8", "replace"),
                answer.headers.get("Location", ""),
            )

    def get(self, path: str) -> Response:
        return self._send(path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return self._send(path, urllib.parse.urlencode(fields).encode())

    def sign_in(self, username: str) -> None:
        page = self.get("/accounts/login/")
        form = find_form(page.body, "username")
        form.set("username", username)
        form.set("password", PASSWORD)
        answer = self.post("/accounts/login/", form.fields)
        if answer.status != 302:
            sys.exit(f"race_runner: signing in as {username} answered {answer.status}")


@dataclass
class Form:
    """A form as the browser would send it: (name, value) pairs in page order."""

    fields: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # a select's option values
    names: set[str] = field(default_factory=set)  # every field, sent or not

    def get(self, name: str) -> str | None:
        return next((value for key, value in self.fields if key == name), None)

    def set(self, name: str, value: str | None) -> None:
        """Replace the field's values (None: not sent, as an unticked box)."""
        index = next((i for i, (key, _v) in enumerate(self.fields) if key == name), None)
        self.fields = [(key, v) for key, v in self.fields if key != name]
        if value is not None:
            position = len(self.fields) if index is None else index
            self.fields.insert(position, (name, value))


class _FormParser(HTMLParser):
    """Every POST form of a page: inputs, checked boxes, selected options, textareas."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._form = Form()
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            form.names.add(name)
            kind = attrs.get("type", "text").lower()
            if "disabled" in attrs or kind in {"submit", "button", "reset", "image", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                form.options.setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    form.fields.append((name, attrs.get("value", "on")))
                return
            form.fields.append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            form.names.add(name)
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": []}
            self._select["disabled"] = "disabled" in attrs
            form.options[name] = []
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": attrs.get("value"),
                "text": "",
                "selected": "selected" in attrs,
            }
        elif tag == "textarea" and name:
            form.names.add(name)
            self._textarea = {"name": name, "text": "", "disabled": "disabled" in attrs}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def _end_option(self):
        option, self._option = self._option, None
        if option is None or self._select is None:
            return
        value = option["value"] if option["value"] is not None else option["text"].strip()
        assert self._form is not None
        self._form.options[self._select["name"]].append(value)
        if option["selected"]:
            self._select["chosen"].append(value)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None and form is not None:
            self._end_option()
            select, self._select = self._select, None
            chosen = select["chosen"]
            if not select["multiple"]:
                # A browser sends the last option marked selected, else the first option.
                options = form.options[select["name"]]
                chosen = chosen[-1:] or options[:1]
            if not select["disabled"]:
                form.fields.extend((select["name"], value) for value in chosen)
        elif tag == "textarea" and self._textarea is not None and form is not None:
            textarea, self._textarea = self._textarea, None
            text = textarea["text"]
            # The HTML parser drops one newline right after <textarea>; so does a browser.
            text = text.removeprefix("\r\n") if text.startswith("\r\n") else text
            text = text.removeprefix("\n")
            if not textarea["disabled"]:
                form.fields.append((textarea["name"], text))
        elif tag == "form" and form is not None:
            self.forms.append(form)
            self._form = None


def find_form(page: str, field_name: str) -> Form:
    """The POST form of the page that has the field ``field_name``."""
    parser = _FormParser()
    parser.feed(page)
    parser.close()
    for form in parser.forms:
        if field_name in form.names:
            return form
    raise LookupError(f"no form with a field {field_name!r} on the page")


# --- the pages ---------------------------------------------------------------------------


@dataclass
class EditPage:
    """One versioned edit page and the change each client makes to it.

    ``choose(form, race)`` gives the values the two clients post in ``field`` (distinct
    and different from the saved value, so that a no-op never passes for a save);
    ``saved()`` reads from the database (the value as the form posts it, the version).
    """

    form: str
    url: str
    user: str
    field: str
    choose: Callable[[Form, int], tuple[str | None, str | None]]
    saved: Callable[[], tuple[str | None, int]]
    conflict: str = EDIT_CONFLICT
    note: str = ""
    # Puts the record back where the page applies before each race (a corrected value is
    # submitted again: it must be returned once more for the next race to open it).
    prepare: Callable[[], None] | None = None


def _typed(form_name: str) -> Callable[[Form, int], tuple[str, str]]:
    return lambda form, race: (
        f"{form_name} race {race} by A",
        f"{form_name} race {race} by B",
    )


def _another_choice(name: str, choices: list[str] | None = None):
    """Two different choices among the field's options, neither the one now chosen."""

    def choose(form: Form, race: int) -> tuple[str, str]:
        current = form.get(name)
        others = [value for value in (choices or form.options[name]) if value != current]
        others = [value for value in others if value != ""]
        if len(others) < 2:
            raise LookupError(f"{name}: fewer than two other choices")
        first = race % len(others)
        return others[first], others[(first + 1) % len(others)]

    return choose


def _toggled(name: str):
    """A tick box is the only field: both clients tick (or untick) it, the one change
    there is. The versions alone must refuse the second save."""

    def choose(form: Form, race: int) -> tuple[str | None, str | None]:
        value = None if form.get(name) is not None else "on"
        return value, value

    return choose


def edit_pages() -> list[EditPage]:
    """The pages of EDIT_PAGES in tests/test_versioned_forms.py, on the demo data."""
    from action_plans.models import ActionPlan, PlanLevel
    from governance.models import Membership

    coordinator_of = Membership.objects.get(user__username="coordinator").organisation
    plan = ActionPlan.objects.filter(
        level=PlanLevel.NATIONAL, participations__organisation=coordinator_of
    ).first()
    assert plan is not None, "the demo's national plan"
    return [
        *_plan_edit_pages(plan, coordinator_of),
        *_governance_edit_pages(plan, coordinator_of),
        *_prioritisation_edit_pages(plan),
        *_review_edit_pages(plan),
        *_interventions_edit_pages(plan),
        *_funding_edit_pages(plan),
    ]


def _version_of(model, pk) -> int:
    return model.objects.values_list("version", flat=True).get(pk=pk)


def _field_of(model, pk, name) -> tuple:
    """A record's field as saved now, and its version."""
    return model.objects.values_list(name, "version").get(pk=pk)


def _plan_edit_pages(plan, coordinator_of) -> list[EditPage]:
    """The edit pages of the plan's details, an organisation and a membership."""
    from django.urls import reverse

    from action_plans.models import ActionPlan
    from governance.models import LeadBody, Membership, Organisation

    lead_bodies = LeadBody.objects.filter(arrangement__plan=plan).values("organisation")
    other_organisation = (
        Organisation.objects.exclude(pk=coordinator_of.pk)
        .exclude(pk__in=lead_bodies)
        .order_by("pk")
        .first()
    )
    membership = Membership.objects.get(user__username="viewer")
    assert other_organisation is not None, "the demo data changed"
    return [
        EditPage(
            "ActionPlanForm",
            reverse("plan_edit", kwargs={"pk": plan.pk}),
            "coordinator",
            "title",
            _typed("ActionPlanForm"),
            lambda: _field_of(ActionPlan, plan.pk, "title"),
        ),
        EditPage(
            "OrganisationForm",
            reverse("organisation_edit", kwargs={"pk": other_organisation.pk}),
            "admin",
            "name",
            _typed("OrganisationForm"),
            lambda: _field_of(Organisation, other_organisation.pk, "name"),
        ),
        EditPage(
            "OrganisationProfileForm",
            reverse("organisation_edit", kwargs={"pk": coordinator_of.pk}),
            "coordinator",
            "name",
            _typed("OrganisationProfileForm"),
            lambda: _field_of(Organisation, coordinator_of.pk, "name"),
        ),
        EditPage(
            "RoleForm",
            reverse(
                "organisation_member_edit",
                kwargs={"pk": membership.organisation_id, "membership_pk": membership.pk},
            ),
            "admin",
            "role",
            _another_choice("role"),
            lambda: _field_of(Membership, membership.pk, "role"),
        ),
    ]


def _governance_edit_pages(plan, coordinator_of) -> list[EditPage]:
    """The edit pages of the plan's lead arrangement and of a participant."""
    from django.urls import reverse

    from governance.models import LeadArrangement, LeadBody, Participation

    lead_bodies = LeadBody.objects.filter(arrangement__plan=plan).values("organisation")
    participation = (
        Participation.objects.filter(plan=plan)
        .exclude(organisation__in=lead_bodies)
        .exclude(organisation=coordinator_of)
        .order_by("pk")
        .first()
    )
    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    assert None not in (participation, arrangement), "the demo data changed"

    def signature_required():
        required, version = _field_of(Participation, participation.pk, "signatory_required")
        return ("on" if required else None), version

    return [
        EditPage(
            "LeadArrangementForm",
            reverse("lead_arrangement_edit", kwargs={"pk": plan.pk}),
            "coordinator",
            "notes",
            _typed("LeadArrangementForm"),
            lambda: _field_of(LeadArrangement, arrangement.pk, "notes"),
        ),
        EditPage(
            "ParticipantEditForm",
            reverse(
                "participant_edit", kwargs={"pk": plan.pk, "participation_pk": participation.pk}
            ),
            "coordinator",
            "signatory_required",
            _toggled("signatory_required"),
            signature_required,
            note="one tick box: both clients make the same change",
        ),
    ]


def _prioritisation_edit_pages(plan) -> list[EditPage]:
    """The edit pages of a prioritised target, its scores and baseline, the scoring
    criteria and a proposal."""
    from django.urls import reverse

    from action_plans.models import ActionPlan
    from targets.models import PrioritisedTarget, ProposalStatus, ScoringCriterion, TargetScore

    items = PrioritisedTarget.objects.filter(plan=plan)
    target = items.filter(status=ProposalStatus.ACCEPTED).order_by("pk").first()
    criterion = ScoringCriterion.objects.filter(plan=plan).order_by("position", "pk").first()
    remittances = items.get(target__code="10.c")
    proposal = items.get(target__code="8.7", status=ProposalStatus.PROPOSED)
    assert None not in (target, criterion), "the demo data changed"
    item_kwargs = {"pk": plan.pk, "item_pk": target.pk}

    def score():
        value = TargetScore.objects.get(prioritised_target=target, criterion=criterion).score
        return str(value), _version_of(PrioritisedTarget, target.pk)

    def criterion_name():
        name = ScoringCriterion.objects.filter(plan=plan).order_by("position", "pk")[0].name
        return name, _version_of(ActionPlan, plan.pk)

    return [
        EditPage(
            "PrioritisedTargetForm",
            reverse("prioritised_target_edit", kwargs=item_kwargs),
            "coordinator",
            "rationale",
            _typed("PrioritisedTargetForm"),
            lambda: _field_of(PrioritisedTarget, target.pk, "rationale"),
        ),
        EditPage(
            "ScoresForm",
            reverse("prioritised_target_scores", kwargs=item_kwargs),
            "coordinator",
            f"criterion_{criterion.pk}",
            _another_choice(f"criterion_{criterion.pk}", ["1", "2", "3", "4", "5"]),
            score,
        ),
        EditPage(
            "CriteriaFormSet",
            reverse("scoring_criteria_edit", kwargs={"pk": plan.pk}),
            "coordinator",
            "form-0-name",
            _typed("CriteriaFormSet"),
            criterion_name,
            conflict=CRITERIA_CONFLICT,
        ),
        EditPage(
            "BaselineForm",
            reverse(
                "prioritised_target_baseline", kwargs={"pk": plan.pk, "item_pk": remittances.pk}
            ),
            "stats.editor",
            "baseline_source",
            _typed("BaselineForm"),
            lambda: _field_of(PrioritisedTarget, remittances.pk, "baseline_source"),
        ),
        EditPage(
            "ProposalForm",
            reverse("proposal_edit", kwargs={"pk": plan.pk, "item_pk": proposal.pk}),
            "editor",
            "rationale",
            _typed("ProposalForm"),
            lambda: _field_of(PrioritisedTarget, proposal.pk, "rationale"),
        ),
    ]


def _review_edit_pages(plan) -> list[EditPage]:
    """The edit pages of an existing framework, its assessments and a consultation."""
    from django.urls import reverse

    from targets.models import Consultation, Framework, FrameworkAssessment

    assessment = (
        FrameworkAssessment.objects.filter(framework__plan=plan).order_by("framework", "pk").first()
    )
    framework = Framework.objects.filter(plan=plan).order_by("pk").first()
    consultation = Consultation.objects.filter(plan=plan).order_by("pk").first()
    assert None not in (assessment, framework, consultation), "the demo data changed"

    def assessment_note():
        note = FrameworkAssessment.objects.get(pk=assessment.pk).note
        return note, _version_of(Framework, assessment.framework_id)

    return [
        EditPage(
            "FrameworkForm",
            reverse("framework_edit", kwargs={"pk": plan.pk, "framework_pk": framework.pk}),
            "coordinator",
            "name",
            _typed("FrameworkForm"),
            lambda: _field_of(Framework, framework.pk, "name"),
        ),
        EditPage(
            "AssessmentsForm",
            reverse(
                "framework_assess",
                kwargs={"pk": plan.pk, "framework_pk": assessment.framework_id},
            ),
            "coordinator",
            f"note_{assessment.prioritised_target_id}",
            _typed("AssessmentsForm"),
            assessment_note,
        ),
        EditPage(
            "ConsultationForm",
            reverse(
                "consultation_edit", kwargs={"pk": plan.pk, "consultation_pk": consultation.pk}
            ),
            "coordinator",
            "title",
            _typed("ConsultationForm"),
            lambda: _field_of(Consultation, consultation.pk, "title"),
        ),
    ]


def _interventions_edit_pages(plan) -> list[EditPage]:
    """The edit pages of an intervention, its status and an indicator."""
    from django.urls import reverse

    from interventions.models import Intervention, InterventionStatus, ResultIndicator

    intervention = (
        Intervention.objects.filter(plan=plan, lead_organisation__acronym="MINT")
        .exclude(indicators=None)
        .order_by("pk")
        .first()
    )
    indicator = intervention.indicators.order_by("pk").first()
    intervention_kwargs = {"pk": plan.pk, "intervention_pk": intervention.pk}
    statuses = [value for value in InterventionStatus.values if value != InterventionStatus.DROPPED]
    return [
        EditPage(
            "InterventionForm",
            reverse("intervention_edit", kwargs=intervention_kwargs),
            "coordinator",
            "title",
            _typed("InterventionForm"),
            lambda: _field_of(Intervention, intervention.pk, "title"),
        ),
        EditPage(
            "StatusForm",
            reverse("intervention_status", kwargs=intervention_kwargs),
            "coordinator",
            "status",
            _another_choice("status", statuses),
            lambda: _field_of(Intervention, intervention.pk, "status"),
        ),
        EditPage(
            "ResultIndicatorForm",
            reverse(
                "result_indicator_edit",
                kwargs={**intervention_kwargs, "indicator_pk": indicator.pk},
            ),
            "coordinator",
            "unit",
            _typed("ResultIndicatorForm"),
            lambda: _field_of(ResultIndicator, indicator.pk, "unit"),
        ),
        _progress_correction_page(plan, intervention_kwargs["pk"], indicator),
    ]


def _progress_correction_page(plan, plan_pk: int, indicator) -> EditPage:
    """A value the coordinator submitted and the statistical office returned, corrected
    by the coordinator's two sessions; returned again before each race."""
    from datetime import date
    from decimal import Decimal

    from django.urls import reverse

    from governance.models import User
    from interventions.models import Progress, ProgressStatus
    from interventions.services import progress_return, progress_submit

    submitted = progress_submit(
        actor=User.objects.get(username="coordinator"),
        indicator=indicator,
        measured_on=date(2026, 10, 15),
        value=Decimal(1),
        source="Race bench",
    )
    returned = progress_return(
        actor=User.objects.get(username="stats.editor"),
        progress=submitted,
        expected_version=submitted.version,
        comment="Race bench: correct the source.",
    )

    def return_again() -> None:
        Progress.objects.filter(pk=returned.pk).update(
            status=ProgressStatus.RETURNED, review_comment="Race bench: correct the source."
        )

    return EditPage(
        "ProgressCorrectionForm",
        reverse("progress_correct", kwargs={"pk": plan_pk, "progress_pk": returned.pk}),
        "coordinator",
        "source",
        _typed("ProgressCorrectionForm"),
        lambda: _field_of(Progress, returned.pk, "source"),
        prepare=return_again,
    )


def _funding_records(plan) -> dict:
    """The demo's funding records the funding pages race on."""
    from funding.models import (
        CapacityNeed,
        Commitment,
        Engagement,
        FundingSource,
        MobilisationStrategy,
    )
    from funding.rules import DISBURSING_STAGES

    source = FundingSource.objects.filter(plan=plan, provider__acronym="MINT").first()
    of_source = Commitment.objects.filter(source=source).order_by("pk")
    records = {
        "source": source,
        "commitment": of_source.filter(intervention__lead_organisation__acronym="MINT").first(),
        "paying": of_source.filter(stage__in=DISBURSING_STAGES).first(),
        "strategy": MobilisationStrategy.objects.filter(intervention__plan=plan)
        .order_by("pk")
        .first(),
        "engagement": Engagement.objects.filter(plan=plan).order_by("pk").first(),
        "need": CapacityNeed.objects.filter(plan=plan).order_by("pk").first(),
    }
    assert None not in records.values(), "the demo's funding"
    return records


def _two_amounts(form: Form, race: int) -> tuple[str, str]:
    # Whole amounts below the commitment's, each different from what is saved.
    base = 1000 + 2 * (race % 100)
    return str(base), str(base + 1)


def _commitment_kwargs(plan, commitment) -> dict:
    return {
        "pk": plan.pk,
        "intervention_pk": commitment.intervention_id,
        "commitment_pk": commitment.pk,
    }


def _two_shares(form: Form, race: int) -> tuple[str, str]:
    # Shares with two decimals, each different from the last race's.
    base = 2 * (race % 4000)
    return f"{base / 100:.2f}", f"{(base + 1) / 100:.2f}"


def _funding_edit_pages(plan) -> list[EditPage]:
    """The edit pages of a source, a commitment, its disbursement, a mobilisation
    strategy, an engagement, the localisation target and a local actor's capacity need
    (its text, and the interventions addressing it)."""
    from django.urls import reverse

    from funding.models import (
        CapacityNeed,
        Commitment,
        Engagement,
        FundingSource,
        LocalisationTarget,
        MobilisationStrategy,
    )

    records = _funding_records(plan)
    source, commitment, paying = records["source"], records["commitment"], records["paying"]
    strategy, engagement, need = records["strategy"], records["engagement"], records["need"]
    need_kwargs = {"pk": plan.pk, "need_pk": need.pk}

    def disbursed():
        value, version = _field_of(Commitment, paying.pk, "disbursed")
        return str(int(value)), version

    def addressed_by():
        pks = sorted(
            CapacityNeed.addressed_by.through.objects.filter(capacityneed=need.pk).values_list(
                "intervention_id", flat=True
            )
        )
        return ",".join(str(pk) for pk in pks), _version_of(CapacityNeed, need.pk)

    def target_share():
        target = LocalisationTarget.objects.get(plan=plan)
        value = target.of_disbursed
        return (None if value is None else f"{value:.2f}"), target.version

    return [
        EditPage(
            "SourceForm",
            reverse("funding_source_edit", kwargs={"pk": plan.pk, "source_pk": source.pk}),
            "coordinator",
            "description",
            _typed("SourceForm"),
            lambda: _field_of(FundingSource, source.pk, "description"),
        ),
        EditPage(
            "CommitmentForm",
            reverse("commitment_edit", kwargs=_commitment_kwargs(plan, commitment)),
            "coordinator",
            "notes",
            _typed("CommitmentForm"),
            lambda: _field_of(Commitment, commitment.pk, "notes"),
        ),
        EditPage(
            "DisbursementForm",
            reverse("commitment_disbursement", kwargs=_commitment_kwargs(plan, paying)),
            "coordinator",
            "disbursed",
            _two_amounts,
            disbursed,
        ),
        EditPage(
            "StrategyForm",
            reverse(
                "mobilisation_strategy_edit",
                kwargs={"pk": plan.pk, "intervention_pk": strategy.intervention_id},
            ),
            "coordinator",
            "strategy",
            _typed("StrategyForm"),
            lambda: _field_of(MobilisationStrategy, strategy.pk, "strategy"),
        ),
        EditPage(
            "EngagementForm",
            reverse("engagement_edit", kwargs={"pk": plan.pk, "engagement_pk": engagement.pk}),
            "coordinator",
            "next_step",
            _typed("EngagementForm"),
            lambda: _field_of(Engagement, engagement.pk, "next_step"),
        ),
        EditPage(
            "LocalisationTargetForm",
            reverse("localisation_target_edit", kwargs={"pk": plan.pk}),
            "coordinator",
            "of_disbursed",
            _two_shares,
            target_share,
        ),
        EditPage(
            "CapacityNeedForm",
            reverse("capacity_need_edit", kwargs=need_kwargs),
            "amwa.coordinator",
            "why",
            _typed("CapacityNeedForm"),
            lambda: _field_of(CapacityNeed, need.pk, "why"),
        ),
        # One intervention chosen by each client (a different one each race).
        EditPage(
            "CapacityNeedAddressingForm",
            reverse("capacity_need_addressing", kwargs=need_kwargs),
            "coordinator",
            "addressed_by",
            _another_choice("addressed_by"),
            addressed_by,
        ),
    ]


# --- the races -------------------------------------------------------------------------


@dataclass
class Attempt:
    opened: int | None = None  # the version on the page the client opened
    posted: str | None = None  # the value it posted in the field
    response: Response | None = None
    started: float = 0.0
    finished: float = 0.0
    error: str = ""


@dataclass
class Tally:
    races: int = 0
    saved_once: int = 0
    conflicts_shown: int = 0
    lost_updates: int = 0
    server_errors: int = 0
    other: int = 0
    overlapped: int = 0  # races whose two POSTs were in flight together
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)

    def add(self, other: "Tally") -> None:
        for name in (
            "races",
            "saved_once",
            "conflicts_shown",
            "lost_updates",
            "server_errors",
            "other",
            "overlapped",
            "seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, count in other.reasons.items():
            self.reasons[reason] = self.reasons.get(reason, 0) + count

    def note(self, reason: str) -> None:
        self.reasons[reason] = self.reasons.get(reason, 0) + 1


def _attempt(
    client: Client, page: EditPage, race: int, index: int, barrier: threading.Barrier
) -> Attempt:
    attempt = Attempt()
    try:
        opened = client.get(page.url)
        if opened.status != 200:
            attempt.response = opened
            attempt.error = f"GET answered {opened.status}"
            barrier.abort()
            return attempt
        form = find_form(opened.body, "version")
        attempt.opened = int(form.get("version") or -1)
        attempt.posted = page.choose(form, race)[index]
        form.set(page.field, attempt.posted)
        barrier.wait()
        attempt.started = time.perf_counter()
        attempt.response = client.post(page.url, form.fields)
        attempt.finished = time.perf_counter()
    except threading.BrokenBarrierError:
        attempt.error = attempt.error or "the other client could not open the page"
    except Exception as error:  # any failure is the race's outcome, reported
        attempt.error = f"{type(error).__name__}: {error}"
        barrier.abort()
    return attempt


def _first_error(body: str) -> str:
    """What a 200 that is not the conflict screen says: its first error message."""
    for marker in ('class="invalid-feedback', 'class="alert alert-danger', "errorlist"):
        at = body.find(marker)
        if at >= 0:
            chunk = body[at : at + 400]
            text = " ".join(chunk.split(">", 1)[-1].replace("<", " <").split())
            return text[:120]
    return "no error message"


def race(clients: tuple[Client, Client], page: EditPage, number: int, tally: Tally) -> None:
    """Race ``number``: both clients open the page, then post at the same moment; the
    outcome is added to ``tally``."""
    barrier = threading.Barrier(2, timeout=60)
    attempts: list[Attempt] = [Attempt(), Attempt()]
    if page.prepare is not None:
        page.prepare()

    def run_client(index: int) -> None:
        attempts[index] = _attempt(clients[index], page, number, index, barrier)

    threads = [threading.Thread(target=run_client, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _judge(attempts, page, tally)


def _judge(attempts: list[Attempt], page: EditPage, tally: Tally) -> None:
    """Right when one save was accepted, the other shown the conflict, and the database
    holds the winner's value one version above the one both opened."""
    tally.races += 1
    statuses = [attempt.response.status for attempt in attempts if attempt.response]
    tally.server_errors += statuses.count(500)
    if any(attempt.error for attempt in attempts):
        tally.other += 1
        tally.note("; ".join(attempt.error for attempt in attempts if attempt.error))
        return
    first, second = attempts
    assert first.response is not None and second.response is not None
    if max(first.started, second.started) < min(first.finished, second.finished):
        tally.overlapped += 1
    if first.opened != second.opened:
        tally.other += 1
        tally.note(f"the clients opened versions {first.opened} and {second.opened}")
        return
    conflicts = [
        attempt
        for attempt in attempts
        if attempt.response.status == 200 and page.conflict in attempt.response.body
    ]
    tally.conflicts_shown += len(conflicts)
    saved = [attempt for attempt in attempts if attempt.response.status == 302]
    value, version = page.saved()
    if len(saved) == 2:
        tally.lost_updates += 1
        tally.note(f"both saves accepted (version {first.opened} -> {version})")
    elif len(saved) == 1 and len(conflicts) == 1:
        winner = saved[0]
        assert first.opened is not None
        if value == winner.posted and version == first.opened + 1:
            tally.saved_once += 1
        else:
            tally.lost_updates += 1
            tally.note(
                f"saved {value!r} at version {version}; the winner posted {winner.posted!r} "
                f"on version {first.opened}"
            )
    else:
        _note_otherwise(attempts, conflicts, saved, tally)


def _note_otherwise(attempts, conflicts, saved, tally: Tally) -> None:
    """A race that ended neither right nor in a lost update: say how."""
    tally.other += 1
    for attempt in attempts:
        response = attempt.response
        if response.status == 200 and attempt not in conflicts:
            tally.note(f"200 without the conflict message: {_first_error(response.body)}")
        elif response.status not in {200, 302}:
            tally.note(f"POST answered {response.status}")
    if not saved:
        tally.note("no save accepted")


def _race_page(clients: tuple[Client, Client], page: EditPage, races: int) -> Tally:
    """``races`` races on ``page``, with a progress line every 50."""
    tally = Tally()
    started = time.perf_counter()
    for number in range(1, races + 1):
        race(clients, page, number, tally)
        if number % 50 == 0 or number == races:
            print(
                f"  {page.form:<24} {number:>4}/{races}  {time.perf_counter() - started:6.1f} s"
                f"  saved-once {tally.saved_once}  lost {tally.lost_updates}"
                f"  500s {tally.server_errors}  other {tally.other}",
                flush=True,
            )
    tally.seconds = time.perf_counter() - started
    return tally


def run_races(base: str, races: int) -> int:
    """Race on every edit page; print the tallies; the exit status (see the docstring)."""
    from django.db import connections

    pages = edit_pages()
    clients: dict[str, tuple[Client, Client]] = {}
    for username in sorted({page.user for page in pages}):
        pair = (Client(base), Client(base))
        for client in pair:
            client.sign_in(username)
        clients[username] = pair
    print(f"signed in: two sessions each of {', '.join(sorted(clients))}\n", flush=True)
    tallies = [(page, _race_page(clients[page.user], page, races)) for page in pages]
    connections.close_all()
    total = _print_tallies(tallies)
    if total.lost_updates or total.server_errors:
        return 1
    return 2 if total.other else 0


def _print_tallies(tallies: list[tuple[EditPage, Tally]]) -> Tally:
    """The table of outcomes per form and in total, the overlaps and the reasons; returns
    the total."""
    row = "{:<24} {:>6} {:>11} {:>16} {:>13} {:>5} {:>6}"

    def outcomes(name: str, tally: Tally) -> str:
        return row.format(
            name,
            tally.races,
            tally.saved_once,
            tally.conflicts_shown,
            tally.lost_updates,
            tally.server_errors,
            tally.other,
        )

    print()
    print(
        row.format(
            "form", "races", "saved-once", "conflicts-shown", "lost-updates", "500s", "other"
        )
    )
    total = Tally()
    for page, tally in tallies:
        total.add(tally)
        print(outcomes(page.form, tally))
    print(outcomes("total", total))
    print()
    print("both POSTs in flight at once (client-side timing), and time per form:")
    for page, tally in tallies:
        note = f"  ({page.note})" if page.note else ""
        print(
            f"  {page.form:<24} {tally.overlapped:>4}/{tally.races}  "
            f"{tally.seconds:6.1f} s  {page.user}: {page.url} [{page.field}]{note}"
        )
    for page, tally in tallies:
        for reason, count in sorted(tally.reasons.items(), key=lambda item: -item[1])[:10]:
            print(f"  {page.form}: {count} × {reason}")
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--races", type=int, default=200, help="races per form (default 200)")
    arguments = parser.parse_args()
    if arguments.races < 1:
        parser.error("--races must be 1 or more")

    began = time.perf_counter()
    print(f"database: {DATABASE_URL} (created now, dropped at the end)")
    print(f"server: gunicorn, {WORKERS} workers; settings: {SETTINGS_NOTE}", flush=True)
    workdir = Path(tempfile.mkdtemp(prefix="msd-race-"))
    log_path = workdir / "gunicorn.log"
    server = None
    status = 1
    try:
        create_database()
        import django

        django.setup()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = start_gunicorn(port, log_path)
        wait_until_serving(server, base, log_path)
        print(f"gunicorn serving {base} (pid {server.pid})", flush=True)
        status = run_races(base, arguments.races)
    finally:
        if server is not None:
            stop_gunicorn(server)
            log = log_path.read_text(errors="replace")
            print(f"server tracebacks in the gunicorn log: {log.count('Traceback')}")
            if "Traceback" in log:
                at = log.index("Traceback")
                print(log[max(0, at - 300) : at + 3000])
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        drop_database()
        shutil.rmtree(workdir, ignore_errors=True)
        print(f"database dropped; total time {time.perf_counter() - began:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
