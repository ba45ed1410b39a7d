"""Exit codes of the contract and the exception family that carries them.

The library raises these; only ``cli.py`` turns them into one stderr line and an exit code.
Each message says what went wrong *and* what to do about it.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of ``../shared/contract/README.md``."""

    OK = 0
    USAGE = 2
    MISSING_DEPENDENCY = 3
    INPUT_FILE = 4
    OUTPUT_ACCESS = 5
    BATCH_PARTIAL = 10
    INTERRUPTED = 130


class DenialParseError(Exception):
    """Base of every error the tool raises on purpose.

    Args:
        message: one line: what is wrong and what to do.
        code: a short machine-readable reason (used in batch manifests and ``errors``).
    """

    exit_code: ExitCode = ExitCode.INPUT_FILE
    default_code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code


class InputFileError(DenialParseError):
    """The input can't be read as a letter (exit 4)."""

    exit_code = ExitCode.INPUT_FILE
    default_code = "unreadable_input"


class EncryptedPdfError(InputFileError):
    """A password-protected PDF."""

    default_code = "encrypted_pdf"


class UnsupportedFileError(InputFileError):
    """Not a PDF, TIFF, PNG, JPEG or text file."""

    default_code = "unsupported_type"


class LimitExceededError(InputFileError):
    """Over the size, pixel or page limits."""

    default_code = "over_limit"


class UnreadableLetterError(InputFileError):
    """The file opened but no page yielded any text."""

    default_code = "no_text"


class MissingDependencyError(DenialParseError):
    """tesseract, its language data, the model or a template is missing (exit 3)."""

    exit_code = ExitCode.MISSING_DEPENDENCY
    default_code = "missing_dependency"


class OutputError(DenialParseError):
    """The output can't be written (exit 5)."""

    exit_code = ExitCode.OUTPUT_ACCESS
    default_code = "output_not_writable"


class ProfileError(DenialParseError):
    """The practice profile is malformed (a usage problem of the input files: exit 4)."""

    exit_code = ExitCode.INPUT_FILE
    default_code = "bad_profile"


class TemplateError(DenialParseError):
    """An appeal template is missing or broken (exit 3: a dependency of the run)."""

    exit_code = ExitCode.MISSING_DEPENDENCY
    default_code = "bad_template"
