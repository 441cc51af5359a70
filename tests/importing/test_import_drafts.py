"""Imported CVs and sites are drafts: hidden from every public interface until their member confirms them.

The CV below is read by the real parser (profiles.formats.cvdoc) and written by
profiles.imports.files.import_cv_document; alice (member) owns the profile, bob (another
member) must neither see nor confirm her drafts, the lab admin may do both.
"""

import pytest
from django.test import Client
from django.urls import reverse

from profiles.formats.cvdoc import parse_cv_text
from profiles.imports.files import import_cv_document, import_drafts_confirm
from profiles.models import Education, Experience, ImportDraft, NewsItem, Profile, Talk
from publications.models import Publication

pytestmark = pytest.mark.django_db

CV = """\
# Alice Andersson

## Education

University of Oxford
Sep 2016 – Jun 2020
B.A. in Mathematics; GPA: 3.85/4.00 (Rank 1/28); Thesis: Mirrors and Machines

## Experience

Looking Glass Labs
Jul 2020 – Present
Research Engineer
- Built the Jabberwock compiler.

## Publications

- **Through the Looking Glass: Compilers for Mirrored Machines.**
  Alice Andersson*, Charles Dodgson*, Lewis Carroll. OSDI '22.

## Talks

- *Mirrored machines.* DataFun (Virtual, Aug 2022); TechBeat (Virtual, Sep 2022).

## News

- 2023-05: Our paper won a best-paper award.

## Hobbies

Croquet with flamingos.
"""


def _import(profile, text=CV, source="alice-cv.md", actor=None, **kwargs):
    draft = parse_cv_text(text)
    return import_cv_document(profile, draft.document, actor=actor, source=source, leftovers=draft.leftovers, **kwargs)


@pytest.fixture
def alice_profile(alice):
    return Profile.objects.get(user=alice)


def _client(user=None, **kwargs):
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


# --- Drafts are written, and hidden from every public interface -----------------------------


def test_a_cv_import_writes_draft_items_and_keeps_papers_and_leftovers_for_review(alice_profile):
    report = _import(alice_profile)
    assert report.ok, report.lines()
    education = Education.objects.get(profile=alice_profile)
    assert (education.draft, education.imported_from) == (True, "alice-cv.md")
    assert (education.rank, education.rank_of, education.thesis_title) == (1, 28, "Mirrors and Machines")
    assert Experience.objects.get(profile=alice_profile).draft
    assert Talk.objects.get(profile=alice_profile).draft
    assert not Publication.objects.exists()  # the papers wait for "Confirm all"
    record = ImportDraft.objects.get(profile=alice_profile)
    assert [p["title"] for p in record.publications] == ["Through the Looking Glass: Compilers for Mirrored Machines"]
    assert {"section": "Hobbies", "text": "Croquet with flamingos."} in record.leftovers


@pytest.mark.parametrize("viewer", ["anon", "bob", "alice"])
def test_drafts_are_not_on_the_page_or_the_cv_for_anyone(alice_profile, viewer, request):
    _import(alice_profile)
    user = None if viewer == "anon" else request.getfixturevalue(viewer)
    client = _client(user)
    for name in ("profiles:detail", "profiles:cv"):
        html = client.get(reverse(name, args=[alice_profile.slug])).content.decode()
        assert "Looking Glass Labs" not in html
        assert "University of Oxford" not in html
        assert "Mirrored machines" not in html


def test_drafts_are_not_in_the_feeds_or_sitemaps(alice_profile):
    _import(alice_profile)
    client = Client()
    assert "best-paper award" not in client.get("/feeds/news.atom").content.decode()
    assert "best-paper award" not in client.get(reverse("profiles:feed", args=[alice_profile.slug])).content.decode()
    assert "Through the Looking Glass" not in client.get("/feeds/publications.atom").content.decode()
    assert "/publications/" not in client.get("/sitemap-publications.xml").content.decode().split("<urlset")[1]


def test_confirmed_items_show_everywhere(alice_profile, admin):
    _import(alice_profile)
    report = import_drafts_confirm(actor=admin, profile=alice_profile)
    assert report.ok, report.lines()
    client = Client()
    html = client.get(reverse("profiles:detail", args=[alice_profile.slug])).content.decode()
    assert "Looking Glass Labs" in html
    assert "University of Oxford" in html
    assert "best-paper award" in client.get("/feeds/news.atom").content.decode()
    paper = Publication.objects.get()
    assert paper.authorships.filter(profile=alice_profile).exists()
    assert [a.equal_contribution for a in paper.authorships.order_by("position")] == [True, True, False]
    assert not ImportDraft.objects.get(profile=alice_profile).pending


def test_api_hides_drafts_from_visitors_and_other_members_but_not_from_the_owner(alice_profile, alice, bob, admin):
    _import(alice_profile)
    url = f"/api/v1/profiles/{alice_profile.slug}/experience/"
    assert Client().get(url).json()["results"] == []
    assert _client(bob).get(url).json()["results"] == []
    own = _client(alice).get(url).json()["results"]
    assert [(row["organisation"], row["draft"]) for row in own] == [("Looking Glass Labs", True)]
    assert len(_client(admin).get(url).json()["results"]) == 1
    detail = Client().get(f"/api/v1/profiles/{alice_profile.slug}/").json()
    assert detail["experience"] == []
    assert detail["education"] == []
    item = Experience.objects.get(profile=alice_profile)
    assert _client(bob).get(f"{url}{item.pk}/").status_code == 404


# --- Reviewing on /me/: marks, confirm, confirm all, leftovers ------------------------------------


def test_the_editing_pages_mark_drafts_and_confirm_one(alice_profile, alice):
    _import(alice_profile)
    client = _client(alice)
    listing = client.get(reverse("me:section_list", args=["experience"])).content.decode()
    assert "Imported — review" in listing
    item = Experience.objects.get(profile=alice_profile)
    assert "Imported — review" in client.get(reverse("me:section_edit", args=["experience", item.pk])).content.decode()
    response = client.post(reverse("me:section_confirm", args=["experience", item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert not item.draft
    assert "Looking Glass Labs" in Client().get(reverse("profiles:detail", args=[alice_profile.slug])).content.decode()
    assert (
        "University of Oxford"
        not in Client().get(reverse("profiles:detail", args=[alice_profile.slug])).content.decode()
    )  # still a draft
    assert client.post(reverse("me:section_confirm", args=["experience", item.pk])).status_code == 404  # not a draft


def test_dashboard_shows_leftovers_until_dismissed_and_confirm_all(alice_profile, alice):
    _import(alice_profile)
    client = _client(alice)
    page = client.get(reverse("me:dashboard")).content.decode()
    assert "Croquet with flamingos." in page
    assert "1 publication" in page
    record = ImportDraft.objects.get(profile=alice_profile)
    client.post(reverse("me:import_dismiss", args=[record.pk]))
    assert "Croquet with flamingos." not in client.get(reverse("me:dashboard")).content.decode()
    record.refresh_from_db()
    assert record.leftovers  # kept, only no longer shown
    response = client.post(reverse("me:imports_confirm_all"))
    assert response.status_code == 302
    assert not Education.objects.filter(profile=alice_profile, draft=True).exists()
    assert not NewsItem.objects.filter(profile=alice_profile, draft=True).exists()
    assert Publication.objects.get().authorships.order_by("position").first().profile == alice_profile
    assert "Imported — review" not in client.get(reverse("me:dashboard")).content.decode()


def test_confirm_actions_need_post_and_a_csrf_token(alice_profile, alice):
    _import(alice_profile)
    item = Experience.objects.get(profile=alice_profile)
    client = _client(alice, enforce_csrf_checks=True)
    assert client.get(reverse("me:section_confirm", args=["experience", item.pk])).status_code == 405
    assert client.post(reverse("me:section_confirm", args=["experience", item.pk])).status_code == 403
    assert client.post(reverse("me:imports_confirm_all")).status_code == 403
    item.refresh_from_db()
    assert item.draft


def test_another_member_can_neither_see_nor_confirm_nor_dismiss(alice_profile, bob):
    _import(alice_profile)
    item = Experience.objects.get(profile=alice_profile)
    record = ImportDraft.objects.get(profile=alice_profile)
    client = _client(bob)
    slug = alice_profile.slug
    assert client.get(reverse("me:profile_dashboard", args=[slug])).status_code == 404
    assert client.post(reverse("me:profile_section_confirm", args=[slug, "experience", item.pk])).status_code == 404
    assert client.post(reverse("me:profile_imports_confirm_all", args=[slug])).status_code == 404
    assert client.post(reverse("me:profile_import_dismiss", args=[slug, record.pk])).status_code == 404
    # Bob's own /me/ URLs with Alice's ids: not found within his profile.
    assert client.post(reverse("me:section_confirm", args=["experience", item.pk])).status_code == 404
    assert client.post(reverse("me:import_dismiss", args=[record.pk])).status_code == 404
    client.post(reverse("me:imports_confirm_all"))  # confirms Bob's own (none), never Alice's
    item.refresh_from_db()
    record.refresh_from_db()
    assert item.draft
    assert record.leftovers_dismissed_at is None
    assert record.pending
    # The Django admin is for lab admins only.
    admin_url = reverse("admin:profiles_experience_change", args=[item.pk])
    assert client.get(admin_url).status_code == 302
    assert client.get(reverse("admin:profiles_importdraft_changelist")).status_code == 302


def test_a_lab_admin_confirms_for_a_member(alice_profile, admin):
    _import(alice_profile)
    item = Experience.objects.get(profile=alice_profile)
    client = _client(admin)
    slug = alice_profile.slug
    assert "alice-cv.md" in client.get(reverse("admin:profiles_importdraft_changelist")).content.decode()
    assert client.get(reverse("admin:profiles_experience_changelist") + "?draft__exact=1").status_code == 200
    assert "Croquet" in client.get(reverse("me:profile_dashboard", args=[slug])).content.decode()
    client.post(reverse("me:profile_section_confirm", args=[slug, "experience", item.pk]))
    item.refresh_from_db()
    assert not item.draft


def test_a_member_cannot_import_into_someone_elses_profile(alice_profile, bob):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _import(alice_profile, actor=bob)
    assert not Education.objects.exists()


# --- Re-importing ----------------------------------------------------------------------------


def test_reimporting_the_same_cv_changes_nothing(alice_profile, admin):
    _import(alice_profile)
    before = ImportDraft.objects.get(profile=alice_profile).updated_at
    report = _import(alice_profile)
    assert report.created == report.updated == 0
    assert any("already imported" in n for n in report.notes)
    assert ImportDraft.objects.get(profile=alice_profile).updated_at == before
    import_drafts_confirm(actor=admin, profile=alice_profile)
    report = _import(alice_profile)
    assert report.created == 0
    assert not Education.objects.filter(draft=True).exists()
    assert Publication.objects.count() == 1


def test_a_new_version_never_overwrites_the_members_edits_and_says_so(alice_profile, admin):
    _import(alice_profile)
    import_drafts_confirm(actor=admin, profile=alice_profile)
    # Alice edits her position's location (same natural key) and renames her degree (new natural key),
    # and deletes the news item.
    Experience.objects.filter(profile=alice_profile).update(location="Wonderland")
    Education.objects.filter(profile=alice_profile).update(degree="BA (Hons)")
    NewsItem.objects.filter(profile=alice_profile).delete()
    newer = CV.replace("Research Engineer", "Research Engineer\nOxford, UK") + "\n## Awards\n\n- Best Paper, 2022\n"
    report = _import(alice_profile, newer)
    assert report.ok, report.lines()
    lines = "\n".join(report.lines())
    assert "kept your edited education “BA (Hons) – University of Oxford”" in lines
    assert "not added again: news" in lines
    assert Education.objects.filter(profile=alice_profile).count() == 1
    assert not NewsItem.objects.filter(profile=alice_profile).exists()
    assert Experience.objects.get(profile=alice_profile).location == "Wonderland"
    # What is new in the file is added, as a draft.
    assert alice_profile.awards.get().draft


def test_a_member_edit_of_a_field_is_kept_and_reported(alice_profile, admin):
    _import(alice_profile)
    import_drafts_confirm(actor=admin, profile=alice_profile)
    Education.objects.filter(profile=alice_profile).update(programme="Pure Mathematics")
    report = _import(alice_profile, CV + "\n## Awards\n\n- Best Paper, 2022\n")
    assert Education.objects.get(profile=alice_profile).programme == "Pure Mathematics"
    assert any("kept your version of education" in n and "programme" in n for n in report.notes), report.lines()


@pytest.mark.parametrize("imports", [1, 3])
def test_the_dashboard_review_costs_the_same_with_more_imports(
    alice_profile, alice, imports, django_assert_max_num_queries
):
    for n in range(imports):
        _import(alice_profile, CV + f"\n## Awards\n\n- Prize {n}, 2022\n", source=f"cv-{n}.md")
    client = _client(alice)
    # 21 with 1 import or 3: session, user, own profile, profile, lab admin group, the lab (context
    # processor), one count per section list (the dashboard's own), the drafts of every section in one
    # UNION, the imports.
    with django_assert_max_num_queries(21):
        page = client.get(reverse("me:dashboard")).content.decode()
    assert page.count('class="import-draft"') == imports


def test_a_draft_positions_bullets_are_hidden_with_it(alice_profile, alice, bob):
    _import(alice_profile)
    url = f"/api/v1/profiles/{alice_profile.slug}/highlights/"
    assert _client(bob).get(url).json()["results"] == []
    assert [h["text"] for h in _client(alice).get(url).json()["results"]] == ["Built the Jabberwock compiler."]


def test_the_native_export_keeps_drafts_for_the_owner_only(alice_profile, alice, bob):
    from profiles.imports.sync import export_profile_document

    _import(alice_profile)
    own = export_profile_document(alice_profile, user=alice)
    assert [(e["organisation"], e["draft"]) for e in own["experience"]] == [("Looking Glass Labs", True)]
    assert export_profile_document(alice_profile, user=bob)["experience"] == []


def test_a_dry_run_keeps_no_draft_record(alice_profile):
    report = _import(alice_profile, dry_run=True)
    assert report.created > 0
    assert not ImportDraft.objects.exists()
    assert not Education.objects.exists()
