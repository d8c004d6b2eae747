"""Chart geometry for the inline-SVG charts (no JavaScript). Templates draw; these functions only do the arithmetic.

Every chart also returns `summary`, the sentence its <desc> carries, so screen-reader users get the same facts
as the data table printed beside it.
"""

import datetime
import math
from decimal import Decimal

from improvement.models import NOT_RATED, RAG_STYLE, Rag


def _as_text(value):
    """Numbers as plain strings, recursively: SVG coordinates must not go through the template's localisation."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, dict):
        return {k: _as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_text(v) for v in value]
    return value


def _fmt(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.1f}"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high], e.g. 0, 20, 40, 60, 80, 100."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


# ---------------------------------------------------------------------------
# RAG counts per priority: horizontal stacked bars
# ---------------------------------------------------------------------------
def rag_bars(rows: list[dict], scale_codes: list[str], *, width: int = 360) -> dict:
    """Stacked bars, one per priority. rows: [{"label": "P1", "name": "Priority 1", "counts": {code: n}}]; "" is not rated."""
    codes = [*scale_codes, ""]
    label_width, total_width, bar_height, gap, top, axis = 56, 40, 26, 10, 8, 28
    plot_width = width - label_width - total_width
    biggest = max([sum(r["counts"].values()) for r in rows] + [1])
    ticks = nice_ticks(0, biggest, 5)
    scale_max = ticks[-1]
    bars = []
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        x = label_width
        segments = []
        for code in codes:
            n = row["counts"].get(code, 0)
            if not n:
                continue
            w = n / scale_max * plot_width
            style = RAG_STYLE[code or None]
            segments.append(
                {
                    "x": round(x, 2),
                    "width": round(w, 2),
                    "n": n,
                    "fill": style["fill"],
                    "text": style["text"],
                    "label": Rag(code).label if code else NOT_RATED,
                    "show_n": w >= 18,
                    "text_x": round(x + w / 2, 2),
                }
            )
            x += w
        bars.append(
            {
                "label": row["label"],
                "y": y,
                "text_y": y + bar_height / 2 + 5,
                "segments": segments,
                "total": sum(row["counts"].values()),
                "total_x": label_width + plot_width + 6,
            }
        )
    plot_bottom = top + len(rows) * (bar_height + gap)
    summary_parts = []
    for row in rows:
        parts = [f"{row['counts'][c]} {(Rag(c).label if c else NOT_RATED.lower())}" for c in codes if row["counts"].get(c)]
        summary_parts.append(f"{row['name']}: {', '.join(parts) if parts else 'no actions'}")
    return _as_text(
        {
            "width": width,
            "height": plot_bottom + axis,
            "bar_height": bar_height,
            "bars": bars,
            "plot_left": label_width,
            "plot_bottom": plot_bottom,
            "ticks": [
                {"x": round(label_width + t / scale_max * plot_width, 2), "label": _fmt(t), "label_y": plot_bottom + 18} for t in ticks
            ],
            "summary": "Number of actions at each impact RAG rating, by priority. " + ". ".join(summary_parts) + ".",
        }
    )


# ---------------------------------------------------------------------------
# A measure over time: line with target and comparators
# ---------------------------------------------------------------------------
SERIES = [
    # (attribute, legend label, colour, dash pattern, marker); patterns and markers differ so colour is never the only cue.
    ("value", "Bury", "#0b0c0c", "", "circle"),
    ("national", "England", "#1d70b8", "8 4", "square"),
    ("regional", "North West", "#4c2c92", "2 3", "diamond"),
    ("statistical_neighbours", "Statistical neighbours", "#912b88", "10 3 2 3", "triangle"),
]
TARGET_COLOUR = "#00703c"


def _marker_path(shape: str, x: float, y: float, r: float = 4.5) -> str:
    if shape == "square":
        return f"M{x - r:.1f},{y - r:.1f}h{2 * r:.1f}v{2 * r:.1f}h{-2 * r:.1f}z"
    if shape == "diamond":
        return f"M{x:.1f},{y - r - 1:.1f}l{r + 1:.1f},{r + 1:.1f}l{-(r + 1):.1f},{r + 1:.1f}l{-(r + 1):.1f},{-(r + 1):.1f}z"
    if shape == "triangle":
        return f"M{x:.1f},{y - r - 1:.1f}l{r + 1:.1f},{2 * r:.1f}h{-2 * (r + 1):.1f}z"
    return f"M{x - r:.1f},{y:.1f}a{r:.1f},{r:.1f} 0 1,0 {2 * r:.1f},0a{r:.1f},{r:.1f} 0 1,0 {-2 * r:.1f},0"


def timeseries(measure, measurements: list, *, width: int = 640, height: int = 320) -> dict:
    """A line chart of a measure's values (oldest to newest) with its target line and any comparator series."""
    left, right, top, bottom = 64, 16, 16, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    points = [m for m in measurements if m.value is not None]
    values = [float(getattr(m, attr)) for m in points for attr, *_ in SERIES if getattr(m, attr) is not None]
    if measure.target_value is not None:
        values.append(float(measure.target_value))
    low = min(values + [0.0])
    high = max(values + [1.0])
    ticks = nice_ticks(low, high, 5)
    y_min, y_max = ticks[0], ticks[-1]
    dates = [m.period_end for m in points] or [datetime.date.today()]
    first, last = min(dates), max(dates)
    span = max((last - first).days, 1)

    def x_of(day: datetime.date) -> float:
        return left + ((day - first).days / span * plot_w if len(points) > 1 else plot_w / 2)

    def y_of(value) -> float:
        return top + plot_h - (float(value) - y_min) / (y_max - y_min) * plot_h

    series = []
    for attr, label, colour, dash, marker in SERIES:
        pts = [(x_of(m.period_end), y_of(getattr(m, attr)), m) for m in points if getattr(m, attr) is not None]
        if not pts:
            continue
        series.append(
            {
                "label": label,
                "colour": colour,
                "dash": dash,
                "width": 3 if attr == "value" else 2,
                "polyline": " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in pts),
                # Many points make markers noise; draw them only when they can be told apart.
                "markers": [{"d": _marker_path(marker, x, y), "hollow": attr == "value" and m.illustrative} for x, y, m in pts]
                if len(pts) <= 60
                else [],
                "marker_sample": _marker_path(marker, 20, 8),
            }
        )
    label_every = max(1, math.ceil(len(points) / 6))
    x_labels = [
        # Short labels as reported ("2024/25", "Q2 2024-25") read better than a month; long ones fall back to the month.
        {
            "x": round(x_of(m.period_end), 1),
            "label": m.period_label if 0 < len(m.period_label) <= 10 else f"{m.period_end:%b %Y}",
            "anchor": "middle",
        }
        for i, m in enumerate(points)
        if i % label_every == 0 or i == len(points) - 1
    ]
    # Drop a label that would collide with the last one; keep the end labels inside the plot.
    if len(x_labels) > 1 and x_labels[-1]["x"] - x_labels[-2]["x"] < 90:
        x_labels.pop(-2)
    if x_labels and len(points) > 1:
        x_labels[0]["anchor"] = "start"
        x_labels[-1]["anchor"] = "end"
    target = None
    if measure.target_value is not None:
        target = {
            "y": round(y_of(measure.target_value), 1),
            "label": f"Target {measure.format_value(measure.target_value)}"
            + (f" by {measure.target_date:%B %Y}" if measure.target_date else ""),
        }
    latest = points[-1] if points else None
    summary = f"{measure.name}: "
    if latest:
        summary += (
            f"{len(points)} period{'s' if len(points) != 1 else ''} from {first:%B %Y} to {last:%B %Y}. "
            f"Latest {measure.format_value(latest.value)} ({latest.label})"
            + (", an illustrative value" if latest.illustrative else "")
            + ". "
        )
        if len(points) > 1:
            summary += f"Earliest shown {measure.format_value(points[0].value)} ({points[0].label}). "
        for attr, label, *_ in SERIES[1:]:
            if getattr(latest, attr) is not None:
                summary += f"{label} {measure.format_value(getattr(latest, attr))}. "
    else:
        summary += "no values recorded yet. "
    if target:
        summary += target["label"] + "."
    return _as_text(
        {
            "width": width,
            "height": height,
            "left": left,
            "right": width - right,
            "top": top,
            "bottom": top + plot_h,
            "y_ticks": [{"y": round(y_of(t), 1), "label": measure.format_value(Decimal(str(t)))} for t in ticks],
            "x_labels": x_labels,
            "series": series,
            "target": target,
            "target_colour": TARGET_COLOUR,
            "has_illustrative": any(m.illustrative for m in points),
            "summary": summary.strip(),
        }
    )


# ---------------------------------------------------------------------------
# An action's RAG over time
# ---------------------------------------------------------------------------
def rag_timeline(updates: list, *, width: int = 640, today: datetime.date | None = None) -> dict:
    """A strip coloured by the rating in force from each update to the next, with a labelled dot per update (oldest first)."""
    left, right, strip_y, strip_h = 16, 16, 20, 22
    today = today or datetime.date.today()
    updates = sorted(updates, key=lambda u: (u.date, u.pk or 0))
    if not updates:
        return {"width": width, "height": 70, "segments": [], "dots": [], "summary": "No progress has been reported yet."}
    first = updates[0].date
    end = max(today, updates[-1].date)
    span = max((end - first).days, 1)
    plot_w = width - left - right

    def x_of(day):
        return left + (day - first).days / span * plot_w

    segments, dots = [], []
    for index, update in enumerate(updates):
        start = x_of(update.date)
        stop = x_of(updates[index + 1].date) if index + 1 < len(updates) else x_of(end)
        style = RAG_STYLE[update.rag or None]
        segments.append({"x": round(start, 1), "width": round(max(stop - start, 2), 1), "fill": style["fill"]})
        dots.append(
            {
                "x": round(start, 1),
                "fill": style["fill"],
                "text": style["text"],
                "letter": style["letter"],
                "date": f"{update.date.day} {update.date:%b %Y}",
                "show_date": True,
                "anchor": "start" if start < width * 0.75 else "end",
            }
        )
    # Only label dates that have room; the table beside the chart has every one.
    last_labelled = None
    for dot in dots:
        if last_labelled is not None and dot["x"] - last_labelled < 80:
            dot["show_date"] = False
        else:
            last_labelled = dot["x"]
    summary = "Impact RAG over time: " + "; ".join(
        f"{u.date.day} {u.date:%B %Y} {u.rag_label.lower() if not u.rag else u.rag_label}" for u in updates
    )
    return _as_text(
        {
            "width": width,
            "height": strip_y + strip_h + 40,
            "strip_y": strip_y,
            "strip_h": strip_h,
            "dot_y": strip_y + strip_h / 2,
            "label_y": strip_y + strip_h + 30,
            "segments": segments,
            "dots": dots,
            "summary": summary + ".",
        }
    )
