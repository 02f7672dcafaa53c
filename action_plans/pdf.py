"""HTML to PDF, safely: WeasyPrint with a URL fetcher that serves the app's own static
files and small inline images, and refuses everything else.

Text a user typed reaches the document escaped, but a renderer that follows URLs could
still be pointed at a file (``file:///etc/passwd``) or the network (the cloud's metadata
address, a service on loopback) by CSS, an image or a link. The fetcher never opens a
URL: it reads static files through Django's finders and decodes small ``data:`` images;
any other URL raises, and WeasyPrint leaves the resource out.
"""

import base64
import binascii
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The documents' own base: relative URLs (the stylesheet) resolve under it, and nothing
# under it is ever fetched over the network.
BASE_URL = "https://document.msd-planner.invalid/"
STATIC_PREFIX = BASE_URL + settings.STATIC_URL.lstrip("/")
DATA_IMAGE_LIMIT = 256 * 1024  # bytes, decoded
DATA_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml"})


class Refused(ValueError):
    """A URL the renderer may not fetch."""


class SafeFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
    """Serves ``/static/…`` from the app's static files and small ``data:`` images;
    refuses every other URL (file, http(s) to any host, other data)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=set(), allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            if url.startswith("data:"):
                return self._data(url)
            if url.startswith(STATIC_PREFIX):
                return self._static(url)
            raise Refused(f"not fetched: {url[:200]}")
        except Refused:
            self.refused.append(url[:200])
            raise

    def _static(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        relative = unquote(parts.path)[len(urlsplit(STATIC_PREFIX).path) :]
        if not relative or ".." in Path(relative).parts:
            raise Refused(f"not a static file: {url}")
        found = finders.find(relative)
        if not found:
            raise Refused(f"no such static file: {url}")
        body = Path(found).read_bytes()
        content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[5:].partition(",")
        media_type = header.split(";")[0].strip().lower()
        if media_type not in DATA_IMAGE_TYPES:
            raise Refused("only small images are accepted inline")
        if header.endswith(";base64"):
            if len(payload) > DATA_IMAGE_LIMIT * 4 // 3 + 4:
                raise Refused("inline image too large")
            try:
                body = base64.b64decode(payload, validate=True)
            except (binascii.Error, ValueError) as error:
                raise Refused("malformed inline image") from error
        else:
            body = unquote(payload).encode()
        if len(body) > DATA_IMAGE_LIMIT:
            raise Refused("inline image too large")
        return URLFetcherResponse(url, body=body, headers={"Content-Type": media_type})


def html_to_pdf(html: str) -> tuple[bytes, int, list[str]]:
    """The PDF of ``html`` (bytes), its number of pages, and the URLs refused."""
    fetcher = SafeFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    return document.write_pdf(), len(document.pages), fetcher.refused
