-- Lifetime purchase figures per customer on ClickHouse (src/engine/clickhouse/customer-summary.ts
-- reads this file): DuckDB's customer_summary (../schema.sql, ../purchase-summaries.sql) over the
-- counted lines of the shard's purchases, one row per customer with a counted line. Sharded like
-- the purchases: customer_summary_local on every shard and the Distributed customer_summary over
-- them (on one server: customer_summary). Built whole from a purchases version by every import
-- of purchases and by copyRowsToClickHouse, swapped in with the purchases.
-- An order's time is the earliest ordered_at of its counted lines, its shipping time the latest
-- shipped_at; the first / last order are the least / greatest (time, order_id).
-- customer_summary_basis (one row per shard, swapped in with the summary) holds the sales basis
-- the summary counted lines by (JSON of the sales-statuses setting, `null` when unset): the
-- planner reads the summary only when it is the shop's current basis, else the lines.
-- {table}, {lines}, {counted} and {basis} are replaced by schema-qualified names, the counted-line
-- test and the basis literal.

-- summary
CREATE TABLE IF NOT EXISTS {table} (
  customer_id      String,
  order_count      UInt64,
  sales            Decimal(38, 4),
  first_ordered_at DateTime('UTC'),
  last_ordered_at  DateTime('UTC'),
  last_shipped_at  Nullable(DateTime('UTC')),
  first_order_id   String,
  last_order_id    String,
  last_line_at     DateTime('UTC')
) ENGINE = MergeTree ORDER BY customer_id;

-- basis
CREATE TABLE IF NOT EXISTS {table} (basis String) ENGINE = TinyLog;

-- build
INSERT INTO {table} (customer_id, order_count, sales, first_ordered_at, last_ordered_at, last_shipped_at, first_order_id, last_order_id, last_line_at)
SELECT customer_id,
       count() AS order_count,
       ifNull(sum(order_sales), toDecimal128('0', 4)) AS sales,
       min(ts) AS first_ordered_at,
       max(ts) AS last_ordered_at,
       -- argMax skips a NULL argument: the tuple keeps an order never shipped
       argMax(tuple(shipped), tuple(ts, order_id)).1 AS last_shipped_at,
       argMin(order_id, tuple(ts, order_id)) AS first_order_id,
       argMax(order_id, tuple(ts, order_id)) AS last_order_id,
       max(ts_last) AS last_line_at
FROM (
  SELECT customer_id, order_id, min(ordered_at) AS ts, max(ordered_at) AS ts_last, max(shipped_at) AS shipped, sum(amount) AS order_sales
  FROM {lines} AS p
  WHERE {counted}
  GROUP BY customer_id, order_id
)
GROUP BY customer_id;

-- record
INSERT INTO {table} (basis) VALUES ({basis});
