"""Handing a job to the broker, the one way every job is queued (documents, emails).

A broker that cannot be reached fails the hand-over within seconds (the connection and
publish settings in ``msd_planner.settings.base``) and then, for ``BROKER_PAUSE``, at
once: a request that queues several jobs (a step's emails and its PDF) waits for a dead
broker once, not once per job. The caller records what was not queued.
"""

import logging
import time
from typing import Any

from django.utils.module_loading import import_string

log = logging.getLogger("msd_planner.jobs")

BROKER_PAUSE = 30  # seconds without trying a broker that just failed
_unreachable_until: dict[str, float] = {}  # per broker URL, in this process


class NotQueued(Exception):
    """The broker did not take the job."""


def hand_over(task_name: str, *args: Any) -> None:
    """Queue the task ``task_name`` (its dotted path) with ``args``, or raise
    ``NotQueued`` saying why. In-process (eager), the job runs here and its own errors
    propagate as they are. Named, not imported: a task module imports the code that
    queues it, never the other way round."""
    task = import_string(task_name)
    app = task.app
    if app.conf.task_always_eager:
        task.delay(*args)
        return
    broker = app.conf.broker_url or ""
    if time.monotonic() < _unreachable_until.get(broker, 0.0):
        raise NotQueued("the job service did not answer a moment ago")
    try:
        task.delay(*args)
    except Exception as error:
        _unreachable_until[broker] = time.monotonic() + BROKER_PAUSE
        raise NotQueued(f"{type(error).__name__}: {error}") from error
    _unreachable_until.pop(broker, None)
