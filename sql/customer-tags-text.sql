-- Keeps customers.tags_text: the tags joined by the unit separator U+001F, which also opens and
-- closes the text, so that the tags condition finds a tag as its text between two separators
-- (src/planner/compile-tags.ts) instead of reading the list; the planner reads it only when no
-- stored tag (customer_values) holds the separator or is empty. Run after a customers import whose
-- files hold tags, and with sql/customer-columns.sql wherever that runs on every row.
CREATE OR REPLACE TEMP MACRO kumiwake_tags_text(tags) AS chr(31) || array_to_string(tags, chr(31)) || chr(31);
UPDATE customers SET tags_text = kumiwake_tags_text(tags) WHERE tags_text IS DISTINCT FROM kumiwake_tags_text(tags);
