"""The Gradio app: a 问答 tab (streamed answers, clickable citations, sources panel, filters, examples) and
a 文档管理 tab (indexed documents, upload, delete, incremental re-index). ``rag ui`` launches it."""
from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import gradio as gr

from rag.errors import EmbedderUnavailable, QuestionError, StoreUnavailable
from rag.ingest import SUPPORTED
from rag.retrieval import Filters
from rag.settings import Settings
from rag.types import Answer, Outcome

from .documents import (delete_documents, documents_table, reindex_or_undo, restore_documents, result_markdown,
                        store_uploads)
from .limits import BodyLimit
from .render import CSS, answer_html, as_text, sources_html
from .state import AppState

log = logging.getLogger(__name__)

EXAMPLES = [
    "示范区信访案件化解群众满意率是多少？",
    "川汇区评选出多少名“道德文明使者”？",
    "第17期简报的【文明时讯】报道了哪些活动？",
    "搬口街道共发放征兵宣传手册多少份？",
]
DOC_HEADERS = ["文件", "类型", "简报 / 标题", "期号", "日期", "文章数", "段落数", "索引时间（UTC）"]


def _filters(date_from, date_to, sources, sections, issues) -> Filters:
    return Filters(date_from=(date_from or "").strip() or None, date_to=(date_to or "").strip() or None,
                   sources=list(sources or []), sections=list(sections or []), issues=list(issues or []))


def listing(state: AppState) -> tuple:
    """(status line, file / section / issue filter choices, document table, delete choices) of the served index."""
    files, sections, issues = state.index_choices()
    return (state.status_markdown(), gr.update(choices=files), gr.update(choices=sections),
            gr.update(choices=issues), documents_table(state), gr.update(choices=state.document_keys(), value=[]))


def tick(state: AppState, seen: str | None) -> tuple:
    """What a browser session shows, every 2 s and on page load: the status line, and the document listing
    again whenever the generation it shows (``seen``) is no longer the one being served; last, the new
    ``seen``."""
    current = state.generation()
    if seen is not None and current == seen:
        return state.status_markdown(), *[gr.skip()] * 5, seen
    return *listing(state), current


def build_app(state: AppState) -> gr.Blocks:
    def article_lookup(source, article_no):
        a = state.assistant
        return a.index.article(source, article_no) if a else None

    def respond(message, chat, history, date_from, date_to, sources, sections, issues):
        message = (message or "").strip()
        chat = list(chat or [])
        assistant = state.assistant
        if not message:
            yield chat, history, gr.skip(), ""
            return
        chat.append({"role": "user", "content": message})
        if assistant is None:
            chat.append({"role": "assistant", "content": f"索引不可用：{as_text(state.public_error())}"})
            yield chat, history, gr.skip(), ""
            return
        chat.append({"role": "assistant", "content": "…"})
        yield chat, history, sources_html([], note="正在检索…"), ""
        streamed = ""
        final: Answer | None = None
        try:
            for item in assistant.stream(message, list(history or []), _filters(date_from, date_to, sources,
                                                                                   sections, issues)):
                if isinstance(item, Answer):
                    final = item
                else:
                    streamed += item
                    chat[-1] = {"role": "assistant", "content": answer_html(streamed)}
                    yield chat, history, gr.skip(), ""
        except QuestionError as exc:
            chat[-1] = {"role": "assistant", "content": as_text(str(exc))}
            yield chat, history, sources_html([]), ""
            return
        except (EmbedderUnavailable, StoreUnavailable) as exc:  # a server the settings name: say which
            log.warning("answering failed: %s", exc)
            chat[-1] = {"role": "assistant",
                        "content": f"检索服务不可用，请稍后重试：{as_text(state.public_error(str(exc)))}"}
            yield chat, history, sources_html([]), ""
            return
        except Exception as exc:  # never a stack trace in the chat
            log.exception("answering failed")
            chat[-1] = {"role": "assistant", "content": f"抱歉，回答时出错：{type(exc).__name__}。请稍后重试。"}
            yield chat, history, sources_html([]), ""
            return
        note = None
        if final.outcome is Outcome.BACKEND_DOWN:
            note = "大模型暂时不可用，以下是检索到的原文摘录。"
        elif final.fallback:
            note = "模型的回答无法用原文核实，已改为直接引用原文。"
        elif final.refused:
            note = "已收录的简报中没有找到能回答这个问题的内容。" + ("以下是最接近的段落（不含答案），供参考。" if final.closest else "")
        chat[-1] = {"role": "assistant", "content": answer_html(final.answer)}
        history = list(history or []) + [final.standalone_question or message]
        shown = final.citations or (final.closest if final.refused else [])
        yield chat, history, sources_html(shown, article_lookup, note), ""

    def clear():
        return [], [], sources_html([]), ""

    def refresh():
        return listing(state)

    def result(summary: dict, rejected: list[dict], problem: str | None) -> tuple:
        """The re-index result (with why the change was undone, if it was) and the refreshed listing."""
        text = result_markdown(summary, rejected)
        if problem:
            text = f"**{as_text(state.public_error(problem))}**\n\n{text}"
        out = refresh()
        return text, out[4], *out[:4], out[5]

    def upload(files, progress=gr.Progress(track_tqdm=True)):
        problem = None
        with state.index_lock:
            stored, rejected = store_uploads(files or [], state.settings.corpus_dir, state.settings.upload_max_mb,
                                             remove_sources=True)
            summary = {}
            if stored:
                summary, problem = reindex_or_undo(state.settings, lambda: [p.unlink(missing_ok=True) for p in stored])
                state.reload()
        return result(summary, rejected, problem)

    def delete(keys, progress=gr.Progress(track_tqdm=True)):
        if not keys:
            out = refresh()
            return "请先选择要删除的文档。", out[4], *out[:4], out[5]
        indexed = set(state.document_keys())  # indexed files and files that failed to index
        unknown = [{"file": str(k), "error": "不在当前索引中（列表已刷新，请重新选择）"} for k in keys if k not in indexed]
        keys = [k for k in keys if k in indexed]
        summary, problem = {}, None
        if keys:
            with state.index_lock:
                hold = Path(state.settings.corpus_dir) / f".deleting-{os.getpid()}"
                moved = delete_documents(keys, state.settings.corpus_dir, hold)
                summary, problem = reindex_or_undo(
                    state.settings, lambda: restore_documents(moved, state.settings.corpus_dir, hold))
                shutil.rmtree(hold, ignore_errors=True)
                state.reload()
        return result(summary, unknown, problem)

    def api_ask(question: str, history_json: str = "[]") -> str:
        """Ask a question; returns the answer with citations as JSON (same shape as `rag ask --json`)."""
        assistant = state.assistant
        if assistant is None:
            return json.dumps({"error": state.public_error()}, ensure_ascii=False)
        try:
            history = json.loads(history_json or "[]")
            answer = assistant.ask(question, history=[str(h) for h in history])
        except (QuestionError, ValueError) as exc:
            return json.dumps({"error": str(exc)}, ensure_ascii=False)
        except (EmbedderUnavailable, StoreUnavailable) as exc:
            log.warning("answering %r failed: %s", question[:80], exc)
            return json.dumps({"error": f"检索服务不可用，请稍后重试：{state.public_error(str(exc))}"}, ensure_ascii=False)
        except Exception as exc:  # never a stack trace to the client; the log has the details (redacted)
            log.exception("answering %r failed", question[:80])
            return json.dumps({"error": f"回答时出错：{type(exc).__name__}，请稍后重试。"}, ensure_ascii=False)
        return json.dumps(answer.to_dict(), ensure_ascii=False)

    with gr.Blocks(title="简报问答") as demo:
        gr.Markdown("## 简报问答 · 工作简报智能问答")
        status = gr.Markdown(state.status_markdown(), elem_id="status-line")
        with gr.Tab("问答"):
            with gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=320):
                    chatbot = gr.Chatbot(label="对话", height=480, elem_id="chat", buttons=["copy"],
                                         placeholder="请输入关于简报内容的问题，回答会标注出处 [1] [2]…",
                                         feedback_options=None)
                    with gr.Row():
                        box = gr.Textbox(placeholder="例如：示范区信访案件化解群众满意率是多少？", show_label=False,
                                         scale=5, elem_id="question", max_length=2000, autofocus=True)
                        send = gr.Button("发送", variant="primary", scale=1, min_width=80, elem_id="send")
                    with gr.Row():
                        clear_btn = gr.Button("清空对话", size="sm", elem_id="clear")
                    gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                    with gr.Accordion("筛选（日期、文件、栏目、期号）", open=False):
                        with gr.Row():
                            date_from = gr.Textbox(label="起始日期", placeholder="YYYY-MM-DD")
                            date_to = gr.Textbox(label="截止日期", placeholder="YYYY-MM-DD")
                        files, sections, issues = state.index_choices()
                        f_sources = gr.Dropdown(files, multiselect=True, label="文件")
                        f_sections = gr.Dropdown(sections, multiselect=True, label="栏目")
                        f_issues = gr.Dropdown(issues, multiselect=True, label="期号")
                with gr.Column(scale=2, min_width=300):
                    gr.Markdown("### 来源")
                    sources = gr.HTML(sources_html([]), elem_id="sources")
            history = gr.State([])
        with gr.Tab("文档管理"):
            docs = gr.Dataframe(documents_table(state), headers=DOC_HEADERS, interactive=False, wrap=True,
                                label="已索引的文档", elem_id="documents")
            with gr.Row():
                with gr.Column():
                    upload_files = gr.File(label="上传文档（.txt / .md / .pdf / .docx）", file_count="multiple",
                                           file_types=sorted(SUPPORTED), elem_id="upload")
                    upload_btn = gr.Button("上传并更新索引", variant="primary", elem_id="upload-btn")
                with gr.Column():
                    to_delete = gr.Dropdown(state.document_keys(), multiselect=True, label="选择要删除的文档",
                                            elem_id="delete-select",
                                            allow_custom_value=True)  # checked against the index in delete()
                    delete_btn = gr.Button("删除所选文档并更新索引", variant="stop", elem_id="delete-btn")
            index_result = gr.Markdown(elem_id="index-result")

        ask_inputs = [box, chatbot, history, date_from, date_to, f_sources, f_sections, f_issues]
        ask_outputs = [chatbot, history, sources, box]
        box.submit(respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask",
                   concurrency_limit=4)
        send.click(respond, ask_inputs, ask_outputs, api_visibility="private", concurrency_id="ask",
                   concurrency_limit=4)
        clear_btn.click(clear, None, ask_outputs, api_visibility="private")
        refresh_outputs = [index_result, docs, status, f_sources, f_sections, f_issues, to_delete]
        upload_btn.click(upload, [upload_files], refresh_outputs, api_visibility="private",
                         concurrency_id="index", concurrency_limit=1).then(
            lambda: None, None, upload_files, api_visibility="private")
        delete_btn.click(delete, [to_delete], refresh_outputs, api_visibility="private", concurrency_id="index",
                         concurrency_limit=1)
        gr.api(api_ask, api_name="ask", concurrency_id="ask", concurrency_limit=4)
        # every tab shows the documents of the index being served, not those of the moment the app was built:
        # on page load, and whenever another session (or `rag index`) publishes a new generation
        seen = gr.State(None)  # the generation this browser session shows
        shown = [status, f_sources, f_sections, f_issues, docs, to_delete, seen]
        demo.load(lambda: tick(state, None), None, shown, api_visibility="private")
        timer = gr.Timer(2.0)
        timer.tick(lambda seen_generation: tick(state, seen_generation), [seen], shown, api_visibility="private",
                   show_progress="hidden")
    return demo


def launch(settings: Settings, host: str = "127.0.0.1", port: int = 7860, share: bool = False,
           auth: tuple[str, str] | None = None, block: bool = True, chat_model=None):
    """Start the UI; returns (demo, url). The local model loads in the background."""
    from starlette.middleware import Middleware

    state = AppState(settings, chat_model=chat_model)
    state.warm_up_async()
    demo = build_app(state)
    demo.queue(default_concurrency_limit=2, max_size=64)
    _, url, _ = demo.launch(server_name=host, server_port=port, share=share, auth=auth,
                            auth_message="简报问答：请登录" if auth else None, prevent_thread_lock=not block,
                            max_file_size=f"{int(settings.upload_max_mb)}mb", css=CSS, quiet=not block,
                            footer_links=["api"], theme=gr.themes.Soft(),
                            app_kwargs={"middleware": [Middleware(BodyLimit)]})
    return demo, url
