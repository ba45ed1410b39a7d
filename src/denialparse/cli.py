"""The command line: a thin click layer over ``api``, ``batch``, ``evaluate`` and ``doctor``.

Only this module turns exceptions into one stderr line and an exit code
(``../shared/contract/README.md``). Heavy modules are imported inside commands so that
``denialparse --help`` starts fast.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import click

from denialparse import __version__
from denialparse.exceptions import DenialParseError, ExitCode, OutputError

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("denialparse")


def _fail(message: str, code: int) -> None:
    click.echo(f"denialparse: error: {message}", err=True)
    sys.exit(code)


def handle_errors(func: F) -> F:
    """Map library exceptions to the contract's exit codes with one line on stderr."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        verbose = (click.get_current_context().find_root().obj or {}).get("verbose", 0)
        try:
            return func(*args, **kwargs)
        except DenialParseError as exc:
            if verbose:
                log.exception("details")
            _fail(exc.message, int(exc.exit_code))
        except KeyboardInterrupt:
            _fail("interrupted", int(ExitCode.INTERRUPTED))
        except MemoryError:
            # A letter that needs more memory than the machine gives: the input's doing.
            _fail("the letter needs more memory than is available: re-export or rescan it",
                  int(ExitCode.INPUT_FILE))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # the last line of defence: no traceback without -v
            if verbose:
                log.exception("internal error")
            _fail(
                f"internal error ({type(exc).__name__}); run again with -v for details and "
                "report it with the traceback (it contains no letter text)",
                1,
            )

    return wrapper  # type: ignore[return-value]


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING
    if verbose == 1:
        level = logging.INFO
    elif verbose >= 2:
        level = logging.DEBUG
    if quiet:
        level = logging.ERROR
    # force: each invocation logs to the stderr of *this* call (tests run the CLI many times).
    logging.basicConfig(
        level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s", force=True
    )
    # Library warnings (Pillow's UserWarnings) are debug output: shown with -vv only.
    logging.captureWarnings(True)
    logging.getLogger("py.warnings").setLevel(logging.DEBUG if verbose >= 2 else logging.ERROR)


def _write_stdout(text: str) -> None:
    """Print the command's output; a full disk or a closed pipe is exit 5, one line."""
    try:
        click.echo(text)
        sys.stdout.flush()
    except OSError as e:
        # Point fd 1 at /dev/null so the interpreter's own flush at exit can't print a second
        # message ("Exception ignored ... BrokenPipeError").
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise OutputError(
            f"can't write to standard output ({e.strerror or type(e).__name__}): check the "
            "disk space, or where the output is redirected",
            code="stdout_not_writable",
        ) from e


class _HoldWarnings(logging.Filter):
    """Holds WARNING records back: printed if the command succeeds, dropped if it fails."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[logging.LogRecord] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING:
            self.held.append(record)
            return False
        return True


@contextlib.contextmanager
def _warnings_only_on_success() -> Iterator[None]:
    """Warnings of one letter (a page read at low dpi, a tesseract hiccup) print only if it
    succeeds: a refused letter (exit 4) or an unwritable output (exit 5) gets exactly one line.
    With -v every line shows as it happens."""
    root = click.get_current_context().find_root().obj or {}
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    if root.get("verbose") or not handlers:
        yield
        return
    hold = _HoldWarnings()
    for handler in handlers:
        handler.addFilter(hold)
    try:
        yield
    except BaseException:
        hold.held.clear()  # the error's one line says what matters
        raise
    finally:
        for handler in handlers:
            handler.removeFilter(hold)
    for record in hold.held:
        logging.getLogger(record.name).handle(record)


@contextlib.contextmanager
def _letter_bounds(letter: Path, options: Any) -> Iterator[None]:
    """The memory and CPU bounds of one letter (``bounds.py``): past one, exit 4, one line."""
    from denialparse import bounds

    limits = bounds.Bounds.from_options(options)
    standalone = (click.get_current_context().find_root().obj or {}).get("standalone", False)
    with bounds.process_limits(limits, kernel_backstop=standalone):
        with bounds.letter_bounds(limits, bounds.cli_breach_handler(letter)):
            yield


def _options(
    ocr: str = "auto", lang: str = "eng", model: str | None = None,
    review_threshold: float | None = None,
) -> Any:
    from denialparse.options import OcrMode, Options

    # None keeps Options' own default, the one place it is set.
    threshold = {} if review_threshold is None else {"review_threshold": review_threshold}
    return Options(ocr=OcrMode(ocr), lang=lang, model_path=model, **threshold)


_letter_arg = click.argument(
    "letter", type=click.Path(exists=False, dir_okay=True, path_type=Path), metavar="LETTER"
)
_ocr_opt = click.option(
    "--ocr",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="auto: text layer where real, OCR elsewhere.",
)
_lang_opt = click.option("--lang", default="eng", show_default=True, help="tesseract language(s).")
_model_opt = click.option(
    "--model",
    default=None,
    metavar="DIR|none",
    help="spaCy pipeline directory; 'none' for rules only. Default: the bundled model.",
)
_review_threshold_opt = click.option(
    "--review-threshold",
    type=click.FloatRange(0, 1),
    default=None,
    metavar="0-1",
    # The default is Options' (not imported here, to keep --help fast); a test keeps them equal.
    help="Fields under this confidence go into needs_review and are highlighted, with a "
    "comment, in the appeal. [default: 0.70]",
)



def _reading_opts(command: F) -> F:
    """The options of every command that reads letters: --ocr, --lang, --model, --review-threshold."""
    for option in (_review_threshold_opt, _model_opt, _lang_opt, _ocr_opt):
        command = option(command)
    return command


_json_opt = click.option("--json", "as_json", is_flag=True, help="Print the LetterResult JSON.")

@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="denialparse")
@click.option("-v", "--verbose", count=True, help="More log lines on stderr (-vv: debug).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors on stderr.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool) -> None:
    """Turn a US health-insurance denial letter into a physician-ready appeal, offline."""
    if verbose and quiet:
        raise click.UsageError("-q and -v exclude each other")
    ctx.obj = {**(ctx.obj or {}), "verbose": verbose, "quiet": quiet}
    _setup_logging(verbose, quiet)


@cli.command()
@_letter_arg
@_json_opt
@_reading_opts
@handle_errors
def extract(
    letter: Path, as_json: bool, ocr: str, lang: str, model: str | None,
    review_threshold: float | None,
) -> None:
    """Read LETTER, extract its fields, classify the denial, compute the deadlines."""
    from denialparse.api import process_letter

    options = _options(ocr, lang, model, review_threshold)
    with _warnings_only_on_success(), _letter_bounds(letter, options):
        result = process_letter(letter, options=options)
    if as_json:
        _write_stdout(json.dumps(result.to_json_dict(), indent=2))
    else:
        _write_stdout(_summary(result))


@cli.command()
@_letter_arg
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the appeal (.docx).",
)
@click.option(
    "--profile",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Practice profile (TOML): letterhead, NPI, signature.",
)
@click.option("--template", default=None, help="Template name (default: the denial type's).")
@click.option(
    "--template-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A practice's own template folder; its files override ours.",
)
@_json_opt
@_reading_opts
@handle_errors
def appeal(
    letter: Path,
    output: Path,
    profile: Path | None,
    template: str | None,
    template_dir: Path | None,
    as_json: bool,
    ocr: str,
    lang: str,
    model: str | None,
    review_threshold: float | None,
) -> None:
    """Extract LETTER, then fill the appeal template for its denial type."""
    from denialparse.api import process_letter, write_appeal

    options = _options(ocr, lang, model, review_threshold)
    with _warnings_only_on_success():
        with _letter_bounds(letter, options):
            result = process_letter(letter, options=options)
        result = write_appeal(
            result, output, profile_path=profile, template=template, template_dir=template_dir,
            review_threshold=options.review_threshold,
        )
    if as_json:
        _write_stdout(json.dumps(result.to_json_dict(), indent=2))
    else:
        _write_stdout(f"{_summary(result)}\nappeal: {output}")


@cli.command()
@click.argument("in_dir", type=click.Path(path_type=Path))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(path_type=Path))
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Worker processes [cores].")
@click.option("--retry-failed", is_flag=True, help="Process letters that failed before again.")
@click.option("--watch", is_flag=True, help="Keep watching IN_DIR; Ctrl-C to stop.")
@click.option(
    "--scheduler",
    default=None,
    metavar="tcp://HOST:PORT",
    help="A Dask scheduler (needs: pip install 'denialparse[cluster]').",
)
@click.option("--profile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--template", default=None, help="One template for every appeal [denial type's].")
@click.option("--template-dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@_reading_opts
@handle_errors
def batch(
    in_dir: Path,
    out_dir: Path,
    jobs: int | None,
    retry_failed: bool,
    watch: bool,
    scheduler: str | None,
    profile: Path | None,
    template: str | None,
    template_dir: Path | None,
    ocr: str,
    lang: str,
    model: str | None,
    review_threshold: float | None,
) -> None:
    """Every letter under IN_DIR: results, appeals and a manifest sorted by deadline in OUT_DIR."""
    from denialparse.batch import run_batch, summary_table

    root = click.get_current_context().find_root().obj or {}
    if not root.get("quiet") and not root.get("verbose"):
        # The mailroom runs this from cron: its progress lines are the log, show them.
        logging.getLogger("denialparse.batch.engine").setLevel(logging.INFO)
    summary = run_batch(
        in_dir,
        out_dir,
        jobs=jobs,
        retry_failed=retry_failed,
        watch=watch,
        scheduler=scheduler,
        profile_path=profile,
        template=template,
        template_dir=template_dir,
        options=_options(ocr, lang, model, review_threshold),
    )
    click.echo(summary_table(summary))
    if getattr(summary, "interrupted", False):
        click.echo(
            "denialparse: error: interrupted; the letters in flight were finished and the manifest "
            "written: run the same command again to continue",
            err=True,
        )
        sys.exit(int(ExitCode.INTERRUPTED))
    if summary.failed:
        click.echo(
            f"denialparse: error: {summary.failed} letter(s) failed; see manifest.csv in {out_dir}",
            err=True,
        )
        sys.exit(int(ExitCode.BATCH_PARTIAL))


@cli.command()
@handle_errors
def doctor() -> None:
    """Check tesseract, its language data, the model and the templates."""
    from denialparse.doctor import run_checks

    report, ok = run_checks()
    click.echo(report)
    if not ok:
        sys.exit(int(ExitCode.MISSING_DEPENDENCY))


@cli.command()
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_model_opt
@handle_errors
def evaluate(corpus: Path, as_json: bool, model: str | None) -> None:
    """Score extraction on a labelled CORPUS (a folder with labels.jsonl)."""
    from denialparse.evaluate import evaluate_corpus, format_report

    report = evaluate_corpus(corpus, options=_options(model=model))
    if as_json:
        click.echo(json.dumps(report.to_json_dict() if hasattr(report, "to_json_dict") else report, indent=2))
    else:
        click.echo(format_report(report))


_data_opt = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("station-data"),
    show_default=True,
    help="The station's data folder (letters, database); created 0700.",
)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but 127.0.0.1 needs an account first.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_data_opt
@click.option("--inbox", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, help="A folder a scanner writes to; each new file is taken once.")
@click.option("--tls-cert", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PEM certificate: serve HTTPS (with --tls-key).")
@click.option("--tls-key", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="PEM private key of --tls-cert.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes reading letters [cores - 1].")
@_ocr_opt
@_lang_opt
@_model_opt
@handle_errors
def serve(
    host: str,
    port: int,
    data_dir: Path,
    inbox: Path | None,
    tls_cert: Path | None,
    tls_key: Path | None,
    jobs: int | None,
    ocr: str,
    lang: str,
    model: str | None,
) -> None:
    """The front desk: a web station to upload letters, check their fields and draft appeals."""
    from denialparse.station.server import ServeOptions
    from denialparse.station.server import serve as run_station

    root = click.get_current_context().find_root().obj or {}
    if not root.get("quiet"):
        logging.getLogger("denialparse.station").setLevel(logging.INFO)
    run_station(
        ServeOptions(
            host=host, port=port, data_dir=data_dir, inbox=inbox, tls_cert=tls_cert,
            tls_key=tls_key, jobs=jobs, options=_options(ocr, lang, model),
        )
    )


@cli.group()
def users() -> None:
    """Accounts of the station (needed before it listens on any address but 127.0.0.1)."""


@users.command("add")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, required=True,
              help="Read the password from the first line of stdin (never from the command line).")
@click.option("--admin", is_flag=True, help="May read the audit log (the first account always is).")
@_data_opt
@handle_errors
def users_add(name: str, password_stdin: bool, admin: bool, data_dir: Path) -> None:
    """Create account NAME, or set its password."""
    from denialparse.station.accounts import add_user
    from denialparse.station.server import open_station

    password = sys.stdin.readline().rstrip("\r\n")
    open_station(data_dir)
    is_admin = add_user(name, password, admin=admin)
    click.echo(f"account {name} saved{' (admin)' if is_admin else ''}", err=True)


@users.command("list")
@_data_opt
@handle_errors
def users_list(data_dir: Path) -> None:
    """The accounts, one name a line."""
    from denialparse.station.accounts import list_users
    from denialparse.station.server import open_station

    open_station(data_dir)
    for name, _admin in list_users():
        click.echo(name)


@users.command("remove")
@click.argument("name")
@_data_opt
@handle_errors
def users_remove(name: str, data_dir: Path) -> None:
    """Delete account NAME."""
    from denialparse.station.accounts import remove_user
    from denialparse.station.server import open_station

    open_station(data_dir)
    remove_user(name)
    click.echo(f"account {name} removed", err=True)


def _summary(result: Any) -> str:
    """A short human summary of a LetterResult (no letter text beyond the fields)."""
    f = result.fields
    lines = [f"{result.source.path}: {result.status.value}"]
    if result.denial_type:
        lines.append(
            f"  denial type   {result.denial_type.label.value} ({result.denial_type.confidence:.2f})"
        )
    for name in ("payer", "plan_type", "therapy", "letter_date", "service_date", "member_id",
                 "claim_id", "patient_name", "provider_name"):
        value = getattr(f, name)
        shown = f"{value.value} ({value.confidence:.2f})" if value else "-- not found --"
        lines.append(f"  {name:<13} {shown}")
    if f.reference_codes:
        lines.append(f"  codes         {', '.join(f.reference_codes)}")
    for d in result.deadlines[:4]:
        lines.append(f"  deadline      {d.kind}: {d.due or 'unknown'} ({d.rule})")
    if result.needs_review:
        lines.append(f"  needs review  {', '.join(result.needs_review)}")
    for e in result.errors:
        where = f" page {e.page}" if e.page else ""
        lines.append(f"  problem{where}: {e.message}")
    return "\n".join(lines)


def main() -> None:
    """Entry point of the ``denialparse`` script."""
    # The denialparse process itself: it ends after its letter, so the kernel's CPU limit may
    # stay lowered (bounds.process_limits); the CLI called inside another process restores it.
    cli(prog_name="denialparse", obj={"standalone": True})
