"""Time the SDG catalogue page (all 169 targets) and a filtered search.

Run: .venv/bin/python bench/catalogue_page.py
     (DATABASE_URL picks PostgreSQL, SQLite in memory otherwise. On PostgreSQL the bench
     builds its own database, <that database's name>_catalogue, and drops it at the end.)
Prints the median and 95th percentile over repeated requests, and the query count.
"""

import os
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django

django.setup()

from django.test import Client  # noqa: E402

from bench.harness import throwaway_database, time_url  # noqa: E402

REPEAT = 30
SEARCHES = [{}, {"relevance": "migration"}, {"q": "migrant workers"}]


def main() -> None:
    from targets.services import catalogue_load

    with throwaway_database("catalogue"):
        catalogue_load()
        client = Client()
        for params in SEARCHES:
            url = f"/catalogue/?{urlencode(params)}" if params else "/catalogue/"
            time_url(client, url, url, repeat=REPEAT)


if __name__ == "__main__":
    main()
