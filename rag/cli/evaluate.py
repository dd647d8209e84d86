"""`rag eval`: score retrieval and answers on a question set or the RGB benchmark; compare two runs."""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..retrieval import MODES
from .base import LLM_CHOICES, fail, main, settings_with_llm


@main.command("eval")
@click.option("--dataset", type=click.Choice(["questions", "rgb"]), default="questions", show_default=True,
              help="The project's question set, or the external RGB zh_refine benchmark.")
@click.option("--questions", "questions_path", type=click.Path(path_type=Path),
              help="Question file (default eval/questions.jsonl).")
@click.option("--limit", type=int, help="Only the first N questions.")
@click.option("--split", type=click.Choice(["dev", "test", "all"]), default="all", show_default=True,
              help="Only the dev part (tune on it) or the test part (report only) of the question set.")
@click.option("--llm", type=LLM_CHOICES, help="Answer backend.")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True,
              help="Retrieval mode used for answers (all modes are scored for retrieval).")
@click.option("--retrieval-only", is_flag=True, help="Score retrieval only; no answers.")
@click.option("--context-only", is_flag=True,
              help="Score the context the model would read (gold facts shown, characters) without generating: "
                   "seconds instead of minutes when a change to retrieval or passage choice is measured.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path),
              help="Report folder (default reports/<time>-<dataset>-<llm>); an existing one resumes.")
@click.option("--protocol", type=click.Choice(["retrieval", "paper"]), default="retrieval", show_default=True,
              help="RGB only: 'retrieval' indexes all passages and retrieves (open retrieval); 'paper' gives each "
                   "question its 5 passages as RGB's paper does, at each --noise rate.")
@click.option("--noise", default="0,0.2,0.4,0.6,0.8,1", show_default=True,
              help="RGB paper protocol: comma-separated noise rates (1 measures rejection).")
@click.option("--compare", nargs=2, type=click.Path(exists=True, path_type=Path), metavar="A.json B.json",
              help="Compare two report.json files instead of running.")
@click.pass_context
def eval_cmd(ctx, dataset, questions_path, limit, llm, mode, retrieval_only, context_only, out_dir, compare, split,
             protocol, noise):
    """Score retrieval and answers against a question set; print a table and write reports.

    \b
    Examples:
      rag eval
      rag eval --llm extractive --mode bm25 --out reports/bm25
      rag eval --llm local --context-only --split dev
      rag eval --dataset rgb --limit 100
      rag eval --dataset rgb --protocol paper --noise 0,0.8,1
      rag eval --compare reports/a/report.json reports/b/report.json
    """
    import time

    from ..eval import compare as compare_reports
    from ..eval import format_table, load_questions, run_eval, write_reports

    if context_only and retrieval_only:
        fail("--context-only and --retrieval-only are two different runs: give one")
    if compare:
        a, b = (json.loads(p.read_text(encoding="utf-8")) for p in compare)
        click.echo(compare_reports(a, b))
        return
    settings = settings_with_llm(ctx, llm)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out_dir = out_dir or Path("reports") / f"{stamp}-{dataset}-{settings.llm}"
    if dataset == "rgb" and protocol == "paper":
        if context_only or retrieval_only:
            fail("the RGB paper protocol gives each question its passages: it has no --context-only or "
                 "--retrieval-only run")
        _rgb_paper(settings, limit, noise, out_dir)
        return
    if dataset == "rgb":
        from ..eval.rgb import load_rgb, prepare_rgb, rgb_path, rgb_settings
        from ..index import update_index

        rows = load_rgb(rgb_path(), limit or 100)
        work = out_dir / "rgb-work"
        _, questions = prepare_rgb(rows, work)
        settings = rgb_settings(settings, work)
        click.echo(f"Indexing {len(list((work / 'corpus').iterdir()))} RGB passages for {len(questions)} queries…",
                   err=True)
        update_index(settings)
    else:
        from ..settings import default_path

        path = questions_path or default_path("eval", "questions.jsonl")
        try:
            questions = load_questions(path)
        except (OSError, ValueError) as exc:
            fail(f"cannot read the question set {path}: {exc}")
        if split != "all":
            questions = [q for q in questions if q.split == split]
            if not questions:
                fail(f"the question set {path} has no {split!r} part (rows need \"split\": \"{split}\")")
        if limit:
            questions = questions[:limit]
    from ..answer import Assistant
    from ..errors import BulletinIndexError

    try:
        assistant = Assistant(settings)
    except BulletinIndexError as exc:
        fail(str(exc))
    if not retrieval_only and not context_only:
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
                "split": split, "llama_build": _llama_build(settings),
                "started": stamp}
    run_info["context_only"] = context_only
    try:
        report = run_eval(assistant, questions, out_dir, modes, answer=not retrieval_only, run_info=run_info,
                          context_only=context_only)
    except ValueError as exc:  # the --out folder holds another kind of run
        fail(str(exc))
    json_path, md_path, html_path = write_reports(report, out_dir)
    click.echo(format_table(report))
    click.echo(f"\nReports: {json_path}, {md_path}, {html_path}", err=True)


def _llama_build(settings) -> str | None:
    """Which llama.cpp build answered (native for this CPU, or the portable prebuilt wheel): it sets the timings."""
    if settings.llm != "local":
        return None
    from ..llm.cpu_build import loaded_build

    try:
        return loaded_build().describe()
    except ImportError:
        return None


def _rgb_paper(settings, limit: int | None, noise: str, out_dir: Path) -> None:
    """RGB zh_refine by its paper's protocol: 5 given passages per question at each noise rate."""
    from ..answer import Assistant
    from ..embeddings import make_embedder
    from ..eval.rgb import load_rgb, rgb_path
    from ..eval.rgb_paper import PassagesOnly, paper_table, run_paper

    try:
        noises = sorted({float(n) for n in noise.split(",") if n.strip()})
    except ValueError:
        fail(f"--noise takes comma-separated rates between 0 and 1, not {noise!r}")
    if not noises or any(not 0 <= n <= 1 for n in noises):
        fail(f"--noise takes comma-separated rates between 0 and 1, not {noise!r}")
    try:
        rows = load_rgb(rgb_path(), limit)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    embedder = make_embedder(settings)

    def factory():
        assistant = Assistant(settings, PassagesOnly(embedder))
        if settings.llm == "local":
            click.echo("Loading the local model…", err=True)
        assistant.warm_up()
        return assistant

    report = run_paper(factory, embedder, rows, noises, out_dir)
    report["run"] = {"dataset": "rgb", "protocol": "paper", "backend": settings.llm, "questions": len(rows),
                     "noise": noises, "passage_chars": settings.passage_chars,
                     "context_passages": settings.context_passages, "llama_build": _llama_build(settings)}
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    table = paper_table(report, label=f"ours ({settings.llm})")
    (out_dir / "report.md").write_text(f"# RGB zh_refine, paper protocol\n\n{table}\n", encoding="utf-8")
    click.echo(table)
    click.echo(f"\nReports: {out_dir / 'report.json'}, {out_dir / 'report.md'}", err=True)
