"""The kind of an uploaded file, read from its content: the four signatures evidence may
have, and what a name or a container cannot pass for."""

import io
import zipfile

import pytest

from msd_planner.lib.uploads import extension_kind, sniffed_kind


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.4\n...", "pdf"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"\xff\xd8\xff\xdb\x00C\x00", "jpeg"),
        (b"\xff\xd8\xff\xe1\x00\x18Exif", "jpeg"),
        (_zip("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"), "xlsx"),
        (_zip("[Content_Types].xml", "word/document.xml"), None),  # a Word document
        (_zip("xl/workbook.xml"), None),  # no content types: not an Office file
        (b"PK\x03\x04 but no archive after it", None),
        (b"%PD", None),  # cut short
        (b"GIF89a", None),
        (b"", None),
        (b"<html><script>", None),
    ],
)
def test_the_kind_is_read_from_the_content(content, kind):
    file = io.BytesIO(content)
    assert sniffed_kind(file) == kind
    assert file.tell() == 0  # left where a storage reads it from


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("report.pdf", "pdf"),
        ("REPORT.PDF", "pdf"),
        ("scan.jpg", "jpeg"),
        ("scan.jpeg", "jpeg"),
        ("figures.xlsx", "xlsx"),
        ("figures.xls", None),
        ("report.pdf.exe", None),
        ("no-extension", None),
    ],
)
def test_the_kind_a_name_claims(name, kind):
    assert extension_kind(name) == kind
