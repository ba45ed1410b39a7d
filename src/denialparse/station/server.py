"""Running the station: data folder, database, workers, inbox watcher and the WSGI server.

The server is cheroot (CherryPy's WSGI server, pure Python, pip-installable): a thread pool
that serves real traffic, and TLS built in (``--tls-cert/--tls-key``), so one server covers
the plain loopback desk and a clinic network without a separate proxy. Waitress was the other
candidate; it has no TLS of its own.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from denialparse.exceptions import DenialParseError, ExitCode, MissingDependencyError
from denialparse.options import Options
from denialparse.station import config, datafolder

log = logging.getLogger(__name__)

# Threads answering requests; a review page waiting for its letter holds one (long poll).
SERVER_THREADS = 32
MAX_REQUEST_BYTES = 2 * 1024 * 1024 * 1024  # 2 GiB: several scans at once; each is checked


class StationStartError(DenialParseError):
    """The station can't start as asked (exit 2: fix the command or add an account)."""

    exit_code = ExitCode.USAGE
    default_code = "station_start"


@dataclass(frozen=True)
class ServeOptions:
    """What ``denialparse serve`` was asked to do."""

    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("station-data")
    inbox: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    jobs: int | None = None
    options: Options = field(default_factory=Options)


def open_station(data_dir: Path, host: str = "127.0.0.1", tls: bool = False) -> Path:
    """Prepare the data folder, configure Django and migrate; return the data folder."""
    root = datafolder.prepare(data_dir)
    config.configure(config.StationSettings(data_dir=root, host=host, tls=tls))
    config.migrate()
    datafolder.tighten_all(root)
    return root


def _check_tls(opts: ServeOptions) -> bool:
    if bool(opts.tls_cert) != bool(opts.tls_key):
        raise StationStartError("give both --tls-cert and --tls-key, or neither")
    for path in (opts.tls_cert, opts.tls_key):
        if path is not None and not path.is_file():
            raise StationStartError(f"{path} is not a readable file")
    return opts.tls_cert is not None


def _default_jobs() -> int:
    # One core stays free for the web server and the desk's browser.
    return max(1, min(4, (os.cpu_count() or 2) - 1))


def build_app(opts: ServeOptions):  # type: ignore[no-untyped-def]
    """Open the station and return (wsgi app, dispatcher, watcher); nothing listens yet."""
    tls = _check_tls(opts)
    open_station(opts.data_dir, opts.host, tls)
    # Django models can be imported only once the settings exist.
    from django.core.wsgi import get_wsgi_application

    from denialparse.station import runtime
    from denialparse.station.dispatcher import Dispatcher
    from denialparse.station.intake import InboxWatcher
    from denialparse.station.middleware import accounts_exist

    if not config.is_loopback(opts.host) and not accounts_exist():
        raise StationStartError(
            f"no account yet, so the station only listens on 127.0.0.1; add one with "
            f"`denialparse users add NAME --password-stdin --data {opts.data_dir}` to serve "
            f"{opts.host}"
        )
    if opts.inbox is not None and not opts.inbox.is_dir():
        raise StationStartError(f"--inbox {opts.inbox} is not a folder")
    dispatcher = Dispatcher(opts.jobs or _default_jobs(), opts.options)
    runtime.install(dispatcher, opts.options)
    watcher = InboxWatcher(opts.inbox, opts.options, dispatcher.wake) if opts.inbox else None
    return get_wsgi_application(), dispatcher, watcher


class _NoTraceback(logging.Filter):
    """One line per Django error log, no traceback: an exception's text may quote letter text
    (a value that failed to parse), and the log must never hold any. ``-vv`` keeps them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.") and not logging.getLogger("denialparse").isEnabledFor(
            logging.DEBUG
        ):
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_django_logs() -> None:
    # On the handlers: a logger's own filters don't see records from its child loggers.
    for handler in logging.getLogger().handlers:
        handler.addFilter(_NoTraceback())


def serve(opts: ServeOptions) -> None:
    """Run the station until SIGINT/SIGTERM.

    Raises:
        StationStartError: no account for a non-loopback address, bad TLS files, bad inbox.
        MissingDependencyError: the pipeline can't load.
    """
    from cheroot import wsgi
    from cheroot.ssl.builtin import BuiltinSSLAdapter

    app, dispatcher, watcher = build_app(opts)
    _quiet_django_logs()
    server = wsgi.Server(
        (opts.host, opts.port),
        app,
        numthreads=SERVER_THREADS,
        server_name="denialparse-station",
        timeout=60,
    )
    server.max_request_body_size = MAX_REQUEST_BYTES
    if opts.tls_cert and opts.tls_key:
        server.ssl_adapter = BuiltinSSLAdapter(str(opts.tls_cert), str(opts.tls_key))
    try:
        server.prepare()  # binds now: a port in use fails before the workers start
    except OSError as exc:
        raise StationStartError(
            f"can't listen on {opts.host}:{opts.port} ({exc.strerror or exc}); pick another --port"
        ) from exc
    log.info("loading the reading pipeline in %d worker(s)...", dispatcher.jobs)
    try:
        dispatcher.start()
    except Exception as exc:
        server.stop()
        raise MissingDependencyError(
            f"the reading workers could not start ({type(exc).__name__}); run `denialparse doctor`"
        ) from exc
    if watcher is not None:
        watcher.start()
    scheme = "https" if opts.tls_cert else "http"
    log.info(
        "station ready on %s://%s:%d/ (data in %s)", scheme, opts.host, opts.port, opts.data_dir
    )
    _stop_on_signals(server)
    try:
        server.serve()
    finally:
        if watcher is not None:
            watcher.stop()
        dispatcher.stop()
        log.info("station stopped")


def _stop_on_signals(server: object) -> None:
    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.stop, daemon=True).start()  # type: ignore[attr-defined]

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
