"""Who sees governance's entries of the main menu (``action_plans.hooks.register_menu_link``)."""


def signed_in(user) -> bool:
    return user.is_authenticated


def platform_admin(user) -> bool:
    return user.is_authenticated and user.is_platform_admin
