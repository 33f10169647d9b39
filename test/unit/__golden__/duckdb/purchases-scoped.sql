-- purchases-scoped: compileMembers, summaries and value dictionary
-- definition: {"where":{"all":[{"kind":"purchases","window":{"from":"today-1y","on":"shipped"},"stores":["100"],"media":["line"],"orderCodes":{"min":"A0001"},"groups":{"管理":["VIP"]},"orderCount":{"min":2},"firstOrderProducts":["P1"],"products":[{"products":["P1","P2"],"count":{"min":2}},{"categories":["サプリ"],"count":{"max":3},"unit":"quantity"}]},{"kind":"purchases","window":{"to":"2024-12-31"},"products":[{"products":["P3"],"count":{"min":1}},{"products":["P4"],"count":{"min":0,"max":0}}]}]}}
WITH "w2" AS (SELECT customer_id, count(*) AS order_count, COALESCE(sum(sales), 0) AS sales,
        min(ts) AS first_ordered_at, max(ts) AS last_ordered_at, arg_max({'v': "shipped"}, {'k0': "ts", 'k1': "order_id"}).v AS last_shipped_at,
        arg_min({'v': "order_id"}, {'k0': "ts", 'k1': "order_id"}).v AS first_order_id, arg_max({'v': "order_id"}, {'k0': "ts", 'k1': "order_id"}).v AS last_order_id
      FROM (SELECT p.customer_id, p.order_id, min(p.ordered_at) AS ts, max(p.shipped_at) AS shipped, sum(p.amount) AS sales
            FROM purchases p WHERE (p.counted IS NOT false AND p.status IS DISTINCT FROM 'cancelled' AND ("p"."shipped_at" >= CAST($1 AS TIMESTAMP)) AND "p"."store_id" = $2 AND "p"."media" = $3 AND p.order_code >= $4 AND p."group:管理" = $5) GROUP BY p.customer_id, p.order_id)
      GROUP BY customer_id) SELECT c.customer_id FROM customers AS c LEFT JOIN (SELECT * FROM "w2") AS "j1" ON "j1"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT DISTINCT f.customer_id FROM "w2" f
          JOIN purchases p ON p.order_id = f."first_order_id" AND p.customer_id = f.customer_id
          WHERE (p.counted IS NOT false AND p.status IS DISTINCT FROM 'cancelled' AND ("p"."shipped_at" >= CAST($6 AS TIMESTAMP)) AND "p"."store_id" = $7 AND "p"."media" = $8 AND p.order_code >= $9 AND p."group:管理" = $10) AND "p"."product_code" = $11) AS "j3" ON "j3"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT customer_id, count(*) FILTER (WHERE "m0") AS "f0", sum("m1") AS "f1" FROM (
        SELECT p.customer_id, p.order_id, bool_or((("p"."product_code" IN ($12, $13)) = true)) AS "m0", sum(CASE WHEN (COALESCE(p.category, p.product_category) = $14) THEN COALESCE(p.quantity, 1) END) AS "m1" FROM purchases p
        WHERE (p.counted IS NOT false AND p.status IS DISTINCT FROM 'cancelled' AND ("p"."shipped_at" >= CAST($15 AS TIMESTAMP)) AND "p"."store_id" = $16 AND "p"."media" = $17 AND p.order_code >= $18 AND p."group:管理" = $19) AND (("p"."product_code" IN ($20, $21)) = true OR COALESCE(p.category, p.product_category) = $22)
        GROUP BY p.customer_id, p.order_id)
      GROUP BY customer_id) AS "j4" ON "j4"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT p.customer_id, bool_or(("p"."product_code" = $23)) AS "f0", bool_or(("p"."product_code" = $24)) AS "f1"
          FROM purchases p WHERE (p.counted IS NOT false AND p.status IS DISTINCT FROM 'cancelled' AND ("p"."ordered_at" < CAST($25 AS TIMESTAMP))) AND (("p"."product_code" IN ($26, $27)) = true) GROUP BY p.customer_id) AS "j5" ON "j5"."customer_id" = "c"."customer_id" WHERE "c"."deleted" IS NOT true AND ((COALESCE((COALESCE("j1"."order_count", 0) >= $28), false) AND ("j3"."customer_id" IS NOT NULL) AND COALESCE((COALESCE("j4"."f0", 0) >= $29), false) AND COALESCE((COALESCE("j4"."f1", 0) <= $30), false)) AND (COALESCE("j5"."f0", false) AND (NOT COALESCE("j5"."f1", false))))
-- parameters:
-- $1 = "2024-03-31 00:00:00"
-- $2 = "100"
-- $3 = "line"
-- $4 = "A0001"
-- $5 = "VIP"
-- $6 = "2024-03-31 00:00:00"
-- $7 = "100"
-- $8 = "line"
-- $9 = "A0001"
-- $10 = "VIP"
-- $11 = "P1"
-- $12 = "P1"
-- $13 = "P2"
-- $14 = "サプリ"
-- $15 = "2024-03-31 00:00:00"
-- $16 = "100"
-- $17 = "line"
-- $18 = "A0001"
-- $19 = "VIP"
-- $20 = "P1"
-- $21 = "P2"
-- $22 = "サプリ"
-- $23 = "P3"
-- $24 = "P4"
-- $25 = "2025-01-01 00:00:00"
-- $26 = "P3"
-- $27 = "P4"
-- $28 = 2
-- $29 = 2
-- $30 = 3
