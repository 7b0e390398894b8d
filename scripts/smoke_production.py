"""The production configuration, exercised as a bureau would: `acupoint serve` (gunicorn,
DEBUG off, a generated secret key) and `acupoint worker` as separate processes on PostgreSQL;
an analyst signs in, imports a file, starts and publishes a triage run, matches a profile
through the API and downloads an export; both processes stop cleanly, no answer is a 5xx and
the error log is empty.

    python scripts/smoke_production.py --python VENV/bin/python --database postgres://…/db

`scripts/smoke-production` builds the offline install it runs on; .ci/run calls that.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ANALYST, PASSWORD = "analyst", "analyst-demo-2019"


class Smoke:
    """A signed-in browser over plain HTTP behind a TLS-terminating proxy (it sends
    X-Forwarded-Proto: https, as the proxy of docs/deployment.md does)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.statuses: list[tuple[str, int]] = []

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        base = self.base.replace("http://", "https://")
        request = urllib.request.Request(self.base + path, data=body, method=method, headers={
            "X-Forwarded-Proto": "https", "Referer": base + path,
            "Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items()),
            **(headers or {})})
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=300) as response:
                status, answer, content = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, answer, content = error.code, error.headers, error.read()
        for cookie in answer.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.statuses.append((f"{method} {path}", status))
        if status >= 500:
            raise SystemExit(f"{method} {path} answered {status}:\n{content[:2000]!r}")
        return status, answer, content

    def form(self, path: str, fields: dict, files: dict | None = None
             ) -> tuple[int, dict, bytes]:
        fields = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields}
        boundary = secrets.token_hex(12)
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{value}\r\n".encode())
        for name, (filename, content) in (files or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                         f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                         + content + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request("POST", path, b"".join(parts),
                            {"Content-Type": f"multipart/form-data; boundary={boundary}"})

    def wait_for(self, path: str, pattern: str, seconds: int = 300) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            page = self.request("GET", path)[2].decode()
            if re.search(pattern, page):
                return page
            time.sleep(2)
        raise SystemExit(f"{path} never showed {pattern!r}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _acupoint(python: str, environment: dict, *arguments: str) -> None:
    subprocess.run([python, "-m", "acupoint.cli", *arguments], env=environment, check=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", required=True, help="The installed platform's Python.")
    parser.add_argument("--database", required=True, help="An empty PostgreSQL database URL.")
    args = parser.parse_args()
    var = Path(tempfile.mkdtemp(prefix="acupoint-smoke-"))
    port = _free_port()
    environment = {**os.environ, "DATABASE_URL": args.database, "ACUPOINT_VAR_DIR": str(var),
                   "SECRET_KEY": secrets.token_urlsafe(50), "DEBUG": "0",
                   "ALLOWED_HOSTS": "127.0.0.1,localhost",
                   "ACUPOINT_WEB_WORKERS": "2", "LOG_LEVEL": "WARNING"}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    _acupoint(args.python, environment, "manage", "migrate", "--verbosity", "0")
    _acupoint(args.python, environment, "manage", "check", "--deploy", "--fail-level", "WARNING")
    # The demo city gives the smoke test districts, users and published evaluations.
    _acupoint(args.python, {**environment, "DEBUG": "1"}, "demo", "--enterprises", "300",
              "--no-serve")
    site = subprocess.Popen([args.python, "-m", "acupoint.cli", "serve", "--port", str(port)],
                            env=environment)
    worker = subprocess.Popen([args.python, "-m", "acupoint.cli", "worker"], env=environment)
    try:
        smoke = Smoke(f"http://127.0.0.1:{port}")
        _wait_for_health(smoke)
        _journey(smoke, var)
    finally:
        for process in (site, worker):
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=60) for process in (site, worker)]
    if codes != [0, 0]:
        raise SystemExit(f"serve and worker stopped with {codes}, not cleanly")
    errors = [line for line in (var / "log" / "acupoint.log").read_text(
        encoding="utf-8").splitlines() if "level=ERROR" in line or "level=CRITICAL" in line]
    if errors:
        raise SystemExit("errors in the log:\n" + "\n".join(errors[:20]))
    print(f"smoke test passed: {len(smoke.statuses)} requests, none a server error; "
          "serve and worker stopped cleanly; no error logged")


def _wait_for_health(smoke: Smoke) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            status, _, body = smoke.request("GET", "/healthz")
        except (urllib.error.URLError, ConnectionError):
            status, body = 0, b""
        if status == 200:
            return
        time.sleep(1)
    raise SystemExit(f"/healthz never answered 200: {body[:500]!r}")


def _journey(smoke: Smoke, var: Path) -> None:
    smoke.request("GET", "/accounts/login/")
    status, _, _ = smoke.form("/accounts/login/", {"username": ANALYST, "password": PASSWORD})
    assert status == 302, f"sign-in answered {status}"
    lines = (var / "demo" / "annual.csv").read_text(encoding="utf-8").splitlines()
    status, headers, _ = smoke.form("/registry/import/", {"source": "smoke"},
                                    {"file": ("annual.csv", "\n".join(lines[:50]).encode())})
    assert status == 302, f"import answered {status}"
    smoke.wait_for(headers["Location"], r'data-status="landed"')
    year = int(re.search(r'^"?[0-9A-Z]{18}"?,(\d{4}),', lines[2]).group(1))
    status, headers, _ = smoke.form("/triage/", {"spec": "shandong_2019.yaml", "year": year,
                                                 "district": ""})
    assert status == 302, f"starting a run answered {status}"
    run = headers["Location"]
    smoke.wait_for(run, r'data-status="draft"')
    smoke.form(run + "publish", {})
    smoke.wait_for(run, r'data-status="published"', seconds=30)
    smoke.request("GET", "/accounts/tokens/")
    _, _, page = smoke.form("/accounts/tokens/", {"name": "smoke"})
    token = re.search(r'id="issued-token".*?<code>([^<]+)</code>', page.decode(), re.S)
    assert token, "no API token was issued"
    status, _, body = smoke.request(
        "POST", "/api/policy/match", json.dumps({"profile": {
            "revenue": 12000, "rd_spend": 400, "industry": "3670"}}).encode(),
        {"Content-Type": "application/json", "Authorization": f"Bearer {token.group(1)}"})
    assert status == 200 and json.loads(body)["clauses_in_force"] > 0, body[:500]
    status, _, content = smoke.request("GET", "/registry/enterprises/export.xlsx")
    assert status == 200 and content[:2] == b"PK", "the export is not a workbook"


if __name__ == "__main__":
    sys.exit(main())
