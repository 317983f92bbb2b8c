import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProxyService } from '../proxy/proxy.service';

@Controller('v1/chat')
export class CompletionsController {
  constructor(@Inject(ProxyService) private readonly proxy: ProxyService) {}

  @Post('completions')
  create(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.proxy.handle('chat.completions', req, res);
  }
}
