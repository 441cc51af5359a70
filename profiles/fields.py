"""A profile's own fields, declared once, in groups; every interface composes its list from them.

The sections of a profile are declared in profiles/sections.py; these are the fields of the
Profile row itself. Each tuple below is in the order the interfaces show it. Who uses which:

- /me/ forms (profiles/editing/forms.py): IDENTITY_FORM, ABOUT_FORM, MEMBERSHIP_FORM;
- the API (profiles/api/serializers.py): MEMBER_EDITABLE, then MEMBERSHIP (lab admins only);
- the native document and the admin's spreadsheets (profiles/imports/sync.py, resources.py):
  DOCUMENT;
- the Django admin (profiles/admin.py): the groups, as fieldsets;
- merging two profiles (services.profiles_merge): MERGE_FILL; JSON Resume and ORCID
  documents (profiles/imports/files.py): FOREIGN_FILL, the fields those formats carry.

`tests/profiles/test_profile_fields.py` fails when a Profile field is in no group, so a new
field cannot be forgotten by an interface.
"""

IDENTITY = ("full_name", "native_name", "pronouns", "headline", "tagline")
AFFILIATION = ("organisation", "team", "location")
CONTACT = ("email", "orcid")
ABOUT = ("short_bio", "long_bio", "research_interests", "interest_tags")
INTROS = ("projects_intro", "press_intro", "recognition_intro")  # one line above a section
# Where the person stands in the lab: set by lab admins only.
MEMBERSHIP = ("role", "status", "left_on", "alumni_destination", "published", "display_order", "slug")
# Names a member may claim author slots under at once (publications.services.authorship_claim):
# lab admins only as well, but neither in documents nor in the API.
VERIFIED_NAMES = ("verified_names",)
JOINED = ("joined_on",)
# Not typed in: the login, the picture (checked uploads), the timestamps, the Markdown
# rendered when the row is saved.
NOT_EDITED = ("id", "user", "avatar", "updated_at", "created_at", "short_bio_html", "long_bio_html",
              "research_interests_html")  # fmt: skip

# What a member may not change on their own profile (profiles.services.profile_update, the
# native document's sync, the API).
MEMBERSHIP_FIELDS = frozenset((*MEMBERSHIP, *VERIFIED_NAMES))

MEMBER_EDITABLE = (*IDENTITY, *JOINED, *AFFILIATION, *CONTACT, *ABOUT, *INTROS)
IDENTITY_FORM = (*IDENTITY, *AFFILIATION, *CONTACT, *JOINED)
ABOUT_FORM = (*ABOUT, *INTROS)
MEMBERSHIP_FORM = (*(f for f in MEMBERSHIP if f != "slug"), *VERIFIED_NAMES)  # the address has its own page
DOCUMENT = (
    "slug", *IDENTITY, "role", "status", *JOINED, "left_on", "alumni_destination",
    *AFFILIATION, *CONTACT, *ABOUT, *INTROS, "published", "display_order",
)  # fmt: skip
MERGE_FILL = (*IDENTITY[1:], *AFFILIATION, *CONTACT, *ABOUT, *JOINED)  # the name stays the target's
FOREIGN_FILL = ("native_name", "headline", *CONTACT, *ABOUT, "organisation", "team")
