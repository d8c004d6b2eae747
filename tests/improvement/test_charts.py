"""Chart arithmetic: the geometry the templates draw, and the sentence that describes it."""

import datetime
from decimal import Decimal

from improvement import charts
from improvement.models import Measure, Measurement, ProgressUpdate, Rag


def test_rag_bars_scale_to_the_biggest_priority_and_describe_every_count():
    chart = charts.rag_bars(
        [
            {"label": "P1", "name": "Priority 1", "counts": {Rag.BLUE: 2, Rag.RED: 1, "": 1}},
            {"label": "P2", "name": "Priority 2", "counts": {}},
        ],
        [Rag.BLUE, Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREY],
    )
    first = chart["bars"][0]["segments"]
    assert [s["label"] for s in first] == ["Blue", "Red", "Not rated"]
    assert float(first[0]["width"]) == 2 * float(first[1]["width"])
    assert chart["summary"] == (
        "Number of actions at each impact RAG rating, by priority. Priority 1: 2 Blue, 1 Red, 1 not rated. Priority 2: no actions."
    )


def test_timeseries_marks_illustrative_points_hollow_and_names_the_target():
    measure = Measure(name="GLD", unit=Measure.Unit.PERCENT, target_value=Decimal("74"), target_date=datetime.date(2028, 7, 31))
    points = [
        Measurement(period_end=datetime.date(2024, 7, 31), period_label="2023/24", value=Decimal("64.3"), illustrative=True),
        Measurement(period_end=datetime.date(2025, 7, 31), period_label="2024/25", value=Decimal("65"), national=Decimal("68.3")),
    ]
    chart = charts.timeseries(measure, points)
    bury = chart["series"][0]
    assert [m["hollow"] for m in bury["markers"]] == [True, False]
    assert chart["target"]["label"] == "Target 74.0% by July 2028"
    assert float(chart["target"]["y"]) < float(chart["bottom"])
    assert chart["summary"].startswith("GLD: 2 periods from July 2024 to July 2025. Latest 65.0% (2024/25).")
    assert "England 68.3%." in chart["summary"]


def test_rag_timeline_describes_each_update_in_order():
    updates = [
        ProgressUpdate(pk=2, date=datetime.date(2026, 3, 4), rag=Rag.GREEN),
        ProgressUpdate(pk=1, date=datetime.date(2026, 1, 7), rag=""),
    ]
    chart = charts.rag_timeline(updates, today=datetime.date(2026, 4, 1))
    assert [d["letter"] for d in chart["dots"]] == ["–", "G"]
    assert chart["summary"] == "Impact RAG over time: 7 January 2026 not rated; 4 March 2026 Green."


def test_measure_rag_respects_direction_and_the_amber_band():
    higher = Measure(polarity=Measure.Polarity.HIGHER, target_value=Decimal("90"), amber_threshold=Decimal("85"))
    lower = Measure(polarity=Measure.Polarity.LOWER, target_value=Decimal("10"), amber_threshold=Decimal("15"))
    assert [higher.rag_for(Decimal(v)) for v in ("91", "90", "86", "84.9")] == [Rag.GREEN, Rag.GREEN, Rag.AMBER, Rag.RED]
    assert [lower.rag_for(Decimal(v)) for v in ("9", "12", "16")] == [Rag.GREEN, Rag.AMBER, Rag.RED]
    assert Measure(target_value=None).rag_for(Decimal("50")) == ""
