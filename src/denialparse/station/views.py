"""The pages. Plain HTML forms that work without JavaScript; ``station.js`` only adds to them.

Every change is a POST with Django's CSRF token; every look at, change to, download or deletion
of a letter leaves an audit line with who and when (field names, never values).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import time
import zipfile
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.core.paginator import Paginator
from django.db.models import Count, F
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from denialparse.exceptions import DenialParseError, ProfileError
from denialparse.station import letters, pages, profiles, runtime, throttle
from denialparse.station.intake import take
from denialparse.station.middleware import actor, is_admin, open_desk
from denialparse.station.models import IN_FLIGHT, READ, AuditEntry, Letter, Status
from denialparse.types import LetterResult

log = logging.getLogger(__name__)

SOON_DAYS = 7
WORKLIST_PAGE = 200


def station_context(request: HttpRequest) -> dict[str, Any]:
    """Template context on every page: who is there, whether the audit link shows."""
    return {"actor": actor(request), "is_admin": is_admin(request), "open_desk": open_desk()}


def audit(
    request: HttpRequest, action: str, letter: Letter | None = None, detail: str = ""
) -> None:
    """Record who did what to which letter (no letter text: field names at most)."""
    AuditEntry.objects.create(
        who=actor(request),
        action=action,
        letter_id=letter.pk if letter else None,
        detail=detail[:300],
        sha256=letter.sha256 if letter and action == "deleted" else "",
    )


# ------------------------------------------------------------------------------------------
# log-in
# ------------------------------------------------------------------------------------------


def login_view(request: HttpRequest) -> HttpResponse:
    """Log-in with throttling: too many failures for a name or an address wait a while."""
    error = ""
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        address = request.META.get("REMOTE_ADDR", "")
        if throttle.locked_out(username, address):
            error = throttle.LOCKED_MESSAGE
        else:
            user = authenticate(
                request, username=username, password=request.POST.get("password", "")
            )
            if user is None:
                throttle.record_failure(username, address)
                error = "Wrong name or password."
            else:
                throttle.clear(username)
                login(request, user)
                AuditEntry.objects.create(who=username, action="logged in")
                target = request.GET.get("next", "/")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
                    target = "/"  # never send the desk on to another site after logging in
                return redirect(target)
    return render(request, "station/login.html", {"error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Log out (POST, so another site can't log the desk out with a link)."""
    logout(request)
    return redirect(settings.LOGIN_URL)


# ------------------------------------------------------------------------------------------
# worklist and intake
# ------------------------------------------------------------------------------------------


def _days_left(letter: Letter, today: dt.date) -> int | None:
    return (letter.earliest_deadline - today).days if letter.earliest_deadline else None


def _urgency(days: int | None) -> str:
    if days is None:
        return ""
    if days < 0:
        return "overdue"
    if days <= SOON_DAYS:
        return "this-week"
    return ""


@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    """The start page: upload form and every letter, soonest deadline first."""
    wanted = request.GET.get("status", "")
    # Letters without a deadline (queued, failed, or none computed) come after the dated ones.
    rows = Letter.objects.defer("extracted", "current").order_by(
        F("earliest_deadline").asc(nulls_last=True), "-created_at", "-id"
    )
    if wanted in Status.values:
        rows = rows.filter(status=wanted)
    today = timezone.localdate()
    page = Paginator(rows, WORKLIST_PAGE).get_page(request.GET.get("page"))
    table = []
    for letter in page:
        days = _days_left(letter, today)
        table.append({"letter": letter, "days": days, "urgency": _urgency(days)})
    counts = {s: 0 for s in Status.values}
    for row in Letter.objects.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return render(
        request,
        "station/worklist.html",
        {
            "rows": table,
            "page": page,
            "wanted": wanted,
            "statuses": [(s.value, s.label, counts[s.value]) for s in Status],
            "busy": counts[Status.QUEUED] + counts[Status.READING],
        },
    )


@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    """Store each uploaded file as a new letter and queue it; duplicates are pointed to."""
    files = request.FILES.getlist("letters")
    if not files:
        messages.error(request, "Choose one or more letter files first.")
        return redirect("worklist")
    new: list[Letter] = []
    for f in files:
        got = take(f.chunks(), f.size or 0, f.name or "letter", "upload", runtime.options())
        if got.duplicate:
            messages.info(request, f"{got.letter.display_name} is already here.")
            continue
        new.append(got.letter)
        audit(request, "uploaded", got.letter)
    runtime.letters_queued()
    if len(new) == 1 and len(files) == 1:
        return redirect("review", letter_id=new[0].pk)
    if new:
        messages.success(request, f"{len(new)} letter(s) queued for reading.")
    return redirect("worklist")


# ------------------------------------------------------------------------------------------
# review
# ------------------------------------------------------------------------------------------


def _letter(letter_id: int) -> Letter:
    return get_object_or_404(Letter, pk=letter_id)


def _box_share(bbox: list[float] | None, sizes: list[tuple[float, float]], page: int) -> str:
    """A field's box as shares of its page (left, top, width, height) for the page's script."""
    if not bbox or not 0 < page <= len(sizes):
        return ""
    w, h = sizes[page - 1]
    x0, y0, x1, y1 = bbox
    return ",".join(f"{v:.4f}" for v in (x0 / w, y0 / h, (x1 - x0) / w, (y1 - y0) / h))


def _field_rows(
    letter: Letter, result: LetterResult, sizes: list[tuple[float, float]], doubtful: list[str]
) -> list[dict[str, Any]]:
    """The review form's rows: doubtful fields first, each with its box on the page (shares)."""
    rows = []
    for name in letters.REVIEW_FIELDS:
        fv = (
            getattr(result.fields, name, None)
            if name not in (letters.DENIAL_TYPE, letters.REFERENCE_CODES)
            else None
        )
        confidence = None
        box = ""
        page = None
        evidence = None
        if name == letters.DENIAL_TYPE and result.denial_type:
            confidence = result.denial_type.confidence
            evidence = result.denial_type.evidence[0] if result.denial_type.evidence else None
        elif fv is not None:
            confidence = fv.confidence
            evidence = fv.evidence
        if evidence is not None:
            page = evidence.page
            box = _box_share(evidence.bbox, sizes, page)
        rows.append(
            {
                "name": name,
                "label": letters.LABELS[name],
                "value": letters.field_text(result, name),
                "choices": letters.CHOICES.get(name),
                "long": name in letters.LONG_FIELDS,
                "date": name in letters.DATE_FIELDS,
                "doubtful": name in doubtful,
                "edited": name in letter.edited_fields,
                "confidence": None if confidence is None else round(confidence * 100),
                "page": page,
                "box": box,
            }
        )
    rows.sort(key=lambda r: not r["doubtful"])  # stable: doubtful first, then contract order
    return rows


def _page_sizes(letter: Letter, result: LetterResult) -> list[tuple[float, float]]:
    try:
        return pages.page_sizes(letters.original_path(letter), result.source.media_type)
    except (OSError, ValueError, DenialParseError):
        return []


@require_GET
def review(request: HttpRequest, letter_id: int) -> HttpResponse:
    """The letter's pages beside its fields; or where it is in the queue."""
    letter = _letter(letter_id)
    result = letters.result_of(letter)
    context: dict[str, Any] = {"letter": letter, "result": result}
    if result is not None and letter.status in READ:
        audit(request, "viewed", letter)  # the fields are shown (not the waiting page's refresh)
        sizes = _page_sizes(letter, result)
        doubtful = letters.doubtful_fields(letter)
        today = timezone.localdate()
        context.update(
            fields=_field_rows(letter, result, sizes, doubtful),
            # Width and height let the browser lay the page out before its image arrives, so
            # a field's box lands in the right place at once.
            page_images=[
                {"number": n, "width": round(w), "height": round(h)}
                for n, (w, h) in enumerate(sizes, 1)
            ],
            deadlines=[
                {"d": d, "days": (dt.date.fromisoformat(d.due) - today).days if d.due else None}
                for d in result.deadlines
            ],
            doubtful=doubtful,
            has_appeal=letters.appeal_path(letter).is_file(),
        )
    return render(request, "station/review.html", context)


MAX_WAIT_SECONDS = 20.0


@require_GET
def letter_status(request: HttpRequest, letter_id: int) -> JsonResponse:
    """Where a letter is. With ``?wait=S`` (the review page's script), answers as soon as the
    letter is no longer queued or reading, or after S seconds at most (a long poll)."""
    try:
        wait = min(max(float(request.GET.get("wait", 0)), 0.0), MAX_WAIT_SECONDS)
    except ValueError:
        wait = 0.0
    end = time.monotonic() + wait
    seen = runtime.generation()
    while True:
        status = get_object_or_404(Letter.objects.only("status"), pk=letter_id).status
        left = end - time.monotonic()
        if status not in IN_FLIGHT or left <= 0:
            return JsonResponse({"status": status, "read": status in READ})
        seen = runtime.wait_for_a_letter(seen, left)


@require_GET
def page_image(request: HttpRequest, letter_id: int, number: int) -> HttpResponse:
    """One page of the letter as PNG (logged-in users only, like every page)."""
    letter = _letter(letter_id)
    result = letters.result_of(letter)
    if result is None or not 1 <= number <= result.source.pages:
        raise Http404("no such page")
    try:
        png = pages.page_png(
            letters.original_path(letter),
            result.source.media_type,
            number,
            letters.letter_dir(letter) / letters.PAGES_DIR,
        )
    except (ValueError, OSError, DenialParseError):
        raise Http404("no page image") from None
    return HttpResponse(png, content_type="image/png")


@require_POST
def save(request: HttpRequest, letter_id: int) -> HttpResponse:
    """Save the corrected fields (deadlines recomputed); with ``confirm``, also confirm."""
    letter = _letter(letter_id)
    if letter.status not in READ:
        messages.error(request, "This letter has not been read yet.")
        return redirect("review", letter_id=letter.pk)
    submitted = {k: request.POST[k] for k in letters.REVIEW_FIELDS if k in request.POST}
    try:
        changed = letters.apply_corrections(letter, submitted)
    except letters.CorrectionError as exc:
        messages.error(request, str(exc))
        return redirect("review", letter_id=letter.pk)
    if changed:
        audit(request, "changed", letter, "fields: " + ", ".join(changed))
    if "confirm" in request.POST:
        letters.confirm(letter, actor(request))
        audit(request, "confirmed", letter)
        messages.success(request, "Confirmed. The appeal can now be drafted.")
    elif changed:
        messages.success(
            request,
            f"Saved: {', '.join(letters.LABELS[c] for c in changed)}. Deadlines recomputed.",
        )
    else:
        messages.info(request, "Nothing changed.")
    return redirect("review", letter_id=letter.pk)


@require_POST
def draft(request: HttpRequest, letter_id: int) -> HttpResponse:
    """Draft (or redraft) the appeal from the corrected fields."""
    letter = _letter(letter_id)
    if letter.status not in READ:
        raise Http404("not read yet")
    try:
        template = letters.draft_appeal(letter)
    except DenialParseError as exc:
        messages.error(request, f"The appeal could not be drafted: {exc.message}")
        return redirect("review", letter_id=letter.pk)
    audit(request, "drafted appeal", letter, f"template: {template}")
    messages.success(request, "Appeal drafted: download it below.")
    return redirect("review", letter_id=letter.pk)


@require_GET
def download(request: HttpRequest, letter_id: int) -> FileResponse:
    """The drafted appeal (DOCX)."""
    letter = _letter(letter_id)
    path = letters.appeal_path(letter)
    if not path.is_file():
        raise Http404("no appeal drafted yet")
    audit(request, "downloaded", letter, "appeal.docx")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"appeal-{letter.pk}.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@require_POST
def delete(request: HttpRequest, letter_id: int) -> HttpResponse:
    """Remove the letter's files and rows; only the audit line stays."""
    letter = _letter(letter_id)
    audit(request, "deleted", letter)
    letters.delete_letter(letter)
    messages.success(request, "Letter deleted.")
    return redirect("worklist")


@require_POST
def retry(request: HttpRequest, letter_id: int) -> HttpResponse:
    """Read a failed letter again (after installing a missing tool, say)."""
    letter = _letter(letter_id)
    if letter.status == Status.FAILED and letters.original_path(letter).is_file():
        Letter.objects.filter(pk=letter.pk).update(status=Status.QUEUED, reason="")
        audit(request, "read again", letter)
        runtime.letters_queued()
    return redirect("review", letter_id=letter.pk)


# ------------------------------------------------------------------------------------------
# practice profile
# ------------------------------------------------------------------------------------------


def practice_settings(request: HttpRequest) -> HttpResponse:
    """The practice profile the appeals are signed with (the CLI's TOML, as a form)."""
    values = profiles.current_values()
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in profiles.FORM_KEYS}
        try:
            profiles.save_form(values)
        except DenialParseError as exc:
            messages.error(request, exc.message)
        else:
            AuditEntry.objects.create(who=actor(request), action="changed profile")
            messages.success(request, "Practice profile saved.")
            return redirect("settings")
    rows = [(key, profiles.FORM_LABELS[key], values.get(key, "")) for key in profiles.FORM_KEYS]
    has_logo = profiles.logo_path().is_file()
    return render(request, "station/settings.html", {"rows": rows, "has_logo": has_logo})


@require_POST
def profile_logo(request: HttpRequest) -> HttpResponse:
    """Upload (or, with ``remove``, drop) the letterhead's logo."""
    try:
        if "remove" in request.POST:
            profiles.remove_logo()
            messages.success(request, "Logo removed.")
        else:
            upload_file = request.FILES.get("logo")
            if upload_file is None or (upload_file.size or 0) > profiles.MAX_LOGO_BYTES:
                raise ProfileError("choose a PNG or JPEG image under 2 MB")
            profiles.save_logo(upload_file.read())
            messages.success(request, "Logo saved.")
    except DenialParseError as exc:
        messages.error(request, exc.message)
    else:
        AuditEntry.objects.create(who=actor(request), action="changed logo")
    return redirect("settings")


@require_POST
def import_profile(request: HttpRequest) -> HttpResponse:
    """Import a practice profile TOML (the same file ``denialparse appeal --profile`` reads)."""
    upload_file = request.FILES.get("profile")
    if upload_file is None or (upload_file.size or 0) > profiles.MAX_PROFILE_BYTES:
        messages.error(request, "Choose a profile TOML file (under 64 KB).")
        return redirect("settings")
    try:
        profiles.import_toml(upload_file.read())
    except DenialParseError as exc:
        messages.error(request, exc.message)
    else:
        AuditEntry.objects.create(who=actor(request), action="imported profile")
        messages.success(request, "Practice profile imported.")
    return redirect("settings")


# ------------------------------------------------------------------------------------------
# audit, corrections, export
# ------------------------------------------------------------------------------------------


@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who viewed, changed, downloaded or deleted which letter, and when (admins only)."""
    if not is_admin(request):
        return HttpResponseForbidden("The audit log is for admin accounts.")
    page = Paginator(AuditEntry.objects.all(), 200).get_page(request.GET.get("page"))
    return render(request, "station/audit.html", {"page": page})


def _confirmed() -> list[Letter]:
    return list(Letter.objects.filter(confirmed_at__isnull=False).order_by("id"))


@require_GET
def corrections(request: HttpRequest) -> HttpResponse:
    """Per field: how often people corrected what was read."""
    confirmed = _confirmed()
    return render(
        request,
        "station/corrections.html",
        {"rates": letters.correction_rates(confirmed), "confirmed": len(confirmed)},
    )


@require_GET
def export_labels(request: HttpRequest) -> HttpResponse:
    """Confirmed letters as ``labels.jsonl`` rows (the format ``denialparse evaluate`` reads)."""
    lines = [json.dumps(letters.label_row(x), ensure_ascii=False) for x in _confirmed()]
    AuditEntry.objects.create(
        who=actor(request), action="exported labels", detail=f"{len(lines)} letters"
    )
    response = HttpResponse(
        "".join(f"{line}\n" for line in lines), content_type="application/x-ndjson"
    )
    response["Content-Disposition"] = 'attachment; filename="labels.jsonl"'
    return response


@require_GET
def export_corpus(request: HttpRequest) -> HttpResponse:
    """A ZIP corpus: each confirmed letter as ``ID.pdf``/``ID.tif``/... plus ``labels.jsonl``."""
    buffer = io.BytesIO()
    rows = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for letter in _confirmed():
            result = letters.result_of(letter)
            path = letters.original_path(letter)
            if result is None or not path.is_file():
                continue
            suffix = letters.SUFFIXES.get(result.source.media_type, ".bin")
            zf.write(path, f"{letters.label_id(letter)}{suffix}")
            rows.append(json.dumps(letters.label_row(letter), ensure_ascii=False))
        zf.writestr("labels.jsonl", "".join(f"{r}\n" for r in rows))
    AuditEntry.objects.create(
        who=actor(request), action="exported corpus", detail=f"{len(rows)} letters"
    )
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="station-corpus.zip"'
    return response
