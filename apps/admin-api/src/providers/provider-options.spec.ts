import { ValidationError } from '../common/errors';
import { assertOptionsFitKind, maskCredential, SECRET_OPTIONS, splitProviderOptions } from './provider-options';

describe('provider options', () => {
  it('splits credentials from plain options and checks their types', () => {
    expect(
      splitProviderOptions('dashscope', { accessKeyId: 'LTAI5tExample', accessKeySecret: 's3cret', bssEndpoint: 'https://business.aliyuncs.com/' }),
    ).toEqual({
      secrets: { accessKeyId: 'LTAI5tExample', accessKeySecret: 's3cret' },
      plain: { bssEndpoint: 'https://business.aliyuncs.com' },
    });
    expect(
      splitProviderOptions('huawei-maas', {
        accessKey: 'AK',
        secretKey: 'SK',
        region: 'cn-southwest-2',
        projectId: 'p1',
        serviceType: 2,
        balanceAlertBelow: 100,
      }),
    ).toEqual({
      secrets: { accessKey: 'AK', secretKey: 'SK' },
      plain: { region: 'cn-southwest-2', projectId: 'p1', serviceType: 2, balanceAlertBelow: '100' },
    });
  });

  it('refuses unknown options and bad values, naming them', () => {
    expect(() => splitProviderOptions('openai', { region: 'x' })).toThrow(/options\.region/);
    expect(() => splitProviderOptions('dashscope', { secretKey: 'x' })).toThrow(/options\.secretKey: not an option of a dashscope provider/);
    expect(() => splitProviderOptions('dashscope', { bssEndpoint: 'ftp://x' })).toThrow(/options\.bssEndpoint: must be an http\(s\) URL/);
    expect(() => splitProviderOptions('huawei-maas', { region: '' })).toThrow(ValidationError);
    expect(() => splitProviderOptions('huawei-maas', { serviceType: '2' })).toThrow(/options\.serviceType/);
    expect(() => splitProviderOptions('openai', { balanceAlertBelow: '-1' })).toThrow(/balanceAlertBelow/);
  });

  it('lets null remove any known option, so a change of kind can drop the old kind’s', () => {
    expect(splitProviderOptions('openai', { accessKeyId: null, region: null })).toEqual({ secrets: { accessKeyId: null }, plain: { region: null } });
    expect(() => assertOptionsFitKind('openai', ['region'])).toThrow(/set it to null/);
  });

  it('marks exactly the credentials as secret and masks ids', () => {
    expect([...SECRET_OPTIONS].sort()).toEqual(['accessKey', 'accessKeyId', 'accessKeySecret', 'accessToken', 'chatgptAccountId', 'refreshToken', 'secretKey']);
    expect(maskCredential('LTAI5tAbCdEfGh')).toBe('LTAI…Gh');
    expect(maskCredential('short')).toBe('…');
  });
});
