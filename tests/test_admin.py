"""The Django admin works for a lab admin, and its changelists do not run a query per row."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from profiles.permissions import LAB_ADMIN_GROUP
from tests import factories as f

pytestmark = pytest.mark.django_db

OUR_APPS = {"profiles", "publications"}


@pytest.fixture
def lab_admin_client(client):
    group, _ = Group.objects.get_or_create(name=LAB_ADMIN_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=OUR_APPS))
    user = f.UserFactory(username="headoflab", is_staff=True)
    user.groups.add(group)
    client.force_login(user)
    return client


def our_admins():
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model._meta.app_label in OUR_APPS
    ]


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_ours_is_registered():
    from django.apps import apps

    registered = {model for model, _ in our_admins()}
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue  # history is shown through each object's History page
            assert model in registered, f"{model.__name__} is not in the admin"


def test_every_changelist_add_and_change_page_loads(demo_lab, lab_admin_client):
    for model, model_admin in our_admins():
        response = lab_admin_client.get(url(model, "changelist"))
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert lab_admin_client.get(url(model, "add")).status_code == 200, model
        obj = model.objects.first()
        if obj is not None:
            assert lab_admin_client.get(url(model, "change", obj.pk)).status_code == 200, model


def test_profile_change_page_shows_every_section_inline(demo_lab, lab_admin_client):
    from profiles.models import Profile

    profile = Profile.objects.get(slug="chijun-sima")
    page = lab_admin_client.get(url(Profile, "change", profile.pk)).content.decode()
    for text in [
        "Model freshness at scale",
        "South China University of Technology",
        "LLM serving systems",
        "CVPR 2025",
        "2022H2",
        "Synced Review",
    ]:
        assert text in page


def test_publication_admin_edits_ordered_authors(lab_admin_client):
    paper = f.PublicationFactory(title="Ordered")
    data = {
        "kind": "conference",
        "title": "Ordered",
        "citation_key": paper.citation_key,
        "year": "2024",
        "venue": "",
        "venue_short": "",
        "month": "",
        "volume": "",
        "number": "",
        "pages": "",
        "publisher": "",
        "doi": "",
        "arxiv_id": "",
        "abstract": "",
        "note": "",
        "keywords": "",
        "url": "",
        "url_pdf": "",
        "url_code": "",
        "url_slides": "",
        "url_video": "",
        "url_project": "",
        "authorships-TOTAL_FORMS": "2",
        "authorships-INITIAL_FORMS": "0",
        "authorships-MIN_NUM_FORMS": "0",
        "authorships-MAX_NUM_FORMS": "1000",
        "authorships-0-position": "2",
        "authorships-0-name": "Second Author",
        "authorships-1-position": "1",
        "authorships-1-name": "First Author",
        "authorships-1-equal_contribution": "on",
    }
    response = lab_admin_client.post(url(type(paper), "change", paper.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    names = list(paper.authorships.order_by("position").values_list("name", "equal_contribution"))
    assert names == [("First Author", True), ("Second Author", False)]


def _changelist_queries(client, model):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url(model, "changelist"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


CASES = {
    "profile": lambda p: f.ProfileFactory(),
    "publication": lambda p: f.AuthorshipFactory(profile=p).publication,
    "authorship": lambda p: f.AuthorshipFactory(profile=None),
    "experience": lambda p: f.ExperienceFactory(profile=p),
    "project": lambda p: f.ProjectFactory(profile=p, experience=f.ExperienceFactory(profile=p)),
    "highlight": lambda p: f.HighlightFactory(project=f.ProjectFactory(profile=p)),
    "talk": lambda p: f.TalkDeliveryFactory(talk=f.TalkFactory(profile=p)).talk,
    "newsitem": lambda p: f.NewsItemFactory(profile=p),
    "statement": lambda p: f.StatementFactory(profile=p),
    "award": lambda p: f.AwardFactory(profile=p),
    "pressitem": lambda p: f.PressItemFactory(profile=p),
    "education": lambda p: f.EducationFactory(profile=p),
    "opensourcecontribution": lambda p: f.OpenSourceFactory(profile=p),
    "service": lambda p: f.ServiceFactory(profile=p),
    "profilelink": lambda p: f.ProfileLinkFactory(profile=p),
}


@pytest.mark.parametrize("model_name", sorted(CASES))
def test_changelist_queries_do_not_grow_with_rows(lab_admin_client, model_name):
    from django.apps import apps

    model = next(
        apps.get_model(app, model_name)
        for app in OUR_APPS
        if model_name in {m._meta.model_name for m in apps.get_app_config(app).get_models()}
    )
    owner = f.ProfileFactory()
    make = CASES[model_name]
    make(owner)
    one = _changelist_queries(lab_admin_client, model)
    for _ in range(199):
        make(owner)
    assert model.objects.count() >= 200
    many = _changelist_queries(lab_admin_client, model)
    assert many == one, f"{model_name}: {one} queries with 1 row, {many} with 200"
