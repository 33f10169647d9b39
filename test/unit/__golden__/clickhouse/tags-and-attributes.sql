-- tags-and-attributes: compileMembers, row by row
-- definition: {"where":{"all":[{"kind":"tags","tags":["VIP","ｻﾝﾌﾟﾙ"]},{"not":{"kind":"field","field":"tags","op":"is_empty"}},{"kind":"field","field":"attr:会員ランク","op":"eq","value":"ゴールド"},{"kind":"field","field":"attr:無い属性","op":"is_not_empty"}]}}
SELECT c.customer_id FROM customers AS c WHERE NOT COALESCE("c"."deleted", false) AND (COALESCE(hasAny(arrayMap(t -> lowerUTF8(normalizeUTF8NFKC(t)), "c"."tags"), $1), false) AND (NOT ("c"."tags" IS NULL OR length("c"."tags") = 0)) AND (lowerUTF8(normalizeUTF8NFKC(c."attr:会員ランク")) = $2) AND (NOT ifNull(match(CAST(NULL AS Nullable(String)), '^[                　]*$'), 1)))
-- parameters:
-- $1 = ["vip","サンプル"]
-- $2 = "ゴールド"
