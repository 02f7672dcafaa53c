"""Pages go out gzip-compressed to a browser that accepts it; files (PDFs, workbooks,
static files) go out as they are. Under the production settings' middleware, over HTTPS."""

import gzip
import importlib
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from action_plans.models import DocumentStatus, PlanDocument, PlanVersion

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
# What a page draws anew for every response: the CSP nonce and the masked CSRF token.
PER_RESPONSE = re.compile(rb'(nonce="|name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


@pytest.fixture
def production_like(settings, monkeypatch, tmp_path):
    """The production settings' middleware and HTTPS rules (the test settings keep their
    static files, which need no collectstatic)."""
    monkeypatch.setenv("SECRET_KEY", "a-production-key-for-this-test-only-" + "x1y2z3" * 8)
    monkeypatch.setenv("ALLOWED_HOSTS", "planner.example.org")
    production = importlib.import_module("msd_planner.settings.production")
    for name in (
        "MIDDLEWARE",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
    ):
        setattr(settings, name, getattr(production, name))
    settings.MEDIA_ROOT = tmp_path / "media"
    return production


@pytest.fixture
def coordinator(client, cast, production_like):
    client.force_login(cast.coordinator_a)
    return client


def _same_page(first: bytes, second: bytes) -> bool:
    return PER_RESPONSE.sub(rb"\1-", first) == PER_RESPONSE.sub(rb"\1-", second)


def test_a_page_is_compressed_for_a_browser_that_accepts_gzip(coordinator, cast):
    url = reverse("plan_detail", args=[cast.plan_a.pk])

    compressed = coordinator.get(url, secure=True, **GZIP)
    plain = coordinator.get(url, secure=True)

    assert compressed.status_code == 200
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert int(compressed["Content-Length"]) == len(compressed.content)
    html = gzip.decompress(compressed.content)
    assert len(compressed.content) < len(html) / 3
    assert _same_page(html, plain.content)
    assert b"Plan A" in html
    # the page's other headers are still there
    assert "script-src" in compressed["Content-Security-Policy"]
    assert compressed["Cache-Control"] == "private, no-store"


def test_a_page_is_not_compressed_for_a_client_that_does_not_ask(coordinator, cast):
    response = coordinator.get(reverse("plan_detail", args=[cast.plan_a.pk]), secure=True)

    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "Accept-Encoding" in response["Vary"]  # a shared cache keeps the two apart
    assert response.content.lstrip().lower().startswith(b"<!doctype html>")


def test_compressed_pages_differ_in_length_against_breach(coordinator, cast):
    url = reverse("plan_detail", args=[cast.plan_a.pk])
    lengths = {len(coordinator.get(url, secure=True, **GZIP).content) for _ in range(8)}
    assert len(lengths) > 1


def test_a_pdf_download_is_streamed_untouched(coordinator, cast):
    version = PlanVersion.objects.create(
        plan=cast.plan_a, major=1, minor=0, status="withdrawn", submitted_at=timezone.now()
    )
    pdf = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 400 + b"%%EOF\n"
    document = PlanDocument(plan=cast.plan_a, version=version, status=DocumentStatus.READY)
    document.file.save("plan.pdf", ContentFile(pdf))

    response = coordinator.get(
        reverse("version_document", args=[cast.plan_a.pk, version.pk]), secure=True, **GZIP
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Encoding" not in response
    assert int(response["Content-Length"]) == len(pdf)
    assert b"".join(response.streaming_content) == pdf


def test_the_workbook_is_not_compressed_again_and_the_csv_is(coordinator, cast, ready):
    def export(file_format):
        url = reverse("funding_export", kwargs={"pk": cast.plan_a.pk, "file_format": file_format})
        return coordinator.get(url, secure=True, **GZIP)

    def body(response) -> bytes:  # the exports are streamed
        return b"".join(response.streaming_content) if response.streaming else response.content

    workbook = export("xlsx")
    assert workbook.status_code == 200
    assert "Content-Encoding" not in workbook
    assert body(workbook).startswith(b"PK")  # the zip an XLSX file is
    table = export("csv")
    assert table.status_code == 200
    assert table["Content-Encoding"] == "gzip"
    assert "Fair recruitment" in gzip.decompress(body(table)).decode("utf-8-sig")


def test_static_files_keep_their_etag_and_answer_not_modified(client, production_like):
    url = "/static/bootstrap/css/bootstrap.min.css"
    first = client.get(url, secure=True, **GZIP)
    assert first.status_code == 200
    etag = first["ETag"]
    body = b"".join(first.streaming_content)
    css = gzip.decompress(body) if first.get("Content-Encoding") == "gzip" else body
    assert b"Bootstrap" in css[:200]  # compressed once at most (by WhiteNoise, not twice)

    again = client.get(url, secure=True, HTTP_IF_NONE_MATCH=etag, **GZIP)

    assert again.status_code == 304
