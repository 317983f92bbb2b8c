import { useTranslation } from 'react-i18next';

/** Numbers, money and dates in the chosen language's conventions (Intl); currencies never mixed. */
export function useFormat() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  const integer = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  const decimal = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return {
    locale,
    number: (value: number | string | null | undefined) => (value === null || value === undefined || value === '' ? '—' : integer.format(Number(value))),
    decimal: (value: number | string | null | undefined) => (value === null || value === undefined || value === '' ? '—' : decimal.format(Number(value))),
    percent: (value: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(value),
    /** A decimal string in its own currency (CNY as ¥, USD as US$); small amounts keep 4 decimals. */
    money: (amount: string | number | null | undefined, currency: string | null | undefined) => {
      if (amount === null || amount === undefined || amount === '') return '—';
      const value = Number(amount);
      const digits = Math.abs(value) > 0 && Math.abs(value) < 1 ? 4 : 2;
      if (!currency) return decimal.format(value);
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        currencyDisplay: currency === 'CNY' ? 'symbol' : 'symbol',
        minimumFractionDigits: 2,
        maximumFractionDigits: digits,
      }).format(value);
    },
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—'),
    date: (iso: string | null | undefined) => (iso ? date.format(new Date(iso)) : '—'),
    /** "in 3 hours", "in 2 days". */
    fromNow: (iso: string) => {
      const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
      const abs = Math.abs(seconds);
      if (abs < 90) return relative.format(Math.round(seconds), 'second');
      if (abs < 90 * 60) return relative.format(Math.round(seconds / 60), 'minute');
      if (abs < 36 * 3600) return relative.format(Math.round(seconds / 3600), 'hour');
      return relative.format(Math.round(seconds / 86400), 'day');
    },
    axisTime: (ms: number, unit: 'hour' | 'day') =>
      new Intl.DateTimeFormat(locale, unit === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(new Date(ms)),
  };
}

export type Format = ReturnType<typeof useFormat>;

/** Today as YYYY-MM-DD in the browser's zone; the month as YYYY-MM. */
export function isoDay(date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function monthBounds(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number);
  const last = new Date(year, m, 0).getDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}
