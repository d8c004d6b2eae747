"""Improvement plans, inspections and KPIs (see the improvement issue); no models yet."""
