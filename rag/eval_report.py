"""Reports of an evaluation run: JSON (everything, per question) and Markdown (tables), and the
comparison of two runs."""
from __future__ import annotations

import json
from pathlib import Path

from .evaluation import format_table

COMPARE_KEYS = ("hit@1", "hit@5", "mrr@10", "evidence@5", "fact_recall", "correct_cited", "citation_precision",
                "refusal_recall", "refusal_precision", "no_citation", "first_token_ms_p50", "total_ms_p50",
                "total_ms_p95", "prompt_tokens_p50")


def write_reports(report: dict, out_dir: Path) -> tuple[Path, Path]:
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
    return json_path, md_path


def _overall(report: dict) -> dict:
    out = {}
    for mode, s in report.get("retrieval", {}).items():
        for k, v in s["overall"].items():
            out[f"retrieval.{mode}.{k}"] = v
    for k, v in report.get("answers", {}).get("overall", {}).items():
        out[f"answers.{k}"] = v
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
    for r in b.get("rows", []):
        ra = rows_a.get(r["id"])
        if ra and ra.get("fact_recall") is not None and ra.get("fact_recall") != r.get("fact_recall"):
            changed.append(f"  {r['id']}: fact {ra.get('fact_recall')} → {r.get('fact_recall')}  {r['question'][:40]}")
    if changed:
        lines += ["", "Questions whose answer changed correctness:"] + changed
    return "\n".join(lines)
