from typing import Any

from django.core.management.base import BaseCommand

from action_plans.demo import demo_load


class Command(BaseCommand):
    help = "Load the demonstration plans and users (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        data = demo_load()
        self.stdout.write(
            f"Demo data: {data.created['users']} users, {data.created['organisations']} "
            f"organisations and {data.created['plans']} plans created."
        )
        for note in data.notes:
            self.stdout.write(note)
