"""Addresses the API gives for its resources, absolute when the request is known (as the pagination links)."""


def api_url(context, path):
    """`path` as an absolute URL when the serializer has the request (as the pagination links)."""
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


def profile_api_path(slug):
    return f"/api/v1/profiles/{slug}/"
