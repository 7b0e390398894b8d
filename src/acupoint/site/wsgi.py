"""WSGI entry point: `gunicorn acupoint.site.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "acupoint.site.settings")
application = get_wsgi_application()
