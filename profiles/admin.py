"""Django admin for the lab: every model, sections inline, bounded changelist queries."""

from django.contrib import admin
from django.db.models import Count

from portfolio_site.admin_mixins import LabImportExportMixin, PermissionsModuleMixin
from profiles import fields as profile_fields
from profiles import models, permissions, sections, services


class ServiceWritesMixin:
    """Saves and deletes in the admin go through the services, like everywhere else."""

    def save_model(self, request, obj, form, change):
        services.item_save(actor=request.user, item=obj)

    def delete_model(self, request, obj):
        services.item_delete(actor=request.user, item=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            services.item_delete(actor=request.user, item=obj)

    def save_formset(self, request, form, formset, change):
        for obj in formset.save(commit=False):
            services.item_save(actor=request.user, item=obj)
        for obj in formset.deleted_objects:
            services.item_delete(actor=request.user, item=obj)
        formset.save_m2m()


def _profile_id(request):
    match = request.resolver_match
    return match.kwargs.get("object_id") if match else None


class SectionInline(PermissionsModuleMixin, admin.TabularInline):
    """An inline of one section; related choices are scoped like the /me/ forms'."""

    section = None
    extra = 0
    show_change_link = True

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.is_relation and db_field.name in self.fields:
            owner = self.parent_model._default_manager.filter(pk=_profile_id(request)).first()
            if owner is not None:
                profile = owner if isinstance(owner, models.Profile) else permissions.owning_profile(owner)
                kwargs["queryset"] = sections.scoped_queryset(db_field.related_model, profile)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


def _inline_fields(section, exclude=()):
    names = section.inline_fields or tuple(
        f for f in section.fields if not section.model._meta.get_field(f).many_to_many
    )
    return ["position", *(n for n in names if n not in exclude)]


def section_inline(section, parent=None):
    """The inline of `section` on the profile (or, with `parent`, on its container's page)."""
    attrs = {"model": section.model, "section": section, "__module__": __name__}
    if parent is None:
        attrs["fields"] = _inline_fields(section)
        attrs["fk_name"] = "profile"
    else:
        self_field = next((p.field for p in section.parents if p.section == section.key), None)
        attrs["fk_name"] = parent.field
        attrs["fields"] = [
            *_inline_fields(section, exclude=section.parent_fields),
            *([self_field] if self_field and self_field != parent.field else []),
        ]
    return type(f"{section.model.__name__}{'In' + parent.field.title() if parent else ''}Inline",
                (SectionInline,), attrs)  # fmt: skip


@admin.register(models.Profile)
class ProfileAdmin(ServiceWritesMixin, LabImportExportMixin, PermissionsModuleMixin, admin.ModelAdmin):
    # Import/export (CSV, JSON, XLSX) plus a link to the bulk import page (profiles/import_views.py).
    change_list_template = "admin/import_profiles_changelist.html"
    list_display = [
        "full_name",
        "slug",
        "role",
        "status",
        "organisation",
        "published",
        "publication_count",
        "updated_at",
    ]
    list_filter = ["role", "status", "published"]
    search_fields = ["full_name", "native_name", "slug", "email", "interest_tags", "orcid"]
    list_editable = ["published"]
    prepopulated_fields = {"slug": ["full_name"]}
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    fieldsets = [
        (None, {"fields": ["full_name", "native_name", "verified_names", "slug", "pronouns", "user", "published"]}),
        (
            "Position",
            {
                "fields": [
                    *profile_fields.IDENTITY[3:],  # headline, tagline (the names are above)
                    "role",
                    "status",
                    *profile_fields.JOINED,
                    "left_on",
                    "alumni_destination",
                    *profile_fields.AFFILIATION,
                    "display_order",
                ]
            },
        ),
        ("Contact", {"fields": [*profile_fields.CONTACT, "avatar"]}),
        ("About", {"fields": list(profile_fields.ABOUT)}),
        ("Section introductions", {"classes": ["collapse"], "fields": list(profile_fields.INTROS)}),
    ]
    inlines = [section_inline(section) for section in sections.top_level()]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_publications=Count("authorships", distinct=True))

    @admin.display(description="publications", ordering="_publications")
    def publication_count(self, obj):
        return obj._publications


def section_admin(section):
    """The changelist and change page of one section's model, with its children inline."""
    model = section.model
    owner = ["profile"] if section.has_profile else list(section.parent_fields[:1])
    fields = [model._meta.get_field(name) for name in section.fields]
    choice_filters = [f.name for f in fields if f.choices and f.name != "visibility"]
    relations = [f.name for f in model._meta.concrete_fields if f.is_relation] + [
        f.name for f in fields if f.many_to_many
    ]
    columns = ["__str__", *section.admin_list, *owner, *(["visibility"] if section.has_visibility else []),
               *(["draft"] if section.has_draft else [])]  # fmt: skip
    columns = list(dict.fromkeys(columns))
    attrs = {
        "__module__": __name__,
        "list_display": columns,
        "list_select_related": [f.name for f in model._meta.concrete_fields if f.is_relation and f.name in columns],
        "list_filter": [
            *choice_filters,
            *(["visibility"] if section.has_visibility else []),
            *(["draft"] if section.has_draft else []),
        ],
        "search_fields": [*section.admin_search, *(["profile__full_name"] if section.has_profile else [])],
        "raw_id_fields": relations,
        "inlines": [
            section_inline(child, parent) for child, parent in sections.children(section) if child.model is not model
        ],
    }
    if model is models.Statement:
        attrs["readonly_fields"] = ["share_token"]
    return type(f"{model.__name__}Admin", (ServiceWritesMixin, LabImportExportMixin, PermissionsModuleMixin,
                                          admin.ModelAdmin), attrs)  # fmt: skip


for _section in sections.SECTIONS:
    admin.site.register(_section.model, section_admin(_section))


@admin.register(models.Lab)
class LabAdmin(PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["name", "institution", "updated_at"]

    def has_add_permission(self, request):
        # One lab per deployment.
        return not models.Lab.objects.exists() and super().has_add_permission(request)


class LabAdminOnlyAdmin(admin.ModelAdmin):
    """Lab-level records: only lab admins (and superusers) see or change them."""

    def has_module_permission(self, request):
        from profiles.permissions import is_lab_admin

        return is_lab_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(models.Invitation)
class InvitationAdmin(LabAdminOnlyAdmin):
    list_display = ["email", "profile", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["profile"]
    search_fields = ["email", "profile__full_name"]
    raw_id_fields = ["profile"]


@admin.register(models.ProfileRedirect)
class ProfileRedirectAdmin(LabAdminOnlyAdmin):
    list_display = ["old_slug", "profile"]
    list_select_related = ["profile"]
    search_fields = ["old_slug", "profile__full_name"]
    raw_id_fields = ["profile"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(LabAdminOnlyAdmin):
    """Lab admins can see who holds API tokens and revoke them; tokens are made by their owners."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        from django.utils import timezone

        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


class ReadOnlyLabAdmin(LabAdminOnlyAdmin):
    """Records of what happened: lab admins read them; nobody edits or deletes them here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.ActivityEntry)
class ActivityEntryAdmin(ReadOnlyLabAdmin):
    """The audit log's own entries (claims, imports, exports, merges, restores); every other
    change is in the History of the changed row."""

    list_display = ["created_at", "actor", "kind", "profile", "target", "detail"]
    list_filter = ["kind", "created_at"]
    list_select_related = ["actor", "profile"]
    search_fields = ["target", "detail", "actor__username", "profile__full_name"]
    date_hierarchy = "created_at"


@admin.register(models.AuthorshipClaim)
class AuthorshipClaimAdmin(ReadOnlyLabAdmin):
    """Who claimed which author slot, when, and who approved it (undo at /me/lab/activity/)."""

    list_display = ["created_at", "profile", "name", "publication", "claimed_by", "status", "decided_by", "decided_at"]
    list_filter = ["status", "automatic"]
    list_select_related = ["profile", "publication", "claimed_by", "decided_by"]
    search_fields = ["name", "profile__full_name", "publication__title"]


@admin.register(models.ImportJob)
class ImportJobAdmin(ReadOnlyLabAdmin):
    """Background imports (sites, CVs, large files): their state and report; the live page is /me/import/jobs/<id>/."""

    list_display = ["created_at", "owner", "kind", "source", "profile", "status", "read", "created", "skipped"]
    list_filter = ["status", "kind"]
    list_select_related = ["owner", "profile"]
    search_fields = ["source", "owner__username", "profile__full_name", "error"]
    date_hierarchy = "created_at"

    def changelist_view(self, request, extra_context=None):
        from profiles.jobs.status import fail_stale_jobs

        fail_stale_jobs()  # a job whose worker was killed shows as failed here too
        return super().changelist_view(request, extra_context)


@admin.register(models.ImportDraft)
class ImportDraftAdmin(ReadOnlyLabAdmin):
    """Imported CVs and sites under review: leftovers, waiting papers (confirmed on /me/profiles/<slug>/)."""

    list_display = ["source", "profile", "created_by", "updated_at", "confirmed_at", "leftovers_dismissed_at"]
    list_select_related = ["profile", "created_by"]
    search_fields = ["source", "profile__full_name"]
