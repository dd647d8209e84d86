"""load_html on pages shaped like the app's (政府门户 notice with nav/breadcrumb/sidebar/advert/备案 footer, 数字报
pages incl. a 方正 layout-table one in GB2312, a score-list 公示, a name list, a news page with a 热门推荐 box): the
lines each must yield in order, the chrome that must not appear, hints, decoding, one-line LoadErrors."""
from __future__ import annotations

import lxml.html
import pytest

from rag.errors import LoadError
from rag.ingest.blocks import BlockKind, block_lines, table_lines
from rag.ingest.web import MAX_HTML_MB, _Walker, load_html

GOV_NOTICE = """<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>关于开展2024年春季志愿服务活动的通知_通知公告_商都市人民政府</title>
<meta name="keywords" content="志愿服务,通知">
<meta property="og:site_name" content="商都市人民政府">
<meta name="PubDate" content="2024-03-18 09:30">
<meta name="ContentSource" content="市文明办">
<meta name="ColumnName" content="通知公告">
<style>.nav{color:red}</style>
</head><body>
<div class="header">
  <div class="logo"><img src="logo.png" alt="商都市人民政府门户网站"></div>
  <ul class="nav">
    <li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li>
    <li><a href="/bsfw">办事服务</a></li><li><a href="/hdjl">互动交流</a></li>
  </ul>
  <form class="search"><input type="text" placeholder="请输入关键词"><button>搜索</button></form>
</div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/tzgg">通知公告</a></div>
<div class="main">
 <div class="sidebar">
  <h3>热点专题</h3>
  <ul><li><a href="/zt1">优化营商环境专题</a></li><li><a href="/zt2">乡村振兴专题</a></li>
      <li><a href="/zt3">安全生产月</a></li></ul>
  <div class="ad"><a href="/ad"><img src="ad.jpg" alt="广告">城南花园火热认购中，咨询热线8888</a></div>
 </div>
 <div class="article">
  <h1 class="title">关于开展2024年春季志愿服务活动的通知</h1>
  <div class="info">发布时间：2024-03-18 09:30　来源：市文明办　浏览次数：1024
    <span class="share">分享到：微信 微博</span></div>
  <div class="content">
   <p>各县（市、区）文明办，市直各单位：</p>
   <p>　　为深入推进新时代文明实践，弘扬志愿服务精神，经研究，决定在全市范围内开展
   2024年春季志愿服务活动。现将有关事项通知如下。</p>
   <h2>一、活动时间</h2>
   <p>2024年3月20日至5月31日，各地可结合实际适当调整。</p>
   <h2>二、主要内容</h2>
   <ol>
    <li>开展“学雷锋”文明交通引导志愿服务，每个街道不少于两个站点。</li>
    <li>开展关爱空巢老人上门服务，重点做好助餐、助医和助洁。</li>
    <li>开展生态环保志愿服务，组织清理河道垃圾和植树活动。</li>
   </ol>
   <h2>三、各街道任务分配</h2>
   <table border="1">
    <tr><th>街道</th><th>站点数（个）</th><th>注册志愿者（名）</th><th>备注</th></tr>
    <tr><td>北城街道</td><td>25</td><td>1410</td><td>试点</td></tr>
    <tr><td>南城街道</td><td>18</td><td>960</td><td></td></tr>
    <tr><td>东城街道</td><td><p><span>21</span></p></td><td><p>1135</p></td><td>新增</td></tr>
   </table>
   <p>联系人：王明，联系电话：0371-12345678。</p>
   <p style="text-align:right">商都市精神文明建设办公室</p>
   <p style="text-align:right">2024年3月18日</p>
  </div>
  <div class="pager"><a href="/a1">上一篇：关于做好清明节期间文明祭扫工作的通知</a>
   <a href="/a2">下一篇：市文明办召开2024年第一次工作例会</a></div>
  <div class="share-bar">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
  <div class="tools"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
 </div>
</div>
<div class="footer">
 <p>主办单位：商都市人民政府办公室　承办：商都市大数据管理局</p>
 <p>版权所有：商都市人民政府　备案号：豫ICP备12345678号-1　网站标识码：4101000001</p>
 <p>地址：商都市人民路1号　联系电话：0371-66666666</p>
</div>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
</body></html>
"""
GOV_NOTICE_KEEP = [
    "关于开展2024年春季志愿服务活动的通知", "来源：市文明办", "各县（市、区）文明办，市直各单位：",
    "为深入推进新时代文明实践，弘扬志愿服务精神，经研究，决定在全市范围内开展2024年春季志愿服务活动。现将有关事项通知如下。",
    "一、活动时间", "2024年3月20日至5月31日，各地可结合实际适当调整。", "二、主要内容",
    "1. 开展“学雷锋”文明交通引导志愿服务，每个街道不少于两个站点。",
    "2. 开展关爱空巢老人上门服务，重点做好助餐、助医和助洁。",
    "3. 开展生态环保志愿服务，组织清理河道垃圾和植树活动。", "三、各街道任务分配",
    "北城街道：站点数25个，注册志愿者1410名，备注：试点。", "南城街道：站点数18个，注册志愿者960名。",
    "东城街道：站点数21个，注册志愿者1135名，备注：新增。", "联系人：王明，联系电话：0371-12345678。",
    "商都市精神文明建设办公室", "2024年3月18日",
]
GOV_NOTICE_CHROME = ["首页", "政务公开", "办事服务", "请输入关键词", "当前位置", "热点专题", "优化营商环境专题",
                     "城南花园", "浏览次数", "上一篇", "下一篇", "分享到", "QQ空间", "打印本页", "关闭窗口", "主办单位",
                     "版权所有", "豫ICP备", "网站标识码", "人民路1号", "统计代码", "color:red"]

PAPER_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>商都日报数字报-城南社区办起“长者食堂”</title></head><body>
<div id="masthead"><img src="logo.png" alt="商都日报"><span class="date">2024年03月18日 星期一</span></div>
<div class="banner">第03版：综合新闻 <a href="node_2.htm">上一版</a> <a href="node_4.htm">下一版</a>
 <a href="/pdf/03.pdf">PDF版</a></div>
<table width="100%"><tr>
<td class="left" width="30%">
 <div class="pagelist"><a href="node_1.htm">第01版：要闻</a><br><a href="node_2.htm">第02版：要闻</a><br>
  <a href="node_3.htm">第03版：综合新闻</a><br><a href="node_4.htm">第04版：副刊</a></div>
 <div class="titlelist"><a href="c1.htm">城南社区办起“长者食堂”</a><br><a href="c2.htm">我市新增公共充电桩300个</a><br>
  <a href="c3.htm">春耕备耕正当时</a></div>
</td>
<td class="right">
 <div class="article">
  <h3 class="yinti">老人吃饭不用愁</h3>
  <h1>城南社区办起“长者食堂”</h1>
  <h2 class="futi">每天为辖区200余名老人提供午餐</h2>
  <p class="author">本报记者 李华 通讯员 张强</p>
  <div id="ozoom">
   <p>　　本报讯 3月15日中午11点，城南社区长者食堂里飘出阵阵饭菜香。75岁的刘大爷端着餐盘，选了一荤两素，只花了8元钱。</p>
   <p>　　据了解，长者食堂由社区和爱心企业共同运营，60岁以上老人就餐享受补贴，80岁以上老人免费。食堂开业一个月来，日均服务老人200余人次。</p>
   <figure><img src="p1.jpg"><figcaption>老人们在长者食堂就餐。本报记者 李华 摄</figcaption></figure>
   <p>　　社区党委书记王芳介绍，下一步将开通送餐上门服务，解决失能老人吃饭难题。</p>
  </div>
 </div>
</td></tr></table>
<div class="copyright">商都日报社版权所有 未经书面授权禁止使用 豫ICP备05001234号</div>
</body></html>
"""
PAPER_PAGE_KEEP = [
    "城南社区办起“长者食堂”", "老人吃饭不用愁", "每天为辖区200余名老人提供午餐", "本报记者 李华 通讯员 张强",
    "本报讯 3月15日中午11点，城南社区长者食堂里飘出阵阵饭菜香。75岁的刘大爷端着餐盘，选了一荤两素，只花了8元钱。",
    "据了解，长者食堂由社区和爱心企业共同运营，60岁以上老人就餐享受补贴，80岁以上老人免费。食堂开业一个月来，日均服务老人200余人次。",
    "老人们在长者食堂就餐。本报记者 李华 摄",
    "社区党委书记王芳介绍，下一步将开通送餐上门服务，解决失能老人吃饭难题。",
]
PAPER_PAGE_CHROME = ["上一版", "下一版", "PDF版", "第01版", "第04版：副刊", "我市新增公共充电桩300个", "春耕备耕正当时",
                     "版权所有", "豫ICP备"]

# a 方正-style 数字报 page: layout tables, title in <td class=font02>, text in <founder-content>, GB2312
FOUNDER_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>商都晚报</title></head><body>
<table width="1000"><tr><td><img src="masthead.gif" alt="商都晚报"></td>
<td class="px12">2024年4月2日 星期二 | <a href="../../index.htm">返回首页</a> | <a href="/wqhg">往期回顾</a></td></tr></table>
<table width="1000"><tr>
<td width="300" valign="top">
 <table><tr><td class="px12">第A05版：城事</td></tr>
 <tr><td><a href="node_4.htm">第A04版：要闻</a></td></tr><tr><td><a href="node_6.htm">第A06版：文体</a></td></tr></table>
</td>
<td valign="top">
 <table width="100%">
 <tr><td class="font01" align="center">数据跑路代替群众跑腿</td></tr>
 <tr><td class="font02" align="center">全市政务服务事项九成可网上办理</td></tr>
 <tr><td align="center">□记者 周敏</td></tr>
 <tr><td><founder-content><P>　　本报讯 记者从市政务服务和大数据管理局获悉，截至3月底，全市政务服务事项网上可办率达到91.6%，较去年同期提高8.2个百分点。</P>
 <P>　　今年以来，市政务服务和大数据管理局推动“一件事一次办”改革，企业开办、不动产登记等18个事项实现全程网办，平均办理时限压缩至1.5个工作日。</P>
 <P>　　下一步，我市将持续拓展“掌上办”事项，年底前实现高频事项“掌上可办”全覆盖。</P></founder-content></td></tr>
 </table>
</td></tr></table>
<table width="1000"><tr><td align="center" class="px12">商都晚报社 版权所有 未经许可不得转载</td></tr></table>
</body></html>
"""
FOUNDER_PAGE_KEEP = [
    "全市政务服务事项九成可网上办理", "数据跑路代替群众跑腿", "□记者 周敏",
    "本报讯 记者从市政务服务和大数据管理局获悉，截至3月底，全市政务服务事项网上可办率达到91.6%，较去年同期提高8.2个百分点。",
    "今年以来，市政务服务和大数据管理局推动“一件事一次办”改革，企业开办、不动产登记等18个事项实现全程网办，平均办理时限压缩至1.5个工作日。",
    "下一步，我市将持续拓展“掌上办”事项，年底前实现高频事项“掌上可办”全覆盖。",
]
FOUNDER_PAGE_CHROME = ["返回首页", "往期回顾", "第A04版", "第A06版", "版权所有", "未经许可"]

SCORES_PAGE = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>商都市2024年公开招聘社区工作者拟录用人员名单公示-商都市民政局</title></head><body>
<div id="top"><a href="/">网站首页</a> | <a href="/jg">机构概况</a> | <a href="/xw">新闻动态</a> | <a href="/gs">公示公告</a></div>
<div class="left"><div class="tit">公示公告</div><ul>
 <li><a href="1.html">关于2023年度低保资金发放情况的公示</a> 2024-01-05</li>
 <li><a href="2.html">关于养老服务补贴申领的通知</a> 2023-12-20</li>
 <li><a href="3.html">民政局领导班子分工调整</a> 2023-12-01</li></ul></div>
<div class="right">
<div class="bt">商都市2024年公开招聘社区工作者拟录用人员名单公示</div>
<div class="sj">日期：2024年05月06日  作者：人事科</div>
<table class="zw" border="1" cellspacing="0">
<tr><td colspan="5">商都市2024年公开招聘社区工作者拟录用人员名单</td></tr>
<tr><td>序号</td><td>姓名</td><td>性别</td><td>笔试成绩</td><td>面试成绩</td></tr>
<tr><td>1</td><td>张伟</td><td>男</td><td>78.5</td><td>85.2</td></tr>
<tr><td>2</td><td>李娜</td><td>女</td><td>76.0</td><td>88.6</td></tr>
<tr><td>3</td><td>王磊</td><td>男</td><td>75.5</td><td>84.0</td></tr>
<tr><td>4</td><td>赵敏</td><td>女</td><td>74.0</td><td>86.4</td></tr>
</table>
<p>公示期：2024年5月6日至5月12日。</p>
</div>
<div class="foot">Copyright 2024 商都市民政局 版权所有 豫ICP备11111111号</div>
</body></html>
"""
SCORE_ROWS = [["序号", "姓名", "性别", "笔试成绩", "面试成绩"], ["1", "张伟", "男", "78.5", "85.2"],
              ["2", "李娜", "女", "76.0", "88.6"], ["3", "王磊", "男", "75.5", "84.0"], ["4", "赵敏", "女", "74.0", "86.4"]]
SCORES_PAGE_KEEP = ["商都市2024年公开招聘社区工作者拟录用人员名单公示", "作者：人事科", "商都市2024年公开招聘社区工作者拟录用人员名单",
                    *table_lines(SCORE_ROWS), "公示期：2024年5月6日至5月12日。"]
SCORES_PAGE_CHROME = ["网站首页", "机构概况", "低保资金", "养老服务补贴", "领导班子", "Copyright", "版权所有", "豫ICP备"]

NAMES_PAGE = """<html><head><meta charset="utf-8"><title>2024年度“最美志愿者”名单</title></head><body>
<nav><a href="/">首页</a><a href="/news">新闻中心</a><a href="/about">关于我们</a></nav>
<article>
<h1>2024年度“最美志愿者”名单</h1>
<time datetime="2024-12-05T10:00:00+08:00">2024年12月5日</time>
<ul>
<li>张三（北城街道）</li><li>李四（南城街道）</li><li>王五（东城街道）</li><li>赵六（西城街道）</li><li>钱七（高新区）</li>
</ul>
</article>
<footer>版权所有 © 商都市文明网 备案号：豫ICP备22222222号</footer>
</body></html>
"""
NAMES_PAGE_KEEP = ["2024年度“最美志愿者”名单", "• 张三（北城街道）", "• 李四（南城街道）", "• 王五（东城街道）",
                   "• 赵六（西城街道）", "• 钱七（高新区）"]
NAMES_PAGE_CHROME = ["新闻中心", "关于我们", "版权所有", "豫ICP备"]

NAV_ONLY_PAGE = """<html><head><meta charset="utf-8"><title>首页</title></head><body><div class="nav"><a href="/">首页</a>
<a href="/a">政务公开</a></div><ul><li><a href="/1">关于开展春季志愿服务活动的通知</a></li><li><a href="/2">市文明办召开工作例会</a>
</li></ul><div class="footer">版权所有：商都市人民政府 备案号：豫ICP备12345678号</div></body></html>"""

NEWS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>我市启动2024年“清凉一夏”送清凉活动 - 商都网</title></head><body>
<div class="top-bar"><a href="/">商都网首页</a> <a href="/news">本地新闻</a> <a href="/video">视频</a>
 <a href="/app">下载客户端</a></div>
<div class="wrap">
 <div class="l-box">
  <h1>我市启动2024年“清凉一夏”送清凉活动</h1>
  <div class="source">2024-06-12 08:15　来源：商都网　作者：陈晨</div>
  <div id="content">
   <p>6月11日上午，市总工会在人民广场启动2024年“清凉一夏”送清凉活动，为坚守高温一线的环卫工人、快递小哥、建筑工人送去防暑降温物品。</p>
   <p>今年送清凉活动将持续到8月底，市总工会共筹集资金320万元，计划慰问一线职工4.5万人次。</p>
   <p>活动现场，工作人员为环卫工人发放了藿香正气水、毛巾、凉茶等防暑用品。市总工会有关负责人表示，将同步开放全市126个“户外劳动者服务站点”，提供饮水、休息、充电等服务。</p>
   <p>据介绍，各县（市、区）工会也将结合实际开展形式多样的送清凉活动，确保慰问覆盖所有高温作业岗位。</p>
   <p>责任编辑：刘洋</p>
  </div>
 </div>
 <div class="r-box">
  <div class="rmtj"><h4>热门推荐</h4>
   <div class="item"><a href="/a/1.html">市区新增3条公交线路</a><p>记者从市公交集团获悉，6月15日起市区将新开通3条公交线路，进一步方便市民出行。</p></div>
   <div class="item"><a href="/a/2.html">暑期安全提示</a><p>暑期将至，市教育局提醒广大家长加强对孩子的安全教育，严防溺水事故发生。</p></div>
   <div class="item"><a href="/a/3.html">我市再添两处口袋公园</a><p>近日，位于城东的两处口袋公园建成开放，为周边居民提供了休闲好去处。</p></div>
  </div>
 </div>
</div>
<div class="comment-box"><h4>网友评论</h4><div class="c">网友123：点赞，高温天辛苦了！</div><div class="c">网友456：希望多设几个服务站点。</div></div>
<div class="bottom">关于我们 | 联系我们 | 广告服务 | 网站地图<br>商都网 版权所有 未经授权禁止转载</div>
</body></html>
"""
NEWS_PAGE_KEEP = [
    "我市启动2024年“清凉一夏”送清凉活动", "来源：商都网 作者：陈晨",
    "6月11日上午，市总工会在人民广场启动2024年“清凉一夏”送清凉活动，为坚守高温一线的环卫工人、快递小哥、建筑工人送去防暑降温物品。",
    "今年送清凉活动将持续到8月底，市总工会共筹集资金320万元，计划慰问一线职工4.5万人次。",
    "活动现场，工作人员为环卫工人发放了藿香正气水、毛巾、凉茶等防暑用品。市总工会有关负责人表示，将同步开放全市126个“户外劳动者服务站点”，提供饮水、休息、充电等服务。",
    "据介绍，各县（市、区）工会也将结合实际开展形式多样的送清凉活动，确保慰问覆盖所有高温作业岗位。",
    "责任编辑：刘洋",
]
NEWS_PAGE_CHROME = ["商都网首页", "本地新闻", "下载客户端", "热门推荐", "公交线路", "暑期安全", "口袋公园", "网友评论",
                    "点赞", "关于我们", "广告服务", "版权所有"]

# name, html, encoding the file is saved in, lines to keep (in order), chrome that must be absent
PAGES = [
    ("gov_notice.html", GOV_NOTICE, "utf-8", GOV_NOTICE_KEEP, GOV_NOTICE_CHROME),
    ("paper.html", PAPER_PAGE, "utf-8", PAPER_PAGE_KEEP, PAPER_PAGE_CHROME),
    ("founder.htm", FOUNDER_PAGE, "gbk", FOUNDER_PAGE_KEEP, FOUNDER_PAGE_CHROME),
    ("scores.html", SCORES_PAGE, "gbk", SCORES_PAGE_KEEP, SCORES_PAGE_CHROME),
    ("names.html", NAMES_PAGE, "utf-8", NAMES_PAGE_KEEP, NAMES_PAGE_CHROME),
    ("news.html", NEWS_PAGE, "utf-8", NEWS_PAGE_KEEP, NEWS_PAGE_CHROME),
]


def _save(tmp_path, name: str, html: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(html.encode(encoding))
    return path


@pytest.mark.parametrize("name,html,encoding,keep,chrome", PAGES, ids=[p[0] for p in PAGES])
def test_main_text_in_order_without_chrome(tmp_path, name, html, encoding, keep, chrome):
    doc = load_html(_save(tmp_path, name, html, encoding))
    lines = doc.text.split("\n")
    positions = [lines.index(k) if k in lines else -1 for k in keep]
    assert -1 not in positions, [k for k, p in zip(keep, positions) if p < 0]
    assert positions == sorted(positions)
    assert [c for c in chrome if c in doc.text] == []
    assert doc.text == "\n".join(block_lines(doc.blocks))
    assert doc.blocks[0].kind == BlockKind.TITLE


@pytest.mark.parametrize("name,title,date,author,publication,section", [
    ("gov_notice.html", "关于开展2024年春季志愿服务活动的通知", "2024-03-18", "市文明办", "商都市人民政府", "通知公告"),
    ("paper.html", "城南社区办起“长者食堂”", "2024-03-18", "李华、张强", "商都日报", "第3版 综合新闻"),
    ("founder.htm", "全市政务服务事项九成可网上办理", "2024-04-02", "周敏", "商都晚报", "第A5版 城事"),
    ("scores.html", "商都市2024年公开招聘社区工作者拟录用人员名单公示", "2024-05-06", "人事科", "商都市民政局", None),
    ("names.html", "2024年度“最美志愿者”名单", "2024-12-05", None, None, None),
    ("news.html", "我市启动2024年“清凉一夏”送清凉活动", "2024-06-12", "陈晨", "商都网", None),
])
def test_hints(tmp_path, name, title, date, author, publication, section):
    _, html, encoding, _, _ = next(p for p in PAGES if p[0] == name)
    h = load_html(_save(tmp_path, name, html, encoding)).hints
    assert (h.title, h.date, h.author, h.publication, h.section) == (title, date, author, publication, section)


def test_gov_notice_blocks(tmp_path):
    doc = load_html(_save(tmp_path, "notice.html", GOV_NOTICE))
    kinds = [b.kind for b in doc.blocks]
    assert kinds[:3] == [BlockKind.TITLE, BlockKind.BYLINE, BlockKind.PARAGRAPH]
    headings = [(b.text, b.level) for b in doc.blocks if b.kind == BlockKind.HEADING]
    assert headings == [("一、活动时间", 1), ("二、主要内容", 1), ("三、各街道任务分配", 1)]
    items = [b.text for b in doc.blocks if b.kind == BlockKind.LIST_ITEM]
    assert [i[:3] for i in items] == ["1. ", "2. ", "3. "]  # <ol> numbers kept as text
    table = next(b for b in doc.blocks if b.kind == BlockKind.TABLE)
    assert table.rows[0] == ["街道", "站点数（个）", "注册志愿者（名）", "备注"]
    assert table.rows[3] == ["东城街道", "21", "1135", "新增"]  # numbers inside Word-style <p><span>
    assert table_lines(table.rows, table.header_rows)[0] == "北城街道：站点数25个，注册志愿者1410名，备注：试点。"
    assert kinds.index(BlockKind.TABLE) > kinds.index(BlockKind.LIST_ITEM)


def test_newspaper_blocks(tmp_path):
    doc = load_html(_save(tmp_path, "paper.html", PAPER_PAGE))
    got = [(b.kind, b.text) for b in doc.blocks]
    assert got[:4] == [(BlockKind.TITLE, "城南社区办起“长者食堂”"), (BlockKind.PARAGRAPH, "老人吃饭不用愁"),
                       (BlockKind.PARAGRAPH, "每天为辖区200余名老人提供午餐"),
                       (BlockKind.BYLINE, "本报记者 李华 通讯员 张强")]
    assert (BlockKind.CAPTION, "老人们在长者食堂就餐。本报记者 李华 摄") in got
    assert got[-1][1].startswith("社区党委书记王芳介绍")


def test_score_list_keeps_its_table(tmp_path):
    doc = load_html(_save(tmp_path, "scores.html", SCORES_PAGE, "gbk"))
    table = next(b for b in doc.blocks if b.kind == BlockKind.TABLE)
    assert table.rows == SCORE_ROWS and table.header_rows == 1
    assert (BlockKind.CAPTION, "商都市2024年公开招聘社区工作者拟录用人员名单") in [(b.kind, b.text) for b in doc.blocks]


@pytest.mark.parametrize("declared,encoding", [("gbk", "gbk"), ("gb2312", "gbk"), ("GB18030", "gb18030"),
                                               ("utf-8", "utf-8-sig"), ("gb2312", "utf-8"), ("utf-8", "utf-16")])
def test_decoding(tmp_path, declared, encoding):
    """The declared charset is honoured (GB2312/GBK read as GB18030); BOMs win; a page that is valid UTF-8
    is UTF-8 whatever it declares."""
    html = GOV_NOTICE.replace('<meta charset="utf-8">', f'<meta http-equiv="Content-Type" '
                                                         f'content="text/html; charset={declared}">')
    reference = load_html(_save(tmp_path, "ref.html", GOV_NOTICE))
    doc = load_html(_save(tmp_path, "page.html", html, encoding))
    assert doc.text == reference.text
    assert doc.hints == reference.hints


def test_spanned_table_cells_are_repeated():
    walker = _Walker()
    walker.walk(lxml.html.fragment_fromstring(
        "<table><tr><th rowspan=2>街道</th><th colspan=2>志愿者（名）</th></tr><tr><th>注册</th><th>活跃</th></tr>"
        "<tr><td rowspan=2>北城街道</td><td>1410</td><td>620</td></tr><tr><td>1500</td><td>700</td></tr></table>"))
    (table,) = walker.out
    assert table.header_rows == 2
    assert table.rows[1] == ["街道", "注册", "活跃"]
    assert table.rows[3] == ["北城街道", "1500", "700"]


def _big(path):
    with open(path, "wb") as fh:
        fh.truncate((MAX_HTML_MB + 1) * 2**20)  # sparse: no disk used


@pytest.mark.parametrize("name,make,problem", [
    ("empty.html", lambda p: p.write_bytes(b""), "is empty"),
    ("blank.htm", lambda p: p.write_bytes(b"  \n\t "), "is empty"),
    ("binary.html", lambda p: p.write_bytes(bytes(range(256)) * 40), "binary"),
    ("nav.html", lambda p: p.write_text(NAV_ONLY_PAGE, encoding="utf-8"), "no main text"),
    ("title.html", lambda p: p.write_text("<html><head><title>通知</title></head><body><img src=a.jpg></body></html>",
                                          encoding="utf-8"), "no main text"),
    ("huge.html", _big, f"over the {MAX_HTML_MB} MB limit"),
    ("missing.html", lambda p: None, "cannot be read"),
])
def test_refused_pages(tmp_path, name, make, problem):
    path = tmp_path / name
    make(path)
    with pytest.raises(LoadError) as info:
        load_html(path)
    message = str(info.value)
    assert message.startswith(f"{name}: ") and problem in message and "\n" not in message


def test_parser_failure_is_a_load_error(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("line 1\nline 2: malformed")

    monkeypatch.setattr("trafilatura.extract", broken)
    with pytest.raises(LoadError, match=r"^page.html: is not a readable web page \(ValueError: line 1 line 2"):
        load_html(_save(tmp_path, "page.html", GOV_NOTICE))


def test_truncated_markup_still_loads(tmp_path):
    cut = NEWS_PAGE[:NEWS_PAGE.index("今年送清凉活动")]
    doc = load_html(_save(tmp_path, "cut.html", cut))
    assert doc.text.split("\n")[0] == "我市启动2024年“清凉一夏”送清凉活动"
    assert "6月11日上午，市总工会在人民广场启动" in doc.text


def test_numbered_lines_of_a_notice_are_headings(tmp_path):
    page = ("<html><head><title>关于公布测评结果的通知</title></head><body><h1>关于公布测评结果的通知</h1>"
            "<p><strong>一、测评内容</strong></p><p>（一）组织领导</p><p>对全市市级文明单位进行了年度测评，共测评142家。</p>"
            "<p>二、有关要求：对测评未达标的单位限期整改。</p></body></html>")
    got = [(b.kind.value, b.level) for b in load_html(_save(tmp_path, "n.html", page)).blocks]
    assert got == [("title", 0), ("heading", 1), ("heading", 2), ("paragraph", 0), ("paragraph", 0)]
