"""Bad input gets a message on the field and saves nothing; never a 500.

One test (or a few) per item of the bad-input issue, through real requests with the
cast: null characters (8), an unbounded search (9), overlong usernames (10), invalid
UTF-8 (11), overlong texts and passwords (12), years and dates out of range (13),
duplicates (14) and constraint messages in words (15).
"""

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.db import connection, models
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from governance.models import User
from targets import selectors, services
from targets.models import (
    Consultation,
    FollowedIndicator,
    Framework,
    PrioritisedTarget,
    Target,
)
from tests.conftest import Cast, arrangement_version

PROJECT_DIR = Path(__file__).resolve().parents[1]
NULL_REFUSED = "Null characters are not allowed."


def page_data(response) -> dict:
    """What the browser sends back for the form of the page as opened."""
    data = {}
    for bound_field in response.context["form"]:
        value = bound_field.value()
        if isinstance(bound_field.field.widget, forms.CheckboxInput):
            value = "on" if value else None
        elif value is None:
            value = ""
        elif isinstance(value, models.Model):
            value = value.pk
        elif isinstance(value, list | tuple | models.QuerySet):
            value = [str(getattr(item, "pk", item)) for item in value]
        else:
            value = str(value)  # a country, a date, a number: as the page shows it
        if value is not None:
            data[bound_field.html_name] = value
    return data


def field_errors(response, name: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(name, [])]


def signed_in(client, user):
    client.force_login(user)
    return client


def prioritised(cast: Cast, code: str = "10.7") -> PrioritisedTarget:
    return services.prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code=code),
        rationale="Labour migration governance",
    )


def framework_in_plan_a(cast: Cast, name: str = "Labour Migration Policy") -> Framework:
    return services.framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name=name, kind="policy_framework", level="national"),
    )


def framework_form(client, cast: Cast, **values):
    url = reverse("framework_create", kwargs={"pk": cast.plan_a.pk})
    data = page_data(client.get(url))
    data.update({"name": "National Migration Policy", "kind": "policy_framework"})
    data.update({"level": "national", **values})
    return client.post(url, data)


# --- 8. null characters ------------------------------------------------------------------


def test_a_null_character_in_the_catalogue_search_is_a_message_on_the_search(
    client, cast, catalogue
):
    response = client.get("/catalogue/?q=abc%00")

    assert response.status_code == 200
    assert NULL_REFUSED in field_errors(response, "q")


def test_a_null_character_in_the_target_picker_search_is_a_message_on_the_search(
    client, cast, catalogue
):
    signed_in(client, cast.coordinator_a)
    url = reverse("prioritised_target_add", kwargs={"pk": cast.plan_a.pk})

    response = client.get(f"{url}?q=abc%00")

    assert response.status_code == 200
    assert NULL_REFUSED in response.context["search"].errors["q"]
    assert NULL_REFUSED in response.content.decode()


def test_a_null_character_in_a_text_field_is_refused_and_nothing_is_saved(client, cast, catalogue):
    signed_in(client, cast.coordinator_a)

    response = framework_form(client, cast, name="Migration\x00 Policy")

    assert response.status_code == 200
    assert NULL_REFUSED in field_errors(response, "name")
    assert not Framework.objects.exists()


# --- 9. a bounded search -----------------------------------------------------------------


def test_a_search_of_too_many_words_is_refused_with_a_message(client, cast, catalogue):
    words = " ".join(f"word{number}" for number in range(400))

    catalogue_page = client.get(reverse("catalogue"), {"q": words[:190]})
    signed_in(client, cast.coordinator_a)
    picker = client.get(
        reverse("prioritised_target_add", kwargs={"pk": cast.plan_a.pk}), {"q": words[:190]}
    )

    message = f"Search with at most {selectors.SEARCH_MAX_WORDS} different words."
    assert catalogue_page.status_code == 200
    assert message in field_errors(catalogue_page, "q")
    assert picker.status_code == 200
    assert message in picker.context["search"].errors["q"]


def test_a_search_too_long_is_refused_with_a_message(client, cast, catalogue):
    response = client.get(reverse("catalogue"), {"q": "migration " * 30})

    assert response.status_code == 200
    assert f"Search with at most {selectors.SEARCH_MAX_LENGTH} characters." in field_errors(
        response, "q"
    )


def test_the_search_itself_stops_at_its_bound_whoever_calls_it(catalogue):
    first_words = "migration remittances labour"
    flood = f"{first_words} " + " ".join(f"word{number}" for number in range(400))

    bounded = selectors.catalogue_targets(query=first_words + "\x00")

    assert list(bounded) == list(selectors.catalogue_targets(query=first_words))
    assert str(selectors.catalogue_targets(query=flood).query).count("EXISTS") <= (
        selectors.SEARCH_MAX_WORDS
    )


def test_postgresql_gets_a_statement_timeout_below_the_worker_timeout():
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "msd_planner.settings.test",
        "DATABASE_URL": "postgres://planner@db.example:5432/planner",
    }
    environment.pop("DATABASE_STATEMENT_TIMEOUT", None)
    read = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"

    printed = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", read],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "-c statement_timeout=20000" in printed  # 20 s, below gunicorn's 30 s


@pytest.mark.django_db
def test_the_statement_timeout_is_set_on_postgresql_connections():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no statement timeout")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "20s"


# --- 10. usernames longer than an account's ----------------------------------------------


def test_an_invited_email_longer_than_a_username_is_refused(client, cast, catalogue):
    signed_in(client, cast.administrator)
    email = "a" * 184 + "@example.org"  # 196 characters; a username holds 150
    before = User.objects.count()

    response = client.post(
        reverse("user_invite"),
        {
            "email": email,
            "first_name": "Ama",
            "last_name": "Mensah",
            "organisation": cast.ministry_x.pk,
            "role": "editor",
        },
    )

    assert response.status_code == 200
    assert "Enter an email address of at most 150 characters." in field_errors(response, "email")
    assert User.objects.count() == before


def test_a_login_username_of_300_characters_is_refused_before_authentication(
    client, cast, catalogue
):
    response = client.post(reverse("login"), {"username": "u" * 300, "password": "whatever"})

    assert response.status_code == 200
    assert "A username has at most 150 characters." in field_errors(response, "username")


# --- 11. invalid UTF-8 --------------------------------------------------------------------


def test_a_form_body_that_is_not_utf8_is_answered_400_and_nothing_is_saved(client, cast, catalogue):
    signed_in(client, cast.coordinator_a)
    url = reverse("framework_create", kwargs={"pk": cast.plan_a.pk})

    response = client.post(
        url,
        b"name=Caf%E9+policy&kind=policy_framework&level=national",
        content_type="application/x-www-form-urlencoded",
    )
    raw = client.post(
        url,
        b"name=Caf\xe9&kind=policy_framework&level=national",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert b"not valid UTF-8" in response.content
    assert raw.status_code == 400
    assert not Framework.objects.exists()


def test_a_query_string_that_is_not_utf8_is_answered_400(client, db):
    response = client.get("/catalogue/?q=caf%E9")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response.headers  # an error page like the others
    assert client.get("/catalogue/?q=caf%C3%A9").status_code == 200  # café, in UTF-8


# --- 12. texts and passwords of a sane length --------------------------------------------


def test_a_rationale_longer_than_its_limit_is_refused(client, cast, catalogue):
    item = prioritised(cast)
    signed_in(client, cast.coordinator_a)
    url = reverse("prioritised_target_edit", kwargs={"pk": cast.plan_a.pk, "item_pk": item.pk})
    data = page_data(client.get(url))
    limit = PrioritisedTarget._meta.get_field("rationale").max_length

    response = client.post(url, {**data, "rationale": "x" * (limit + 1)})

    assert response.status_code == 200
    assert any(
        f"at most {limit:,}" in message or f"at most {limit}" in message
        for message in field_errors(response, "rationale")
    )
    item.refresh_from_db()
    assert item.rationale == "Labour migration governance"


def test_every_free_text_column_has_a_length(db):
    from django.apps import apps

    unbounded = [
        f"{model.__name__}.{field.name}"
        for app in ("governance", "targets", "action_plans", "interventions", "funding")
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.concrete_fields
        if isinstance(field, models.TextField)
        and field.editable
        and field.max_length is None
        and model.__name__ not in {"Goal", "Target", "Indicator"}  # the loaded catalogue
    ]
    assert unbounded == []


LONG_PASSWORD = "Correct horse battery staple! " * 5  # 150 characters
PASSWORD_TOO_LONG = "Use a password of at most 128 characters."


def test_a_password_too_long_is_refused_on_accepting_an_invitation(
    client, cast, catalogue, django_capture_on_commit_callbacks
):
    signed_in(client, cast.administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("user_invite"),
            {
                "email": "new.editor@example.org",
                "first_name": "Ama",
                "last_name": "Mensah",
                "organisation": cast.ministry_x.pk,
                "role": "editor",
            },
        )
    client.logout()
    link = next(word for word in mail.outbox[-1].body.split() if "/invitations/" in word)
    path = "/" + link.split("/", 3)[3]

    response = client.post(path, {"password1": LONG_PASSWORD, "password2": LONG_PASSWORD})

    assert response.status_code == 200
    assert PASSWORD_TOO_LONG in field_errors(response, "password1")
    assert not User.objects.get(username="new.editor@example.org").has_usable_password()


def test_a_password_too_long_is_refused_on_changing_it(client, cast, catalogue):
    user = cast.editor_x
    user.set_password("An old password 2019")
    user.save()
    signed_in(client, user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": "An old password 2019",
            "new_password1": LONG_PASSWORD,
            "new_password2": LONG_PASSWORD,
        },
    )

    assert response.status_code == 200
    assert PASSWORD_TOO_LONG in field_errors(response, "new_password1")
    user.refresh_from_db()
    assert user.check_password("An old password 2019")


def test_a_password_too_long_is_refused_after_a_reset_link(client, cast, catalogue):
    user = cast.editor_x
    user.set_password("An old password 2019")
    user.save()
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)},
    )
    form_url = client.get(link)["Location"]  # Django swaps the token for a session key

    response = client.post(
        form_url, {"new_password1": LONG_PASSWORD, "new_password2": LONG_PASSWORD}
    )

    assert response.status_code == 200
    assert PASSWORD_TOO_LONG in field_errors(response, "new_password1")
    user.refresh_from_db()
    assert user.check_password("An old password 2019")


# --- 13. years and dates in range ---------------------------------------------------------


@pytest.mark.parametrize("year", [0, 1800, 10000])
def test_a_framework_year_out_of_range_is_refused(client, cast, catalogue, year):
    signed_in(client, cast.coordinator_a)

    response = framework_form(client, cast, period_start_year=year)

    assert response.status_code == 200
    assert "Enter a year from 1900 to 2100." in field_errors(response, "period_start_year")
    assert not Framework.objects.exists()


def test_a_consultation_dated_before_1990_is_refused(client, cast, catalogue):
    signed_in(client, cast.coordinator_a)
    url = reverse("consultation_create", kwargs={"pk": cast.plan_a.pk})
    data = page_data(client.get(url))
    data.update(
        held_on="0001-01-01",
        kind="review_workshop",
        title="Review workshop",
        organisations=[cast.lead_ministry.pk],
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Enter a date from 1 January 1990." in field_errors(response, "held_on")
    assert not Consultation.objects.exists()


# --- 14. duplicates -----------------------------------------------------------------------


def _add_proxy(client, cast, item, name):
    url = reverse("followed_indicator_add", kwargs={"pk": cast.plan_a.pk, "item_pk": item.pk})
    return client.post(url, {"indicator": "", "proxy_name": name, "proxy_unit": "%"})


def test_the_same_proxy_indicator_twice_on_a_target_is_refused(client, cast, catalogue):
    item = prioritised(cast)
    signed_in(client, cast.coordinator_a)
    assert _add_proxy(client, cast, item, "Share of migrants employed").status_code == 302

    response = _add_proxy(client, cast, item, "share of MIGRANTS employed")

    assert response.status_code == 200
    assert "A national proxy indicator with this name is already followed." in field_errors(
        response, "proxy_name"
    )
    assert FollowedIndicator.objects.filter(prioritised_target=item).count() == 1


def test_a_proxy_added_twice_in_a_race_gets_the_same_message(client, cast, catalogue, monkeypatch):
    item = prioritised(cast)
    signed_in(client, cast.coordinator_a)
    _add_proxy(client, cast, item, "Share of migrants employed")
    # The other request saved between this one's check and its save.
    monkeypatch.setattr(services, "_already_followed", lambda followed: False)

    response = _add_proxy(client, cast, item, "Share of migrants employed")

    assert response.status_code == 200
    assert "A national proxy indicator with this name is already followed." in field_errors(
        response, "proxy_name"
    )
    assert FollowedIndicator.objects.filter(prioritised_target=item).count() == 1


def test_the_same_framework_twice_in_a_plan_is_refused(client, cast, catalogue):
    framework_in_plan_a(cast, name="National Migration Policy")
    signed_in(client, cast.coordinator_a)

    response = framework_form(client, cast, name="national migration POLICY")

    assert response.status_code == 200
    assert "A framework of this kind with this name is already in the plan." in field_errors(
        response, "name"
    )
    assert Framework.objects.count() == 1


def test_a_framework_renamed_into_a_twin_in_a_race_gets_the_same_message(
    client, cast, catalogue, monkeypatch
):
    framework_in_plan_a(cast, name="National Migration Policy")
    other = framework_in_plan_a(cast, name="Labour Migration Policy")
    signed_in(client, cast.coordinator_a)
    url = reverse("framework_edit", kwargs={"pk": cast.plan_a.pk, "framework_pk": other.pk})
    data = page_data(client.get(url))
    monkeypatch.setattr(services, "_framework_fits", lambda framework, changed=None: None)

    response = client.post(url, {**data, "name": "National migration policy"})

    assert response.status_code == 200
    assert "A framework of this kind with this name is already in the plan." in field_errors(
        response, "name"
    )
    other.refresh_from_db()
    assert other.name == "Labour Migration Policy"


# --- 15. constraint messages in words; ranks from 1 --------------------------------------


def test_rank_0_is_refused_in_words(client, cast, catalogue):
    item = prioritised(cast)
    signed_in(client, cast.coordinator_a)
    url = reverse("prioritised_target_edit", kwargs={"pk": cast.plan_a.pk, "item_pk": item.pk})
    data = page_data(client.get(url))

    response = client.post(url, {**data, "rank_override": "0", "rank_override_reason": ""})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ranks start at 1." in field_errors(response, "rank_override")
    assert "Say why you set the rank by hand." in field_errors(response, "rank_override_reason")
    assert "Constraint “" not in page
    item.refresh_from_db()
    assert item.rank_override is None


def test_a_period_backwards_is_told_in_words_on_the_field(client, cast, catalogue):
    signed_in(client, cast.coordinator_a)

    response = framework_form(client, cast, period_start_year=2020, period_end_year=2010)

    assert response.status_code == 200
    assert "The period cannot end before it starts." in field_errors(response, "period_end_year")
    assert "framework_period_ends_after_it_starts" not in response.content.decode()
    assert not Framework.objects.exists()


def test_every_constraint_has_a_message_in_words():
    from django.apps import apps

    default = models.CheckConstraint.default_violation_error_message
    silent = [
        f"{model.__name__}.{constraint.name}"
        for app in ("governance", "targets", "action_plans", "interventions", "funding")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
        if constraint.violation_error_message in (None, default)
    ]
    assert silent == []


def test_a_lead_arrangement_note_too_long_is_refused(client, cast, catalogue):
    signed_in(client, cast.coordinator_a)
    url = reverse("lead_arrangement_edit", kwargs={"pk": cast.plan_a.pk})
    data = page_data(client.get(url))
    version = arrangement_version(cast.plan_a)

    response = client.post(url, {**data, "notes": "n" * 5001})

    assert response.status_code == 200
    assert field_errors(response, "notes")
    assert arrangement_version(cast.plan_a) == version


def test_a_consultation_in_the_future_is_still_refused(client, cast, catalogue):
    signed_in(client, cast.coordinator_a)
    url = reverse("consultation_create", kwargs={"pk": cast.plan_a.pk})
    data = page_data(client.get(url))
    data.update(
        held_on=date(date.today().year + 2, 1, 1).isoformat(),
        kind="review_workshop",
        title="Review workshop",
        organisations=[cast.lead_ministry.pk],
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert field_errors(response, "held_on")
    assert not Consultation.objects.exists()
