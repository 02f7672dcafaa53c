"""What kind of file an upload is, read from its content (its first bytes and, for an
XLSX, the parts inside its ZIP container), never from its name or the type the browser
sent: both are whatever the uploader says.

No file-type library is installed; the four kinds the planner accepts as evidence have
well-known signatures, checked here and in tests/msd_planner/test_uploads.py.
"""

import zipfile
from pathlib import PurePath
from typing import IO

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

PDF, PNG, JPEG, XLSX = "pdf", "png", "jpeg", "xlsx"

# The extensions a file of each kind may carry.
EXTENSIONS = {PDF: {".pdf"}, PNG: {".png"}, JPEG: {".jpg", ".jpeg"}, XLSX: {".xlsx"}}

_SIGNATURES = (
    (PDF, b"%PDF-"),
    (PNG, b"\x89PNG\r\n\x1a\n"),
    (JPEG, b"\xff\xd8\xff"),
)
_ZIP = b"PK\x03\x04"


def sniffed_kind(file: IO[bytes]) -> str | None:
    """The kind of ``file`` (PDF, PNG, JPEG or XLSX) by its content, or None for any
    other content. Reads from the start and leaves the position there."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    for kind, signature in _SIGNATURES:
        if head.startswith(signature):
            return kind
    if head.startswith(_ZIP) and _is_workbook(file):
        return XLSX
    return None


def _is_workbook(file: IO[bytes]) -> bool:
    """An Office Open XML workbook: a ZIP holding its content types and a workbook part
    (a .docx or a plain .zip is not one)."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def extension_kind(name: str) -> str | None:
    """The kind a file's name claims, from its extension (None for any other)."""
    suffix = PurePath(name).suffix.lower()
    return next((kind for kind, suffixes in EXTENSIONS.items() if suffix in suffixes), None)


CONTENT_TYPES = {
    PDF: "application/pdf",
    PNG: "image/png",
    JPEG: "image/jpeg",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def attachment_response(stored: FieldFile) -> FileResponse:
    """A stored evidence file, streamed as an attachment under its own name, with the
    content type of the kind its content is (its name and the uploader's type are not
    trusted; an unknown content is sent as bytes)."""
    file = stored.open("rb")
    kind = sniffed_kind(file)
    return FileResponse(
        file,
        as_attachment=True,
        filename=PurePath(stored.name or "evidence").name,
        content_type=CONTENT_TYPES.get(kind or "", "application/octet-stream"),
    )
