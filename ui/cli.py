"""`rag ui`: the command that starts the Gradio app. It joins the `rag` command through the
``rag.commands`` entry point (so ``rag`` never imports ``ui``); gradio is imported only when it runs."""
from __future__ import annotations

import click

from rag.cli.base import LLM_CHOICES, fail, settings_with_llm
from rag.redact import register_secret


@click.command()
@click.option("--host", default=None, help="Address to bind [env RAG_UI_HOST; default 127.0.0.1 — this machine only].")
@click.option("--port", type=int, default=None, help="Port [env RAG_UI_PORT; default 7860].")
@click.option("--share", is_flag=True, help="Also publish a public gradio.live link (needs internet; off by default).")
@click.option("--auth", "auth", default=None, metavar="USER:PASSWORD",
              help="Require a login [env RAG_UI_AUTH]; use it on a shared server.")
@click.option("--llm", type=LLM_CHOICES, help="Answer backend.")
@click.pass_context
def ui(ctx, host, port, share, auth, llm):
    """Start the chat UI (Gradio) at http://127.0.0.1:7860."""
    import os

    settings = settings_with_llm(ctx, llm)
    host = host or os.environ.get("RAG_UI_HOST") or "127.0.0.1"
    port = port or int(os.environ.get("RAG_UI_PORT") or 7860)
    auth = auth or os.environ.get("RAG_UI_AUTH")
    pair = None
    if auth:
        if ":" not in auth:
            raise click.UsageError("--auth must be USER:PASSWORD")
        pair = tuple(auth.split(":", 1))
        if not pair[0].strip() or not pair[1]:
            raise click.UsageError("--auth needs a user name and a password (USER:PASSWORD, neither empty)")
        register_secret(pair[1])
    if host not in ("127.0.0.1", "localhost", "::1") and not pair:
        click.echo(f"Warning: binding {host} makes the UI reachable from other machines without a login; "
                   "set --auth USER:PASSWORD (or RAG_UI_AUTH) on a shared server.", err=True)
    try:
        from .app import launch
    except ImportError as exc:
        fail(f"the UI needs gradio: pip install 'gradio>=6,<7' ({exc})")
    click.echo(f"简报问答 UI: http://{host}:{port}  (Ctrl-C to stop)", err=True)
    launch(settings, host=host, port=port, share=share, auth=pair, block=True)
