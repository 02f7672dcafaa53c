"""The plan's document as a Word file: the HTML the PDF is printed from, turned into a
.docx with python-docx, so that both carry the same chapters, headings and tables.

Pure, like ``action_plans.pdf``: HTML in, bytes out. Headings ``h1``–``h4`` take Word's
heading styles (its navigation pane and table of contents read them); paragraphs keep
their bold and italic; lists, definition lists and tables (header rows repeated on each
page, spanned columns) follow; links read as their text. A chart or an image is left
out, with a line saying so: the PDF shows it and its figures are in the tables. The
PDF's running header (``class="marker"``) becomes the page header; what is marked
``aria-hidden`` (the watermark) and the head are dropped.
"""

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table as WordTable

HEADING_STYLES = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "h4": "Heading 4"}
BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "nav", "main", "aside",
    "figure", "figcaption", "blockquote", "h5", "h6", "address", "pre",
}  # fmt: skip
BOLD = {"strong", "b", "th", "dt", "h5", "h6"}
ITALIC = {"em", "i", "cite", "figcaption"}
VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "source", "area", "base"}
# Their content is not text for the reader: the head, styles, scripts.
DROPPED = {"head", "style", "script", "template", "noscript"}
LIST_STYLES = {"ul": "List Bullet", "ol": "List Number"}
SPACES = re.compile(r"\s+")


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    line_break: bool = False


@dataclass
class Paragraph:
    style: str | None = None
    runs: list[Run] = field(default_factory=list)
    indent: bool = False
    right: bool = False

    @property
    def ends_in_space(self) -> bool:
        return not self.runs or self.runs[-1].line_break or self.runs[-1].text.endswith(" ")

    def strip_end(self) -> None:
        while self.runs and not self.runs[-1].line_break and not self.runs[-1].text.strip():
            self.runs.pop()
        if self.runs and not self.runs[-1].line_break:
            self.runs[-1].text = self.runs[-1].text.rstrip()


@dataclass
class Cell:
    header: bool
    span: int
    right: bool
    blocks: list["Block"] = field(default_factory=list)


@dataclass
class Row:
    header: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Table:
    rows: list[Row] = field(default_factory=list)
    in_head: bool = False


Block = Paragraph | Table


class _Reader(HTMLParser):
    """Reads the HTML into blocks (paragraphs and tables), which ``_write`` lays out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.containers: list[list[Block]] = [self.blocks]  # the body, or a table cell
        self.paragraph: Paragraph | None = None
        self.bold = 0
        self.italic = 0
        self.lists: list[str] = []  # "ul" / "ol", innermost last
        self.tables: list[Table] = []
        self.cells: list[Cell] = []  # the cell being read in each table, outermost first
        self.term_open = False  # a ``dt`` whose ``dd`` continues its paragraph
        self.skipping: list[str] = []  # the tag whose content is left out, per depth
        self.chart: list[str] | None = None  # an <svg>'s title, while reading it
        self.in_chart_title = False
        self.markers: list[str] = []
        self.marker: list[str] | None = None

    # --- paragraphs --------------------------------------------------------------------

    def open(self, style: str | None = None, *, indent: bool = False) -> Paragraph:
        self.close()
        right = bool(self.cells) and self.cells[-1].right
        self.paragraph = Paragraph(style=style, indent=indent, right=right)
        self.containers[-1].append(self.paragraph)
        return self.paragraph

    def close(self) -> None:
        if self.paragraph is not None:
            self.paragraph.strip_end()
            if not self.paragraph.runs:
                self.containers[-1].remove(self.paragraph)
        self.paragraph = None
        self.term_open = False

    def text(self, data: str) -> None:
        data = SPACES.sub(" ", data)
        paragraph = self.paragraph
        if paragraph is None:
            if not data.strip():
                return
            paragraph = self.open(_list_style(self.lists) if self.lists else None)
        if paragraph.ends_in_space:
            data = data.lstrip()
        if data:
            paragraph.runs.append(Run(data, bold=self.bold > 0, italic=self.italic > 0))

    # --- the parser's events -----------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.append(tag)
            return
        if self.chart is not None:
            self.in_chart_title = tag == "title"
            if tag == "svg":
                self.skipping.append(tag)  # a drawing inside the drawing
            return
        classes = (attributes.get("class") or "").split()
        if tag in DROPPED or attributes.get("aria-hidden") == "true":
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if "marker" in classes and tag not in VOID:
            self.marker = []
            self.skipping.append(tag)
            return
        if tag == "svg":
            self.chart = []
            return
        if tag == "img":
            self.figure_left_out(attributes.get("alt") or "")
        elif tag == "br":
            if self.paragraph is not None:
                self.paragraph.runs.append(Run("", line_break=True))
        elif tag in HEADING_STYLES:
            self.open(HEADING_STYLES[tag])
        elif tag in LIST_STYLES:
            self.close()
            self.lists.append(tag)
        elif tag == "li":
            self.open(_list_style(self.lists or ["ul"]))
        elif tag == "dt":
            self.open()
            self.term_open = True
        elif tag == "dd":
            if not self.term_open:
                self.open(indent=True)
            self.term_open = False
        elif tag == "table":
            self.close()
            table = Table()
            self.containers[-1].append(table)
            self.tables.append(table)
        elif tag == "thead" and self.tables:
            self.tables[-1].in_head = True
        elif tag in ("tbody", "tfoot") and self.tables:
            self.tables[-1].in_head = False
        elif tag == "tr" and self.tables:
            self.end_cell()
            table = self.tables[-1]
            table.rows.append(Row(header=table.in_head))
        elif tag in ("td", "th") and self.tables:
            self.start_cell(tag, attributes, classes)
        elif tag in BLOCKS and (
            # a paragraph inside a list item (still empty) is the item's
            self.paragraph is None or self.paragraph.runs or tag not in ("p", "div")
        ):
            self.open(_list_style(self.lists) if self.lists and tag == "p" else None)
        if tag in BOLD:
            self.bold += 1
        if tag in ITALIC:
            self.italic += 1

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag == self.skipping[-1]:
                self.skipping.pop()
                if not self.skipping and self.marker is not None:
                    marker = SPACES.sub(" ", "".join(self.marker)).strip()
                    if marker:
                        self.markers.append(marker)
                    self.marker = None
            return
        if self.chart is not None:
            if tag == "title":
                self.in_chart_title = False
            elif tag == "svg":
                title = SPACES.sub(" ", "".join(self.chart)).strip().rstrip(".")
                self.chart = None
                self.figure_left_out(title)
            return
        if tag in VOID:
            return
        if tag in BOLD:
            self.bold = max(0, self.bold - 1)
        if tag in ITALIC:
            self.italic = max(0, self.italic - 1)
        if tag == "dt":
            if self.paragraph is not None:
                self.paragraph.strip_end()
                self.paragraph.runs.append(Run(": "))
            return
        if tag in LIST_STYLES:
            self.close()
            if self.lists:
                self.lists.pop()
        elif tag in ("td", "th", "tr"):
            self.end_cell()
        elif tag == "table" and self.tables:
            self.end_cell()
            self.tables.pop()
            self.paragraph = None
        elif tag in HEADING_STYLES or tag in BLOCKS or tag in ("li", "dd"):
            self.close()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            if self.marker is not None:
                self.marker.append(data)
            return
        if self.chart is not None:
            if self.in_chart_title:
                self.chart.append(data)
            return
        self.text(data)

    # --- tables and figures ------------------------------------------------------------

    def start_cell(self, tag: str, attributes: dict[str, str | None], classes: list[str]) -> None:
        self.end_cell()
        table = self.tables[-1]
        if not table.rows:
            table.rows.append(Row(header=table.in_head))
        try:
            span = max(1, int(attributes.get("colspan") or 1))
        except ValueError:
            span = 1
        cell = Cell(header=tag == "th", span=min(span, 63), right="num" in classes)
        table.rows[-1].cells.append(cell)
        self.cells.append(cell)
        self.containers.append(cell.blocks)
        self.paragraph = None

    def end_cell(self) -> None:
        """Leave the table cell being read, if one is (its end tag may be left out)."""
        if self.tables and len(self.cells) == len(self.tables):
            self.close()
            self.cells.pop()
            self.containers.pop()
            self.paragraph = None

    def figure_left_out(self, title: str) -> None:
        if title:
            note = _("Chart “%(title)s”: see the PDF, its figures are in the tables.") % {
                "title": title
            }
        else:
            note = _("Chart or image: see the PDF, its figures are in the tables.")
        self.open().runs.append(Run(note, italic=True))
        self.close()


def _list_style(lists: list[str]) -> str:
    level = min(len(lists), 3)
    style = LIST_STYLES[lists[-1]]
    return style if level == 1 else f"{style} {level}"


# --- writing the Word document ---------------------------------------------------------


def _write_paragraph(parent: object, spec: Paragraph, *, bold: bool = False) -> None:
    add = parent.add_paragraph  # type: ignore[attr-defined]
    paragraph = add(style=spec.style) if spec.style else add()
    for run in spec.runs:
        if run.line_break:
            paragraph.add_run().add_break()
            continue
        written = paragraph.add_run(run.text)
        written.bold = run.bold or bold or None
        written.italic = run.italic or None
    if spec.indent:
        paragraph.paragraph_format.left_indent = Cm(1)
    if spec.right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _write_table(parent: object, spec: Table) -> None:
    rows = [row for row in spec.rows if row.cells]
    if not rows:
        return
    columns = max(sum(cell.span for cell in row.cells) for row in rows)
    table: WordTable = parent.add_table(rows=len(rows), cols=columns)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    for row_index, row in enumerate(rows):
        header = row.header or all(cell.header for cell in row.cells)
        if header and all(previous.header for previous in rows[:row_index]):
            # a header row Word repeats at the top of each page the table runs onto
            properties = table.rows[row_index]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            repeat.set(qn("w:val"), "true")
            properties.append(repeat)
        column = 0
        for cell_spec in row.cells:
            cell = table.cell(row_index, column)
            if cell_spec.span > 1:
                cell = cell.merge(table.cell(row_index, column + cell_spec.span - 1))
            column += cell_spec.span
            _write_blocks(cell, cell_spec.blocks, bold=header or cell_spec.header, cell=True)


def _write_blocks(
    parent: object, blocks: list[Block], *, bold: bool = False, cell: bool = False
) -> None:
    if cell:
        # A new cell holds one empty paragraph: the first paragraph written takes its place.
        empty = parent.paragraphs[0]  # type: ignore[attr-defined]
    for block in blocks:
        if isinstance(block, Table):
            _write_table(parent, block)
        else:
            _write_paragraph(parent, block, bold=bold)
    if cell and len(parent.paragraphs) > 1 and not empty.text:  # type: ignore[attr-defined]
        empty._p.getparent().remove(empty._p)


def html_to_docx(html: str, *, title: str, language: str, created: datetime | None = None) -> bytes:
    """The Word document of ``html``: its title (``title``) and language (``language``,
    a language code) in the file's properties and on its text, for Word's spelling."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    reader.end_cell()
    document = Document()
    properties = document.core_properties
    properties.title = title
    properties.language = language
    properties.author = ""
    properties.last_modified_by = ""
    properties.comments = ""
    properties.created = properties.modified = created or datetime.now(UTC)
    # The text's language (the template says en-US), for Word's spelling and hyphenation.
    for lang in document.styles.element.iter(qn("w:lang")):
        lang.set(qn("w:val"), language)
    if reader.markers:
        document.sections[0].header.paragraphs[0].text = " – ".join(reader.markers)
    _write_blocks(document, reader.blocks)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
