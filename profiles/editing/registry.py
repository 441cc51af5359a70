"""Where section items are edited on /me/: one list per place an item can live.

Derived from the section registry (profiles/sections.py): a section that may hang off
the profile gets a list of its own (key = the section's key), and every `Parent` of a
section gets a list under its container (key = the parent's `edit_key`, e.g. the
projects inside a position, or the sub-bullets of a highlight). One set of generic
views (profiles/editing/views.py) adds, edits, deletes, reorders and shows the history
of the items of any of these lists.
"""

from dataclasses import dataclass, field

from django import forms

from profiles import sections as registry


@dataclass(frozen=True)
class Placement:
    key: str
    model: type
    title: str
    fields: tuple
    section: registry.Section
    parent_model: type | None = None  # None: the item hangs off the profile
    parent_field: str = "profile"
    # Which rows of `model` this list holds, as ORM lookups and as a test on one row.
    lookups: dict = field(default_factory=dict)
    parent_lookups: dict = field(default_factory=dict)
    children: tuple = ()
    widgets: dict = field(default_factory=dict)
    top_level: bool = True

    def holds(self, obj):
        return all(
            (getattr(obj, name.removesuffix("__isnull") + "_id") is None) == value
            for name, value in self.lookups.items()
        )

    @property
    def has_visibility(self):
        return "visibility" in self.fields


def _self_field(section):
    return next((p.field for p in section.parents if p.section == section.key), None)


def _placements():
    out = []
    for section in registry.SECTIONS:
        children = tuple(p.edit_key for _, p in registry.children(section))
        widgets = {name: forms.TextInput(attrs={"list": datalist}) for name, datalist in section.widgets.items()}
        fields = tuple(f for f in section.fields if f not in section.parent_fields)
        self_field = _self_field(section)
        if section.standalone:
            out.append(Placement(
                section.key, section.model, section.label, fields, section,
                lookups={f"{p.field}__isnull": True for p in section.parents},
                children=children, widgets=widgets,
            ))  # fmt: skip
        for parent in section.parents:
            container = registry.BY_KEY[parent.section]
            lookups = {f"{parent.field}__isnull": False}
            parent_lookups = {}
            if parent.field == self_field:
                parent_lookups = {f"{self_field}__isnull": True}  # nesting is one level deep
            elif self_field:
                lookups[f"{self_field}__isnull"] = True
            out.append(Placement(
                parent.edit_key, section.model, parent.label, fields, section,
                parent_model=container.model, parent_field=parent.field, lookups=lookups,
                parent_lookups=parent_lookups, widgets=widgets, top_level=False,
                children=() if parent.field == self_field else children,
            ))  # fmt: skip
    return out


SECTIONS = _placements()
BY_KEY = {placement.key: placement for placement in SECTIONS}
# Old spellings (the API's) reach the same lists.
BY_KEY.update({alias: BY_KEY[s.key] for s in registry.SECTIONS for alias in s.aliases if s.key in BY_KEY})


def get(key):
    return BY_KEY.get(key)


def section_for(obj):
    """The list that holds `obj` (e.g. a project inside a position or not)."""
    candidates = [s for s in SECTIONS if s.model is type(obj) and s.holds(obj)]
    # Sub-bullets match both their own list and (by owner) a top-level one: prefer
    # the one with the most specific lookups.
    candidates.sort(key=lambda s: -len(s.lookups))
    return candidates[0] if candidates else None


def children_of(placement):
    return [BY_KEY[key] for key in placement.children]
