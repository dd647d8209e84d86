"""Synthetic bulletin corpora built from the sample documents: shuffled real sentences, varied titles,
dates, issues and publishers, written as bulletin text files that the normal parser reads.

Generation is deterministic for a (seed, document number); a corpus grows document by document until it
holds at least the requested number of chunks (counted with the product's own parser and chunker).
"""
from __future__ import annotations

import json
import logging
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from rag.ingest import chunk_articles

from rag.text import split_sentences
from rag.ingest import load_text
from rag.ingest import parse_document

log = logging.getLogger(__name__)

PLACES = ["川汇区", "商水县", "太康县", "淮阳区", "西华县", "扶沟县", "鹿邑县", "郸城县", "沈丘县", "项城市",
          "示范区", "经开区", "文昌街道", "许湾街道", "搬口街道", "陈州街道", "七一路街道", "荷花街道"]
PUBLISHERS = ["周口市文明办", "市委宣传部", "市创文办", "区文明办", "县委办公室", "市政府办公室"]
BULLETINS = ["周口精神文明建设简报", "创文工作简报", "文明创建工作简报", "基层治理工作简报", "志愿服务工作简报",
             "城市管理工作简报", "政务信息简报"]
SECTIONS = ["工作动态", "经验交流", "基层采风", "典型推介", "创建实践"]  # no news-flash sections
_TITLE_OK = re.compile(r"^[^，。！？；：、,.!?;:]{4,34}$")


@dataclass
class SamplePool:
    """Pieces of the sample corpus the generator recombines."""

    sentences: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)

    def fingerprint(self) -> str:
        import hashlib

        h = hashlib.sha256()
        for s in self.sentences + ["\x00"] + self.titles:
            h.update(s.encode("utf-8") + b"\n")
        return h.hexdigest()[:16]


def load_pool(corpus_dir: Path) -> SamplePool:
    """Whole sentences (10-160 characters, ending in 。！？) and article titles of the sample documents."""
    sentences: dict[str, None] = {}
    titles: dict[str, None] = {}
    for path in sorted(Path(corpus_dir).glob("*")):
        if path.suffix.lower() not in (".txt", ".md"):
            continue
        doc = parse_document(load_text(path), path.name)
        for a in doc.articles:
            if a.title and _TITLE_OK.match(a.title.replace(" ", "")):
                titles[a.title.replace(" ", "")] = None
            for s, e in split_sentences(a.text):
                sent = a.text[s:e].strip()
                if 10 <= len(sent) <= 160 and sent[-1] in "。！？" and "\n" not in sent:
                    sentences[sent] = None
    pool = SamplePool(sorted(sentences), sorted(titles))
    if len(pool.sentences) < 50 or len(pool.titles) < 5:
        raise ValueError(f"{corpus_dir}: too little text to build a synthetic corpus from")
    return pool


def _title(rng: random.Random, pool: SamplePool) -> str:
    base = rng.choice(pool.titles)
    place = rng.choice(PLACES)
    title = base if place in base else place + base
    return title if len(title) <= 34 else base


def make_document(pool: SamplePool, seed: int, number: int) -> str:
    """One synthetic bulletin (masthead, table of contents, sections of articles)."""
    rng = random.Random(f"{seed}:{number}")
    year = 2015 + number % 10
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    bulletin = rng.choice(BULLETINS)
    lines = [" ".join(bulletin), "", f"第 {1 + number % 60} 期", "", rng.choice(PUBLISHERS), "",
             f"{year} 年 {month} 月 {day} 日", ""]
    n_articles = rng.randint(5, 9)
    sections = rng.sample(SECTIONS, 2)
    titles: list[str] = []
    while len(titles) < n_articles:
        t = _title(rng, pool)
        if t not in titles:
            titles.append(t)
    split = rng.randint(2, n_articles - 2)
    groups = [(sections[0], titles[:split]), (sections[1], titles[split:])]
    for section, ts in groups:  # table of contents
        lines += [f"【{section}】", ""] + ts + [""]
    # sentences are drawn without replacement within a document (the parser drops repeated passages)
    available = rng.sample(pool.sentences, len(pool.sentences))
    for section, ts in groups:
        lines += [f"【{section}】", ""]
        for t in ts:
            lines += [t, ""]
            for _ in range(rng.randint(2, 4)):
                k = rng.randint(2, 4)
                para, available = available[:k], available[k:]
                if not available:
                    available = rng.sample(pool.sentences, len(pool.sentences))
                lines += ["".join(para), ""]
    return "\n".join(lines) + "\n"


def count_chunks(text: str, source: str, size: int, overlap: int) -> int:
    doc = parse_document(text, source)
    return len(chunk_articles(doc.articles, size, overlap))


def doc_name(seed: int, number: int) -> str:
    return f"synth-{seed}-{number:06d}.txt"


def build_corpus(pool: SamplePool, target_chunks: int, out_dir: Path, seed: int = 7, chunk_size: int = 300,
                 chunk_overlap: int = 60, show_progress: bool | None = None) -> dict:
    """Write documents into ``out_dir`` until they hold at least ``target_chunks`` chunks; reuse a
    previous complete build with the same parameters. Returns ``{"docs", "chunks", "chars"}``."""
    out_dir = Path(out_dir)
    spec = {"target": target_chunks, "seed": seed, "chunk_size": chunk_size, "chunk_overlap": chunk_overlap,
            "pool": pool.fingerprint(), "generator": 1}
    mark = out_dir / ".synth.json"
    if mark.is_file():
        done = json.loads(mark.read_text(encoding="utf-8"))
        if done.get("spec") == spec:
            return done["result"]
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("synth-*.txt"):
        old.unlink()
    chunks = chars = number = 0
    with tqdm(total=target_chunks, desc=f"corpus {target_chunks}", unit="chunk", disable=show_progress is False) as bar:
        while chunks < target_chunks:
            name = doc_name(seed, number)
            text = make_document(pool, seed, number)
            n = count_chunks(text, name, chunk_size, chunk_overlap)
            (out_dir / name).write_text(text, encoding="utf-8")
            chunks += n
            chars += len(text)
            number += 1
            bar.update(n)
    result = {"docs": number, "chunks": chunks, "chars": chars}
    mark.write_text(json.dumps({"spec": spec, "result": result}), encoding="utf-8")
    log.info("synthetic corpus %s: %s", out_dir, result)
    return result


def extra_documents(pool: SamplePool, n: int, out_dir: Path, seed: int = 7, first: int = 900_000) -> list[Path]:
    """``n`` new documents (numbered from ``first``) for incremental-update measurements."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(first, first + n):
        p = out_dir / doc_name(seed, number)
        p.write_text(make_document(pool, seed, number), encoding="utf-8")
        paths.append(p)
    return paths
