"""HTML for the chat: answers with clickable citation markers and the sources panel. Every piece of
document or model text is escaped: documents may contain HTML or script, which must show as text."""
from __future__ import annotations

import html
import re

from rag.answer.citations import MARKER_RE
from rag.types import issue_label


# HTML's own characters, and the ASCII punctuation Markdown gives a meaning to (images and links ![]( ),
# emphasis * _, code `, headings #, tables |, strikethrough ~, escapes \): as numeric character references
# they show as themselves in a Markdown-rendered component and are never read as markup.
_AS_TEXT = {**{ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()#|~!"},
            **{ord(c): html.escape(c) for c in "&<>\"'"}}


def as_text(text: str) -> str:
    """Text from a document, a user or a model, safe inside HTML *and* Markdown: shown, never rendered."""
    return str(text).translate(_AS_TEXT)


_CITE = re.compile(r"\[(\d{1,2})\]")


def answer_html(answer: str, anchor_prefix: str = "src") -> str:
    """The answer as text (no markup from it renders), its ``[n]`` markers as links to the n-th source card."""
    out, last = [], 0
    for m in _CITE.finditer(answer):
        out.append(as_text(answer[last:m.start()]))
        out.append(f'<a href="#{anchor_prefix}-{m.group(1)}" class="cite">[{m.group(1)}]</a>')
        last = m.end()
    out.append(as_text(answer[last:]))
    return "".join(out)


def _context(article_text: str | None, start: int, end: int, span_text: str, window: int = 160) -> str:
    """The cited span highlighted inside its surrounding text (the paragraph, trimmed to a window)."""
    if not article_text or not (0 <= start < end <= len(article_text)) or article_text[start:end] != span_text:
        return f"<mark>{html.escape(span_text)}</mark>"
    para_start = article_text.rfind("\n", 0, start) + 1
    para_end = article_text.find("\n", end)
    para_end = len(article_text) if para_end < 0 else para_end
    left_start = max(para_start, start - window)
    right_end = min(para_end, end + window)
    left = ("…" if left_start > para_start else "") + article_text[left_start:start]
    right = article_text[end:right_end] + ("…" if right_end < para_end else "")
    return f"{html.escape(left)}<mark>{html.escape(article_text[start:end])}</mark>{html.escape(right)}"


def sources_html(citations, article_lookup=None, note: str | None = None, anchor_prefix: str = "src") -> str:
    """Source cards: ``[n]`` title, bulletin · 期号 · date · section · file, and the highlighted passage."""
    if not citations:
        body = f"<p class='muted'>{html.escape(note or '回答中引用的原文会显示在这里。')}</p>"
        return f"<div class='sources'>{body}</div>"
    cards = []
    for c in citations:
        meta = [c.bulletin, issue_label(c.issue), c.date, c.section]
        meta_text = " · ".join(html.escape(m) for m in meta if m)
        article = article_lookup(c.source, c.article_no) if article_lookup else None
        context = _context(article.text if article else None, c.start, c.end, c.text)
        cards.append(
            f"<div class='source-card' id='{anchor_prefix}-{c.n}'>"
            f"<div class='source-head'><span class='source-n'>[{c.n}]</span> "
            f"<span class='source-title'>{html.escape(c.title or '（无标题）')}</span></div>"
            f"<div class='source-meta'>{meta_text + ' · ' if meta_text else ''}"
            f"<span class='source-file'>{html.escape(c.source)}</span></div>"
            f"<div class='source-text'>{context}</div></div>")
    extra = f"<p class='muted'>{html.escape(note)}</p>" if note else ""
    return f"<div class='sources'>{extra}{''.join(cards)}</div>"


def strip_markers(text: str) -> str:
    return MARKER_RE.sub("", text)


CSS = """
.sources { display: flex; flex-direction: column; gap: 10px; }
.source-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
  background: var(--background-fill-secondary); scroll-margin-top: 12px; }
.source-card:target { outline: 2px solid var(--color-accent); }
.source-head { font-weight: 600; }
.source-n { color: var(--color-accent); }
.source-meta { font-size: 0.85em; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.source-text { line-height: 1.7; white-space: pre-wrap; word-break: break-all; }
.source-text mark { background: #fde68a; color: inherit; padding: 0 1px; }
.muted { color: var(--body-text-color-subdued); }
a.cite { text-decoration: none; font-weight: 600; }
#status-line { font-size: 0.9em; }
@media (max-width: 640px) { .source-card { padding: 8px; } }
"""
