-- numbers-booleans-enums: compileMembers
-- definition: {"where":{"all":[{"kind":"field","field":"points","op":"between","min":100},{"kind":"field","field":"line_linked","op":"eq","value":true},{"kind":"field","field":"gender","op":"eq","value":"女性"},{"kind":"field","field":"mail_permission","op":"not_in","values":["送信拒否"]}]}}
SELECT c.customer_id AS customer_id FROM customers AS c WHERE NOT ifNull(c.deleted, 0) AND (ifNull((c."points" >= 100), 0) AND ifNull(c."line_linked" = 1, 0) AND ifNull(c."gender" = 'female', 0) AND (NOT ifNull(c."mail_permission" IN ('refused'), 0)))
