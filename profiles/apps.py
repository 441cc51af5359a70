from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Profiles"

    def ready(self):
        # Connect the page-cache invalidation signals in every process (web workers,
        # management commands, imports), not only where the URLconf happens to load.
        from profiles import cache  # noqa: F401
