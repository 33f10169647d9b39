-- numbered-mail-sets: compileCount, numbered, stored mail sets
-- definition: {"where":{"all":[{"kind":"mail","event":"open","mails":["M1","M2"]},{"not":{"kind":"mail","event":"click","mailFilter":{"kinds":["scenario"]}}},{"not":{"kind":"mail","event":"send","mails":["M3"]}}]}}
WITH "w2" AS (SELECT DISTINCT mail_id FROM mails WHERE true AND "kind" = $1) SELECT count(*) AS count,
      count(*) FILTER (WHERE (COALESCE((NOT (CASE WHEN "c"."email_pc" IS NULL THEN true WHEN unicode("c"."email_pc") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."email_pc") = '' ELSE "c"."email_pc" = '' END)) AND c.mail_permission IN ($2, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) OR COALESCE((NOT (CASE WHEN "c"."email_mobile" IS NULL THEN true WHEN unicode("c"."email_mobile") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."email_mobile") = '' ELSE "c"."email_mobile" = '' END)) AND c.mail_permission IN ($3, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false))) AS email,
      count(*) FILTER (WHERE COALESCE(c.line_linked AND COALESCE(c.line_status, 'normal') = 'normal' AND COALESCE(c.line_permission, 'allowed') = 'allowed' AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS line,
      count(*) FILTER (WHERE COALESCE(c.dm_permission = 'allowed' AND (NOT (CASE WHEN "c"."postal_code" IS NULL THEN true WHEN unicode("c"."postal_code") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."postal_code") = '' ELSE "c"."postal_code" = '' END)) AND (NOT (CASE WHEN "c"."address" IS NULL THEN true WHEN unicode("c"."address") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."address") = '' ELSE "c"."address" = '' END)) AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS dm
      FROM customers AS c LEFT JOIN (SELECT "e"."customer_no" FROM (SELECT * FROM mail_events WHERE mail_id = $4 UNION ALL SELECT * FROM mail_events WHERE mail_id = $5) e WHERE e.event = $6 GROUP BY "e"."customer_no") AS "j1" ON "j1"."customer_no" = "c"."customer_no" WHERE ("c"."deleted" IS NOT true OR "j1"."customer_no" IS NULL) AND (("j1"."customer_no" IS NOT NULL) AND (CASE WHEN "c"."customer_no" <= 990 THEN get_bit((SELECT bit_or("customers") FROM mail_event_sets WHERE event = $7 AND mail_id IN (SELECT mail_id FROM "w2")), "c"."customer_no") END IS DISTINCT FROM 1) AND (get_bit((SELECT bitstring_agg("m"."customer_no", 0, 1000) FROM (SELECT "e"."customer_no" FROM (SELECT * FROM mail_events WHERE mail_id = $8) e WHERE e.event = $9) AS m), "c"."customer_no") IS DISTINCT FROM 1))
-- parameters:
-- $1 = "scenario"
-- $2 = "pc"
-- $3 = "mobile"
-- $4 = "M1"
-- $5 = "M2"
-- $6 = "open"
-- $7 = "click"
-- $8 = "M3"
-- $9 = "send"
