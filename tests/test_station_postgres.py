"""The station on PostgreSQL: the same code and migrations as on SQLite, against a real server.

A throw-away PostgreSQL cluster is made with Debian's ``initdb`` in a temporary folder and started
on a free loopback port (trust authentication, only for this test); ``DENIALPARSE_DATABASE_URL``
points the station at it. In CI (CI=true) a missing PostgreSQL or psycopg is a failure, not a skip
(``.ci/run`` installs both).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import IN_CI, SAMPLES
from tests.test_station_server import PASSWORD, StationProcess, denialparse, free_port

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _need(condition: bool, message: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(message + ": CI must install it (.ci/run -> install.sh)", pytrace=False)
    pytest.skip(message)


def _as_postgres(*cmd: str) -> list[str]:
    # PostgreSQL refuses to run as root; run its tools as the postgres account then.
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


@pytest.fixture
def postgres_url():
    initdb = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    _need(bool(initdb), "PostgreSQL (initdb) is not installed")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _need(False, "psycopg is not installed")
    bindir = Path(initdb[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="dp-pg-"))
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(root, owner.pw_uid, owner.pw_gid)
    data, port = root / "data", free_port()
    subprocess.run(
        _as_postgres(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "--auth=trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ),
        check=True,
        capture_output=True,
    )
    subprocess.run(
        _as_postgres(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(root / "log"),
            "-w",
            "-o",
            f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
            "start",
        ),
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(root, ignore_errors=True)


def test_station_runs_on_postgresql(postgres_url, tmp_path, monkeypatch):
    import psycopg

    monkeypatch.setenv("DENIALPARSE_DATABASE_URL", postgres_url)
    data = tmp_path / "data"
    added = denialparse(
        "users", "add", "avery", "--password-stdin", "--data", str(data), stdin=PASSWORD + "\n"
    )
    assert added.returncode == 0, added.stderr
    station = StationProcess(data).start()
    try:
        station.login("avery", PASSWORD)
        station.upload(SAMPLES / "cigna_cimt" / "letter.pdf")
        assert station.wait_status(1, {"to_review"}) == "to_review"
        station.post("/letters/1/save/", {"member_id": "U9990001112", "confirm": "1"})
        labels = station.get("/export/labels.jsonl").read().decode()
        assert '"member_id": "U9990001112"' in labels
    finally:
        station.stop()
    assert not (data / "station.sqlite3").exists()  # everything went to PostgreSQL
    with psycopg.connect(postgres_url) as conn:
        status, who = conn.execute(
            "SELECT status, confirmed_by FROM station_letter WHERE id = 1"
        ).fetchone()
        assert (status, who) == ("confirmed", "avery")
        assert conn.execute("SELECT count(*) FROM station_auditentry").fetchone()[0] >= 3
