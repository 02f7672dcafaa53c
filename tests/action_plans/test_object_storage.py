"""The PDFs in an S3-compatible object store (STORAGE_BACKEND=s3): rendered into the
bucket, downloaded through the app from it, never written to MEDIA_ROOT.

In process here, against moto's in-memory S3; tests/test_multi_process.py does the same
with real processes that share nothing but the database, Redis and the store."""

import hashlib

import boto3
import pytest
from django.test import override_settings
from django.urls import reverse
from moto import mock_aws

from action_plans import documents, workflow
from action_plans.models import DocumentStatus, PlanDocument
from msd_planner.lib.env import S3_STORAGE

BUCKET = "msd-plan-documents"


@pytest.fixture
def bucket(settings, tmp_path, monkeypatch):
    """An empty bucket in moto's in-memory S3, as the default storage; MEDIA_ROOT an
    empty folder that must stay so."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": S3_STORAGE,
                "OPTIONS": {
                    "bucket_name": BUCKET,
                    "region_name": "us-east-1",
                    "access_key": "testing",
                    "secret_key": "testing",
                    "default_acl": None,
                    "file_overwrite": True,
                },
            },
        }
        with override_settings(STORAGES=storages):
            yield s3


def _keys(s3) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_version_is_rendered_into_the_bucket_and_downloaded_from_it(
    client, cast, ready, bucket, settings
):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    document = PlanDocument.objects.create(plan=cast.plan_a, version=version)
    documents.document_render(document.pk)
    PlanDocument.objects.filter(pk=document.pk).update(status=DocumentStatus.RENDERING)
    documents.document_render(document.pk)  # redone after a crash: the same object
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    assert _keys(bucket) == [document.file.name]
    stored = bucket.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == document.checksum

    client.force_login(cast.viewer_x)
    response = client.get(reverse("version_document", args=[cast.plan_a.pk, version.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    downloaded = b"".join(response.streaming_content)
    assert hashlib.sha256(downloaded).hexdigest() == document.checksum
    assert int(response["Content-Length"]) == document.size
    assert list(settings.MEDIA_ROOT.iterdir()) == []


def test_a_preview_rendered_again_replaces_its_object(client, cast, ready, bucket):
    client.force_login(cast.coordinator_a)
    for _ in range(2):
        documents.document_render(documents.document_request(plan=cast.plan_a, version=None).pk)
    preview = PlanDocument.objects.get(plan=cast.plan_a, version=None)
    assert _keys(bucket) == [preview.file.name]
    pdf = b"".join(client.get(reverse("plan_preview", args=[cast.plan_a.pk])).streaming_content)
    assert hashlib.sha256(pdf).hexdigest() == preview.checksum
