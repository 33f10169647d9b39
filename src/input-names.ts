/** The inputs of library calls whose faults name them. */
export type Input = 'asOf' | 'by' | 'columns' | 'sort' | 'from' | 'to' | 'sent' | 'sentFrom' | 'sentTo' | 'kind';

/**
 * How a caller calls the inputs it passes, for the sentences of their faults: one check, one
 * sentence, the input named as the user typed it. The CLI's flags are the default (`--as-of
 * 2026-02-30 is not a date`); the web page's JSON names are `PAGE_INPUTS` (`asOf "2026-02-30" is
 * not a date`).
 */
export interface InputNames {
  /** an input, with its place in a list and the value given: `--by attr:x`, `by[0] "attr:x"` */
  given(input: Input, value?: string | number, index?: number): string;
  /** the command that lists what exists, said after a miss (`kumiwake segments list`); absent when the caller shows it itself */
  lists?(what: 'segments' | 'runs', segment?: string): string;
}

const FLAGS: Readonly<Record<Input, string>> = {
  asOf: '--as-of', by: '--by', columns: '--columns', sort: '--sort', from: '--from', to: '--to',
  // `mails list --sent FROM~TO`; a range given as its two ends is MailSearch.sent's
  sent: '--sent', sentFrom: 'sent.from', sentTo: 'sent.to', kind: '--kind',
};

/** The CLI's flags: `--as-of 2026-02-30`, `--by attr:x`, `--columns[0]`, `--from -1`. */
export const CLI_INPUTS: InputNames = {
  given: (input, value, index) => `${FLAGS[input]}${index !== undefined && input !== 'by' ? `[${index}]` : ''}${value !== undefined ? ` ${value}` : ''}`,
  lists: (what, segment) => (what === 'segments' ? 'kumiwake segments list' : segment === undefined ? 'kumiwake history' : `kumiwake history --segment ${segment}`),
};

/** The web page's names, JSON paths of its request: `asOf "2026-02-30"`, `by[0] "attr:x"`, `columns[0]`, `from -1`. */
export const PAGE_INPUTS: InputNames = {
  given: (input, value, index) => `${input}${index !== undefined ? `[${index}]` : ''}${value !== undefined ? ` ${JSON.stringify(value)}` : ''}`,
};

/** ` (see kumiwake segments list)`: the command that lists them in a sentence, or nothing for a caller that lists them itself. */
export const listedIn = (names: InputNames, what: 'segments' | 'runs', segment: string | undefined, sentence: (command: string) => string): string => {
  const command = names.lists?.(what, segment);
  return command === undefined ? '' : ` (${sentence(command)})`;
};
