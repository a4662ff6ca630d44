"""`make run`: the API, the outbox worker and the FCM emulator, side by side.

Without OPSX_SMTP_URL the worker prints every email, links included, to this
terminal (the console sender).

A small supervisor for development: it starts each process, prefixes nothing
(every process logs JSON lines of its own), and stops them all on Ctrl-C or
when any one of them exits. A `.env` file (python-dotenv, searched from the
current directory up) fills in variables the environment does not set. A port
already taken is one line naming it and the variable that moves it; the
banner is printed once the API and the emulator accept connections.
"""

import errno
import os
import signal
import socket
import subprocess
import sys
import time

import click
from dotenv import find_dotenv, load_dotenv

load_dotenv(find_dotenv(usecwd=True))  # the environment wins over the file
HOST = os.environ.get("OPSX_DEV_HOST", "127.0.0.1")
PORT = os.environ.get("OPSX_DEV_PORT", "5000")
EMULATOR_PORT = os.environ.get("OPSX_DEV_FCM_PORT", "9099")
STARTUP_SECONDS = 90.0  # four processes importing on a loaded machine


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", *args]


def _commands() -> dict[str, list[str]]:
    from opsx_api import create_app

    app = create_app()
    with app.app_context():
        available = app.cli.list_commands(click.Context(app.cli))
    commands = {}
    if "fcm-emulator" in available:
        commands["fcm-emulator"] = _flask("fcm-emulator", "--port", EMULATOR_PORT)
    if "worker" in available:
        commands["worker"] = _flask("worker")
    commands["api"] = _flask("run", "--host", HOST, "--port", PORT, "--no-reload")
    return commands


def _ports() -> list[tuple[str, str, str]]:
    """(host, port, the variable that moves it) of every port we listen on."""
    return [
        (HOST, PORT, "OPSX_DEV_PORT"),
        ("127.0.0.1", EMULATOR_PORT, "OPSX_DEV_FCM_PORT"),
    ]


def busy_port() -> str | None:
    """One line about the first port someone else holds, or None."""
    for host, port, variable in _ports():
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            # As the servers will: a port in TIME_WAIT is free, a listener is not.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, int(port)))
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE:
                    return (
                        f"cannot listen on {host}:{port} ({variable}): {exc.strerror}"
                    )
                return (
                    f"port {port} on {host} is already in use: stop what holds it, "
                    f"or set {variable} to a free port (in the environment or .env)"
                )
    return None


def _listening(host: str, port: str) -> bool:
    try:
        with socket.create_connection((host, int(port)), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until_listening(
    processes: dict[str, subprocess.Popen], stopping=lambda: False
) -> str | None:
    """None once every port accepts connections; else why not (one line)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    waiting = list(_ports())
    while waiting and not stopping():
        stopped = [n for n, p in processes.items() if p.poll() is not None]
        if stopped:
            return f"{', '.join(stopped)} stopped while starting (see above)"
        if time.monotonic() > deadline:
            return f"nothing listens on {waiting[0][0]}:{waiting[0][1]} yet; giving up"
        waiting = [w for w in waiting if not _listening(w[0], w[1])]
        if waiting:
            time.sleep(0.2)
    return None


def main() -> int:
    problem = busy_port()
    if problem:
        print(problem, file=sys.stderr, flush=True)
        return 1
    env = {**os.environ, "FLASK_APP": "wsgi"}
    env.setdefault("OPSX_FCM_ENDPOINT", f"http://127.0.0.1:{EMULATOR_PORT}")
    # Emailed links open this server's pages; the worker prints the emails here.
    env.setdefault("OPSX_PUBLIC_URL", f"http://{HOST}:{PORT}")
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    processes = {
        name: subprocess.Popen(command, env=env)  # noqa: S603 - our own argv
        for name, command in _commands().items()
    }
    try:
        failure = wait_until_listening(processes, lambda: stopping)
        if failure:
            print(failure, file=sys.stderr, flush=True)
            stopping = True
        elif not stopping:
            print(
                f"OpsX on http://{HOST}:{PORT}/api/v1/docs, console at /console "
                f"({', '.join(processes)}); "
                "Ctrl-C stops everything.",
                flush=True,
            )
        while not stopping and all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    failed = [n for n, p in processes.items() if p.returncode not in (0, -15, None)]
    return 1 if failure or (failed and not stopping) else 0


if __name__ == "__main__":
    sys.exit(main())
