-- reachable-flags-segment: compileMemberFlags, row by row
-- definition: {"includeDeleted":true,"where":{"all":[{"kind":"reachable","channel":"email"},{"not":{"kind":"reachable","channel":"dm"}},{"kind":"segment","name":"saved-vip"},{"any":[]}]}}
WITH "w1" AS (SELECT c.customer_id FROM customers AS c LEFT JOIN (SELECT * FROM customer_summary) AS "j2" ON "j2"."customer_id" = "c"."customer_id" WHERE NOT COALESCE("c"."deleted", false) AND (COALESCE(hasAny(arrayMap(t -> lowerUTF8(normalizeUTF8NFKC(t)), "c"."tags"), $1), false) OR COALESCE((COALESCE("j2"."sales", 0) >= $2), false))) SELECT c.customer_id, (COALESCE((NOT ifNull(match("c"."email_pc", '^[                　]*$'), 1)) AND c.mail_permission IN ($3, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) OR COALESCE((NOT ifNull(match("c"."email_mobile", '^[                　]*$'), 1)) AND c.mail_permission IN ($4, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AS email, COALESCE(c.line_linked AND COALESCE(c.line_status, 'normal') = 'normal' AND COALESCE(c.line_permission, 'allowed') = 'allowed' AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) AS line,
    COALESCE(c.dm_permission = 'allowed' AND (NOT ifNull(match("c"."postal_code", '^[                　]*$'), 1)) AND (NOT ifNull(match("c"."address", '^[                　]*$'), 1)) AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) AS dm FROM customers AS c LEFT JOIN (SELECT DISTINCT customer_id FROM "w1") AS "j3" ON "j3"."customer_id" = "c"."customer_id" WHERE true AND ((COALESCE((NOT ifNull(match("c"."email_pc", '^[                　]*$'), 1)) AND c.mail_permission IN ($5, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false) OR COALESCE((NOT ifNull(match("c"."email_mobile", '^[                　]*$'), 1)) AND c.mail_permission IN ($6, 'both')
    AND COALESCE(c.mail_status, 'normal') = 'normal' AND COALESCE(c.bounce_count, 0) < 3 AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AND (NOT COALESCE(c.dm_permission = 'allowed' AND (NOT ifNull(match("c"."postal_code", '^[                　]*$'), 1)) AND (NOT ifNull(match("c"."address", '^[                　]*$'), 1)) AND NOT COALESCE(c.withdrawn, false) AND NOT COALESCE(c.deleted, false), false)) AND ("j3"."customer_id" IS NOT NULL) AND false)
-- parameters:
-- $1 = ["vip"]
-- $2 = 5000
-- $3 = "pc"
-- $4 = "mobile"
-- $5 = "pc"
-- $6 = "mobile"
