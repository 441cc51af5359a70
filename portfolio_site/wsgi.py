"""WSGI entry point: `gunicorn portfolio_site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

from portfolio_site.gc_tuning import tune_garbage_collection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portfolio_site.settings")

application = get_wsgi_application()
tune_garbage_collection()  # after the app is loaded: what it loaded is frozen
