import re

from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def test_signing_in_lands_on_the_plans_page(client, member):
    response = client.post(
        reverse("login"), {"username": "member", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert "Your plans" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_summary_and_the_username_kept(client, member):
    response = client.post(reverse("login"), {"username": "member", "password": "wrong"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Please enter a correct username and password" in page
    assert 'value="member"' in page
    assert "_auth_user_id" not in client.session


def test_pages_that_need_an_account_send_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_signing_out_takes_a_post_and_ends_the_session(client, member):
    client.force_login(member)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.url == reverse("login")
    assert client.get(reverse("home")).status_code == 302


def test_changing_the_password_enforces_the_validators(client, member):
    client.force_login(member)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert "This password is too short" in response.content.decode()

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "ministry-planning-2030",
            "new_password2": "ministry-planning-2030",
        },
    )
    assert response.url == reverse("password_change_done")
    member.refresh_from_db()
    assert member.check_password("ministry-planning-2030")


def test_a_password_reset_link_works_once(client, member):
    client.post(reverse("password_reset"), {"email": member.email.upper()})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body)[1]

    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_password_url = form_page.redirect_chain[-1][0]
    client.post(
        set_password_url,
        {"new_password1": "a-fresh-password-2026", "new_password2": "a-fresh-password-2026"},
    )
    member.refresh_from_db()
    assert member.check_password("a-fresh-password-2026")

    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_a_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


# --- the language switcher ---------------------------------------------------------------


def _switch(client, language: str):
    return client.post(
        reverse("set_language"), {"language": language, "next": reverse("catalogue")}
    )


def test_the_language_switcher_remembers_a_signed_in_users_choice(client, member):
    client.force_login(member)
    history = member.history.count()
    response = _switch(client, "fr")
    assert response.status_code == 302 and response.url == reverse("catalogue")
    assert "Catalogue des ODD" in client.get(response.url).content.decode()
    member.refresh_from_db()
    assert member.language == "fr"  # the language of the notices and emails sent to them
    assert member.history.count() == history  # a preference, not a change to the account

    _switch(client, "de")  # not offered: the choice stays
    member.refresh_from_db()
    assert member.language == "fr"


def test_an_anonymous_visitor_switches_language_all_the_same(client, member):
    response = _switch(client, "es")
    assert response.status_code == 302 and response.url == reverse("catalogue")
    assert "Catálogo de los ODS" in client.get(response.url).content.decode()
    member.refresh_from_db()
    assert member.language == ""
