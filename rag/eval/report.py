"""Reports of an evaluation run: JSON (everything, per question) and Markdown (tables), and the
comparison of two runs."""
from __future__ import annotations

import html
import json
from pathlib import Path


COMPARE_KEYS = ("hit@1", "hit@5", "mrr@10", "evidence@5", "facts_shown", "context_chars_p50", "fact_recall",
                "correct_cited", "citation_precision",
                "refusal_recall", "refusal_precision", "no_citation", "first_token_ms_p50", "total_ms_p50",
                "total_ms_p95", "prompt_tokens_p50")
SHOWN_KEYS = ("facts_shown", "context_chars_p50")  # a context-only run and an answering run both report these


def write_reports(report: dict, out_dir: Path) -> tuple[Path, Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / "report.json"
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    md = ["# rag eval report", ""]
    run = report.get("run", {})
    md += [f"- {k}: `{v}`" for k, v in run.items() if not isinstance(v, dict)]
    md += ["", "```", format_table(report), "```", ""]
    if report.get("rows") and "answers" in report:
        md += ["## Per question", "", "| id | type | facts | cites gold | refused | total s | answer |", "|---|---|---|---|---|---|---|"]
        for r in report["rows"]:
            ans = (r.get("answer") or "").replace("|", "\\|").replace("\n", " ")[:80]
            tot = f"{r['total_ms'] / 1000:.1f}" if r.get("total_ms") is not None else "-"
            md.append(f"| {r['id']} | {r['type']} | {r.get('fact_recall', '-')} | {r.get('cites_gold', '-')} | "
                      f"{r.get('refused')} | {tot} | {ans} |")
    md_path = out_dir / "report.md"
    md_path.write_text("\n".join(md) + "\n", encoding="utf-8")
    html_path = out_dir / "report.html"
    html_path.write_text(html_report(report), encoding="utf-8")
    return json_path, md_path, html_path


def _overall(report: dict) -> dict:
    out = {}
    for mode, s in report.get("retrieval", {}).items():
        for k, v in s["overall"].items():
            out[f"retrieval.{mode}.{k}"] = v
    part = "context" if "context" in report else "answers"
    for k, v in report.get(part, {}).get("overall", {}).items():
        out[f"{'shown' if k in SHOWN_KEYS else part}.{k}"] = v  # shown: comparable across both kinds of run
    for split, o in report.get("splits", {}).items():
        for k, v in o.items():
            out[f"{'shown' if k in SHOWN_KEYS else part}.{split}.{k}"] = v
    return out


def compare(a: dict, b: dict) -> str:
    """A table of the overall metrics of two reports and their difference (b − a)."""
    oa, ob = _overall(a), _overall(b)
    keys = [k for k in oa if k in ob and k.split(".")[-1] in COMPARE_KEYS]
    lines = [f"{'metric':42} {'A':>9} {'B':>9} {'B-A':>9}"]
    for k in keys:
        va, vb = oa[k], ob[k]
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)):
            lines.append(f"{k:42} {va:>9.3f} {vb:>9.3f} {vb - va:>+9.3f}")
        else:
            lines.append(f"{k:42} {str(va):>9} {str(vb):>9} {'':>9}")
    changed = []
    rows_a = {r["id"]: r for r in a.get("rows", [])}
    key = "fact_recall" if "answers" in a and "answers" in b else "facts_shown"  # context-only runs: facts shown
    for r in b.get("rows", []):
        ra = rows_a.get(r["id"])
        if ra and ra.get(key) is not None and r.get(key) is not None and ra.get(key) != r.get(key):
            changed.append(f"  {r['id']}: {key} {ra.get(key)} → {r.get(key)}  {r['question'][:40]}")
    if changed:
        what = "answer changed correctness" if key == "fact_recall" else "gold facts moved in or out of the context"
        lines += ["", f"Questions whose {what}:"] + changed
    return "\n".join(lines)


def _bar_chart_svg(by_type: dict, key: str, title: str) -> str:
    """A small self-contained SVG bar chart of one metric per question type."""
    items = [(t, o.get(key)) for t, o in by_type.items() if o.get(key) is not None]
    if not items:
        return ""
    w, bar_h, gap, left = 560, 18, 6, 110
    h = len(items) * (bar_h + gap) + 30
    rows = [f'<text x="0" y="14" font-size="13" font-weight="600">{html.escape(title)}</text>']
    for i, (t, v) in enumerate(items):
        y = 24 + i * (bar_h + gap)
        bw = max(1, int((w - left - 50) * float(v)))
        rows.append(f'<text x="0" y="{y + 13}" font-size="12">{html.escape(t)}</text>'
                    f'<rect x="{left}" y="{y}" width="{bw}" height="{bar_h}" fill="#6366f1"/>'
                    f'<text x="{left + bw + 4}" y="{y + 13}" font-size="12">{float(v):.2f}</text>')
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}">{"".join(rows)}</svg>'


def html_report(report: dict) -> str:
    """One self-contained HTML file: run settings, tables, charts and every question."""
    run = report.get("run", {})
    parts = ["<!doctype html><html lang='zh'><head><meta charset='utf-8'><title>rag eval report</title><style>",
             "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:24px;max-width:1200px}"
             "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:4px 8px;"
             "font-size:13px;vertical-align:top}th{background:#f3f4f6}.bad{background:#fee2e2}.ok{background:#ecfdf5}"
             "pre{background:#f9fafb;padding:8px;overflow:auto}</style></head><body>",
             "<h1>rag eval report</h1><table>"]
    parts += [f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in run.items()]
    parts.append("</table><h2>Summary</h2><pre>" + html.escape(format_table(report)) + "</pre>")
    if "answers" in report:
        by_type = report["answers"]["by_type"]
        parts.append(_bar_chart_svg(by_type, "correct_cited", "answers correct and citing a gold source, by type"))
        parts.append(_bar_chart_svg(by_type, "evidence@5", "evidence@5 (gold facts in the top 5 passages), by type"))
        parts.append("<h2>Questions</h2><table><tr><th>id</th><th>type</th><th>question</th><th>answer</th>"
                     "<th>facts</th><th>cites gold</th><th>refused</th><th>total s</th><th>fallback</th></tr>")
        for r in report.get("rows", []):
            good = (r.get("correct_cited") == 1.0) if r.get("answerable") else bool(r.get("refused"))
            tot = f"{r['total_ms'] / 1000:.1f}" if r.get("total_ms") is not None else "-"
            cells = [r["id"], r["type"], r["question"], r.get("answer", ""), r.get("fact_recall", "-"),
                     r.get("cites_gold", "-"), r.get("refused"), tot, r.get("fallback") or ""]
            parts.append(f"<tr class='{'ok' if good else 'bad'}'>" +
                         "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def format_table(report: dict) -> str:
    lines = []
    lines.append("Retrieval (answerable questions; hit = gold source in top k, evidence@5 = gold facts in top 5)")
    lines.append(f"{'mode':8} {'n':>4} {'hit@1':>6} {'hit@5':>6} {'hit@10':>6} {'MRR@10':>7} {'evid@5':>7}")
    for mode, s in report["retrieval"].items():
        o = s["overall"]
        lines.append(f"{mode:8} {o['n']:>4} {_f(o['hit@1'])} {_f(o['hit@5'])} {_f(o['hit@10'])} {_f(o['mrr@10'], 7)} "
                     f"{_f(o['evidence@5'], 7)}")
    if "context" in report:
        lines.append("")
        lines.append("Context the model would read (answerable questions; shown = gold facts in it; no model asked)")
        lines.append(f"{'type':13} {'n':>3} {'evid@5':>6} {'shown':>6} {'chars p50':>9}")
        c = report["context"]
        parts = list(c["by_type"].items()) + [("OVERALL", c["overall"])]
        parts += [(f"{split.upper()} part", o) for split, o in report.get("splits", {}).items()]
        for name, o in parts:
            chars = "-" if o.get("context_chars_p50") is None else o["context_chars_p50"]
            lines.append(f"{name:13} {o['n']:>3} {_f(o['evidence@5'])} {_f(o.get('facts_shown'))} {chars:>9}")
    if "answers" in report:
        lines.append("")
        lines.append("Answers by type (shown = gold facts in what the model read)")
        lines.append(f"{'type':13} {'n':>3} {'shown':>6} {'facts':>6} {'corr+cit':>8} {'cit.prec':>8} {'no-cit':>6} "
                     f"{'refuse-R':>8} {'evid@5':>6} {'1st p50':>8} {'tot p50':>8} {'tot p95':>8}")
        a = report["answers"]
        parts = list(a["by_type"].items()) + [("OVERALL", a["overall"])]
        parts += [(f"{split.upper()} part", o) for split, o in report.get("splits", {}).items()]
        for name, o in parts:
            lines.append(f"{name:13} {o['n']:>3} {_f(o.get('facts_shown'))} {_f(o['fact_recall'])} "
                         f"{_f(o['correct_cited'], 8)} {_f(o['citation_precision'], 8)} {o['no_citation']:>6} "
                         f"{_f(o['refusal_recall'], 8)} {_f(o['evidence@5'])} {_ms(o['first_token_ms_p50'])} "
                         f"{_ms(o['total_ms_p50'])} {_ms(o['total_ms_p95'])}")
        o = a["overall"]
        lines.append(f"refusal precision {o['refusal_precision']}, prompt tokens p50 {o['prompt_tokens_p50']}, "
                     f"retrieve p50 {o['retrieve_ms_p50']} ms")
        if a.get("by_outcome"):
            lines.append("")
            lines.append("Time by outcome (answered = the model's first answer complete; after = its checks and any "
                         "second request)")
            lines.append(f"{'outcome':13} {'n':>3} {'1st p50':>8} {'answered':>8} {'after p50':>9} {'after p95':>9} "
                         f"{'tot p50':>8} {'tot p95':>8}")
            for name, t in a["by_outcome"].items():
                lines.append(f"{name:13} {t['n']:>3} {_ms(t['first_token_ms_p50'])} {_ms(t['answered_ms_p50'])} "
                             f"{_ms(t['after_ms_p50'], 9)} {_ms(t['after_ms_p95'], 9)} {_ms(t['total_ms_p50'])} "
                             f"{_ms(t['total_ms_p95'])}")
    return "\n".join(lines)


def _f(v, w: int = 6) -> str:
    return f"{'-' if v is None else f'{v:.3f}':>{w}}"


def _ms(v, w: int = 8) -> str:
    return f"{'-' if v is None else f'{v / 1000:.2f}s':>{w}}"
