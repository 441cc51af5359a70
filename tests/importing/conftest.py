from pathlib import Path

import pytest

from tests.factories import ProfileFactory, UserFactory

DATA = Path(__file__).resolve().parents[1] / "data" / "import"

MEMBERS = [
    ("elena-marchetti", "Elena Marchetti", "", "0000-0002-1825-0097"),
    ("aiko-nakamura", "Aiko Nakamura", "中村 愛子", ""),
    ("chijun-sima", "Chijun Sima", "", ""),
    ("tomas-okonkwo-reyes", "Tomás Okonkwo-Reyes", "", ""),
    ("jonas-becker", "Jonas Becker", "", ""),
    ("ravi-deshpande", "Ravi Deshpande", "", ""),
    ("fatima-al-sayed", "Fatima Al-Sayed", "فاطمة السيد", ""),
    ("hugo-lefevre", "Hugo Lefèvre", "", ""),
]


@pytest.fixture
def data():
    return DATA


@pytest.fixture
def lab(db):
    """The small lab the data files in tests/data/import/ were written for."""
    return {
        slug: ProfileFactory(slug=slug, full_name=name, native_name=native, orcid=orcid)
        for slug, name, native, orcid in MEMBERS
    }


@pytest.fixture
def alice(db):
    user = UserFactory(username="alice")
    ProfileFactory(slug="alice", full_name="Alice Andersson", user=user)
    return user


@pytest.fixture
def bob(db):
    user = UserFactory(username="bob")
    ProfileFactory(slug="bob", full_name="Bob Brown", user=user)
    return user


@pytest.fixture
def admin(db):
    return UserFactory(username="admin", is_superuser=True, is_staff=True)
