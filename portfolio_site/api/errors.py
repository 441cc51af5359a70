"""Every API error is JSON: `{"detail": "...", "errors": {field: [messages]}}`.

Never an HTML page or a traceback: DRF's handler covers its own exceptions, Http404 and
PermissionDenied; this one also turns Django's ValidationError (raised by the services'
full_clean) into a 400 with the field errors, and anything unexpected into a logged 500.
"""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler, set_rollback

from profiles.services import EditConflict

logger = logging.getLogger("profiles.api")

NON_FIELD = "non_field_errors"


def _as_errors(data):
    """DRF error data (dict, list or string) → ({field: [messages]}, first message)."""
    if isinstance(data, dict):
        errors = {key: value if isinstance(value, list | dict) else [value] for key, value in data.items()}
    elif isinstance(data, list):
        errors = {NON_FIELD: data}
    else:
        errors = {NON_FIELD: [data]}
    return errors


def _first_message(errors):
    for value in errors.values():
        while isinstance(value, list | dict) and value:
            value = value[0] if isinstance(value, list) else next(iter(value.values()))
        if value and not isinstance(value, list | dict):
            return str(value)
    return "Invalid input."


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, RequestDataTooBig):
        exc = exceptions.ValidationError({NON_FIELD: ["The request body is too large."]})
    elif isinstance(exc, SuspiciousOperation):
        # e.g. TooManyFieldsSent while parsing a form body.
        exc = exceptions.ValidationError({NON_FIELD: [str(exc) or "Bad request."]})
    elif isinstance(exc, EditConflict):
        exc = exceptions.APIException(str(exc))
        exc.status_code = status.HTTP_409_CONFLICT
    response = exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.exception("Unhandled error in API view %s", type(view).__name__ if view else "?")
        set_rollback()
        response = Response({"detail": "Server error.", "errors": {}}, status=500)
    elif isinstance(exc, exceptions.ValidationError):
        errors = _as_errors(response.data)
        response.data = {"detail": _first_message(errors), "errors": errors}
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else response.data
        response.data = {"detail": str(detail), "errors": {}}
    # Errors are JSON whatever format the request negotiated (e.g. ?format=bibtex).
    request = context.get("request")
    if request is not None:
        request.accepted_renderer = JSONRenderer()
        request.accepted_media_type = JSONRenderer.media_type
    return response


@csrf_exempt  # any method: unknown addresses answer 404, not the CSRF failure page
def not_found(request, *args, **kwargs):
    """Catch-all for unknown /api/ addresses (instead of the site's HTML 404 page)."""
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


def server_error(request, *args, **kwargs):
    return JsonResponse({"detail": "Server error.", "errors": {}}, status=500)
