-- Rebuilds the category summary (see schema.sql) in scope, as purchase-summaries.sql does the
-- others; run on its own after a products import, which may move categories. :category_rows is a
-- condition on the summary's (customer_id, category), :category_lines the same on the lines'
-- (customer_id, effective category): "true" for everyone, or membership of the customer x category
-- pairs a small upsert recounts (order-deltas.ts). A full rebuild writes rows in category order.
-- :lines is the order lines' table, as in purchase-summaries.sql.
DELETE FROM customer_categories WHERE :category_rows;
-- Per order, then per pair: orders hold a category on several lines far more often than a product
-- (in the benchmark's shop 2.1M of 16.8M order x category pairs, against 27k of 19M for products),
-- and the one aggregate less the repeated lines that customer_products takes
-- (purchase-summaries.sql) was slower here (at 1x 6.9 against 6.6 s).
INSERT INTO customer_categories
SELECT category, customer_id, count(*) AS order_count, sum(quantity)::BIGINT AS quantity
FROM (
  SELECT COALESCE(category, product_category) AS category, customer_id, order_id, sum(COALESCE(quantity, 1)) AS quantity
  FROM :lines
  WHERE counted IS NOT false AND :sales_status AND COALESCE(category, product_category) IS NOT NULL AND :category_lines AND :category_pass
  GROUP BY ALL
)
GROUP BY category, customer_id
:order_categories;
