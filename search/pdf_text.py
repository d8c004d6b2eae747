"""Read the text of an uploaded report PDF with pypdf, once, when it is uploaded."""

import logging

from pypdf import PdfReader

logger = logging.getLogger(__name__)

MAX_PAGES = 500
MAX_CHARS = 2_000_000


def extract_pdf_text(fileobj) -> tuple[str, int, str]:
    """(text, pages read, error) for a PDF file object; never raises, because a bad upload must not stop a save."""
    try:
        head = fileobj.read(5)
        fileobj.seek(0)
        if head != b"%PDF-":
            return "", 0, "Not a PDF file."
        reader = PdfReader(fileobj)
        if reader.is_encrypted and not reader.decrypt(""):
            return "", 0, "The PDF is encrypted."
        parts, pages = [], 0
        for page in reader.pages[:MAX_PAGES]:
            parts.append(page.extract_text() or "")
            pages += 1
            if sum(len(p) for p in parts) > MAX_CHARS:
                break
        text = "\n\n".join(p.strip() for p in parts if p.strip())[:MAX_CHARS]
        return text, pages, "" if text else "No text found (perhaps a scanned image)."
    except Exception as error:  # noqa: BLE001 - pypdf raises many kinds of error on damaged files; any of them means "no text"
        logger.warning("Could not read PDF text: %s", error)
        return "", 0, f"The PDF could not be read ({type(error).__name__})."
