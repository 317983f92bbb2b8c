import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { notFound } from '../common/errors';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  woff2: 'font/woff2',
};
/** Hashed file names as Vite writes them into dist/console/dashboard/. */
const ASSET_NAME = /^[A-Za-z0-9_.-]+\.(js|css|svg|woff2)$/;

/** No inline script or style, no eval, nothing from another origin. */
const CONSOLE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * Serves the console built by Vite (`npm run build` writes dist/console: index.html and hashed
 * assets). Found next to the running bundle (dist/apps/admin-api/../../console) or, when the app
 * runs from source (tests), under the working directory's dist/.
 */
@Injectable()
export class DashboardAssets {
  private readonly root = [join(__dirname, '..', '..', 'console'), join(process.cwd(), 'dist', 'console')].find((dir) => existsSync(join(dir, 'index.html')));
  private readonly cache = new Map<string, Buffer>();

  index(res: Response): void {
    if (!this.root) {
      res.status(503).setHeader('content-type', 'text/plain; charset=utf-8');
      res.send('The console is not built: run `npm run build`.');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    this.reply(res, 'index.html', join(this.root, 'index.html'));
  }

  asset(res: Response, file: string): void {
    if (!this.root || !ASSET_NAME.test(file) || file.includes('..')) throw notFound('Console file', file);
    const path = join(this.root, 'dashboard', file);
    if (!existsSync(path)) throw notFound('Console file', file);
    // names carry a content hash: a new build has new names
    res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    this.reply(res, file, path);
  }

  private reply(res: Response, name: string, path: string): void {
    let body = this.cache.get(path);
    if (!body) {
      body = readFileSync(path);
      this.cache.set(path, body);
    }
    res.setHeader('content-type', TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    res.setHeader('content-security-policy', CONSOLE_CSP);
    res.send(body);
  }
}
