"""denialparse: turn a US health-insurance denial letter into a physician-ready appeal, offline."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
