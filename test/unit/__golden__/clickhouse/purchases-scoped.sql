-- purchases-scoped: compileMembers, summaries and value dictionary
-- definition: {"where":{"all":[{"kind":"purchases","window":{"from":"today-1y","on":"shipped"},"stores":["100"],"media":["line"],"orderCodes":{"min":"A0001"},"groups":{"管理":["VIP"]},"orderCount":{"min":2},"firstOrderProducts":["P1"],"products":[{"products":["P1","P2"],"count":{"min":2}},{"categories":["サプリ"],"count":{"max":3},"unit":"quantity"}]},{"kind":"purchases","window":{"to":"2024-12-31"},"products":[{"products":["P3"],"count":{"min":1}},{"products":["P4"],"count":{"min":0,"max":0}}]}]}}
WITH "w2" AS (SELECT customer_id, count(*) AS order_count, COALESCE(sum(sales), 0) AS sales,
        min(ts) AS first_ordered_at, max(ts) AS last_ordered_at, argMax(tuple("shipped"), tuple("ts", "order_id")).1 AS last_shipped_at,
        argMin(tuple("order_id"), tuple("ts", "order_id")).1 AS first_order_id, argMax(tuple("order_id"), tuple("ts", "order_id")).1 AS last_order_id
      FROM (SELECT p.customer_id, p.order_id, min(p.ordered_at) AS ts, max(p.shipped_at) AS shipped, sum(p.amount) AS sales
            FROM purchases p WHERE (ifNull(p.counted, 1) != 0 AND ifNull(p.status != 'cancelled', isNull(p.status) != isNull('cancelled')) AND ("p"."shipped_at" >= toDateTime($1, 'UTC')) AND "p"."store_id" IN ($2) AND "p"."media" IN ($3) AND p.order_code >= $4 AND p."group:管理" IN ($5)) GROUP BY p.customer_id, p.order_id)
      GROUP BY customer_id) SELECT c.customer_id FROM customers AS c LEFT JOIN (SELECT * FROM "w2") AS "j1" ON "j1"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT DISTINCT f.customer_id FROM "w2" f
          JOIN purchases p ON p.order_id = f."first_order_id" AND p.customer_id = f.customer_id
          WHERE (ifNull(p.counted, 1) != 0 AND ifNull(p.status != 'cancelled', isNull(p.status) != isNull('cancelled')) AND ("p"."shipped_at" >= toDateTime($6, 'UTC')) AND "p"."store_id" IN ($7) AND "p"."media" IN ($8) AND p.order_code >= $9 AND p."group:管理" IN ($10)) AND "p"."product_code" IN ($11)) AS "j3" ON "j3"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT customer_id, countIf("m0") AS "f0", sum("m1") AS "f1" FROM (
        SELECT p.customer_id, p.order_id, max(ifNull(("p"."product_code" IN ($12, $13)), 0)) AS "m0", sum(CASE WHEN (COALESCE(p.category, p.product_category) IN ($14)) THEN COALESCE(p.quantity, 1) END) AS "m1" FROM purchases p
        WHERE (ifNull(p.counted, 1) != 0 AND ifNull(p.status != 'cancelled', isNull(p.status) != isNull('cancelled')) AND ("p"."shipped_at" >= toDateTime($15, 'UTC')) AND "p"."store_id" IN ($16) AND "p"."media" IN ($17) AND p.order_code >= $18 AND p."group:管理" IN ($19)) AND ("p"."product_code" IN ($20, $21) OR COALESCE(p.category, p.product_category) IN ($22))
        GROUP BY p.customer_id, p.order_id)
      GROUP BY customer_id) AS "j4" ON "j4"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT p.customer_id, max(ifNull(("p"."product_code" IN ($23)), 0)) AS "f0", max(ifNull(("p"."product_code" IN ($24)), 0)) AS "f1"
          FROM purchases p WHERE (ifNull(p.counted, 1) != 0 AND ifNull(p.status != 'cancelled', isNull(p.status) != isNull('cancelled')) AND ("p"."ordered_at" < toDateTime($25, 'UTC'))) AND ("p"."product_code" IN ($26, $27)) GROUP BY p.customer_id) AS "j5" ON "j5"."customer_id" = "c"."customer_id" WHERE NOT COALESCE("c"."deleted", false) AND ((COALESCE((COALESCE("j1"."order_count", 0) >= $28), false) AND ("j3"."customer_id" IS NOT NULL) AND COALESCE((COALESCE("j4"."f0", 0) >= $29), false) AND COALESCE((COALESCE("j4"."f1", 0) <= $30), false)) AND (COALESCE("j5"."f0", false) AND (NOT COALESCE("j5"."f1", false))))
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
