"""Development comfort: `.env` is read, one log line per request, the banner only
once everything listens, and a busy port is one line naming it and its variable."""

import logging
import os
import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

from opsx_api import create_app
from tests.conftest import TEST_CONFIG
from tests.live import free_port

ROOT = Path(__file__).resolve().parent.parent


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage() + str(getattr(record, "payload", "")))


def test_the_development_server_logs_each_request_once(tmp_path):
    app = create_app(
        {
            **TEST_CONFIG,
            "LOG_REQUESTS": True,
            "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
        }
    )
    seen = Lines()
    loggers = [logging.getLogger("werkzeug"), logging.getLogger("opsx.request")]
    for logger in loggers:
        logger.addHandler(seen)
    old_level = loggers[0].level
    loggers[0].setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app)  # what `flask run` serves with
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/api/v1/health"
        with urllib.request.urlopen(url, timeout=5) as response:
            assert response.status == 200
    finally:
        server.shutdown()
        for logger in loggers:
            logger.removeHandler(seen)
        loggers[0].setLevel(old_level)
    about = [line for line in seen.lines if "/api/v1/health" in line]
    assert len(about) == 1, seen.lines
    assert "'status': 200" in about[0]  # ours, the JSON one


def _devserver(cwd, **env):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OPSX_DEV")}
    environ.update(PYTHONPATH=str(ROOT), FLASK_APP="wsgi", **env)
    return subprocess.run(
        [sys.executable, "-m", "opsx_api.devserver"],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _listener() -> socket.socket:
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    return held


def test_a_busy_api_port_from_dotenv_is_one_line_naming_it(tmp_path):
    with _listener() as held:
        port = held.getsockname()[1]
        (tmp_path / ".env").write_text(
            f"OPSX_DEV_PORT={port}\nOPSX_DEV_FCM_PORT={free_port()}\n"
        )
        result = _devserver(tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""  # no banner
    [line] = result.stderr.strip().splitlines()
    assert f"port {port} on 127.0.0.1 is already in use" in line
    assert "OPSX_DEV_PORT" in line and "Traceback" not in result.stderr


def test_a_busy_emulator_port_names_its_variable(tmp_path):
    with _listener() as held:
        port = held.getsockname()[1]
        result = _devserver(
            tmp_path, OPSX_DEV_PORT=str(free_port()), OPSX_DEV_FCM_PORT=str(port)
        )
    assert result.returncode == 1 and result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert f"port {port}" in line and "OPSX_DEV_FCM_PORT" in line


def test_the_environment_wins_over_dotenv(tmp_path):
    with _listener() as held:
        port = held.getsockname()[1]
        (tmp_path / ".env").write_text(f"OPSX_DEV_FCM_PORT={free_port()}\n")
        result = _devserver(
            tmp_path, OPSX_DEV_PORT=str(free_port()), OPSX_DEV_FCM_PORT=str(port)
        )
    assert "OPSX_DEV_FCM_PORT" in result.stderr


def test_flask_commands_read_dotenv(tmp_path):
    """Flask's CLI loads `.env` once python-dotenv is installed (it used to say
    "Install python-dotenv to use them" and ignore the file)."""
    (tmp_path / ".env").write_text("OPSX_ENV=production\n")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OPSX_")}
    environ.update(PYTHONPATH=str(ROOT), FLASK_APP="wsgi")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "admin", "stats"],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "production needs" in result.stderr + result.stdout
    assert "python-dotenv" not in result.stderr
