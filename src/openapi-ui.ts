/**
 * Swagger UI plugins for /docs. SwaggerModule writes their source into /docs/swagger-ui-init.js
 * (a script of our own origin, so the page's CSP stays `script-src 'self'`): they run in the
 * browser, so they use nothing of this module's scope, only what Swagger UI hands them.
 */

interface ImmutableLike {
  getIn(path: string[]): unknown;
}
interface SwaggerSystem {
  React: {
    createElement(type: unknown, props: Record<string, unknown> | null, ...children: unknown[]): unknown;
    useEffect(effect: () => void, deps: unknown[]): void;
  };
  authSelectors: { authorized(): ImmutableLike };
}
interface BrowserDocument {
  getElementById(id: string): { focus(options: { preventScroll: boolean }): void } | null;
  querySelector(selector: string): { scrollTop: number } | null;
}
type Component = (props: Record<string, unknown>) => unknown;

/** Swagger UI's own plugin for the top bar, which the init script's default plugins list holds and `plugins` replaces. */
function downloadUrl(system: unknown): unknown {
  return (globalThis as unknown as { SwaggerUIBundle: { plugins: { DownloadUrl(system: unknown): unknown } } }).SwaggerUIBundle.plugins.DownloadUrl(system);
}

/**
 * The Authorize dialog opens on the client-credentials fields, scrolled to the top: Swagger UI
 * autofocuses the HTTP Basic username further down, which scrolled the dialog past the flow the
 * introduction tells people to use. Once a flow is authorized, it shows the scopes the token got.
 */
function authorizeDialog(): unknown {
  return {
    wrapComponents: {
      authorizationPopup: (Original: Component, system: SwaggerSystem) =>
        function AuthorizationPopup(props: Record<string, unknown>) {
          system.React.useEffect(() => {
            const document = (globalThis as unknown as { document: BrowserDocument }).document;
            const field = document.getElementById('client_id_clientCredentials');
            if (field) field.focus({ preventScroll: true });
            const content = document.querySelector('.modal-ux-content');
            if (content) content.scrollTop = 0;
          }, []);
          return system.React.createElement(Original, props);
        },
      oauth2: (Original: Component, system: SwaggerSystem) =>
        function OAuth2WithScopes(props: Record<string, unknown>) {
          const scope = system.authSelectors.authorized().getIn([String(props.name), 'token', 'scope']);
          return system.React.createElement(
            'div',
            null,
            system.React.createElement(Original, props),
            typeof scope === 'string' ? system.React.createElement('p', { className: 'granted-scopes' }, 'The token got these scopes: ', system.React.createElement('code', null, scope || '(none)')) : null,
          );
        },
    },
  };
}

export const DOCS_UI_PLUGINS: readonly ((system: unknown) => unknown)[] = [downloadUrl, authorizeDialog];
