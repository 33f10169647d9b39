-- Copies each product's master category onto its order lines (purchases.product_category), so that
-- category conditions read one column instead of joining the product master for every line.
-- Only lines whose copy is out of date are written. Runs inside the import's transaction. :lines is
-- purchases, or a full load's side table (src/engine/duckdb/import/master-categories.ts);
-- :rows is true, or a range of the side table's rowids (copied a range per transaction:
-- src/engine/duckdb/import/lines-numbered-later.ts).
UPDATE :lines SET product_category = master.category
FROM (SELECT product_code, max(category) AS category FROM products GROUP BY product_code) AS master
WHERE :lines.product_code = master.product_code AND :lines.product_category IS DISTINCT FROM master.category AND :rows;
UPDATE :lines SET product_category = NULL
WHERE product_category IS NOT NULL AND product_code NOT IN (SELECT product_code FROM products) AND :rows;
