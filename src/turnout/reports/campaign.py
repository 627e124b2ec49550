"""The campaign report: lead counts, costs, revenue and profit per campaign (or supplier).

Leads count in the bucket of their `received_at`. Money is summed exactly (integer
ten-thousandths in SQL) and grouped by currency, so amounts in different currencies
never mix. profit = revenue - (supplier + email + sms + validation costs).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Connection

from turnout.db.schema import leads, rollup_lead_days, rollup_lead_hours
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
from turnout.reports.rollups import LEADS

COUNTS = ("leads", "valid", "invalid", "pending", "rejections", "approved", "returns")
COSTS = ("supplier_cost", "email_cost", "sms_cost", "validation_cost")

QUERY = AdditiveQuery(
    source=leads,
    time_column="received_at",
    keys={
        "campaign": "campaign_id",
        "supplier": "supplier_id",
        "campaign_id": "campaign_id",
        "supplier_id": "supplier_id",
        "currency": "currency",
    },
    sums=LEADS.sums,
    rollup=rollup_lead_hours,
    day_rollup=rollup_lead_days,
)


def compute(conn: Connection, request: ReportRequest, deadline: Deadline) -> ReportOutput:
    keys = [*request.group_by, "currency"]
    found = sums_for(conn, QUERY, request, keys, deadline, "leads")
    names = [name for name, _ in QUERY.sums]
    values: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, sums in found.totals.items():
        row = dict(zip(names, sums, strict=True))
        metrics: dict[str, Any] = {name: int(row[name]) for name in COUNTS}
        costs = sum((Decimal(row[name]) for name in COSTS), Decimal(0))
        for name in (*COSTS, "revenue"):
            metrics[name] = money(row[name])
        metrics["profit"] = money(Decimal(row["revenue"]) - costs)
        values[key] = metrics
    labels = {}
    for position, dim in enumerate(request.group_by, start=1):
        labels[dim] = fetch_labels(conn, request.workspace_id, dim, (k[position] for k in values))
    return ReportOutput(values, labels, used_rollups=found.used_rollups, used_days=found.used_days)


REPORT = Report(
    name="campaign",
    title="Campaign summary",
    description=(
        "Per campaign (group_by=campaign, the default), per supplier (group_by=supplier) or "
        "both: leads received, valid/invalid/pending, rejections/approved/returns, the four "
        "costs, revenue and profit = revenue - all costs, in each currency."
    ),
    time_field="received_at",
    metrics=(
        Metric("leads", "integer", "leads received"),
        Metric("valid", "integer", "leads with status valid"),
        Metric("invalid", "integer", "leads with status invalid"),
        Metric("pending", "integer", "leads with status pending"),
        Metric("rejections", "integer", "leads with outcome rejected"),
        Metric("approved", "integer", "leads with outcome approved"),
        Metric("returns", "integer", "leads with outcome returned"),
        Metric("supplier_cost", "decimal", "sum of supplier costs"),
        Metric("email_cost", "decimal", "sum of email costs"),
        Metric("sms_cost", "decimal", "sum of SMS costs"),
        Metric("validation_cost", "decimal", "sum of validation costs"),
        Metric("revenue", "decimal", "sum of revenue"),
        Metric("profit", "decimal", "revenue minus the four costs"),
    ),
    dimensions=(
        Dimension(
            "campaign",
            (
                Column("campaign_id", "integer"),
                Column("campaign_name"),
                Column("campaign_reference"),
            ),
            "the lead's campaign",
        ),
        Dimension(
            "supplier",
            (Column("supplier_id", "integer"), Column("supplier_name")),
            "the lead's supplier (empty when none)",
        ),
    ),
    filters=(
        Filter("campaign_id", "id", "only these campaigns"),
        Filter("supplier_id", "id", "only these suppliers"),
        Filter("currency", "text", "only leads in these currencies"),
    ),
    default_group_by=("campaign",),
    compute=compute,
    rollups=("leads",),
    implicit_columns=(Column("currency"),),
)
