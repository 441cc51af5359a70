"""The flat sections of a profile, read in one UNION ALL query.

The simple sections of a profile (those the registry marks `flat`: links, focus
themes, news, education, service, awards, press, skills) live in eight tables.
Fetching them one query each would make the profile page cost twenty queries; instead
one UNION ALL query reads them all, every column cast to text so the branches line up
on SQLite and PostgreSQL alike, and the rows are turned back into model instances
with their own field types.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.db import connections, models, router
from django.db.models import TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from profiles import sections as registry
from profiles.models import Profile


def _flat_columns(model):
    return [f for f in model._meta.concrete_fields if f.name not in ("id", "profile")]


FLAT_SECTIONS = [s for s in registry.SECTIONS if s.flat]
_WIDTH = max(len(_flat_columns(s.model)) for s in FLAT_SECTIONS)


def _from_text(model_field, value):
    if value is None:
        return None if model_field.null else model_field.get_default()
    if isinstance(model_field, models.BooleanField):
        return str(value).lower() in {"1", "t", "true"}
    if isinstance(model_field, models.DecimalField):
        return Decimal(value).quantize(Decimal(1).scaleb(-model_field.decimal_places))
    if isinstance(model_field, models.IntegerField | models.ForeignKey):
        return int(value)
    if isinstance(model_field, models.DateTimeField):
        moment = model_field.to_python(value)
        return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment
    return value


# The UNION of eight annotated querysets costs more to build and compile than to run (about
# 20 ms of Python per page for 1 ms in the database): its SQL is compiled once per process
# for each (database, visibility levels, drafts) and run again with the profile's id put
# where the compiled SQL had a marker id (no real primary key is negative).
_FLAT_SQL = {}
_PROFILE_MARK = -2026_1129


def _flat_sections_sql(levels, drafts, using):
    key = (using, None if levels is None else tuple(levels), drafts)
    found = _FLAT_SQL.get(key)
    if found is None:
        branches = []
        for section in FLAT_SECTIONS:
            columns_of = _flat_columns(section.model)
            qs = section.model.objects.filter(profile_id=_PROFILE_MARK).filter(
                registry.visible_q(section, levels, drafts=drafts)
            )
            columns = {"c_section": Value(section.doc_key, output_field=TextField()), "c_id": Cast("pk", TextField())}
            for i in range(_WIDTH):
                columns[f"c{i}"] = (
                    Cast(columns_of[i].attname, TextField()) if i < len(columns_of)
                    else Value(None, output_field=TextField())
                )  # fmt: skip
            branches.append(qs.order_by().annotate(**columns).values_list(*columns))
        union = branches[0].union(*branches[1:], all=True)
        sql, params = union.query.get_compiler(using).as_sql()
        marks = [i for i, value in enumerate(params) if type(value) is int and value == _PROFILE_MARK]
        found = _FLAT_SQL[key] = (sql, tuple(params), marks)
    return found


def flat_sections(profile, levels, drafts=False):
    using = router.db_for_read(Profile)
    sql, params, marks = _flat_sections_sql(levels, drafts, using)
    params = list(params)
    for i in marks:
        params[i] = profile.pk
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_key = {s.doc_key: s for s in FLAT_SECTIONS}
    found = defaultdict(list)
    for doc_key, pk, *values in rows:
        model = by_key[doc_key].model
        kwargs = {f.attname: _from_text(f, value) for f, value in zip(_flat_columns(model), values, strict=False)}
        found[doc_key].append(model(pk=int(pk), profile_id=profile.pk, **kwargs))
    for items in found.values():
        items.sort(key=lambda item: (item.position, item.pk))
    return {s.doc_key: found.get(s.doc_key, []) for s in FLAT_SECTIONS}
