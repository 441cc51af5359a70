"""Public rows the feeds and the sitemap list."""

from profiles.models import Profile, Statement


def public_profiles():
    return Profile.objects.published().only("slug", "updated_at", "full_name")


def public_statements():
    return (
        Statement.objects.filter(visibility=Statement.Visibility.PUBLIC, profile__published=True)
        .select_related("profile")
        .only("slug", "updated_at", "title", "profile__slug")
    )
