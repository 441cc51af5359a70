"""Public rows the sitemap lists: one queryset per kind of public page (profiles.site.sitemaps
reads them as `values_list()` ranges of their primary keys)."""

from django.db.models.functions import Coalesce

from profiles.models import Profile, Statement
from publications.models import Publication


def public_profiles():
    return Profile.objects.published().only("slug", "updated_at", "full_name")


def public_statements():
    return (
        Statement.objects.filter(visibility=Statement.Visibility.PUBLIC, profile__published=True)
        .select_related("profile")
        .only("slug", "updated_at", "title", "profile__slug")
    )


def addressed_publications():
    """Every paper with `address`, the key of its page: its slug (a citation key may hold "/"),
    else (rows bulk-created without one) its citation key."""
    return Publication.objects.annotate(address=Coalesce("slug", "citation_key"))
