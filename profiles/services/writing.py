"""What every service does around a write: lock the row, check the editor's version,
apply the changes, validate, record who did it.

profiles/services.py and publications/services.py build on these; nothing else should
need them.
"""

import hashlib

from django.core.exceptions import PermissionDenied


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
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.attname not in FINGERPRINT_SKIP}


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
