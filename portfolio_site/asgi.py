"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

from portfolio_site.gc_tuning import tune_garbage_collection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")

application = get_asgi_application()
tune_garbage_collection()  # after the app is loaded: what it loaded is frozen
