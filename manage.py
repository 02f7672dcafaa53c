#!/usr/bin/env python
"""Django's command-line utility for MSD Planner."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.local")
    from django.core.management import execute_from_command_line

    from msd_planner.lib.env import ConfigurationError

    try:
        execute_from_command_line(sys.argv)
    except ConfigurationError as error:
        sys.exit(f"msd-planner: configuration error: {error}")


if __name__ == "__main__":
    main()
