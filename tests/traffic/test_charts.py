"""The server-side SVG charts: well-formed, named and described, scaled, no inline style."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from clientvault.traffic.charts import (
    BOTTOM,
    TOP,
    Bar,
    bar_chart,
    byte_text,
    compact_count,
    nice_ticks,
)

SVG = "{http://www.w3.org/2000/svg}"


def chart(*values: int | tuple[int, ...], series: tuple[str, ...] = ("Visits",)) -> str:
    bars = [
        Bar(f"{i + 1} Dec", f"{i + 1} December 2026", v if isinstance(v, tuple) else (v,))
        for i, v in enumerate(values)
    ]
    return str(
        bar_chart(
            ident="c", title="Visits per day", description="Visits.", series=series, bars=bars
        )
    )


def svg_of(html: str) -> ET.Element:
    root = ET.fromstring(html)  # the whole chart is well-formed XML
    [svg] = [svg for svg in root.iter(f"{SVG}svg") if svg.get("role") == "img"]
    return svg


def heights(svg: ET.Element) -> list[float]:
    return [float(rect.get("height", "0")) for rect in svg.iter(f"{SVG}rect")]


def test_it_is_well_formed_and_named_by_its_title_and_description():
    svg = svg_of(chart(3, 5, 8))
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-title"
    assert svg.get("aria-describedby") == "c-desc"
    assert svg.find(f"{SVG}title").get("id") == "c-title"
    assert svg.find(f"{SVG}title").text == "Visits per day"
    desc = svg.find(f"{SVG}desc")
    assert desc.get("id") == "c-desc"
    assert "16 in all" in desc.text
    assert "highest 3 December 2026, 8" in desc.text
    assert "lowest 1 December 2026, 3" in desc.text
    assert "table below" in desc.text


def test_the_highest_bar_reaches_the_top_grid_line_and_the_others_scale():
    svg = svg_of(chart(4, 8, 2))
    assert nice_ticks(8) == [0, 2, 4, 6, 8]
    full = BOTTOM - TOP
    assert heights(svg) == pytest.approx([full / 2, full, full / 4], abs=0.1)
    tops = [float(rect.get("y")) for rect in svg.iter(f"{SVG}rect")]
    assert tops[1] == pytest.approx(TOP, abs=0.1)


def test_bars_share_the_width_in_percent_so_the_text_never_shrinks():
    svg = svg_of(chart(1, 2, 3, 4))
    xs = [rect.get("x") for rect in svg.iter(f"{SVG}rect")]
    widths = {rect.get("width") for rect in svg.iter(f"{SVG}rect")}
    assert all(x.endswith("%") for x in xs)
    assert widths == {"17.500%"}
    assert svg.get("width") == "100%"
    assert svg.get("viewBox") is None


def test_stacked_bars_pile_up_each_series_with_its_class_and_a_legend():
    html = chart((6, 2), (0, 4), series=("Served", "Errors"))
    svg = svg_of(html)
    rects = list(svg.iter(f"{SVG}rect"))
    assert [r.get("class") for r in rects] == [
        "chart-bar series-0",
        "chart-bar series-1",
        "chart-bar series-1",
    ]
    served, errors = rects[0], rects[1]
    assert float(errors.get("y")) + float(errors.get("height")) == pytest.approx(
        float(served.get("y"))
    )
    legend = ET.fromstring(html).find("ul")
    assert ["".join(li.itertext()) for li in legend] == ["Served", "Errors"]
    titles = [t.text for t in svg.iter(f"{SVG}title")][1:]
    assert titles[0] == "1 December 2026: 8 (Served 6, Errors 2)"


def test_no_data_gives_an_empty_state_and_no_svg():
    assert chart() == '<p class="empty chart-empty">Nothing was measured in this period.</p>'
    assert "<svg" not in chart(0, 0, 0)


def test_it_has_no_inline_style_and_escapes_every_text():
    bars = [Bar("<b>", "<script>alert(1)</script>", (3,))]
    html = str(bar_chart(ident="x", title="A & B", description="<i>", series=("S<1>",), bars=bars))
    assert "style=" not in html
    assert "<script>" not in html
    assert "<b>" not in html
    svg_of(html)


def test_it_labels_at_most_five_bars_and_always_the_last():
    svg = svg_of(chart(*range(1, 31)))
    labels = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-label"]
    assert len(labels) <= 5
    assert "30 Dec" in labels
    anchors = {t.get("text-anchor") for t in svg.iter(f"{SVG}text") if t.text == "30 Dec"}
    assert anchors == {"end"}


@pytest.mark.parametrize(
    ("highest", "ticks"),
    [
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (7, [0, 2, 4, 6, 8]),
        (100, [0, 25, 50, 75, 100]),
        (1234, [0, 500, 1000, 1500]),
    ],
)
def test_the_grid_stops_at_a_round_number(highest, ticks):
    assert nice_ticks(highest) == ticks


def test_figures_are_written_short_on_the_axis():
    assert compact_count(950) == "950"
    assert compact_count(1200) == "1.2k"
    assert compact_count(3_400_000) == "3.4M"
    assert byte_text(512) == "512 B"
    assert byte_text(1_500) == "1.5 kB"
    assert byte_text(2_250_000_000) == "2.25 GB"


def test_the_grids_labels_are_a_column_of_their_own_hidden_from_screen_readers():
    bars = [Bar("1", "one", (2_000_000_000,))]
    html = str(
        bar_chart(ident="b", title="t", description="d", series=("x",), bars=bars, axis=byte_text)
    )
    [axis] = [svg for svg in ET.fromstring(html).iter(f"{SVG}svg") if svg.get("role") != "img"]
    assert axis.get("aria-hidden") == "true"
    assert [t.text for t in axis.iter(f"{SVG}text")] == ["0 B", "500 MB", "1 GB", "1.5 GB", "2 GB"]
    assert not re.search(r"<text[^>]*>2 GB</text>", str(ET.tostring(svg_of(html))))
