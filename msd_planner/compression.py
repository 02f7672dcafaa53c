"""Pages leave the app gzip-compressed; files that are compressed already leave as they are.

Django's ``GZipMiddleware`` compresses whatever it is handed, streamed files included: a
PDF, a workbook (a zip) or an image would be compressed a second time, for a few bytes
at most, on every download, and lose its Content-Length. This one compresses text only
(HTML, CSV, JSON, JavaScript, SVG…) and hands every other response on untouched.

BREACH (guessing a secret in a compressed page from the size of the answers): Django's
middleware adds a random number of bytes (up to 100) to each compressed response
("Heal the BREACH"), the CSRF token in a page is masked anew in every response, and the
CSP nonce is new in every response; the session key is never in a page.
"""

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

TEXT_MEDIA_TYPES = frozenset(
    {"application/json", "application/javascript", "application/xml", "application/xhtml+xml"}
)


def is_text(content_type: str) -> bool:
    """Whether a response of ``content_type`` is text, which gzip makes much smaller."""
    media_type = content_type.split(";", 1)[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in TEXT_MEDIA_TYPES
        or media_type.endswith(("+xml", "+json"))
    )


class TextGZipMiddleware(GZipMiddleware):
    """Django's ``GZipMiddleware`` for text responses only (see the module's docstring)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not is_text(response.get("Content-Type", "")):
            return response
        return super().process_response(request, response)
