"""The Django admin for accounts, without a way around governance.

Groups and object permissions follow from memberships, participations and lead bodies,
and only ``governance.services`` changes them: the admin neither edits a user's groups
or permissions nor manages groups.

Failed sign-ins (django-axes' "Access attempts") are listed in the admin too; deleting a
user's rows, or the "Unlock sign-in" action on users, lifts a login lockout.
"""

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Unlock sign-in (clear failed password attempts)"))
    def unlock_sign_in(self, request, queryset):
        cleared = sum(
            AxesProxyHandler.reset_attempts(username=user.get_username()) for user in queryset
        )
        self.message_user(
            request,
            ngettext(
                "Sign-in unlocked: %(count)d failed-attempt record cleared.",
                "Sign-in unlocked: %(count)d failed-attempt records cleared.",
                cleared,
            )
            % {"count": cleared},
            messages.SUCCESS,
        )


admin.site.unregister(Group)
