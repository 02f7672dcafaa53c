"""The API reads JSON objects, of a bounded size; and one file, a progress value's
evidence, bounded by the evidence's own limit."""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, parsers, status


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"


class BoundedJSONParser(parsers.JSONParser):
    """JSON, refused with 413 beyond ``API_MAX_BODY_BYTES`` (read no further than that)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_MAX_BODY_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise BodyTooLarge(
                _("The body is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"}
            )
        if not body:
            return {}
        return super().parse(io.BytesIO(body), media_type, parser_context)


UNNAMED_FILE = gettext_lazy(
    "Send the evidence file as the body, named in Content-Disposition: attachment; "
    'filename="report.pdf".'
)


class EvidenceParser(parsers.FileUploadParser):
    """The raw body as one file, named by ``Content-Disposition`` (400 without a name).
    ``API_MAX_BODY_BYTES`` is for JSON: no more than ``PROGRESS_EVIDENCE_MAX_BYTES`` and
    one byte is read, so that a larger file reaches the service's own check (and its
    message) without being read whole."""

    def parse(self, stream, media_type=None, parser_context=None):
        filename = self.get_filename(stream, media_type, parser_context or {})
        if not filename:
            raise exceptions.ParseError(UNNAMED_FILE)
        limit = settings.PROGRESS_EVIDENCE_MAX_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        upload = SimpleUploadedFile(filename, body, content_type=media_type or "")
        return parsers.DataAndFiles({}, {"file": upload})
