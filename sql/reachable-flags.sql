-- Keeps customers.reachable_email / reachable_line / reachable_dm equal to the `reachable`
-- condition's rule (src/model/segment-definition.md, reachable; src/planner/compile-reachable.ts
-- writes the same rule for email_pc / email_mobile and for a database without these columns) on
-- every row, so that a count's reachable figures read three booleans instead of eight text
-- columns. Run by every customers import inside its transaction, and once on a database made
-- before the columns (schema mark 'reachable_flags'). Only rows whose flags change are written.
CREATE OR REPLACE TEMP MACRO kumiwake_active(withdrawn, deleted) AS NOT COALESCE(withdrawn, false) AND NOT COALESCE(deleted, false);
CREATE OR REPLACE TEMP MACRO kumiwake_present(text) AS NULLIF(trim(text), '') IS NOT NULL;
CREATE OR REPLACE TEMP MACRO kumiwake_reach_email(pc, mobile, permission, status, bounces, withdrawn, deleted) AS
  COALESCE(((kumiwake_present(pc) AND permission IN ('pc', 'both')) OR (kumiwake_present(mobile) AND permission IN ('mobile', 'both')))
           AND COALESCE(status, 'normal') = 'normal' AND COALESCE(bounces, 0) < 3 AND kumiwake_active(withdrawn, deleted), false);
CREATE OR REPLACE TEMP MACRO kumiwake_reach_line(linked, status, permission, withdrawn, deleted) AS
  COALESCE(linked AND COALESCE(status, 'normal') = 'normal' AND COALESCE(permission, 'allowed') = 'allowed' AND kumiwake_active(withdrawn, deleted), false);
CREATE OR REPLACE TEMP MACRO kumiwake_reach_dm(permission, postal_code, address, withdrawn, deleted) AS
  COALESCE(permission = 'allowed' AND kumiwake_present(postal_code) AND kumiwake_present(address) AND kumiwake_active(withdrawn, deleted), false);
UPDATE customers SET
  reachable_email = kumiwake_reach_email(email_pc, email_mobile, mail_permission, mail_status, bounce_count, withdrawn, deleted),
  reachable_line = kumiwake_reach_line(line_linked, line_status, line_permission, withdrawn, deleted),
  reachable_dm = kumiwake_reach_dm(dm_permission, postal_code, address, withdrawn, deleted)
WHERE reachable_email IS DISTINCT FROM kumiwake_reach_email(email_pc, email_mobile, mail_permission, mail_status, bounce_count, withdrawn, deleted)
   OR reachable_line IS DISTINCT FROM kumiwake_reach_line(line_linked, line_status, line_permission, withdrawn, deleted)
   OR reachable_dm IS DISTINCT FROM kumiwake_reach_dm(dm_permission, postal_code, address, withdrawn, deleted);
