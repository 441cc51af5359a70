"""The Django admin asks profiles.permissions, like the site and the API do."""

from . import permissions


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
