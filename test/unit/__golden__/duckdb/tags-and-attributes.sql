-- tags-and-attributes: compileMembers, row by row
-- definition: {"where":{"all":[{"kind":"tags","tags":["VIP","ｻﾝﾌﾟﾙ"]},{"not":{"kind":"field","field":"tags","op":"is_empty"}},{"kind":"field","field":"attr:会員ランク","op":"eq","value":"ゴールド"},{"kind":"field","field":"attr:無い属性","op":"is_not_empty"}]}}
SELECT c.customer_id FROM customers AS c WHERE "c"."deleted" IS NOT true AND (COALESCE(list_has_any(list_transform("c"."tags", t -> kumiwake_fold(t)), $1::VARCHAR[]), false) AND (NOT ("c"."tags" IS NULL OR len("c"."tags") = 0)) AND (kumiwake_fold(c."attr:会員ランク") = $2) AND (NOT (CASE WHEN CAST(NULL AS VARCHAR) IS NULL THEN true WHEN unicode(CAST(NULL AS VARCHAR)) IN (32, 160, 5760, 8192, 8193, 8194, 8195, 8196, 8197, 8198, 8199, 8200, 8201, 8202, 8239, 8287, 12288) THEN trim(CAST(NULL AS VARCHAR)) = '' ELSE CAST(NULL AS VARCHAR) = '' END)))
-- parameters:
-- $1 = ["vip","サンプル"]
-- $2 = "ゴールド"
