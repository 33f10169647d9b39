-- text-operators: compileMembers, row by row
-- definition: {"where":{"any":[{"kind":"field","field":"name","op":"contains","value":"50%_off\\'"},{"kind":"field","field":"name","op":"starts_with","value":"ﾔﾏﾀﾞ"},{"kind":"field","field":"name","op":"ends_with","value":"子"},{"kind":"field","field":"name","op":"ne","value":"Ｓａｔｏ"},{"kind":"field","field":"prefecture","op":"is_empty"},{"kind":"field","field":"customer_id","op":"between","min":100,"max":200}]}}
SELECT c.customer_id FROM customers AS c WHERE NOT COALESCE("c"."deleted", false) AND ((position(lowerUTF8(normalizeUTF8NFKC("c"."name")), $1) > 0) OR (startsWith(lowerUTF8(normalizeUTF8NFKC("c"."name")), $2)) OR (endsWith(lowerUTF8(normalizeUTF8NFKC("c"."name")), $3)) OR (NOT ("c"."name" IS NOT NULL AND lowerUTF8(normalizeUTF8NFKC("c"."name")) = $4)) OR ifNull(match("c"."prefecture", '^[                　]*$'), 1) OR COALESCE((if(match(replaceRegexpAll("c"."customer_id", '^ +| +$', ''), '^[+-]?0*[0-9]{1,18}$'), toInt64OrNull(replaceRegexpAll("c"."customer_id", '^ +| +$', '')), NULL) >= $5 AND if(match(replaceRegexpAll("c"."customer_id", '^ +| +$', ''), '^[+-]?0*[0-9]{1,18}$'), toInt64OrNull(replaceRegexpAll("c"."customer_id", '^ +| +$', '')), NULL) <= $6), false))
-- parameters:
-- $1 = "50%_off\\'"
-- $2 = "ヤマダ"
-- $3 = "子"
-- $4 = "sato"
-- $5 = 100
-- $6 = 200
