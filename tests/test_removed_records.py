"""A record removed while someone works on it: they are told who removed it and when,
their input is kept to copy, and a second removal is no error."""

from django.urls import reverse

from targets.models import Framework
from targets.services import framework_create, framework_delete


def _framework(cast) -> Framework:
    return framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Labour Migration Policy", kind="plan", level="national"),
    )


def test_saving_a_record_someone_removed_says_who_and_keeps_the_input(client, cast):
    framework = _framework(cast)
    client.force_login(cast.coordinator_a)
    url = reverse("framework_edit", args=[cast.plan_a.pk, framework.pk])
    assert client.get(url).status_code == 200
    framework_delete(actor=cast.administrator, framework=framework)

    response = client.post(
        url,
        {
            "version": framework.version,
            "name": "Labour Migration Policy",
            "kind": "plan",
            "level": "national",
            "reference": "My careful note on the 2020 gazette",
        },
    )

    page = response.content.decode()
    assert response.status_code == 410
    assert f"{cast.administrator} removed it on" in page
    assert "My careful note on the 2020 gazette" in page
    assert cast.plan_a.title in page  # still inside the plan


def test_removing_a_record_twice_tells_the_second_person(client, cast):
    framework = _framework(cast)
    client.force_login(cast.coordinator_a)
    url = reverse("framework_delete", args=[cast.plan_a.pk, framework.pk])
    assert client.post(url).status_code == 302
    second = client.post(url)
    assert second.status_code == 410
    assert "This record was removed" in second.content.decode()
    assert Framework.history.filter(id=framework.pk, history_type="-").count() == 1


def test_another_plans_record_is_still_not_found(client, cast):
    framework = framework_create(
        actor=cast.coordinator_b,
        plan=cast.plan_b,
        framework=Framework(name="Accra by-law", kind="legislation", level="local"),
    )
    framework_delete(actor=cast.coordinator_b, framework=framework)
    client.force_login(cast.coordinator_a)
    url = reverse("framework_edit", args=[cast.plan_a.pk, framework.pk])
    assert client.get(url).status_code == 404  # its removal from plan B does not leak
