/** The options every command takes. */
export interface GlobalArgs {
  readonly db: string;
  /** `--engine` / KUMIWAKE_ENGINE: a ClickHouse engine instead of the DuckDB file */
  readonly engine?: string;
  readonly tz: string;
  readonly json: boolean;
}
