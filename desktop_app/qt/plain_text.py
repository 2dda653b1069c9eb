"""Outside text (prompts, links, server messages) in places where Qt would guess it is
markup (tooltips): escaped, so it shows literally and never loads anything."""

from __future__ import annotations

import html


def plain_tooltip(text: str, limit: int = 2000) -> str:
    """A tooltip showing `text` literally: Qt renders a tooltip that looks like markup as
    markup, so the text is escaped inside a paragraph that keeps its line breaks."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return f"<p style='white-space:pre-wrap'>{html.escape(cut)}</p>"
