"""Match printed author names to lab members, without guessing.

Pure functions: `name_variants` folds a member's name (and native-script name) into the
keys a paper might print it as; `build_member_index` collects them for the whole lab
once; `match_author` looks one printed name (and ORCID) up. A name that fits two members
is *ambiguous* and is reported, never linked.

Keys, for "Tomás Okonkwo-Reyes":
- ``full:tomasokonkworeyes``: every letter of the name, accents and case folded,
  spaces, hyphens and dots dropped, so "Okonkwo Reyes, Tomás" and "Tomas Okonkwo-Reyes"
  are the same person. A native-script name gets the same treatment ("中村 愛子").
- ``init:t|okonkworeyes``: initials of the given names and the family name, only ever
  compared with a printed name whose given names are themselves initials ("T. Okonkwo-Reyes").
  A printed full given name ("Tobias Okonkwo-Reyes") must match a ``full:`` key: an
  initial never links a different first name.
"""

import re
import unicodedata

from publications.formats import split_name

_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


def fold(text):
    """Letters and digits only, accents stripped, casefolded ("Lefèvre-Ng" -> "lefevreng")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in kept.casefold() if ch.isalnum())


def normalise_orcid(value):
    match = _ORCID.search(value or "")
    return match.group(1).upper() if match else ""


def _given_tokens(given):
    return [t for t in re.split(r"[\s.\-‐]+", given or "") if t]


def _is_abbreviated(given):
    """True for "C.", "M.-K.", "J R" (every given token one letter)."""
    tokens = _given_tokens(given)
    return bool(tokens) and all(len(fold(t)) <= 1 for t in tokens)


def _init_keys(given, family):
    tokens = [fold(t)[:1] for t in _given_tokens(given) if fold(t)]
    fam = fold(family)
    if not tokens or not fam:
        return []
    keys = [f"init:{''.join(tokens)}|{fam}"]
    if len(tokens) > 1:
        keys.append(f"init:{tokens[0]}|{fam}")
    return keys


def name_variants(full_name, native_name=""):
    """Every key under which a member's name may be printed (see the module docstring)."""
    keys = set()
    for name in (full_name, native_name):
        if not (name or "").strip():
            continue
        if fold(name):
            keys.add(f"full:{fold(name)}")
        given, family = split_name(name)
        if given and family:
            keys.add(f"full:{fold(given)}{fold(family)}")
            keys.update(_init_keys(given, family))
            first = _given_tokens(given)[0]
            if first and fold(first) != fold(given):
                # "Jan Peter Berg" also publishes as "Jan Berg".
                keys.add(f"full:{fold(first)}{fold(family)}")
    return keys


def printed_keys(name):
    """Keys to look a printed author name up with, most specific first."""
    name = (name or "").strip().rstrip("*†‡").strip()
    if not fold(name):
        return []
    given, family = split_name(name)
    if given and _is_abbreviated(given):
        return _init_keys(given, family)
    keys = [f"full:{fold(name)}"]
    if given and family:
        keys.append(f"full:{fold(given)}{fold(family)}")
    return keys


def build_member_index(members):
    """`members`: iterable of (profile_id, full_name, native_name, orcid) -> an index dict."""
    by_key, by_orcid = {}, {}
    for pk, full_name, native_name, orcid in members:
        for key in name_variants(full_name, native_name):
            by_key.setdefault(key, set()).add(pk)
        if orcid:
            by_orcid[normalise_orcid(orcid)] = pk
    return {"keys": by_key, "orcid": by_orcid}


def match_author(name, orcid, index):
    """(profile_id | None, ambiguous) for one printed author.

    ORCID first (unique per member); then the most specific name key that names
    anyone. Two or more members under that key: ambiguous, nobody linked.
    """
    orcid = normalise_orcid(orcid)
    if orcid and orcid in index["orcid"]:
        return index["orcid"][orcid], False
    for key in printed_keys(name):
        found = index["keys"].get(key)
        if found:
            if len(found) == 1:
                return next(iter(found)), False
            return None, True
    return None, False


def profile_by_trusted_email(email):
    """The one profile whose *verified* address is `email`, or None.

    A member may type any address into their profile's public `email` field, a
    colleague's included, so a bulk import never matches on that field alone. Trusted:
    the account email of the profile's user (the address the invitation was sent to and
    accepted from, or one a lab admin set; members cannot change it), and the profile
    email of a profile no member controls (only lab admins edit those). Two profiles
    under one address: no match.
    """
    from django.db.models import Q

    from profiles.models import Profile

    email = (email or "").strip()
    if not email:
        return None
    found = list(Profile.objects.filter(Q(user__email__iexact=email) | Q(user__isnull=True, email__iexact=email))[:2])
    return found[0] if len(found) == 1 else None


def profile_by_trusted_orcid(orcid):
    """The profile whose *trusted* ORCID iD is `orcid`, or None.

    A member may type any ORCID iD into their own profile, a colleague's included (the
    project has no ORCID sign-in that would prove it theirs), so an import matches a
    document or a printed author by ORCID only on a profile no member controls (no
    account: only lab admins edit it, as for the profile email in profile_by_trusted_email).
    Members with an account are matched by their verified email or their slug instead.
    """
    from profiles.models import Profile

    orcid = normalise_orcid(orcid)
    if not orcid:
        return None
    return Profile.objects.filter(orcid=orcid, user__isnull=True).first()


def member_index_from_db():
    """The whole lab's index, in one query (ORCID iDs only where trusted: profile_by_trusted_orcid)."""
    from django.db.models import Case, CharField, Value, When

    from profiles.models import Profile

    trusted = Case(When(user__isnull=True, then="orcid"), default=Value(""), output_field=CharField())
    return build_member_index(Profile.objects.values_list("pk", "full_name", "native_name", trusted))
