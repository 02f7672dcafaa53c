"""The plan as a Word document: the converter on hand-written HTML, the demo's adopted
version as .docx against its PDF, the job run twice, the download through the version
page (who may, which file), and the job on a real worker after a broker outage."""

import hashlib
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from lxml import html as lxml_html
from pypdf import PdfReader

from action_plans import documents, workflow
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    PlanDocument,
)
from action_plans.tasks import requeue_stuck_documents
from action_plans.word import html_to_docx
from tests.action_plans import test_jobs as jobs
from tests.conftest import approve_all

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _read(data: bytes):
    return Document(io.BytesIO(data))


def _headings(word) -> list[tuple[int, str]]:
    return [
        (int(paragraph.style.name.removeprefix("Heading ")), paragraph.text)
        for paragraph in word.paragraphs
        if paragraph.style.name.startswith("Heading ")
    ]


def _all_text(word) -> str:
    texts = [paragraph.text for paragraph in word.paragraphs]

    def cells(tables):
        for table in tables:
            for row in table.rows:
                for cell in row.cells:
                    texts.extend(paragraph.text for paragraph in cell.paragraphs)
                    cells(cell.tables)

    cells(word.tables)
    return "\n".join(texts)


HAND_WRITTEN = """<!doctype html><html lang="en"><head><title>Plan</title>
<style>h1 { color: red }</style><script>alert("no")</script></head><body>
<p class="marker running-title">Plan &amp; partners</p>
<p class="marker running-version">Version 2.1</p>
<p class="watermark" aria-hidden="true">FOR VALIDATION</p>
<h1>Plan &amp; partners</h1>
<nav><h2>Contents</h2><ol><li><a href="#targets">The targets</a></li>
  <li><a href="#funding">The funding</a></li></ol></nav>
<section id="targets"><h2>Targets &lt;prioritised&gt;</h2>
  <h3>10.7 – Safe migration</h3>
  <p>Text with <strong>bold and <em>bold italic</em></strong>, then <em>italic</em>
     and a <a href="https://example.org/">link</a>; 5 &lt; 7 &amp; “quotes” &#8211; done.</p>
  <ul><li>first</li><li>second <b>strong</b><ul><li>inner</li></ul></li></ul>
  <dl><dt>Rank</dt><dd>1 (score 8)</dd><dt>Rationale</dt><dd>line one<br>line two</dd></dl>
  <h4>Results</h4>
</section>
<section id="funding"><h2>Funding</h2>
  <figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" role="img">
    <title>Funding mix by kind of source.</title><desc>Grants 60%</desc>
    <text x="1" y="2">SECRET-SVG-LABEL</text></svg>
    <figcaption>Funding mix</figcaption></figure>
  <table><thead><tr><th>Source</th><th class="num">Committed</th></tr></thead>
    <tbody><tr><td>EU &amp; partners</td><td class="num">1,000 EUR</td></tr>
    <tr><td colspan="2">—</td></tr></tbody></table>
</section></body></html>"""


def test_the_converter_keeps_headings_runs_lists_tables_and_leaves_charts_out():
    word = _read(html_to_docx(HAND_WRITTEN, title="Plan & partners – version 2.1", language="fr"))
    assert _headings(word) == [
        (1, "Plan & partners"),
        (2, "Contents"),
        (2, "Targets <prioritised>"),
        (3, "10.7 – Safe migration"),
        (4, "Results"),
        (2, "Funding"),
    ]
    paragraphs = {paragraph.text: paragraph for paragraph in word.paragraphs}
    text = "Text with bold and bold italic, then italic and a link; 5 < 7 & “quotes” – done."
    runs = [(run.text, bool(run.bold), bool(run.italic)) for run in paragraphs[text].runs]
    assert ("bold and ", True, False) in runs
    assert ("bold italic", True, True) in runs
    assert ("italic", False, True) in runs
    assert ("link", False, False) in runs  # a link reads as its text
    styles = {paragraph.text: paragraph.style.name for paragraph in word.paragraphs}
    assert styles["The targets"] == styles["The funding"] == "List Number"
    assert styles["first"] == "List Bullet" and styles["second strong"] == "List Bullet"
    assert styles["inner"] == "List Bullet 2"
    assert "Rank: 1 (score 8)" in paragraphs
    assert "Rationale: line one\nline two" in paragraphs
    # The chart is left out, with a line naming it; its drawing's text is not there.
    everything = _all_text(word)
    assert "Chart “Funding mix by kind of source”: see the PDF" in everything
    assert "SECRET-SVG-LABEL" not in everything and "Grants 60%" not in everything
    assert 'alert("no")' not in everything and "color: red" not in everything
    assert "FOR VALIDATION" not in everything  # aria-hidden: the watermark
    # The table: a header row Word repeats on each page, a cell spanning two columns.
    (table,) = word.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["Source", "Committed"],
        ["EU & partners", "1,000 EUR"],
        ["—", "—"],
    ]
    header = table.rows[0]._tr
    assert header.trPr is not None and header.trPr.find(qn("w:tblHeader")) is not None
    assert table.rows[1]._tr.trPr is None or table.rows[1]._tr.trPr.find(qn("w:tblHeader")) is None
    assert all(run.bold for run in table.rows[0].cells[0].paragraphs[0].runs)
    assert len(table.rows[2]._tr.tc_lst) == 1  # one merged cell
    # The PDF's running header is the page header; the properties name the plan.
    assert word.sections[0].header.paragraphs[0].text == "Plan & partners – Version 2.1"
    assert word.core_properties.title == "Plan & partners – version 2.1"
    assert word.core_properties.language == "fr"
    assert word.core_properties.author == ""


def _html_headings(html: str) -> list[tuple[int, str]]:
    tree = lxml_html.fromstring(html)
    return [
        (int(element.tag[1]), " ".join(element.text_content().split()))
        for element in tree.iter("h1", "h2", "h3", "h4")
        if not element.xpath("ancestor::*[@aria-hidden='true' or contains(@class, 'marker')]")
    ]


def _pdf_outline(data: bytes) -> list[str]:
    """The titles of the PDF's bookmarks, in order (WeasyPrint makes one per heading)."""
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(" ".join(item.title.split()))

    walk(PdfReader(io.BytesIO(data)).outline)
    return titles


@pytest.mark.django_db(transaction=True)
def test_the_demos_adopted_version_in_word_has_the_pdfs_chapters_and_targets():
    call_command("load_demo")
    national = ActionPlan.objects.get(level="national")
    version = workflow.official_version(national)
    pdf = documents.document_request(plan=national, version=version)
    word = documents.document_request(plan=national, version=version, format=DocumentFormat.DOCX)
    for document in (pdf, word):
        documents.document_render(document.pk)
        document.refresh_from_db()
        assert document.status == DocumentStatus.READY, document.error
    docx = _read(word.file.read())
    pdf_bytes = pdf.file.read()
    html_headings = _html_headings(documents.document_html(pdf))
    assert len(html_headings) > 20
    assert _headings(docx) == html_headings  # the same headings, levels and order
    # ... which are the PDF's: its outline (bookmarks) is made of the same headings
    assert [heading for _level, heading in _headings(docx)] == _pdf_outline(pdf_bytes)
    chapters = [heading for level, heading in html_headings if level == 2]
    assert "Sign-offs" in chapters and len(chapters) >= 8
    text = _all_text(docx)
    records = version.snapshot.content["sections"]["targets"]["records"]
    codes = [record["key"].split(":", 1)[1] for record in records if record["kind"] == "target"]
    assert codes
    for code in codes:
        assert re.search(rf"\b{re.escape(code)}\b", text), code
    assert word.checksum and word.size == len(word.file.open("rb").read())
    assert docx.core_properties.title == f"{national.title} – version {version.number}"
    assert docx.core_properties.language == national.language


def test_rendering_the_word_document_twice_leaves_one_file_and_one_row(cast, ready, settings):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = documents.document_request(
        plan=cast.plan_a, version=version, format=DocumentFormat.DOCX
    )
    documents.document_render(document.pk)
    first = PlanDocument.objects.get(pk=document.pk)
    documents.document_render(document.pk)  # a redone job: already ready, nothing changes
    assert PlanDocument.objects.get(pk=document.pk).rendered_at == first.rendered_at
    PlanDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING)
    documents.document_render(document.pk)  # a job redone after a crash mid-render
    again = PlanDocument.objects.get(pk=document.pk)
    assert again.status == DocumentStatus.READY and again.attempts == 2
    assert again.file.name == first.file.name == f"plan-documents/plan-{cast.plan_a.pk}-v1.0.docx"
    folder = Path(settings.MEDIA_ROOT) / "plan-documents"
    assert [path.name for path in folder.iterdir()] == [f"plan-{cast.plan_a.pk}-v1.0.docx"]
    assert PlanDocument.objects.filter(version=version).count() == 1
    stored = again.file.open("rb").read()
    assert again.checksum == hashlib.sha256(stored).hexdigest() and again.size == len(stored)
    assert "10.7" in _all_text(_read(stored))


def test_only_a_versions_official_edition_is_made_in_word(cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    with pytest.raises(ValueError):
        documents.document_request(plan=cast.plan_a, version=None, format=DocumentFormat.DOCX)
    with pytest.raises(ValueError):
        documents.document_request(
            plan=cast.plan_a,
            version=version,
            edition=DocumentEdition.FOR_VALIDATION,
            format=DocumentFormat.DOCX,
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        PlanDocument.objects.create(plan=cast.plan_a, version=None, format=DocumentFormat.DOCX)


def test_the_version_page_offers_the_word_document_beside_the_pdf(
    client, cast, ready, django_capture_on_commit_callbacks
):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    page_url = reverse("version_detail", args=[cast.plan_a.pk, version.pk])
    file_url = reverse("version_word_document", args=[cast.plan_a.pk, version.pk])
    state_url = reverse("version_word_document_state", args=[cast.plan_a.pk, version.pk])
    client.force_login(cast.viewer_x)
    page = client.get(page_url).content.decode()
    assert "No Word document of this version yet." in page
    assert "Make the Word document" not in page  # a viewer downloads, does not ask
    response = client.get(file_url)  # not made yet: its state, at once
    assert response.status_code == 302 and response["Location"] == state_url
    assert client.post(file_url).status_code == 403

    client.force_login(cast.coordinator_a)
    assert "Make the Word document" in client.get(page_url).content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(file_url)
    assert response.status_code == 302 and response["Location"] == state_url
    # The click did not render it: queued, and the state asks again until it is ready.
    document = PlanDocument.objects.get(version=version, format=DocumentFormat.DOCX)
    assert document.status == DocumentStatus.QUEUED and not document.file
    queued = client.get(state_url, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 2s"' in queued and "Queued" in queued
    for callback in callbacks:  # the job, as the worker runs it after the commit
        callback()
    ready_state = client.get(state_url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in ready_state and "Word (.docx) of version 1.0" in ready_state

    client.force_login(cast.viewer_x)
    page = client.get(page_url).content.decode()
    assert f'href="{file_url}">Word (.docx) of version 1.0</a>' in page
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == WORD
    assert f'filename="plan-{cast.plan_a.pk}-v1.0.docx"' in response["Content-Disposition"]
    word = _read(b"".join(response.streaming_content))
    assert (2, "Contents") in _headings(word)
    client.force_login(cast.coordinator_b)  # another plan's coordinator does not get it
    assert client.get(file_url).status_code == 404
    assert client.get(state_url).status_code == 404


def test_adoption_makes_the_word_document_of_the_adopted_version(
    cast, ready, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.PLAN_DOCUMENTS_ON_VALIDATION = True
    # The PDFs are not what this test reads: they are not laid out.
    monkeypatch.setattr(documents, "html_to_pdf", lambda html: (b"%PDF-", 1, []))
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    with django_capture_on_commit_callbacks(execute=True):
        approve_all(cast, ready)
    assert not PlanDocument.objects.filter(format=DocumentFormat.DOCX).exists()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.plan_adopt(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            adoption_date=timezone.localdate(),
            reference="Decree 12",
        )
    word = PlanDocument.objects.get(version=version, format=DocumentFormat.DOCX)
    assert word.status == DocumentStatus.READY and word.edition == DocumentEdition.OFFICIAL
    assert "Decree 12" in _all_text(_read(word.file.read()))  # the cover with the adoption


@pytest.fixture
def silent_broker():
    server = jobs.SilentBroker()
    yield server
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_word_document_not_queued_is_said_then_swept_up_and_made_by_a_worker(
    client, cast, ready, silent_broker, tmp_path, settings
):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    file_url = reverse("version_word_document", args=[cast.plan_a.pk, version.pk])
    client.force_login(cast.coordinator_a)
    with jobs.broker(silent_broker.url):
        response = jobs._within(30, lambda: client.post(file_url, follow=True))
    page = response.content.decode()
    assert "The Word document could not be queued: the job service cannot be reached." in page
    assert "Not queued yet" in page
    document = PlanDocument.objects.get(version=version, format=DocumentFormat.DOCX)
    assert document.handed_over_at is None and document.queue_error

    # Minutes later the broker is back, with its worker: the sweep hands the job over.
    PlanDocument.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - timedelta(minutes=settings.PLAN_DOCUMENT_REQUEUE_MINUTES + 1)
    )
    with jobs.broker("filesystem://localhost//", tmp_path / "broker"):
        assert requeue_stuck_documents() == 1
        with jobs.a_worker():
            done = jobs._until(
                lambda: PlanDocument.objects.filter(
                    pk=document.pk, status__in=[DocumentStatus.READY, DocumentStatus.FAILED]
                ).first()
            )
    assert done.status == DocumentStatus.READY, done.error
    assert done.attempts == 1 and not done.queue_error
    assert (2, "Contents") in _headings(_read(done.file.read()))
