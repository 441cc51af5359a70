"""factory_boy factories shared by the whole suite."""

import factory
from django.contrib.auth import get_user_model

from profiles import models as pm
from publications.models import Authorship, Publication


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery-staple")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Profile

    full_name = factory.Sequence(lambda n: f"Member Number{n}")
    slug = factory.Sequence(lambda n: f"member-{n}")
    headline = "PhD student"
    role = pm.Profile.Role.PHD
    short_bio = "Works on *systems*."
    interest_tags = "Systems, Compilers"


class ProfileLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.ProfileLink

    profile = factory.SubFactory(ProfileFactory)
    kind = pm.ProfileLink.Kind.GITHUB
    url = "https://github.com/example"


class NewsItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.NewsItem

    profile = factory.SubFactory(ProfileFactory)
    date = "2025-01"
    body = factory.Sequence(lambda n: f"News number {n}")
    position = factory.Sequence(int)


class FocusThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.FocusTheme

    profile = factory.SubFactory(ProfileFactory)
    title = factory.Sequence(lambda n: f"Theme {n}")
    body = "A paragraph."
    position = factory.Sequence(int)


class EducationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Education

    profile = factory.SubFactory(ProfileFactory)
    institution = factory.Sequence(lambda n: f"University {n}")
    degree = "B.Sc."
    start_date = "2016-09"
    end_date = "2020-06"
    position = factory.Sequence(int)


class ExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Experience

    profile = factory.SubFactory(ProfileFactory)
    organisation = factory.Sequence(lambda n: f"Company {n}")
    title = "Engineer"
    start_date = "2020-07"
    is_current = True
    position = factory.Sequence(int)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Project

    profile = factory.SubFactory(ProfileFactory)
    title = factory.Sequence(lambda n: f"Project {n}")
    summary = "One line."
    position = factory.Sequence(int)


class OpenSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.OpenSourceContribution

    profile = factory.SubFactory(ProfileFactory)
    project = factory.Sequence(lambda n: f"oss-{n}")
    role = "Contributor"
    position = factory.Sequence(int)


class HighlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Highlight

    project = factory.SubFactory(ProjectFactory)
    label = "Problem"
    text = "Something was **92%** slow."
    position = factory.Sequence(int)


class TalkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Talk

    profile = factory.SubFactory(ProfileFactory)
    title = factory.Sequence(lambda n: f"Talk {n}")
    position = factory.Sequence(int)


class TalkDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.TalkDelivery

    talk = factory.SubFactory(TalkFactory)
    event = factory.Sequence(lambda n: f"Event {n}")
    location = "Virtual"
    is_virtual = True
    date = "2022-08"
    position = factory.Sequence(int)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Service

    profile = factory.SubFactory(ProfileFactory)
    venue = factory.Sequence(lambda n: f"Conf {n}")
    year = 2025
    position = factory.Sequence(int)


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Award

    profile = factory.SubFactory(ProfileFactory)
    title = factory.Sequence(lambda n: f"Award {n}")
    year = 2022
    position = factory.Sequence(int)


class PressItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.PressItem

    profile = factory.SubFactory(ProfileFactory)
    outlet = "Blog"
    title = factory.Sequence(lambda n: f"Write-up {n}")
    url = "https://example.org/post"
    position = factory.Sequence(int)


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.Statement

    profile = factory.SubFactory(ProfileFactory)
    kind = pm.Statement.Kind.RESEARCH
    title = factory.Sequence(lambda n: f"Statement {n}")
    body = "I want to build **systems**."
    visibility = pm.Statement.Visibility.PRIVATE


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication

    kind = Publication.Kind.CONFERENCE
    title = factory.Sequence(lambda n: f"A Study of Things, Part {n}")
    venue = "Symposium on Examples"
    venue_short = "SOE '24"
    year = 2024
    citation_key = factory.Sequence(lambda n: f"paper{n}")


class AuthorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authorship

    publication = factory.SubFactory(PublicationFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"Author {n}")
