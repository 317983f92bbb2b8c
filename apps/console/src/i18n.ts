import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { zh } from './locales/zh';

const LANGUAGE_KEY = 'tollgate.language';
export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
] as const;

/** The saved choice, else the browser's first language that we speak (any zh-* reads 简体中文). */
function initialLanguage(): string {
  const saved = localStorage.getItem(LANGUAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  for (const language of navigator.languages ?? [navigator.language]) {
    if (/^zh\b/i.test(language)) return 'zh-CN';
    if (/^en\b/i.test(language)) return 'en';
  }
  return 'en';
}

export function setLanguage(code: string): void {
  localStorage.setItem(LANGUAGE_KEY, code);
  void i18next.changeLanguage(code);
}

i18next.on('languageChanged', (language) => {
  document.documentElement.lang = language;
  document.title = i18next.t('app.name');
});

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zh } },
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false }, // React inserts text, never HTML
  returnNull: false,
});
document.documentElement.lang = i18next.language;

export default i18next;
