"""The plan as a Word document: the converter on hand-written HTML."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from action_plans.word import html_to_docx

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
    <title>Funding mix by kind of source</title><desc>Grants 60%</desc>
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
