"""gunicorn.conf.py: several OpsX instances side by side on one machine."""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent


def _start(tmp_path, name: str, **env: str):
    port = free_port()
    environment = {
        **os.environ,
        "HOME": str(tmp_path / "home"),
        "XDG_RUNTIME_DIR": "",
        "OPSX_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "OPSX_DATABASE_URL": f"sqlite:///{tmp_path}/{name}.db",
        "OPSX_ENV": "development",
        "OPSX_LOG_REQUESTS": "false",
        "OPSX_SECRET_KEY": "gunicorn-test-secret-0123456789abcdef",
        "OPSX_JWT_KEYS": "g=gunicorn-test-jwt-key-0123456789abcdef",
        **env,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    return process, port


def _health(port: int, deadline: float) -> dict:
    url = f"http://127.0.0.1:{port}/api/v1/health"
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.loads(response.read())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def _stop(process) -> str:
    process.terminate()
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err.decode(errors="replace")


def test_two_instances_answer_side_by_side_with_no_shared_control_socket(tmp_path):
    (tmp_path / "home").mkdir()
    own_socket = tmp_path / "second.ctl"
    first, first_port = _start(tmp_path, "first")
    second, second_port = _start(
        tmp_path, "second", OPSX_CONTROL_SOCKET=str(own_socket)
    )
    try:
        deadline = time.monotonic() + 60
        assert _health(first_port, deadline) == {"status": "ok"}
        assert _health(second_port, deadline) == {"status": "ok"}
        # Both still answer once both are up: neither took the other over.
        assert _health(first_port, deadline) == {"status": "ok"}
        assert own_socket.exists()
    finally:
        errors = _stop(first) + _stop(second)
    assert not (tmp_path / "home" / ".gunicorn").exists(), errors
    assert first.returncode == 0 and second.returncode == 0, errors


def _listening_pids(port: int) -> list[list[str]]:
    """Per listening socket on `port`, the pids that hold it (ss, iproute2)."""
    out = subprocess.run(
        ["ss", "-tlnpH", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        [part.split(",")[0] for part in line.split("pid=")[1:]]
        for line in out.splitlines()
    ]


def test_each_worker_listens_on_a_socket_of_its_own(tmp_path):
    """SO_REUSEPORT: the kernel, not a race between workers, spreads connections."""
    process, port = _start(tmp_path, "spread", WEB_CONCURRENCY="2")
    try:
        _health(port, time.monotonic() + 60)
        deadline = time.monotonic() + 30
        while len(sockets := _listening_pids(port)) < 2:
            assert time.monotonic() < deadline, sockets
            time.sleep(0.2)
    finally:
        _stop(process)
    assert len(sockets) == 2, sockets
    assert all(len(pids) == 1 for pids in sockets), sockets
    assert str(process.pid) not in {pid for pids in sockets for pid in pids}


def test_reuse_port_can_be_turned_off(tmp_path):
    process, port = _start(
        tmp_path, "shared", WEB_CONCURRENCY="2", OPSX_REUSE_PORT="false"
    )
    try:
        _health(port, time.monotonic() + 60)
        sockets = _listening_pids(port)
    finally:
        _stop(process)
    assert len(sockets) == 1, sockets
