"""The sections of a profile as the API exposes them, derived from profiles/sections.py.

Each section gets list/create, retrieve/update/delete and reorder endpoints under
`/api/v1/profiles/<slug>/<key>/` (profiles/api/views.py builds one viewset per entry;
older spellings such as `focus_themes` stay routed as aliases). The API shows every
item of a section in one collection, so a section's containers (`parents`: a project's
position, a highlight's project or bullet, a delivery's talk) are fields of its items;
the serializer only accepts containers, papers and projects of the profile in the URL
(the same scoping as the /me/ forms: profiles.sections.scoped_queryset).
"""

from dataclasses import dataclass

from profiles import permissions
from profiles import sections as registry


@dataclass(frozen=True)
class ApiSection:
    section: registry.Section

    @property
    def key(self):
        return self.section.key

    @property
    def model(self):
        return self.section.model

    @property
    def description(self):
        return self.section.description

    @property
    def parents(self):
        """FKs naming the containing item; the most specific one given is the parent."""
        fields = self.section.parent_fields
        own = [p.field for p in self.section.parents if p.section == self.section.key]
        return (*own, *(f for f in fields if f not in own))

    @property
    def fields(self):
        return (*self.section.parent_fields, *self.section.fields)

    @property
    def scoped(self):
        """FK/M2M name -> related model, for every relation a client may set."""
        out = {}
        for name in self.fields:
            model_field = self.model._meta.get_field(name)
            if model_field.is_relation:
                out[name] = model_field.related_model
        return out

    @property
    def has_visibility(self):
        return self.section.has_visibility


SECTIONS = [ApiSection(section) for section in registry.SECTIONS]
BY_KEY = {s.key: s for s in SECTIONS}
ALIASES = {alias: BY_KEY[s.key] for s in SECTIONS for alias in s.section.aliases}
BY_KEY.update(ALIASES)


def visible_items(section, user, profile):
    """Rows of `section` belonging to `profile` that `user` may read."""
    model = section.model
    levels = permissions.levels_for(user, profile)
    qs = model._default_manager.filter(permissions.belongs_to(model, profile))
    qs = qs.filter(registry.visible_q(section.section, levels, drafts=True))  # drafts: editors only
    related = [model._meta.get_field(name) for name in section.fields]
    if single := [f.name for f in related if f.is_relation and f.many_to_one and f.name not in section.parents]:
        qs = qs.select_related(*single)
    if many := [f.name for f in related if f.many_to_many]:
        qs = qs.prefetch_related(*many)
    return qs
