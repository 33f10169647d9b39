-- Copies each product's master category onto its order lines (purchases.product_category), so that
-- category conditions read one column instead of joining the product master for every line.
-- Only lines whose copy is out of date are written. Runs inside the import's transaction.
UPDATE purchases SET product_category = master.category
FROM (SELECT product_code, max(category) AS category FROM products GROUP BY product_code) AS master
WHERE purchases.product_code = master.product_code AND purchases.product_category IS DISTINCT FROM master.category;
UPDATE purchases SET product_category = NULL
WHERE product_category IS NOT NULL AND product_code NOT IN (SELECT product_code FROM products);
