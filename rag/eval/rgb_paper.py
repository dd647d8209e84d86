"""RGB zh_refine by its paper's protocol (Chen et al. 2024, "Benchmarking Large Language Models in
Retrieval-Augmented Generation"; the reference code is ``evalue.py`` of chen700564/RGB): each question gets
5 passages of which ceil(5 × noise) are negatives — positives and negatives taken in file order, the list
shuffled per question after ``random.seed(2333)`` — and the answer is right when it contains every gold
answer (a nested list: any one of its spellings), lower-cased and without spaces. A refusal is wrong below
noise 1.0; at noise 1.0 (only negatives) the refusal rate is the rejection rate.

Here the 5 passages go through the project's own answer stage (relevance gate, passage windows, prompt,
checks, refusal) exactly as retrieved passages would: ordered by their e5 cosine to the question, as the
retriever orders what it finds. The RGB data stays in ../shared/bench/rgb (its licence forbids shipping it)."""
from __future__ import annotations

import json
import logging
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from ..types import Chunk, Hit

log = logging.getLogger(__name__)
PASSAGES = 5
SEED = 2333
NOISE_LEVELS = (0.0, 0.2, 0.4, 0.6, 0.8)
# The paper's Chinese results (Table 1 accuracy at noise 0 / 0.2 / 0.4 / 0.6 / 0.8; Table 3 rejection rate by
# exact match at noise 1.0), for the report.
PAPER_TABLE = {
    "ChatGPT": ((95.67, 94.67, 91.00, 87.67, 70.67), 5.33),
    "Qwen-7B-Chat": ((94.00, 92.33, 88.00, 84.33, 68.67), 8.67),
    "ChatGLM2-6B": ((86.67, 82.33, 76.67, 72.33, 54.00), 6.33),
}


def paper_passages(row: dict, noise: float, passage_num: int = PASSAGES) -> list[str]:
    """The passages RGB's ``processdata`` gives one question at this noise rate, in its shuffled order."""
    neg_num = math.ceil(passage_num * noise)
    pos_num = passage_num - neg_num
    positive, negative = list(row.get("positive", [])), list(row.get("negative", []))
    if noise >= 1:
        neg_num, pos_num = passage_num, 0
    elif neg_num > len(negative):
        neg_num = len(negative)
        pos_num = passage_num - neg_num
    elif pos_num > len(positive):
        pos_num = len(positive)
        neg_num = passage_num - pos_num
    docs = positive[:pos_num] + negative[:neg_num]
    random.Random(SEED).shuffle(docs)  # evalue.py: random.seed(2333) before each question's processdata
    return docs


def _norm(text: str) -> str:
    return text.replace(" ", "").lower()


_MARKER_RE = re.compile(r"\[\d+\]")


def rgb_correct(answer: str, gold) -> bool:
    """RGB's ``checkanswer``: every gold item must be in the answer (a list item: any of its spellings). Our
    citation markers are taken out first: the paper's models write none, and "98元[1]。" states the gold "98元。"."""
    pred = _norm(_MARKER_RE.sub("", answer))
    for item in gold if isinstance(gold, list) else [gold]:
        spellings = item if isinstance(item, list) else [item]
        if not any(_norm(str(s)) in pred for s in spellings):
            return False
    return True


@dataclass
class PassagesOnly:
    """What the answer stage needs of an index when the passages are given: the embedder (for warm-up)."""

    embedder: object

    def article(self, source: str, article_no: int) -> None:
        """No articles: a given passage is all there is of its document."""
        return None

    def chunks(self, source: str | None = None) -> list:
        """No files: nothing but the given passages."""
        return []


def passage_hits(embedder, query: str, docs: list[str], qid: str) -> list[Hit]:
    """The given passages as hits, scored and ordered by their cosine to the question."""
    if not docs:
        return []
    q = embedder.embed_query(query)
    vecs = embedder.embed_passages(docs)
    cos = [float(v @ q) for v in vecs]
    hits = [Hit(Chunk(source=f"rgb_{qid}_{i}", article_no=0, text=d, start=0, end=len(d)), c, dense=c)
            for i, (d, c) in enumerate(zip(docs, cos))]
    hits.sort(key=lambda h: -h.score)
    for r, h in enumerate(hits, 1):
        h.rank = r
    return hits


def run_paper(assistant_factory, embedder, rows: list[dict], noises: list[float], out_dir: Path,
              show_progress: bool | None = None) -> dict:
    """Answer every question at every noise rate; rows go to ``out_dir/rows.jsonl`` as they finish (an
    interrupted run resumes). ``assistant_factory()``: an :class:`~rag.answer.Assistant` over ``embedder``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    progress = out_dir / "rows.jsonl"
    done = {}
    if progress.exists():
        for line in progress.read_text(encoding="utf-8").splitlines():
            try:
                r = json.loads(line)
                done[(r["id"], r["noise"])] = r
            except (ValueError, KeyError):
                continue
    assistant = assistant_factory()
    jobs = [(row, noise) for noise in noises for row in rows]
    with open(progress, "a", encoding="utf-8") as fh:
        for row, noise in tqdm(jobs, desc="rgb paper", unit="q", disable=None if show_progress is None else not show_progress):
            key = (str(row["id"]), noise)
            if key in done:
                continue
            docs = paper_passages(row, noise)
            hits = passage_hits(embedder, row["query"], docs, key[0])
            ans = assistant.ask(row["query"], hits=hits)
            out = {"id": key[0], "noise": noise, "query": row["query"], "answer": ans.answer, "refused": ans.refused,
                   "outcome": ans.outcome.value, "fallback": ans.fallback,
                   "correct": (not ans.refused) and rgb_correct(ans.answer, row["answer"]),
                   "first_token_ms": ans.timings.get("first_token_ms"), "total_ms": ans.timings.get("total_ms")}
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")
            fh.flush()
            done[key] = out
    return summarise_paper([done[(str(r["id"]), n)] for n in noises for r in rows if (str(r["id"]), n) in done])


def summarise_paper(rows: list[dict]) -> dict:
    """Accuracy (%) per noise rate below 1.0, rejection (%) at 1.0, the paper's table beside them."""
    by_noise: dict[float, list[dict]] = {}
    for r in rows:
        by_noise.setdefault(r["noise"], []).append(r)
    ours = {}
    for noise, rs in sorted(by_noise.items()):
        if noise >= 1:
            ours["rejection"] = {"n": len(rs), "rate": round(100 * sum(r["refused"] for r in rs) / len(rs), 2)}
        else:
            ours[f"{noise:g}"] = {"n": len(rs), "accuracy": round(100 * sum(r["correct"] for r in rs) / len(rs), 2),
                                  "refused": sum(r["refused"] for r in rs)}
    return {"protocol": "paper", "passages": PASSAGES, "seed": SEED, "ours": ours,
            "paper": {m: {"accuracy": dict(zip((f"{n:g}" for n in NOISE_LEVELS), acc)), "rejection": rej}
                      for m, (acc, rej) in PAPER_TABLE.items()},
            "rows": rows}


def paper_table(report: dict, label: str = "ours") -> str:
    """A Markdown table: our accuracy per noise rate and rejection beside the paper's models."""
    noises = [f"{n:g}" for n in NOISE_LEVELS]
    head = "| model | " + " | ".join(f"noise {n}" for n in noises) + " | rejection (noise 1.0) |"
    lines = [head, "|---" * (len(noises) + 2) + "|"]
    ours = report["ours"]
    cells = [f"{ours[n]['accuracy']:.2f} (n={ours[n]['n']})" if n in ours else "–" for n in noises]
    rej = ours.get("rejection")
    rejection = f"{rej['rate']:.2f} (n={rej['n']})" if rej else "–"
    lines.append(f"| {label} | " + " | ".join(cells) + f" | {rejection} |")
    for model, paper in report["paper"].items():
        lines.append(f"| {model} (paper) | " + " | ".join(f"{paper['accuracy'][n]:.2f}" for n in noises)
                     + f" | {paper['rejection']:.2f} |")
    return "\n".join(lines)
