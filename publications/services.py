"""Writes to the lab's publications: adding and editing papers, their ordered authors,
claiming an author slot, featuring a paper. Conventions as in profiles/services.py:
`<entity>_<action>(*, actor, ...)`, one transaction per action, the permission check
inside (profiles.permissions), history recorded with the actor.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from profiles import permissions
from profiles.models import ActivityEntry, AuthorshipClaim
from profiles.services.writing import _apply, _by, _check_version, _lock, _require
from publications.models import Authorship, Publication


def _variants(name):
    """The ways one name appears in author lists: as given, "Last, First", "F. Last", "Last First"."""
    name = " ".join(name.split())
    names = {name}
    parts = name.split()
    if len(parts) >= 2:
        names.add(f"{parts[-1]}, {' '.join(parts[:-1])}")
        names.add(f"{parts[0][0]}. {' '.join(parts[1:])}")
        names.add(f"{' '.join(parts[1:])} {parts[0]}")
    return {n.casefold() for n in names if n}


def name_variants(profile):
    """Ways a member's name appears in author lists (for suggesting slots to claim).

    Built from full_name and native_name, which the member edits freely: a match here
    only makes a slot a candidate; see verified_name_variants for what links it at once.
    """
    names = set()
    for name in (profile.full_name, profile.native_name, *profile.verified_name_list()):
        if name.strip():
            names |= _variants(name)
    return names


def verified_name_variants(profile):
    """Variants of the names a lab admin confirmed (Profile.verified_names): the member cannot set them."""
    names = set()
    for name in profile.verified_name_list():
        names |= _variants(name)
    return names


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


def _link(locked, profile, actor):
    if Authorship.objects.filter(publication_id=locked.publication_id, profile=profile).exists():
        raise ValidationError("You are already an author of this publication.")
    locked.profile = profile
    _by(locked, actor).save(update_fields=["profile"])


def _record_claim(actor, claim, verb):
    ActivityEntry.record(
        actor=actor,
        kind=ActivityEntry.Kind.CLAIMED,
        profile=claim.profile,
        target=f"“{claim.name}” on {claim.publication}" if claim.publication_id else f"“{claim.name}”",
        detail=verb,
        publication_id=claim.publication_id,
    )


def authorship_claim(*, actor, profile, authorship):
    """Claim an unlinked author slot for `profile`; returns the AuthorshipClaim.

    The slot is linked at once when its printed name is one of the member's verified names
    (or a lab admin claims it); otherwise the claim waits (status pending) for a lab admin or
    a linked co-author to confirm it. Every claim is recorded.
    """
    with transaction.atomic():
        locked = _lock(authorship)
        _require(permissions.can_claim_authorship(actor, locked, profile))
        name = locked.name.casefold()
        if name not in name_variants(profile):
            raise PermissionDenied
        if Authorship.objects.filter(publication_id=locked.publication_id, profile=profile).exists():
            raise ValidationError("You are already an author of this publication.")
        verified = name in verified_name_variants(profile)
        admin = permissions.is_lab_admin(actor)
        pending = AuthorshipClaim.objects.filter(
            authorship=locked, profile=profile, status=AuthorshipClaim.Status.PENDING
        ).first()
        if not (verified or admin):
            if pending is not None:
                return pending
            claim = AuthorshipClaim.objects.create(
                authorship=locked,
                publication_id=locked.publication_id,
                profile=profile,
                name=locked.name,
                claimed_by=actor if actor.is_authenticated else None,
            )
            _record_claim(actor, claim, "asked to be linked (waiting for a lab admin or a co-author)")
            return claim
        _link(locked, profile, actor)
        now = timezone.now()
        claim = pending or AuthorshipClaim(
            authorship=locked,
            publication_id=locked.publication_id,
            profile=profile,
            name=locked.name,
            claimed_by=actor if actor.is_authenticated else None,
        )
        claim.status = AuthorshipClaim.Status.APPROVED
        claim.automatic = verified and not admin
        claim.decided_by = None if claim.automatic else actor
        claim.decided_at = now
        claim.save()
        _record_claim(actor, claim, "linked (verified name)" if claim.automatic else "linked by a lab admin")
    return claim


def claims_to_decide(user):
    """Pending claims this user may approve or refuse."""
    qs = AuthorshipClaim.objects.filter(status=AuthorshipClaim.Status.PENDING).select_related(
        "profile", "publication", "claimed_by"
    )
    if permissions.is_lab_admin(user):
        return qs
    own = permissions.own_profile_id(user)
    if own is None:
        return qs.none()
    return qs.filter(publication__authorships__profile_id=own).exclude(profile_id=own).distinct()


def _locked_claim(claim):
    # of=self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins.
    rows = AuthorshipClaim.objects.select_for_update(of=("self",)).select_related("profile", "publication")
    return rows.get(pk=claim.pk)


def authorship_claim_decide(*, actor, claim, approve):
    """Approve (link the slot) or refuse a pending claim."""
    with transaction.atomic():
        claim = _locked_claim(claim)
        _require(permissions.can_decide_claim(actor, claim))
        if claim.status != AuthorshipClaim.Status.PENDING:
            raise ValidationError("This claim was already decided.")
        if approve:
            if claim.authorship_id is None:
                raise ValidationError("The author slot no longer exists (the author list was edited).")
            locked = _lock(claim.authorship)
            if locked.profile_id is not None:
                raise ValidationError("The author slot is already linked to a member.")
            _link(locked, claim.profile, actor)
        claim.status = AuthorshipClaim.Status.APPROVED if approve else AuthorshipClaim.Status.REFUSED
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "decided_by", "decided_at"])
        _record_claim(actor, claim, "claim approved" if approve else "claim refused")
    return claim


def authorship_claim_undo(*, actor, claim):
    """A lab admin takes back an approved claim: the slot is unlinked again."""
    _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        claim = _locked_claim(claim)
        if claim.status != AuthorshipClaim.Status.APPROVED:
            raise ValidationError("Only an approved claim can be undone.")
        if claim.authorship_id is not None:
            locked = _lock(claim.authorship)
            if locked.profile_id == claim.profile_id:
                locked.profile = None
                locked.selected = False
                _by(locked, actor).save(update_fields=["profile", "selected"])
        claim.status = AuthorshipClaim.Status.UNDONE
        claim.decided_by = actor
        claim.decided_at = timezone.now()
        claim.save(update_fields=["status", "decided_by", "decided_at"])
        _record_claim(actor, claim, "claim undone by a lab admin")
    return claim


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
    _protect_other_members_slots(actor, existing, authors, links)
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


def _protect_other_members_slots(actor, existing, authors, links):
    """A member never removes, relinks or renames an author slot linked to another member.

    Every such slot must come back (by id) with the same printed name and the same link;
    only a lab admin may change it. Reordering the list is fine.
    """
    if permissions.is_lab_admin(actor):
        return
    own = permissions.own_profile_id(actor)
    given = {row.get("id"): row for row in authors if row.get("id")}
    for pk, old in existing.items():
        if old.profile_id is None or old.profile_id == own:
            continue
        row = given.get(pk)
        if row is None or row["name"].strip() != old.name or links[id(row)] != old.profile_id:
            raise PermissionDenied(
                f"The author slot of {old.name!r} is linked to another member: only they or a lab admin may "
                "remove, rename or relink it."
            )


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


def publication_delete(*, actor, publication):
    """Delete a paper: lab admins, or a member who is its only linked author."""
    with transaction.atomic():
        locked = _lock(publication)
        if not permissions.can_delete_publication(actor, locked):
            raise PermissionDenied("Other lab members are authors of this paper: unlink yourself instead.")
        # The paper's author rows go with it: each linked member keeps an entry in their activity log.
        for author in locked.authorships.exclude(profile=None).select_related("profile"):
            ActivityEntry.record(
                actor=actor,
                kind=ActivityEntry.Kind.DELETED,
                profile=author.profile,
                target=f"publication “{locked.title[:200]}”",
                detail=f"was author {author.position}, “{author.name}”",
            )
        _by(locked, actor).delete()


def publication_replace_authors(*, actor, publication, rows):
    """Replace a paper's author rows with `rows` (unsaved Authorship objects), as the admin's
    spreadsheet import decided them (lab admins only: the admin is theirs)."""
    if actor is not None:
        _require(permissions.can_manage_lab(actor))
    with transaction.atomic():
        for old in publication.authorships.all():
            _by(old, actor).delete()
        for row in rows:
            _by(row, actor).save()
