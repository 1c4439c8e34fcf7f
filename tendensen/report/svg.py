"""Horizontal grouped bar charts as inline SVG, without any plotting library.

A chart block has one group per audience; inside a group one row per answer option (or per
matrix item) in display order, and inside a row one bar per edition, coloured by edition.
Subtotal rows are hatched and outlined, partial (prose) numbers get a dashed, pale bar and an
asterisk after their value.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Paul Tol's "muted" scheme (colour-blind safe) plus a dark grey, in the order editions take them.
PALETTE = (
    "#882255",  # wine
    "#999933",  # olive
    "#CC6677",  # rose
    "#44AA99",  # teal
    "#DDCC77",  # sand
    "#88CCEE",  # cyan
    "#AA4499",  # purple
    "#117733",  # green
    "#332288",  # indigo
    "#555555",  # dark grey
)

FONT_SIZE = 11.5
LINE_HEIGHT = 14
BAR_HEIGHT = 13
BAR_GAP = 2
ROW_PAD = 5
GROUP_HEADER = 26
AXIS_HEIGHT = 34
VALUE_SPACE = 46

# Rough advance widths (in em) of Arial / Liberation Sans, enough to wrap labels.
_NARROW = set("iljtf.,;:'!|()[] ")
_WIDE = set("mwMW%@")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    width = 0.0
    for ch in text:
        if ch in _NARROW:
            width += 0.29
        elif ch in _WIDE:
            width += 0.86
        elif ch.isupper() or ch.isdigit():
            width += 0.64
        else:
            width += 0.53
    return width * size


def wrap(text: str, max_width: float, size: float = FONT_SIZE, max_lines: int = 4) -> list[str]:
    """Greedy word wrap by estimated width; the last line ends in an ellipsis if cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + " …", size) > max_width:
            last = last[:-1]
        lines[-1] = last.rstrip() + " …"
    return lines or [""]


def fmt_number(value: float, decimals: int = 2) -> str:
    """Dutch number format: no trailing zeros, decimal comma."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    return f"{value:.{decimals}f}".rstrip("0").rstrip(".").replace(".", ",")


@dataclass(frozen=True)
class Bar:
    edition_id: str
    value: float
    is_subtotal: bool
    is_partial: bool
    tooltip: str


@dataclass(frozen=True)
class Row:
    label: str
    is_subtotal: bool
    bars: list[Bar]


@dataclass(frozen=True)
class Group:
    label: str
    flag: str | None  # a short warning shown beside the group label (failed validation)
    rows: list[Row]


@dataclass(frozen=True)
class Scale:
    maximum: float
    ticks: list[float]
    unit: str  # "%" or ""
    caption: str

    def label(self, value: float) -> str:
        return fmt_number(value) + self.unit


PERCENT = Scale(100.0, [0, 25, 50, 75, 100], "%", "aandeel in %")


def mean_scale(caption: str) -> Scale:
    return Scale(7.0, [0, 1, 2, 3, 4, 5, 6, 7], "", caption)


def edition_colours(edition_ids: list[str]) -> dict[str, str]:
    return {e: PALETTE[i % len(PALETTE)] for i, e in enumerate(edition_ids)}


def pattern_id(edition_id: str) -> str:
    return "hatch-" + "".join(ch if ch.isalnum() else "-" for ch in edition_id)


def defs_svg(colours: dict[str, str]) -> str:
    """One hidden SVG with the hatch patterns of every edition, shared by all charts."""
    patterns = "".join(
        f'<pattern id="{pattern_id(e)}" patternUnits="userSpaceOnUse" width="6" height="6" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        f'<rect width="3" height="6" fill="{c}"/></pattern>'
        for e, c in colours.items()
    )
    return (
        '<svg class="defs" width="0" height="0" aria-hidden="true" focusable="false" '
        f'style="position:absolute"><defs>{patterns}</defs></svg>'
    )


def bar_chart(
    groups: list[Group],
    *,
    svg_id: str,
    title: str,
    description: str,
    width: int,
    scale: Scale,
    colours: dict[str, str],
) -> str:
    """The SVG markup of one chart block."""
    label_width = max(120, min(300, int(width * 0.36)))
    x0 = label_width
    plot_width = width - label_width - VALUE_SPACE

    def x_of(value: float) -> float:
        return x0 + plot_width * max(0.0, min(value, scale.maximum)) / scale.maximum

    bands: list[str] = []  # subtotal backgrounds, drawn under the grid
    body: list[str] = []
    y = 4.0
    first_row_y = None
    for group in groups:
        body.append(
            f'<text class="group" x="0" y="{y + 16:.1f}" font-size="12.5" font-weight="700" '
            f'fill="#222">{escape(group.label)}</text>'
        )
        if group.flag:
            flag_x = text_width(group.label, 12.5) + 12
            body.append(
                f'<text class="flag" x="{flag_x:.1f}" y="{y + 16:.1f}" font-size="11" '
                f'fill="#A33A00">{escape(group.flag)}</text>'
            )
        body.append(
            f'<line x1="0" x2="{width}" y1="{y + 22:.1f}" y2="{y + 22:.1f}" stroke="#bbb" stroke-width="1"/>'
        )
        y += GROUP_HEADER
        if first_row_y is None:
            first_row_y = y
        for row in group.rows:
            # Subtotal labels are bold italic, hence wider: wrap them as if the font were larger.
            lines = wrap(row.label, label_width - 14, FONT_SIZE * (1.1 if row.is_subtotal else 1.0))
            bars_h = len(row.bars) * (BAR_HEIGHT + BAR_GAP) - BAR_GAP
            content_h = max(bars_h, len(lines) * LINE_HEIGHT)
            row_h = content_h + 2 * ROW_PAD
            if row.is_subtotal:
                bands.append(
                    f'<rect class="subtotal-band" x="0" y="{y:.1f}" width="{width}" height="{row_h:.1f}" '
                    'fill="#f1f1f1"/>'
                )
            # Option label, right-aligned against the plot, vertically centred.
            text_y = y + ROW_PAD + (content_h - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT - 3.5
            style = ' font-style="italic" font-weight="600"' if row.is_subtotal else ""
            tspans = "".join(
                f'<tspan x="{x0 - 8}" y="{text_y + i * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
                for i, line in enumerate(lines)
            )
            body.append(
                f'<text class="option" text-anchor="end" font-size="{FONT_SIZE}" fill="#222"{style}>'
                f"<title>{escape(row.label)}</title>{tspans}</text>"
            )
            bar_y = y + ROW_PAD + (content_h - bars_h) / 2
            for bar in row.bars:
                colour = colours.get(bar.edition_id, "#777")
                bar_w = max(x_of(bar.value) - x0, 0.0)
                if bar.is_subtotal:
                    paint = f'fill="url(#{pattern_id(bar.edition_id)})" stroke="{colour}" stroke-width="1.5"'
                elif bar.is_partial:
                    paint = (
                        f'fill="{colour}" fill-opacity="0.35" stroke="{colour}" stroke-width="1.5" '
                        'stroke-dasharray="3 2"'
                    )
                else:
                    paint = f'fill="{colour}" stroke="#000" stroke-opacity="0.25" stroke-width="0.5"'
                classes = (
                    "bar" + (" subtotal" if bar.is_subtotal else "") + (" partial" if bar.is_partial else "")
                )
                body.append(
                    f'<rect class="{classes}" data-edition="{escape(bar.edition_id)}" x="{x0}" '
                    f'y="{bar_y:.1f}" width="{max(bar_w, 1.0):.1f}" height="{BAR_HEIGHT}" {paint}>'
                    f"<title>{escape(bar.tooltip)}</title></rect>"
                )
                value_text = scale.label(bar.value) + ("*" if bar.is_partial else "")
                italic = ' font-style="italic"' if bar.is_partial else ""
                body.append(
                    f'<text class="value" x="{x0 + bar_w + 4:.1f}" y="{bar_y + BAR_HEIGHT - 2.5:.1f}" '
                    f'font-size="10.5" fill="#222"{italic}>{escape(value_text)}</text>'
                )
                bar_y += BAR_HEIGHT + BAR_GAP
            y += row_h
        y += 6

    plot_top = first_row_y if first_row_y is not None else y
    plot_bottom = y - 6
    grid = []
    for tick in scale.ticks:
        x = x_of(tick)
        grid.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{plot_top:.1f}" y2="{plot_bottom:.1f}" '
            f'stroke="{"#999" if tick == 0 else "#e2e2e2"}" stroke-width="1"/>'
        )
        grid.append(
            f'<text x="{x:.1f}" y="{plot_bottom + 14:.1f}" font-size="10" fill="#555" '
            f'text-anchor="middle">{escape(scale.label(tick))}</text>'
        )
    grid.append(
        f'<text x="{x0 + plot_width / 2:.1f}" y="{plot_bottom + 28:.1f}" font-size="10.5" fill="#555" '
        f'text-anchor="middle">{escape(scale.caption)}</text>'
    )
    height = plot_bottom + AXIS_HEIGHT
    return (
        f'<svg id="{svg_id}" class="bars" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width}" height="{height:.0f}" viewBox="0 0 {width} {height:.0f}" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc">'
        f'<title id="{svg_id}-title">{escape(title)}</title>'
        f'<desc id="{svg_id}-desc">{escape(description)}</desc>'
        + "".join(bands)
        + "".join(grid)
        + "".join(body)
        + "</svg>"
    )
