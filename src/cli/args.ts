/** The options every command takes. */
export interface GlobalArgs {
  readonly db: string;
  readonly tz: string;
  readonly json: boolean;
}
