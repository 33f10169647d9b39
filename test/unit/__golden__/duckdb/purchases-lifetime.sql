-- purchases-lifetime: compileCount, summaries and value dictionary
-- definition: {"where":{"all":[{"kind":"purchases","orderCount":{"min":2},"sales":{"min":10000},"lastOrderedAt":{"to":"today-90d"}},{"kind":"purchases","products":[{"products":["P00001"],"count":{"min":1}},{"categories":["化粧品"],"count":{"min":2}},{"products":["P00002"],"count":{"min":0,"max":0}}]},{"kind":"purchases","window":{"from":"today-90d"},"orderCount":{"min":1}}]}}
SELECT count(*) AS count,
      count(*) FILTER (WHERE (COALESCE((NOT (CASE WHEN "c"."email_pc" IS NULL THEN true WHEN unicode("c"."email_pc") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."email_pc") = '' ELSE "c"."email_pc" = '' END)) AND c.mail_permission IN ($1, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) OR COALESCE((NOT (CASE WHEN "c"."email_mobile" IS NULL THEN true WHEN unicode("c"."email_mobile") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."email_mobile") = '' ELSE "c"."email_mobile" = '' END)) AND c.mail_permission IN ($2, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false))) AS email,
      count(*) FILTER (WHERE COALESCE(c.line_linked AND COALESCE(c.line_status, 'normal') = 'normal' AND COALESCE(c.line_permission, 'allowed') = 'allowed' AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS line,
      count(*) FILTER (WHERE COALESCE(c.dm_permission = 'allowed' AND (NOT (CASE WHEN "c"."postal_code" IS NULL THEN true WHEN unicode("c"."postal_code") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."postal_code") = '' ELSE "c"."postal_code" = '' END)) AND (NOT (CASE WHEN "c"."address" IS NULL THEN true WHEN unicode("c"."address") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."address") = '' ELSE "c"."address" = '' END)) AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS dm
      FROM customers AS c LEFT JOIN (SELECT * FROM customer_summary) AS "j1" ON "j1"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT DISTINCT customer_id FROM (SELECT customer_id, 1 AS one FROM "customer_products" AS s WHERE "s"."product_code" = $3)) AS "j2" ON "j2"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT customer_id, sum(f) AS f FROM (SELECT customer_id, "s"."order_count" AS f FROM "customer_categories" AS s WHERE "s"."category" = $4) GROUP BY customer_id) AS "j3" ON "j3"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT DISTINCT customer_id FROM (SELECT customer_id, 1 AS one FROM "customer_products" AS s WHERE "s"."product_code" = $5)) AS "j4" ON "j4"."customer_id" = "c"."customer_id" WHERE "c"."deleted" IS NOT true AND ((COALESCE((COALESCE("j1"."order_count", 0) >= $6), false) AND COALESCE((COALESCE("j1"."sales", 0) >= $7), false) AND COALESCE(("j1"."last_ordered_at" < CAST($8 AS TIMESTAMP)), false)) AND (("j2"."customer_id" IS NOT NULL) AND COALESCE((COALESCE("j3"."f", 0) >= $9), false) AND (NOT ("j4"."customer_id" IS NOT NULL))) AND COALESCE(("j1"."last_line_at" >= CAST($10 AS TIMESTAMP)), false))
-- parameters:
-- $1 = "pc"
-- $2 = "mobile"
-- $3 = "P00001"
-- $4 = "化粧品"
-- $5 = "P00002"
-- $6 = 2
-- $7 = 10000
-- $8 = "2025-01-01 00:00:00"
-- $9 = 2
-- $10 = "2024-12-31 00:00:00"
