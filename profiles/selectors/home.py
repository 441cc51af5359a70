"""Home: the lab, its current members (windowed) and the latest news."""

from django.db import models

from profiles import sections as registry
from profiles.models import Lab, NewsItem, Profile, Visibility
from profiles.selectors.people import ROLE_PLURALS, role_rank
from publications.selectors import LATEST_ON_HOME


def current_lab():
    return Lab.load()


# How many members home shows (the rest are one link away, on /people/).
MEMBERS_ON_HOME = 24
HOME_CARD_FIELDS = ("slug", "full_name", "role", "avatar", "display_order")


def home_members(limit=MEMBERS_ON_HOME):
    """(first `limit` current members in directory order, [(role label, count)], total): 2 queries.

    Home is windowed whatever the size of the lab: one GROUP BY for the counts per role,
    one query for the few people it shows.
    """
    current = Profile.objects.published().filter(status=Profile.Status.CURRENT)
    counts = dict(current.order_by().values_list("role").annotate(n=models.Count("pk")))
    order = list(Profile.Role.values)
    people = list(
        current.only(*HOME_CARD_FIELDS)
        .annotate(role_rank=role_rank())
        .order_by("role_rank", "display_order", "full_name", "pk")[:limit]
    )
    roles = [
        (role, ROLE_PLURALS.get(role, Profile.Role(role).label), counts[role]) for role in order if counts.get(role)
    ]
    return people, roles, sum(counts.values())


def latest_news(limit=LATEST_ON_HOME, profile=None):
    """Public news of published members, newest first (one query)."""
    qs = NewsItem.objects.filter(
        registry.visible_q(registry.for_model(NewsItem), [Visibility.PUBLIC]), profile__published=True
    )
    if profile is not None:
        qs = qs.filter(profile=profile)
    qs = qs.select_related("profile").only(
        "date", "body", "body_html", "position", "updated_at", "profile__slug", "profile__full_name"
    )
    return list(qs.order_by("-date", "-updated_at", "-id")[:limit])
