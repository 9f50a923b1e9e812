import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Environment, ENVIRONMENT_KEYS, validateEnvironment } from './environment.js';
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
  // The values validateEnvironment returned (ConfigService serves those first), defaults included.
  const environment = new Environment();
  for (const key of ENVIRONMENT_KEYS) {
    const value: unknown = config.get(key);
    if (value !== undefined && value !== '') Object.assign(environment, { [key]: value });
  }
  return new GatehouseConfig(environment);
}
