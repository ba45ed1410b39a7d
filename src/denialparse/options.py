"""Run options, with every default in one place."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class OcrMode(StrEnum):
    """When to OCR a page."""

    AUTO = "auto"  # text layer where it is real, OCR where the page has none or only junk
    ALWAYS = "always"
    NEVER = "never"


class Options(BaseModel):
    """Options of one run; the CLI builds it, stages take what they need."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ocr: OcrMode = OcrMode.AUTO
    lang: str = "eng"
    dpi: int = Field(default=300, description="render resolution for OCR of PDF pages")
    max_file_bytes: int = Field(default=200 * 1024 * 1024, description="refuse larger inputs")
    max_pages: int = Field(default=50, description="refuse letters with more pages")
    max_image_pixels: int = Field(
        default=64_000_000,
        description="refuse images larger than this (decompression bombs; a 600-dpi legal page "
        "is 55 MP; 120 MP needed more than 1 GB with tesseract)",
    )
    max_image_side: int = Field(default=20_000, description="refuse images wider or taller")
    min_image_side: int = Field(
        default=16, description="refuse images narrower or shorter (no line of text fits)"
    )
    max_image_aspect: float = Field(
        default=20.0, description="refuse images this many times longer than wide, or wider"
    )
    max_page_points: float = Field(
        default=14_400.0, description="refuse PDF pages wider or taller (PDF's own 200-inch limit)"
    )
    max_pdf_stream_bytes: int = Field(
        default=128 * 1024 * 1024,
        description="refuse PDFs whose content, font and object streams inflate to more in total",
    )
    max_text_chars: int = Field(
        default=400_000, description="refuse letters with more text (a letter is never a novel)"
    )
    max_memory_bytes: int = Field(
        default=1000 * 1024 * 1024,
        description="memory one letter may use (RSS, with children); 24 MiB under the promised "
        "1 GiB for what a decoder allocates between two looks (0.05 s)",
    )
    max_cpu_seconds: float = Field(
        default=55.0,
        description="CPU seconds one letter may use (with its tesseract children); 5 s under the "
        "promised 60 for the time it takes to notice and stop",
    )
    ocr_jobs: int | None = Field(
        default=None, description="processes for OCR of multi-page letters; None = all cores"
    )
    min_page_confidence: float = Field(
        default=0.60, description="below this mean word confidence a page is retried, then flagged"
    )
    review_threshold: float = Field(
        default=0.70, description="fields below this confidence go into needs_review"
    )
    model_path: str | None = Field(
        default=None, description="a spaCy pipeline directory; None = the bundled one, else rules"
    )


class AppealOptions(BaseModel):
    """What an appeal is drafted from besides the letter: the practice's profile and templates.

    Batch hashes these (with the profile's and the template folder's content) to know when the
    appeals of an earlier run are out of date.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile_path: Path | None = Field(
        default=None, description="the practice profile (TOML); None = placeholders"
    )
    template: str | None = Field(
        default=None, description="a template name for every letter; None = the denial type's"
    )
    template_dir: Path | None = Field(
        default=None, description="a practice's template folder; its files override ours by name"
    )
