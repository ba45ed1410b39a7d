"""What the station keeps: letters (with their job state and corrections), audit lines, and
failed log-ins (for throttling).

A letter's extracted result and its corrected result are stored as the contract's
``LetterResult`` JSON, so the review page, the appeal and the labels export all read the same
typed object (``letters.py``); a few columns are copied out of it for the worklist's sort and
filters.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class Status(models.TextChoices):
    """Where a letter is in its life at the desk."""

    QUEUED = "queued", "queued"
    READING = "reading", "reading"
    TO_REVIEW = "to_review", "to review"
    CONFIRMED = "confirmed", "confirmed"
    APPEAL_READY = "appeal_ready", "appeal ready"
    FAILED = "failed", "failed"


# States a killed server may have left a letter in; they are queued again at start.
IN_FLIGHT = (Status.QUEUED, Status.READING)
# States in which the fields exist and can be reviewed.
READ = (Status.TO_REVIEW, Status.CONFIRMED, Status.APPEAL_READY)


class Letter(models.Model):
    """One letter at the desk: the stored file, its job state, what was read and corrected."""

    folder = models.CharField(max_length=32, unique=True, help_text="server-made folder name")
    display_name = models.CharField(max_length=200, help_text="the name it came with (shown only)")
    sha256 = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=10, default="upload")  # upload | inbox
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=300, blank=True, help_text="one line when failed")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True, help_text="time the worker took")
    # The contract's LetterResult as the pipeline read it, and after people's corrections.
    extracted = models.JSONField(null=True, blank=True)
    current = models.JSONField(null=True, blank=True)
    edited_fields = models.JSONField(default=list, blank=True)
    # Copied out of ``current`` for the worklist.
    patient = models.CharField(max_length=200, blank=True)
    payer = models.CharField(max_length=200, blank=True)
    denial_type = models.CharField(max_length=40, blank=True)
    earliest_deadline = models.DateField(null=True, blank=True)
    confirmed_by = models.CharField(max_length=150, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    appeal_at = models.DateTimeField(null=True, blank=True)
    appeal_template = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:  # never the patient's name: this can end up in a log
        return f"letter {self.pk}"

    @property
    def denial_type_words(self) -> str:
        """The denial type as words (``step_therapy`` -> ``step therapy``)."""
        return self.denial_type.replace("_", " ")


class AuditEntry(models.Model):
    """Who did what to which letter, and when. Survives the letter (no foreign key).

    ``detail`` names fields or files, never their values: the audit log holds no letter text.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    who = models.CharField(max_length=150)
    action = models.CharField(max_length=20)
    letter_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    detail = models.CharField(max_length=300, blank=True)
    # For a deletion: the letter's hash, so the inbox watcher doesn't take the same scan again.
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]


class LoginFailure(models.Model):
    """One failed log-in; counted per account name and per address to slow password guessing."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
