"""The coherence matrix's cells: the assessment in words with its note, escaped."""

from django.urls import reverse

from targets.models import Coherence, Framework, Target
from targets.services import framework_assessments_set, framework_create, prioritised_target_add


def test_a_cell_shows_the_assessment_and_its_note_escaped(client, cast, catalogue):
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration governance",
    )
    assessed = framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Labour Act", kind="legislation", level="national"),
    )
    framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Diaspora Policy", kind="plan", level="national"),
    )
    framework_assessments_set(
        actor=cast.coordinator_a,
        framework=assessed,
        expected_version=assessed.version,
        assessments={item.id: (Coherence.GAP, "No provision <b>abroad</b>")},
    )
    client.force_login(cast.viewer_x)

    page = client.get(reverse("coherence_matrix", args=[cast.plan_a.pk])).content.decode()

    assert (
        '<td class="coherence-gap"><strong>Gap to fill</strong>'
        '<div class="small">No provision &lt;b&gt;abroad&lt;/b&gt;</div></td>'
    ) in page
    assert '<td><span class="text-body-secondary">—</span></td>' in page  # not assessed
