"""Public pages of people. Thin views: fetch through selectors, render."""

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import permissions, selectors
from .models import Statement


def home(request):
    members = selectors.directory().current()
    return render(request, "home.html", {"members": members})


def directory(request):
    query = request.GET.get("q", "").strip()[:100]
    people = selectors.directory(query)
    return render(request, "profiles/directory.html", {"people": people, "query": query})


def profile_detail(request, slug):
    profile = selectors.get_profile_for_page(request.user, slug)
    publications = selectors.profile_publications(profile, selected_only=True)
    return render(request, "profiles/profile.html", {"profile": profile, "publications": publications})


def statement_detail(request, slug, statement_slug):
    statement = get_object_or_404(
        Statement.objects.select_related("profile"), profile__slug=slug, slug=statement_slug
    )
    # Link-shared statements are reachable only through their share URL.
    if statement.visibility == Statement.Visibility.LINK and not permissions.can_edit_profile(
        request.user, statement.profile
    ):
        raise Http404("No such statement.")
    if not permissions.can_view_statement(request.user, statement):
        raise Http404("No such statement.")
    return render(request, "profiles/statement.html", {"statement": statement, "profile": statement.profile})


def shared_statement(request, token):
    statement = Statement.objects.select_related("profile").filter(share_token=token).first()
    if statement is None or not permissions.can_view_statement(request.user, statement, token=token):
        raise Http404("No such statement.")
    response = render(
        request, "profiles/statement.html", {"statement": statement, "profile": statement.profile}
    )
    response["X-Robots-Tag"] = "noindex"
    return response


