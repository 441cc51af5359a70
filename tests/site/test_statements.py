import pytest

from profiles.models import Statement
from tests import factories as f

pytestmark = pytest.mark.django_db
V = Statement.Visibility


def _url(st):
    return f"/people/{st.profile.slug}/statements/{st.slug}/"


def test_public_statement_is_readable_and_listed(client, lab):
    st = f.StatementFactory(visibility=V.PUBLIC, title="Research statement", body="I build **systems**.")
    response = client.get(_url(st))
    assert response.status_code == 200
    assert "I build <strong>systems</strong>." in response.content.decode()
    assert _url(st) in client.get(st.profile.get_absolute_url()).content.decode()


@pytest.mark.parametrize("visibility", [V.PRIVATE, V.MEMBERS, V.LINK])
def test_non_public_statements_never_reach_a_visitor(client, lab, visibility):
    st = f.StatementFactory(visibility=visibility, title="Secret plan", share_token="tok-" + visibility)
    assert client.get(_url(st)).status_code == 404
    assert "Secret plan" not in client.get(st.profile.get_absolute_url()).content.decode()


def test_link_shared_statement_only_at_its_share_url_and_404_once_revoked(client, lab):
    st = f.StatementFactory(visibility=V.LINK, body="Shared text")
    st.create_share_token()
    st.save()
    response = client.get(st.get_share_url())
    assert response.status_code == 200
    assert "Shared text" in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]
    assert client.get(_url(st)).status_code == 404
    old = st.get_share_url()
    st.revoke_share_token()
    st.save()
    assert client.get(old).status_code == 404
    assert client.get("/s/not-a-token/").status_code == 404


def test_members_only_statement_for_a_member(client, lab, bob):
    st = f.StatementFactory(visibility=V.MEMBERS, body="For the lab")
    client.force_login(bob)
    assert client.get(_url(st)).status_code == 200


def test_statement_of_unpublished_profile_is_404(client, lab):
    st = f.StatementFactory(visibility=V.PUBLIC, profile=f.ProfileFactory(published=False))
    assert client.get(_url(st)).status_code == 404
