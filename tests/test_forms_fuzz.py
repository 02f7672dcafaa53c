"""Any text in any text field of the main forms: a message or a save, never a 500.

Hypothesis types arbitrary text into every free-text field of the main edit and create
pages (null characters, lone surrogates, very long strings, any Unicode) and posts it
the way a browser would, percent-encoded UTF-8. A lone surrogate cannot be encoded as
UTF-8: it goes out as the bytes a broken client would send, and the server must refuse
them. Whatever the input, the answer is a redirect (saved), the form again with a
message, or 400 for undecodable bytes; and unless it was a redirect, nothing changed.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django import forms
from django.db import models
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from action_plans.models import ActionPlan
from governance.models import LeadArrangement, Organisation
from targets.models import Consultation, Framework, PrioritisedTarget
from tests.conftest import Cast
from tests.test_bad_input import framework_in_plan_a, page_data, prioritised

SURROGATES = st.characters(codec=None, categories=["Cs"])

# Text as users, paste buffers and broken clients produce it.
ANY_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.sampled_from("a \x00\t\n\u200b\ufeffé漢🙂"), max_size=60),
    st.builds(lambda head, tail: head + "\x00" + tail, st.text(max_size=10), st.text(max_size=10)),
    st.builds(
        lambda head, surrogate, tail: head + surrogate + tail,
        st.text(max_size=10),
        SURROGATES,
        st.text(max_size=10),
    ),
    st.builds(
        lambda character, count: character * count,
        st.sampled_from(["x", "é", "🙂", " "]),
        st.integers(min_value=100, max_value=20_000),
    ),
)


@dataclass(frozen=True)
class FuzzedPage:
    url: Callable[[Cast], str]
    model: type[models.Model]
    role: str = "coordinator_a"
    required: Callable[[Cast], dict] = lambda cast: {}


def _plan_a_url(name: str) -> Callable[[Cast], str]:
    return lambda cast: reverse(name, kwargs={"pk": cast.plan_a.pk})


def _target_edit(cast: Cast) -> str:
    item = prioritised(cast)
    return reverse("prioritised_target_edit", kwargs={"pk": cast.plan_a.pk, "item_pk": item.pk})


def _framework_edit(cast: Cast) -> str:
    framework = framework_in_plan_a(cast)
    return reverse("framework_edit", kwargs={"pk": cast.plan_a.pk, "framework_pk": framework.pk})


PAGES = {
    "plan edit": FuzzedPage(_plan_a_url("plan_edit"), ActionPlan),
    "organisation edit": FuzzedPage(
        lambda cast: reverse("organisation_edit", kwargs={"pk": cast.ministry_x.pk}),
        Organisation,
        role="administrator",
    ),
    "prioritised target edit": FuzzedPage(_target_edit, PrioritisedTarget),
    "framework create": FuzzedPage(
        _plan_a_url("framework_create"),
        Framework,
        required=lambda cast: {"kind": "policy_framework", "level": "national"},
    ),
    "framework edit": FuzzedPage(_framework_edit, Framework),
    "consultation create": FuzzedPage(
        _plan_a_url("consultation_create"),
        Consultation,
        required=lambda cast: {
            "held_on": "2025-05-06",
            "kind": "review_workshop",
            "organisations": [cast.lead_ministry.pk],
        },
    ),
    "lead arrangement notes": FuzzedPage(_plan_a_url("lead_arrangement_edit"), LeadArrangement),
}


def _text_fields(form) -> list[str]:
    """The free-text fields of a form: typed text, not a choice, number or date."""
    return [
        bound_field.html_name
        for bound_field in form.visible_fields()
        if type(bound_field.field) in {forms.CharField, forms.URLField, forms.EmailField}
    ]


def _snapshot(model: type[models.Model]) -> list[dict]:
    return list(model.objects.order_by("pk").values())


def _browser_body(data: dict) -> bytes:
    # What a browser sends; a lone surrogate becomes the bytes of no valid UTF-8.
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass").encode("ascii")


def _undecodable(text: str) -> bool:
    return any("\ud800" <= character <= "\udfff" for character in text)


@pytest.mark.parametrize("page_name", sorted(PAGES))
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_text_in_any_text_field_is_a_message_or_a_save_never_a_500(
    client, cast, catalogue, page_name, data
):
    page = PAGES[page_name]
    # The setup runs once per test function; hypothesis's examples reuse it.
    url = getattr(cast, f"_fuzz_url_{page_name}", None)
    if url is None:
        url = page.url(cast)
        setattr(cast, f"_fuzz_url_{page_name}", url)
    client.force_login(cast.user(page.role))
    opened = client.get(url)
    assert opened.status_code == 200
    fields = _text_fields(opened.context["form"])
    assert fields, "the page has no free-text field to fuzz"
    typed = {name: data.draw(ANY_TEXT, label=name) for name in fields}
    values = {**page_data(opened), **page.required(cast), **typed}
    before = _snapshot(page.model)

    response = client.post(
        url, _browser_body(values), content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code in {200, 302, 400}, response.status_code
    if any(_undecodable(text) for text in typed.values()):
        assert response.status_code == 400
    if any("\x00" in text for text in typed.values()):
        assert response.status_code != 302
    if response.status_code != 302:
        assert _snapshot(page.model) == before
