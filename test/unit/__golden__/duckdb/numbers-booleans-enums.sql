-- numbers-booleans-enums: compileMembers, row by row
-- definition: {"where":{"all":[{"kind":"field","field":"points","op":"between","min":100},{"kind":"field","field":"line_linked","op":"eq","value":true},{"kind":"field","field":"gender","op":"eq","value":"女性"},{"kind":"field","field":"mail_permission","op":"not_in","values":["送信拒否"]}]}}
SELECT c.customer_id FROM customers AS c WHERE "c"."deleted" IS NOT true AND ((("c"."points" >= $1)) AND ("c"."line_linked" = $2) AND ("c"."gender" = $3) AND (NOT ("c"."mail_permission" IS NOT NULL AND "c"."mail_permission" = $4)))
-- parameters:
-- $1 = 100
-- $2 = true
-- $3 = "female"
-- $4 = "refused"
