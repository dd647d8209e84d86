"""How metadata is shown: issue labels."""
import pytest

from rag.types import Chunk, issue_label


@pytest.mark.parametrize("issue, label", [("5", "第5期"), ("商文明委〔2024〕6号", "商文明委〔2024〕6号"), (None, None), ("", None)])
def test_issue_label(issue, label):
    assert issue_label(issue) == label


def test_header_of_an_official_document():
    c = Chunk(source="a.ofd", article_no=0, text="正文。", start=0, end=3, title="关于开展行动的通知",
              issue="商文明委〔2024〕6号", date="2024-07-26")
    assert c.header() == "商文明委〔2024〕6号 2024年7月26日 关于开展行动的通知"
