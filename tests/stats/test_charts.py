"""The SVG charts: valid XML, accessible (role, label, title), scalable (viewBox), text on
every bar, labels escaped, and an empty chart that says so."""

import xml.etree.ElementTree as ET

from stats import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


def texts(root) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_bar_chart_is_accessible_and_scales():
    root = parse(
        charts.bar_chart("按系列和级别", ["工程技术 中级", "群众文化 初级"], [("申报数", [10, 1])])
    )
    assert root.get("role") == "img"
    assert root.get("aria-label") == "按系列和级别"
    assert root.find(f"{SVG}title").text == "按系列和级别"
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("width") == "100%"
    assert {"工程技术 中级", "群众文化 初级", "10", "1"} <= set(texts(root))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert widths[0] == 10 * widths[1]


def test_bar_chart_with_two_series_has_a_legend_and_suffix():
    root = parse(
        charts.bar_chart(
            "用时",
            ["用人单位"],
            [("中位数", [4.0]), ("90%分位数", [6.6])],
            suffix="天",
        )
    )
    assert {"中位数", "90%分位数", "4天", "6.6天"} <= set(texts(root))


def test_labels_are_escaped_and_long_ones_shortened():
    label = '<script>"&一个非常非常长的单位名称有限公司'
    root = parse(charts.bar_chart("<t>", [label], [("n", [3])]))
    assert root.get("aria-label") == "<t>"
    assert any(t.endswith("…") and t.startswith("<script>") for t in texts(root))
    # The whole label stays available as the group's tooltip.
    assert label in [t.text for t in root.iter(f"{SVG}title")]


def test_missing_values_draw_no_bar_and_a_dash():
    root = parse(charts.bar_chart("率", ["甲"], [("通过率", [None])], suffix="%"))
    assert "—%" in texts(root)


def test_funnel_chart_shows_counts_and_shares():
    root = parse(charts.funnel_chart("漏斗", ["草稿", "已提交", "证书"], [10, 5, 0]))
    assert {"10 · 100.0%", "5 · 50.0%", "0 · 0.0%"} <= set(texts(root))


def test_empty_charts_say_so():
    assert "暂无数据" in texts(parse(charts.bar_chart("空", [], [("n", [])], empty="暂无数据")))
    assert "暂无数据" in texts(parse(charts.funnel_chart("空", ["草稿"], [0], empty="暂无数据")))
