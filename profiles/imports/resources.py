"""django-import-export resources for profiles and each profile section (CSV, JSON, XLSX).

Rows name their profile by slug and are keyed naturally (a profile by its slug, a
section item by profile + position, a statement by profile + slug), so an exported file
imports back onto the same rows. Exports escape spreadsheet formulas (see
publications/resources.py). `portfolio_site.admin_mixins.LabImportExportMixin` gives the admin classes import and
export for lab admins only (profiles.permissions), whatever model permissions say.
"""

from import_export import fields, widgets

from profiles import models, sections
from profiles.imports.sync import PROFILE_FIELDS
from publications.imports.resources import FormulaSafeResource
from publications.models import Publication


class ProfileResource(FormulaSafeResource):
    class Meta:
        model = models.Profile
        import_id_fields = ["slug"]
        fields = PROFILE_FIELDS
        export_order = PROFILE_FIELDS
        skip_unchanged = True
        clean_model_instances = True


def _profile_field():
    return fields.Field(
        attribute="profile", column_name="profile", widget=widgets.ForeignKeyWidget(models.Profile, "slug")
    )


def _publication_field(name="publication"):
    return fields.Field(attribute=name, column_name=name, widget=widgets.ForeignKeyWidget(Publication, "citation_key"))


def section_resource(section):
    """A resource for one section: the profile by slug, its natural key, position, and every
    field a person edits (papers by citation key). Keyed by profile + position (statements:
    profile + slug), so an exported file imports back onto the same rows."""
    model = section.model
    key = "position" if section.sync_key == "position" else section.sync_key
    own = [f for f in section.fields if f not in section.parent_fields]
    names = ["profile", *dict.fromkeys([key, "position", *own])]
    attrs = {"profile": _profile_field()}
    for name in list(names):
        model_field = model._meta.get_field(name)
        if not model_field.is_relation or name == "profile":
            continue
        if model_field.related_model is not Publication:
            names.remove(name)  # rows of another section: named by id only, not portable
        elif model_field.many_to_many:
            attrs[name] = fields.Field(
                attribute=name, column_name=name,
                widget=widgets.ManyToManyWidget(Publication, separator=";", field="citation_key"),
            )  # fmt: skip
        else:
            attrs[name] = _publication_field(name)
    meta = type("Meta", (), {
        "model": model, "fields": names, "export_order": names, "import_id_fields": ["profile", key],
        "skip_unchanged": True, "clean_model_instances": True,
    })  # fmt: skip
    return type(f"{model.__name__}Resource", (FormulaSafeResource,), {**attrs, "Meta": meta})


SECTION_RESOURCES = {section.model: section_resource(section) for section in sections.top_level()}
RESOURCES = {models.Profile: ProfileResource, **SECTION_RESOURCES}


def resource_for(model):
    if model in RESOURCES:
        return RESOURCES[model]
    from publications.imports.resources import PublicationResource

    return PublicationResource if model is Publication else None
