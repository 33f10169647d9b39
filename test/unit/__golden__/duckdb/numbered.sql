-- numbered: compileCount, numbered
-- definition: {"where":{"all":[{"kind":"purchases","orderCount":{"min":2},"sales":{"min":10000}},{"kind":"purchases","window":{"from":"today-365d"},"orderCount":{"min":0,"max":0}},{"kind":"mail","event":"open","mails":["M1","M2"]},{"not":{"kind":"mail","event":"click","mails":["M3","M4"]}}]}}
SELECT count(*) AS count,
      count(*) FILTER (WHERE (COALESCE((NOT (CASE WHEN "c"."email_pc" IS NULL THEN true WHEN unicode("c"."email_pc") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."email_pc") = '' ELSE "c"."email_pc" = '' END)) AND c.mail_permission IN ($1, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) OR COALESCE((NOT (CASE WHEN "c"."email_mobile" IS NULL THEN true WHEN unicode("c"."email_mobile") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."email_mobile") = '' ELSE "c"."email_mobile" = '' END)) AND c.mail_permission IN ($2, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false))) AS email,
      count(*) FILTER (WHERE COALESCE(c.line_linked AND COALESCE(c.line_status, 'normal') = 'normal' AND COALESCE(c.line_permission, 'allowed') = 'allowed' AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS line,
      count(*) FILTER (WHERE COALESCE(c.dm_permission = 'allowed' AND (NOT (CASE WHEN "c"."postal_code" IS NULL THEN true WHEN unicode("c"."postal_code") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."postal_code") = '' ELSE "c"."postal_code" = '' END)) AND (NOT (CASE WHEN "c"."address" IS NULL THEN true WHEN unicode("c"."address") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."address") = '' ELSE "c"."address" = '' END)) AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS dm
      FROM customers AS c LEFT JOIN (SELECT * FROM customer_summary) AS "j1" ON "j1"."customer_no" = "c"."customer_no" LEFT JOIN (SELECT "e"."customer_no" FROM (SELECT * FROM mail_events WHERE mail_id = $3 UNION ALL SELECT * FROM mail_events WHERE mail_id = $4) e WHERE e.event = $5 GROUP BY "e"."customer_no") AS "j2" ON "j2"."customer_no" = "c"."customer_no" WHERE ("c"."deleted" IS NOT true OR "j2"."customer_no" IS NULL) AND ((COALESCE((COALESCE("j1"."order_count", 0) >= $6), false) AND COALESCE((COALESCE("j1"."sales", 0) >= $7), false)) AND (NOT COALESCE(("j1"."last_line_at" >= CAST($8 AS TIMESTAMP)), false)) AND ("j2"."customer_no" IS NOT NULL) AND (get_bit((SELECT bitstring_agg("m"."customer_no", 0, 1000) FROM (SELECT "e"."customer_no" FROM (SELECT * FROM mail_events WHERE mail_id = $9 UNION ALL SELECT * FROM mail_events WHERE mail_id = $10) e WHERE e.event = $11) AS m), "c"."customer_no") IS DISTINCT FROM 1))
-- parameters:
-- $1 = "pc"
-- $2 = "mobile"
-- $3 = "M1"
-- $4 = "M2"
-- $5 = "open"
-- $6 = 2
-- $7 = 10000
-- $8 = "2024-03-31 00:00:00"
-- $9 = "M3"
-- $10 = "M4"
-- $11 = "click"
