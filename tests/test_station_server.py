"""The station as a person runs it: ``denialparse serve`` and ``denialparse users`` as processes.

Covers the start rules (another address refuses to start without an account), accounts, and
that a killed server (kill -9 of the whole process group) loses no letter.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

pytestmark = [pytest.mark.model, pytest.mark.slow]

from denialparse_dev.station_client import PASSWORD, StationProcess, denialparse, free_port


@pytest.fixture
def stations(tmp_path):
    started: list[StationProcess] = []

    def make(*extra: str, data: Path | None = None, port: int | None = None) -> StationProcess:
        s = StationProcess(data or tmp_path / "data", port, *extra)
        started.append(s)
        return s

    yield make
    for s in started:
        s.stop()


def test_users_add_list_remove(tmp_path):
    data = tmp_path / "data"
    added = denialparse(
        "users", "add", "avery", "--password-stdin", "--data", str(data), stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    assert "admin" in added.stderr and PASSWORD not in added.stderr + added.stdout
    denialparse("users", "add", "blake", "--password-stdin", "--data", str(data), stdin=PASSWORD)
    listed = denialparse("users", "list", "--data", str(data))
    assert listed.stdout.splitlines() == ["avery", "blake"]
    # The password is stored as Django's salted PBKDF2 hash, never in clear.
    db = (data / "station.sqlite3").read_bytes()
    assert PASSWORD.encode() not in db and b"pbkdf2_sha256$" in db
    weak = denialparse(
        "users", "add", "casey", "--password-stdin", "--data", str(data), stdin="123\n"
    )
    assert weak.returncode == 2 and "password refused" in weak.stderr
    assert len(weak.stderr.strip().splitlines()) == 1
    assert denialparse("users", "remove", "blake", "--data", str(data)).returncode == 0
    assert denialparse("users", "list", "--data", str(data)).stdout.split() == ["avery"]
    missing = denialparse("users", "remove", "nobody", "--data", str(data))
    assert missing.returncode == 2 and "no account" in missing.stderr


def test_another_address_refuses_to_start_without_an_account(tmp_path):
    result = denialparse(
        "serve",
        "--host",
        "0.0.0.0",
        "--port",
        str(free_port()),
        "--data",
        str(tmp_path / "data"),
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no account" in lines[0] and "users add" in lines[0]


def test_serve_refuses_half_a_tls_pair(tmp_path):
    cert = tmp_path / "cert.pem"
    cert.write_text("x")
    result = denialparse(
        "serve",
        "--tls-cert",
        str(cert),
        "--data",
        str(tmp_path / "d"),
        "--port",
        str(free_port()),
        timeout=60,
    )
    assert result.returncode == 2 and "--tls-key" in result.stderr


def test_a_killed_server_loses_no_letter(stations, tmp_path):
    station = stations().start()
    scan = SAMPLES / "scan_cigna_cimt.pdf"  # OCR takes seconds: it is surely in flight
    station.upload(scan, SAMPLES / "humana_partd_step" / "letter.pdf")
    station.wait_status(1, {"reading"}, timeout=30)
    station.kill()
    again = stations(data=station.data).start()
    assert again.wait_status(1, {"to_review"}) == "to_review"
    assert again.wait_status(2, {"to_review"}) == "to_review"
    page = again.get("/").read().decode()
    assert page.count('data-letter="') == 2
    # A service stop (SIGTERM) doesn't wait for a long OCR: that letter is redone next start.
    again.upload(SAMPLES / "molina_medicaid_oon" / "scan.pdf")
    again.wait_status(3, {"reading"}, timeout=60)
    started = time.monotonic()
    again.proc.send_signal(signal.SIGTERM)
    assert again.proc.wait(timeout=30) == 0
    assert time.monotonic() - started < 5


def test_serve_then_curl_the_worklist(stations, tmp_path):
    station = stations().start()
    response = station.get("/")
    assert response.status == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert b"<h1>Worklist</h1>" in response.read()
    assert station.get("/static/station/station.css").status == 200
    # Only loopback host names: a DNS name re-pointed at 127.0.0.1 gets nothing.
    request = urllib.request.Request(station.base + "/", headers={"Host": "evil.example"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        station.http.open(request, timeout=10)
    assert refused.value.code == 400
    station.stop()
    log = station.log.read_text()
    assert "Invalid HTTP_HOST header" in log and "Traceback" not in log  # one line, no trace


def test_serve_over_tls_marks_cookies_secure(stations, tmp_path):
    if not shutil.which("openssl"):
        from tests.conftest import IN_CI

        message = "openssl is not installed (it makes the test certificate); install.sh installs it"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    station = stations("--tls-cert", str(cert), "--tls-key", str(key)).start()
    response = station.get("/")
    assert response.status == 200 and station.base.startswith("https://")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_serve_takes_letters_from_the_inbox_and_logs_no_letter_text(stations, tmp_path):
    inbox = tmp_path / "scanner"
    inbox.mkdir()
    station = stations("--inbox", str(inbox)).start()
    letter = inbox / "0001.pdf"
    shutil.copy(SAMPLES / "cigna_cimt" / "letter.pdf", letter)
    before = letter.stat().st_mtime_ns
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and 'data-letter="1"' not in station.get("/").read().decode():
        time.sleep(0.2)
    assert station.wait_status(1, {"to_review"}) == "to_review"
    assert letter.stat().st_mtime_ns == before and letter.is_file()  # left as it was
    html = station.get("/letters/1/").read().decode()
    assert "Rosalind T. Hargrove" in html
    station.stop()
    log = station.log.read_text()
    assert "ready" in log
    for secret in ("Hargrove", "U5822140903", "constraint-induced", "0001.pdf"):
        assert secret not in log
