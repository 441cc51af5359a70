import pytest


@pytest.fixture(scope="session")
def _private_cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _test_environment(settings, _private_cache_dir, tmp_path):
    # The default cache lives in ./var/diskcache; a test run gets its own folder so that
    # two runs in one checkout never clear each other's pages (Redis runs keep Redis).
    if settings.CACHES["default"]["BACKEND"].endswith(("FileBasedCache", "EmbeddedCache")):
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": str(_private_cache_dir)}}
    # The suite talks plain HTTP through the test client, and pages are rendered
    # without a collectstatic manifest (DEBUG is off under pytest-django).
    settings.SECURE_SSL_REDIRECT = False
    # Previews and imports are background jobs: the suite runs them inside the request
    # (the tests of the queue itself, tests/importing/test_jobs*.py, choose their backend).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # Each test's uploads wait in its own private folder (job ids restart with each test database).
        "imports": {**settings.STORAGES["imports"], "OPTIONS": {"location": str(tmp_path / "private-imports")}},
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


# --- The demo lab, built once per test session ---------------------------------------------
#
# load_demo() writes the whole lab through the native sync (validation, history rows):
# seconds per call. The session builds it once inside a transaction that is rolled back,
# keeps the rows in memory, and each test that asks for `demo_lab` inserts them again with
# bulk_create (a fraction of a second). Tests of load_demo itself still call it.


def _snapshot_models():
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model()
    found = [user, Group, user.groups.through, Group.permissions.through, user.user_permissions.through]
    for label in ("profiles", "publications"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            found.append(model)
    return list(dict.fromkeys(found))


@pytest.fixture(scope="session")
def _demo_rows(django_db_setup, django_db_blocker):
    from django.db import transaction

    from profiles.demo.loader import load_demo

    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        rows = [(model, list(model._base_manager.all())) for model in _snapshot_models()]
        transaction.set_rollback(True)
    return rows


@pytest.fixture
def demo_lab(db, _demo_rows):
    """The demo lab of `manage.py load_demo`, in this test's transaction."""
    import copy

    from django.core.management.color import no_style
    from django.db import connection

    for model, objects in _demo_rows:
        if objects:
            model._base_manager.bulk_create([copy.copy(obj) for obj in objects])
    # Rows came with their ids: move the id sequences past them (PostgreSQL).
    for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in _demo_rows]):
        with connection.cursor() as cursor:
            cursor.execute(sql)
    return _demo_rows


def pytest_configure(config):
    # Hashing a password the production way costs ~0.3 s each; the suite logs in hundreds
    # of times. Login behaviour does not depend on the hasher.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
