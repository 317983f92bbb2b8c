import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './i18n';
import './styles.css';
import { App } from './App';

// React Aria adds an inline <style> (touch-action on pressable elements) unless an element with
// this id exists. Our stylesheet carries that rule, so it takes the id: no inline style, and the
// CSP's style-src stays 'self'.
document.querySelector('link[rel="stylesheet"]')?.setAttribute('id', 'react-aria-pressable-style');

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
