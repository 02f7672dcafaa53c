"""HTML to PDF, safely: WeasyPrint with a URL fetcher that serves the app's own static
files and small inline images, and refuses everything else.

Text a user typed reaches the document escaped, but a renderer that follows URLs could
still be pointed at a file (``file:///etc/passwd``) or the network (the cloud's metadata
address, a service on loopback) by CSS, an image or a link. The fetcher never opens a
URL: it reads static files through Django's finders and decodes small ``data:`` images;
any other URL raises, and WeasyPrint leaves the resource out.

The print stylesheet (``static/css/pdf.css``) and the font configuration are read once
per process and kept (a render then starts at its layout), and read again when the
stylesheet's file changes.
"""

import base64
import binascii
import gc
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

# The documents' own base: relative URLs (the stylesheet) resolve under it, and nothing
# under it is ever fetched over the network.
BASE_URL = "https://document.msd-planner.invalid/"
STATIC_PREFIX = BASE_URL + settings.STATIC_URL.lstrip("/")
DATA_IMAGE_LIMIT = 256 * 1024  # bytes, decoded
DATA_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/svg+xml"})
PRINT_STYLESHEET = "css/pdf.css"  # a static file


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
    """The PDF of ``html`` laid out with the print stylesheet (bytes), its number of
    pages, and the URLs refused."""
    stylesheet, fonts = print_setup()
    fetcher = SafeFetcher()
    with _collector_paused():
        pdf, pages = _render(html, fetcher, stylesheet, fonts)
    return pdf, pages, fetcher.refused


def _render(
    html: str, fetcher: SafeFetcher, stylesheet: CSS, fonts: FontConfiguration
) -> tuple[bytes, int]:
    # The laid-out document is freed when this returns: only the PDF's bytes remain.
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(
        stylesheets=[stylesheet], font_config=fonts
    )
    return document.write_pdf(), len(document.pages)


def print_setup() -> tuple[CSS, FontConfiguration]:
    """The parsed print stylesheet and the font configuration it was parsed with, kept
    for the process while the stylesheet's file stays as it is."""
    path = finders.find(PRINT_STYLESHEET)
    if not path:
        raise FileNotFoundError(f"no static file {PRINT_STYLESHEET}")
    return _parsed_print_setup(str(path), Path(path).stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _parsed_print_setup(path: str, modified: int) -> tuple[CSS, FontConfiguration]:
    fonts = FontConfiguration()
    stylesheet = CSS(
        string=Path(path).read_text(encoding="utf-8"),
        base_url=STATIC_PREFIX + PRINT_STYLESHEET,
        url_fetcher=SafeFetcher(),  # what the stylesheet links to is fetched as safely
        font_config=fonts,
    )
    return stylesheet, fonts


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while WeasyPrint works, and one collection
    after: a layout allocates millions of small objects, and the collector's passes over
    them, triggered by the allocations, cost a long document a fifth of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.collect()
