import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Environment, validateEnvironment } from './environment.js';
import { GatehouseConfig } from './gatehouse-config.js';

/**
 * Reads the environment once through @nestjs/config, checked by `validateEnvironment` (which stops
 * the boot with a message naming each bad variable), and offers it as the typed `GatehouseConfig`.
 */
@Global()
@Module({})
export class GatehouseConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: GatehouseConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, validate: validateEnvironment })],
      providers: [{ provide: GatehouseConfig, inject: [ConfigService], useFactory: fromConfigService }],
      exports: [GatehouseConfig],
    };
  }
}

function fromConfigService(config: ConfigService): GatehouseConfig {
  const environment = new Environment();
  for (const key of Object.keys(environment) as (keyof Environment)[]) {
    Object.assign(environment, { [key]: config.get(key) ?? environment[key] });
  }
  for (const key of ['PUBLIC_URL', 'OAUTH_ROOT_CLIENT_ID', 'OAUTH_ROOT_CLIENT_SECRET', 'OAUTH_TOKEN_AUDIENCE'] as const) {
    environment[key] = config.get<string>(key) || undefined;
  }
  return new GatehouseConfig(environment);
}
