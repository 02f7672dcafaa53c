"""Where the rendered PDFs are kept: the filesystem by default, an S3-compatible bucket
with STORAGE_BACKEND=s3, and a configuration that says one thing and means another
refused with one line."""

import subprocess
import sys
from pathlib import Path

import pytest

from msd_planner.lib.env import (
    FILESYSTEM_STORAGE,
    S3_STORAGE,
    ConfigurationError,
    env_file_storage,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
STORAGE_VARIABLES = [
    "STORAGE_BACKEND",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ADDRESSING_STYLE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_QUERYSTRING_AUTH",
    "AWS_LOCATION",
]


@pytest.fixture(autouse=True)
def _no_storage_environment(monkeypatch):
    for name in STORAGE_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_the_filesystem_is_the_default():
    assert env_file_storage() == {"BACKEND": FILESYSTEM_STORAGE}


def test_s3_takes_every_option_from_the_environment(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "S3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "plan-documents")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "https://objects.example.org")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "eu-west-3")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "path")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key-id")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_QUERYSTRING_AUTH", "false")
    monkeypatch.setenv("AWS_LOCATION", "/msd/")
    assert env_file_storage() == {
        "BACKEND": S3_STORAGE,
        "OPTIONS": {
            "bucket_name": "plan-documents",
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": True,
            "location": "msd",
            "endpoint_url": "https://objects.example.org",
            "region_name": "eu-west-3",
            "addressing_style": "path",
            "access_key": "key-id",
            "secret_key": "secret",
        },
    }


def test_s3_without_keys_leaves_the_credentials_to_boto3(monkeypatch):
    monkeypatch.setenv("STORAGE_BACKEND", "s3")
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "plan-documents")
    options = env_file_storage()["OPTIONS"]
    assert "access_key" not in options and "endpoint_url" not in options
    assert options["querystring_auth"] is True  # a URL, were one ever made, is signed


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"STORAGE_BACKEND": "ftp"}, "STORAGE_BACKEND='ftp' is not one of filesystem, s3"),
        ({"STORAGE_BACKEND": "s3"}, "AWS_STORAGE_BUCKET_NAME is not set; it is required"),
        (
            {"AWS_STORAGE_BUCKET_NAME": "plan-documents"},
            "AWS_STORAGE_BUCKET_NAME is set but STORAGE_BACKEND is not s3",
        ),
        (
            {"STORAGE_BACKEND": "filesystem", "AWS_STORAGE_BUCKET_NAME": "plan-documents"},
            "AWS_STORAGE_BUCKET_NAME is set but STORAGE_BACKEND is not s3",
        ),
        (
            {
                "STORAGE_BACKEND": "s3",
                "AWS_STORAGE_BUCKET_NAME": "b",
                "AWS_S3_ENDPOINT_URL": "minio:9000",
            },
            "AWS_S3_ENDPOINT_URL='minio:9000' must be an http:// or https:// URL",
        ),
        (
            {
                "STORAGE_BACKEND": "s3",
                "AWS_STORAGE_BUCKET_NAME": "b",
                "AWS_S3_ADDRESSING_STYLE": "dns",
            },
            "AWS_S3_ADDRESSING_STYLE='dns' is not one of auto, path, virtual",
        ),
        (
            {"STORAGE_BACKEND": "s3", "AWS_STORAGE_BUCKET_NAME": "b", "AWS_ACCESS_KEY_ID": "k"},
            "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY go together",
        ),
    ],
)
def test_a_storage_configuration_that_cannot_work_is_refused(monkeypatch, environment, message):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=message):
        env_file_storage()


@pytest.mark.parametrize(
    "module", ["msd_planner.settings.local", "msd_planner.settings.production"]
)
def test_every_settings_module_keeps_its_files_where_the_environment_says(module):
    """production.py used to name FileSystemStorage itself, whatever the environment."""
    script = (
        "from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND']); "
        "print(settings.STORAGES['default']['OPTIONS']['bucket_name'])"
    )
    result = subprocess.run(  # noqa: S603 - a fixed command
        [sys.executable, "-c", script],
        cwd=PROJECT_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": module,
            "SECRET_KEY": "x7#kP2!vQ9zL$mR4wT8&nB1^cF6*hJ3@dG5(sA0)eY-uI_oW=Zr5%Lq2+Mv8",
            "ALLOWED_HOSTS": "planner.example.org",
            "STORAGE_BACKEND": "s3",
            "AWS_STORAGE_BUCKET_NAME": "plan-documents",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [S3_STORAGE, "plan-documents"]


def test_manage_py_stops_with_one_line_when_s3_has_no_bucket():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env={"PATH": "/usr/bin:/bin", "STORAGE_BACKEND": "s3"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "msd-planner: configuration error: AWS_STORAGE_BUCKET_NAME is not set; it is "
        "required when STORAGE_BACKEND=s3."
    ]
