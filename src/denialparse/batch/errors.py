"""The batch's own reasons for a failed row: one line each, saying what to do.

The pipeline's reasons come from ``denialparse.exceptions``; these are the ones only a batch
meets (a file that vanished mid-run, a symlink out of IN_DIR, a crash inside the pipeline).
"""

from __future__ import annotations

from denialparse.exceptions import DenialParseError, InputFileError


def vanished() -> InputFileError:
    """The file was there when the folder was walked, and gone when its turn came."""
    return InputFileError(
        "the file vanished before it was processed (moved or deleted during the run); "
        "put it back and rerun",
        code="vanished",
    )


def read_error(exc: OSError) -> InputFileError:
    """The file exists but its bytes can't be read."""
    if isinstance(exc, PermissionError):
        return InputFileError(
            "permission denied: the file can't be read; give the batch user read access",
            code="permission_denied",
        )
    return InputFileError(
        f"the file can't be read ({exc.strerror or type(exc).__name__}); check the disk or share",
        code="read_error",
    )


def outside_symlink() -> InputFileError:
    """A symlink out of IN_DIR: never followed, so never read."""
    return InputFileError(
        "symlink points outside the input folder; copy the letter into IN_DIR instead",
        code="symlink_outside",
    )


def internal(exc: BaseException) -> DenialParseError:
    """A crash inside the pipeline: its class only, never its message (it may quote the letter)."""
    return DenialParseError(
        f"internal error: {type(exc).__name__}; rerun with -v and report it if it persists",
        code="internal_error",
    )


def worker_died() -> DenialParseError:
    """A worker process died (killed, out of memory, a native crash) with this letter alone."""
    return DenialParseError(
        "internal error: the worker process died on this letter (out of memory?); "
        "rerun with fewer --jobs",
        code="worker_died",
    )


# The code of a letter stopped by its memory or CPU bound (``denialparse.bounds``).
OVER_BOUND = "over_bound"


def over_bound(line: str) -> InputFileError:
    """The letter needed more memory or CPU than one letter may use; its worker was ended."""
    return InputFileError(line, code=OVER_BOUND)
