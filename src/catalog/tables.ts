/**
 * The catalog: every table and column of the data model (src/catalog/data-model.md) with its
 * Japanese aliases and label, its value type and its enum spellings. Import, model, planner and
 * export all read it; it imports nothing of ours. sql/schema.sql must hold every column listed
 * here with its type and default (test/unit/schema.test.ts checks it).
 */
export type ValueType = 'text' | 'integer' | 'decimal' | 'boolean' | 'date' | 'timestamp' | 'enum' | 'tags';

export interface ColumnDef {
  readonly name: string;
  readonly aliases: readonly string[];
  /** the Japanese label (export headers `--headers ja`): the first alias */
  readonly label: string;
  readonly type: ValueType;
  readonly required?: boolean;
  /** enum spellings (compared lower-cased) → canonical value; a boolean's own spellings besides the shared ones → 'true' / 'false' */
  readonly values?: Readonly<Record<string, string>>;
  /** SQL literal used when the cell is empty or the column is absent */
  readonly default?: string;
  /** enum: spellings outside `values` are kept as written instead of refused */
  readonly open?: boolean;
  /**
   * enum: each canonical value's Japanese label, written by exports with `--headers ja` (unless
   * `--values canonical`); every label is also one of `values`' spellings, so an exported list
   * imports again as it was
   */
  readonly valueLabels?: Readonly<Record<string, string>>;
}

export type TableName = 'customers' | 'purchases' | 'products' | 'mails' | 'mail_events' | 'subscriptions' | 'stores';

export interface TableDef {
  readonly table: TableName;
  readonly key: readonly string[];
  readonly columns: readonly ColumnDef[];
  /** prefix of free-named columns (`attr:` for customers, `group:` for purchases) */
  readonly groupPrefix?: 'attr:' | 'group:';
}

const col = (name: string, type: ValueType, aliases: string[] = [], extra: Partial<ColumnDef> = {}): ColumnDef => ({
  name,
  type,
  aliases,
  label: aliases[0] ?? name,
  ...extra,
});

const BOOLEAN_TRUE = ['true', '1', 'yes', 'y', 't', 'はい', '○', '〇', '◯', '有', 'あり'];
const BOOLEAN_FALSE = ['false', '0', 'no', 'n', 'f', 'いいえ', '×', '✕', '無', 'なし'];
export const booleanSpellings = { true: BOOLEAN_TRUE, false: BOOLEAN_FALSE };
/** How exports write a boolean with Japanese values (`--headers ja`): ○ yes, × no. */
export const booleanLabels: Readonly<Record<'true' | 'false', string>> = { true: '○', false: '×' };

const remarks = Array.from({ length: 10 }, (_, i) => col(`remark_${i + 1}`, 'text', [`備考${i + 1}`]));

export const customers: TableDef = {
  table: 'customers',
  key: ['customer_id'],
  groupPrefix: 'attr:',
  columns: [
    col('customer_id', 'text', ['会員番号', '顧客ID'], { required: true }),
    col('store_id', 'text', ['登録店舗', '店舗']),
    col('name', 'text', ['氏名', '名前']),
    col('name_kana', 'text', ['フリガナ', '氏名(カナ)']),
    col('gender', 'enum', ['性別'], {
      values: { female: 'female', '女性': 'female', '女': 'female', f: 'female', '2': 'female',
        male: 'male', '男性': 'male', '男': 'male', m: 'male', '1': 'male',
        unknown: 'unknown', '不明': 'unknown', '0': 'unknown' },
      valueLabels: { female: '女性', male: '男性', unknown: '不明' },
    }),
    col('birthday', 'date', ['誕生日', '生年月日']),
    col('email_pc', 'text', ['PCメールアドレス', 'メールアドレス']),
    col('email_mobile', 'text', ['携帯メールアドレス']),
    // LTV-Lab's スマホ区分 is スマホ / スマホ以外.
    col('is_smartphone', 'boolean', ['スマホ区分'], { values: { 'スマホ': 'true', 'スマホ以外': 'false' } }),
    col('phone_mobile', 'text', ['携帯電話番号']),
    col('phone_home', 'text', ['自宅電話番号', '電話番号']),
    col('postal_code', 'text', ['郵便番号']),
    col('prefecture', 'text', ['都道府県']),
    col('address', 'text', ['住所']),
    col('mail_permission', 'enum', ['送信許可', '配信許可'], {
      // SATORI's 配信許可 is 承認 / 拒否 for its one address: 承認 allows either address.
      values: { pc: 'pc', mobile: 'mobile', '携帯': 'mobile', both: 'both', '両方': 'both', 'pc・携帯': 'both', '承認': 'both',
        refused: 'refused', '送信拒否': 'refused', '拒否': 'refused' },
      valueLabels: { pc: 'PC', mobile: '携帯', both: '両方', refused: '送信拒否' },
    }),
    col('mail_status', 'enum', ['送信状態', '配信ステータス'], {
      default: "'normal'",
      // SATORI's 配信ステータス: 未確認 (nothing known against the address) is normal, エラー an address error.
      values: { normal: 'normal', '正常': 'normal', '通常': 'normal', '未確認': 'normal', address_error: 'address_error',
        'アドレスエラー': 'address_error', 'エラー': 'address_error', invalid: 'invalid', '無効': 'invalid', 'アドレス不正': 'invalid',
        spam: 'spam', 'スパム': 'spam', temp_error: 'temp_error', '一時エラー': 'temp_error' },
      valueLabels: { normal: '通常', address_error: 'アドレスエラー', invalid: '無効', spam: 'スパム', temp_error: '一時エラー' },
    }),
    col('bounce_count', 'integer', ['不達回数']),
    col('dm_permission', 'enum', ['DM配信'], {
      // LTV-Lab's DM配信 is DM許可 / DM拒否 / テスト配信対象.
      values: { allowed: 'allowed', '許可': 'allowed', '可': 'allowed', 'dm許可': 'allowed', refused: 'refused', '拒否': 'refused',
        '不可': 'refused', 'dm拒否': 'refused', test: 'test', 'テスト': 'test', 'テスト配信対象': 'test', 'テスト配信': 'test' },
      valueLabels: { allowed: '許可', refused: '拒否', test: 'テスト' },
    }),
    col('line_linked', 'boolean', ['LINE連携']),
    col('line_permission', 'enum', ['LINE配信設定', 'LINE配信許可'], {
      values: { allowed: 'allowed', '許可': 'allowed', '配信する': 'allowed', '配信許可': 'allowed',
        refused: 'refused', '拒否': 'refused', '送信拒否': 'refused', '配信拒否': 'refused', '配信しない': 'refused',
        test: 'test', 'テスト': 'test', 'テスト配信対象': 'test', 'テスト配信': 'test' },
      valueLabels: { allowed: '許可', refused: '送信拒否', test: 'テスト配信対象' },
    }),
    col('line_status', 'enum', ['LINE配信状態'], {
      values: { normal: 'normal', '正常': 'normal', '通常': 'normal', address_error: 'address_error',
        'アドレスエラー': 'address_error' },
      valueLabels: { normal: '通常', address_error: 'アドレスエラー' },
    }),
    col('status', 'text', ['顧客ステータス']),
    col('customer_class', 'text', ['顧客区分']),
    col('registration_route', 'text', ['登録経路']),
    col('registered_at', 'timestamp', ['登録日時']),
    col('withdrawn', 'boolean', ['退会']),
    col('deleted', 'boolean', ['削除']),
    col('points', 'integer', ['保有ポイント']),
    col('points_expire_at', 'date', ['ポイント有効期限']),
    col('last_login_at', 'timestamp', ['最終ログイン日時']),
    col('score', 'integer', ['スコア']),
    ...remarks,
    col('tags', 'tags', ['タグ']),
  ],
};

export const purchases: TableDef = {
  table: 'purchases',
  key: ['order_id', 'line_no'],
  groupPrefix: 'group:',
  columns: [
    col('order_id', 'text', ['受注番号', '注文番号'], { required: true }),
    col('line_no', 'integer', ['明細番号']),
    col('customer_id', 'text', ['会員番号', '顧客ID'], { required: true }),
    col('store_id', 'text', ['購入店舗', '店舗']),
    col('ordered_at', 'timestamp', ['購入日時', '購入日', '受注日'], { required: true }),
    col('shipped_at', 'timestamp', ['発送日時', '発送日']),
    col('product_code', 'text', ['商品コード', '商品番号'], { required: true }),
    col('product_name', 'text', ['商品名']),
    col('category', 'text', ['商品カテゴリ']),
    col('quantity', 'integer', ['数量'], { default: '1' }),
    col('amount', 'decimal', ['売上', '金額', '小計']),
    col('unit_price', 'decimal', ['単価', '販売価格']),
    col('order_code', 'text', ['受注コード']),
    col('media', 'text', ['メディア', '流入元']),
    col('status', 'enum', ['決済状況', '状態', '対応状況', '受注ステータス'], {
      open: true,
      // Half-width ｷｬﾝｾﾙ as older systems write it, and the 済み forms.
      values: { cancelled: 'cancelled', canceled: 'cancelled', cancel: 'cancelled', 'キャンセル': 'cancelled', 'ｷｬﾝｾﾙ': 'cancelled',
        'キャンセル済み': 'cancelled', 'キャンセル済': 'cancelled', '取消': 'cancelled', '取消し': 'cancelled', '取り消し': 'cancelled',
        '取消済み': 'cancelled', '取消済': 'cancelled' },
    }),
    col('counted', 'boolean', ['集計対象'], { default: 'true' }),
    col('remark', 'text', ['商品備考']),
  ],
};

export const products: TableDef = {
  table: 'products',
  key: ['product_code'],
  columns: [
    col('product_code', 'text', ['商品コード', '商品番号'], { required: true }),
    col('product_name', 'text', ['商品名']),
    col('category', 'text', ['商品カテゴリ']),
    col('price', 'decimal', ['価格']),
  ],
};

export const mails: TableDef = {
  table: 'mails',
  key: ['mail_id'],
  columns: [
    col('mail_id', 'text', ['メールID', '配信ID'], { required: true }),
    col('kind', 'enum', ['配信種別'], {
      values: { manual: 'manual', '手動': 'manual', scheduled: 'scheduled', '曜日日時': 'scheduled', '曜日日時配信': 'scheduled',
        '予約': 'scheduled', scenario: 'scenario', 'シナリオ': 'scenario', '手動シナリオ': 'scenario', auto: 'auto', '自動': 'auto',
        auto_scenario: 'auto_scenario', '自動シナリオ': 'auto_scenario' },
    }),
    // LTV-Lab's 自動メール種類 (フォロー, 誕生日, …): free text, compared folded by mailFilter.subkinds.
    col('subkind', 'text', ['自動メール種類', 'メール種類']),
    col('subject', 'text', ['件名', 'メール件名']),
    col('sent_at', 'timestamp', ['送信日時']),
    col('store_id', 'text', ['店舗']),
  ],
};

export const mailEvents: TableDef = {
  table: 'mail_events',
  key: [],
  columns: [
    col('customer_id', 'text', ['会員番号', '顧客ID'], { required: true }),
    col('mail_id', 'text', ['メールID', '配信ID'], { required: true }),
    col('event', 'enum', ['イベント'], {
      required: true,
      values: { send: 'send', '送信': 'send', open: 'open', '開封': 'open', click: 'click', 'クリック': 'click',
        qr: 'qr', 'qr読込': 'qr', 'qr読み込み': 'qr', bounce: 'bounce', '不達': 'bounce' },
    }),
    col('occurred_at', 'timestamp', ['日時'], { required: true }),
  ],
};

/** Subscriptions (ecforce 定期受注, Ripist): one row per subscription, its status and deliveries. */
export const subscriptions: TableDef = {
  table: 'subscriptions',
  key: ['subscription_id'],
  columns: [
    col('subscription_id', 'text', ['定期受注番号', '定期受注ID', '定期番号', '定期ID'], { required: true }),
    col('customer_id', 'text', ['会員番号', '顧客ID'], { required: true }),
    col('product_code', 'text', ['商品コード', '商品番号']),
    col('status', 'enum', ['定期ステータス', 'ステータス', '状態'], {
      values: { active: 'active', '継続': 'active', '継続中': 'active', '有効': 'active', '定期中': 'active',
        paused: 'paused', '休止': 'paused', '休止中': 'paused', '一時停止': 'paused', '停止中': 'paused',
        cancelled: 'cancelled', canceled: 'cancelled', '解約': 'cancelled', '解約済': 'cancelled', '解約済み': 'cancelled', '停止': 'cancelled',
        'キャンセル': 'cancelled', '中止': 'cancelled' },
      valueLabels: { active: '継続', paused: '休止', cancelled: '解約' },
    }),
    col('started_at', 'timestamp', ['開始日', '定期開始日', '申込日', '受注日']),
    col('next_delivery_at', 'timestamp', ['次回お届け予定日', '次回配送予定日', '次回お届け日', '次回発送予定日']),
    col('cancelled_at', 'timestamp', ['解約日', '解約日時']),
    col('cancel_reason', 'text', ['解約理由']),
    col('cycle', 'text', ['お届け周期', '周期', '配送周期', 'お届けサイクル']),
    col('deliveries', 'integer', ['お届け回数', '配送回数', '回数', '定期回数']),
    col('store_id', 'text', ['店舗', '購入店舗']),
  ],
};

/** The shop's stores (LTV-Lab 店舗): names for the store ids customers, orders and mails carry. */
export const stores: TableDef = {
  table: 'stores',
  key: ['store_id'],
  columns: [
    col('store_id', 'text', ['店舗ID', '店舗コード', '店舗番号', '店舗'], { required: true }),
    col('store_name', 'text', ['店舗名', '店舗名称']),
  ],
};

/** CLI names (`mail-events`) to table definitions. */
export const tablesByCliName: Readonly<Record<string, TableDef>> = {
  customers,
  purchases,
  products,
  mails,
  'mail-events': mailEvents,
  subscriptions,
  stores,
};

export const allTables: readonly TableDef[] = [customers, purchases, products, mails, mailEvents, subscriptions, stores];

/**
 * Lifetime purchase figures per customer (customer_summary), which exports can add as columns.
 * A customer without counted orders has 0 orders and 0 sales.
 */
export interface FigureDef {
  readonly name:
    | 'order_count' | 'total_sales' | 'first_ordered_at' | 'last_ordered_at'
    | 'days_since_last_order' | 'average_order_value' | 'last_order_store_id' | 'mails_sent' | 'last_mail_sent_at'
    | 'store_name' | 'last_order_store_name';
  readonly label: string;
  readonly type: 'integer' | 'decimal' | 'timestamp' | 'text';
}

export const customerFigures: readonly FigureDef[] = [
  { name: 'order_count', label: '購入回数', type: 'integer' },
  { name: 'total_sales', label: '累計購入金額', type: 'decimal' },
  { name: 'first_ordered_at', label: '初回購入日時', type: 'timestamp' },
  { name: 'last_ordered_at', label: '最終購入日時', type: 'timestamp' },
  { name: 'days_since_last_order', label: '最終購入からの日数', type: 'integer' },
  { name: 'average_order_value', label: '平均購入単価', type: 'decimal' },
  { name: 'last_order_store_id', label: '最新購入店舗', type: 'text' },
  { name: 'mails_sent', label: 'メール送信数', type: 'integer' },
  { name: 'last_mail_sent_at', label: '最終メール送信日時', type: 'timestamp' },
  { name: 'store_name', label: '登録店舗名', type: 'text' },
  { name: 'last_order_store_name', label: '最新購入店舗名', type: 'text' },
];
