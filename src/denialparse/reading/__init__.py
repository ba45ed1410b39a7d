"""Reading: a letter file in, its text page by page out (``LetterText``).

- ``ingest``: the type from the bytes, and every limit, checked before anything is decoded;
- ``pdf``: the PDF text layer (pdfium), junk and scanned-page detection, page renders;
- ``images``: image frames and fax pixels made ready for OCR;
- ``ocr``: the tesseract wrapper, one page image at a time;
- ``scheduling``: OCR of a letter's pages in parallel, mapped back to page coordinates;
- ``layout``: words into lines and paragraphs, side-by-side OCR columns back on one line;
- ``text``: ``read_text(document, options) -> LetterText``, the dispatch and the assembly.
"""
