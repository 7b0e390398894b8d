"""Production settings, with what a test run over plain HTTP needs."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["HTTPS"] = "0"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from acupoint.site.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
DATABASES["default"]["CONN_MAX_AGE"] = 0
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Uploads (demand attachments) go to a throw-away folder, never into the working tree.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="acupoint-test-media-"))
