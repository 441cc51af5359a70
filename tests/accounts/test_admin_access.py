"""The Django admin asks profiles.permissions: lab admins in, members out."""

import pytest
from django.contrib import admin as django_admin
from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory

from profiles.models import NewsItem, Profile
from publications.models import Publication

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def request_for(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model", [Profile, NewsItem, Publication])
def test_lab_admin_may_do_everything_members_nothing(admin, alice, model):
    model_admin = django_admin.site._registry[model]
    for user, allowed in [(admin, True), (alice, False)]:
        request = request_for(user)
        assert model_admin.has_module_permission(request) is allowed
        assert model_admin.has_view_permission(request) is allowed
        assert model_admin.has_add_permission(request) is allowed
        assert model_admin.has_change_permission(request) is allowed
        assert model_admin.has_delete_permission(request) is allowed


def test_a_member_with_is_staff_and_model_permissions_still_gets_nothing(alice):
    alice.is_staff = True
    alice.save()
    alice.user_permissions.set(Permission.objects.filter(content_type__app_label="profiles"))
    client = Client()
    client.force_login(alice)
    assert client.get("/admin/profiles/profile/").status_code == 403
    assert client.get(f"/admin/profiles/profile/{alice.profile.pk}/change/").status_code == 403


def test_lab_admin_opens_the_admin(admin, alice):
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/profiles/profile/").status_code == 200
    assert client.get(f"/admin/profiles/profile/{alice.profile.pk}/change/").status_code == 200


def test_members_are_not_staff(alice):
    client = Client()
    client.force_login(alice)
    assert client.get("/admin/").status_code == 302  # to the admin login
