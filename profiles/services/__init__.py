"""Writes: every change a person makes goes through a function here.

Conventions: `<entity>_<action>(*, actor, ...)`, keyword-only arguments, one
`transaction.atomic()` per user action, the permission check inside (through
profiles.permissions), `_history_user` set so django-simple-history records who did it
even outside a request.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from profiles import fields as profile_fields
from profiles import mail, permissions, sections, uploads
from profiles.models import ActivityEntry, Invitation, Lab, Profile, ProfileRedirect, Statement, hash_token
from profiles.services.writing import (
    EditConflict as EditConflict,
)
from profiles.services.writing import (
    _apply,
    _by,
    _check_version,
    _lock,
    _require,
    _save_validated,
)
from profiles.services.writing import (
    fingerprint as fingerprint,
)
from publications.models import Authorship

# ======================================================================================
# Accounts, editing and lab administration (issue 6)
# ======================================================================================


# --- Profile fields --------------------------------------------------------------------

MEMBERSHIP_FIELDS = profile_fields.MEMBERSHIP_FIELDS  # lab admins only (profiles/fields.py)


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


def profile_import_avatar(*, actor, profile, upload):
    """An avatar found by an import (a site's author image), through the same checks as an upload.

    The import checked the actor for the whole run (None: the command line).
    """
    _require(actor is None or permissions.can_edit_profile(actor, profile))
    image = uploads.decode_avatar(upload)
    name = uploads.store_avatar(image, profile.pk)
    locked = _lock(profile)
    locked.avatar.name = name
    _by(locked, actor).save(update_fields=["avatar", "updated_at"])
    return locked


def section_item_confirm(*, actor, item):
    """Confirm one imported draft: from now on it shows wherever its visibility allows."""
    with transaction.atomic():
        locked = _lock(item)
        _require(permissions.can_edit_object(actor, locked))
        if not locked.draft:
            return locked
        locked.draft = False
        _by(locked, actor).save(update_fields=["draft", "updated_at"] if hasattr(locked, "updated_at") else None)
        return locked


def import_leftovers_dismiss(*, actor, draft):
    """The member read what the import could not place: stop showing it."""
    with transaction.atomic():
        locked = _lock(draft)
        _require(permissions.can_edit_profile(actor, locked.profile))
        locked.leftovers_dismissed_at = timezone.now()
        locked.save(update_fields=["leftovers_dismissed_at", "updated_at"])
        return locked


def profile_remove_avatar(*, actor, profile):
    with transaction.atomic():
        locked = _lock(profile)
        _require(permissions.can_edit_profile(actor, locked))
        locked.avatar = ""
        _by(locked, actor).save(update_fields=["avatar", "updated_at"])
    return locked


# --- Section items (generic: driven by the section registry, profiles/sections.py) -------


def _siblings(model, item):
    """The rows an item is ordered among (its container's, per the section registry)."""
    return model._default_manager.filter(sections.siblings_q(item))


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
        if isinstance(parent, model):
            # A sub-bullet belongs to the same entry as its bullet.
            for other in sections.for_model(model).parents:
                if other.field != parent_field:
                    setattr(item, f"{other.field}_id", getattr(parent, f"{other.field}_id"))
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


def item_save(*, actor, item):
    """Save an item as the Django admin edited it (lab admins only; validated, history kept)."""
    _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        item.full_clean(exclude=["avatar"] if isinstance(item, Profile) else None)
        _by(item, actor).save()
    return item


def item_delete(*, actor, item):
    """Delete an item from the Django admin (lab admins only)."""
    _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        _by(item, actor).delete()


# --- Imports: idempotent upserts (the native sync, the demo loader and merges use these) ----


def _coerce(obj, name, value):
    model_field = obj._meta.get_field(name)
    return value if model_field.is_relation else model_field.to_python(value)


_UNREAD = object()


def item_upsert(*, actor=None, report, model, lookup, values, found=_UNREAD):
    """Create or update the row `lookup` names, writing only when something differs.

    The caller (an import) checked the actor's rights for the whole document; `report`
    counts what happened per model (created / updated / unchanged). The returned row
    has `_upsert_created` set when this call created it. `found`: the row `lookup` names
    (None: there is none), when the caller read its whole list at once.
    """
    label = model._meta.model_name
    obj = model.objects.filter(**lookup).first() if found is _UNREAD else found
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        _by(obj, actor).save()
        obj._upsert_created = True
        report.count(label, "created")
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != _coerce(obj, name, value)]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.full_clean()
        _by(obj, actor).save()
        report.count(label, "updated")
    else:
        report.count(label, "unchanged")
    return obj


def items_bulk_create(*, actor=None, report, model, objs):
    """Insert validated new rows of one model at once, with their history rows.

    For imports whose container is new (nothing to match): the caller validated every
    row (full_clean) before. bulk_create skips save(), so what save() adds is done here:
    the rendered Markdown (models.RendersMarkdown) and who made the change (history).
    Signals are not sent: the container's own save invalidated the page cache already.
    """
    from simple_history.utils import bulk_create_with_history

    if not objs:
        return objs
    for obj in objs:
        if hasattr(obj, "render_markdown_fields"):
            obj.render_markdown_fields()
        _by(obj, actor)
    created = bulk_create_with_history(objs, model)
    report.count(model._meta.model_name, "created", len(objs))
    return created


def items_link_bulk(*, links):
    """Many-to-many links of rows written by items_bulk_create: (row, field name, related pks).

    One INSERT per relation; like the rows themselves, no m2m_changed signal is sent.
    """
    by_through = {}
    for obj, name, pks in links:
        descriptor = getattr(type(obj), name)
        source, target = descriptor.field.m2m_field_name(), descriptor.field.m2m_reverse_field_name()
        by_through.setdefault(descriptor.through, []).extend(
            descriptor.through(**{f"{source}_id": obj.pk, f"{target}_id": pk}) for pk in sorted(pks)
        )
    for through, rows in by_through.items():
        through.objects.bulk_create(rows)


def items_prune(*, actor=None, report, queryset, keep, rows=None):
    """Delete the rows of `queryset` not in `keep` (an import that says the list is exactly this).

    `rows`: every row of `queryset` as the caller read it before writing (rows it created
    since are in `keep`): then no query is run when nothing is stale.
    """
    if rows is not None:
        keep = set(keep)
        stale = [row for row in rows if row.pk not in keep]
    else:
        stale = queryset.exclude(pk__in=keep)
    count = len(stale) if rows is not None else stale.count()
    if count:
        for obj in stale:
            _by(obj, actor).delete()
        report.count(queryset.model._meta.model_name, "deleted", count)


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


def section_items_reorder(*, actor, profile, model, order):
    """Put the items of one list (every id of it, once each) in the order given.

    `order` must name exactly the items of one list of `profile` (a section's, or one
    container's: the highlights of one entry, the deliveries of one talk …).
    """
    if len(set(order)) != len(order):
        raise ValidationError({"order": ["An id appears more than once."]})
    _require(permissions.can_edit_profile(actor, profile))
    with transaction.atomic():
        rows = {
            row.pk: row
            for row in model._default_manager.filter(
                permissions.belongs_to(model, profile), pk__in=order
            ).select_for_update(of=("self",))
        }
        missing = [pk for pk in order if pk not in rows]
        if missing:
            raise ValidationError({"order": [f"Not items of this list: {missing}."]})
        group = set(_siblings(model, rows[order[0]]).values_list("pk", flat=True))
        if group != set(order):
            raise ValidationError({"order": ["Give every item of one list (and only those), in the new order."]})
        for position, pk in enumerate(order):
            row = rows[pk]
            if row.position != position:
                row.position = position
                _by(row, actor).save(update_fields=["position"])
    return order


def history_restore(*, actor, item, history_id, version=None):
    """Put an item back as it was in one of its historical versions (recorded as a new change).

    A restore is an edit like any other: it writes only the fields the actor may edit
    (a member restoring their profile gets back their bio, not the role, status,
    published flag or display order a lab admin set), through the same service.
    """
    record = item.history.filter(history_id=history_id).first()
    if record is None:
        raise PermissionDenied
    old = record.instance
    with transaction.atomic():
        if isinstance(item, Profile):
            names = [
                f.name for f in Profile._meta.concrete_fields
                if f.editable and not f.primary_key and f.name not in RESTORE_NEVER
                and (f.name not in MEMBERSHIP_FIELDS or permissions.can_manage_lab(actor))
            ]  # fmt: skip
            changes = {n: getattr(old, n) for n in names if getattr(old, n) != getattr(item, n)}
            result = profile_update(actor=actor, profile=item, changes=changes, version=version) if changes else item
        else:
            section = sections.for_model(type(item))
            names = [n for n in section.fields if not type(item)._meta.get_field(n).is_relation]
            changes = {n: getattr(old, n) for n in names if getattr(old, n) != getattr(item, n)}
            result = section_item_update(actor=actor, item=item, values=changes, version=version) if changes else item
        if changes:
            ActivityEntry.record(
                actor=actor,
                kind=ActivityEntry.Kind.RESTORED,
                profile=permissions.owning_profile(item),
                target=f"{type(item)._meta.verbose_name} “{str(item)[:200]}”",
                detail=f"version of {record.history_date:%Y-%m-%d %H:%M}: {', '.join(sorted(changes))}",
            )
    return result


# Never put back by a restore: identity of the row, files, the account link.
RESTORE_NEVER = {"avatar", "user", "slug", "created_at", "updated_at"}


# --- Statements ------------------------------------------------------------------------


def _statement_share_link(actor, statement, *, issue):
    """Issue (a fresh token; a private statement becomes link-visible) or revoke (a
    link-visible statement becomes private) the unguessable link, in one locked write."""
    with transaction.atomic():
        locked = _lock(statement)
        _require(permissions.can_edit_object(actor, locked))
        if issue:
            locked.create_share_token()
        else:
            locked.revoke_share_token()
        visibility = Statement.Visibility
        was, becomes = (visibility.PRIVATE, visibility.LINK) if issue else (visibility.LINK, visibility.PRIVATE)
        if locked.visibility == was:
            locked.visibility = becomes
        _by(locked, actor).save(update_fields=["share_token", "visibility", "updated_at"])
    return locked


def statement_share_link_create(*, actor, statement):
    """(Re)issue the unguessable link; an older link stops working."""
    return _statement_share_link(actor, statement, issue=True)


def statement_share_link_revoke(*, actor, statement):
    return _statement_share_link(actor, statement, issue=False)


# --- Invitations ------------------------------------------------------------------------


def _invitation_days():
    return getattr(settings, "INVITATION_DAYS", 7)


def _send_invitation(invitation, token, site_url):
    from django.urls import reverse

    link = site_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    lab = Lab.load()
    context = {"invitation": invitation, "link": link, "days": _invitation_days(), "lab": lab}
    message = EmailMessage(
        subject=f"{lab.name}: your invitation to edit {invitation.profile.full_name}'s profile",
        body=render_to_string("registration/invitation_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    mail.enqueue(message)  # a task: retried if the mail server is down
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
        return Profile.objects.filter(slug=slug).exists() or ProfileRedirect.objects.filter(old_slug=slug).exists()

    while taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


MERGE_FILL_FIELDS = profile_fields.MERGE_FILL


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
        ActivityEntry.record(
            actor=actor,
            kind=ActivityEntry.Kind.MERGED,
            profile=target,
            target=f"{source.full_name} ({old_slug}) into {target.full_name}",
            detail=f"/people/{old_slug}/ now redirects to /people/{target.slug}/",
        )
    return target


def resolve_profile_redirect(slug):
    """Where an old profile address now lives: the Profile, or None.

    The public profile view calls this when no profile has `slug`, and answers with a
    permanent redirect to the returned profile's page.
    """
    redirect = ProfileRedirect.objects.select_related("profile").filter(old_slug=slug).first()
    return redirect.profile if redirect else None
