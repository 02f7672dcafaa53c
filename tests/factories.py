import factory

from action_plans.models import ActionPlan, PlanLevel
from governance.models import Organisation, OrganisationLevel, OrganisationType, User

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    title = factory.Sequence(lambda n: f"Migration-SDG Action Plan {n}")
    country = "GH"
    level = PlanLevel.NATIONAL
    area_name = "Ghana"
    period_start_year = 2025
    period_end_year = 2030
    base_currency = "GHS"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Ministry {n}")
    acronym = factory.Sequence(lambda n: f"M{n}")
    type = OrganisationType.MINISTRY
    level = OrganisationLevel.NATIONAL
    country = "GH"
