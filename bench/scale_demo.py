"""Scale a loaded demo workspace up N times, for the report benchmark (bench only).

    .venv/bin/python bench/scale_demo.py --db URL [--workspace demo] [--times 10]

`turnout demo --size 10000000` would take about 18 minutes on SQLite and 50 on
PostgreSQL here; this makes a set of the same shape from a loaded `--size 1000000`
workspace in a fraction of that, with INSERT ... SELECT inside the database. It adds
`times - 1` copies of the workspace's customers, sessions, sales, leads and
(waitlist) events to the same workspace:

* copy k (1 .. times-1) of a row gets id + k x (the table's highest id before
  copying); customer and session references point into the same copy, but waitlist
  events keep their agent (`actor_id`: the demo's few support staff, whatever the
  size);
* every time a report reads (joined_at, left_at and the other session times,
  sold_at, received_at, occurred_at) moves k x 433 s later, so copies do not stack
  on the same instants; created_at and updated_at stay (historical);
* what must stay unique is made unique: customer email (`+c<k>` before the @),
  display name and external id (` #<k>`, `-<k>`), session uuid (its first 8 hex
  digits are the new id), external_uuid (`-<k>`).

Venues, items, campaigns and suppliers stay the same, as a demo load of 10x the size
would keep them (it would have 11 campaigns and 7 suppliers instead of 10 and 6).
Session labels, vouchers and purchases are not copied (no report reads them). The
rollups are left alone: run `turnout rollups rebuild` after.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from turnout.db import migrate, schema
from turnout.db.engine import make_engine
from turnout.ingest.bulk import sync_id_sequence

SHIFT_SECONDS = 433
TIMES = {
    "sessions": (
        "start_at",
        "joined_at",
        "left_at",
        "last_entered_at",
        "first_exited_at",
        "code_first_scanned_at",
        "code_last_scanned_at",
        "expires_at",
        "cancelled_at",
    ),
    "sales": ("sold_at",),
    "leads": ("received_at",),
    "events": ("occurred_at",),
}
# column -> the table whose copy it points into
REFERENCES = {
    "customers": {},
    "sessions": {"customer_id": "customers", "referenced_session_id": "sessions"},
    "sales": {"customer_id": "customers", "session_id": "sessions"},
    "leads": {"customer_id": "customers"},
    "events": {"customer_id": "customers"},
}


def _shifted(dialect: str, column: str, seconds: int) -> str:
    if dialect == "postgresql":
        return f"{column} + interval '{seconds} seconds'"
    # fixed-width UTC text: shift the whole seconds, keep the fraction and the Z
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S', substr({column}, 1, 19), '+{seconds} seconds')"
        f" || substr({column}, 20)"
    )


def _hex8(dialect: str, value: str) -> str:
    if dialect == "postgresql":
        return f"lpad(to_hex({value}), 8, '0')"
    return f"printf('%08x', {value})"


def _expressions(dialect: str, table: sa.Table, k: int, steps: dict[str, int]) -> dict[str, str]:
    name = table.name
    out = {column.name: column.name for column in table.c}
    out["id"] = f"id + {k * steps[name]}"
    for column, target in REFERENCES[name].items():
        out[column] = f"{column} + {k * steps[target]}"
    if name == "events":  # the support agents are the same staff (a shift's end names them)
        out["customer_id"] = (
            f"CASE WHEN customer_id = actor_id THEN actor_id ELSE {out['customer_id']} END"
        )
    for column in TIMES.get(name, ()):
        out[column] = _shifted(dialect, column, k * SHIFT_SECONDS)
    if name == "customers":
        out["email"] = f"replace(email, '@', '+c{k}@')"
        out["display_name"] = f"display_name || ' #{k}'"
        out["external_id"] = f"external_id || '-{k}'"
    if name == "sessions":
        out["uuid"] = f"{_hex8(dialect, out['id'])} || substr(uuid, 9)"
        out["external_uuid"] = f"external_uuid || '-{k}'"
    return out


def scale(
    url: str,
    slug: str,
    times: int,
    only: Sequence[str] = (),
    say: Callable[[str], None] = print,
) -> None:
    engine = make_engine(url)
    migrate.upgrade(engine)
    dialect = engine.dialect.name
    tables = [schema.customers, schema.sessions, schema.sales, schema.leads, schema.events]
    with engine.connect() as conn:
        ws = conn.execute(
            sa.text("SELECT id FROM workspaces WHERE slug = :slug"), {"slug": slug}
        ).scalar_one()
        steps = {
            t.name: int(conn.execute(sa.text(f"SELECT max(id) FROM {t.name}")).scalar_one() or 0)
            for t in tables
        }
        # with --only, the tables left alone were scaled already (by this, same --times)
        for name in steps:
            if only and name not in only:
                steps[name] //= times
        tops = {
            t.name: int(
                conn.execute(
                    sa.text(f"SELECT max(id) FROM {t.name} WHERE workspace_id = :ws"), {"ws": ws}
                ).scalar_one()
                or 0
            )
            for t in tables
        }
    for table in tables:
        if only and table.name not in only:
            continue
        for k in range(1, times):
            started = time.perf_counter()
            exprs = _expressions(dialect, table, k, steps)
            columns = ", ".join(exprs)
            values = ", ".join(exprs.values())
            sql = (
                f"INSERT INTO {table.name} ({columns}) SELECT {values} FROM {table.name} "
                f"WHERE workspace_id = :ws AND id <= :top"
            )
            with engine.begin() as conn:
                count = conn.execute(sa.text(sql), {"ws": ws, "top": tops[table.name]}).rowcount
            say(f"{table.name} copy {k}: {count:,} rows in {time.perf_counter() - started:.1f}s")
        with engine.begin() as conn:
            sync_id_sequence(conn, table)
    if dialect == "postgresql":  # SQLite gets no ANALYZE, like the demo sets it is compared with
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--workspace", default="demo")
    parser.add_argument("--times", type=int, default=10)
    parser.add_argument("--only", default="", help="copy only these tables (comma list)")
    args = parser.parse_args()
    started = time.perf_counter()
    scale(args.db, args.workspace, args.times, [t for t in args.only.split(",") if t])
    print(f"scaled x{args.times} in {time.perf_counter() - started:.0f}s")


if __name__ == "__main__":
    main()
