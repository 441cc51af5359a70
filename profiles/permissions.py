"""Who may see or change what. Every interface (site, admin, API) calls these.

Roles: a visitor (anonymous), a member (a user linked to a profile), a lab admin
(superuser or in the "Lab admins" group). Members see members-only items of every
profile; only the owner and lab admins see private items and may edit.
"""

from django.db.models import Q

from .models import Visibility

LAB_ADMIN_GROUP = "Lab admins"


def is_lab_admin(user):
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_lab_admin", None)
    if cached is None:
        cached = user.groups.filter(name=LAB_ADMIN_GROUP).exists()
        user._is_lab_admin = cached
    return cached


def own_profile_id(user):
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_own_profile_id", "unset")
    if cached == "unset":
        from .models import Profile

        cached = Profile.objects.filter(user=user).values_list("pk", flat=True).first()
        user._own_profile_id = cached
    return cached


def is_member(user):
    return is_lab_admin(user) or own_profile_id(user) is not None


def visible_levels(user):
    """Visibility levels of other people's items that this user may read."""
    if is_member(user):
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    return [Visibility.PUBLIC]


def can_edit_profile(user, profile):
    return is_lab_admin(user) or (profile.pk is not None and own_profile_id(user) == profile.pk)


def can_view_profile(user, profile):
    return profile.published or can_edit_profile(user, profile)


def item_filter(user, profile):
    """Q() that keeps the section items of `profile` this user may read."""
    if can_edit_profile(user, profile):
        return Q()
    return Q(visibility__in=visible_levels(user))


def can_view_item(user, item):
    profile = item.profile
    if not can_view_profile(user, profile):
        return False
    return can_edit_profile(user, profile) or item.visibility in visible_levels(user)


def can_edit_item(user, item):
    return can_edit_profile(user, item.profile)


def can_view_statement(user, statement, token=None):
    """Public ones to all; link-shared ones to holders of the current token; members-only
    to members; private ones to the owner and lab admins."""
    from .models import Statement

    profile = statement.profile
    if can_edit_profile(user, profile):
        return True
    if not profile.published:
        return False
    if statement.visibility == Statement.Visibility.PUBLIC:
        return True
    if statement.visibility == Statement.Visibility.MEMBERS:
        return is_member(user)
    if statement.visibility == Statement.Visibility.LINK:
        return bool(token) and token == statement.share_token
    return False


def visible_statements(user, profile):
    from .models import Statement

    qs = profile.statements.all()
    if can_edit_profile(user, profile):
        return qs
    levels = [Statement.Visibility.PUBLIC]
    if is_member(user):
        levels.append(Statement.Visibility.MEMBERS)
    return qs.filter(visibility__in=levels)


def can_edit_publication(user, publication):
    """Lab admins edit all; members edit publications they are a (linked) author of."""
    if is_lab_admin(user):
        return True
    pid = own_profile_id(user)
    return pid is not None and publication.authorships.filter(profile_id=pid).exists()
