-- mail-selection-count: compileMailSelectionCount
-- definition: {"where":{"kind":"mail","event":"open","mailFilter":{"kinds":["scenario","auto"],"subjectContains":"新商品","sent":{"to":"today-1d"}}}}
SELECT count() AS n FROM (SELECT DISTINCT m.mail_id AS mail_id FROM "shop"."mails_local" AS m WHERE ifNull((1 AND "m"."kind" IN ('scenario', 'auto') AND position(lowerUTF8(normalizeUTF8NFKC("m"."subject")), '新商品') > 0 AND ("m"."sent_at" < toDateTime('2025-03-31 00:00:00', 'UTC'))), 0))
