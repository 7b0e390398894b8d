"""Production settings pass Django's deployment checks; secrets are required."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _run(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items()
             if key not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "HTTPS",
                            "ALLOWED_HOSTS", "DATABASE_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="acupoint.site.settings")
    return subprocess.run([sys.executable, "-c", code], env=clean, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("proxy_redirects", ["0", "1"])
def test_check_deploy_has_no_warnings(tmp_path, proxy_redirects):
    """Whether the platform or the proxy in front redirects to HTTPS (SECURE_SSL_REDIRECT=0)."""
    result = _run(
        "import django, sys; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')",
        SECRET_KEY="x" * 20 + "production-secret-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="acupoint.example.gov.cn", ACUPOINT_VAR_DIR=str(tmp_path),
        SECURE_SSL_REDIRECT=proxy_redirects)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout + result.stderr


def test_secret_key_is_required_without_debug(tmp_path):
    result = _run("import django; django.setup()", ACUPOINT_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("url,engine", [
    ("postgres://u:p@db.example:5432/acupoint", "django.db.backends.postgresql"),
    ("", "django.db.backends.sqlite3"),
])
def test_database_url_selects_the_database(tmp_path, url, engine):
    env = {"DEBUG": "1", "ACUPOINT_VAR_DIR": str(tmp_path)}
    if url:
        env["DATABASE_URL"] = url
    result = _run("from django.conf import settings; print(settings.DATABASES['default']"
                  "['ENGINE'])", **env)
    assert result.stdout.strip() == engine, result.stderr
