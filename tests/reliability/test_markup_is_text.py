"""#15 case 4: whatever comes from a document, a user or a model is shown as text in the chat (Markdown) and
in the document tab (Markdown table): no image is fetched, no link or tag is rendered."""
from __future__ import annotations

import re

import pytest

from ui.documents import result_markdown
from ui.render import answer_html, as_text

HOSTILE = [
    "![b](http://127.0.0.1:17999/md-img.png)",
    "[点我](javascript:alert(1))",
    "<img src=http://127.0.0.1:17999/x.png onerror=alert(1)>",
    "<script>alert(1)</script>",
    "`code` **粗体** _斜体_ # 标题 | 表格 | ~~删除~~",
    "&lt;already escaped&gt;",
]


def _rendered_markup(text: str) -> bool:
    """Would a Markdown/HTML renderer read anything in ``text`` as markup?"""
    return bool(re.search(r"!\[|\]\(|<[a-zA-Z/]|\*\*|`|~~|\|", text))


@pytest.mark.parametrize("text", HOSTILE)
def test_answer_text_never_renders(text):
    out = answer_html(f"原文写道：{text}[1]。")
    assert '<a href="#src-1" class="cite">[1]</a>' in out
    body = out.replace('<a href="#src-1" class="cite">[1]</a>', "")
    assert not _rendered_markup(body), body


@pytest.mark.parametrize("text", HOSTILE)
def test_index_result_table_never_renders(text):
    md = result_markdown({"failed": [{"file": f"{text}.txt", "error": f"{text}: 无法读取"}]})
    rows = md.splitlines()[2:3]
    cells = rows[0].strip("|").split("|")
    assert len(cells) == 2  # a | in a file name does not add columns
    assert not _rendered_markup("".join(cells)), rows


def test_as_text_keeps_chinese_and_numbers_readable():
    assert as_text("示范区满意率99.01%，共165名。") == "示范区满意率99.01%，共165名。"


def test_public_error_hides_server_paths(tmp_path):
    from rag.settings import Settings
    from ui.state import AppState

    s = Settings.from_env(env={}, corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "idx",
                          models_dir=tmp_path / "m", embedder="fake", llm="extractive")
    state = AppState(s)
    assert state.assistant is None and state.error
    assert str(tmp_path) not in state.public_error() and "idx" in state.public_error()
    assert str(tmp_path) not in state.status_markdown()
