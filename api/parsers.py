"""The API reads JSON objects only, of a bounded size."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
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
