"""The `rag` command group, its global options, and what every command shares: settings, one-line errors,
filter options, the assistant. Commands of other packages join through the ``rag.commands`` entry points."""
from __future__ import annotations

import logging
import sys
from dataclasses import replace
from pathlib import Path

import click

from ..errors import RagError
from ..redact import install_log_redaction, redact
from ..retrieval import Filters
from ..settings import Settings

LLM_CHOICES = click.Choice(["local", "openai", "extractive"])


def settings_of(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def fail(message: str, code: int = 2):
    """Print ``Error: message`` on stderr and exit (no traceback for a user's mistake or a known problem)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


class RagGroup(click.Group):
    """The command group; commands registered by other packages under the ``rag.commands`` entry points
    (``rag ui`` from the ``ui`` package) are listed, and imported only when they run."""

    def _plugins(self) -> dict:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group="rag.commands")}

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self._plugins()))

    def invoke(self, ctx):
        """Run the command; an error meant for a user that no command caught (a server named in the settings
        going down in the middle of an answer or an update) is one line too, never a traceback."""
        try:
            return super().invoke(ctx)
        except RagError as exc:
            fail(redact(str(exc)))

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is None and (ep := self._plugins().get(name)) is not None:
            try:
                command = ep.load()
            except ImportError as exc:
                fail(f"`rag {name}` cannot start: {exc}")
        return command


@click.group(cls=RagGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--corpus-dir", type=click.Path(path_type=Path), help="Folder of documents [env RAG_CORPUS_DIR; default ./corpus].")
@click.option("--index-dir", type=click.Path(path_type=Path), help="Where the index lives [env RAG_INDEX_DIR; default ./index].")
@click.option("--models-dir", type=click.Path(path_type=Path), help="Converted model cache [env RAG_MODELS_DIR; default ./models].")
@click.option("--embedder", type=click.Choice(["e5", "openai", "fake"]),
              help="Embedding model: e5 (local), openai (served, RAG_EMBED_*) or fake [env RAG_EMBEDDER; default e5].")
@click.option("--chunk-size", type=int, help="Chunk size in characters [env RAG_CHUNK_SIZE; default 300].")
@click.option("--chunk-overlap", type=int, help="Chunk overlap in characters [env RAG_CHUNK_OVERLAP; default 60].")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def main(ctx, corpus_dir, index_dir, models_dir, embedder, chunk_size, chunk_overlap, verbose):
    """简报问答 (bulletin Q&A): offline question answering over work bulletins.

    \b
    Examples:
      rag index                  index every document under corpus/
      rag index --status         what is indexed
      rag ask "示范区信访案件化解群众满意率是多少？"
      rag ui                     the chat UI on http://127.0.0.1:7860
    """
    level = logging.WARNING - 10 * verbose
    logging.basicConfig(level=max(level, logging.DEBUG), format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    install_log_redaction()
    try:
        settings = Settings.from_env(corpus_dir=corpus_dir, index_dir=index_dir, models_dir=models_dir,
                                     embedder=embedder, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    ctx.obj = {"settings": settings}


def make_filters(date_from, date_to, sources, issues, sections) -> Filters:
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


def settings_with_llm(ctx, llm: str | None):
    """The settings with the backend chosen by ``--llm``, validated (a bad combination is a usage error)."""
    settings = settings_of(ctx)
    if llm:
        settings = replace(settings, llm=llm)
    try:
        settings.validate()
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    return settings


def assistant_for(ctx, llm: str | None):
    from ..answer import Assistant
    from ..errors import BulletinIndexError

    settings = settings_with_llm(ctx, llm)
    try:
        return Assistant(settings)
    except BulletinIndexError as exc:
        fail(str(exc))
