"""Django admin for the lab: every model, sections inline, bounded changelist queries."""

from django.contrib import admin
from django.db.models import Count

from . import models
from .admin_permissions import PermissionsModuleMixin
from .resources import LabImportExportMixin


class OrderedInline(PermissionsModuleMixin, admin.TabularInline):
    extra = 0
    show_change_link = True


class LinkInline(OrderedInline):
    model = models.ProfileLink
    fields = ["position", "kind", "label", "url"]


class FocusThemeInline(OrderedInline):
    model = models.FocusTheme
    fields = ["position", "title", "body", "visibility"]


class NewsInline(OrderedInline):
    model = models.NewsItem
    fields = ["position", "date", "body", "visibility"]


class EducationInline(OrderedInline):
    model = models.Education
    fields = [
        "position", "institution", "degree", "programme", "start_date", "end_date",
        "gpa", "gpa_scale", "rank", "rank_of", "advisor", "visibility",
    ]


class ExperienceInline(OrderedInline):
    model = models.Experience
    fields = [
        "position", "organisation", "unit", "title", "location", "start_date", "end_date",
        "is_current", "visibility",
    ]


class ProjectInline(OrderedInline):
    model = models.Project
    fields = ["position", "title", "summary", "experience", "visibility"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only this profile's positions, not the whole lab's.
        if db_field.name == "experience":
            profile_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = models.Experience.objects.filter(profile_id=profile_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class OpenSourceInline(OrderedInline):
    model = models.OpenSourceContribution
    fields = ["position", "project", "role", "start_date", "end_date", "is_current", "visibility"]


class TalkInline(OrderedInline):
    model = models.Talk
    fields = ["position", "title", "visibility"]


class ServiceInline(OrderedInline):
    model = models.Service
    fields = ["position", "role", "role_detail", "venue", "year", "visibility"]


class AwardInline(OrderedInline):
    model = models.Award
    fields = ["position", "title", "awarding_body", "year", "period", "role", "note", "visibility"]


class PressInline(OrderedInline):
    model = models.PressItem
    fields = ["position", "outlet", "title", "url", "date", "visibility"]
    raw_id_fields = ["publication", "project"]


class SkillInline(OrderedInline):
    model = models.Skill
    fields = ["position", "category", "name", "level", "keywords", "visibility"]


class StatementInline(OrderedInline):
    model = models.Statement
    fields = ["position", "kind", "title", "slug", "visibility"]


@admin.register(models.Profile)
class ProfileAdmin(LabImportExportMixin, PermissionsModuleMixin, admin.ModelAdmin):
    # Import/export (CSV, JSON, XLSX) plus a link to the bulk import page (profiles/import_views.py).
    change_list_template = "admin/import_profiles_changelist.html"
    list_display = [
        "full_name", "slug", "role", "status", "organisation", "published", "publication_count", "updated_at",
    ]
    list_filter = ["role", "status", "published"]
    search_fields = ["full_name", "native_name", "slug", "email", "interest_tags", "orcid"]
    list_editable = ["published"]
    prepopulated_fields = {"slug": ["full_name"]}
    raw_id_fields = ["user"]
    list_select_related = ["user"]
    fieldsets = [
        (None, {"fields": ["full_name", "native_name", "slug", "pronouns", "user", "published"]}),
        ("Position", {"fields": ["headline", "tagline", "role", "status", "joined_on", "left_on",
                                 "alumni_destination", "organisation", "team", "location", "display_order"]}),
        ("Contact", {"fields": ["email", "orcid", "avatar"]}),
        ("About", {"fields": ["short_bio", "long_bio", "research_interests", "interest_tags"]}),
        ("Section introductions", {"classes": ["collapse"],
                                   "fields": ["projects_intro", "press_intro", "recognition_intro"]}),
    ]
    inlines = [
        LinkInline, FocusThemeInline, NewsInline, EducationInline, ExperienceInline, ProjectInline,
        OpenSourceInline, TalkInline, ServiceInline, AwardInline, PressInline, SkillInline, StatementInline,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_publications=Count("authorships", distinct=True))

    @admin.display(description="publications", ordering="_publications")
    def publication_count(self, obj):
        return obj._publications


class HighlightInline(PermissionsModuleMixin, admin.TabularInline):
    model = models.Highlight
    fields = ["position", "label", "text", "parent"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A sub-bullet's parent comes from the same entry; no lab-wide dropdown.
        if db_field.name == "parent":
            object_id = request.resolver_match.kwargs.get("object_id")
            owner = self.parent_model._meta.model_name
            owner_field = {"opensourcecontribution": "open_source"}.get(owner, owner)
            kwargs["queryset"] = models.Highlight.objects.filter(
                **{f"{owner_field}_id": object_id, "parent__isnull": True}
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SectionAdmin(LabImportExportMixin, PermissionsModuleMixin, admin.ModelAdmin):
    list_select_related = ["profile"]
    list_filter = ["visibility"]
    raw_id_fields = ["profile"]
    search_fields = ["profile__full_name"]


@admin.register(models.Experience)
class ExperienceAdmin(SectionAdmin):
    list_display = ["title", "organisation", "profile", "start_date", "end_date", "is_current", "visibility"]
    search_fields = ["organisation", "title", "profile__full_name"]
    list_filter = ["kind", "visibility"]
    inlines = [HighlightInline]


@admin.register(models.Project)
class ProjectAdmin(SectionAdmin):
    list_display = ["title", "profile", "experience", "visibility", "position"]
    list_select_related = ["profile", "experience"]
    search_fields = ["title", "summary", "profile__full_name"]
    raw_id_fields = ["profile", "experience"]
    filter_horizontal = ["related_publications"]
    inlines = [HighlightInline]


@admin.register(models.OpenSourceContribution)
class OpenSourceAdmin(SectionAdmin):
    list_display = ["project", "role", "profile", "start_date", "is_current", "visibility"]
    search_fields = ["project", "profile__full_name"]
    inlines = [HighlightInline]


class DeliveryInline(PermissionsModuleMixin, admin.TabularInline):
    model = models.TalkDelivery
    fields = ["position", "event", "location", "is_virtual", "date", "url"]
    extra = 0


@admin.register(models.Talk)
class TalkAdmin(SectionAdmin):
    list_display = ["title", "profile", "delivery_count", "visibility"]
    search_fields = ["title", "profile__full_name"]
    raw_id_fields = ["profile", "publication"]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_deliveries=Count("deliveries"))

    @admin.display(description="deliveries", ordering="_deliveries")
    def delivery_count(self, obj):
        return obj._deliveries


@admin.register(models.Highlight)
class HighlightAdmin(PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["__str__", "label", "project", "experience", "open_source", "parent", "position"]
    list_select_related = ["project", "experience", "open_source", "parent"]
    search_fields = ["label", "text"]
    raw_id_fields = ["project", "experience", "open_source", "parent"]


@admin.register(models.Education)
class EducationAdmin(SectionAdmin):
    list_display = ["institution", "degree", "profile", "start_date", "end_date", "visibility"]
    search_fields = ["institution", "degree", "profile__full_name"]


@admin.register(models.NewsItem)
class NewsAdmin(SectionAdmin):
    list_display = ["__str__", "date", "profile", "visibility"]
    search_fields = ["body", "profile__full_name"]


@admin.register(models.FocusTheme)
class FocusThemeAdmin(SectionAdmin):
    list_display = ["title", "profile", "visibility", "position"]
    search_fields = ["title", "profile__full_name"]


@admin.register(models.Service)
class ServiceAdmin(SectionAdmin):
    list_display = ["venue", "role", "year", "profile", "visibility"]
    list_filter = ["role", "visibility"]
    search_fields = ["venue", "profile__full_name"]


@admin.register(models.Award)
class AwardAdmin(SectionAdmin):
    list_display = ["title", "awarding_body", "when", "profile", "visibility"]
    search_fields = ["title", "awarding_body", "profile__full_name"]


@admin.register(models.PressItem)
class PressAdmin(SectionAdmin):
    list_display = ["title", "outlet", "profile", "visibility"]
    search_fields = ["title", "outlet", "profile__full_name"]
    raw_id_fields = ["profile", "project", "publication"]


@admin.register(models.Skill)
class SkillAdmin(SectionAdmin):
    list_display = ["name", "category", "level", "profile", "visibility"]
    list_filter = ["category", "visibility"]
    search_fields = ["name", "profile__full_name"]


@admin.register(models.ProfileLink)
class ProfileLinkAdmin(LabImportExportMixin, PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["url", "kind", "profile"]
    list_select_related = ["profile"]
    list_filter = ["kind"]
    search_fields = ["url", "profile__full_name"]
    raw_id_fields = ["profile"]


@admin.register(models.Statement)
class StatementAdmin(LabImportExportMixin, PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "profile", "visibility", "has_share_link", "updated_at"]
    list_select_related = ["profile"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "profile__full_name"]
    raw_id_fields = ["profile"]
    readonly_fields = ["share_token"]

    @admin.display(boolean=True, description="share link")
    def has_share_link(self, obj):
        return bool(obj.share_token)


@admin.register(models.Lab)
class LabAdmin(PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["name", "institution", "updated_at"]

    def has_add_permission(self, request):
        # One lab per deployment.
        return not models.Lab.objects.exists() and super().has_add_permission(request)


class LabAdminOnlyAdmin(admin.ModelAdmin):
    """Lab-level records: only lab admins (and superusers) see or change them."""

    def has_module_permission(self, request):
        from .permissions import is_lab_admin

        return is_lab_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


@admin.register(models.TalkDelivery)
class TalkDeliveryAdmin(PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["event", "location", "date", "talk"]
    list_select_related = ["talk", "talk__profile"]
    search_fields = ["event", "talk__title"]
    raw_id_fields = ["talk"]


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
