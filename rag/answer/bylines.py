"""Who wrote an article: its byline — ``□记者 姬慧洋 通讯员 罗阳阳``, ``本报讯（记者王丽 通讯员马骏）``, ``本报记者 杨帆``,
``作者：韩梅`` — read from the article's opening lines. A question that asks for the reporter, correspondent or author
of an article ("…那篇报道，署名的通讯员是谁？", "报道…的记者是谁？", "…的稿件作者是谁？") is answered from it without the
model: a small model reads a byline as page furniture (it refused one it was shown and once copied its prompt's
example instead). When the article's byline names no one of the role asked, the documents do not say: refuse."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..types import Hit, Outcome
from .context import cut_passage
from .tuning import TUNING
from .verdicts import Action, Verdict

# the role a question asks for: "通讯员是谁", "哪位记者", "作者叫什么"; "谁写的" / "署名" ask for whoever signed it
_ROLES = r"记者|通讯员|作者|撰稿人?|实习生"
# the role is the article's: at the start, after "…的" / "署名的" / "稿件" ("那篇报道的记者是谁", "稿件作者"), or "哪位记者" + 写/采写/署名 or the
# question's end; not a person of the story ("报道中哪位记者获得了表彰", "《平凡的世界》的作者", "词作者")
ROLE_ASKED = re.compile(rf"(?:^|的|署名|稿件|文章|报道)(?P<role>{_ROLES})(?:是谁|叫什么|是哪位|为谁|姓名|的名字|都有谁|有哪些人)|"
                        rf"哪(?:位|个|些)(?P<role2>{_ROLES})(?=写|采写|撰写|署名|[？?]?$)")
IN_THE_STORY = re.compile(r"(?:报道|文章|稿件|文中|该文|本文)(?:中|里|提到|介绍)|》的作者|[词曲]作者")
ANYONE_ASKED = re.compile(r"谁(?:写|撰写|采写|执笔)的|哪位.{0,4}写的|署名(?:的)?(?:是谁|有谁|人)|(?:是|由)谁署名|署名是")
# a byline: a role word, then names; in 本报讯（…）, on a short line of its own, or as a 作者：field
_ROLE_WORD = re.compile(r"(?:本报|特约|见习)?(?P<role>记者|通讯员|实习生)|(?P<author>作者|撰稿|供稿|文\s*[/／]\s*图|文\s*[/／])\s*[：:]?")
_BRACKETED = re.compile(r"本报讯\s*[（(]([^（）()]{2,40})[）)]")
# a byline line: a mark or 本报 before the role, or a space or colon after it ("□记者 姬慧洋", "本报记者杨帆", "记者 姬慧洋",
# "作者：韩梅"); "记者调查", "记者手记", "记者了解到" are a kicker and a sentence's opening
_OWN_LINE = re.compile(r"^(?:[□■◎●]\s*(?:本报)?(?:记者|通讯员|实习生)|本报(?:记者|通讯员)|(?:记者|通讯员|实习生)\s|"
                       r"(?:作者|撰稿)\s*[：:]|文\s*[/／])[^，。；！？]{1,40}$")
_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?")


@dataclass(frozen=True)
class Byline:
    """The people an article is signed by, by role: (("记者", ("姬慧洋",)), ("通讯员", ("罗阳阳",)))."""
    text: str  # as written
    end: int  # where it ends in the text it was read from
    roles: tuple[tuple[str, tuple[str, ...]], ...]

    def names(self, role: str | None = None) -> list[str]:
        return [n for r, names in self.roles if role is None or r == role for n in names]


# …of an article: the question names it as a piece of writing ("那篇报道的通讯员", "一文的作者", "稿件作者"); "村里的
# 通讯员是谁" asks about the content
ABOUT_A_PIECE = re.compile(r"报道|文章|稿件|一文|这篇|那篇|该文|本文|署名|写的|采写|撰写|执笔")


def role_asked(question: str) -> str | None:
    """The role a question asks to name of an article — "记者", "通讯员", "作者" — or "" for whoever signed it
    ("谁写的", "署名是谁"); None when it asks for no one of a byline ("记者从哪里获悉", "记者采访了谁", "村里的通讯员
    是谁")."""
    if not ABOUT_A_PIECE.search(question) or IN_THE_STORY.search(question):
        return None
    m = ROLE_ASKED.search(question)
    if m:
        role = m.group("role") or m.group("role2")
        return "作者" if role.startswith("撰稿") else role
    return "" if ANYONE_ASKED.search(question) else None


def _parse(segment: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The roles and names of a byline's text: "记者王丽 通讯员马骏" → (("记者", ("王丽",)), ("通讯员", ("马骏",)))."""
    marks = list(_ROLE_WORD.finditer(segment))
    out = []
    for i, m in enumerate(marks):
        role = m.group("role") or "作者"
        run = segment[m.end():marks[i + 1].start() if i + 1 < len(marks) else len(segment)]
        run = re.sub(r"摄$", "", run.strip())
        parts = [p for p in re.split(r"[\s、，,/／]+", run) if p]
        names = tuple(p for p in parts if _NAME.fullmatch(p))
        if names and len(names) == len(parts):  # "李文博周敏" (two names run together) is not read
            out.append((role, names))
    return tuple(out)


def read_byline(text: str) -> Byline | None:
    """The byline in the opening of an article's text, or None."""
    head = text[:TUNING.byline_opening]
    m = _BRACKETED.search(head)
    if m and (roles := _parse(m.group(1))):
        return Byline(m.group(0), m.end(), roles)
    pos = 0
    for line in head.split("\n"):
        stripped = line.strip()
        if _OWN_LINE.match(stripped) and not stripped.endswith("摄") and (roles := _parse(stripped)):
            return Byline(stripped, pos + len(line), roles)
        pos += len(line) + 1
    return None


def who_signed(question: str, shown: list[Hit], passages: list[Hit], opening: Callable[[Hit], str | None],
               chars: int) -> Verdict | None:
    """A byline question answered from the byline of the first shown article (``shown``: the whole chunks,
    ``passages``: what the model sees of them, in the same order; ``opening``: an article's opening text, for a
    chunk that does not start it). None when the question asks for no byline or that article's opening has none:
    the model answers. Only the first article is read: a lower one is another article with another reporter.
    The cited passage is widened to the opening (at most ``chars`` characters past the byline) when it does
    not show the byline."""
    role = role_asked(question)
    if role is None or not shown or not passages:
        return None
    hit = shown[0]
    text = hit.chunk.text if hit.chunk.start == 0 else opening(hit)
    byline = read_byline(text or "")
    if byline is None:
        return None
    title = f"《{hit.chunk.title}》" if hit.chunk.title else "该文"
    names = list(dict.fromkeys(byline.names(None if role in ("", "作者") else role)))
    if not names:
        return Verdict("byline", Action.REFUSE, Outcome.REFUSED,
                       reason=f"the article's byline ({byline.text}) names no {role}")
    if role in ("", "作者") and any(r != "作者" for r, _ in byline.roles):
        said = "的署名是" + "、".join(f"{r}{'、'.join(ns)}" for r, ns in byline.roles)
    else:
        said = f"的{role or '作者'}是" + "、".join(names)
    widened = None
    if byline.text not in passages[0].chunk.text:
        top = Hit(replace(hit.chunk, text=text[:byline.end + chars].strip(), start=0,
                          end=len(text[:byline.end + chars].strip())), hit.score, hit.rank)
        widened = (1, top if hit.chunk.start != 0 else cut_passage(hit, 0, byline.end + chars))
    return Verdict("byline", Action.REPLACE, Outcome.METADATA, f"{title}{said}[1]。",
                   "answered from the article's byline", widened)
