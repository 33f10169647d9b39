-- Rebuilds the category summary (see schema.sql) in scope, as purchase-summaries.sql does the
-- others; run on its own after a products import, which may move categories. :category_rows is a
-- condition on the summary's (customer_id, category), :category_lines the same on the lines'
-- (customer_id, effective category): "true" for everyone, or membership of the customer x category
-- pairs a small upsert recounts (order-deltas.ts). A full rebuild writes rows in category order.
-- :lines is the order lines' table, as in purchase-summaries.sql.
DELETE FROM customer_categories WHERE :category_rows;
-- An order counts once per category, as in purchase-summaries.sql's customer_products.
INSERT INTO customer_categories
SELECT l.category, l.customer_id, l.lines - COALESCE(r.extra, 0) AS order_count, l.quantity
FROM (
  SELECT COALESCE(category, product_category) AS category, customer_id, count(*) AS lines, sum(COALESCE(quantity, 1))::BIGINT AS quantity
  FROM :lines
  WHERE counted IS NOT false AND :sales_status AND COALESCE(category, product_category) IS NOT NULL AND :category_lines AND :category_pass
  GROUP BY ALL
) AS l
LEFT JOIN (
  SELECT category, customer_id, sum(n - 1) AS extra
  FROM (
    SELECT COALESCE(category, product_category) AS category, customer_id, order_id, count(*) AS n
    FROM :lines
    WHERE counted IS NOT false AND :sales_status AND COALESCE(category, product_category) IS NOT NULL AND :category_lines AND :category_pass
      AND hash(customer_id, order_id, COALESCE(category, product_category)) IN (
        SELECT h FROM (
          SELECT hash(customer_id, order_id, COALESCE(category, product_category)) AS h
          FROM :lines
          WHERE counted IS NOT false AND :sales_status AND COALESCE(category, product_category) IS NOT NULL AND :category_lines AND :category_pass
        )
        GROUP BY h HAVING count(*) > 1
      )
    GROUP BY ALL
    HAVING count(*) > 1
  )
  GROUP BY category, customer_id
) AS r ON r.category = l.category AND r.customer_id = l.customer_id
:order_categories;
