"""Web pages and plain-text files: a saved government notice page (UTF-8), a 数字报 article page (GBK), text
bulletins in GBK, UTF-16 and CRLF, one with a full-width masthead, and a Markdown report."""
from __future__ import annotations

from html import escape
from pathlib import Path

from .content_misc import text_bulletin

STYLE = ("body{font-family:'Microsoft YaHei',SimSun;margin:0}.nav li{display:inline;margin:0 12px}"
         ".main{width:1200px;margin:auto;overflow:hidden}.article{float:left;width:860px}"
         ".sidebar{float:right;width:300px}.footer{background:#9e1b1b;color:#fff;text-align:center}")


def notice_html(path: Path, n: dict) -> Path:
    """A government notice page as saved from a browser: header and nav, breadcrumb, article (title, 发布时间,
    来源, paragraphs, an ordered list, a score table, attachment link, signature), sidebar with an advert,
    footer with 版权所有 and ICP 备案."""
    e = escape
    nav = "".join(f'<li><a href="/{i}/">{e(x)}</a></li>' for i, x in enumerate(n["nav"]))
    crumbs = n["crumb"].split("：", 1)[1].split(" > ")
    crumb = " &gt; ".join(f'<a href="/c{i}/">{e(c)}</a>' for i, c in enumerate(crumbs))
    info = "".join(f"<span>{e(x)}</span>&nbsp;&nbsp;" for x in n["info"].split("  "))
    items = "".join(f"<li>{e(x)}</li>" for x in n["items"])
    head, *rows = n["table"]
    table = ("<table border=\"1\" cellspacing=\"0\" cellpadding=\"4\"><thead><tr>"
             + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>"
             + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in rows)
             + "</tbody></table>")
    side = "".join(f"<li><a href=\"/zt/{i}/\">{e(x)}</a></li>" for i, x in enumerate(n["sidebar"][1:]))
    html = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{e(n['title'])}_{e(n['site'])}</title>
<meta name="SiteName" content="{e(n['site'])}">
<meta name="ArticleTitle" content="{e(n['title'])}">
<meta name="PubDate" content="2024-05-20 09:30">
<meta name="ContentSource" content="商都市文明办">
<style>{STYLE}</style>
<script>var _hmt = _hmt || []; (function(){{var hm = document.createElement("script");}})();</script>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{e(n['site'])}">{e(n['site'])}</div>
<div class="search"><input type="text" placeholder="请输入关键字"><button>搜索</button></div>
<ul class="nav">{nav}</ul></div>
<div class="crumb">当前位置：{crumb}</div>
<div class="main">
<div class="article">
<h1 class="title">{e(n['title'])}</h1>
<div class="info">{info}<a href="javascript:window.print()">【打印】</a></div>
<div class="content" id="zoom">
<p>{e(n['salute'])}</p>
<p>{e(n['intro'])}</p>
<p><strong>{e(n['h_content'])}</strong></p>
<ol>{items}</ol>
<p><strong>{e(n['h_result'])}</strong></p>
<p>{e(n['result'])}</p>
{table}
<p><strong>{e(n['h_req'])}</strong></p>
<p>{e(n['req'])}</p>
<p><a href="/files/2024/0520/defen.xlsx">{e(n['attach'])}</a></p>
<p style="text-align:right">{e(n['sign'][0])}</p>
<p style="text-align:right">{e(n['sign'][1])}</p>
</div>
<div class="share">分享到：微信 微博</div>
</div>
<div class="sidebar"><h4>{e(n['sidebar'][0])}</h4><ul>{side}</ul>
<div class="ad"><a href="https://ad.example.invalid/"><img src="/ad/lvyou.jpg" alt="广告">{e(n['advert'])}</a></div>
</div>
</div>
<div class="footer"><p>{e(n['footer'][0])}</p><p>{e(n['footer'][1])}</p></div>
</body>
</html>
"""
    path.write_text(html, encoding="utf-8")
    return path


def epaper_html(path: Path, p: dict) -> Path:
    """A 数字报 article page (GBK, table layout, enpproperty comment as Founder e-paper systems write it)."""
    e = escape
    pages = "".join(f'<tr><td><a href="node_{i + 1}.htm">{e(x)}</a></td></tr>' for i, x in enumerate(p["pages_nav"]))
    titles = "".join(f'<li><a href="content_{i}.htm">{e(x)}</a></li>' for i, x in enumerate(p["page_titles"]))
    body = "".join(f"<P>　　{e(x)}</P>" for x in p["body"])
    html = f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk">
<title>{e(p['paper'])}-{e(p['title'])}</title>
<style>td{{font-size:14px}} .bt{{font-size:24px;font-weight:bold}}</style>
</head>
<body>
<!--enpproperty <date>2024-06-12</date><author>杨帆</author><title>{e(p['title'])}</title>
<pageno>02</pageno>/enpproperty-->
<table width="1000" align="center"><tr><td class="paper">{e(p['paper'])}</td>
<td>{e(p['date_line'])}</td><td><a href="../../../html/2024-06/11/node_2.htm">往期回顾</a></td></tr></table>
<table width="1000" align="center"><tr>
<td width="260" valign="top"><table><tr><td><strong>{e(p['page'])}</strong></td></tr>
<tr><td><a href="node_1.htm">上一版</a> <a href="node_3.htm">下一版</a></td></tr>{pages}</table>
<div class="list"><ul>{titles}</ul></div></td>
<td valign="top"><founder-content>
<div class="yt">{e(p['kicker'])}</div>
<div class="bt">{e(p['title'])}</div>
<div class="zz">{e(p['byline'])}</div>
<div id="ozoom">{body}</div>
</founder-content></td></tr></table>
<div class="foot">{e(p['footer'][0])}<br>{e(p['footer'][1])}</div>
</body>
</html>
"""
    path.write_bytes(html.encode("gbk"))
    return path


def text_files(outdir: Path, specs: list[tuple[dict, str, str]]) -> dict[Path, str]:
    """Plain-text bulletins: (bulletin, encoding, newline) each; returns {path: text as decoded}."""
    out = {}
    for b, encoding, newline in specs:
        text = text_bulletin(b, gap=newline)
        path = outdir / b["file"]
        path.write_bytes(text.encode(encoding))
        out[path] = text
    return out
