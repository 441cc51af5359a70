"""Every author line (lists, profile, CV, detail) says when the source's list was cut short
("and others" → "et al.") or absent ("Authors not given in the source")."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_et_al_and_unknown_authors_show_on_every_list(client, lab):
    member = f.ProfileFactory(slug="ada", full_name="Ada Lovelace")
    cut = f.PublicationFactory(title="Cut Short", authors_truncated=True)
    f.AuthorshipFactory(publication=cut, position=1, name="Ada Lovelace", profile=member)
    unknown = f.PublicationFactory(title="Nobody Listed", authors_unknown=True)
    f.AuthorshipFactory(publication=unknown, position=1, name="Ada Lovelace", profile=member)
    for url in ["/publications/", "/people/ada/", "/people/ada/cv/", "/people/ada/publications/"]:
        page = client.get(url).content.decode()
        assert ", et al.</span>" in page, url
        assert "Authors not given in the source" in page, url
    detail = client.get(cut.get_absolute_url()).content.decode()
    assert ", et al." in detail
    assert detail.count(", et al.") == 1
