-- mail: compileMembers, row by row
-- definition: {"where":{"any":[{"kind":"mail","event":"open","mails":["M1","M2"],"window":{"from":"today-30d"}},{"kind":"mail","event":"click","mailFilter":{"kinds":["manual"],"subjectContains":"ｾｰﾙ","sent":{"from":"2025-01-01"},"stores":["100"]},"match":"all"},{"not":{"kind":"mail","event":"send","mails":["M3"],"match":"all"}}]}}
WITH "w1" AS (SELECT DISTINCT unnest($1::VARCHAR[]) AS mail_id), "w2" AS (SELECT DISTINCT mail_id FROM mails WHERE true AND "kind" IN ($2) AND "store_id" IN ($3) AND strpos(kumiwake_fold("subject"), $4) > 0 AND ("sent_at" >= CAST($5 AS TIMESTAMP))), "w4" AS (SELECT DISTINCT unnest($6::VARCHAR[]) AS mail_id) SELECT c.customer_id FROM customers AS c LEFT JOIN (SELECT e.customer_id FROM mail_events e WHERE e.event = $7 AND e.mail_id IN (SELECT mail_id FROM "w2") GROUP BY e.customer_id
        HAVING count(DISTINCT e.mail_id) = (SELECT count(*) FROM "w2")) AS "j3" ON "j3"."customer_id" = c.customer_id LEFT JOIN (SELECT e.customer_id FROM mail_events e WHERE e.event = $8 AND "e"."mail_id" IN ($9) GROUP BY e.customer_id
        HAVING count(DISTINCT e.mail_id) = (SELECT count(*) FROM "w4")) AS "j5" ON "j5"."customer_id" = c.customer_id WHERE NOT COALESCE(c.deleted, false) AND ((c.customer_id IN (SELECT e.customer_id FROM mail_events e WHERE e.event = $10 AND "e"."mail_id" IN ($11, $12) AND ("e"."occurred_at" >= CAST($13 AS TIMESTAMP)))) OR ("j3"."customer_id" IS NOT NULL) OR (NOT ("j5"."customer_id" IS NOT NULL)))
-- parameters:
-- $1 = ["M1","M2"]
-- $2 = "manual"
-- $3 = "100"
-- $4 = "セール"
-- $5 = "2025-01-01 00:00:00"
-- $6 = ["M3"]
-- $7 = "click"
-- $8 = "send"
-- $9 = "M3"
-- $10 = "open"
-- $11 = "M1"
-- $12 = "M2"
-- $13 = "2025-03-01 00:00:00"
