"""Request tests of the front desk (Django test client, one in-process station with a real
worker process): access rules, CSRF, uploads, review, appeal, audit, exports, data folder.

Django's settings are process-wide, so every test here shares one data folder; the ``desk``
fixture empties it before each test.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import stat
import time
import zipfile
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

pytestmark = pytest.mark.model

BORN_DIGITAL = SAMPLES / "cigna_cimt" / "letter.pdf"
OTHER_LETTER = SAMPLES / "humana_partd_step" / "letter.pdf"
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def station(tmp_path_factory):
    """Configure Django on a fresh data folder and start one resident worker."""
    from denialparse.options import Options
    from denialparse.station import runtime
    from denialparse.station.server import open_station

    umask = os.umask(0o077)  # open_station makes the process private; give it back after
    root = open_station(tmp_path_factory.mktemp("station") / "data")
    from django.test.utils import setup_test_environment

    from denialparse.station.dispatcher import Dispatcher

    setup_test_environment()
    dispatcher = Dispatcher(1, Options())
    dispatcher.start()
    runtime.install(dispatcher, Options())
    yield root
    dispatcher.stop()
    runtime.install(None, Options())
    os.umask(umask)


@pytest.fixture
def desk(station):
    """An empty station (no letters, accounts or audit lines) and a client."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session
    from django.test import Client

    from denialparse.station.models import AuditEntry, Letter, LoginFailure

    for model in (Letter, AuditEntry, LoginFailure, Session, get_user_model()):
        model.objects.all().delete()
    shutil.rmtree(station / "letters")
    (station / "letters").mkdir(mode=0o700)
    (station / "profile.toml").unlink(missing_ok=True)
    return Client()


def _wait_read(letter_id: int, timeout: float = 90) -> str:
    from denialparse.station.models import Letter

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Letter.objects.get(pk=letter_id).status
        if status not in ("queued", "reading"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"letter {letter_id} still {status} after {timeout} s")


def _upload(client, *paths: Path) -> list[int]:
    from denialparse.station.models import Letter

    before = set(Letter.objects.values_list("id", flat=True))
    handles = [p.open("rb") for p in paths]
    try:
        response = client.post("/upload/", {"letters": handles})
    finally:
        for h in handles:
            h.close()
    assert response.status_code == 302
    return sorted(set(Letter.objects.values_list("id", flat=True)) - before)


def _read_letter(client, path: Path = BORN_DIGITAL) -> int:
    (letter_id,) = _upload(client, path)
    assert _wait_read(letter_id) == "to_review"
    return letter_id


def _add_account(name: str = "frontdesk", admin: bool = False) -> None:
    from denialparse.station.accounts import add_user

    add_user(name, PASSWORD, admin=admin)


# ------------------------------------------------------------------------------------------
# access
# ------------------------------------------------------------------------------------------


def test_loopback_without_account_is_open(desk):
    response = desk.get("/")
    assert response.status_code == 200
    assert b"Open desk" in response.content


def test_once_an_account_exists_nothing_is_shown_without_login(desk):
    letter_id = _read_letter(desk)
    _add_account()
    for url in (
        "/",
        f"/letters/{letter_id}/",
        f"/letters/{letter_id}/status.json",
        f"/letters/{letter_id}/pages/1.png",
        "/export/labels.jsonl",
        "/export/corpus.zip",
        "/audit/",
        "/corrections/",
        "/settings/",
    ):
        response = desk.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
        assert b"Cigna" not in response.content
    assert desk.post("/upload/", {}).status_code == 302
    assert desk.post(f"/letters/{letter_id}/delete/").status_code == 302
    from denialparse.station.models import Letter

    assert Letter.objects.filter(pk=letter_id).exists()
    # The log-in page itself and the static files are public.
    assert desk.get("/login/").status_code == 200
    assert desk.login(username="frontdesk", password=PASSWORD)
    assert desk.get(f"/letters/{letter_id}/pages/1.png")["Content-Type"] == "image/png"


def test_other_address_needs_login_even_without_account(desk):
    from django.test import override_settings

    with override_settings(STATION_OPEN_WITHOUT_ACCOUNT=False):
        response = desk.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_login_is_throttled_after_repeated_failures(desk):
    _add_account()
    for _ in range(5):
        response = desk.post("/login/", {"username": "frontdesk", "password": "wrong"})
        assert b"Wrong name or password" in response.content
    response = desk.post("/login/", {"username": "frontdesk", "password": PASSWORD})
    assert b"Too many failed log-ins" in response.content
    assert desk.get("/").status_code == 302  # still not logged in


def test_login_then_logout(desk):
    _add_account()
    response = desk.post(
        "/login/?next=/corrections/", {"username": "frontdesk", "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/corrections/"
    assert desk.get("/").status_code == 200
    desk.post("/logout/")
    assert desk.get("/").status_code == 302
    for target in ("//evil.example/", "/\\evil.example/", "https://evil.example/"):
        response = desk.post(
            f"/login/?next={target}", {"username": "frontdesk", "password": PASSWORD}
        )
        assert response["Location"] == "/", target


def test_a_session_idle_past_its_age_needs_a_new_login(desk):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    _add_account()
    assert desk.login(username="frontdesk", password=PASSWORD)
    assert desk.get("/").status_code == 200
    # Every request pushes the expiry on (idle timeout); one idle past it is logged out.
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    assert desk.get("/").status_code == 302


def test_session_and_csrf_cookies_are_httponly_samesite_and_secure_under_tls(desk, station):
    from denialparse.station.config import StationSettings, django_settings

    _add_account()
    response = desk.post("/login/", {"username": "frontdesk", "password": PASSWORD})
    cookie = response.cookies["denialparse_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    plain = django_settings(StationSettings(data_dir=station))
    tls = django_settings(StationSettings(data_dir=station, tls=True))
    assert not plain["SESSION_COOKIE_SECURE"]
    assert tls["SESSION_COOKIE_SECURE"] and tls["CSRF_COOKIE_SECURE"]
    assert plain["SESSION_SAVE_EVERY_REQUEST"] and plain["SESSION_COOKIE_AGE"] <= 3600


def test_post_without_csrf_token_is_refused(desk, station):
    from django.test import Client

    from denialparse.station.models import Letter

    strict = Client(enforce_csrf_checks=True)
    with BORN_DIGITAL.open("rb") as fh:
        response = strict.post("/upload/", {"letters": [fh]})
    assert response.status_code == 403
    assert not Letter.objects.exists()
    letter_id = _read_letter(desk)
    assert strict.post(f"/letters/{letter_id}/delete/").status_code == 403
    assert strict.post(f"/letters/{letter_id}/save/", {"member_id": "X"}).status_code == 403
    assert Letter.objects.filter(pk=letter_id).exists()


def test_every_page_carries_a_strict_csp_and_no_inline_script(desk):
    letter_id = _read_letter(desk)
    for url in ("/", f"/letters/{letter_id}/", "/settings/", "/corrections/", "/audit/", "/login/"):
        response = desk.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "default-src 'self'" in csp
        assert "http" not in csp and "unsafe" not in csp
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url  # every script is a file
        assert " style=" not in html and "<style" not in html, url
        assert not re.search(r"(src|href)=\"(https?:)?//", html), url  # nothing from outside
        assert response["Cache-Control"] == "no-store"


def test_static_files_are_served_from_the_package(desk):
    response = desk.get("/static/station/station.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"showBox" in body


# ------------------------------------------------------------------------------------------
# intake
# ------------------------------------------------------------------------------------------


def _multipart(filename: str, data: bytes, token: str) -> tuple[bytes, str]:
    boundary = "----stationtestboundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="letters"; '
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "name", ["../../../../tmp/escaped.pdf", "..\\..\\escaped.pdf", "/etc/cron.d/escaped", "..", ""]
)
def test_a_path_traversal_file_name_cannot_escape_the_data_folder(desk, station, name):
    from denialparse.station.models import Letter

    data = BORN_DIGITAL.read_bytes() + name.encode()  # new bytes each case: no dedupe
    body, content_type = _multipart(name, data, "x")
    response = desk.generic("POST", "/upload/", body, content_type=content_type)
    assert response.status_code == 302
    letter = Letter.objects.first()
    if letter is None:  # Django's parser dropped a name that is nothing but a path: no file
        assert name in ("..", "")
        assert not any(p.is_file() for p in (station / "letters").rglob("*"))
        return
    assert re.fullmatch(r"[0-9a-f]{32}", letter.folder)
    assert "/" not in letter.display_name and "\\" not in letter.display_name
    stored = station / "letters" / letter.folder / "letter"
    assert stored.read_bytes() == data
    assert not Path("/tmp/escaped.pdf").exists() and not Path("/etc/cron.d/escaped").exists()
    # Every file of the letter is inside its own folder under the data folder.
    files = [p for p in station.rglob("*") if p.is_file() and data == p.read_bytes()]
    assert files == [stored]


def test_display_name_keeps_only_the_last_component():
    from denialparse.station.intake import display_name

    assert display_name("../../etc/passwd") == "passwd"
    assert display_name("C:\\scans\\x.pdf") == "x.pdf"
    assert display_name("a\x00b\nc.pdf") == "abc.pdf"
    assert display_name("") == "letter"


def test_a_bad_upload_is_a_failed_letter_and_the_station_keeps_serving(desk, tmp_path):
    from denialparse.station.models import Letter

    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"MZ\x90\x00 this is an executable, not a letter" * 10)
    empty = tmp_path / "blank.pdf"
    empty.write_bytes(b"   \n  ")
    ids = _upload(desk, bad, empty, BORN_DIGITAL)
    statuses = {Letter.objects.get(pk=i).display_name: _wait_read(i) for i in ids}
    assert statuses == {"notes.pdf": "failed", "blank.pdf": "failed", "letter.pdf": "to_review"}
    failed = Letter.objects.get(display_name="notes.pdf")
    assert "Windows executable" in failed.reason and "\n" not in failed.reason
    assert "letters/" not in failed.reason  # our storage path is not the user's business
    page = desk.get("/?status=failed").content.decode()
    assert "Windows executable" in page and "notes.pdf" in page
    assert desk.get("/").status_code == 200


def test_an_upload_over_the_size_limit_fails_at_once_and_keeps_no_bytes(desk, station):
    from denialparse.options import Options
    from denialparse.station import runtime
    from denialparse.station.models import Letter

    previous = runtime.options()
    runtime.install(runtime._dispatcher, Options(max_file_bytes=1024))
    try:
        ids = _upload(desk, BORN_DIGITAL)
    finally:
        runtime.install(runtime._dispatcher, previous)
    letter = Letter.objects.get(pk=ids[0])
    assert letter.status == "failed" and "limit" in letter.reason
    assert not any(p.is_file() for p in (station / "letters").rglob("*"))


def test_status_long_poll_answers_when_the_letter_is_read(desk):
    (letter_id,) = _upload(desk, BORN_DIGITAL)
    started = time.monotonic()
    answer = desk.get(f"/letters/{letter_id}/status.json?wait=15").json()
    assert answer == {"status": "to_review", "read": True}
    assert time.monotonic() - started < 10
    assert desk.get(f"/letters/{letter_id}/status.json?wait=nonsense").json()["read"]


def test_the_same_bytes_twice_are_one_letter(desk):
    from denialparse.station.models import Letter

    first = _upload(desk, BORN_DIGITAL)
    response = desk.post("/upload/", {"letters": [BORN_DIGITAL.open("rb")]}, follow=True)
    assert b"is already here" in response.content
    assert list(Letter.objects.values_list("id", flat=True)) == first


def test_the_inbox_takes_complete_files_once_and_never_changes_them(desk, tmp_path):
    from denialparse.options import Options
    from denialparse.station.intake import STABLE_SECONDS, InboxWatcher
    from denialparse.station.models import Letter

    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    scan = inbox / "scan1.pdf"
    shutil.copy(BORN_DIGITAL, scan)
    shutil.copy(BORN_DIGITAL, inbox / "sub" / "same-bytes.pdf")
    (inbox / ".partial.pdf").write_bytes(b"%PDF-1.4 half")
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in inbox.rglob("*") if p.is_file()}
    woken = []
    watcher = InboxWatcher(inbox, Options(), lambda: woken.append(1))
    assert watcher.scan_once(now=0.0) == 0  # first sight: not yet known to be complete
    assert watcher.scan_once(now=STABLE_SECONDS / 2) == 0
    assert watcher.scan_once(now=STABLE_SECONDS + 0.1) == 1  # the copy is a duplicate
    assert watcher.scan_once(now=STABLE_SECONDS + 5) == 0
    assert Letter.objects.get().source == "inbox" and woken == [1]
    after = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in inbox.rglob("*") if p.is_file()}
    assert after == before
    # A file still being written (size changes) waits until it settles.
    growing = inbox / "scan2.pdf"
    growing.write_bytes(OTHER_LETTER.read_bytes()[:1000])
    assert watcher.scan_once(now=10.0) == 0
    growing.write_bytes(OTHER_LETTER.read_bytes())
    assert watcher.scan_once(now=11.0) == 0 and watcher.scan_once(now=12.5) == 0
    assert watcher.scan_once(now=13.5) == 1
    assert Letter.objects.count() == 2


def test_a_letter_deleted_at_the_desk_is_not_taken_from_the_inbox_again(desk, tmp_path):
    from denialparse.options import Options
    from denialparse.station.intake import InboxWatcher
    from denialparse.station.models import Letter

    letter_id = _read_letter(desk)
    desk.post(f"/letters/{letter_id}/delete/")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(BORN_DIGITAL, inbox / "again.pdf")
    watcher = InboxWatcher(inbox, Options(), lambda: None)
    watcher.scan_once(now=0.0)
    assert watcher.scan_once(now=5.0) == 0
    assert not Letter.objects.exists()


def test_letters_left_in_flight_by_a_killed_server_are_queued_again(station, desk):
    from denialparse.options import Options
    from denialparse.station.dispatcher import requeue_in_flight
    from denialparse.station.intake import take
    from denialparse.station.models import Letter

    got = take(
        [BORN_DIGITAL.read_bytes()], BORN_DIGITAL.stat().st_size, "x.pdf", "upload", Options()
    )
    Letter.objects.filter(pk=got.letter.pk).update(status="reading")  # as a kill -9 leaves it
    assert requeue_in_flight() == 1
    assert Letter.objects.get(pk=got.letter.pk).status == "queued"


# ------------------------------------------------------------------------------------------
# worklist
# ------------------------------------------------------------------------------------------


def _letter_row(n: int, status: str, due: dt.date | None, patient: str):
    from denialparse.station.models import Letter

    return Letter.objects.create(
        folder=f"{n:032x}",
        display_name=f"l{n}.pdf",
        sha256=f"{n:064x}",
        status=status,
        earliest_deadline=due,
        patient=patient,
    )


def test_worklist_is_sorted_by_deadline_marks_urgency_and_filters(desk):
    from django.utils import timezone

    today = timezone.localdate()
    later = _letter_row(1, "to_review", today + dt.timedelta(days=90), "Later Patient")
    overdue = _letter_row(2, "to_review", today - dt.timedelta(days=2), "Overdue Patient")
    soon = _letter_row(3, "confirmed", today + dt.timedelta(days=5), "Soon Patient")
    queued = _letter_row(4, "reading", None, "")  # (a queued row would go to the worker)
    failed = _letter_row(5, "failed", None, "")
    html = desk.get("/").content.decode()
    order = re.findall(r"<tr class=\"([^\"]*)\" data-letter=\"(\d+)\"", html)
    # Soonest deadline first; undated letters after, newest first.
    assert [int(n) for _, n in order] == [overdue.pk, soon.pk, later.pk, failed.pk, queued.pk]
    classes = {int(n): c for c, n in order}
    assert classes[overdue.pk].startswith("overdue") and classes[soon.pk].startswith("this-week")
    assert classes[later.pk].strip() == "status-to_review"
    assert "overdue</strong>" in html and "this week</strong>" in html
    confirmed = desk.get("/?status=confirmed").content.decode()
    assert "Soon Patient" in confirmed and "Later Patient" not in confirmed


# ------------------------------------------------------------------------------------------
# review, corrections, appeal
# ------------------------------------------------------------------------------------------


def test_review_page_has_labelled_fields_with_boxes_and_contract_lists(desk):
    letter_id = _read_letter(desk)
    html = desk.get(f"/letters/{letter_id}/").content.decode()
    for name in ("member_id", "payer", "patient_name", "letter_date", "therapy"):
        assert f'<label for="f-{name}">' in html and f'id="f-{name}"' in html
    assert '<select id="f-denial_type"' in html and 'value="step_therapy"' in html
    assert '<select id="f-plan_type"' in html and 'value="medicare_part_d"' in html
    assert re.search(r'data-box="0\.\d{4},0\.\d{4},0\.\d{4},0\.\d{4}"', html)
    assert f'<img src="/letters/{letter_id}/pages/1.png" width="612" height="792"' in html
    assert ">Confirm</button>" in html and ">Save</button>" in html
    # Confirm comes first in the form, so Enter in a field confirms.
    form = html[html.index('id="fields-form"') :]
    assert form.index('name="confirm"') < form.index('name="save"')


def test_doubtful_fields_are_marked_and_come_first(desk):
    from denialparse.station.models import Letter

    letter_id = _read_letter(desk)
    letter = Letter.objects.get(pk=letter_id)
    letter.extracted = {**letter.extracted, "needs_review": ["member_id", "therapy"]}
    letter.save()
    html = desk.get(f"/letters/{letter_id}/").content.decode()
    names = re.findall(r'<label for="f-(\w+)">', html)
    assert names[:2] == ["therapy", "member_id"]
    assert html.count('<strong class="flag">check</strong>') >= 2


def test_page_images_render_for_pdf_and_image_letters(desk):
    from PIL import Image

    for sample in (BORN_DIGITAL, SAMPLES / "humana_partd_step" / "photo.jpg"):
        if sample.suffix == ".jpg":
            pytest.importorskip("PIL")
            if not shutil.which("tesseract"):
                continue
        letter_id = _read_letter(desk, sample)
        response = desk.get(f"/letters/{letter_id}/pages/1.png")
        assert response["Content-Type"] == "image/png"
        img = Image.open(io.BytesIO(response.content))
        assert img.width > 500
        assert desk.get(f"/letters/{letter_id}/pages/99.png").status_code == 404


def test_save_recomputes_deadlines_from_the_corrected_fields(desk):
    from denialparse.station.models import Letter

    letter_id = _read_letter(desk)
    before = Letter.objects.get(pk=letter_id)
    assert before.earliest_deadline == dt.date(2026, 9, 10)  # ERISA: 180 days from 2026-03-14
    response = desk.post(
        f"/letters/{letter_id}/save/",
        {"letter_date": "2026-04-01", "plan_type": "medicare_advantage"},
    )
    assert response.status_code == 302
    after = Letter.objects.get(pk=letter_id)
    assert after.edited_fields == ["letter_date", "plan_type"]
    from denialparse.deadlines.compute import compute_deadlines
    from denialparse.station import letters

    expected = compute_deadlines(letters.result_of(after).fields, None)
    assert after.earliest_deadline == dt.date.fromisoformat(min(d.due for d in expected if d.due))
    assert after.earliest_deadline != before.earliest_deadline
    assert after.current["deadlines"] != before.current["deadlines"]
    assert after.current["fields"]["letter_date"]["source"] == "person"
    assert after.extracted["fields"]["letter_date"]["value"] == "2026-03-14"
    bad = desk.post(f"/letters/{letter_id}/save/", {"letter_date": "14/03/2026"}, follow=True)
    assert b"YYYY-MM-DD" in bad.content
    assert (
        Letter.objects.get(pk=letter_id).current["fields"]["letter_date"]["value"] == "2026-04-01"
    )


def test_untouched_form_changes_nothing(desk):
    from denialparse.station import letters
    from denialparse.station.models import Letter

    letter_id = _read_letter(desk)
    letter = Letter.objects.get(pk=letter_id)
    result = letters.result_of(letter)
    # What a browser sends back: CRLF in text areas, every field as shown.
    form = {n: letters.field_text(result, n).replace("\n", "\r\n") for n in letters.REVIEW_FIELDS}
    response = desk.post(f"/letters/{letter_id}/save/", {**form, "save": "1"}, follow=True)
    assert b"Nothing changed" in response.content
    assert Letter.objects.get(pk=letter_id).edited_fields == []


def _docx_text(data: bytes) -> str:
    import docx

    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [c.text for row in table.rows for c in row.cells]
    return "\n".join(parts)


def test_correct_confirm_draft_download_with_audit_lines(desk):
    from denialparse.station.models import AuditEntry, Letter

    _add_account("avery", admin=True)
    assert desk.login(username="avery", password=PASSWORD)
    letter_id = _read_letter(desk)
    response = desk.post(
        f"/letters/{letter_id}/save/", {"member_id": "U9990001112", "confirm": "1"}
    )
    assert response.status_code == 302
    letter = Letter.objects.get(pk=letter_id)
    assert letter.status == "confirmed" and letter.confirmed_by == "avery"
    assert letter.confirmed_at is not None
    desk.post(f"/letters/{letter_id}/appeal/")
    assert Letter.objects.get(pk=letter_id).status == "appeal_ready"
    response = desk.get(f"/letters/{letter_id}/appeal.docx")
    assert response["Content-Disposition"].startswith("attachment")
    text = _docx_text(b"".join(response.streaming_content))
    assert "U9990001112" in text and "U5822140903" not in text
    actions = list(AuditEntry.objects.filter(letter_id=letter_id).values_list("who", "action"))
    assert ("avery", "changed") in actions and ("avery", "confirmed") in actions
    assert ("avery", "drafted appeal") in actions and ("avery", "downloaded") in actions
    # The audit log names fields, never their values.
    details = " ".join(AuditEntry.objects.values_list("detail", flat=True))
    assert "member_id" in details and "U9990001112" not in details
    page = desk.get("/audit/").content.decode()
    assert "downloaded" in page and "avery" in page
    # An edit after confirmation needs a new check, and the old appeal is gone.
    desk.post(f"/letters/{letter_id}/save/", {"claim_id": "C-1"})
    letter = Letter.objects.get(pk=letter_id)
    assert letter.status == "to_review" and letter.confirmed_at is None
    assert desk.get(f"/letters/{letter_id}/appeal.docx").status_code == 404


def test_unconfirmed_doubtful_fields_stay_highlighted_in_the_draft(desk):
    from denialparse.station import letters
    from denialparse.station.models import Letter

    letter_id = _read_letter(desk)
    letter = Letter.objects.get(pk=letter_id)
    letter.extracted = {**letter.extracted, "needs_review": ["therapy"]}
    letter.current = {**letter.current, "needs_review": ["therapy"]}
    letter.save()
    assert "therapy" in letters.appeal_result(letter).needs_review
    letters.confirm(letter, "avery")
    assert "therapy" not in letters.appeal_result(letter).needs_review


def test_audit_log_is_for_admins_only(desk):
    _add_account("boss")  # the first account is an admin
    _add_account("clerk")
    assert desk.login(username="clerk", password=PASSWORD)
    assert desk.get("/audit/").status_code == 403
    desk.logout()
    assert desk.login(username="boss", password=PASSWORD)
    assert desk.get("/audit/").status_code == 200


def test_delete_removes_files_and_rows_and_leaves_an_audit_line(desk, station):
    from denialparse.station.models import AuditEntry, Letter

    letter_id = _read_letter(desk)
    desk.get(f"/letters/{letter_id}/pages/1.png")
    desk.post(f"/letters/{letter_id}/appeal/")
    folder = station / "letters" / Letter.objects.get(pk=letter_id).folder
    assert (folder / "appeal.docx").is_file() and (folder / "pages").is_dir()
    desk.post(f"/letters/{letter_id}/delete/")
    assert not folder.exists() and not Letter.objects.filter(pk=letter_id).exists()
    assert list((station / "letters").iterdir()) == []
    assert AuditEntry.objects.filter(letter_id=letter_id, action="deleted").exists()
    assert desk.get(f"/letters/{letter_id}/").status_code == 404


def test_data_folder_is_0700_and_every_file_0600(desk, station):
    letter_id = _read_letter(desk)
    desk.get(f"/letters/{letter_id}/pages/1.png")
    desk.post(f"/letters/{letter_id}/appeal/")
    desk.post("/settings/import/", {"profile": (SAMPLES / "profile.toml").open("rb")})
    assert (station / "profile.toml").is_file()
    modes = {}
    for path in [station, *station.rglob("*")]:
        modes[path] = stat.S_IMODE(path.stat().st_mode)
    folders = {p: m for p, m in modes.items() if p.is_dir()}
    files = {p: m for p, m in modes.items() if p.is_file()}
    assert set(folders.values()) == {0o700}, folders
    assert set(files.values()) == {0o600}, files
    assert any(p.name == "station.sqlite3" for p in files)
    assert any(p.name == "appeal.docx" for p in files)


def test_the_committed_migrations_match_the_models(station):
    from django.core.management import call_command

    # Exits non-zero (SystemExit) when a model change has no migration.
    call_command("makemigrations", "station", "--check", "--dry-run", verbosity=0)


def test_prepare_tightens_an_existing_loose_folder(tmp_path):
    from denialparse.station import datafolder

    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    root = datafolder.prepare(loose)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


# ------------------------------------------------------------------------------------------
# profile, exports, corrections page
# ------------------------------------------------------------------------------------------


def test_profile_form_and_import_use_the_cli_checks(desk, station):
    response = desk.post(
        "/settings/", {"practice_name": "Riverbend", "practice_npi": "123"}, follow=True
    )
    assert b"missing key" in response.content or b"NPI" in response.content
    assert not (station / "profile.toml").exists()
    with (SAMPLES / "profile.toml").open("rb") as fh:
        desk.post("/settings/import/", {"profile": fh})
    from denialparse.appeal.profile import load_profile

    profile = load_profile(station / "profile.toml")
    form = desk.get("/settings/").content.decode()
    assert profile.practice in form.replace("&amp;", "&")
    # Saving the form as shown writes a profile the CLI reads the same.
    values = {k: v for k, v in re.findall(r'<input id="p-\w+" name="(\w+)" value="([^"]*)"', form)}
    values.update(
        {
            k: v
            for k, v in re.findall(
                r'<textarea id="p-\w+" name="(\w+)" rows="3">([^<]*)</textarea>', form
            )
        }
    )
    values = {k: v.replace("&amp;", "&") for k, v in values.items()}
    desk.post("/settings/", values)
    again = load_profile(station / "profile.toml")
    assert again.practice == profile.practice and again.address_lines == profile.address_lines
    letter_id = _read_letter(desk)
    desk.post(f"/letters/{letter_id}/appeal/")
    text = _docx_text(b"".join(desk.get(f"/letters/{letter_id}/appeal.docx").streaming_content))
    assert profile.practice in text


def test_profile_logo_upload_goes_on_the_letterhead(desk, station):
    from PIL import Image

    from denialparse.appeal.profile import load_profile

    with (SAMPLES / "profile.toml").open("rb") as fh:
        desk.post("/settings/import/", {"profile": fh})
    bad = desk.post("/settings/logo/", {"logo": io.BytesIO(b"GIF89a not a png")}, follow=True)
    assert b"PNG or JPEG" in bad.content and not (station / "logo").exists()
    png = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 92, 173)).save(png, format="PNG")
    png.seek(0)
    png.name = "logo.png"
    desk.post("/settings/logo/", {"logo": png})
    assert load_profile(station / "profile.toml").logo_path == station / "logo"
    letter_id = _read_letter(desk)
    desk.post(f"/letters/{letter_id}/appeal/")
    docx_bytes = b"".join(desk.get(f"/letters/{letter_id}/appeal.docx").streaming_content)
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as zf:
        assert any(n.startswith("word/media/") for n in zf.namelist())
    # A profile naming a logo on another machine is refused with what to do.
    with_logo = (
        (SAMPLES / "profile.toml")
        .read_text()
        .replace("[physician]", 'logo = "x.png"\n[physician]', 1)
    )
    response = desk.post(
        "/settings/import/", {"profile": io.BytesIO(with_logo.encode())}, follow=True
    )
    assert b'<li class="error">' in response.content and b"logo" in response.content
    desk.post("/settings/logo/", {"remove": "1"})
    assert not (station / "logo").exists()
    assert load_profile(station / "profile.toml").logo_path is None


def test_confirmed_letters_export_as_labels_jsonl_that_evaluate_reads(desk, tmp_path):
    from denialparse.evaluate import find_letter, read_labels

    letter_id = _read_letter(desk)
    _read_letter(desk, OTHER_LETTER)  # not confirmed: not exported
    desk.post(f"/letters/{letter_id}/save/", {"member_id": "U9990001112", "confirm": "1"})
    rows = [
        json.loads(line) for line in desk.get("/export/labels.jsonl").content.decode().splitlines()
    ]
    assert len(rows) == 1
    row = rows[0]
    assert row["member_id"] == "U9990001112" and row["denial_type"] == "duplicate_therapy"
    assert row["payer_canonical"] == "Cigna" and row["letter_date"] == "2026-03-14"
    assert set(row) >= {
        "id",
        "payer",
        "plan_type",
        "therapy",
        "denial_reason",
        "service_date",
        "claim_id",
    }
    corpus = tmp_path / "corpus"
    with zipfile.ZipFile(io.BytesIO(desk.get("/export/corpus.zip").content)) as zf:
        zf.extractall(corpus)
    (label,) = read_labels(corpus)
    assert find_letter(corpus, label["id"]).read_bytes() == BORN_DIGITAL.read_bytes()
    rates = desk.get("/corrections/").content.decode()
    assert "Member ID" in rates and "1 of 1" in rates and "100 %" in rates


def test_a_worker_that_dies_fails_its_letter_and_new_workers_take_over(desk):
    import multiprocessing
    import signal

    from denialparse.station.dispatcher import CRASHED
    from denialparse.station.models import Letter

    (letter_id,) = _upload(desk, SAMPLES / "scan_cigna_cimt.pdf")  # OCR: seconds in flight
    deadline = time.monotonic() + 30
    while Letter.objects.get(pk=letter_id).status != "reading" and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = multiprocessing.active_children()
    assert workers, "the resident worker process should be running"
    for worker in workers:
        os.kill(worker.pid, signal.SIGKILL)  # as the OOM killer would
    assert _wait_read(letter_id) == "failed"
    assert Letter.objects.get(pk=letter_id).reason == CRASHED
    # The station goes on: new workers read the next letter, and "Read again" retries this one.
    assert _read_letter(desk, OTHER_LETTER)
    desk.post(f"/letters/{letter_id}/retry/")
    assert _wait_read(letter_id, timeout=180) == "to_review"


def test_a_letter_over_its_cpu_bound_ends_its_worker_with_the_reason_noted(tmp_path):
    """The worker notes the bound's line beside the letter, then ends; the dispatcher reads it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from denialparse.options import Options
    from denialparse.station import work

    letter = tmp_path / "original"
    letter.write_bytes((SAMPLES / "scan_cigna_cimt.pdf").read_bytes())  # OCR: seconds of CPU
    options = Options(max_cpu_seconds=0.5, model_path="none")
    with ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=work.start_worker,
        initargs=(options,),
    ) as pool:
        with pytest.raises(BrokenProcessPool):
            pool.submit(work.read_letter, str(letter)).result(timeout=120)
    line = work.stopped_by_bound(str(letter))
    assert line is not None and "s of CPU" in line and str(tmp_path) not in line
    assert work.stopped_by_bound(str(letter)) is None  # read once, then gone


def test_picked_fields_show_words_and_keep_the_contract_values(desk):
    letter_id = _read_letter(desk)
    page = desk.get(f"/letters/{letter_id}/").content.decode()
    assert '<option value="erisa" selected>employer plan (ERISA)</option>' in page
    assert '<option value="duplicate_therapy" selected>duplicate therapy</option>' in page
