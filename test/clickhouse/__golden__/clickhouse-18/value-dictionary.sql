-- value-dictionary: compileMembers
-- definition: {"where":{"all":[{"kind":"field","field":"prefecture","op":"in","values":["tokyo","東京都"]},{"kind":"field","field":"name","op":"contains","value":"ﾔﾏﾀﾞ"},{"kind":"tags","tags":["vip","サンプル"],"match":"all"}]}}
SELECT c.customer_id AS customer_id FROM customers AS c WHERE NOT ifNull(c.deleted, 0) AND (ifNull("c"."prefecture_folded" IN ('tokyo', '東京都'), 0) AND ifNull(position("c"."name_folded", 'ヤマダ') > 0, 0) AND ifNull(hasAll("c"."tags_folded", ['vip', 'サンプル']), 0))
