"""denialparse's development tools: they make the trained pipeline and the rendered fixtures.

Nothing here is imported by the runtime package ``denialparse``; this package is installed from
a source checkout only (``pip install -e dev/``, done by ``install.sh``).

- ``letterforms``: renders a letter as text PDF, scan, fax or phone photo (samples, test sets,
  the training corpus's OCR share); ``testset_render``: each test set's ``render.py`` calls it.
- ``vocab``, ``reasons``, ``noise``, ``generate``: the training-corpus generator.
- ``ocr_corpus``: renders a share of the corpus, reads it back with denialparse's own OCR and
  carries the labels onto the text read.
- ``train``: the training loop and calibration; ``check_pipeline``: load, size, speed, labels;
  ``promote``: copies a checked candidate over the committed pipeline;
  ``accuracy_report``: writes ``models/ACCURACY.md``.

The recipe (which seed, how many letters, which shares) lives in one place: the ``vars`` of the
spaCy project ``models/project.yml``, whose commands run these modules (``python -m
denialparse_dev.<module>``). See ``models/README.md``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["models_dir"]


def models_dir() -> Path:
    """The spaCy project folder ``models/`` of the checkout this package was installed from.

    Raises:
        FileNotFoundError: the package was not installed editable from a source checkout.
    """
    path = Path(__file__).resolve().parents[3] / "models"
    if not (path / "project.yml").is_file():
        raise FileNotFoundError(
            f"{path}/project.yml not found: install denialparse-dev editable from a source "
            "checkout (pip install -e dev/)"
        )
    return path
