"""Reads: what a page or an endpoint shows, in a bounded number of queries."""

from django.db.models import Prefetch
from django.http import Http404

from publications.models import Authorship, Publication

from . import permissions
from .models import (
    Award,
    Education,
    Experience,
    FocusTheme,
    Highlight,
    NewsItem,
    OpenSourceContribution,
    PressItem,
    Profile,
    Project,
    Service,
    Skill,
    Talk,
    TalkDelivery,
)


def _highlights():
    # Top-level bullets with their sub-bullets: two queries for every highlight of the page.
    return Prefetch(
        "highlights",
        queryset=Highlight.objects.filter(parent__isnull=True).prefetch_related(
            Prefetch("children", queryset=Highlight.objects.order_by("position", "id"))
        ),
    )


def _publications_qs():
    return Publication.objects.prefetch_related(
        Prefetch("authorships", queryset=Authorship.objects.select_related("profile").order_by("position"))
    )


def profile_sections_prefetch(user, profile):
    """Prefetch objects for every section, keeping only items `user` may read."""
    keep = permissions.item_filter(user, profile)
    projects = (
        Project.objects.filter(keep)
        .prefetch_related(_highlights(), Prefetch("related_publications", queryset=_publications_qs()))
    )
    return [
        "links",
        Prefetch("focus_themes", queryset=FocusTheme.objects.filter(keep)),
        Prefetch("news", queryset=NewsItem.objects.filter(keep)),
        Prefetch("education", queryset=Education.objects.filter(keep)),
        Prefetch(
            "experience",
            queryset=Experience.objects.filter(keep).prefetch_related(
                _highlights(), Prefetch("projects", queryset=projects, to_attr="visible_projects")
            ),
        ),
        Prefetch(
            "projects",
            queryset=projects.filter(experience__isnull=True),
            to_attr="standalone_projects",
        ),
        Prefetch("open_source", queryset=OpenSourceContribution.objects.filter(keep).prefetch_related(_highlights())),
        Prefetch(
            "talks",
            queryset=Talk.objects.filter(keep).prefetch_related(
                Prefetch("deliveries", queryset=TalkDelivery.objects.all())
            ),
        ),
        Prefetch("service", queryset=Service.objects.filter(keep)),
        Prefetch("awards", queryset=Award.objects.filter(keep)),
        Prefetch("press", queryset=PressItem.objects.filter(keep).select_related("publication", "project")),
        Prefetch("skills", queryset=Skill.objects.filter(keep)),
    ]


def get_profile_for_page(user, slug):
    """Fetch a profile a user may view, with every section they may read, or 404."""
    profile = Profile.objects.filter(slug=slug).select_related("user").first()
    if profile is None or not permissions.can_view_profile(user, profile):
        raise Http404("No such profile.")
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([profile], *profile_sections_prefetch(user, profile))
    return profile


def profile_publications(profile, selected_only=False):
    qs = _publications_qs().filter(authorships__profile=profile)
    if selected_only:
        qs = qs.filter(authorships__profile=profile, authorships__selected=True)
    return qs.distinct().order_by("-year", "-month", "title")


def directory(query=""):
    from django.db.models import Q

    qs = Profile.objects.published().prefetch_related("links")
    if query:
        qs = qs.filter(
            Q(full_name__icontains=query)
            | Q(native_name__icontains=query)
            | Q(interest_tags__icontains=query)
            | Q(research_interests__icontains=query)
            | Q(headline__icontains=query)
        )
    return qs
