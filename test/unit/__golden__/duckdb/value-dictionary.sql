-- value-dictionary: compileMembers, summaries and value dictionary
-- definition: {"where":{"all":[{"kind":"field","field":"prefecture","op":"in","values":["tokyo","東京都"]},{"kind":"field","field":"name","op":"contains","value":"ﾔﾏﾀﾞ"},{"kind":"tags","tags":["vip","サンプル"],"match":"all"}]}}
SELECT c.customer_id FROM customers AS c WHERE "c"."deleted" IS NOT true AND ((("c"."prefecture" IN ($1, $2)) = true) AND ("c"."name" = $3) AND ((list_has_any("c"."tags", $4::VARCHAR[]) AND list_has_any("c"."tags", $5::VARCHAR[]))))
-- parameters:
-- $1 = "東京都"
-- $2 = "ＴＯＫＹＯ"
-- $3 = "ﾔﾏﾀﾞ ﾊﾅｺ"
-- $4 = ["vip","VIP"]
-- $5 = ["ｻﾝﾌﾟﾙ"]
