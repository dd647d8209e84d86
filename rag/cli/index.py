"""`rag index` (build, update, status) and `rag chunks` (what retrieval sees)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..types import issue_label
from .base import fail, main, settings_of


def _print_status(status: dict) -> None:
    click.echo(f"Index:      {status['index']} ({status.get('store', 'folder')})")
    click.echo(f"Generation: {status['generation']}")
    click.echo(f"Model:      {status['embedding_model']} ({status['dimension']}-d)")
    click.echo(f"Chunking:   {status['chunk_size']} chars, overlap {status['chunk_overlap']}")
    click.echo(f"Built at:   {status['built_at']} (rag {status['package_version']})")
    click.echo(f"Contents:   {status['files']} files, {status['articles']} articles, {status['chunks']} chunks")
    for d in status["documents"]:
        meta = " ".join(x for x in [d["bulletin"], issue_label(d["issue"]), d["date"]] if x)
        click.echo(f"  {d['key']}  [{d['kind']}] {meta or '-'}  {d['n_articles']} articles, {d['n_chunks']} chunks")
    for key, error in sorted(status["failed"].items()):
        click.echo(f"  {key}  NOT INDEXED: {error}")


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--status", "show_status", is_flag=True, help="Show what is indexed instead of updating.")
@click.option("--rebuild", is_flag=True, help="Re-embed everything (needed after changing model or chunking).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON summary object on stdout.")
@click.pass_context
def index(ctx, paths, show_status, rebuild, as_json):
    """Index new or changed documents under PATHS (default: the corpus folder).

    Only new or changed files are embedded; files deleted from a scanned folder leave the index.
    The exit code is 1 when any file failed (the others are still indexed).
    """
    from ..errors import BulletinIndexError
    from ..index import open_index, update_index

    settings = settings_of(ctx)
    if show_status:
        try:
            idx = open_index(settings, check=False)
        except BulletinIndexError as exc:
            fail(str(exc))
        status = idx.status()
        idx.close()
        click.echo(json.dumps(status, ensure_ascii=False, indent=2)) if as_json else _print_status(status)
        return
    try:
        summary = update_index(settings, list(paths) or None, rebuild=rebuild, show_progress=None)
    except BulletinIndexError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail("interrupted; the previous index is unchanged", 130)
    except OSError as exc:  # disk full, file size limit, permissions: the served index is untouched
        fail(f"could not write the index in {settings.index_dir}: {exc.strerror or exc} "
              f"({type(exc).__name__}); the previous index is unchanged and still served")
    result = summary.to_dict()
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
    else:
        click.echo(f"Indexed in {result['seconds']} s: {len(result['added'])} added, {len(result['changed'])} changed, "
                   f"{len(result['removed'])} removed, {result['unchanged']} unchanged; "
                   f"{result['chunks_embedded']} chunks embedded, {result['chunks_total']} chunks in the index.")
        for d in result["duplicates"]:
            click.echo(f"  duplicate: {d['file']} has the same content as {d['duplicate_of']} (not indexed twice)")
        for u in result["unsupported"]:
            click.echo(f"  NOT INDEXED: {u['error']}", err=True)
        if result["hidden"]:
            shown = ", ".join(result["hidden"][:8]) + (" …" if len(result["hidden"]) > 8 else "")
            click.echo(f"  hidden, not indexed ({len(result['hidden'])}): {shown}", err=True)
        for f in result["failed"]:
            click.echo(f"  FAILED: {f['error']}", err=True)
    if result["failed"]:
        sys.exit(1)


@main.command()
@click.option("--source", help="Only chunks of this file (as shown by `rag index --status`).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_context
def chunks(ctx, source, as_json):
    """List the indexed chunks with their metadata: what retrieval sees."""
    from ..errors import BulletinIndexError
    from ..index import open_index

    try:
        idx = open_index(settings_of(ctx), check=False)
    except BulletinIndexError as exc:
        fail(str(exc))
    rows = idx.chunks(source)
    if source and not rows:
        fail(f"no chunks for source {source!r}; see `rag index --status` for the indexed files")
    for c in rows:
        d = {"id": c.id, "source": c.source, "bulletin": c.bulletin, "issue": c.issue, "date": c.date,
             "section": c.section, "title": c.title, "text": c.text, "start": c.start, "end": c.end}
        if as_json:
            click.echo(json.dumps(d, ensure_ascii=False))
        else:
            head = " · ".join(x for x in [c.source, c.section, c.title] if x)
            click.echo(f"── {head} [{c.start}:{c.end}]\n{c.text}\n")
    idx.close()
