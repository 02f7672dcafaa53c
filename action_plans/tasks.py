"""Background jobs of the kernel: a plan's PDF. Thin: the work is in
``action_plans.documents``; a job takes an id, and being run twice changes nothing."""

from celery import shared_task

from action_plans import documents


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
)
def render_document(self, document_id: int) -> str:
    """Render the document ``document_id``; retried with backoff, then recorded as
    failed for the user to see (and retry)."""
    try:
        document = documents.document_render(document_id)
    except Exception as error:
        in_process = self.request.called_directly or self.app.conf.task_always_eager
        if in_process or self.request.retries >= self.max_retries:
            # In-process (no broker) the page that asked must not fail: the document
            # says what went wrong, with a button to try again.
            documents.document_failed(document_id, f"{type(error).__name__}: {error}")
            if in_process:
                return "failed"
            raise
        raise self.retry(exc=error) from error
    return "ready" if document else "gone"
