"""The sections that are not flat, read one query each and nested in Python, from the registry.

How a section is read follows from its declaration in profiles/sections.py, so that a new
nested section needs only its `Section(...)` entry (and its partial):

- a section whose items belong to the profile (experience, projects, open source, talks,
  statements): one query by the profile, in the model's order;
- items read with their container (`Parent.joined`, a talk's deliveries) and the rows of a
  many-to-many `Ref` with `columns` (a project's papers): a LEFT JOIN in the container's
  query, listed on it under `Parent.attr` / `Ref.attr` in their `order`;
- any other nested section (highlights): one query for the items of every container read,
  by the containers' ids (each a foreign-key index lookup; through the owners' profile it
  was an OR across joined tables, which read every highlight of the lab);
- a foreign-key `Ref`: to another section's item, taken from the rows already read (a press
  item's project); else read in the item's own query (`select_related`: a talk's paper),
  or, for a flat section (rows of the UNION), one query for all (a press item's paper).

Each item then hangs on its container under `Parent.attr` (a sub-bullet under its bullet
rather than its owner); the items of a standalone section with no container are the
page's list of that section.
"""

import functools
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, Q

from profiles import permissions
from profiles import sections as registry

NESTED_SECTIONS = [s for s in registry.SECTIONS if not s.flat]


@dataclass(frozen=True)
class _Join:
    """Rows of another table read with each item through a LEFT JOIN, listed on it under `attr`."""

    path: str  # ORM path from the item to the joined rows
    model: type  # what each joined row is built as
    columns: tuple  # its columns read (the first one is set on every joined row)
    order: tuple  # their order, after the items' own
    attr: str
    back: str = ""  # the joined row's foreign key to the item, when it has one


def _related_model(section, name):
    return section.model._meta.get_field(name).related_model


def _join_of(section):
    """The one LEFT JOIN of `section`'s query, or None (two would multiply each other's rows)."""
    joins = [
        _Join(
            path=child.model._meta.get_field(parent.field).related_query_name(),
            model=child.model,
            columns=parent.joined,
            order=parent.order,
            attr=parent.attr,
            back=f"{parent.field}_id",
        )
        for child, parent in registry.children(section)
        if parent.joined
    ]
    joins += [
        _Join(path=ref.field, model=_related_model(section, ref.field), columns=ref.columns, order=ref.order,
              attr=ref.attr)
        for ref in section.refs
        if ref.columns and section.model._meta.get_field(ref.field).many_to_many
    ]  # fmt: skip
    if len(joins) > 1:
        raise ImproperlyConfigured(f"Section {section.key!r}: at most one joined relation is read with its items.")
    return joins[0] if joins else None


def _is_joined(section):
    """Whether `section`'s items are read with their container (they have no query of their own)."""
    return any(parent.joined for parent in section.parents)


def _selected_refs(section):
    """Foreign-key refs read in the item's own query: to rows that are no section's items."""
    return [
        ref.field
        for ref in section.refs
        if section.model._meta.get_field(ref.field).many_to_one
        and registry.for_model(_related_model(section, ref.field)) is None
    ]


@functools.cache
def _lists_of(key):
    """The attributes of an item of section `key` that list its nested items and joined rows."""
    section = registry.get(key)
    join = _join_of(section)
    return tuple(dict.fromkeys([p.attr for _child, p in registry.children(section)] + ([join.attr] if join else [])))


def _start_lists(section, item):
    """Give `item` the (empty) lists its nested items and joined rows are added to."""
    for attr in _lists_of(section.key):
        setattr(item, attr, [])


def _joined_row(join, fields, values, pk):
    kwargs = {f.attname: v if v is not None or f.null else f.get_default() for f, v in zip(fields, values, strict=True)}
    if join.back:
        kwargs[join.back] = pk
    return join.model(**kwargs)


def _rows(section, where, levels, drafts):
    """The items of `section` matching `where` that the viewer may see, with their joined rows: one query."""
    qs = section.model._default_manager.filter(where).filter(registry.visible_q(section, levels, drafts=drafts))
    if selected := _selected_refs(section):
        qs = qs.select_related(*selected)
    order = list(section.model._meta.ordering)
    join = _join_of(section)
    if join is None:
        items = list(qs.order_by(*order))
        for item in items:
            _start_lists(section, item)
        return items
    names = {f"joined_{i}": F(f"{join.path}__{column}") for i, column in enumerate(join.columns)}
    order += [f"-{join.path}__{o[1:]}" if o.startswith("-") else f"{join.path}__{o}" for o in join.order]
    fields = [join.model._meta.get_field(column) for column in join.columns]
    items = {}
    for row in qs.annotate(**names).order_by(*order):
        item = items.setdefault(row.pk, row)
        if item is row:
            _start_lists(section, item)
        values = [getattr(row, name) for name in names]
        if values[0]:
            getattr(item, join.attr).append(_joined_row(join, fields, values, row.pk))
    return list(items.values())


def _in_containers(section, read):
    """Q() of the items of `section` under any container already read (by the containers' ids)."""
    where = Q(pk__in=[])
    for parent in section.parents:
        pks = [item.pk for item in read.get(parent.section, [])] if parent.section != section.key else []
        if pks:
            where |= Q(**{f"{parent.field}_id__in": pks})
    return where


def _read_order():
    """Nested sections that have a query of their own, each after the sections holding its items."""
    pending = [s for s in NESTED_SECTIONS if not _is_joined(s)]
    done, order = set(), []
    while pending:
        ready = [
            s for s in pending
            if s.has_profile or all(p.section in done for p in s.parents if p.section != s.key)
        ]  # fmt: skip
        if not ready:
            raise ImproperlyConfigured(f"Sections {[s.key for s in pending]} hang under each other in a circle.")
        order += ready
        done |= {s.key for s in ready}
        pending = [s for s in pending if s not in ready]
    return order


def _container_of(section, item, by_id):
    """(Parent, container or None) of `item`, or (None, None) when it hangs off the profile.

    A sub-bullet hangs under its bullet (shown only when that bullet is), not its owner.
    """
    set_parents = [p for p in section.parents if getattr(item, f"{p.field}_id")]
    own = [p for p in set_parents if p.section == section.key]
    if own:
        return own[0], by_id[section.key].get(getattr(item, f"{own[0].field}_id"))
    if set_parents:
        parent = set_parents[0]
        return parent, by_id[parent.section][getattr(item, f"{parent.field}_id")]
    return None, None


def _attach(section, items, by_id):
    """Hang each item on its container; return those that hang off the profile."""
    top = []
    for item in items:
        parent, container = _container_of(section, item, by_id)
        if parent is None:
            top.append(item)
        elif container is not None:
            getattr(container, parent.attr).append(item)
    return top


def _resolve_refs(section, items, by_id):
    """Set each foreign-key ref to a section's item from the rows read; for a flat section,
    the others from one query (only when any item names one)."""
    for ref in section.refs:
        if not section.model._meta.get_field(ref.field).many_to_one:
            continue
        related = _related_model(section, ref.field)
        target = registry.for_model(related)
        if target is not None:
            found = by_id.get(target.key, {})
        elif section.flat:
            wanted = {getattr(item, f"{ref.field}_id") for item in items if getattr(item, f"{ref.field}_id")}
            rows = related._default_manager.only(*ref.columns) if ref.columns else related._default_manager.all()
            found = rows.in_bulk(wanted) if wanted else {}
        else:
            continue  # read with the items (select_related)
        for item in items:
            setattr(item, ref.field, found.get(getattr(item, f"{ref.field}_id")))


def nested_sections(profile, levels, flat_items, drafts=False):
    """{doc_key: top-level items} of every section that is not flat, nested from the registry.

    One query per section that has its own (see the module's docstring); `flat_items` (the
    flat sections' {doc_key: items}) get their refs to other rows here (+1 query for a
    press item's paper, only if any names one).
    """
    read, order = {}, _read_order()
    for section in order:
        where = permissions.belongs_to(section.model, profile) if section.has_profile else _in_containers(section, read)
        read[section.key] = _rows(section, where, levels, drafts)
    by_id = {key: {item.pk: item for item in items} for key, items in read.items()}
    found = {}
    for section in order:
        top = _attach(section, read[section.key], by_id)
        if section.standalone:
            found[section.doc_key] = top
        _resolve_refs(section, read[section.key], by_id)
    for section in registry.SECTIONS:
        if section.flat:
            _resolve_refs(section, flat_items.get(section.doc_key, []), by_id)
    return found
