-- Kumiwake schema, version 1. Applied on first use of a database (every statement is idempotent).
-- Column names and types mirror the catalog, ../src/catalog/tables.ts; a test checks the two agree.

CREATE TABLE IF NOT EXISTS schema_info (key VARCHAR PRIMARY KEY, value VARCHAR);
INSERT OR IGNORE INTO schema_info VALUES ('version', '1');

CREATE TABLE IF NOT EXISTS customers (
  customer_id        VARCHAR NOT NULL,
  store_id           VARCHAR,
  name               VARCHAR,
  name_kana          VARCHAR,
  gender             VARCHAR,
  birthday           DATE,
  email_pc           VARCHAR,
  email_mobile       VARCHAR,
  is_smartphone      BOOLEAN,
  phone_mobile       VARCHAR,
  phone_home         VARCHAR,
  postal_code        VARCHAR,
  prefecture         VARCHAR,
  address            VARCHAR,
  mail_permission    VARCHAR,
  mail_status        VARCHAR DEFAULT 'normal',
  bounce_count       BIGINT,
  dm_permission      VARCHAR,
  line_linked        BOOLEAN,
  line_permission    VARCHAR,
  line_status        VARCHAR,
  status             VARCHAR,
  customer_class     VARCHAR,
  registration_route VARCHAR,
  registered_at      TIMESTAMP,
  withdrawn          BOOLEAN,
  deleted            BOOLEAN,
  points             BIGINT,
  points_expire_at   DATE,
  last_login_at      TIMESTAMP,
  score              BIGINT,
  remark_1 VARCHAR, remark_2 VARCHAR, remark_3 VARCHAR, remark_4 VARCHAR, remark_5 VARCHAR,
  remark_6 VARCHAR, remark_7 VARCHAR, remark_8 VARCHAR, remark_9 VARCHAR, remark_10 VARCHAR,
  tags               VARCHAR[]
  -- plus one VARCHAR column "attr:NAME" per custom attribute group ever imported (NULL = unselected),
  -- added by the import that first brings it
);

-- One row per order line, plus one VARCHAR column "group:NAME" per order attribute group ever
-- imported (LTV-Lab 履歴グループ), added by the import that first brings it.
CREATE TABLE IF NOT EXISTS purchases (
  order_id     VARCHAR NOT NULL,
  line_no      BIGINT NOT NULL,
  customer_id  VARCHAR NOT NULL,
  store_id     VARCHAR,
  ordered_at   TIMESTAMP NOT NULL,
  shipped_at   TIMESTAMP,
  product_code VARCHAR NOT NULL,
  product_name VARCHAR,
  category     VARCHAR,
  quantity     BIGINT DEFAULT 1,
  amount       DECIMAL(18, 4),
  unit_price   DECIMAL(18, 4),
  order_code   VARCHAR,
  media        VARCHAR,
  status       VARCHAR,
  counted      BOOLEAN DEFAULT true,
  remark       VARCHAR,
  -- the product master's category of product_code, kept by the purchases and products imports
  -- (sql/product-categories.sql): a line's category is its own, else this one
  product_category VARCHAR
);

CREATE TABLE IF NOT EXISTS products (
  product_code VARCHAR NOT NULL,
  product_name VARCHAR,
  category     VARCHAR,
  price        DECIMAL(18, 4)
);

CREATE TABLE IF NOT EXISTS mails (
  mail_id  VARCHAR NOT NULL,
  kind     VARCHAR,
  subject  VARCHAR,
  sent_at  TIMESTAMP,
  store_id VARCHAR,
  subkind  VARCHAR
);

-- customer_id is stored with ZSTD: src/engine/duckdb/import/column-compression.ts says why.
CREATE TABLE IF NOT EXISTS mail_events (
  customer_id VARCHAR NOT NULL USING COMPRESSION zstd,
  mail_id     VARCHAR NOT NULL,
  event       VARCHAR NOT NULL,
  occurred_at TIMESTAMP NOT NULL
);

-- One row per import command, whatever its outcome.
CREATE SEQUENCE IF NOT EXISTS import_seq;
CREATE TABLE IF NOT EXISTS imports (
  import_id     BIGINT PRIMARY KEY DEFAULT nextval('import_seq'),
  table_name    VARCHAR NOT NULL,
  mode          VARCHAR NOT NULL,
  files         VARCHAR[] NOT NULL,
  encodings     VARCHAR[],
  started_at    TIMESTAMP NOT NULL,
  finished_at   TIMESTAMP NOT NULL,
  duration_ms   BIGINT NOT NULL,
  rows_read     BIGINT,
  rows_loaded   BIGINT,
  rows_skipped  BIGINT,
  rows_rejected BIGINT,
  rejects_file  VARCHAR,
  outcome       VARCHAR NOT NULL,  -- 'ok' | 'rejected' | 'failed' | 'interrupted'
  error         VARCHAR
);

-- Lifetime purchase figures per customer over the counted lines (counted, not cancelled), kept
-- up to date by every purchases import (sql/purchase-summaries.sql), so that RFM conditions
-- without a window or scope filter read one row per customer instead of every order line.
-- An order's time is the earliest ordered_at of its counted lines; ties between orders go to
-- the larger order_id.
CREATE TABLE IF NOT EXISTS customer_summary (
  customer_id      VARCHAR NOT NULL,
  order_count      BIGINT NOT NULL,
  sales            DECIMAL(38, 4) NOT NULL,
  first_ordered_at TIMESTAMP NOT NULL,
  last_ordered_at  TIMESTAMP NOT NULL,
  last_shipped_at  TIMESTAMP,
  first_order_id   VARCHAR NOT NULL,
  last_order_id    VARCHAR NOT NULL
);
-- The latest ordered_at of the customer's counted lines (a line time: an order's time is its
-- earliest line's, so the earliest line time is first_ordered_at): "ordered in a window with no
-- end" is one comparison with it.
ALTER TABLE customer_summary ADD COLUMN IF NOT EXISTS last_line_at TIMESTAMP;

-- Lifetime figures per customer and product, and per customer and category (a line's own
-- category, else the product master's), over the counted lines: the orders with such a line and
-- the quantity of those lines. Stored in product / category order, so a product row of a segment
-- reads only the blocks of its products. Kept by the purchases and products imports
-- (sql/purchase-summaries.sql, sql/customer-categories.sql); schema_info 'purchase_summaries'
-- says they are built.
-- only_order_id: the one order holding the pair when it is one (order_count 1), else NULL: "orders
-- holding any of these products" is then exact from the summary alone, as the distinct ids of a
-- customer's rows (the lines are read only for customers who bought one of them in several orders).
-- schema_info 'product_order_ids' says the rows carry it (a database made before it gets the column
-- from the ALTER below, NULL until its next full rebuild). The text ids are ZSTD, as written faster
-- (src/engine/duckdb/import/column-compression.ts).
CREATE TABLE IF NOT EXISTS customer_products (
  product_code  VARCHAR NOT NULL,
  customer_id   VARCHAR NOT NULL USING COMPRESSION zstd,
  order_count   BIGINT NOT NULL,
  quantity      BIGINT NOT NULL,
  only_order_id VARCHAR USING COMPRESSION zstd
);
ALTER TABLE customer_products ADD COLUMN IF NOT EXISTS only_order_id VARCHAR;
CREATE TABLE IF NOT EXISTS customer_categories (
  category    VARCHAR NOT NULL,
  customer_id VARCHAR NOT NULL,
  order_count BIGINT NOT NULL,
  quantity    BIGINT NOT NULL
);

-- Saved segment definitions (JSON text), by name.
CREATE TABLE IF NOT EXISTS segments (
  name       VARCHAR PRIMARY KEY,
  definition VARCHAR NOT NULL,
  saved_at   TIMESTAMP NOT NULL
);

-- The earlier versions of saved segments: a save that replaces a segment (--force) keeps the
-- definition it replaces here. Version 1 is a name's first save; the current definition (in
-- segments) is the version after the latest kept here. A rename takes the versions along, a
-- delete removes them. Times are UTC.
CREATE TABLE IF NOT EXISTS segment_versions (
  name        VARCHAR NOT NULL,
  version     INTEGER NOT NULL,
  definition  VARCHAR NOT NULL,
  saved_at    TIMESTAMP NOT NULL,
  replaced_at TIMESTAMP NOT NULL,
  PRIMARY KEY (name, version)
);

-- One row per job run (kumiwake run / schedule): what ran, for which as-of date, how it ended.
-- Times are UTC; scheduled_for is the cron occurrence in the job's own time zone (local time).
CREATE SEQUENCE IF NOT EXISTS job_run_seq START 1;
CREATE TABLE IF NOT EXISTS job_runs (
  run_id          BIGINT PRIMARY KEY DEFAULT nextval('job_run_seq'),
  job             VARCHAR NOT NULL,
  segment         VARCHAR,            -- the saved segment's name, or the inline definition's name
  trigger         VARCHAR NOT NULL,   -- 'manual' | 'schedule' | 'catch-up'
  scheduled_for   TIMESTAMP,
  as_of           DATE,
  started_at      TIMESTAMP NOT NULL,
  finished_at     TIMESTAMP,
  status          VARCHAR NOT NULL,   -- 'running' | 'succeeded' | 'failed' | 'interrupted' | 'skipped'
  count           BIGINT,
  reachable_email BIGINT,
  reachable_line  BIGINT,
  reachable_dm    BIGINT,
  files           VARCHAR[],
  error           VARCHAR,
  pid             INTEGER
);
-- The statement a run failed in, with its parameters as JSON (added after the first release).
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS error_sql VARCHAR;
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS error_parameters VARCHAR;
-- The segment's warnings (names the data does not hold) as JSON, NULL when none (added after the first release).
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS warnings VARCHAR;
-- Who entered and left the segment since the run compared with (the job's previous succeeded run
-- of the same segment), counted when the run succeeds; NULL without one (src/jobs/run-members.ts).
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS compared_run BIGINT;
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS entered_count BIGINT;
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS left_count BIGINT;
-- Whether run_members holds the run's customers: set in the transaction that records the run as
-- succeeded, cleared when the job's retention (keepMembers) removes them.
ALTER TABLE job_runs ADD COLUMN IF NOT EXISTS members_kept BOOLEAN;

-- The customers of a succeeded job run (the latest keepMembers runs of each job): ids only, not
-- a copy of the customer rows; ids are what stays stable across imports. What kumiwake diff and
-- a job output's "rows": "entered" | "left" compare.
CREATE TABLE IF NOT EXISTS run_members (
  run_id      BIGINT NOT NULL,
  customer_id VARCHAR NOT NULL
);

-- The distinct values of the customers' low-cardinality text columns (prefecture, store, status,
-- class, route, attr:NAME groups) and of their tags, rebuilt by every customers import
-- (src/import/customer-values.ts). The planner folds these few values (NFKC, case) instead of
-- every row's, and compares the rows exactly. A column is listed only when all its values are
-- (at most 10,000); otherwise the planner folds row by row.
CREATE TABLE IF NOT EXISTS customer_values (
  column_name VARCHAR NOT NULL,
  value       VARCHAR NOT NULL
);

-- A shop's settings, one JSON value per name: 'rfm' holds fixed RFM cut points
-- ({"r": [30, 60, 90, 180], "f": [...], "m": [...]}, kumiwake settings set rfm); without a row
-- the scores are quintiles. Times are UTC.
CREATE TABLE IF NOT EXISTS settings (
  name   VARCHAR PRIMARY KEY,
  value  VARCHAR NOT NULL,
  set_at TIMESTAMP NOT NULL
);

-- Subscriptions (ecforce 定期受注, Ripist): one row per subscription (src/catalog/data-model.md).
CREATE TABLE IF NOT EXISTS subscriptions (
  subscription_id  VARCHAR NOT NULL,
  customer_id      VARCHAR NOT NULL,
  product_code     VARCHAR,
  status           VARCHAR,
  started_at       TIMESTAMP,
  next_delivery_at TIMESTAMP,
  cancelled_at     TIMESTAMP,
  cancel_reason    VARCHAR,
  cycle            VARCHAR,
  deliveries       BIGINT,
  store_id         VARCHAR
);

-- Columns added after version 1's first tables (a database made before them gets them here).
ALTER TABLE customers ADD COLUMN IF NOT EXISTS line_permission VARCHAR;
-- Whether the customer is reachable by email / LINE / DM now: kept by sql/customer-columns.sql
-- (the reachable condition's rule, from the row's own columns), which counts read.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS reachable_email BOOLEAN;
ALTER TABLE customers ADD COLUMN IF NOT EXISTS reachable_line BOOLEAN;
ALTER TABLE customers ADD COLUMN IF NOT EXISTS reachable_dm BOOLEAN;
-- The birthday's month * 100 + day and the tags as one text: kept by sql/customer-columns.sql,
-- which the birthday and tags conditions read.
ALTER TABLE customers ADD COLUMN IF NOT EXISTS birthday_month_day SMALLINT;
ALTER TABLE customers ADD COLUMN IF NOT EXISTS tags_text VARCHAR;
ALTER TABLE mails ADD COLUMN IF NOT EXISTS subkind VARCHAR;
-- A number for every customer id ever stored in customers, mail_events or customer_summary,
-- never reused or changed, and that number on each of their rows
-- (src/engine/duckdb/import/customer-numbers.ts): mail conditions and lifetime figures join
-- customers to their events and summaries by it, an integer, instead of the text id.
CREATE TABLE IF NOT EXISTS customer_numbers (
  customer_id VARCHAR NOT NULL,
  customer_no INTEGER NOT NULL
);
ALTER TABLE customers ADD COLUMN IF NOT EXISTS customer_no INTEGER;
ALTER TABLE mail_events ADD COLUMN IF NOT EXISTS customer_no INTEGER;
ALTER TABLE customer_summary ADD COLUMN IF NOT EXISTS customer_no INTEGER;
-- Per answer event (open, click, qr) and mail, a bit per customer number: set for the customers
-- with such an event (src/engine/duckdb/import/mail-event-sets.ts), kept by every change of
-- mail_events. A `not` mail leaf ORs its mails' sets instead of reading the events. Stored
-- uncompressed: ZSTD, DuckDB's choice for these 125 kB values, took 60 ms to read 23 of them
-- back at 1x, uncompressed 4 ms.
CREATE TABLE IF NOT EXISTS mail_event_sets (
  event     VARCHAR NOT NULL,
  mail_id   VARCHAR NOT NULL,
  customers BIT NOT NULL USING COMPRESSION uncompressed
);

-- The shop's stores (src/catalog/data-model.md): names for store ids, which exports can show.
CREATE TABLE IF NOT EXISTS stores (
  store_id   VARCHAR NOT NULL,
  store_name VARCHAR
);
