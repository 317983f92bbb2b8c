/** What other admin API features import from upstream accounts. */
export { ProviderAccountsModule } from './provider-accounts.module';
export { ProviderAccountsService } from './provider-accounts.service';
export type { ProviderAccountDto } from './dto/provider-account.dto';
