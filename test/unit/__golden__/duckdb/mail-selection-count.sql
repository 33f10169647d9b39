-- mail-selection-count: compileMailSelectionCount, row by row
-- definition: {"where":{"kind":"mail","event":"open","mailFilter":{"kinds":["scenario","auto"],"subjectContains":"新商品","sent":{"to":"today-1d"}}}}
SELECT count(*) AS n FROM (SELECT DISTINCT mail_id FROM mails WHERE true AND ("kind" IN ($1, $2)) = true AND strpos(kumiwake_fold("subject"), $3) > 0 AND ("sent_at" < CAST($4 AS TIMESTAMP)))
-- parameters:
-- $1 = "scenario"
-- $2 = "auto"
-- $3 = "新商品"
-- $4 = "2025-03-31 00:00:00"
