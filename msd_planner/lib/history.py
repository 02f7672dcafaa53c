"""Attributing history rows (django-simple-history) to the person who made the change."""


def attribute(instance, actor) -> None:
    """Record ``actor`` as the author of the next history row ``instance`` writes.

    Requests get this from simple-history's middleware; services set it explicitly so
    that changes made by commands, jobs and tests are attributed too.
    """
    instance._history_user = actor
