"""LeadByte's report types, each one core report grouped one way.

| type | core report | grouped by | row object |
|---|---|---|---|
| `campaign` | `campaign` | campaign | `campaign: {id, name, reference}` |
| `supplier` | `campaign` | supplier | `supplier: {id, name}` |

LeadByte runs one report *of a type* at a time per account and lets different
types run together. The core's lock is per (workspace, report name), so the
supplier type runs the campaign report under its own name (`supplier`): it gets its
own lock, while the campaign type shares the native `GET /v1/reports/campaign` lock.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from turnout.reports import BY_NAME
from turnout.reports.model import Report

CAMPAIGN_REPORT = BY_NAME["campaign"]

# (LeadByte name, core metric name), in the seed's order.
METRICS: tuple[tuple[str, str], ...] = (
    ("leads", "leads"),
    ("valid", "valid"),
    ("invalid", "invalid"),
    ("pending", "pending"),
    ("rejections", "rejections"),
    ("approved", "approved"),
    ("returns", "returns"),
    ("supplierCost", "supplier_cost"),
    ("emailCost", "email_cost"),
    ("smsCost", "sms_cost"),
    ("validationCost", "validation_cost"),
    ("revenue", "revenue"),
    ("profit", "profit"),
)

# LeadByte parameter -> core report filter.
FILTERS: dict[str, str] = {"campaignId": "campaign_id", "supplierId": "supplier_id"}


@dataclass(frozen=True)
class ReportType:
    name: str
    report: Report
    """The core report run (its name is the lock's name)."""
    dimension: str
    """The core dimension grouped by; also the key of the row's object."""
    object_fields: tuple[tuple[str, str], ...]
    """(LeadByte field, core column) of the row's object."""
    summary: str


REPORT_TYPES: tuple[ReportType, ...] = (
    ReportType(
        name="campaign",
        report=CAMPAIGN_REPORT,
        dimension="campaign",
        object_fields=(
            ("id", "campaign_id"),
            ("name", "campaign_name"),
            ("reference", "campaign_reference"),
        ),
        summary="LeadByte: campaign summary report",
    ),
    ReportType(
        name="supplier",
        report=replace(CAMPAIGN_REPORT, name="supplier", title="Supplier summary"),
        dimension="supplier",
        object_fields=(("id", "supplier_id"), ("name", "supplier_name")),
        summary="LeadByte: supplier summary report",
    ),
)
BY_TYPE: dict[str, ReportType] = {t.name: t for t in REPORT_TYPES}
