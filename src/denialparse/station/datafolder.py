"""The station's data folder: created 0700, every file in it 0600, the secret key kept there.

The folder holds patient data (letters, page images, appeals, the database), so nobody but the
account running the station may read it. The process umask is set to 077 before anything is
written, which also covers files other libraries create (SQLite's -wal and -shm files, Django's
upload temporaries).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from denialparse.exceptions import OutputError
from denialparse.files import atomic_write_text

FOLDER_MODE = 0o700
FILE_MODE = 0o600
SECRET_KEY_FILE = "secret_key"
DATABASE_FILE = "station.sqlite3"
LETTERS_DIR = "letters"
UPLOAD_TMP_DIR = "tmp"
PROFILE_FILE = "profile.toml"


def private_umask() -> None:
    """Make every file and folder this process creates from now on private to its owner."""
    os.umask(0o077)


def prepare(data_dir: Path) -> Path:
    """Create (or tighten) the data folder and its sub-folders; return its absolute path.

    Raises:
        OutputError: the folder can't be created or its permissions set.
    """
    private_umask()
    root = Path(data_dir).expanduser().resolve()
    try:
        for folder in (root, root / LETTERS_DIR, root / UPLOAD_TMP_DIR):
            folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            if stat.S_IMODE(folder.stat().st_mode) != FOLDER_MODE:
                folder.chmod(FOLDER_MODE)  # an existing folder made with a looser umask
    except OSError as exc:
        raise OutputError(
            f"the station's data folder {root} can't be created ({exc.strerror}); "
            "choose another with --data"
        ) from exc
    return root


def secret_key(root: Path) -> str:
    """The key Django signs sessions and CSRF tokens with; made once, kept in the data folder."""
    path = root / SECRET_KEY_FILE
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    if len(key) < 50:
        key = secrets.token_urlsafe(64)
        atomic_write_text(path, key)
    tighten(path)
    return key


def tighten(path: Path) -> None:
    """Set a file to 0600 (files made before the umask, or copied in by a person)."""
    try:
        if stat.S_IMODE(path.stat().st_mode) != FILE_MODE:
            path.chmod(FILE_MODE)
    except FileNotFoundError:
        pass


def tighten_all(root: Path) -> None:
    """0700 on every folder and 0600 on every file under ``root`` (run at start)."""
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), FOLDER_MODE)
        for name in filenames:
            full = os.path.join(dirpath, name)
            if not os.path.islink(full):
                os.chmod(full, FILE_MODE)
