from profiles.models import Lab


def lab(request):
    """The lab's name and description on every page (one cheap query, cached per request)."""
    if not hasattr(request, "_lab"):
        request._lab = Lab.load()
    return {"lab": request._lab}
