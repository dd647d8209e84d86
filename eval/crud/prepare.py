#!/usr/bin/env python3
"""Build the external long-document QA set (a substitute for CRUD-RAG's single-document QA) from a copy of
IAAR-Shanghai/CRUD_RAG that you fetched yourself: nothing of it is committed here (the repository carries no
licence file, only an Apache-2.0 badge).

CRUD's official single-document QA file (data/crud_split/split_merged.json, key "questanswer_1doc") is not in
the public repository's history. What is there:
  * src/quest_eval/QuestAnswer1Doc_quest_gt_save.json: 800 single-document QA items, each with short probe
    questions and answers derived from the item's gold answer (RAGQuestEval), and
  * data/80000_docs/documents_*: CRUD's retrieval news corpus, one news item per line.
So the set uses the probe questions and finds each item's news item in the corpus by verbatim matching of its
key facts; items whose source cannot be found with confidence are dropped. Questions alternate dev/test.

    python eval/crud/prepare.py --crud-git /path/to/CRUD_RAG/.git --out /tmp/crud   # 100 questions
    RAG_CORPUS_DIR=/tmp/crud/corpus RAG_INDEX_DIR=/tmp/crud/index .venv/bin/rag index
    RAG_INDEX_DIR=/tmp/crud/index .venv/bin/rag eval --questions /tmp/crud/questions.jsonl --split dev

See eval/crud/README.md for what was measured with it.
"""
import argparse
import bisect
import collections
import hashlib
import json
import logging
import os
import random
import re
import shutil
import subprocess
import sys

log = logging.getLogger("crud")
MIRROR = ""  # the git directory of the CRUD_RAG copy (--crud-git)
QFILE = "src/quest_eval/QuestAnswer1Doc_quest_gt_save.json"
UNK = "无法推断"
DEICTIC = re.compile(r"这|该|此|上述|他们|她们|它们|他|她|它|其")


def git(*args, binary=False):
    r = subprocess.run(["git", "--git-dir", MIRROR, *args], capture_output=True)
    if r.returncode != 0:
        return None
    return r.stdout if binary else r.stdout.decode("utf-8")


def load_corpus():
    """Unique news lines from every data/80000_docs blob that is present in the snapshot."""
    listing = git("ls-tree", "-r", "HEAD", "data/80000_docs")
    docs, seen, missing = [], set(), []
    for line in listing.splitlines():
        meta, path = line.split("\t", 1)
        blob = meta.split()[2]
        data = git("cat-file", "blob", blob, binary=True)
        if data is None:
            missing.append(path)
            continue
        for l in data.decode("utf-8").split("\n"):
            l = re.sub(r"\s{2,}", " ", l).strip()
            if l and l not in seen:
                seen.add(l)
                docs.append(l)
    return docs, missing


class Finder:
    def __init__(self, docs):
        self.big = "\n".join(docs)
        self.starts, p = [], 0
        for d in docs:
            self.starts.append(p)
            p += len(d) + 1

    def hits(self, term, cap=50):
        out, i = set(), self.big.find(term)
        while i != -1:
            out.add(bisect.bisect_right(self.starts, i) - 1)
            if len(out) > cap:
                return None  # too common to be evidence
            i = self.big.find(term, i + 1)
        return out


def locate(item, finder, docs, min_cov):
    """Return (best_doc, near_dup_docs, coverage) or None. Coverage = share of the item's
    key_info/answer characters found verbatim in the doc."""
    terms = sorted({t for t in item.get("key_info", []) + item.get("answers", [])
                    if isinstance(t, str) and len(t) >= 2 and t != UNK})
    if not terms:
        return None
    total = sum(len(t) for t in terms)
    score = collections.Counter()
    for t in terms:
        h = finder.hits(t)
        for d in h or ():
            score[d] += len(t)
    ranked = score.most_common()
    if not ranked:
        return None
    best, s = ranked[0]
    cov = s / total
    if cov < min_cov:
        return None
    # other docs that score almost as well (other reports of the same story, near-duplicates);
    # they become extra sources only if they also contain the chosen answer facts verbatim.
    rivals = [d for d, sc in ranked[1:] if sc / total >= cov - 0.15]
    return best, rivals, cov


def facts_for(answer, doc, question):
    """Verbatim 2-12 char phrases of the answer that occur in the doc (max 3)."""
    a = answer.strip().rstrip("。.")
    parts = [a] if 2 <= len(a) <= 12 else re.split(r"[、，,；;]", a)
    out = []
    for p in parts:
        p = p.strip()
        if 2 <= len(p) <= 12 and p in doc and p not in question and p not in out:
            out.append(p)
    return out[:3]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=100)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--distractors", type=int, default=400)
    ap.add_argument("--min-cov", type=float, default=0.35)
    ap.add_argument("--out", default="/tmp/crud")
    ap.add_argument("--crud-git", required=True,
                    help="git directory of a CRUD_RAG clone or mirror (…/CRUD_RAG/.git, or a bare repository)")
    a = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    global MIRROR
    MIRROR = a.crud_git
    if git("rev-parse", "HEAD") is None:
        sys.exit(f"{MIRROR}: not a git directory holding CRUD_RAG (pass its .git folder)")
    if git("cat-file", "-e", f"HEAD:{QFILE}") is None:
        sys.exit(f"{MIRROR}: has no {QFILE}; is it IAAR-Shanghai/CRUD_RAG?")

    qa = json.loads(git("show", f"HEAD:{QFILE}"))
    docs, missing = load_corpus()
    log.info("questions file: %d items; corpus: %d unique news items; corpus blobs missing: %d",
             len(qa), len(docs), len(missing))
    finder = Finder(docs)

    ids = sorted(qa)
    random.Random(a.seed).shuffle(ids)
    drops = collections.Counter()
    located = {}  # id -> (best, rivals, cov)
    for cid in ids:
        loc = locate(qa[cid], finder, docs, a.min_cov)
        if loc is None:
            drops["source_not_located"] += 1
        else:
            located[cid] = loc

    rows, used_docs, selected = [], set(), []
    for cid in ids:
        if cid not in located:
            continue
        if len(rows) >= a.n:
            break
        best, rivals, cov = located[cid]
        if best in used_docs:
            drops["source_doc_already_used"] += 1
            continue
        it, doc = qa[cid], docs[best]
        item_terms = {t for t in it.get("key_info", []) + it.get("answers", [])
                      if isinstance(t, str) and t != UNK}
        cands = []
        for q, ans in zip(it.get("question", []), it.get("answers", [])):
            if not isinstance(ans, str) or ans.strip() == UNK or DEICTIC.search(q) or len(q) < 10:
                continue
            f = facts_for(ans, doc, q)
            # anchor: the question must name something specific from this item (a key_info /
            # answer term, not overlapping the facts, found in the doc and in <=50 corpus docs)
            anchored = any(len(t) >= 2 and t in q and t in doc and t not in ans and ans not in t
                           and finder.hits(t) is not None for t in item_terms)
            if f and anchored:
                cands.append((q, ans, f))
        if not cands:
            drops["no_usable_subquestion"] += 1
            continue
        q, ans, f = cands[random.Random(f"{a.seed}:{cid}").randrange(len(cands))]
        srcs = [best] + [d for d in rivals if all(x in docs[d] for x in f)]
        used_docs.update([best] + rivals)
        selected.append(cid)
        rows.append(dict(cid=cid, question=q, answer_full=ans, facts=f, src=srcs))

    # distractors: source news of other located items first, then random corpus news;
    # skip any doc that also looks like a source for a selected item (coverage >= 0.3).
    sel_terms = [[t for t in qa[c].get("key_info", []) + qa[c].get("answers", [])
                  if isinstance(t, str) and len(t) >= 2 and t != UNK] for c in selected]

    def related(doc):
        for terms in sel_terms:
            tot = sum(len(t) for t in terms) or 1
            if sum(len(t) for t in terms if t in doc) / tot >= 0.3:
                return True
        return False

    pool = [located[c][0] for c in ids if c in located and c not in selected]
    rest = list(range(len(docs)))
    random.Random(a.seed + 1).shuffle(rest)
    distract, n_from_items = [], 0
    for k, d in enumerate(pool + rest):
        if len(distract) >= a.distractors:
            break
        if d in used_docs or related(docs[d]):
            continue
        used_docs.add(d)
        distract.append(d)
        n_from_items += k < len(pool)

    corpus_dir = os.path.join(a.out, "corpus")
    shutil.rmtree(corpus_dir, ignore_errors=True)
    os.makedirs(corpus_dir)
    name = lambda d: "crud_" + hashlib.sha1(docs[d].encode()).hexdigest()[:12] + ".txt"
    written = set()
    for r in rows:
        written.update(r["src"])
    written.update(distract)
    for d in sorted(written):
        with open(os.path.join(corpus_dir, name(d)), "w", encoding="utf-8") as fh:
            fh.write(docs[d] + "\n")

    with open(os.path.join(a.out, "questions.jsonl"), "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            fh.write(json.dumps({
                "id": f"crud{i + 1:03d}", "question": r["question"],
                "facts": [[x] for x in r["facts"]], "sources": [name(d) for d in r["src"]],
                "titles": [], "type": "factoid", "split": "dev" if i % 2 == 0 else "test",
                "answer_full": r["answer_full"], "crud_id": r["cid"],
            }, ensure_ascii=False) + "\n")

    lens = [len(docs[d]) for d in written]
    summary = json.dumps({
        "questions": len(rows), "requested": a.n, "items_in_file": len(qa),
        "items_located": len(located), "drops_all_items": dict(drops),
        "docs_written": len(written), "source_docs": len(written) - len(distract),
        "distractors": len(distract), "distractors_from_other_items": n_from_items,
        "avg_doc_chars": round(sum(lens) / len(lens), 1),
        "avg_source_doc_chars": round(sum(len(docs[r["src"][0]]) for r in rows) / max(1, len(rows)), 1),
        "questions_with_n_facts": dict(collections.Counter(len(r["facts"]) for r in rows)),
    }, ensure_ascii=False, indent=1)
    with open(os.path.join(a.out, "summary.json"), "w", encoding="utf-8") as fh:
        fh.write(summary + "\n")
    log.info("%s", summary)


if __name__ == "__main__":
    main()
