"""The plan as a document: a version's PDF (from its snapshot, never the live rows), the
coordinators' preview of the draft, a version's Word document, and the plan's annual
reports (``action_plans.reports``), rendered by a background job.

``document_request`` records that a document is wanted and queues the job after commit;
``document_render`` is what the job does: it takes the document's row, skips work already
done, renders (``action_plans.pdf``, pure HTML → bytes; ``action_plans.word`` from the same
HTML for the Word document) and stores the file with its checksum through Django's storage
API. Run twice, or again after a worker died mid-render, it leaves one file and one row.
"""

import gc
import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from action_plans.hooks import document_chapters, public_content, validation_policy
from action_plans.jobs import hand_over
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    PlanChange,
    PlanDocument,
    PlanVersion,
)
from action_plans.pdf import html_to_pdf
from action_plans.reports import REPORT_FORMATS, report_html, report_title
from action_plans.snapshot import build_snapshot, named
from action_plans.word import html_to_docx

log = logging.getLogger("msd_planner.jobs")


def document_request(
    *,
    plan: ActionPlan,
    version: PlanVersion | None,
    edition: str = DocumentEdition.OFFICIAL,
    format: str = DocumentFormat.PDF,
) -> PlanDocument:
    """Want the PDF of ``version`` (None: a preview of the draft) in ``edition``, or its
    Word document (``format``; the official edition of a version only): queued now,
    handed to the broker after commit and rendered by a worker. A version's document that
    is ready stays as it is; a preview is rendered anew."""
    if format != DocumentFormat.PDF and (version is None or edition != DocumentEdition.OFFICIAL):
        raise ValueError("only the official edition of a version is made as a Word document")
    if version is not None:
        document, _created = PlanDocument.objects.get_or_create(
            version=version, edition=edition, format=format, defaults={"plan": plan}
        )
        if document.status == DocumentStatus.READY:
            return document
    else:
        document, _created = PlanDocument.objects.get_or_create(
            plan=plan, version=None, year=None, format=DocumentFormat.PDF
        )
    return _requested(document)


def report_request(*, plan: ActionPlan, year: int, format: str) -> PlanDocument:
    """Want the plan's annual report of ``year`` in ``format`` made (again): queued now,
    handed to the broker after commit and rendered by a worker. The file made before
    stays downloadable until the new one replaces it."""
    if format not in REPORT_FORMATS:
        raise ValueError(f"no annual report in {format}")
    document, _created = PlanDocument.objects.get_or_create(
        plan=plan, year=year, format=format, version=None
    )
    return _requested(document)


def _requested(document: PlanDocument) -> PlanDocument:
    """Mark ``document`` asked for now, and hand its job to the broker after commit."""
    PlanDocument.objects.filter(pk=document.pk).update(
        status=DocumentStatus.QUEUED,
        error="",
        requested_at=timezone.now(),
        handed_over_at=None,
        queue_error="",
    )
    document.refresh_from_db()
    # robust: a failing callback before it (an email) does not keep the job from the queue
    transaction.on_commit(lambda: document_queue(document.pk), robust=True)
    return document


def document_queue(document_id: int) -> bool:
    """Hand the document's render job to the broker, and record whether it took it: a
    broker that cannot be reached leaves the document queued, with why, for the page to
    say and for the sweep (``documents_requeue_stuck``) to queue again. Never raises."""
    try:
        hand_over("action_plans.tasks.render_document", document_id)
    except Exception as error:
        log.warning("document %s could not be queued: %s", document_id, error)
        PlanDocument.objects.filter(pk=document_id).update(
            handed_over_at=None, queue_error=str(error)[:500]
        )
        return False
    # In-process (eager) the job has already run; the hand-over is recorded all the same.
    PlanDocument.objects.filter(pk=document_id).update(
        handed_over_at=timezone.now(), queue_error=""
    )
    return True


def documents_not_queued(plan: ActionPlan) -> bool:
    """Whether a document of ``plan`` is waiting for a broker that could not be reached."""
    return (
        PlanDocument.objects.filter(plan=plan, status=DocumentStatus.QUEUED, handed_over_at=None)
        .exclude(queue_error="")
        .exists()
    )


def documents_requeue_stuck(*, older_than: timedelta) -> list[int]:
    """Queue again every document still queued ``older_than`` after it was asked for or
    handed over: never handed to the broker (it was down), or handed over and not taken
    (the message was lost). Each is handed over once per sweep, and its hand-over time
    moves on, so the next sweep leaves it alone for ``older_than`` again; the render job
    skips a document already ready, so a message found late changes nothing."""
    before = timezone.now() - older_than
    with transaction.atomic():
        stuck = list(
            PlanDocument.objects.select_for_update(skip_locked=True)
            .filter(status=DocumentStatus.QUEUED)
            .filter(
                models.Q(handed_over_at=None, requested_at__lt=before)
                | models.Q(handed_over_at__lt=before)
            )
            .values_list("pk", flat=True)
        )
        # Claimed before the hand-over: a second sweep running meanwhile skips them.
        PlanDocument.objects.filter(pk__in=stuck).update(handed_over_at=timezone.now())
    requeued = [document_id for document_id in stuck if document_queue(document_id)]
    if stuck:
        log.info("documents queued again: %s of %s", len(requeued), stuck)
    return requeued


def _file_name(document: PlanDocument) -> str:
    if document.year is not None:
        which = f"annual-report-{document.year}"
        return f"plan-documents/plan-{document.plan_id}-{which}.{document.format}"
    which = f"v{document.version.number}" if document.version else "draft-preview"
    if document.for_validation:
        which += "-for-validation"
    return f"plan-documents/plan-{document.plan_id}-{which}.{document.format}"


def version_document(
    version: PlanVersion,
    edition: str = DocumentEdition.OFFICIAL,
    format: str = DocumentFormat.PDF,
) -> PlanDocument | None:
    """The version's PDF in ``edition`` (or its document in ``format``), or None while
    none was asked for."""
    return PlanDocument.objects.filter(version=version, edition=edition, format=format).first()


def document_render(document_id: int) -> PlanDocument | None:
    """Render one document (the job). Idempotent: a document already ready is left alone;
    a render interrupted earlier is done again over the same file name."""
    with transaction.atomic():
        document = PlanDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return None
        # Ready is the latest request rendered (a new request, preview or not, queues it
        # first): a job delivered twice, or queued again by the sweep, does nothing.
        if document.status == DocumentStatus.READY and document.file:
            return document
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts"])
        requested = document.requested_at
    html = document_html(document)
    if document.format == DocumentFormat.DOCX:
        rendered, pages = document_word(document, html), None
    else:
        # Only the HTML is needed from here. The version's decoded snapshot, which the
        # document holds in a reference cycle, is freed before the render (which pauses
        # the cyclic collector) rather than after it.
        del document
        gc.collect()
        rendered, pages, _refused = html_to_pdf(html)
    with transaction.atomic():
        document = PlanDocument.objects.select_for_update().get(pk=document_id)
        name = _file_name(document)
        old = document.file.name
        if default_storage.exists(name):
            default_storage.delete(name)
        saved = default_storage.save(name, ContentFile(rendered))
        if old and old != saved and default_storage.exists(old):
            default_storage.delete(old)
        document.file.name = saved
        document.checksum = hashlib.sha256(rendered).hexdigest()
        document.size = len(rendered)
        document.pages = pages
        # Asked for again meanwhile (the adoption after the validation): the job queued
        # then renders the newer state; this file stands until it does.
        newer = document.requested_at != requested
        document.status = DocumentStatus.QUEUED if newer else DocumentStatus.READY
        document.error = ""
        document.rendered_at = timezone.now()
        document.save()
    return document


def document_failed(document_id: int, error: str) -> None:
    """Record, for the user, that rendering failed for good."""
    PlanDocument.objects.filter(pk=document_id).update(
        status=DocumentStatus.FAILED, error=error[:2000]
    )


# --- the document's content --------------------------------------------------------------


def change_log(version: PlanVersion) -> QuerySet[PlanChange]:
    """The changes since the version adopted before ``version``: those recorded in every
    submission of its revision up to it (2.0 and 2.1 for 2.1)."""
    return PlanChange.objects.filter(
        version__plan_id=version.plan_id,
        version__major=version.major,
        version__minor__lte=version.minor,
    ).select_related("actor")


@dataclass(frozen=True)
class Chapter:
    """A registered chapter as the document prints it."""

    anchor: str
    title: str
    html: str


def _signatures(document: PlanDocument) -> list[Any]:
    """The version's sign-offs as its edition shows them: public in the official one."""
    policy = validation_policy()
    read = policy.signatures if document.for_validation else policy.public_signatures
    return read(document.plan, document.version)


def document_context(document: PlanDocument) -> dict[str, Any]:
    """What the document template shows: the snapshot of the version (or of the draft, for
    a preview), each app's chapter laid out by its own template, then the sign-offs and
    the change log. The official edition (and the preview of what it will be) is public:
    it shows the snapshot as public materials may (``hooks.public_content``: local actors
    credited as each chose); the edition given for validation names every organisation,
    as the signatories validate who does what. Called with the document's language
    active, as the words that replace a name are in it."""
    plan = document.plan
    version = document.version
    content = version.snapshot.content if version is not None else build_snapshot(plan)
    if not document.for_validation:
        content = public_content(content)
    content = named(content)
    shared = {"frozen": content["plan"], "version": version, "preview": version is None}
    chapters = [
        Chapter(
            chapter.anchor,
            str(chapter.title),
            render_to_string(chapter.template, {**shared, **chapter.context(content)}),
        )
        for chapter in document_chapters()
    ]
    return {
        **shared,
        "plan": plan,
        "for_validation": version is not None and document.for_validation,
        "chapters": chapters,
        "signatures": _signatures(document) if version else [],
        "changes": list(change_log(version)) if version else [],
        "generated_at": timezone.now(),
    }


def document_html(document: PlanDocument) -> str:
    """The document's HTML, in the plan's language: its headings, dates, numbers,
    charts, and the snapshot's coded values (``named``); what users typed reads as typed.
    An annual report's is the report's (``action_plans.reports``)."""
    if document.year is not None:
        return report_html(document)
    with translation.override(document.plan.language):
        return render_to_string("action_plans/pdf/document.html", document_context(document))


def document_word(document: PlanDocument, html: str) -> bytes:
    """The Word document made of the document's HTML (the PDF's), titled with the plan's
    title as frozen in the version and the version's number, in the plan's language."""
    plan, version = document.plan, document.version
    if document.year is not None:
        with translation.override(plan.language):
            title = report_title(plan, document.year)
            return html_to_docx(html, title=title, language=plan.language)
    if version is None:
        raise ValueError("a Word document is made of a version, not of the draft")
    frozen_title = version.snapshot.content["plan"]["title"]
    with translation.override(plan.language):
        title = _("%(title)s – version %(number)s") % {
            "title": frozen_title,
            "number": version.number,
        }
        return html_to_docx(html, title=title, language=plan.language)
