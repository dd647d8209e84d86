"""CLI commands that answer and evaluate: `rag ask`, `rag retrieve`, `rag chat`, `rag eval`."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

import click

from .cli import _fail, _settings, main
from .retrieval import MODES, Filters


def _filters(date_from, date_to, sources, issues, sections) -> Filters:
    return Filters(date_from=date_from, date_to=date_to, sources=list(sources), issues=list(issues),
                   sections=list(sections))


def filter_options(f):
    for opt in reversed([
        click.option("--from", "date_from", help="Only articles dated on/after YYYY-MM-DD."),
        click.option("--to", "date_to", help="Only articles dated on/before YYYY-MM-DD."),
        click.option("--source", "sources", multiple=True, help="Only this file (repeatable)."),
        click.option("--issue", "issues", multiple=True, help="Only this bulletin issue number, e.g. 17 (repeatable)."),
        click.option("--section", "sections", multiple=True, help="Only this section, e.g. 工作动态 (repeatable)."),
    ]):
        f = opt(f)
    return f


def _settings_with_llm(ctx, llm: str | None):
    """The settings with the backend chosen by ``--llm``, validated (a bad combination is a usage error)."""
    settings = _settings(ctx)
    if llm:
        settings = replace(settings, llm=llm)
    try:
        settings.validate()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    return settings


def _assistant(ctx, llm: str | None):
    from .answer import Assistant
    from .store.manifest import IndexError_

    settings = _settings_with_llm(ctx, llm)
    try:
        return Assistant(settings)
    except IndexError_ as exc:
        _fail(str(exc))


def _print_sources(answer) -> None:
    if not answer.citations:
        return
    click.echo("\n来源：")
    for c in answer.citations:
        meta = " ".join(x for x in [c.bulletin, f"第{c.issue}期" if c.issue else None, c.date, c.section] if x)
        click.echo(f"[{c.n}] {c.title or '（无标题）'} — {meta + ' · ' if meta else ''}{c.source}")
        click.echo(f"    {c.text}")


def _run_question(assistant, question: str, history: list[str], filters: Filters, mode: str, as_json: bool):
    from .answer import Answer, QuestionError

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
        _fail(str(exc)) if as_json else click.echo(str(exc), err=True)
        return None
    if as_json:
        click.echo(json.dumps(final.to_dict(), ensure_ascii=False))
        return final
    if final.fallback and final.fallback.startswith("LLM backend unavailable"):
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
@click.option("--llm", type=click.Choice(["local", "openai", "extractive"]), help="Answer backend [env RAG_LLM; default local].")
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
    assistant = _assistant(ctx, llm)
    _run_question(assistant, question, [], _filters(date_from, date_to, sources, issues, sections), mode, as_json)


@main.command()
@click.argument("question")
@click.option("--k", default=8, show_default=True, help="How many passages.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@filter_options
@click.option("--json", "as_json", is_flag=True, help="One JSON array of ranked chunks.")
@click.pass_context
def retrieve(ctx, question, k, mode, date_from, date_to, sources, issues, sections, as_json):
    """Show the ranked passages retrieval finds for QUESTION (for debugging and evaluation)."""
    from .index import BulletinIndex
    from .retrieval import HybridRetriever
    from .store.manifest import IndexError_

    try:
        idx = BulletinIndex.open(_settings(ctx))
    except IndexError_ as exc:
        _fail(str(exc))
    if not question.strip():
        _fail("the question is empty")
    hits = HybridRetriever(idx).retrieve(question, k=k, mode=mode,
                                         filters=_filters(date_from, date_to, sources, issues, sections))
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
@click.option("--llm", type=click.Choice(["local", "openai", "extractive"]), help="Answer backend.")
@click.pass_context
def chat(ctx, llm):
    """Interactive terminal chat; follow-up questions use the conversation. /clear forgets it, /quit exits."""
    assistant = _assistant(ctx, llm)
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
        answer = _run_question(assistant, question, history, Filters(), "hybrid", False)
        if answer is not None:
            history.append(answer.standalone_question or question)
        click.echo()


@main.command("eval")
@click.option("--dataset", type=click.Choice(["questions", "rgb"]), default="questions", show_default=True,
              help="The project's question set, or the external RGB zh_refine benchmark.")
@click.option("--questions", "questions_path", type=click.Path(path_type=Path),
              help="Question file (default eval/questions.jsonl).")
@click.option("--limit", type=int, help="Only the first N questions.")
@click.option("--llm", type=click.Choice(["local", "openai", "extractive"]), help="Answer backend.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="Retrieval mode used for answers (all modes are scored for retrieval).")
@click.option("--retrieval-only", is_flag=True, help="Score retrieval only; no answers.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Report folder (default reports/<time>-<dataset>-<llm>); an existing one resumes.")
@click.option("--compare", nargs=2, type=click.Path(exists=True, path_type=Path), metavar="A.json B.json",
              help="Compare two report.json files instead of running.")
@click.pass_context
def eval_cmd(ctx, dataset, questions_path, limit, llm, mode, retrieval_only, out_dir, compare):
    """Score retrieval and answers against a question set; print a table and write reports.

    \b
    Examples:
      rag eval
      rag eval --llm extractive --mode bm25 --out reports/bm25
      rag eval --dataset rgb --limit 100
      rag eval --compare reports/a/report.json reports/b/report.json
    """
    import time

    from .eval_report import compare as compare_reports
    from .eval_report import write_reports
    from .evaluation import format_table, load_questions, run_eval

    if compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in compare)
        click.echo(compare_reports(a, b))
        return
    settings = _settings_with_llm(ctx, llm)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = out_dir or Path("reports") / f"{stamp}-{dataset}-{settings.llm}"
    if dataset == "rgb":
        from .eval_rgb import load_rgb, prepare_rgb, rgb_path, rgb_settings
        from .indexer import update_index

        rows = load_rgb(rgb_path(), limit or 100)
        work = out_dir / "rgb-work"
        _, questions = prepare_rgb(rows, work)
        settings = rgb_settings(settings, work)
        click.echo(f"Indexing {len(list((work / 'corpus').iterdir()))} RGB passages for {len(questions)} queries…",
                   err=True)
        update_index(settings)
    else:
        from .settings import PROJECT_ROOT

        path = questions_path or PROJECT_ROOT / "eval" / "questions.jsonl"
        try:
            questions = load_questions(path)
        except (OSError, ValueError) as exc:
            _fail(f"cannot read the question set {path}: {exc}")
        if limit:
            questions = questions[:limit]
    from .answer import Assistant
    from .store.manifest import IndexError_

    try:
        assistant = Assistant(settings)
    except IndexError_ as exc:
        _fail(str(exc))
    if not retrieval_only:
        if settings.llm == "local":
            click.echo("Loading the local model…", err=True)
        assistant.warm_up()
    modes = [mode] + [m for m in MODES if m != mode]
    m = assistant.index.manifest
    run_info = {"dataset": dataset, "questions": len(questions), "backend": settings.llm, "mode": mode,
                "llm_model": settings.llm_model or ("Qwen2.5-Coder-1.5B-Instruct-Q4_K_M" if settings.llm == "local" else None),
                "embedding_model": m.embedding_model, "index_built_at": m.built_at, "index_files": len(m.files),
                "chunk_size": settings.chunk_size, "chunk_overlap": settings.chunk_overlap, "top_k": settings.top_k,
                "context_passages": settings.context_passages, "passage_chars": settings.passage_chars,
                "started": stamp}
    report = run_eval(assistant, questions, out_dir, modes, answer=not retrieval_only, run_info=run_info)
    json_path, md_path, html_path = write_reports(report, out_dir)
    click.echo(format_table(report))
    click.echo(f"\nReports: {json_path}, {md_path}, {html_path}", err=True)


@main.command()
@click.option("--host", default=None, help="Address to bind [env RAG_UI_HOST; default 127.0.0.1 — this machine only].")
@click.option("--port", type=int, default=None, help="Port [env RAG_UI_PORT; default 7860].")
@click.option("--share", is_flag=True, help="Also publish a public gradio.live link (needs internet; off by default).")
@click.option("--auth", "auth", default=None, metavar="USER:PASSWORD",
              help="Require a login [env RAG_UI_AUTH]; use it on a shared server.")
@click.option("--llm", type=click.Choice(["local", "openai", "extractive"]), help="Answer backend.")
@click.pass_context
def ui(ctx, host, port, share, auth, llm):
    """Start the chat UI (Gradio) at http://127.0.0.1:7860."""
    import os

    settings = _settings_with_llm(ctx, llm)
    host = host or os.environ.get("RAG_UI_HOST") or "127.0.0.1"
    port = port or int(os.environ.get("RAG_UI_PORT") or 7860)
    auth = auth or os.environ.get("RAG_UI_AUTH")
    pair = None
    if auth:
        if ":" not in auth:
            raise click.UsageError("--auth must be USER:PASSWORD")
        pair = tuple(auth.split(":", 1))
        from .redact import register_secret

        register_secret(pair[1])
    if host not in ("127.0.0.1", "localhost", "::1") and not pair:
        click.echo(f"Warning: binding {host} makes the UI reachable from other machines without a login; "
                   "set --auth USER:PASSWORD (or RAG_UI_AUTH) on a shared server.", err=True)
    try:
        from ui.app import launch
    except ImportError as exc:
        _fail(f"the UI needs gradio: pip install 'gradio>=6,<7' ({exc})")
    click.echo(f"简报问答 UI: http://{host}:{port}  (Ctrl-C to stop)", err=True)
    launch(settings, host=host, port=port, share=share, auth=pair, block=True)
