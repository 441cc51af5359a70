"""What both apps' admin classes share: they ask profiles.permissions (like the site and the API do),
and lab admins import and export through the django-import-export resources."""

from import_export.admin import ImportExportMixin

from profiles import permissions
from profiles.imports.resources import resource_for
from profiles.services.activity import export_record


class PermissionsModuleMixin:
    """ModelAdmin/InlineModelAdmin mixin: every has_*_permission goes to the permissions module.

    Lab admins (is_staff) may do everything here that they may do on the site; members and
    visitors get nothing, whatever Django model permissions they were given.
    """

    def _allowed(self, request, action, obj=None):
        return permissions.admin_permission(request.user, action, self.model, obj)

    def has_module_permission(self, request):
        return self._allowed(request, "view")

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, "view", obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, "change", obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, "delete", obj)


class LabImportExportMixin(ImportExportMixin):
    """Import (with preview and dry run) and export for lab admins, in CSV, JSON and XLSX."""

    def get_resource_classes(self, request):
        resource = resource_for(self.model)
        return [resource] if resource else super().get_resource_classes(request)

    def has_import_permission(self, request):
        return permissions.can_manage_lab(request.user) and permissions.can_use_admin(request.user)

    def has_export_permission(self, request):
        return permissions.can_manage_lab(request.user) and permissions.can_use_admin(request.user)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        # A whole-table export holds private items: it goes in the lab's audit log.
        export_record(
            actor=request.user,
            target=f"{self.model._meta.verbose_name_plural} from the admin ({queryset.count()} rows)",
        )
        return data
