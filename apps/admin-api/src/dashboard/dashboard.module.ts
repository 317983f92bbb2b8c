import { Module } from '@nestjs/common';
import { ConsoleConfigController } from './console-config.controller';
import { DashboardAssets } from './dashboard-assets.service';
import { DashboardController } from './dashboard.controller';

/** The web console: its built files at `/` and the little it needs before sign-in (`/api/console/config`). */
@Module({ controllers: [DashboardController, ConsoleConfigController], providers: [DashboardAssets] })
export class DashboardModule {}
