"""The interventions' periodic job (registered with beat in ``interventions.apps``):
reminding the organisations of the values they owe for the quarter. Thin: the work is in
``interventions.services``; run twice, it reminds no one twice."""

from celery import shared_task

from interventions import services


@shared_task(acks_late=True)
def remind_reporting_organisations() -> int:
    """Remind each organisation of the values it still owes for the current quarter,
    ``PROGRESS_REMINDER_DAYS`` before the quarter ends (once per plan and quarter)."""
    return services.progress_reminders_send()
