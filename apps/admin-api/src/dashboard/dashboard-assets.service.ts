import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { notFound } from '../common/errors';

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };
const FILES = new Set(['index.html', 'app.js', 'styles.css']);

/**
 * Finds the dashboard files next to the running code (copied into dist/ by the build, the
 * source folder under tests) and Chart.js in node_modules, and serves only those.
 */
@Injectable()
export class DashboardAssets {
  private readonly root = [
    join(__dirname, 'apps', 'admin-api', 'src', 'dashboard', 'public'), // the Nest CLI copies assets here in dist/
    join(__dirname, 'public'), // running from source (tests)
    join(process.cwd(), 'apps', 'admin-api', 'src', 'dashboard', 'public'),
  ].find((dir) => existsSync(join(dir, 'index.html')));
  private readonly cache = new Map<string, Buffer>();

  send(res: Response, file: string): void {
    if (!FILES.has(file) || !this.root) throw notFound('Dashboard file', file);
    this.reply(res, file, join(this.root, file));
  }

  sendChartJs(res: Response): void {
    // chart.js's export map hides dist/: find the package's main file and take its UMD sibling
    // (a real Node resolver: inside the webpack bundle a bare require.resolve would be rewritten)
    this.reply(res, 'chart.umd.js', join(dirname(createRequire(__filename).resolve('chart.js')), 'chart.umd.js'));
  }

  private reply(res: Response, name: string, path: string): void {
    let body = this.cache.get(path);
    if (!body) {
      body = readFileSync(path);
      this.cache.set(path, body);
    }
    res.setHeader('content-type', TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream');
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'");
    res.send(body);
  }
}
