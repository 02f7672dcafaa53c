"""The summary pages of a large plan at 1× and 10×, the plan served under load, and its PDF.

Run: .venv/bin/python bench/summary_pages.py [--sizes 1,10] [--scale F] [--only PARTS]
         [--repeat N] [--seconds S] [--workers W]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/summary_pages.py --sizes 1 --only pages
     (PostgreSQL for the load run: gunicorn serves the bench's own database,
     <that database's name>_summary_<size>, dropped at the end. --scale 0.1 builds a tenth
     of each size, for a quick run; --only takes pages, load, pdf, report or several,
     comma-separated.)

For each size, builds the large plan of bench/large_plan.py (1×: 300 interventions, 1,000
commitments; 10×: 3,000 and 10,000), freezes it as version 1.0, changes one intervention in
20 through the service and freezes 1.1, changes as many again in the draft, runs ANALYZE,
then prints, for the plan's coordinator:

* pages: for each summary page (overview, validation, a version's page of records, the
  comparisons 1.0 ↔ draft and 1.0 ↔ 1.1, funding overview, an intervention's funding,
  history, the progress form, monitoring, the progress review list, the annual reports
  page, the XLSX and CSV exports) its queries, the median and 95th
  percentile wall time and the median CPU time of this process (the database's work is
  the difference), its size plain and gzip-compressed (an HTML page over 100 KB
  compressed is marked), and its floor: its own template rendered alone with the
  context the view gave it (querysets already run), with the queries the template still
  makes, and the page ÷ floor ratio (and its slowest query, when it takes 100 ms or
  more); then each figure's growth from the first size to the last;
* load (first size only): gunicorn with the production settings (the project's
  gunicorn.conf.py; the client speaks to it as the HTTPS proxy in front of it does, with
  X-Forwarded-Proto) serving that database; 10 then 50 users at once, coordinators,
  editors, signatories and administrators in turn, each signed in through the sign-in
  form and its second step (an authenticator app's code, as two-factor sign-in requires
  of all but editors), opening a mix of the plan's pages for --seconds: p50, p95, p99,
  requests per second, errors, gunicorn's CPU per request, this machine's CPUs and load;
* pdf (first size only): version 1.0's PDF, the whole job against WeasyPrint alone on the
  same HTML, interleaved in fresh processes (bench/pdf.py): pages/s, peak memory, ratio;
* report (each size): the monitoring figures computed cold (what the monitoring page does
  once per content revision), and this year's annual report: its HTML (queries, time,
  size), its PDF (pages, time) and its Word document (time, size), in this process.
"""

import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from binascii import unhexlify
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.hashers import PBKDF2PasswordHasher  # noqa: E402
from django.contrib.staticfiles.finders import get_finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.oath import TOTP  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from action_plans.models import PlanDocument, PlanVersion  # noqa: E402
from action_plans.snapshot import build_snapshot, snapshot_freeze  # noqa: E402
from action_plans.validation_views import RECORDS_PER_PAGE  # noqa: E402
from bench.harness import (  # noqa: E402
    PageFigures,
    analyze,
    arguments,
    gunicorn_serving,
    page_figures,
    percentile,
    process_tree_cpu_seconds,
    throwaway_database,
)
from bench.large_plan import (  # noqa: E402
    PASSWORD,
    LargePlan,
    PlanSize,
    large_plan_build,
    version_freeze,
)
from governance.models import Role, User  # noqa: E402
from governance.services.memberships import membership_set  # noqa: E402
from interventions.models import Intervention, ResultIndicator  # noqa: E402
from interventions.services import intervention_update  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PARTS = ("pages", "load", "pdf", "report")
CHANGED_EVERY = 20  # one intervention in so many changes between versions
HEAVY_KB = 100  # no HTML page should weigh more, compressed
SLOW_QUERY_MS = 100  # a page's slowest query is shown from this long
USERS = (10, 50)
LOAD_ROLES = ("coordinator", "editor", "signatory", "admin")
ARGUMENTS = {
    "sizes": {"default": "1,10", "help": "plan sizes, times the large plan (default 1,10)"},
    "only": {"default": ",".join(PARTS), "help": "parts to run: pages, load, pdf, report"},
    "repeat": {"type": int, "default": 10, "help": "requests timed per page (default 10)"},
    "seconds": {"type": int, "default": 30, "help": "length of each load run (default 30)"},
    "workers": {
        "type": int,
        "default": 2 * (os.cpu_count() or 2),
        "help": "gunicorn workers (default 2 per CPU)",
    },
}


# --- the plan, its versions and its pages --------------------------------------------------


@dataclass
class Bench:
    large: LargePlan
    first: PlanVersion  # 1.0
    second: PlanVersion  # 1.1


def build(size: PlanSize) -> Bench:
    """The large plan of ``size``, 1.0 and 1.1 frozen, the draft changed since; ANALYZE."""
    started = time.perf_counter()
    large = large_plan_build(size=size)
    first = version_freeze(plan=large.plan).version
    revise(large, start=0)
    second = PlanVersion.objects.create(
        plan=large.plan, major=1, minor=1, status="withdrawn", submitted_at=timezone.now()
    )
    snapshot_freeze(version=second, content=build_snapshot(large.plan))
    revise(large, start=CHANGED_EVERY // 2)
    analyze()
    print(
        f"\nbuilt a plan with {large.summary()}, versions 1.0 and 1.1 and a changed draft, "
        f"in {time.perf_counter() - started:.0f} s on {connection.vendor}; ANALYZE run"
    )
    return Bench(large, first, second)


def revise(large: LargePlan, *, start: int) -> None:
    """Change one intervention in CHANGED_EVERY (its cost and description) through the
    service, as a coordinator revising the plan would."""
    for intervention in Intervention.objects.filter(
        pk__in=[item.pk for item in large.interventions[start::CHANGED_EVERY]]
    ):
        intervention_update(
            actor=large.coordinator,
            intervention=intervention,
            expected_version=intervention.version,
            data={
                "estimated_cost": intervention.estimated_cost + 5000,
                "description": intervention.description + " Revised.",
            },
        )


def summary_pages(bench: Bench) -> list[tuple[str, str]]:
    """(label, URL) of each summary page of the plan."""
    plan, large = bench.large.plan, bench.large
    pk = plan.pk
    intervention = large.interventions[0]
    indicator = ResultIndicator.objects.filter(intervention=intervention).first()
    records_page = min(2, (len(large.interventions) - 1) // RECORDS_PER_PAGE + 1)
    version = reverse("version_detail", args=[pk, bench.first.pk])
    compare = reverse("version_compare", args=[pk]) + f"?from={bench.first.pk}"
    export = "funding_export"
    return [
        ("plan overview", reverse("plan_detail", args=[pk])),
        ("validation", reverse("plan_validation", args=[pk])),
        ("version 1.0, records page", f"{version}?section=interventions&page={records_page}"),
        ("compare 1.0 ↔ draft", f"{compare}&to=draft"),
        ("compare 1.0 ↔ 1.1", f"{compare}&to={bench.second.pk}"),
        ("funding overview", reverse("funding_overview", args=[pk])),
        ("intervention funding", reverse("intervention_funding", args=[pk, intervention.pk])),
        ("history", reverse("plan_history", args=[pk])),
        (
            "progress form",
            reverse("progress_submit", args=[pk, intervention.pk, indicator.pk]),
        ),
        ("monitoring", reverse("plan_monitoring", args=[pk])),
        ("progress review list", reverse("progress_review_list", args=[pk])),
        ("annual reports", reverse("plan_reports", args=[pk])),
        ("XLSX export", reverse(export, kwargs={"pk": pk, "file_format": "xlsx"})),
        ("CSV export", reverse(export, kwargs={"pk": pk, "file_format": "csv"})),
    ]


def measure_pages(bench: Bench, repeat: int) -> dict[str, PageFigures | None]:
    client = Client()
    client.force_login(bench.large.coordinator)
    print(
        f"\n{'page':26} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'CPU ms':>7} {'KB':>7} "
        f"{'gzip KB':>8} {'floor ms':>9} {'floor q':>7} {'÷ floor':>8}"
    )
    results: dict[str, PageFigures | None] = {}
    for label, url in summary_pages(bench):
        try:
            figures = page_figures(client, url, repeat)
        except Exception as error:  # a page being changed elsewhere may fail: say so
            print(f"{label:26} failed: {type(error).__name__}: {error}")
            results[label] = None
            continue
        results[label] = figures
        heavy = " over 100 KB" if figures.floor_ms and figures.gzip_kb > HEAVY_KB else ""
        floor = (
            f"{figures.floor_ms:9.1f} {figures.floor_queries:7d} {figures.over_floor:7.1f}×"
            if figures.floor_ms
            else f"{'—':>9} {'—':>7} {'—':>8}"
        )
        print(
            f"{label:26} {figures.queries:7d} {figures.p50_ms:8.1f} {figures.p95_ms:8.1f} "
            f"{figures.cpu_ms:7.1f} {figures.kb:7.1f} {figures.gzip_kb:8.1f} {floor}{heavy}"
        )
        if figures.slowest_query_ms >= SLOW_QUERY_MS:
            sql = " ".join(figures.slowest_query.split())
            print(f"    slowest query {figures.slowest_query_ms:.0f} ms: {sql[:300]}")
    return results


def print_growth(by_size: dict[float, dict[str, PageFigures | None]]) -> None:
    (small, first), (large, last) = next(iter(by_size.items())), list(by_size.items())[-1]
    print(f"\ngrowth {small:g}× → {large:g}× the large plan")
    print(
        f"{'page':26} {'queries':>13} {'p50 ms':>19} {'CPU ms':>19} {'gzip KB':>17} {'÷ floor':>15}"
    )
    for label, before in first.items():
        after = last.get(label)
        if before is None or after is None:
            print(f"{label:26} not measured at both sizes")
            continue
        floors = (
            f"{before.over_floor:5.1f} → {after.over_floor:5.1f}"
            if before.over_floor and after.over_floor
            else f"{'—':>15}"
        )
        print(
            f"{label:26} {before.queries:4d} → {after.queries:4d}  "
            f"{before.p50_ms:6.0f} → {after.p50_ms:6.0f} {after.p50_ms / before.p50_ms:4.1f}×  "
            f"{before.cpu_ms:6.0f} → {after.cpu_ms:6.0f} {after.cpu_ms / before.cpu_ms:4.1f}×  "
            f"{before.gzip_kb:5.1f} → {after.gzip_kb:5.1f}  {floors}"
        )


# --- load: gunicorn, production settings, signed-in users ------------------------------------


@dataclass
class LoadUser:
    username: str
    role: str
    totp_key: str = ""  # hex; empty for an editor, who need not use a second factor


def load_users(large: LargePlan, count: int) -> list[LoadUser]:
    """``count`` users, coordinators, editors, signatories and administrators in turn,
    members of the plan's organisations in turn; those who must use a second factor have
    an authenticator app. Their password hashed as production hashes it (the test settings
    hash with MD5, which production does not read)."""
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    users = []
    for number in range(count):
        role = LOAD_ROLES[number % len(LOAD_ROLES)]
        user = User.objects.create(
            username=f"load-{role}-{number}",
            email=f"load-{number}@bench.example",
            password=hashed,
            is_superuser=role == "admin",
        )
        if role != "admin":
            organisation = large.organisations[number % len(large.organisations)]
            membership_set(actor=None, user=user, organisation=organisation, role=Role(role))
        key = ""
        if role != "editor":
            key = TOTPDevice.objects.create(user=user, name="app", confirmed=True).key
        users.append(LoadUser(user.username, role, key))
    return users


def mix_of_pages(bench: Bench) -> list[tuple[str, str]]:
    """What the users open, in turn: the summary pages but the exports and the draft's
    comparison (each builds the whole plan), and interventions' own pages."""
    pk = bench.large.plan.pk
    skipped = {"XLSX export", "CSV export", "compare 1.0 ↔ draft"}
    pages = [(label, url) for label, url in summary_pages(bench) if label not in skipped]
    for intervention in bench.large.interventions[1:40:8]:
        pages += [
            ("an intervention", reverse("intervention_detail", args=[pk, intervention.pk])),
            (
                "its funding",
                reverse("intervention_funding", args=[pk, intervention.pk]),
            ),
        ]
    return [*pages, ("interventions", reverse("intervention_list", args=[pk]))]


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class BehindTheProxy(requests.Session):
    """A browser as gunicorn sees it behind the HTTPS proxy: over plain HTTP, with
    X-Forwarded-Proto, its Secure cookies sent all the same (requests keeps them back
    from a plain-HTTP address, whatever the cookie jar's policy). It follows no redirect
    (requests would send the next request without them): the caller does."""

    def __init__(self):
        super().__init__()
        self.headers["X-Forwarded-Proto"] = "https"

    def request(self, method, url, *args, headers=None, **kwargs):
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)
        headers = {**(headers or {}), "Cookie": cookies}
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, headers=headers, **kwargs)


def signed_in(base: str, user: LoadUser) -> requests.Session:
    """A browser signed in as ``user`` through the sign-in form and its second step."""
    session = BehindTheProxy()
    origin = {"Origin": base.replace("http://", "https://")}

    def post_form(path: str, fields: dict) -> requests.Response:
        token = CSRF_FIELD.search(session.get(base + path).text)
        assert token, f"{user.username}: no form at {path}"
        fields = {"csrfmiddlewaretoken": token.group(1), **fields}
        return session.post(base + path, data=fields, headers=origin)

    answer = post_form("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert answer.status_code == 302, f"{user.username}: sign-in answered {answer.status_code}"
    # the page after the password sends a session that owes a code to the second step
    answer = session.get(base + answer.headers["Location"])
    if user.totp_key:
        step = answer.headers.get("Location", "")
        assert "/two-factor/code/" in step, f"{user.username}: not asked for a code"
        code = f"{TOTP(unhexlify(user.totp_key)).token():06d}"
        answer = post_form(step, {"code": code})
        assert answer.status_code == 302, f"{user.username}: the code answered {answer.status_code}"
        answer = session.get(base + answer.headers["Location"])
    assert answer.status_code == 200, f"{user.username}: signed in, answered {answer.status_code}"
    return session


REFUSED = {403, 404}  # a page this user may not open: left out of their mix, not an error


def run_users(base, sessions, mixes, seconds: int, server_pid: int) -> None:
    """Each user opens the pages of their mix in turn (from their own place in it) for
    ``seconds``; prints the figures of the run."""
    timings: list[float] = []
    errors: list[str] = []
    refused: set[tuple[str, str]] = set()
    until = time.monotonic() + seconds

    def browse(offset: int, user: LoadUser, session: requests.Session) -> None:
        mix = mixes[user.username]
        turn = offset
        while time.monotonic() < until and mix:
            label, url = mix[turn % len(mix)]
            turn += 1
            began = time.perf_counter()
            try:
                answer = session.get(base + url, timeout=60)
            except requests.RequestException as error:
                errors.append(f"{label}: {type(error).__name__}")
                continue
            finally:
                timings.append((time.perf_counter() - began) * 1000)
            if answer.status_code in REFUSED:
                mix.remove((label, url))
                refused.add((user.role, label))
            elif answer.status_code != 200:
                location = answer.headers.get("Location", "")
                errors.append(f"{label}: {answer.status_code} {location}")

    threads = [
        threading.Thread(target=browse, args=(offset, user, session))
        for offset, (user, session) in enumerate(sessions)
    ]
    cpu_before, client_before = process_tree_cpu_seconds(server_pid), time.process_time()
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    server_cpu = process_tree_cpu_seconds(server_pid) - cpu_before
    client_cpu = time.process_time() - client_before
    count = len(timings)
    print(
        f"{len(sessions):4d} users {count:6d} requests {count / elapsed:6.1f}/s  "
        f"p50 {statistics.median(timings):6.0f} ms  p95 {percentile(timings, 0.95):6.0f} ms  "
        f"p99 {percentile(timings, 0.99):6.0f} ms  errors {len(errors)}  "
        f"server CPU {server_cpu * 1000 / count:5.0f} ms/request  "
        f"(this client: {client_cpu * 1000 / count:4.0f} ms/request)  "
        f"load average {' '.join(f'{value:.2f}' for value in os.getloadavg())}"
    )
    for role, label in sorted(refused):
        print(f"      refused ({role}; left out of that user's mix): {label}")
    for reason in sorted(set(errors))[:10]:
        print(f"      error: {reason} ×{errors.count(reason)}")


def production_environment(folder: str) -> dict[str, str]:
    """What gunicorn is served with: the production settings on the bench's own
    database, its files and broker in ``folder``, emails kept in memory."""
    database = connection.settings_dict
    return {
        "DJANGO_SETTINGS_MODULE": "msd_planner.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
            f"{database['NAME']}"
        ),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "MEDIA_ROOT": f"{folder}/media",
        "BROKER_FOLDER": f"{folder}/broker",
    }


def collect_static(environment: dict[str, str]) -> str:
    """``collectstatic`` as a release runs it (production's storage: hashed names,
    compressed copies), unless its manifest is newer than every static file."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    sources = (storage.path(path) for finder in get_finders() for path, storage in finder.list([]))
    if manifest.exists() and all(
        os.path.getmtime(source) < manifest.stat().st_mtime for source in sources
    ):
        return "static files collected already"
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env={**os.environ, **environment},
        check=True,
    )
    return f"collectstatic {time.perf_counter() - started:.0f} s"


def run_load(bench: Bench, seconds: int, workers: int) -> None:
    if connection.vendor != "postgresql":
        print("\nload: needs PostgreSQL (DATABASE_URL); skipped")
        return
    users = load_users(bench.large, max(USERS))
    with tempfile.TemporaryDirectory() as folder:
        environment = production_environment(folder)
        print(
            f"\nload: {collect_static(environment)}; gunicorn, production settings, {workers} "
            f"workers; {os.cpu_count()} CPUs on this machine, shared with the client's threads "
            f"and PostgreSQL"
        )
        with gunicorn_serving(environment, workers, Path(folder) / "gunicorn.log") as (
            base,
            server,
        ):
            started = time.perf_counter()
            sessions = [(user, signed_in(base, user)) for user in users]
            print(
                f"  {len(sessions)} users signed in (password and code) in "
                f"{time.perf_counter() - started:.0f} s"
            )
            pages = mix_of_pages(bench)
            mixes = {user.username: list(pages) for user in users}
            for count in USERS:
                run_users(base, sessions[:count], mixes, seconds, server.pid)


# --- the PDF -------------------------------------------------------------------------------


def run_pdf(bench: Bench) -> None:
    from bench.pdf import REPEAT, measure

    print(f"\npdf: version 1.0, medians of {REPEAT} runs each, interleaved, in fresh processes")
    with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
        document = PlanDocument.objects.create(plan=bench.large.plan, version=bench.first)
        measure("large plan", document.pk)


# --- the annual report ------------------------------------------------------------------------


def run_report(bench: Bench) -> None:
    from action_plans.documents import document_html, document_word
    from action_plans.models import DocumentFormat
    from action_plans.pdf import html_to_pdf
    from interventions.monitoring_figures import plan_monitoring

    plan = bench.large.plan
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        figures = plan_monitoring(plan)
        cold = time.perf_counter() - started
    print(
        f"\nmonitoring figures, cold: {figures.totals.total} indicators in "
        f"{len(figures.interventions)} interventions, {len(queries)} queries, "
        f"{cold * 1000:.0f} ms"
    )
    year = timezone.localdate().year
    report = PlanDocument(plan=plan, year=year, format=DocumentFormat.PDF)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        html = document_html(report)
        made = time.perf_counter() - started
    print(
        f"annual report {year}: HTML {len(html) / 1024:.0f} KB in {made * 1000:.0f} ms, "
        f"{len(queries)} queries"
    )
    started = time.perf_counter()
    pdf, pages, _refused = html_to_pdf(html)
    rendered = time.perf_counter() - started
    print(
        f"  PDF: {pages} pages, {len(pdf) / 1024:.0f} KB in {rendered:.1f} s "
        f"({pages / rendered:.1f} pages/s)"
    )
    started = time.perf_counter()
    word = document_word(PlanDocument(plan=plan, year=year, format=DocumentFormat.DOCX), html)
    print(f"  Word: {len(word) / 1024:.0f} KB in {time.perf_counter() - started:.1f} s")


def main() -> None:
    options = arguments(__doc__, **ARGUMENTS)
    sizes = [int(size) for size in options.sizes.split(",")]
    parts = set(options.only.split(","))
    if not parts <= set(PARTS):
        sys.exit(f"--only takes {', '.join(PARTS)}")
    by_size = {}
    # What pages derive from a whole plan is kept per content revision, as in production
    # (the test settings, which the benches start from, turn that cache off).
    derived_on = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}
    for size in sizes:
        with (
            throwaway_database(f"summary_{size}"),
            override_settings(CACHES={**settings.CACHES, "derived": derived_on}),
        ):
            times = size * options.scale  # the large plan times this
            bench = build(PlanSize().scaled(times))
            if "pages" in parts:
                print(
                    f"\npages at {times:g}× the large plan (its coordinator, "
                    f"{options.repeat} requests each)"
                )
                by_size[times] = measure_pages(bench, options.repeat)
            if size == sizes[0] and "load" in parts:
                run_load(bench, options.seconds, options.workers)
            if size == sizes[0] and "pdf" in parts:
                run_pdf(bench)
            if "report" in parts:
                run_report(bench)
    if len(by_size) > 1:
        print_growth(by_size)


if __name__ == "__main__":
    main()
