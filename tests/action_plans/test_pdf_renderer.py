"""The renderer of the plan's PDF: the print stylesheet read once per process, the
collector paused while WeasyPrint works, the fetcher as strict as ever, and tables laid
out from their header cells' widths."""

import gc
import io
import os
import re
import weakref
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from pypdf import PdfReader
from weasyprint import HTML

from action_plans import documents, pdf, workflow
from action_plans.models import DocumentStatus, PlanDocument
from tests.action_plans.test_documents import _hostile, _Listener

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture(autouse=True)
def _fresh_print_setup():
    """Each test reads the stylesheet anew, and leaves no stylesheet of its own behind."""
    pdf._parsed_print_setup.cache_clear()
    yield
    pdf._parsed_print_setup.cache_clear()


@pytest.fixture
def listener():
    server = _Listener()
    yield server
    server.close()


def _text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _page(body: str) -> str:
    return f"<html><body>{body}</body></html>"


class _Counted:
    """Wraps a class of WeasyPrint's and counts the instances made."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        self.made = 0

    def __call__(self, *args, **kwargs):
        self.made += 1
        return self.wrapped(*args, **kwargs)


def test_the_stylesheet_and_the_fonts_are_read_once_for_many_documents(monkeypatch):
    stylesheets = _Counted(pdf.CSS)
    fonts = _Counted(pdf.FontConfiguration)
    monkeypatch.setattr(pdf, "CSS", stylesheets)
    monkeypatch.setattr(pdf, "FontConfiguration", fonts)
    for number in range(3):
        data, pages, _refused = pdf.html_to_pdf(_page(f"<h1>Plan {number}</h1>"))
        assert pages == 1
        text = _text(data)
        assert f"Plan {number}" in text
        assert "1 / 1" in text  # the stylesheet's page numbers: it was applied each time
    assert (stylesheets.made, fonts.made) == (1, 1)


def test_a_changed_stylesheet_is_read_again(monkeypatch, tmp_path):
    stylesheet = tmp_path / "pdf.css"
    stylesheet.write_text("@page { @bottom-right { content: 'first edition' } }")
    monkeypatch.setattr(finders, "find", lambda path, *args, **kwargs: str(stylesheet))
    assert "first edition" in _text(pdf.html_to_pdf(_page("<p>Plan</p>"))[0])
    stylesheet.write_text("@page { @bottom-right { content: 'second edition' } }")
    modified = stylesheet.stat().st_mtime_ns + 1_000_000_000
    os.utime(stylesheet, ns=(modified, modified))
    assert "second edition" in _text(pdf.html_to_pdf(_page("<p>Plan</p>"))[0])


def test_the_collector_is_paused_during_the_render_and_runs_again_after(monkeypatch):
    during = []
    original = pdf.HTML.render

    def render(self, *args, **kwargs):
        during.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pdf.HTML, "render", render)
    assert gc.isenabled()
    pdf.html_to_pdf(_page("<p>Plan</p>"))
    assert during == [False]
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_render_that_failed(monkeypatch):
    def render(self, *args, **kwargs):
        raise MemoryError("the document is too large")

    monkeypatch.setattr(pdf.HTML, "render", render)
    with pytest.raises(MemoryError):
        pdf.html_to_pdf(_page("<p>Plan</p>"))
    assert gc.isenabled()


def test_a_caller_that_paused_the_collector_finds_it_paused():
    gc.disable()
    try:
        pdf.html_to_pdf(_page("<p>Plan</p>"))
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_fetcher_refuses_files_and_the_network_with_the_stylesheet_kept(listener):
    urls = _hostile(listener.port)
    html = (
        "<html><head><style>"
        + "".join(f"p.n{index} {{ background: url('{url}') }}" for index, url in enumerate(urls))
        + "</style></head><body>"
        + "".join(f"<p class='n{i}'><img src='{url}'>Plan</p>" for i, url in enumerate(urls))
        + "</body></html>"
    )
    for _render in range(2):  # the stylesheet read by the first render, kept by the second
        data, _pages, refused = pdf.html_to_pdf(html)
        for url in urls[:4]:
            assert url in refused
        assert "root:" not in _text(data)  # /etc/passwd was not read
        assert "1 / 1" in _text(data)
    assert listener.hits == []


def _header_widths(html: str) -> list[list[float]]:
    """For each page, the widths of the table header's cells as laid out."""
    document = _laid_out(html)

    def header_rows(box):
        if box.element_tag == "tr" and box.children and box.children[0].element_tag == "th":
            yield [cell.border_width() for cell in box.children]
        for child in getattr(box, "children", []):
            yield from header_rows(child)

    return [next(header_rows(page._page_box)) for page in document.pages]


def _long_table(name: str, strategy: str) -> str:
    rows = "".join(
        f"<tr><td>{name} {number:03}</td><td class='num'>{number},000.00 GHS</td>"
        f"<td>{strategy if number == 150 else 'Ask the EU'}</td></tr>"
        for number in range(1, 301)
    )
    return _page(
        "<table><thead><tr><th class='col-main'>Intervention</th>"
        "<th class='num col-money'>Gap</th><th class='col-strategy'>Strategy</th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
    )


def test_a_long_tables_columns_follow_its_header_not_its_cells():
    short = _long_table("Intervention", "Ask the EU")
    long_word = "Coordination" * 12  # one word wider than its column
    long = _long_table("A rather longer name, as some interventions have,", long_word)
    for html, name in ((short, "Intervention"), (long, "interventions have,")):
        data, pages, _refused = pdf.html_to_pdf(html)
        assert pages > 3
        text = " ".join(_text(data).split())
        for number in range(1, 301):  # every row, every column
            assert f"{name} {number:03}" in text
            assert f"{number},000.00 GHS" in text
        assert text.count("Ask the EU") in (299, 300)
    assert long_word in "".join(_text(data).split())  # printed whole, wrapped in its column
    widths = _header_widths(short)
    assert len(widths) > 3  # the header repeats on each page ...
    assert all(page == widths[0] for page in widths)  # ... with the same columns
    assert all(page == widths[0] for page in _header_widths(long))  # whatever cells hold
    table = sum(widths[0])
    assert [round(width / table, 2) for width in widths[0]] == [0.45, 0.19, 0.36]


def _laid_out(html: str):
    stylesheet, fonts = pdf.print_setup()
    return HTML(string=html, base_url=pdf.BASE_URL, url_fetcher=pdf.SafeFetcher()).render(
        stylesheets=[stylesheet], font_config=fonts
    )


def _boxes(box, tag):
    """The outermost boxes of ``tag`` elements in ``box``."""
    if box.element_tag == tag and hasattr(box, "children"):
        yield box
        return
    for child in getattr(box, "children", []):
        yield from _boxes(child, tag)


def test_each_fact_reads_beside_its_label_and_below_the_fact_before():
    facts = "".join(
        f"<dt>{label}</dt><dd>{value}</dd>"
        for label, value in (
            ("Design", "How it works. " * 40),
            ("Timeline", "1 Jan 2026 – 31 Dec 2029"),
            ("Share to local actors", "37.2 % of committed funds"),
            ("Cost", "103,000.00 GHS"),
        )
    )
    document = _laid_out(_page(f"<dl class='facts'>{facts}</dl><p>After the facts</p>"))
    page = document.pages[0]._page_box
    labels, values = list(_boxes(page, "dt")), list(_boxes(page, "dd"))
    assert len(labels) == len(values) == 4
    for label, value in zip(labels, values, strict=True):
        assert label.position_y == pytest.approx(value.position_y)  # on the same line
        assert label.position_x + label.margin_width() <= value.content_box_x() + 0.01
    for value, label in zip(values, labels[1:], strict=False):  # each below the last
        assert label.position_y >= value.position_y + value.margin_height() - 0.01
    after = next(box for box in _boxes(page, "p") if "After" in "".join(box.element.itertext()))
    assert after.position_y >= values[-1].position_y + values[-1].margin_height() - 0.01


def _header_cells(template: Path) -> list[str]:
    return re.findall(r"<th\b[^>]*>", template.read_text())


def test_every_column_of_the_documents_tables_has_a_width():
    stylesheet = Path(finders.find(pdf.PRINT_STYLESHEET)).read_text()
    widths = set(re.findall(r"th\.(col-[a-z]+)", stylesheet))
    templates = [*TEMPLATES.glob("*/pdf/*.html")]
    assert len(templates) >= 8
    for template in templates:
        for cell in _header_cells(template):
            classes = re.search(r'class="([^"]*)"', cell)
            columns = classes.group(1).split() if classes else []
            assert any(name in widths for name in columns), f"{template.name}: {cell}"


def test_the_job_frees_the_decoded_snapshot_before_the_render(cast, ready, monkeypatch):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    held = defaultdict(list)
    document_html, html_to_pdf = documents.document_html, documents.html_to_pdf

    def html_of(document):
        html = document_html(document)
        held["snapshot"].append(weakref.ref(document.version.snapshot))
        return html

    def render(html):
        held["alive during the render"].append(held["snapshot"][0]() is not None)
        return html_to_pdf(html)

    monkeypatch.setattr(documents, "document_html", html_of)
    monkeypatch.setattr(documents, "html_to_pdf", render)
    documents.document_render(document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert "Plan A" in _text(document.file.read())
    assert held["alive during the render"] == [False]
