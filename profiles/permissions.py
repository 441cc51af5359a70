"""Who may see or change what. Every interface (site, admin, API) calls these.

Roles: a visitor (anonymous), a member (a user linked to a profile), a lab admin
(superuser or in the "Lab admins" group). Members see members-only items of every
profile; only the owner and lab admins see private items and may edit.
"""

from django.db.models import Q

from profiles.models import Visibility
from publications.models import Authorship

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
        from profiles.models import Profile

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


def levels_for(user, profile):
    """Visibility levels of `profile`'s items that `user` may read (None: all of them)."""
    if can_edit_profile(user, profile):
        return None
    return visible_levels(user)


def item_filter(user, profile):
    """Q() that keeps the section items of `profile` this user may read."""
    levels = levels_for(user, profile)
    return Q() if levels is None else Q(visibility__in=levels)


def can_view_item(user, item):
    profile = item.profile
    if not can_view_profile(user, profile):
        return False
    if can_edit_profile(user, profile):
        return True
    return item.visibility in visible_levels(user) and not getattr(item, "draft", False)


def can_edit_item(user, item):
    return can_edit_profile(user, item.profile)


def can_view_statement(user, statement, token=None):
    """Public ones to all; link-shared ones to holders of the current token; members-only
    to members; private ones to the owner and lab admins."""
    from profiles.models import Statement

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
    from profiles.models import Statement

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


def can_delete_publication(user, publication):
    """Deleting removes the paper from every co-author's page: lab admins may, and a member
    may only when no other member is linked to it (else they unlink themselves instead)."""
    if is_lab_admin(user):
        return True
    pid = own_profile_id(user)
    if pid is None:
        return False
    linked = set(publication.authorships.exclude(profile=None).values_list("profile_id", flat=True))
    return linked == {pid}


# --- Editing: which profile an object belongs to, and who may change it ----------------
#
# Every editable object hangs off exactly one profile; the section registry
# (profiles/sections.py) knows the ORM path(s) from each model to it, so that views can
# fetch "this id, but only if it belongs to a profile the user may edit" in one query
# (a forged id then simply is not found).


def profile_paths(model):
    from profiles import sections

    if model._meta.model_name == "profile":
        return ("pk",)
    return sections.profile_paths(model)


def belongs_to(model, profile):
    """Q() keeping rows of `model` that belong to `profile`."""
    q = Q(pk__in=[])
    for path in profile_paths(model):
        q |= Q(**{path: profile}) if path != "pk" else Q(pk=profile.pk)
    return q


def owning_profile(obj):
    """The profile an editable object belongs to (None for a lab-wide object)."""
    from profiles.models import Highlight, Profile, TalkDelivery

    if isinstance(obj, Profile):
        return obj
    if isinstance(obj, Highlight):
        return obj.owner.profile if obj.owner else None
    if isinstance(obj, TalkDelivery):
        return obj.talk.profile
    return getattr(obj, "profile", None)


def can_edit_object(user, obj):
    """Edit rights on a profile or any of its items (publications: see can_edit_publication)."""
    profile = owning_profile(obj)
    return profile is not None and can_edit_profile(user, profile)


def can_use_editing(user):
    """Whether /me/ is open to this user: members and lab admins."""
    return is_member(user)


def editable_profiles(user):
    from profiles.models import Profile

    if is_lab_admin(user):
        return Profile.objects.all()
    pid = own_profile_id(user)
    return Profile.objects.filter(pk=pid) if pid else Profile.objects.none()


def can_manage_lab(user):
    """Invite, set roles/status/published flags, merge, bulk import: lab admins only."""
    return is_lab_admin(user)


def can_view_history(user, obj):
    return can_edit_object(user, obj)


def can_claim_authorship(user, authorship, profile):
    """Link an unlinked author row of a lab publication to `profile`."""
    return authorship.profile_id is None and can_edit_profile(user, profile)


def can_edit_authorship(user, authorship):
    """Unlink, or select for the page: the linked member (or a lab admin)."""
    return authorship.profile_id is not None and (is_lab_admin(user) or own_profile_id(user) == authorship.profile_id)


# --- The Django admin -----------------------------------------------------------------
# Only lab admins get the Django admin (they are is_staff); there they may do anything,
# like on the site. Members and visitors get nothing, whatever model permissions say.


def acts_for_lab(actor):
    """May `actor` write across the lab (any profile, new profiles, membership)? A lab admin, or
    nobody at all: `actor` None is the command line, whose user owns the database."""
    return actor is None or can_manage_lab(actor)


def can_decide_claim(user, claim):
    """A lab admin, or a member linked to the claimed paper (not the claimant)."""
    if is_lab_admin(user):
        return True
    own = own_profile_id(user)
    return (
        own is not None and own != claim.profile_id and claim.publication_id is not None
        and Authorship.objects.filter(publication_id=claim.publication_id, profile_id=own).exists()
    )  # fmt: skip


def can_use_admin(user):
    return is_lab_admin(user) and getattr(user, "is_staff", False)


def admin_permission(user, action, model, obj=None):
    """`action` is view, add, change or delete; the admin's has_*_permission call this."""
    if not can_use_admin(user):
        return False
    if obj is not None and action in {"change", "delete"} and model._meta.model_name == "user":
        # A lab admin who is not a superuser may not edit or delete a superuser.
        return user.is_superuser or not obj.is_superuser
    return True
