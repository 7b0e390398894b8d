"""`acupoint demo` as a service manager runs it: stopped with SIGTERM, it takes its
background worker down with it instead of leaving the worker running."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _workers_of(parent: int) -> list[int]:
    """The worker processes started by ``parent`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent_id = int(stat.rsplit(")", 1)[1].split()[1])
        if parent_id == parent and "worker" in command:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_the_demo_and_its_worker(tmp_path: Path):
    env = {**os.environ, "ACUPOINT_VAR_DIR": str(tmp_path),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    demo = subprocess.Popen([sys.executable, "-m", "acupoint.cli", "demo", "--enterprises", "60",
                             "--port", str(_free_port())], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers: list[int] = []
        deadline = time.monotonic() + 240
        while not workers and time.monotonic() < deadline and demo.poll() is None:
            time.sleep(1)
            workers = _workers_of(demo.pid)
        assert workers, "the demo never started its worker"
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=60)
        deadline = time.monotonic() + 30
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not any(map(_alive, workers)), "the worker outlived the demo"
    finally:
        if demo.poll() is None:
            demo.kill()
