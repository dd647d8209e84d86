"""`rag ask`, `rag retrieve` and `rag chat`: answers with citations, ranked passages, a terminal chat."""
from __future__ import annotations

import json

import click

from ..retrieval import MODES, Filters
from ..types import issue_label
from .base import LLM_CHOICES, assistant_for, fail, filter_options, main, make_filters, settings_of


def _print_sources(answer) -> None:
    if not answer.citations:
        return
    click.echo("\n来源：")
    for c in answer.citations:
        meta = " ".join(x for x in [c.bulletin, issue_label(c.issue), c.date, c.section] if x)
        click.echo(f"[{c.n}] {c.title or '（无标题）'} — {meta + ' · ' if meta else ''}{c.source}")
        click.echo(f"    {c.text}")


def _run_question(assistant, question: str, history: list[str], filters: Filters, mode: str, as_json: bool,
                  exit_on_bad_question: bool = True):
    from ..errors import QuestionError
    from ..types import Answer, Outcome

    streamed = []
    final = None
    try:
        for item in assistant.stream(question, history, filters, mode):
            if isinstance(item, Answer):
                final = item
            elif not as_json:
                streamed.append(item)
                click.echo(item, nl=False)
    except QuestionError as exc:
        if exit_on_bad_question:  # `rag ask`: exit code 2; `rag chat` just asks again
            fail(str(exc))
        click.echo(str(exc), err=True)
        return None
    if as_json:
        click.echo(json.dumps(final.to_dict(), ensure_ascii=False))
        return final
    if final.outcome is Outcome.BACKEND_DOWN:
        click.echo(f"\n（{final.fallback}）", err=True)
    elif "".join(streamed).strip() != final.answer.strip():
        note = "（模型回答无法核实，改为给出原文依据）" if final.fallback else "（已补全引用）"
        click.echo(f"\n{note}\n{final.answer}", nl=False)
    click.echo()
    _print_sources(final)
    t = final.timings
    first = f"{t['first_token_ms'] / 1000:.1f}s" if t.get("first_token_ms") else "-"
    click.echo(f"\n[{assistant.backend}] 检索 {t['retrieve_ms']} ms · 首字 {first} · 共 {t['total_ms'] / 1000:.1f}s",
               err=True)
    return final


@main.command()
@click.argument("question")
@click.option("--llm", type=LLM_CHOICES, help="Answer backend [env RAG_LLM; default local].")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True, help="Retrieval mode.")
@filter_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of streaming.")
@click.pass_context
def ask(ctx, question, llm, mode, date_from, date_to, sources, issues, sections, as_json):
    """Answer QUESTION from the indexed bulletins, with numbered citations.

    \b
    Example:
      rag ask "示范区信访案件化解群众满意率是多少？"
    """
    assistant = assistant_for(ctx, llm)
    _run_question(assistant, question, [], make_filters(date_from, date_to, sources, issues, sections), mode, as_json)


@main.command()
@click.argument("question")
@click.option("--k", default=8, show_default=True, help="How many passages.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@filter_options
@click.option("--json", "as_json", is_flag=True, help="One JSON array of ranked chunks.")
@click.pass_context
def retrieve(ctx, question, k, mode, date_from, date_to, sources, issues, sections, as_json):
    """Show the ranked passages retrieval finds for QUESTION (for debugging and evaluation)."""
    from ..errors import BulletinIndexError
    from ..index import open_index
    from ..retrieval import HybridRetriever

    try:
        idx = open_index(settings_of(ctx))
    except BulletinIndexError as exc:
        fail(str(exc))
    if not question.strip():
        fail("the question is empty")
    hits = HybridRetriever(idx).retrieve(question, k=k, mode=mode,
                                         filters=make_filters(date_from, date_to, sources, issues, sections))
    rows = [{"rank": h.rank, "id": h.chunk.id, "source": h.chunk.source, "bulletin": h.chunk.bulletin,
             "issue": h.chunk.issue, "date": h.chunk.date, "section": h.chunk.section, "title": h.chunk.title,
             "text": h.chunk.text, "start": h.chunk.start, "end": h.chunk.end, "score": round(h.score, 5),
             "dense": None if h.dense is None else round(h.dense, 4)} for h in hits]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['rank']:>2}. {r['score']:.4f}  {r['source']} · {r['section'] or ''} {r['title'] or ''}")
        click.echo(f"    {r['text'][:160]}")


@main.command()
@click.option("--llm", type=LLM_CHOICES, help="Answer backend.")
@click.pass_context
def chat(ctx, llm):
    """Interactive terminal chat; follow-up questions use the conversation. /clear forgets it, /quit exits."""
    assistant = assistant_for(ctx, llm)
    click.echo("简报问答 — 输入问题，/clear 清空对话，/quit 退出。", err=True)
    if assistant.backend == "local":
        click.echo("正在加载本地模型…", err=True)
    assistant.warm_up()
    history: list[str] = []
    while True:
        try:
            question = click.prompt("问", prompt_suffix="> ", default="", show_default=False)
        except (EOFError, click.Abort):
            click.echo()
            return
        question = question.strip()
        if question in ("/quit", "/exit", "/q"):
            return
        if question == "/clear":
            history.clear()
            click.echo("（对话已清空）")
            continue
        if not question:
            continue
        answer = _run_question(assistant, question, history, Filters(), "hybrid", False, exit_on_bad_question=False)
        if answer is not None:
            history.append(answer.standalone_question or question)
        click.echo()
