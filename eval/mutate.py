#!/usr/bin/env python3
"""Counterfactual near misses made from an answerable question set: the same question about another day, another
place or another person, which the documents do not hold. A right system refuses every one; how many it answers
shows how well its near-miss checks hold on questions nobody wrote by hand.

    python eval/mutate.py --questions eval/questions.jsonl --corpus corpus --out /tmp/mut
    RAG_LLM=local rag eval --llm local --questions /tmp/mut/swap.jsonl --split dev --out /tmp/mut/swap-dev

Two files, each question keeping its source's dev/test split (tune on dev only):

* ``day.jsonl``: the question's month-day moved by 1 or 2 days to a day no document writes (6月12日 → 6月13日);
* ``swap.jsonl``: a district, county, street or person the question names replaced by another of the same kind
  that the corpus names but the question's gold source file does not (文昌街道 for 七一路街道, 刘颖 for 宋力).

Questions of time order, metadata, several parts, follow-ups and unanswerables are left out. Labels are made by
string checks, not read: a swapped place may still hold a fact of the same kind in another file, so read a
miss before calling it one (eval/README.md)."""
import argparse
import collections
import json
import random
import re
from pathlib import Path

SKIP_TYPES = {"time_order", "unanswerable", "near_miss", "metadata", "multi", "followup"}
# a place as the documents name one: after 市/区, a punctuation mark or a one-character 在/到/为/和, two or three characters and the kind word
PLACE_RE = {"street": re.compile(r"(?:(?<=[市区，。、；：“（\s,.;:(在到为和及与]))([\u4e00-\u9fff]{2,3}?)(?=街道|办事处)"),
            "county": re.compile(r"(?:(?<=[市，。、；：“（\s,.;:(在到为和及与]))([\u4e00-\u9fff]{2}[县区])")}
# a person as the documents name one: a common surname, after a title or a byline word
PERSON_RE = re.compile(r"(?:书记|市长|区长|县长|主任|局长|部长|主席|记者|通讯员)\s?([\u4e00-\u9fff]{2,3}?)"
                       r"(?=[，、。\s主出参带同在表讲指作）)])")
SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
               "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤姬")
NOT_NAMES = {"示范", "城区", "辖区", "全区", "该区", "社区", "街道", "各街", "本区", "片区", "园区", "景区", "小区", "该街",
             "中心城区", "示范区"}


def gazetteer(corpus: str) -> dict[str, list[str]]:
    """Names the corpus writes at least twice, by kind."""
    out = {}
    for kind, rx in PLACE_RE.items():
        found = collections.Counter(rx.findall(corpus))
        out[kind] = sorted(n for n, c in found.items() if c >= 2 and n[:2] not in NOT_NAMES and n not in NOT_NAMES)
    people = collections.Counter(PERSON_RE.findall(corpus))
    out["person"] = sorted(n for n in people if n[0] in SURNAMES and corpus.count(n) >= 2)
    return out


def moved_day(q: dict, corpus: str) -> dict | None:
    m = re.search(r"(\d{1,2})月(\d{1,2})日", q["question"])
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    for new in (day + 1, day - 1, day + 2, day - 2):
        if 1 <= new <= 28 and not re.search(rf"(?<!\d){month}月{new}日", corpus):
            text = q["question"][:m.start()] + f"{month}月{new}日" + q["question"][m.end():]
            return _near_miss(q, "d", text, f"{m.group(0)} → {month}月{new}日, a day no document writes")
    return None


def swapped(q: dict, names: dict[str, list[str]], source: str, rng: random.Random) -> dict | None:
    for kind in ("street", "county", "person"):
        for name in names[kind]:
            if name not in q["question"]:
                continue
            others = [o for o in names[kind] if o != name and o not in source and o not in q["question"]]
            if others:
                other = rng.choice(others)
                return _near_miss(q, "s", q["question"].replace(name, other), f"{name} → {other}, absent from the gold source")
    return None


def _near_miss(q: dict, tag: str, text: str, why: str) -> dict:
    return {"id": q["id"] + tag, "question": text, "facts": [], "sources": q.get("sources", []),
            "titles": q.get("titles", []), "type": "near_miss", "split": q["split"], "note": f"made from {q['id']}: {why}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--questions", default="eval/questions.jsonl")
    ap.add_argument("--corpus", default="corpus")
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=11)
    a = ap.parse_args()
    files = {p.name: re.sub(r"\s+", "", p.read_text(encoding="utf-8")) for p in sorted(Path(a.corpus).glob("*.txt"))}
    corpus = "".join(files.values())
    names, rng = gazetteer(corpus), random.Random(a.seed)
    qs = [json.loads(line) for line in Path(a.questions).read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [q for q in qs if q.get("facts") and not q.get("history") and q.get("type") not in SKIP_TYPES]
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, made in (("day", [moved_day(q, corpus) for q in qs]),
                       ("swap", [swapped(q, names, "".join(files.get(s, "") for s in q.get("sources", [])), rng)
                                 for q in qs])):
        rows = [m for m in made if m]
        (out / f"{name}.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{name}.jsonl: {len(rows)} questions ({sum(r['split'] == 'dev' for r in rows)} dev)")


if __name__ == "__main__":
    main()
