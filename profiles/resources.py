"""django-import-export resources for profiles and each profile section (CSV, JSON, XLSX).

Rows name their profile by slug and are keyed naturally (a profile by its slug, a
section item by profile + position, a statement by profile + slug), so an exported file
imports back onto the same rows. Exports escape spreadsheet formulas (see
publications/resources.py). `LabImportExportMixin` gives the admin classes import and
export for lab admins only (profiles.permissions), whatever model permissions say.
"""

from import_export import fields, widgets
from import_export.admin import ImportExportMixin

from publications.models import Publication
from publications.resources import FormulaSafeResource

from . import models, permissions
from .native import PROFILE_FIELDS


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
    return fields.Field(
        attribute=name, column_name=name, widget=widgets.ForeignKeyWidget(Publication, "citation_key")
    )


SKIPPED = {"id", "updated_at", "created_at", "share_token", "experience", "project", "talk"}


def section_resource(model, import_id=("profile", "position")):
    """A resource for one section model: every plain field, the profile by slug."""
    names = ["profile"] + [
        f.name for f in model._meta.concrete_fields
        if f.name not in SKIPPED and f.name != "profile" and not (f.is_relation and f.name != "publication")
    ]  # fmt: skip
    attrs = {"profile": _profile_field()}
    if "publication" in names:
        attrs["publication"] = _publication_field()
    if model is models.Project:
        names.append("related_publications")
        attrs["related_publications"] = fields.Field(
            attribute="related_publications", column_name="related_publications",
            widget=widgets.ManyToManyWidget(Publication, separator=";", field="citation_key"),
        )  # fmt: skip
    meta = type("Meta", (), {
        "model": model, "fields": names, "export_order": names, "import_id_fields": list(import_id),
        "skip_unchanged": True, "clean_model_instances": True,
    })  # fmt: skip
    return type(f"{model.__name__}Resource", (FormulaSafeResource,), {**attrs, "Meta": meta})


SECTION_RESOURCES = {
    model: section_resource(model)
    for model in [
        models.ProfileLink, models.FocusTheme, models.NewsItem, models.Education, models.Experience,
        models.Project, models.OpenSourceContribution, models.Talk, models.Service, models.Award,
        models.PressItem, models.Skill,
    ]
}  # fmt: skip
SECTION_RESOURCES[models.Statement] = section_resource(models.Statement, import_id=("profile", "slug"))
RESOURCES = {models.Profile: ProfileResource, **SECTION_RESOURCES}


def resource_for(model):
    if model in RESOURCES:
        return RESOURCES[model]
    from publications.resources import PublicationResource

    return PublicationResource if model is Publication else None


class LabImportExportMixin(ImportExportMixin):
    """Import (with preview and dry run) and export for lab admins, in CSV, JSON and XLSX."""

    def get_resource_classes(self, request):
        resource = resource_for(self.model)
        return [resource] if resource else super().get_resource_classes(request)

    def has_import_permission(self, request):
        return permissions.can_manage_lab(request.user) and permissions.can_use_admin(request.user)

    def has_export_permission(self, request):
        return permissions.can_manage_lab(request.user) and permissions.can_use_admin(request.user)
