-- Keeps the columns of customers that counts read instead of the rows' own columns, on every
-- row; only rows whose values change are written. Run by every customers import inside its
-- transaction, and once on a database made before the columns (schema marks 'reachable_flags',
-- 'customer_lookups'). tags_text is kept by sql/customer-tags-text.sql, run only after an import
-- whose files hold tags: a file without tags leaves every tags_text as it was (stored rows keep
-- theirs, new rows have no tags and none), so its rows' lists are not read again.
--
-- reachable_email / reachable_line / reachable_dm: the `reachable` condition's rule
-- (src/model/segment-definition.md, reachable; src/planner/compile-reachable.ts writes the same
-- rule for email_pc / email_mobile and for a database without these columns), so that a count's
-- reachable figures read three booleans instead of eight text columns.
--
-- birthday_month_day (month * 100 + day of the birthday) and tags_text (the tags joined by the
-- unit separator U+001F, which also opens and closes the text): the birthday and tags conditions
-- compare one small value each (src/planner/compile-dates.ts, compile-tags.ts); at 1M customers
-- the benchmark's birthday-month and tags count took 13-14 ms against 31 ms for month() of the
-- date and list_has_any() of the list.
CREATE OR REPLACE TEMP MACRO kumiwake_active(withdrawn, deleted) AS NOT COALESCE(withdrawn, false) AND NOT COALESCE(deleted, false);
CREATE OR REPLACE TEMP MACRO kumiwake_present(text) AS NULLIF(trim(text), '') IS NOT NULL;
CREATE OR REPLACE TEMP MACRO kumiwake_reach_email(pc, mobile, permission, status, bounces, withdrawn, deleted) AS
  COALESCE(((kumiwake_present(pc) AND permission IN ('pc', 'both')) OR (kumiwake_present(mobile) AND permission IN ('mobile', 'both')))
           AND COALESCE(status, 'normal') = 'normal' AND COALESCE(bounces, 0) < 3 AND kumiwake_active(withdrawn, deleted), false);
CREATE OR REPLACE TEMP MACRO kumiwake_reach_line(linked, status, permission, withdrawn, deleted) AS
  COALESCE(linked AND COALESCE(status, 'normal') = 'normal' AND COALESCE(permission, 'allowed') = 'allowed' AND kumiwake_active(withdrawn, deleted), false);
CREATE OR REPLACE TEMP MACRO kumiwake_reach_dm(permission, postal_code, address, withdrawn, deleted) AS
  COALESCE(permission = 'allowed' AND kumiwake_present(postal_code) AND kumiwake_present(address) AND kumiwake_active(withdrawn, deleted), false);
CREATE OR REPLACE TEMP MACRO kumiwake_month_day(d) AS CAST(month(d) * 100 + day(d) AS SMALLINT);
UPDATE customers SET
  reachable_email = kumiwake_reach_email(email_pc, email_mobile, mail_permission, mail_status, bounce_count, withdrawn, deleted),
  reachable_line = kumiwake_reach_line(line_linked, line_status, line_permission, withdrawn, deleted),
  reachable_dm = kumiwake_reach_dm(dm_permission, postal_code, address, withdrawn, deleted),
  birthday_month_day = kumiwake_month_day(birthday)
WHERE reachable_email IS DISTINCT FROM kumiwake_reach_email(email_pc, email_mobile, mail_permission, mail_status, bounce_count, withdrawn, deleted)
   OR reachable_line IS DISTINCT FROM kumiwake_reach_line(line_linked, line_status, line_permission, withdrawn, deleted)
   OR reachable_dm IS DISTINCT FROM kumiwake_reach_dm(dm_permission, postal_code, address, withdrawn, deleted)
   OR birthday_month_day IS DISTINCT FROM kumiwake_month_day(birthday);
