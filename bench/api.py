"""The REST API's list endpoints on the large plan: in process, then served by gunicorn to
10 and 50 concurrent clients, each with its own token.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/api.py [--scale F] [--seconds S] [--workers W]

Builds the large plan of bench/large_plan.py in its own throw-away database (--scale 0.1
for a tenth of it), gives each client a user of one of the plan's organisations and an API
token (made by the same service as the tokens page), then prints:

* in process: for each endpoint (the plans the user sees, a plan, the first page of each
  of its lists — targets, frameworks, organisations, funding sources, commitments,
  versions, interventions with their indicators and approved progress, and the next page
  of those by its cursor — and the public part: the adopted plans, the plan's adopted
  versions, version 1.0 as its open document once kept) its queries, p50 and p95 over
  --repeat requests with the token;
* under load: gunicorn with the production settings (as bench/summary_pages.py serves it)
  and 10 then 50 clients at once, each requesting those endpoints in turn for --seconds:
  requests per second, p50, p95, p99 and errors. The throttle is raised for the run
  (API_READ_RATE), since what is measured is the API, not the limit.
"""

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

import requests  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from api.services import token_create  # noqa: E402
from bench.harness import (  # noqa: E402
    analyze,
    arguments,
    gunicorn_serving,
    percentile,
    throwaway_database,
)
from bench.large_plan import PlanSize, large_plan_build, version_freeze  # noqa: E402
from bench.summary_pages import collect_static, production_environment  # noqa: E402
from governance.models import Role, User  # noqa: E402
from governance.services.memberships import membership_set  # noqa: E402

CLIENTS = (10, 50)
KEPT = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"}
ARGUMENTS = {
    "seconds": {"type": int, "default": 20, "help": "each load run lasts this long"},
    "workers": {"type": int, "default": 4, "help": "gunicorn workers"},
    "repeat": {"type": int, "default": 20, "help": "requests per endpoint in process"},
}


def endpoints(plan_pk: int) -> list[tuple[str, str]]:
    """Each list endpoint's first page (the interventions' last: ``in_process`` follows
    its cursor), a plan, and the public part's."""
    plan = f"/api/v1/plans/{plan_pk}/"
    return [
        ("plans", "/api/v1/plans/"),
        ("a plan", plan),
        ("targets", f"{plan}targets/"),
        ("frameworks", f"{plan}frameworks/"),
        ("organisations", f"{plan}organisations/"),
        ("funding sources", f"{plan}funding-sources/"),
        ("commitments", f"{plan}commitments/"),
        ("versions", f"{plan}versions/"),
        ("public: adopted plans", "/api/v1/open/plans/"),
        ("public: a plan's versions", f"/api/v1/open/plans/{plan_pk}/versions/"),
        ("public: version 1.0, kept", f"/api/v1/open/plans/{plan_pk}/versions/1.0/"),
        ("interventions, first page", f"{plan}interventions/"),
    ]


def adopted(large) -> None:
    """Version 1.0 of the plan frozen as submission freezes it and marked adopted: what the
    public part reads."""
    version = version_freeze(plan=large.plan).version
    version.status, version.adoption_reference = "adopted", "Cabinet decision 1/2026"
    version.adoption_date = timezone.localdate()
    version.save()


def clients_with_tokens(large, count: int) -> list[str]:
    """``count`` editors of the plan's organisations, each with a token (its secret)."""
    secrets_made = []
    for number in range(count):
        user = User.objects.create(
            username=f"api-client-{number}", email=f"api-client-{number}@bench.example"
        )
        organisation = large.organisations[number % len(large.organisations)]
        membership_set(actor=None, user=user, organisation=organisation, role=Role.EDITOR)
        _token, secret = token_create(actor=user, name="bench")
        secrets_made.append(secret)
    return secrets_made


def in_process(urls: list[tuple[str, str]], secret: str, repeat: int) -> None:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    first = client.get(urls[-1][1])
    assert first.status_code == 200, first.content[:300]
    following = first.json().get("next")
    if following:
        urls = [*urls, ("interventions, next page", following)]
    print(f"\n{'endpoint':28} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7}")
    for label, url in urls:
        client.get(url)
        reset_queries()  # a request empties the log; an earlier capture would hide these
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        count = len(queries)  # read now: the next request empties the log
        assert response.status_code == 200, (label, response.status_code)
        timings = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - began) * 1000)
        print(
            f"{label:28} {count:7} {statistics.median(timings):8.1f} "
            f"{percentile(timings, 0.95):8.1f} {len(response.content) / 1024:7.1f}"
        )


def open_document_cold(large) -> None:
    """Version 1.0's open document made anew (the "derived" cache emptied), as the first
    request after adoption or a cache flush makes it."""
    client = Client()
    url = f"/api/v1/open/plans/{large.plan.pk}/versions/1.0/"
    timings = []
    for _ in range(3):
        caches["derived"].clear()
        began = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == 200
    print(
        f"{'public: version 1.0, made':28} {'':7} {statistics.median(timings):8.1f} "
        f"{max(timings):8.1f} {len(response.content) / 1024:7.1f}  (max of 3 for p95)"
    )


def under_load(base: str, urls: list[str], tokens: list[str], seconds: int) -> None:
    timings: list[float] = []
    errors: list[str] = []
    until = time.monotonic() + seconds

    def run(offset: int, secret: str) -> None:
        session = requests.Session()
        session.headers.update({"Authorization": f"Bearer {secret}", "X-Forwarded-Proto": "https"})
        turn = offset
        while time.monotonic() < until:
            url = urls[turn % len(urls)]
            turn += 1
            began = time.perf_counter()
            try:
                answer = session.get(base + url, timeout=60)
            except requests.RequestException as error:
                errors.append(type(error).__name__)
                continue
            finally:
                timings.append((time.perf_counter() - began) * 1000)
            if answer.status_code != 200:
                errors.append(str(answer.status_code))

    started = time.monotonic()
    threads = [threading.Thread(target=run, args=(n, secret)) for n, secret in enumerate(tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    print(
        f"{len(tokens):>7} {len(timings) / elapsed:9.1f} {percentile(timings, 0.5):8.0f} "
        f"{percentile(timings, 0.95):8.0f} {percentile(timings, 0.99):8.0f} {len(errors):7}"
        + (f"  ({', '.join(sorted(set(errors)))})" if errors else "")
    )


def main() -> None:
    options = arguments(__doc__, **ARGUMENTS)
    with throwaway_database("api"):
        large = large_plan_build(size=PlanSize().scaled(options.scale))
        adopted(large)
        analyze()
        tokens = clients_with_tokens(large, max(CLIENTS))
        urls = endpoints(large.plan.pk)
        print(
            f"the large plan at {options.scale:g}×: {len(large.interventions)} interventions; "
            f"{len(tokens)} clients with a token each"
        )
        # as in production: what is derived from a frozen version is kept (the test
        # settings, which the in-process run uses, keep nothing)
        with override_settings(CACHES={**settings.CACHES, "derived": KEPT}):
            in_process(urls, tokens[0], options.repeat)
            open_document_cold(large)
        if connection.vendor != "postgresql":
            print("\nload: needs PostgreSQL (DATABASE_URL); skipped")
            return
        with tempfile.TemporaryDirectory() as folder:
            # the throttle raised: what is measured is the API, not the limit
            environment = production_environment(folder) | {"API_READ_RATE": "1000000/min"}
            print(
                f"\nload: {collect_static(environment)}; gunicorn, production settings, "
                f"{options.workers} workers; {os.cpu_count()} CPUs shared with the clients "
                f"and PostgreSQL; {options.seconds} s each"
            )
            print(f"{'clients':>7} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8}", end=" ")
            print(f"{'p99 ms':>8} {'errors':>7}")
            with gunicorn_serving(environment, options.workers, Path(folder) / "gunicorn.log") as (
                base,
                _server,
            ):
                for count in CLIENTS:
                    under_load(base, [url for _label, url in urls], tokens[:count], options.seconds)


if __name__ == "__main__":
    main()
