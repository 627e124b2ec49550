"""Report engine and reports.

Each report is one module exposing `REPORT` (a `turnout.reports.model.Report`);
`REPORTS` lists them in the order `GET /v1/reports` shows them.
"""

from __future__ import annotations

from turnout.reports.model import Report


def _reports() -> tuple[Report, ...]:
    from turnout.reports import attendance, campaign, sales, visits, waitlist

    return (campaign.REPORT, attendance.REPORT, sales.REPORT, visits.REPORT, waitlist.REPORT)


REPORTS: tuple[Report, ...] = _reports()
BY_NAME: dict[str, Report] = {report.name: report for report in REPORTS}
