"""Public publication pages."""

from django.shortcuts import get_object_or_404, render

from .models import Publication


def publication_list(request):
    publications = Publication.objects.with_authors().order_by("-year", "-month", "title")
    return render(request, "publications/list.html", {"publications": publications})


def publication_detail(request, key):
    publication = get_object_or_404(Publication.objects.with_authors(), citation_key=key)
    return render(request, "publications/detail.html", {"publication": publication})
