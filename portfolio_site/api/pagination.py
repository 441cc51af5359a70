"""API pagination: page numbers with a client-chosen page size (capped), and for the
publications list a keyset cursor, so that walking deep into 200,000 papers costs what the
first page costs.

`KeysetPagination` (docs/api.md, "Pagination"):

* `?page=N` works as on every list (`count`, `next`, `previous`), an OFFSET underneath.
* `next` is a *cursor* link (`?cursor=…`) whenever the view gives a keyset order: the
  cursor holds the sort values of the page's last row and the next page starts right after
  them (`WHERE (year, month, title, id) after …`, served by the list-order index), however
  deep. A cursor page has `count: null` and `previous: null` (cursors go forward).
* A search (`?q=`) is ranked, not in a keyset order: its `next` links are page numbers.
"""

import base64
import binascii
import functools
import json

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Q
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from publications.selectors import CountedPaginator


class ApiPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


def _after(field, descending, value, nulls_largest):
    """Rows that sort strictly after `value` on one column (NULLs where the database puts them)."""
    nothing = Q(pk__in=[])
    if descending:
        if value is None:
            return Q(**{f"{field}__isnull": False}) if nulls_largest else nothing
        return Q(**{f"{field}__lt": value}) | (nothing if nulls_largest else Q(**{f"{field}__isnull": True}))
    if value is None:
        return nothing if nulls_largest else Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__gt": value}) | (Q(**{f"{field}__isnull": True}) if nulls_largest else nothing)


def keyset_after(ordering, values):
    """A filter for the rows after the row whose sort values are `values` in `ordering`."""
    nulls_largest = connection.features.nulls_order_largest
    condition = None
    for name, value in reversed(list(zip(ordering, values, strict=True))):
        field, descending = name.lstrip("-"), name.startswith("-")
        after = _after(field, descending, value, nulls_largest)
        equal = Q(**{f"{field}__isnull": True}) if value is None else Q(**{field: value})
        condition = after if condition is None else after | (equal & condition)
    # A redundant bound on the first column, so that the index is entered at the cursor
    # instead of being filtered from its start (exact: NULLs sort before these rows here).
    first, value = ordering[0], values[0]
    if value is not None and first.startswith("-") and nulls_largest:
        condition &= Q(**{f"{first[1:]}__lte": value})
    elif value is not None and not first.startswith("-") and not nulls_largest:
        condition &= Q(**{f"{first}__gte": value})
    return condition


class KeysetPagination(ApiPagination):
    """Page numbers, and keyset cursors in `next` links (see the module docstring).

    The view gives `keyset_ordering(request)` (a tuple of field names, "-" for descending,
    unique as a whole; or None: page numbers only) and may give `count_hint(request)`
    (the total when it knows it cheaply; else COUNT(*)).
    """

    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.ordering = view.keyset_ordering(request) if hasattr(view, "keyset_ordering") else None
        self.cursor_page = None
        cursor = request.query_params.get(self.cursor_query_param)
        if cursor is not None and self.ordering and self.page_query_param not in request.query_params:
            values = self._decode(cursor, queryset.model)
            size = self.get_page_size(request)
            rows = list(queryset.filter(keyset_after(self.ordering, values))[: size + 1])
            self.cursor_page = rows[:size]
            self.has_more = len(rows) > size
            return self.cursor_page
        hint = view.count_hint(request) if hasattr(view, "count_hint") else None
        self.django_paginator_class = _paginator_with_count(hint)
        return super().paginate_queryset(queryset, request, view)

    # ----------------------------------------------------------------- cursors

    def _values(self, row):
        return [getattr(row, name.lstrip("-")) for name in self.ordering]

    def _encode(self, row):
        raw = json.dumps(self._values(row), separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, cursor, model):
        refused = ValidationError({self.cursor_query_param: ["Not a cursor from a `next` link of this list."]})
        if len(cursor) > 4000:
            raise refused
        try:
            raw = base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4))
            values = json.loads(raw)
        except (binascii.Error, ValueError, UnicodeError):
            values = None
        ok = isinstance(values, list) and len(values) == len(self.ordering)
        ok = ok and all(v is None or (isinstance(v, str | int) and not isinstance(v, bool)) for v in values)
        if not ok or any(isinstance(v, int) and abs(v) >= 2**63 for v in values):
            raise refused
        checked = []
        for name, value in zip(self.ordering, values, strict=True):
            field = model._meta.pk if name.lstrip("-") == "pk" else model._meta.get_field(name.lstrip("-"))
            if value is None and not field.null:
                raise refused
            try:
                checked.append(None if value is None else field.to_python(value))
            except DjangoValidationError:
                raise refused from None
            if isinstance(checked[-1], str) != isinstance(value, str):
                raise refused
        return checked

    def _cursor_link(self, row):
        url = self.request.build_absolute_uri()
        url = remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.cursor_query_param, self._encode(row))

    # ----------------------------------------------------------------- responses

    def get_next_link(self):
        if self.cursor_page is not None:
            return self._cursor_link(self.cursor_page[-1]) if self.has_more and self.cursor_page else None
        if self.ordering and self.page.has_next():
            return self._cursor_link(self.page.object_list[-1])
        return super().get_next_link()

    def get_previous_link(self):
        if self.cursor_page is not None:
            return None
        return remove_query_param(super().get_previous_link() or "", self.cursor_query_param) or None

    def get_paginated_response(self, data):
        count = None if self.cursor_page is not None else self.page.paginator.count
        return Response(
            {"count": count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"] = {
            "type": "integer", "nullable": True, "example": 123,
            "description": "The number of matches; null on a page reached by a cursor.",
        }  # fmt: skip
        response["properties"]["next"]["description"] = "The next page: a cursor link (a page number for a search)."
        return response

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param, "required": False, "in": "query",
                "description": "Opaque position from a `next` link (deep pages at the cost of the first).",
                "schema": {"type": "string"},
            },
        ]  # fmt: skip


def _paginator_with_count(count):
    """Deep `?page=N` by a deferred join (publications.selectors.DeferredJoinPaginator), told its total if known."""
    return functools.partial(CountedPaginator, count=count)
