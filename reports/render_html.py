"""The report's document (``reports.doc``) as one self-contained HTML file (placeholder)."""

from reports import doc


def render_html(document, figure_dir, lang="en"):
    """The whole document as one HTML page: math as MathML, figures embedded."""
    doc.numbering(document)
    title = document.title(lang)
    return f"<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1></body></html>\n"


__all__ = ["render_html"]
