import type { Counter } from 'prom-client';

/** The running total of one series. */
export interface TallyCell {
  value: number;
}

type LabelValue = string | number;
type Level = Map<LabelValue, Level | TallyCell>;

/**
 * Running totals of a labelled counter, written into the prom-client counter only when it is
 * scraped. Every prom-client `inc` with labels builds a label-hash string, validates the labels and
 * returns a result object: several per call on the request thread, where the gateway counts
 * requests, four kinds of tokens and cost. Here a call finds its series through nested maps keyed
 * by the label values themselves (no string built, nothing allocated once the series exists), and
 * the counter's `collect` hook, which prom-client runs at each scrape, copies the totals in.
 *
 * The counter must be counted only through its tally (a `fold` replaces what it holds).
 */
export class CounterTally<L extends string> {
  private readonly root: Level = new Map();

  constructor(private readonly labelNames: readonly L[]) {
    if (labelNames.length < 1 || labelNames.length > 3) throw new Error('a tally counts one to three labels');
  }

  /** The series with these label values, in the order of `labelNames` (created at zero). */
  cell(first: LabelValue, second?: LabelValue, third?: LabelValue): TallyCell {
    const depth = this.labelNames.length;
    let level = this.root;
    if (depth > 1) level = inner(level, first);
    if (depth > 2) level = inner(level, second as LabelValue);
    const last = depth === 1 ? first : depth === 2 ? (second as LabelValue) : (third as LabelValue);
    let cell = level.get(last) as TallyCell | undefined;
    if (!cell) {
      cell = { value: 0 };
      level.set(last, cell);
    }
    return cell;
  }

  /** Replaces what `counter` holds with the running totals (from the counter's `collect`). */
  fold(counter: Counter<L>): void {
    counter.reset();
    const walk = (level: Level, labels: Partial<Record<L, string>>, depth: number): void => {
      const name = this.labelNames[depth];
      for (const [value, child] of level) {
        const at = { ...labels, [name]: String(value) };
        if (depth === this.labelNames.length - 1) counter.inc(at as Record<L, string>, (child as TallyCell).value);
        else walk(child as Level, at, depth + 1);
      }
    };
    walk(this.root, {}, 0);
  }
}

function inner(level: Level, key: LabelValue): Level {
  let next = level.get(key) as Level | undefined;
  if (!next) {
    next = new Map();
    level.set(key, next);
  }
  return next;
}
