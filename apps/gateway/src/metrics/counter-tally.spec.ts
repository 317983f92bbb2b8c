import { Counter, Registry } from 'prom-client';
import { CounterTally } from './counter-tally';

describe('CounterTally', () => {
  const setUp = () => {
    const registry = new Registry();
    const tally = new CounterTally(['endpoint', 'model', 'status'] as const);
    const counter: Counter<'endpoint' | 'model' | 'status'> = new Counter({
      name: 'calls_total',
      help: 'calls',
      labelNames: ['endpoint', 'model', 'status'] as const,
      registers: [registry],
      collect: () => tally.fold(counter),
    });
    return { registry, tally };
  };

  it('shows the running totals at each scrape, labels in the counter order, without counting twice', async () => {
    const { registry, tally } = setUp();
    tally.cell('chat', 'qwen', 200).value++;
    tally.cell('chat', 'qwen', 200).value++;
    tally.cell('chat', 'qwen', 429).value++;
    tally.cell('messages', 'unknown', 404).value += 3;

    const first = await registry.metrics();
    expect(first).toContain('calls_total{endpoint="chat",model="qwen",status="200"} 2');
    expect(first).toContain('calls_total{endpoint="chat",model="qwen",status="429"} 1');
    expect(first).toContain('calls_total{endpoint="messages",model="unknown",status="404"} 3');

    tally.cell('chat', 'qwen', 200).value++;
    const second = await registry.metrics();
    expect(second).toContain('calls_total{endpoint="chat",model="qwen",status="200"} 3');
    expect(second).toContain('calls_total{endpoint="messages",model="unknown",status="404"} 3');
  });

  it('keeps one series per distinct label values and hands back the same cell', () => {
    const { tally } = setUp();
    const cell = tally.cell('chat', 'qwen', 200);
    expect(tally.cell('chat', 'qwen', 200)).toBe(cell);
    expect(tally.cell('chat', 'qwen', 201)).not.toBe(cell);
    expect(tally.cell('chat', 'glm', 200)).not.toBe(cell);
  });

  it('works with one label', async () => {
    const registry = new Registry();
    const tally = new CounterTally(['currency'] as const);
    const counter: Counter<'currency'> = new Counter({
      name: 'cost_total',
      help: 'cost',
      labelNames: ['currency'] as const,
      registers: [registry],
      collect: () => tally.fold(counter),
    });
    tally.cell('CNY').value += 0.25;
    tally.cell('CNY').value += 0.5;
    expect(await registry.metrics()).toContain('cost_total{currency="CNY"} 0.75');
  });

  it('refuses a shape it cannot count', () => {
    expect(() => new CounterTally([])).toThrow();
    expect(() => new CounterTally(['a', 'b', 'c', 'd'])).toThrow();
  });
});
