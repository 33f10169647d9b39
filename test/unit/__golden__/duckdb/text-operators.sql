-- text-operators: compileMembers, row by row
-- definition: {"where":{"any":[{"kind":"field","field":"name","op":"contains","value":"50%_off\\'"},{"kind":"field","field":"name","op":"starts_with","value":"ﾔﾏﾀﾞ"},{"kind":"field","field":"name","op":"ends_with","value":"子"},{"kind":"field","field":"name","op":"ne","value":"Ｓａｔｏ"},{"kind":"field","field":"prefecture","op":"is_empty"},{"kind":"field","field":"customer_id","op":"between","min":100,"max":200}]}}
SELECT c.customer_id FROM customers AS c WHERE "c"."deleted" IS NOT true AND ((kumiwake_fold("c"."name") LIKE $1 ESCAPE '\') OR (kumiwake_fold("c"."name") LIKE $2 ESCAPE '\') OR (kumiwake_fold("c"."name") LIKE $3 ESCAPE '\') OR (NOT ("c"."name" IS NOT NULL AND kumiwake_fold("c"."name") = $4)) OR (CASE WHEN "c"."prefecture" IS NULL THEN true WHEN unicode("c"."prefecture") IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim("c"."prefecture") = '' ELSE "c"."prefecture" = '' END) OR COALESCE(((CASE WHEN regexp_full_match(trim("c"."customer_id"), '[+-]?0*[0-9]{1,18}') THEN TRY_CAST(trim("c"."customer_id") AS BIGINT) END) >= $5 AND (CASE WHEN regexp_full_match(trim("c"."customer_id"), '[+-]?0*[0-9]{1,18}') THEN TRY_CAST(trim("c"."customer_id") AS BIGINT) END) <= $6), false))
-- parameters:
-- $1 = "%50\\%\\_off\\\\'%"
-- $2 = "ヤマダ%"
-- $3 = "%子"
-- $4 = "sato"
-- $5 = 100
-- $6 = 200
