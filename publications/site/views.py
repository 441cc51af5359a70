"""Public publication pages: the lab's list, one publication, its BibTeX."""

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from profiles import cache as page_cache
from profiles.cache import cache_public_page
from publications import selectors
from publications.exports.bibtex import publication_bibtex


@require_safe
@cache_public_page
def publication_list(request):
    """One page of the lab's list. Its body is the same for every viewer (papers have no
    visibility of their own): kept under the lists' version and the whole query string
    (the page links repeat every parameter), for visitors and members alike."""

    def build():
        filters = selectors.PublicationFilters.from_query(request.GET)
        page, facets = selectors.publication_page(filters, request.GET.get("page"))
        members, members_hidden = facets.member_choices(filters.member)
        return {
            "members": members,
            "members_hidden": members_hidden,
            "page": page,
            "publications": page.object_list,
            "filters": filters,
            "facets": facets,
            "nav": "publications",
        }

    query = urlencode(sorted(request.GET.lists()), doseq=True)
    scopes = [page_cache.SITE, page_cache.LISTS]
    body = page_cache.cached_body(request, "publications", scopes, query, "publications/list.html", build)
    return render(request, page_cache.BODY_TEMPLATE, {"body": body, "nav": "publications"})


@require_safe
@cache_public_page
def publication_detail(request, key):
    publication = selectors.publication_detail(key)
    context = {"publication": publication, "bibtex": publication_bibtex(publication), "nav": "publications"}
    return render(request, "publications/detail.html", context)


@require_safe
@cache_public_page
def publication_bibtex_file(request, key):
    publication = selectors.publication_detail(key)
    response = HttpResponse(publication_bibtex(publication), content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{publication.slug}.bib"'
    return response
