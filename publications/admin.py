from django.contrib import admin
from django.db.models import Count

from portfolio_site.admin_mixins import LabImportExportMixin, PermissionsModuleMixin
from publications.models import Authorship, Publication


class AuthorshipInline(PermissionsModuleMixin, admin.TabularInline):
    model = Authorship
    fields = ["position", "name", "profile", "equal_contribution", "corresponding", "selected"]
    raw_id_fields = ["profile"]
    extra = 0
    ordering = ["position"]


@admin.register(Publication)
class PublicationAdmin(LabImportExportMixin, PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["title", "venue_short", "year", "kind", "author_count", "citation_key"]
    list_filter = ["kind", "year"]
    search_fields = ["title", "venue", "venue_short", "doi", "arxiv_id", "citation_key", "authorships__name"]
    show_full_result_count = False
    inlines = [AuthorshipInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "citation_key"]}),
        ("Venue", {"fields": ["venue", "venue_short", "year", "month", "volume", "number", "pages", "publisher"]}),
        ("Identifiers", {"fields": ["doi", "arxiv_id"]}),
        ("Text", {"fields": ["abstract", "note", "keywords"]}),
        ("Links", {"fields": ["url", "url_pdf", "url_code", "url_slides", "url_video", "url_project"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_authors=Count("authorships"))

    @admin.display(description="authors", ordering="_authors")
    def author_count(self, obj):
        return obj._authors


@admin.register(Authorship)
class AuthorshipAdmin(PermissionsModuleMixin, admin.ModelAdmin):
    list_display = ["name", "position", "publication", "profile", "equal_contribution", "corresponding", "selected"]
    list_select_related = ["publication", "profile"]
    list_filter = ["equal_contribution", "corresponding", "selected"]
    search_fields = ["name", "publication__title"]
    raw_id_fields = ["publication", "profile"]
