-- Rebuilds the order and product summaries (see schema.sql) in scope; the category summary is
-- customer-categories.sql. Runs inside the import's transaction. :customer_scope is replaced by a
-- condition on customer_id, :product_scope by one on (customer_id, product_code): "true" for
-- everyone, or membership of the rows a small upsert recounts from their lines (the rest it moves
-- by the touched orders' difference: src/engine/duckdb/import/order-deltas.ts);
-- :sales_status by the shop's sales basis (a status of the sales-statuses setting, else any but
-- cancelled: src/engine/duckdb/import/derived.ts);
-- :customer_pass (:product_pass) by a hash partition of the customers (products) when a full
-- rebuild of a large shop takes several passes (derived.ts CUSTOMERS_PER_SUMMARY_PASS), else true;
-- a full rebuild writes product rows in product order so that a condition on a product reads only
-- its blocks. :lines is the order lines' table: purchases, or the side table a full load fills
-- before it takes purchases' place (src/engine/duckdb/import/side-load.ts). A full rebuild gives
-- each summary row its customer's number as it is written (:number_column, :number_value and
-- :number_join; src/engine/duckdb/import/customer-numbers.ts), an upsert's recount none.
DELETE FROM customer_summary WHERE :customer_scope;
INSERT INTO customer_summary (customer_id, order_count, sales, first_ordered_at, last_ordered_at, last_shipped_at,
                              first_order_id, last_order_id, last_line_at:number_column)
SELECT o.customer_id, order_count, sales, f.t AS first_ordered_at, l.t AS last_ordered_at, l.s AS last_shipped_at,
       f.o AS first_order_id, l.o AS last_order_id, last_line_at:number_value
FROM (
  -- An order is first / last by its time, then its id (unique per customer, so shipped never
  -- decides): two struct min / max instead of three arg_min / arg_max (7% faster a pass).
  -- A full rebuild of a shop of few categories writes the same figures from its own copy of this
  -- aggregate (src/engine/duckdb/import/summaries-by-customer.ts): change both alike.
  SELECT customer_id,
         count(*) AS order_count,
         COALESCE(sum(sales), 0) AS sales,
         min({'t': ts, 'o': order_id}) AS f,
         max({'t': ts, 'o': order_id, 's': shipped}) AS l,
         max(ts_last) AS last_line_at
  FROM (
    SELECT customer_id, order_id, min(ordered_at) AS ts, max(ordered_at) AS ts_last, max(shipped_at) AS shipped, sum(amount) AS sales
    FROM :lines
    WHERE counted IS NOT false AND :sales_status AND :customer_scope AND :customer_pass
    GROUP BY customer_id, order_id
  )
  GROUP BY customer_id
) AS o:number_join;

DELETE FROM customer_products WHERE :product_scope;
-- An order counts once per product: a pair's lines, less the extra lines of the orders holding the
-- product on several lines. Those are found by a hash of (customer, order, product) met twice,
-- then counted exactly (a hash shared by chance only costs a closer look): one aggregate of every
-- line instead of two (per order, then per pair), 7.1 -> 6.2 s at 1x.
INSERT INTO customer_products
SELECT l.product_code, l.customer_id, l.lines - COALESCE(r.extra, 0) AS order_count, l.quantity,
       CASE WHEN l.lines - COALESCE(r.extra, 0) = 1 THEN l.some_order END AS only_order_id
FROM (
  -- any line's order is the only one when the pair is in one order
  SELECT product_code, customer_id, count(*) AS lines, sum(COALESCE(quantity, 1))::BIGINT AS quantity, any_value(order_id) AS some_order
  FROM :lines
  WHERE counted IS NOT false AND :sales_status AND :product_scope AND :product_pass
  GROUP BY product_code, customer_id
) AS l
LEFT JOIN (
  SELECT product_code, customer_id, sum(n - 1) AS extra
  FROM (
    SELECT product_code, customer_id, order_id, count(*) AS n
    FROM :lines
    WHERE counted IS NOT false AND :sales_status AND :product_scope AND :product_pass
      AND hash(customer_id, order_id, product_code) IN (
        SELECT h FROM (
          SELECT hash(customer_id, order_id, product_code) AS h
          FROM :lines
          WHERE counted IS NOT false AND :sales_status AND :product_scope AND :product_pass
        )
        GROUP BY h HAVING count(*) > 1
      )
    GROUP BY product_code, customer_id, order_id
    HAVING count(*) > 1
  )
  GROUP BY product_code, customer_id
) AS r ON r.product_code = l.product_code AND r.customer_id = l.customer_id
:order_products;
