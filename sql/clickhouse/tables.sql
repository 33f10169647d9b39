-- Kumiwake's data tables on ClickHouse (src/engine/clickhouse/schema.ts reads this file).
-- Columns mirror ../schema.sql (DuckDB) under the type mapping of src/engine/clickhouse/CONTEXT.md:
-- VARCHAR -> String, BIGINT -> Int64, DECIMAL(18, 4) -> Decimal(18, 4), BOOLEAN -> UInt8,
-- DATE -> Int32 holding YYYYMMDD (18.16's Date starts in 1970), TIMESTAMP -> DateTime('UTC')
-- holding the local time as written, VARCHAR[] -> Array(String); Nullable where DuckDB allows NULL.
-- Every row carries _import_id, the import (in the local DuckDB's imports table) that wrote it.
--
-- "sharded": split over the shards by cityHash64(customer_id) (all of a customer's rows on one
-- shard): with a cluster, <name>_local on every shard and the Distributed table <name> over them.
-- "copied": small masters, a full copy on every shard under <name> (segments join them locally).
-- Without a cluster, every table is one MergeTree <name> on the one server.
-- {table} is replaced by the table's name on that server.

-- customers: sharded
CREATE TABLE IF NOT EXISTS {table} (
  customer_id        String,
  store_id           Nullable(String),
  name               Nullable(String),
  name_kana          Nullable(String),
  gender             Nullable(String),
  birthday           Nullable(Int32),
  email_pc           Nullable(String),
  email_mobile       Nullable(String),
  is_smartphone      Nullable(UInt8),
  phone_mobile       Nullable(String),
  phone_home         Nullable(String),
  postal_code        Nullable(String),
  prefecture         Nullable(String),
  address            Nullable(String),
  mail_permission    Nullable(String),
  mail_status        Nullable(String) DEFAULT 'normal',
  bounce_count       Nullable(Int64),
  dm_permission      Nullable(String),
  line_linked        Nullable(UInt8),
  line_permission    Nullable(String),
  line_status        Nullable(String),
  status             Nullable(String),
  customer_class     Nullable(String),
  registration_route Nullable(String),
  registered_at      Nullable(DateTime('UTC')),
  withdrawn          Nullable(UInt8),
  deleted            Nullable(UInt8),
  points             Nullable(Int64),
  points_expire_at   Nullable(Int32),
  last_login_at      Nullable(DateTime('UTC')),
  score              Nullable(Int64),
  remark_1 Nullable(String), remark_2 Nullable(String), remark_3 Nullable(String), remark_4 Nullable(String), remark_5 Nullable(String),
  remark_6 Nullable(String), remark_7 Nullable(String), remark_8 Nullable(String), remark_9 Nullable(String), remark_10 Nullable(String),
  tags               Array(String),
  _import_id         UInt64
) ENGINE = MergeTree ORDER BY customer_id;

-- purchases: sharded
CREATE TABLE IF NOT EXISTS {table} (
  order_id         String,
  line_no          Int64,
  customer_id      String,
  store_id         Nullable(String),
  ordered_at       DateTime('UTC'),
  shipped_at       Nullable(DateTime('UTC')),
  product_code     String,
  product_name     Nullable(String),
  category         Nullable(String),
  quantity         Nullable(Int64) DEFAULT 1,
  amount           Nullable(Decimal(18, 4)),
  unit_price       Nullable(Decimal(18, 4)),
  order_code       Nullable(String),
  media            Nullable(String),
  status           Nullable(String),
  counted          Nullable(UInt8) DEFAULT 1,
  remark           Nullable(String),
  product_category Nullable(String),
  _import_id       UInt64
) ENGINE = MergeTree ORDER BY (customer_id, ordered_at, order_id, line_no);

-- products: copied
CREATE TABLE IF NOT EXISTS {table} (
  product_code String,
  product_name Nullable(String),
  category     Nullable(String),
  price        Nullable(Decimal(18, 4)),
  _import_id   UInt64
) ENGINE = MergeTree ORDER BY product_code;

-- mails: copied
CREATE TABLE IF NOT EXISTS {table} (
  mail_id    String,
  kind       Nullable(String),
  subject    Nullable(String),
  sent_at    Nullable(DateTime('UTC')),
  store_id   Nullable(String),
  subkind    Nullable(String),
  _import_id UInt64
) ENGINE = MergeTree ORDER BY mail_id;

-- mail_events: sharded
CREATE TABLE IF NOT EXISTS {table} (
  customer_id String,
  mail_id     String,
  event       String,
  occurred_at DateTime('UTC'),
  _import_id  UInt64
) ENGINE = MergeTree ORDER BY (customer_id, mail_id, event, occurred_at);

-- subscriptions: sharded
CREATE TABLE IF NOT EXISTS {table} (
  subscription_id  String,
  customer_id      String,
  product_code     Nullable(String),
  status           Nullable(String),
  started_at       Nullable(DateTime('UTC')),
  next_delivery_at Nullable(DateTime('UTC')),
  cancelled_at     Nullable(DateTime('UTC')),
  cancel_reason    Nullable(String),
  cycle            Nullable(String),
  deliveries       Nullable(Int64),
  store_id         Nullable(String),
  _import_id       UInt64
) ENGINE = MergeTree ORDER BY (customer_id, subscription_id);

-- stores: copied
CREATE TABLE IF NOT EXISTS {table} (
  store_id   String,
  store_name Nullable(String),
  _import_id UInt64
) ENGINE = MergeTree ORDER BY store_id;
