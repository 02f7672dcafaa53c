"""Files that live beyond one machine: two web processes, a Celery worker and beat,
started from the Procfile by honcho, sharing nothing but PostgreSQL, Redis and an S3-compatible
object store (moto in server mode), each with an empty MEDIA_ROOT of its own.

A coordinator signed in over HTTP asks web process A for a version's PDF; the worker
renders it into the bucket; web process B serves it. The bytes must hash to the
checksum recorded beside the file, and no process may have written to its own disk.
"""

import contextlib
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import boto3
import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse
from moto.server import ThreadedMotoServer

from action_plans import workflow
from action_plans.models import DocumentStatus, PlanDocument
from tests.action_plans.test_documents import _redis_reachable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="processes need a shared PostgreSQL database"
    ),
    pytest.mark.skipif(not _redis_reachable(), reason="needs Redis on 127.0.0.1:6379"),
]
ROOT = Path(__file__).resolve().parents[1]
BUCKET = "msd-plan-documents"
PASSWORD = "a-coordinator's-passphrase"
SECRET_KEY = "multi-process-test-key-shared-by-every-process-0123456789-abcdef"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    database = connection.settings_dict
    password = f":{quote(database['PASSWORD'], safe='')}" if database.get("PASSWORD") else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


class Processes:
    """Procfile entries started by honcho, each in a process group of its own, with a
    log file each; all stopped (TERM, then KILL) by ``stop``."""

    def __init__(self, folder: Path, environment: dict[str, str]):
        self.folder, self.environment = folder, environment
        self.started: list[tuple[str, subprocess.Popen, Path]] = []
        self.no_env_file = folder / "empty.env"  # not the developer's .env
        self.no_env_file.write_text("")

    def start(self, name: str, entry: str, media: Path, port: int | None = None) -> None:
        log = self.folder / f"{name}.log"
        command = [
            sys.executable, "-m", "honcho", "start", "--no-colour",
            "-f", str(ROOT / "Procfile"), "-d", str(ROOT), "-e", str(self.no_env_file),
            "-p", str(port or _free_port()), entry,
        ]  # fmt: skip
        process = subprocess.Popen(  # noqa: S603 - a fixed command
            command,
            cwd=ROOT,
            env={**self.environment, "MEDIA_ROOT": str(media)},
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.started.append((name, process, log))

    def check_alive(self) -> None:
        for name, process, _log in self.started:
            if process.poll() is not None:
                raise AssertionError(f"{name} stopped ({process.returncode}):\n{self.logs()}")

    def logs(self) -> str:
        return "\n".join(
            f"--- {name}\n{log.read_text(errors='replace')[-3000:]}"
            for name, _process, log in self.started
        )

    def stop(self) -> None:
        for _name, process, _log in self.started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)  # honcho stops its children
        for _name, process, _log in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # whatever is left of the group
            process.wait(timeout=10)


def _wait_until(condition, seconds: float, processes: Processes, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        processes.check_alive()
        result = condition()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError(f"{what}: not within {seconds} s\n{processes.logs()}")


def _answers(base: str) -> bool:
    try:
        return requests.get(f"{base}{reverse('login')}", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _sign_in(base: str, username: str) -> requests.Session:
    browser = requests.Session()
    login = f"{base}{reverse('login')}"
    assert browser.get(login, timeout=10).status_code == 200
    response = browser.post(
        login,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        headers={"Referer": login},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:2000]
    return browser


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def test_a_pdf_asked_of_one_web_process_is_rendered_by_the_worker_and_served_by_another(
    cast, ready, tmp_path
):
    coordinator = cast.coordinator_a
    # Hashed as the web processes' settings check it (the test settings' MD5 is not one).
    hasher = PBKDF2PasswordHasher()
    coordinator.password = hasher.encode(PASSWORD, hasher.salt())
    coordinator.save(update_fields=["password"])
    version = workflow.plan_submit(actor=coordinator, plan=cast.plan_a)

    store = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    store.start()
    host, store_port = store.get_host_and_port()
    endpoint = f"http://{host}:{store_port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)

    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        # Local settings with DEBUG off: production's cookies are Secure (HTTPS only).
        "DJANGO_SETTINGS_MODULE": "msd_planner.settings.local",
        "DEBUG": "false",
        # What is tested here is where the files live; two-factor sign-in has its own tests.
        "TWO_FACTOR_REQUIRED": "false",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "STORAGE_BACKEND": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
        "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "celerybeat-schedule"),
    }
    media = {name: tmp_path / f"media-{name}" for name in ("a", "b", "worker")}
    for folder in media.values():
        folder.mkdir()
    ports = {"a": _free_port(), "b": _free_port()}
    processes = Processes(tmp_path, environment)
    try:
        processes.start("web-a", "web", media["a"], ports["a"])
        processes.start("web-b", "web", media["b"], ports["b"])
        processes.start("worker", "worker", media["worker"])
        processes.start("beat", "beat", media["worker"])  # the Procfile's third process
        web_a, web_b = (f"http://127.0.0.1:{ports[name]}" for name in ("a", "b"))
        for base in (web_a, web_b):
            _wait_until(lambda base=base: _answers(base), 60, processes, f"{base} to answer")

        url = reverse("version_document", args=[cast.plan_a.pk, version.pk])
        asking = _sign_in(web_a, coordinator.username)
        asked = asking.post(
            f"{web_a}{url}",
            headers={"X-CSRFToken": asking.cookies["csrftoken"], "Referer": f"{web_a}{url}"},
            allow_redirects=False,
            timeout=20,
        )
        assert asked.status_code == 302, asked.text[:2000]
        state = reverse("version_document_state", args=[cast.plan_a.pk, version.pk])
        assert asked.headers["Location"] == state, "the PDF was asked for, nothing else"

        document = _wait_until(
            lambda: PlanDocument.objects.filter(
                version=version, status__in=[DocumentStatus.READY, DocumentStatus.FAILED]
            ).first(),
            120,
            processes,
            "the worker to render the PDF",
        )
        assert document.status == DocumentStatus.READY, document.error

        downloading = _sign_in(web_b, coordinator.username)
        response = downloading.get(f"{web_b}{url}", allow_redirects=False, timeout=30)
        assert response.status_code == 200, response.text[:2000]
        assert response.headers["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
        assert hashlib.sha256(response.content).hexdigest() == document.checksum
        assert len(response.content) == document.size

        stored = s3.get_object(Bucket=BUCKET, Key=document.file.name)["Body"].read()
        assert hashlib.sha256(stored).hexdigest() == document.checksum
        for name, folder in media.items():
            assert _files_under(folder) == [], f"{name} wrote to its own disk"
    finally:
        processes.stop()
        store.stop()
