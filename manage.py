#!/usr/bin/env python
"""Django's command-line utility for MSD Planner."""

import os
import sys
import traceback
from typing import Any


def main() -> None:
    from msd_planner.settings import DEFAULT_SETTINGS_MODULE

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", DEFAULT_SETTINGS_MODULE)
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from msd_planner.lib.env import stop_on_configuration_error, unreachable_database_line

    try:
        with stop_on_configuration_error():
            execute_from_command_line(sys.argv)
    except OperationalError as error:
        database = _database_that_failed_to_connect(error)
        if database is None:
            raise  # a failing query, not an unreachable server: keep the traceback
        sys.exit(unreachable_database_line(database, error))


def _database_that_failed_to_connect(error: Exception) -> dict[str, Any] | None:
    """The settings of the database whose connection ``error`` comes from, if it does.

    An OperationalError is also what a failing query raises, so look for the frame
    in which a database backend was opening its connection.
    """
    from django.db.backends.base.base import BaseDatabaseWrapper

    for frame, _line in traceback.walk_tb(error.__traceback__):
        wrapper = frame.f_locals.get("self")
        if frame.f_code.co_name == "get_new_connection" and isinstance(
            wrapper, BaseDatabaseWrapper
        ):
            return wrapper.settings_dict
    return None


if __name__ == "__main__":
    main()
