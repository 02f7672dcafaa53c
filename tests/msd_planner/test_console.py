"""What the server console shows: one line per refused request, no 404 for the icon."""

import logging

import pytest
from django.urls import reverse


def _warnings(caplog) -> list[str]:
    return [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.WARNING
    ]


@pytest.mark.parametrize(
    ("username", "url_name", "status", "action"),
    [
        ("viewer_x", "plan_edit", 403, "change"),  # may see the plan, not change it
        ("coordinator_b", "plan_detail", 404, "view"),  # may not see plan A at all
    ],
)
def test_a_refused_request_logs_one_line_with_who_what_and_where(
    client, cast, caplog, username, url_name, status, action
):
    client.force_login(cast.user(username))
    url = reverse(url_name, args=[cast.plan_a.pk])

    with caplog.at_level(logging.INFO):
        caplog.handler.setLevel(logging.INFO)
        security = logging.getLogger("msd_planner.security")
        security.addHandler(caplog.handler)  # it does not propagate to the root logger
        try:
            response = client.get(url, REMOTE_ADDR="10.1.2.3")
        finally:
            security.removeHandler(caplog.handler)

    assert response.status_code == status
    assert _warnings(caplog) == [
        f"msd_planner.security: authorisation refused: user={username} action={action} "
        f"object=plan {cast.plan_a.pk} path={url} ip=10.1.2.3"
    ]
    assert "Traceback" not in caplog.text


def test_a_page_that_does_not_exist_is_still_logged_by_django(client, cast, caplog):
    client.force_login(cast.viewer_x)
    with caplog.at_level(logging.INFO):
        assert client.get("/no-such-page/").status_code == 404
    assert _warnings(caplog) == ["django.request: Not Found: /no-such-page/"]


def test_the_icon_is_linked_from_every_page_and_answers_at_favicon_ico(db, client, caplog):
    page = client.get(reverse("catalogue")).content.decode()
    with caplog.at_level(logging.INFO):
        answer = client.get("/favicon.ico")
        icon = client.get(answer.headers["Location"])

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert answer.status_code == 302
    assert icon.status_code == 200
    assert icon.headers["Content-Type"] == "image/svg+xml"
    assert b"<svg" in b"".join(icon.streaming_content)
    assert _warnings(caplog) == []
