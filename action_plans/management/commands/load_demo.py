from django.core.management.base import BaseCommand

from action_plans.demo import DEMO_PASSWORD, DEMO_USERS, demo_load


class Command(BaseCommand):
    help = "Load the demonstration plans and users (safe to run again)."

    def handle(self, *args, **options):
        result = demo_load()
        self.stdout.write(
            f"Demo data: {result.users_created} users, {result.organisations_created} "
            f"organisations and {result.plans_created} plans created."
        )
        names = ", ".join(user.username for user in DEMO_USERS)
        self.stdout.write(f"Demo users ({names}) sign in with the password {DEMO_PASSWORD!r}.")
