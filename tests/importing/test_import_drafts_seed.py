"""Seed 001 (a real CV, read as plain text) comes back as a draft holding its facts in the right sections.

Skipped when the shared seeds folder is absent (see tests/profiles/formats/test_cvdoc_seeds.py).
"""

from decimal import Decimal

import pytest
from django.test import Client

from profiles.imports.files import import_cv_document, import_drafts_confirm
from profiles.models import Award, Education, Experience, ImportDraft, Talk
from publications.models import Publication
from tests.factories import ProfileFactory
from tests.profiles.formats.test_cvdoc_seeds import seed

pytestmark = pytest.mark.django_db


def test_seed_001_becomes_a_draft_with_its_facts_then_is_confirmed(admin):
    draft = seed("001")
    member = ProfileFactory(slug="chijun-sima", full_name="Chijun Sima", email="", short_bio="")
    report = import_cv_document(member, draft.document, source="001.txt", leftovers=draft.leftovers)
    assert report.ok, report.lines()
    education = Education.objects.get(profile=member)
    assert education.draft
    assert (education.gpa, education.gpa_scale, education.rank, education.rank_of) == (
        Decimal("3.85"), Decimal("4.00"), 1, 28,
    )  # fmt: skip
    tencent = Experience.objects.get(profile=member, organisation="Tencent (WeChat)")
    assert (tencent.draft, tencent.start_date, tencent.is_current) == (True, "2020-07", True)
    talk = Talk.objects.get(profile=member)
    assert talk.draft
    assert talk.deliveries.count() == 3
    assert Award.objects.filter(profile=member, draft=True).count() == 3
    record = ImportDraft.objects.get(profile=member)
    assert len(record.publications) == 2
    assert any("external write-ups" in left["text"] for left in record.leftovers)
    assert "Tencent" not in Client().get(member.get_absolute_url()).content.decode()

    import_drafts_confirm(actor=admin, profile=member)
    ekko = Publication.objects.get(title__startswith="Ekko")
    rows = list(ekko.authorships.order_by("position"))
    assert [r.equal_contribution for r in rows[:3]] == [True, True, False]
    assert rows[0].profile == member
    assert Publication.objects.count() == 2
    assert "Tencent" in Client().get(member.get_absolute_url()).content.decode()
