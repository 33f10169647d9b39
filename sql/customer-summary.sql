-- Rebuilds customer_summary from purchases (see schema.sql). Runs inside the import's transaction.
DELETE FROM customer_summary;
INSERT INTO customer_summary
SELECT customer_id,
       count(*) AS order_count,
       COALESCE(sum(sales), 0) AS sales,
       min(ts) AS first_ordered_at,
       max(ts) AS last_ordered_at,
       arg_max({'v': shipped}, {'t': ts, 'o': order_id}).v AS last_shipped_at,
       arg_min(order_id, {'t': ts, 'o': order_id}) AS first_order_id,
       arg_max(order_id, {'t': ts, 'o': order_id}) AS last_order_id
FROM (
  SELECT customer_id, order_id, min(ordered_at) AS ts, max(shipped_at) AS shipped, sum(amount) AS sales
  FROM purchases
  WHERE counted IS NOT false AND status IS DISTINCT FROM 'cancelled'
  GROUP BY customer_id, order_id
)
GROUP BY customer_id;
