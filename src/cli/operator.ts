import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { type INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RootClientService } from '../clients/root-client.service.js';
import { ADMIN_PASSWORD_MAX_LENGTH, ADMIN_PASSWORD_MIN_LENGTH, type Environment, InvalidConfigurationError, validateEnvironment } from '../config/environment.js';
import { GatehouseConfig } from '../config/gatehouse-config.js';
import { dataSourceOptions } from '../database/data-source-options.js';
import { AdminPasswordService } from '../users/admin-password.service.js';
import { CliError, EXIT } from './errors.js';
import { readSecret } from './input.js';
import { note, print, printJson } from './output.js';
import { OperatorModule } from './operator.module.js';

/**
 * The operator commands: they read the server's own configuration from the environment
 * (DATABASE_URL and the rest, checked as the server checks them) and open its database with the
 * server's own migrations and services, so they write exactly what the server would.
 */
function environment(): Environment {
  try {
    return validateEnvironment(process.env);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) throw new CliError(error.message, EXIT.usage);
    throw error;
  }
}

function databaseError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(`Database: ${message}`);
}

export async function migrate(options: { json: boolean }): Promise<void> {
  const { DATABASE_URL } = environment();
  const dataSource = new DataSource(dataSourceOptions(DATABASE_URL));
  try {
    await dataSource.initialize();
  } catch (error) {
    throw databaseError(error);
  }
  try {
    const applied = await dataSource.runMigrations();
    const names = applied.map((migration) => migration.name);
    if (options.json) printJson({ applied: names });
    else if (names.length === 0) print('The database is up to date.');
    else print(`Applied ${names.length} migration${names.length === 1 ? '' : 's'}:\n${names.map((name) => `  ${name}`).join('\n')}`);
  } catch (error) {
    throw databaseError(error);
  } finally {
    await dataSource.destroy();
  }
}

/** The server's modules on its database (migrations run on open, as at start), closed whatever `work` does. */
async function withServerContext<T>(work: (context: INestApplicationContext) => Promise<T>): Promise<T> {
  environment();
  let context: INestApplicationContext;
  try {
    // No logger: the commands print their own results, and a framework log line on stdout would mix with them.
    context = await NestFactory.createApplicationContext(OperatorModule, { logger: false, abortOnError: false });
  } catch (error) {
    throw databaseError(error);
  }
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}

export async function resetAdminPassword(options: { json: boolean; passwordStdin: boolean }): Promise<void> {
  // Read before the database opens, so a prompt is not kept waiting on a connection.
  const chosen = options.passwordStdin ? await readSecret('New password: ') : undefined;
  if (chosen !== undefined && (chosen.length < ADMIN_PASSWORD_MIN_LENGTH || chosen.length > ADMIN_PASSWORD_MAX_LENGTH)) {
    throw new CliError(`The password must be ${ADMIN_PASSWORD_MIN_LENGTH} to ${ADMIN_PASSWORD_MAX_LENGTH} characters`, EXIT.usage);
  }
  await withServerContext(async (context) => {
    const config = context.get(GatehouseConfig);
    const admin = context.get(AdminPasswordService);
    const { email } = config.admin;
    const user = await admin.find(email);
    if (!user) throw new CliError(`There is no account ${email} (ADMIN_EMAIL): start the server once to create the administrator`);
    const password = chosen ?? randomBytes(18).toString('base64url');
    await admin.replace(user, password, 'gatehouse reset-admin-password');
    if (options.json) printJson(chosen === undefined ? { email, password } : { email });
    else if (chosen === undefined) print(`email:    ${email}\npassword: ${password}`);
    else print(`Password of ${email} changed.`);
    if (chosen === undefined) note('This is the only time the password is shown. Sessions and tokens from before are refused.');
    if (config.admin.password !== undefined) note('ADMIN_PASSWORD is set: the server puts that password back at its next start unless you change or unset it.');
  });
}

export async function createRootClient(options: { json: boolean }): Promise<void> {
  // Checked before the database opens: the server would put the configured root client back at its next start.
  if (environment().OAUTH_ROOT_CLIENT_ID) {
    throw new CliError('OAUTH_ROOT_CLIENT_ID is set: the server makes that the root client at each start. Change OAUTH_ROOT_CLIENT_SECRET instead, or unset both', EXIT.usage);
  }
  await withServerContext(async (context) => {
    const config = context.get(GatehouseConfig);
    const root = await context.get(RootClientService).replaceWithGenerated('gatehouse create-root-client');
    if (options.json) printJson({ client_id: root.id, client_secret: root.secret, token_endpoint: `${config.issuer}/api/v1/oauth/token` });
    else print(`client_id:     ${root.id}\nclient_secret: ${root.secret}`);
    note('This is the only time the secret is shown. The previous root client, if any, no longer works.');
  });
}
