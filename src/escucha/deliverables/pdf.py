"""The report as PDF: its self-contained HTML page (inline CSS and SVG charts) laid out by
WeasyPrint for print. Nothing is fetched: the report needs no resource beyond itself, and a
URL in it (a post's link, text an author wrote) must never make the machine reach the
network, so every URL but `data:` is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from weasyprint import URLFetcher


def local_only_fetcher() -> URLFetcher:
    """A WeasyPrint URL fetcher that serves `data:` URLs and refuses every other one
    (http, https, ftp, file...), remembering what it refused in `.refused`."""
    from weasyprint import URLFetcher

    class LocalOnly(URLFetcher):
        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.lower().startswith("data:"):
                self.refused.append(url)
                raise ValueError(f"the report fetches nothing: {url[:80]}")
            return super().fetch(url, headers)

    return LocalOnly()


def html_to_pdf(html: str, fetcher: URLFetcher | None = None) -> bytes:
    """The PDF of a self-contained HTML page, laid out with its print styles."""
    import logging

    from escucha.errors import UserError
    from escucha.i18n import Message

    try:
        from weasyprint import HTML
    except (ImportError, OSError) as exc:  # not installed, or Debian's pango missing
        raise UserError(Message("report_pdf_unavailable", {"error": str(exc)[:200]})) from exc

    # WeasyPrint warns about every CSS property it does not support (the screen styles'
    # `overflow-wrap: anywhere` and the like); the report's print layout does not need them.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher or local_only_fetcher())
    return bytes(document.write_pdf())
