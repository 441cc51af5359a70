import pytest


@pytest.fixture(scope="session")
def _private_cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _test_environment(settings, _private_cache_dir):
    # The default file cache lives in ./var/cache; a test run gets its own folder so that
    # two runs in one checkout never clear each other's pages (Redis runs keep Redis).
    if settings.CACHES["default"]["BACKEND"].endswith("FileBasedCache"):
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(_private_cache_dir)}}
    # The suite talks plain HTTP through the test client, and pages are rendered
    # without a collectstatic manifest (DEBUG is off under pytest-django).
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- The cast: alice and bob (members), admin (a lab admin), anon (a visitor) ----------


def _member(username, full_name, slug):
    from tests.factories import ProfileFactory, UserFactory

    user = UserFactory(username=username, email=f"{username}@example.org")
    ProfileFactory(user=user, full_name=full_name, slug=slug)
    return user


@pytest.fixture
def alice(db):
    return _member("alice", "Alice Liddell", "alice-liddell")


@pytest.fixture
def bob(db):
    return _member("bob", "Bob Builder", "bob-builder")


@pytest.fixture
def admin(db):
    from django.contrib.auth.models import Group

    from profiles.permissions import LAB_ADMIN_GROUP
    from tests.factories import UserFactory

    user = UserFactory(username="labadmin", email="labadmin@example.org", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=LAB_ADMIN_GROUP)[0])
    return user


@pytest.fixture
def anon():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()
