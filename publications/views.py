"""Public publication pages: the lab's list, one publication, its BibTeX."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from profiles.cache import cache_public_page

from . import selectors
from .bibtex_export import publication_bibtex


@require_safe
@cache_public_page
def publication_list(request):
    filters = selectors.PublicationFilters.from_query(request.GET)
    page, facets = selectors.publication_page(filters, request.GET.get("page"))
    context = {
        "page": page,
        "publications": page.object_list,
        "filters": filters,
        "facets": facets,
        "nav": "publications",
    }
    return render(request, "publications/list.html", context)


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
