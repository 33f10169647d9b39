-- mail: compileMembers, row by row
-- definition: {"where":{"any":[{"kind":"mail","event":"open","mails":["M1","M2"],"window":{"from":"today-30d"}},{"kind":"mail","event":"click","mailFilter":{"kinds":["manual"],"subjectContains":"ｾｰﾙ","sent":{"from":"2025-01-01"},"stores":["100"]},"match":"all"},{"not":{"kind":"mail","event":"send","mails":["M3"],"match":"all"}}]}}
WITH "w2" AS (SELECT DISTINCT mail_id FROM mails WHERE true AND "kind" IN ($1) AND "store_id" IN ($2) AND position(lowerUTF8(normalizeUTF8NFKC("subject")), $3) > 0 AND ("sent_at" >= toDateTime($4, 'UTC'))), "w4" AS (SELECT DISTINCT arrayJoin($5) AS mail_id) SELECT c.customer_id FROM customers AS c LEFT JOIN (SELECT "e"."customer_id" FROM (SELECT * FROM mail_events WHERE mail_id = $6 UNION ALL SELECT * FROM mail_events WHERE mail_id = $7) e WHERE e.event = $8 AND ("e"."occurred_at" >= toDateTime($9, 'UTC')) GROUP BY "e"."customer_id") AS "j1" ON "j1"."customer_id" = "c"."customer_id" LEFT JOIN (SELECT "e"."customer_id" FROM mail_events e WHERE e.event = $10 AND e.mail_id IN (SELECT mail_id FROM "w2") GROUP BY "e"."customer_id"
        HAVING count(DISTINCT e.mail_id) = (SELECT count(*) FROM "w2")) AS "j3" ON "j3"."customer_id" = "c"."customer_id" WHERE NOT COALESCE("c"."deleted", false) AND (("j1"."customer_id" IS NOT NULL) OR ("j3"."customer_id" IS NOT NULL) OR ("c"."customer_id" NOT IN (SELECT "e"."customer_id" FROM (SELECT * FROM mail_events WHERE mail_id = $11) e WHERE e.event = $12 GROUP BY "e"."customer_id"
        HAVING count(DISTINCT e.mail_id) = (SELECT count(*) FROM "w4"))))
-- parameters:
-- $1 = "manual"
-- $2 = "100"
-- $3 = "セール"
-- $4 = "2025-01-01 00:00:00"
-- $5 = ["M3"]
-- $6 = "M1"
-- $7 = "M2"
-- $8 = "open"
-- $9 = "2025-03-01 00:00:00"
-- $10 = "click"
-- $11 = "M3"
-- $12 = "send"
