"""Schemathesis walks our own OpenAPI document: no generated request may cause a 5xx.

Schemathesis's pytest plugin does not run under this pytest version, so its
strategies are driven with Hypothesis directly, one operation at a time.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from tests.factories import make_customer, make_key, make_sale, make_session, make_venue

EXAMPLES_PER_OPERATION = 15


def test_no_generated_request_is_a_server_error(app, engine, workspace):
    venue = make_venue(engine, workspace)
    customer = make_customer(engine, workspace)
    session = make_session(engine, workspace, venue_id=venue, customer_id=customer)
    make_sale(engine, workspace, session_id=session, customer_id=customer, venue_id=venue)
    _, key = make_key(engine, workspace)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            response = case.call(headers={"Authorization": f"Bearer {key}"})
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code >= 400:
                assert set(response.json()) == {"error"}, response.text

        check()
