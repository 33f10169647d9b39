-- tags-and-attributes: compileMembers
-- definition: {"where":{"all":[{"kind":"tags","tags":["VIP","ｻﾝﾌﾟﾙ"]},{"not":{"kind":"field","field":"tags","op":"is_empty"}},{"kind":"field","field":"attr:会員ランク","op":"eq","value":"ゴールド"},{"kind":"field","field":"attr:無い属性","op":"is_not_empty"}]}}
SELECT c.customer_id AS customer_id FROM customers AS c WHERE NOT ifNull(c.deleted, 0) AND (ifNull(hasAny(arrayMap(t -> lowerUTF8(normalizeUTF8NFKC(t)), "c"."tags"), ['vip', 'サンプル']), 0) AND (NOT (length(c."tags") = 0)) AND ifNull(lowerUTF8(normalizeUTF8NFKC("c"."attr:会員ランク")) = 'ゴールド', 0) AND 0)
