"""A client for a real `denialparse serve` process: start, log in, upload, stop.

Shared by the station's server tests and ``bench/bench_station.py``.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def denialparse(*args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "denialparse", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class StationProcess:
    """A ``denialparse serve`` child in its own process group, with an HTTP session."""

    def __init__(self, data: Path, port: int | None = None, *extra: str) -> None:
        self.data = data
        self.port = port or free_port()
        tls = "--tls-cert" in extra
        self.base = f"{'https' if tls else 'http'}://127.0.0.1:{self.port}"
        self.extra = extra
        self.proc: subprocess.Popen | None = None
        self.log = data.parent / f"serve-{self.port}.log"
        self.jar = http.cookiejar.CookieJar()
        handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPCookieProcessor(self.jar)]
        if tls:  # the test's own self-signed certificate
            handlers.append(urllib.request.HTTPSHandler(context=ssl._create_unverified_context()))
        self.http = urllib.request.build_opener(*handlers)
        self._token = ""

    def start(self, timeout: float = 90) -> StationProcess:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "denialparse",
                    "serve",
                    "--data",
                    str(self.data),
                    "--port",
                    str(self.port),
                    "--jobs",
                    "1",
                    *self.extra,
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}: {self.log.read_text()}")
            try:
                if self.get("/").status == 200 and b"ready" in self.log.read_bytes():
                    return self
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.2)
        raise AssertionError(f"the station did not start: {self.log.read_text()}")

    def get(self, path: str):
        return self.http.open(self.base + path, timeout=30)

    def json(self, path: str) -> dict:
        return json.loads(self.get(path).read())

    def csrf_token(self) -> str:
        """The form's CSRF token (fetched once per session, as a browser has it in the page)."""
        if not self._token:
            html = self.get("/").read().decode()
            self._token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        return self._token

    def post(self, path: str, fields: dict[str, str]) -> str:
        """POST a form with the CSRF token, like the page's forms; return the final URL."""
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token(), **fields})
        request = urllib.request.Request(
            self.base + path,
            data=data.encode(),
            method="POST",
            headers={"Referer": self.base + "/"},
        )
        return self.http.open(request, timeout=60).geturl()

    def login(self, name: str, password: str) -> None:
        """Log in through the log-in form (a new session, so a new CSRF token)."""
        html = self.get("/login/").read().decode()
        self._token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        landed = self.post("/login/", {"username": name, "password": password})
        assert not landed.rstrip("/").endswith("/login"), "log-in refused"
        self._token = ""  # Django rotates the token at log-in

    def upload(self, *paths: Path) -> str:
        """POST the files like the upload form; return where the station sent the browser."""
        boundary = "----stationprocessboundary"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{self.csrf_token()}\r\n"
        ).encode()
        for path in paths:
            body += (
                (
                    f'--{boundary}\r\nContent-Disposition: form-data; name="letters"; '
                    f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                ).encode()
                + path.read_bytes()
                + b"\r\n"
            )
        body += f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + "/upload/",
            data=body,
            method="POST",
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + "/",
            },
        )
        return self.http.open(request, timeout=60).geturl()

    def wait_status(self, letter_id: int, wanted: set[str], timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        status = ""
        # Long-poll for a letter to finish; poll plainly to catch it while it is in flight.
        wait = 0 if wanted & {"queued", "reading"} else 2
        while time.monotonic() < deadline:
            status = self.json(f"/letters/{letter_id}/status.json?wait={wait}")["status"]
            if status in wanted:
                return status
            time.sleep(0.02)
        raise AssertionError(f"letter {letter_id} is {status}, not {wanted}")

    def kill(self) -> None:
        """kill -9 the server and its workers, as a power cut or the OOM killer would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
