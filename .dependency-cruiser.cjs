/**
 * The dependency rules of src/ (run by `npm run lint`, so CI fails when one breaks). The README's
 * "Modules and their dependencies" diagram draws LAYERS.
 *
 * Three rules:
 * 1. No import cycle between the folders of src/: each folder imports only the folders LAYERS
 *    allows it, and LAYERS is checked to be acyclic below, so no chain of imports leads back.
 * 2. common/ and config/ depend on no domain module (a case of rule 1, named so its message says so).
 * 3. A domain module is imported from another folder only through what it exports: its Nest
 *    module (`*.module.ts`), its entities (`entities/*.entity.ts`), its DTOs (`dto/*.dto.ts`), its
 *    services (`*.service.ts`), its cached directory (`*-directory.ts`),
 *    and the files PUBLIC names. Controllers, guards, grants, pages, bootstraps and helpers stay private.
 * The files at the top of src/ (main, server, app.module, app.factory, openapi) wire everything
 * together and may import anything.
 */

/** Each folder of src/ and the folders it may import, lowest layers first. */
const LAYERS = {
  common: [],
  config: ['common'],
  database: ['common', 'config'],
  'change-feed': ['common', 'config', 'database'],
  health: ['common', 'config', 'database', 'access'],
  scopes: ['common'],
  access: ['common', 'scopes'],
  metrics: ['common', 'scopes', 'access'],
  lockout: ['common', 'config'],
  replay: ['common', 'config', 'database'],
  'token-policy': ['common', 'config', 'scopes'],
  audit: ['common', 'config', 'database', 'change-feed', 'scopes', 'access'],
  keys: ['common', 'config', 'database', 'scopes', 'access', 'audit'],
  revocation: ['common', 'config', 'database', 'change-feed', 'audit'],
  organizations: ['common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit'],
  apis: ['common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'organizations'],
  roles: ['common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'organizations', 'apis'],
  clients: ['token-policy', 'common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'lockout', 'organizations', 'apis', 'roles'],
  users: ['token-policy', 'common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'lockout', 'organizations', 'roles'],
  'personal-access-tokens': ['common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'organizations', 'apis', 'roles', 'users'],
  projects: ['common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'organizations'],
  tables: ['common', 'config', 'database', 'scopes', 'access', 'audit', 'projects'],
  policies: ['common', 'config', 'database', 'scopes', 'access', 'audit', 'organizations'],
  auth: ['token-policy', 'common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'lockout', 'keys', 'revocation', 'organizations', 'apis', 'roles', 'clients', 'users', 'personal-access-tokens', 'replay'],
  authorization: ['token-policy', 'common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'lockout', 'keys', 'revocation', 'organizations', 'apis', 'roles', 'clients', 'users', 'personal-access-tokens', 'auth', 'replay'],
  'client-registration': ['token-policy', 'common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'lockout', 'organizations', 'apis', 'roles', 'clients', 'auth'],
  console: ['common', 'access'],
  // The command line: its API commands import nothing of the server; its operator commands use the server's configuration, database and the services that write the root client and the administrator's password.
  cli: ['common', 'config', 'database', 'change-feed', 'audit', 'clients', 'users'],
  tokens: ['token-policy', 'common', 'config', 'database', 'change-feed', 'metrics', 'scopes', 'access', 'audit', 'lockout', 'keys', 'revocation', 'organizations', 'apis', 'roles', 'clients', 'users', 'personal-access-tokens', 'projects', 'auth', 'authorization', 'client-registration', 'replay'],
};

/** Folders that are libraries for every layer above them rather than domain modules: all their files are public. */
const LIBRARIES = ['common', 'config', 'database', 'scopes', 'access', 'token-policy'];

/** Per domain folder, the files besides the conventional ones (see rule 3) that others may import. */
const PUBLIC = {
  audit: ['actor', 'unit-of-work'],
  auth: ['access-token.verifier', 'client-credentials.authenticator', 'access-token-id', 'basic-client.strategy', 'dpop-proofs'],
  authorization: ['authorization-codes', 'refresh-tokens', 'device-authorizations'],
  apis: ['scope-catalog', 'api-scope-holders'],
  'change-feed': ['change-feed'],
  clients: ['client-secret-hasher', 'client-secret-cipher', 'client-auth-methods', 'console-client', 'docs-client', 'first-party-clients'],
  'client-registration': ['registration-paths'],
  keys: ['compact-jws'],
  lockout: ['client-lockout'],
  organizations: ['organization-holders', 'realm-paths'],
  'personal-access-tokens': ['personal-access-token-format'],
  revocation: ['revocation-list', 'revoke-access-tokens'],
  replay: ['used-token-ids'],
  roles: ['role-holders'],
};

const CONVENTIONAL_PUBLIC = String.raw`(?:[^/]+\.module|entities/[^/]+\.entity|dto/[^/]+\.dto|[^/]+\.service|[^/]+-directory)\.ts$`;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const domainFolders = Object.keys(LAYERS).filter((folder) => !LIBRARIES.includes(folder));

assertAcyclic(LAYERS);

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders of src/ import each other in one direction only (LAYERS in .dependency-cruiser.cjs, the diagram in the README).',
      severity: 'error',
      // Folders are named without a trailing slash here (src/clients, src/common/http).
      from: { path: '^src/' },
      to: { path: '^src/', circular: true },
      scope: 'folder',
    },
    {
      name: 'common-and-config-import-no-domain-module',
      comment: 'common/ and config/ are the bottom layers: whatever they need from a module above is handed to them as a parameter.',
      severity: 'error',
      from: { path: '^src/(common|config)/' },
      to: { path: '^src/[^/]+/', pathNot: '^src/(common|config)/' },
    },
    ...Object.entries(LAYERS).map(([folder, allowed]) => ({
      name: `layer-${folder}`,
      comment: `${folder}/ imports only ${allowed.length === 0 ? 'nothing else in src/' : allowed.map((name) => `${name}/`).join(', ')} (LAYERS in .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: `^src/${escape(folder)}/` },
      to: { path: '^src/[^/]+/', pathNot: `^src/(${[folder, ...allowed].map(escape).join('|')})/` },
    })),
    {
      name: 'layers-name-every-folder',
      comment: 'A new folder of src/ gets its place in LAYERS (.dependency-cruiser.cjs) and in the README diagram.',
      severity: 'error',
      from: { path: `^src/(?!(${Object.keys(LAYERS).map(escape).join('|')})/)[^/]+/` },
      to: {},
    },
    ...domainFolders.map((folder) => ({
      name: `public-files-of-${folder}`,
      comment: `From another folder, ${folder}/ is reached only through its module, entities, DTOs, services, directory and scopes${PUBLIC[folder] ? `, and ${PUBLIC[folder].join(', ')}` : ''}.`,
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: `^src/${escape(folder)}/` },
      to: {
        path: `^src/${escape(folder)}/`,
        pathNot: [`^src/${escape(folder)}/${CONVENTIONAL_PUBLIC}`, ...(PUBLIC[folder] ?? []).map((file) => `^src/${escape(folder)}/${escape(file)}\\.ts$`)],
      },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};

/** LAYERS must allow no cycle, or rule 1 would not hold: fail loudly when an edit adds one. */
function assertAcyclic(layers) {
  const state = new Map();
  const visit = (folder, path) => {
    if (state.get(folder) === 'done') return;
    if (state.get(folder) === 'visiting') throw new Error(`.dependency-cruiser.cjs: LAYERS has a cycle: ${[...path, folder].join(' -> ')}`);
    if (!(folder in layers)) throw new Error(`.dependency-cruiser.cjs: LAYERS names ${folder}, which has no entry of its own`);
    state.set(folder, 'visiting');
    for (const next of layers[folder]) visit(next, [...path, folder]);
    state.set(folder, 'done');
  };
  for (const folder of Object.keys(layers)) visit(folder, []);
}
