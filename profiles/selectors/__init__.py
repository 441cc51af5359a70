"""Reads: what a page or an endpoint shows, in a bounded number of queries.

Every page of the public site fetches its data here, never in a view or a template,
so that the number of SQL queries of a page does not grow with the amount of content
(tests/site/test_query_counts.py holds the pages to their budgets). Section items are
filtered through profiles.permissions: a visitor only ever receives public items.

One module per subject; callers keep importing the names from `profiles.selectors`:

- `pages`: the profile page and the CV (`profile_page`), a member's publications;
- `flat`: the flat sections of a profile in one UNION ALL query;
- `nested`: the sections that hang inside others, nested from the registry's `parents`;
- `authors`: the authors of a list of publications in one query;
- `people`: the /people/ directory; `search`: the people search it uses;
- `home`: the lab, home's members and the latest news;
- `sitemap`: the public rows of the feeds and the sitemap;
- `review`: the import review of /me/.
"""

from profiles.selectors.authors import AuthorRow, attach_author_rows, attach_authors
from profiles.selectors.flat import FLAT_SECTIONS, flat_sections
from profiles.selectors.home import HOME_CARD_FIELDS, MEMBERS_ON_HOME, current_lab, home_members, latest_news
from profiles.selectors.pages import (
    CV_UNUSED_COLUMNS,
    MAX_SELECTED_ON_PROFILE,
    MEMBER_PUBLICATIONS_PAGE_SIZE,
    PUBLICATIONS_ON_CV_AFTER,
    PUBLICATIONS_ON_PAGE_AFTER,
    PUBLICATIONS_TEMPLATE,
    RECENT_PUBLICATIONS_ON_PROFILE,
    ProfilePage,
    member_publication_page,
    member_publications,
    profile_page,
    viewable_profile,
)
from profiles.selectors.people import (
    ALUMNI_PAGE_SIZE,
    DIRECTORY_CARD_FIELDS,
    DIRECTORY_PAGE_SIZE,
    ROLE_PLURALS,
    DirectoryPage,
    directory,
    directory_groups,
    directory_page,
    role_label,
)
from profiles.selectors.review import import_review
from profiles.selectors.search import search_profiles
from profiles.selectors.sitemap import addressed_publications, public_profiles, public_statements
from publications.selectors import (  # the public site's views read them from here too
    LATEST_ON_HOME,
    authorships_prefetch,
    latest_publications,
    publications_of,
    publications_with_authors,
)
from publications.selectors import LIST_ORDER as PUBLICATION_LIST_ORDER

__all__ = [
    "ALUMNI_PAGE_SIZE",
    "CV_UNUSED_COLUMNS",
    "DIRECTORY_CARD_FIELDS",
    "DIRECTORY_PAGE_SIZE",
    "FLAT_SECTIONS",
    "HOME_CARD_FIELDS",
    "LATEST_ON_HOME",
    "MAX_SELECTED_ON_PROFILE",
    "MEMBERS_ON_HOME",
    "MEMBER_PUBLICATIONS_PAGE_SIZE",
    "PUBLICATIONS_ON_CV_AFTER",
    "PUBLICATIONS_ON_PAGE_AFTER",
    "PUBLICATIONS_TEMPLATE",
    "PUBLICATION_LIST_ORDER",
    "RECENT_PUBLICATIONS_ON_PROFILE",
    "ROLE_PLURALS",
    "AuthorRow",
    "DirectoryPage",
    "ProfilePage",
    "addressed_publications",
    "attach_author_rows",
    "attach_authors",
    "authorships_prefetch",
    "current_lab",
    "directory",
    "directory_groups",
    "directory_page",
    "flat_sections",
    "home_members",
    "import_review",
    "latest_news",
    "latest_publications",
    "member_publication_page",
    "member_publications",
    "profile_page",
    "public_profiles",
    "public_statements",
    "publications_of",
    "publications_with_authors",
    "role_label",
    "search_profiles",
    "viewable_profile",
]
