-- tags-and-attributes: compileMembers
-- definition: {"where":{"all":[{"kind":"tags","tags":["VIP","ｻﾝﾌﾟﾙ"]},{"not":{"kind":"field","field":"tags","op":"is_empty"}},{"kind":"field","field":"attr:会員ランク","op":"eq","value":"ゴールド"},{"kind":"field","field":"attr:無い属性","op":"is_not_empty"}]}}
SELECT c.customer_id AS customer_id FROM customers AS c WHERE NOT ifNull(c.deleted, 0) AND (ifNull(hasAny("c"."tags_folded", ['vip', 'サンプル']), 0) AND (NOT (length(c."tags") = 0)) AND ifNull("c"."attr:会員ランク_folded" = 'ゴールド', 0) AND 0)
