"""The sales report: goods sold per item, category or venue and bucket.

A sale counts in the bucket of its `sold_at`; revenue is the exact sum of `amount`
per currency (currency is always a key, so currencies never mix).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from turnout.db.schema import rollup_sale_days, rollup_sale_hours, sales
from turnout.formats import Column
from turnout.reports.additive import AdditiveQuery, sums_for
from turnout.reports.labels import fetch_labels
from turnout.reports.model import (
    Deadline,
    Dimension,
    Filter,
    Metric,
    Report,
    ReportOutput,
    ReportRequest,
)
from turnout.reports.numbers import money
from turnout.reports.rollups import SALES

QUERY = AdditiveQuery(
    source=sales,
    time_column="sold_at",
    keys={
        "item": "item",
        "category": "category",
        "venue": "venue_id",
        "venue_id": "venue_id",
        "currency": "currency",
    },
    sums=SALES.sums,
    rollup=rollup_sale_hours,
    day_rollup=rollup_sale_days,
)


def compute(conn: Connection, request: ReportRequest, deadline: Deadline) -> ReportOutput:
    keys = [*request.group_by, "currency"]
    sums = sums_for(conn, QUERY, request, keys, deadline, "sales")
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, (count, quantity, amount) in sums.totals.items():
        values[key] = {"sales": int(count), "quantity": int(quantity), "revenue": money(amount)}
    labels = {}
    if "venue" in request.group_by:
        position = request.group_by.index("venue") + 1
        labels["venue"] = fetch_labels(
            conn, request.workspace_id, "venue", (k[position] for k in values)
        )
    return ReportOutput(values, labels, used_rollups=sums.used_rollups, used_days=sums.used_days)


REPORT = Report(
    name="sales",
    title="Goods sold",
    description=(
        "Per item (the default), category or venue and time bucket: sale lines, quantity "
        "and revenue (the exact sum of amounts) in each currency."
    ),
    time_field="sold_at",
    metrics=(
        Metric("sales", "integer", "sale lines"),
        Metric("quantity", "integer", "units sold"),
        Metric("revenue", "decimal", "sum of amounts"),
    ),
    dimensions=(
        Dimension("item", (Column("item"),), "the item sold"),
        Dimension("category", (Column("category"),), "the item's category"),
        Dimension(
            "venue", (Column("venue_id", "integer"), Column("venue_name")), "where it was sold"
        ),
    ),
    filters=(
        Filter("venue_id", "id", "only these venues"),
        Filter("item", "text", "only these items"),
        Filter("category", "text", "only these categories"),
        Filter("currency", "text", "only these currencies"),
    ),
    default_group_by=("item",),
    compute=compute,
    rollups=("sales",),
    implicit_columns=(Column("currency"),),
)
