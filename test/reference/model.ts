import type { SubscriptionRow } from './subscription.js';

/** Plain in-memory rows, as the reference evaluator sees the data. Times are 'YYYY-MM-DD HH:MM:SS'. */
export interface CustomerRow {
  customer_id: string;
  [column: string]: unknown;
}

export interface PurchaseRow {
  order_id: string;
  line_no: number;
  customer_id: string;
  store_id: string | null;
  ordered_at: string;
  shipped_at: string | null;
  product_code: string;
  category: string | null;
  quantity: number | null;
  amount: number | null;
  order_code: string | null;
  media: string | null;
  status: string | null;
  counted: boolean | null;
  /** 商品備考 */
  remark?: string | null;
  groups: Record<string, string | null>;
}

export interface ProductRow { product_code: string; category: string | null }
export interface MailRow { mail_id: string; kind: string | null; subject: string | null; sent_at: string | null; store_id: string | null; subkind?: string | null }
export interface MailEventRow { customer_id: string; mail_id: string; event: string; occurred_at: string }

export interface Dataset {
  customers: CustomerRow[];
  /** customer_id → attribute name → value */
  attributes: Map<string, Map<string, string>>;
  purchases: PurchaseRow[];
  products: ProductRow[];
  mails: MailRow[];
  events: MailEventRow[];
  /** none when the data set has no subscriptions table rows */
  subscriptions?: SubscriptionRow[];
}
