"""Writes: every change a person makes goes through a function here.

Conventions: `<entity>_<action>(*, actor, ...)`, keyword-only arguments, one
`transaction.atomic()` per user action, the permission check inside (through
profiles.permissions), `_history_user` set so django-simple-history records who did it
even outside a request.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from publications.models import Authorship, Publication

from . import permissions, uploads
from .models import (
    Highlight,
    Invitation,
    Profile,
    ProfileRedirect,
    Project,
    Statement,
    TalkDelivery,
    hash_token,
)

# ======================================================================================
# Accounts, editing and lab administration (issue 6)
# ======================================================================================


class EditConflict(Exception):
    """The object changed since the editor loaded it; nothing was saved."""

    def __init__(self, current, changed_fields):
        super().__init__("This item was changed by someone else since you opened it.")
        self.current = current
        self.changed_fields = changed_fields


def _require(allowed):
    if not allowed:
        raise PermissionDenied


def _by(obj, actor):
    # django-simple-history reads this attribute before the request's user.
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    return obj


# --- Optimistic concurrency ----------------------------------------------------------

FINGERPRINT_SKIP = {"id", "position", "updated_at", "created_at", "title_normalised", "selected"}


def fingerprint_values(obj):
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in FINGERPRINT_SKIP
    }


def fingerprint(obj):
    """A short digest of an object's content; editing forms carry it as a hidden field.

    Position and timestamps are left out so reordering does not turn into a conflict.
    """
    raw = repr(sorted((k, str(v)) for k, v in fingerprint_values(obj).items()))
    return hashlib.sha256(raw.encode()).hexdigest()[:20]


def _lock(obj):
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def _check_version(locked, version, changes):
    """Refuse the save if `locked` (the row as stored now) differs from what the form saw.

    Without a version (an API client that does not send one) the save goes through.
    """
    if not version or version == fingerprint(locked):
        return
    changed = [name for name in changes if hasattr(locked, name)]
    raise EditConflict(locked, changed)


def _apply(obj, changes):
    m2m = {}
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        else:
            setattr(obj, field.attname if field.is_relation and not hasattr(value, "pk") else name, value)
    return m2m


def _save_validated(obj, actor, m2m=None, exclude=None):
    obj.full_clean(exclude=exclude, validate_unique=True)
    _by(obj, actor).save()
    for name, value in (m2m or {}).items():
        getattr(obj, name).set(value)
    return obj


# --- Profile fields --------------------------------------------------------------------

MEMBERSHIP_FIELDS = {"role", "status", "left_on", "alumni_destination", "published", "display_order", "slug"}


def profile_update(*, actor, profile, changes, version=None):
    """Identity, bio, interests: what the member edits on their own page."""
    if MEMBERSHIP_FIELDS & set(changes):
        _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        locked = _lock(profile)
        _require(permissions.can_edit_profile(actor, locked))
        _check_version(locked, version, changes)
        _apply(locked, changes)
        return _save_validated(locked, actor, exclude=["avatar"])


def profile_set_membership(*, actor, profile, changes, version=None):
    """Role, status (current / alumni with leaving date and destination), published flag."""
    _require(permissions.can_manage_lab(actor))
    return profile_update(actor=actor, profile=profile, changes=changes, version=version)


def profile_set_avatar(*, actor, profile, upload):
    """Validate, re-encode and store an avatar with its thumbnails (ValidationError if bad)."""
    _require(permissions.can_edit_profile(actor, profile))
    image = uploads.decode_avatar(upload)
    name = uploads.store_avatar(image, profile.pk)
    with transaction.atomic():
        locked = _lock(profile)
        _require(permissions.can_edit_profile(actor, locked))
        old = locked.avatar.name
        locked.avatar.name = name
        _by(locked, actor).save(update_fields=["avatar", "updated_at"])
    # Only files this module created are removed (an admin-set file is left alone).
    if old and old != name and uploads.AVATAR_NAME.match(old):
        transaction.on_commit(lambda: uploads.delete_avatar_files(old))
    return locked


def profile_remove_avatar(*, actor, profile):
    with transaction.atomic():
        locked = _lock(profile)
        _require(permissions.can_edit_profile(actor, locked))
        locked.avatar = ""
        _by(locked, actor).save(update_fields=["avatar", "updated_at"])
    return locked


# --- Section items (generic: driven by profiles/editing/registry.py) --------------------


def _siblings(model, item):
    """The rows an item is ordered among."""
    if model is Highlight:
        if item.parent_id:
            return Highlight.objects.filter(parent_id=item.parent_id)
        return Highlight.objects.filter(
            project_id=item.project_id,
            experience_id=item.experience_id,
            open_source_id=item.open_source_id,
            parent__isnull=True,
        )
    if model is TalkDelivery:
        return TalkDelivery.objects.filter(talk_id=item.talk_id)
    if model is Project:
        return Project.objects.filter(profile_id=item.profile_id, experience_id=item.experience_id)
    return model._default_manager.filter(profile_id=item.profile_id)


def section_item_create(*, actor, profile, model, values, parent=None, parent_field=None):
    """Add an item at the end of its list. `parent` is the profile or the containing item."""
    _require(permissions.can_edit_profile(actor, profile))
    parent = parent or profile
    if permissions.owning_profile(parent).pk != profile.pk:
        raise PermissionDenied
    with transaction.atomic():
        item = model()
        if hasattr(model, "profile_id") and model is not Profile:
            item.profile = profile
        if parent_field and parent_field != "profile":
            setattr(item, parent_field, parent)
        if model is Highlight and isinstance(parent, Highlight):
            # A sub-bullet belongs to the same entry as its bullet.
            item.project_id = parent.project_id
            item.experience_id = parent.experience_id
            item.open_source_id = parent.open_source_id
        m2m = _apply(item, values)
        if isinstance(item, Statement) and not item.slug:
            item.slug = _free_statement_slug(profile, slugify(item.title)[:70] or "statement")
        last = _siblings(model, item).aggregate(m=Max("position"))["m"]
        item.position = 0 if last is None else last + 1
        return _save_validated(item, actor, m2m)


def _free_statement_slug(profile, base, exclude_pk=None):
    rows = Statement.objects.filter(profile=profile).exclude(pk=exclude_pk)
    taken = set(rows.values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def section_item_update(*, actor, item, values, version=None):
    with transaction.atomic():
        locked = _lock(item)
        _require(permissions.can_edit_object(actor, locked))
        _check_version(locked, version, values)
        m2m = _apply(locked, values)
        return _save_validated(locked, actor, m2m)


def section_item_delete(*, actor, item):
    with transaction.atomic():
        locked = _lock(item)
        _require(permissions.can_edit_object(actor, locked))
        _by(locked, actor).delete()


def section_item_move(*, actor, item, direction):
    """Swap an item with its neighbour ("up" or "down"); positions are renumbered 0..n-1."""
    if direction not in {"up", "down"}:
        raise ValidationError("Move up or down.")
    model = type(item)
    with transaction.atomic():
        locked = _lock(item)
        _require(permissions.can_edit_object(actor, locked))
        rows = list(_siblings(model, locked).select_for_update().order_by("position", "id"))
        index = next(i for i, row in enumerate(rows) if row.pk == locked.pk)
        other = index - 1 if direction == "up" else index + 1
        if 0 <= other < len(rows):
            rows[index], rows[other] = rows[other], rows[index]
        for position, row in enumerate(rows):
            if row.position != position:
                row.position = position
                _by(row, actor).save(update_fields=["position"])
    return locked


def history_restore(*, actor, item, history_id):
    """Put an item back as it was in one of its historical versions (recorded as a new change)."""
    model = type(item)
    with transaction.atomic():
        locked = _lock(item)
        _require(permissions.can_edit_object(actor, locked))
        record = locked.history.filter(history_id=history_id).first()
        if record is None:
            raise PermissionDenied
        old = record.instance
        keep = {"id", "position", "created_at", "updated_at", "share_token", "avatar", "user_id"}
        for field in model._meta.concrete_fields:
            if field.attname not in keep and not field.primary_key:
                setattr(locked, field.attname, getattr(old, field.attname))
        # The restored version must still belong to the same profile.
        _require(permissions.can_edit_object(actor, locked))
        locked.full_clean(exclude=["avatar"])
        _by(locked, actor).save()
    return locked


# --- Statements ------------------------------------------------------------------------


def statement_share_link_create(*, actor, statement):
    """(Re)issue the unguessable link; an older link stops working."""
    with transaction.atomic():
        locked = _lock(statement)
        _require(permissions.can_edit_object(actor, locked))
        locked.create_share_token()
        if locked.visibility == Statement.Visibility.PRIVATE:
            locked.visibility = Statement.Visibility.LINK
        _by(locked, actor).save(update_fields=["share_token", "visibility", "updated_at"])
    return locked


def statement_share_link_revoke(*, actor, statement):
    with transaction.atomic():
        locked = _lock(statement)
        _require(permissions.can_edit_object(actor, locked))
        locked.revoke_share_token()
        if locked.visibility == Statement.Visibility.LINK:
            locked.visibility = Statement.Visibility.PRIVATE
        _by(locked, actor).save(update_fields=["share_token", "visibility", "updated_at"])
    return locked


# --- Publications of a member -----------------------------------------------------------


def name_variants(profile):
    """Ways a member's name appears in author lists (for claiming)."""
    names = {profile.full_name.strip(), profile.native_name.strip()}
    parts = profile.full_name.split()
    if len(parts) >= 2:
        names.add(f"{parts[-1]}, {' '.join(parts[:-1])}")
        names.add(f"{parts[0][0]}. {' '.join(parts[1:])}")
        names.add(f"{' '.join(parts[1:])} {parts[0]}")
    return {n.casefold() for n in names if n}


def claimable_authorships(profile):
    """Unlinked author rows whose name matches the profile, on papers it is not on yet."""
    variants = name_variants(profile)
    q = Q(pk__in=[])
    for variant in variants:
        q |= Q(name__iexact=variant)
    return (
        Authorship.objects.filter(q, profile__isnull=True)
        .exclude(publication__authorships__profile=profile)
        .select_related("publication")
        .order_by("-publication__year", "publication__title")
    )


def authorship_claim(*, actor, profile, authorship):
    with transaction.atomic():
        locked = _lock(authorship)
        _require(permissions.can_claim_authorship(actor, locked, profile))
        if locked.name.casefold() not in name_variants(profile):
            raise PermissionDenied
        if Authorship.objects.filter(publication_id=locked.publication_id, profile=profile).exists():
            raise ValidationError("You are already an author of this publication.")
        locked.profile = profile
        _by(locked, actor).save(update_fields=["profile"])
    return locked


def authorship_unlink(*, actor, authorship):
    with transaction.atomic():
        locked = _lock(authorship)
        _require(permissions.can_edit_authorship(actor, locked))
        locked.profile = None
        locked.selected = False
        _by(locked, actor).save(update_fields=["profile", "selected"])
    return locked


def authorship_set_selected(*, actor, authorship, selected):
    with transaction.atomic():
        locked = _lock(authorship)
        _require(permissions.can_edit_authorship(actor, locked))
        locked.selected = bool(selected)
        _by(locked, actor).save(update_fields=["selected"])
    return locked


def _write_authors(publication, authors, actor, profile=None):
    """Replace the author list. `authors`: dicts with name, equal_contribution,
    corresponding, is_self; existing rows keep their profile link when `id` is given."""
    existing = {a.pk: a for a in publication.authorships.all()}
    links = {}
    for row in authors:
        old = existing.get(row.get("id")) if row.get("id") else None
        if row.get("id") and old is None:
            raise PermissionDenied  # an author row of another publication
        links[id(row)] = old.profile_id if old else None
    if profile is not None:
        selves = [row for row in authors if row.get("is_self")]
        if len(selves) != 1:
            raise ValidationError("Mark exactly one author as you.")
        for row in authors:
            if links[id(row)] == profile.pk:
                links[id(row)] = None
        links[id(selves[0])] = profile.pk
    kept_selected = {a.profile_id: a.selected for a in existing.values() if a.profile_id}
    for old in existing.values():
        _by(old, actor).delete()
    for position, row in enumerate(authors, start=1):
        linked = links[id(row)]
        author = Authorship(
            publication=publication,
            position=position,
            name=row["name"].strip(),
            equal_contribution=bool(row.get("equal_contribution")),
            corresponding=bool(row.get("corresponding")),
            profile_id=linked,
            selected=bool(kept_selected.get(linked)) if linked else False,
        )
        author.full_clean(exclude=["publication"])
        _by(author, actor).save()


def publication_create(*, actor, profile, values, authors):
    """Add a publication by hand, with `profile` as one of its (ordered) authors."""
    _require(permissions.can_edit_profile(actor, profile))
    if not authors:
        raise ValidationError("Add at least one author.")
    with transaction.atomic():
        publication = Publication()
        _apply(publication, values)
        publication.full_clean(exclude=["citation_key"])
        _by(publication, actor).save()
        _write_authors(publication, authors, actor, profile=profile)
        if not values.get("citation_key"):
            publication.citation_key = publication.unique_citation_key()
            _by(publication, actor).save(update_fields=["citation_key"])
    return publication


def publication_update(*, actor, publication, values, authors=None, version=None, profile=None):
    with transaction.atomic():
        locked = _lock(publication)
        _require(permissions.can_edit_publication(actor, locked))
        _check_version(locked, version, values)
        _apply(locked, values)
        locked.full_clean()
        _by(locked, actor).save()
        if authors is not None:
            _write_authors(locked, authors, actor, profile=profile)
            # Still an author after the edit, unless a lab admin did it.
            _require(permissions.can_edit_publication(actor, locked))
    return locked


# --- Invitations ------------------------------------------------------------------------


def _invitation_days():
    return getattr(settings, "INVITATION_DAYS", 7)


def _send_invitation(invitation, token, site_url):
    from django.urls import reverse

    link = site_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    context = {"invitation": invitation, "link": link, "days": _invitation_days()}
    send_mail(
        subject=f"Your invitation to edit {invitation.profile.full_name}'s profile",
        message=render_to_string("registration/invitation_email.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
    return link


def invitation_create(*, actor, email, site_url, profile=None, full_name=""):
    """Invite someone by email to own `profile` (or a new, unpublished one named `full_name`)."""
    _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        if profile is None:
            if not full_name.strip():
                raise ValidationError("Give the new member's name or choose a profile.")
            profile = Profile(full_name=full_name.strip(), published=False)
            profile.slug = _free_slug(slugify(full_name)[:70] or "member")
            _by(profile, actor).save()
        elif profile.user_id:
            raise ValidationError("That profile already has an account.")
        now = timezone.now()
        # One live invitation per profile: a new one replaces the old.
        Invitation.objects.pending().filter(profile=profile).update(revoked_at=now)
        expires_at = now + timedelta(days=_invitation_days())
        invitation = Invitation(email=email, profile=profile, created_by=actor, expires_at=expires_at)
        token = invitation.set_new_token()
        invitation.save()
        transaction.on_commit(lambda: _send_invitation(invitation, token, site_url))
    return invitation, token


def invitation_resend(*, actor, invitation, site_url):
    """Send a fresh link (the old one stops working) and restart the expiry clock."""
    _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        locked = _lock(invitation)
        if locked.accepted_at or locked.revoked_at:
            raise ValidationError("This invitation was already used or revoked.")
        token = locked.set_new_token()
        locked.sent_at = timezone.now()
        locked.expires_at = locked.sent_at + timedelta(days=_invitation_days())
        locked.save()
        transaction.on_commit(lambda: _send_invitation(locked, token, site_url))
    return locked, token


def invitation_revoke(*, actor, invitation):
    _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        locked = _lock(invitation)
        if not locked.accepted_at and not locked.revoked_at:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def invitation_for_token(token):
    """The pending invitation for a link, or None (wrong, used, revoked or expired)."""
    if not token:
        return None
    return Invitation.objects.pending().select_related("profile").filter(token_hash=hash_token(token)).first()


def invitation_accept(*, token, username, password):
    """Create the account, link it to the invitation's profile and use up the link."""
    User = get_user_model()
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation is None:
            raise PermissionDenied
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        profile = Profile.objects.select_for_update().get(pk=invitation.profile_id)
        if invitation.accepted_at or invitation.revoked_at or profile.user_id:
            raise PermissionDenied
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError({"username": "That username is taken."})
        user = User(username=username, email=invitation.email)
        user.set_password(password)
        try:
            user.save()
        except IntegrityError:
            raise ValidationError({"username": "That username is taken."}) from None
        profile.user = user
        _by(profile, user).save(update_fields=["user", "updated_at"])
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return user


# --- Lab administration -----------------------------------------------------------------


def user_set_lab_admin(*, actor, user, is_lab_admin):
    """Give or take the lab admin role (the "Lab admins" group plus Django admin access)."""
    _require(permissions.can_manage_lab(actor))
    if user.pk == actor.pk and not is_lab_admin:
        raise ValidationError("You cannot remove your own lab admin role.")
    with transaction.atomic():
        group, _ = Group.objects.get_or_create(name=permissions.LAB_ADMIN_GROUP)
        if is_lab_admin:
            user.groups.add(group)
            user.is_staff = True
        else:
            user.groups.remove(group)
            user.is_staff = user.is_superuser
        user.save(update_fields=["is_staff"])
        user.__dict__.pop("_is_lab_admin", None)
    return user


def _free_slug(base):
    slug, n = base, 1

    def taken(slug):
        return (
            Profile.objects.filter(slug=slug).exists()
            or ProfileRedirect.objects.filter(old_slug=slug).exists()
        )

    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


MERGE_FILL_FIELDS = [
    "native_name", "pronouns", "headline", "tagline", "organisation", "team", "location", "email",
    "orcid", "short_bio", "long_bio", "research_interests", "interest_tags", "joined_on",
]


def profiles_merge(*, actor, source, target):
    """Move everything of `source` into `target`, delete `source`, redirect its address."""
    _require(permissions.can_manage_lab(actor))
    if source.pk == target.pk:
        raise ValidationError("Choose two different profiles.")
    with transaction.atomic():
        source = _lock(source)
        target = _lock(target)
        # Items of every section (anything with a `profile` foreign key to Profile).
        for relation in Profile._meta.related_objects:
            model = relation.related_model
            if relation.field.name != "profile" or model in (Authorship, Invitation, ProfileRedirect):
                continue
            if model._meta.model_name.startswith("historical"):
                continue
            offset = 0
            if hasattr(model, "position"):
                last = model._default_manager.filter(profile=target).aggregate(m=Max("position"))["m"]
                offset = 0 if last is None else last + 1
            for item in model._default_manager.filter(profile=source):
                item.profile = target
                if hasattr(item, "position"):
                    item.position += offset
                if isinstance(item, Statement):
                    taken = Statement.objects.filter(profile=target).values_list("slug", flat=True)
                    base, n = item.slug, 1
                    while item.slug in taken:
                        n += 1
                        item.slug = f"{base}-{n}"[:80]
                _by(item, actor).save()
        for authorship in Authorship.objects.filter(profile=source):
            if Authorship.objects.filter(publication_id=authorship.publication_id, profile=target).exists():
                authorship.profile = None
                authorship.selected = False
            else:
                authorship.profile = target
            _by(authorship, actor).save()
        Invitation.objects.filter(profile=source).update(revoked_at=timezone.now())
        ProfileRedirect.objects.filter(profile=source).update(profile=target)
        for name in MERGE_FILL_FIELDS:
            if not getattr(target, name) and getattr(source, name):
                setattr(target, name, getattr(source, name))
        if target.avatar.name == "" and source.avatar.name:
            target.avatar.name = source.avatar.name
        user = source.user
        old_slug = source.slug
        _by(source, actor).delete()
        if user is not None and target.user_id is None:
            target.user = user
        if target.orcid and Profile.objects.filter(orcid=target.orcid).exclude(pk=target.pk).exists():
            target.orcid = ""
        _by(target, actor).save()
        ProfileRedirect.objects.update_or_create(old_slug=old_slug, defaults={"profile": target})
    return target


def resolve_profile_redirect(slug):
    """Where an old profile address now lives: the Profile, or None.

    The public profile view calls this when no profile has `slug`, and answers with a
    permanent redirect to the returned profile's page.
    """
    redirect = ProfileRedirect.objects.select_related("profile").filter(old_slug=slug).first()
    return redirect.profile if redirect else None
