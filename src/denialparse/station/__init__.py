"""The front desk: a local web station to drop letters, check their fields and hand out appeals.

A Django application embedded in the package (``denialparse serve``). Django is used rather than
a hand-written server because a station that holds patient data needs the parts that are easy to
get subtly wrong and that Django has had reviewed for years: authentication with salted,
iterated password hashes, server-side sessions with expiry, CSRF protection on every change,
template auto-escaping (letter text is data, never markup) and schema migrations that work on
SQLite and PostgreSQL alike. No admin site: every page is ours, plain HTML.

Layout of the stage:
    datafolder  the data folder (0700/0600), the secret key
    config      Django settings built in code from the data folder
    models      letters, audit lines, login failures (SQLite in the data folder by default)
    work        what runs in the resident worker processes (no Django there)
    dispatcher  the thread that feeds queued letters to the workers and records the results
    intake      uploads and the ``--inbox`` watcher: server-made names, dedupe by sha256
    letters     a letter's fields, corrections, deadlines, appeal and labels (no HTTP here)
    pages       page images (PNG) for the review screen
    views/urls  the pages; access + security headers in ``middleware``
    server      cheroot (TLS-capable WSGI server) and the process's start/stop
    accounts    ``denialparse users``
"""
