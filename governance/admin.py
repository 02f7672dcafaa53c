"""The Django admin for accounts, without a way around governance.

Groups and object permissions follow from memberships, participations and lead bodies,
and only ``governance.services`` changes them: the admin neither edits a user's groups
or permissions nor manages groups.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from governance.models import User

GOVERNED_FIELDS = frozenset({"groups", "user_permissions"})


def _without_governed_fields(fieldsets):
    return tuple(
        (
            name,
            {
                **options,
                "fields": tuple(
                    field for field in options["fields"] if field not in GOVERNED_FIELDS
                ),
            },
        )
        for name, options in fieldsets
    )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = _without_governed_fields(DjangoUserAdmin.fieldsets)
    filter_horizontal = ()
    list_filter = ("is_staff", "is_superuser", "is_active")


admin.site.unregister(Group)
