import { useEffect, useState, useSyncExternalStore } from 'react';
import { ActionIcon, Alert, Anchor, Button, Center, Group, Loader, NavLink, Stack, Text, Title, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { Link, Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { completeSignIn, currentSession, justSignedOut, signIn, signOut, subscribe } from './auth';
import { ClientsPage } from './pages/ClientsPage';
import { ClientPage } from './pages/ClientPage';
import { AuditLogPage } from './pages/AuditLogPage';
import { SigningKeysPage } from './pages/SigningKeysPage';
import { SettingsPage } from './pages/SettingsPage';
import { OrganizationsPage } from './pages/OrganizationsPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { UsersPage } from './pages/UsersPage';
import { OrganizationSwitcher } from './components/OrganizationSwitcher';
import { useCan } from './session';

type Start = { state: 'working' } | { state: 'ready' } | { state: 'signed-out' } | { state: 'failed'; message: string };

/** Where the console is, below /console, for the router. */
const path = () => location.pathname.replace(/^\/console/, '') || '/';

export function App() {
  const [start, setStart] = useState<Start>({ state: 'working' });
  useEffect(() => {
    if (path() === '/callback') {
      completeSignIn()
        .then((returnTo) => {
          history.replaceState(null, '', `/console${returnTo === '/' ? '' : returnTo}`);
          setStart({ state: 'ready' });
        })
        .catch((error: unknown) => setStart({ state: 'failed', message: error instanceof Error ? error.message : String(error) }));
    } else if (justSignedOut()) {
      history.replaceState(null, '', '/console');
      setStart({ state: 'signed-out' });
    } else if (!currentSession()) {
      void signIn(path() + location.search);
    }
  }, []);
  const session = useSyncExternalStore(subscribe, currentSession);

  if (start.state === 'failed') return <Message title="Sign-in failed" text={start.message} />;
  if (start.state === 'signed-out') return <Message title="You are signed out" text="You signed out of Gatehouse." />;
  // A session that ends while in use (refresh refused: the user was disabled, OAuth turned off…) says so, rather than waiting for ever.
  if (!session && start.state === 'ready') return <Message title="Your session ended" text="Gatehouse no longer accepts this session's tokens; sign in again." />;
  if (!session) return <Center h="100vh"><Loader aria-label="Signing in" /></Center>;
  return (
    <Router base="/console">
      <Shell email={session.email} />
    </Router>
  );
}

function Message({ title, text }: { title: string; text: string }) {
  return (
    <Center h="100vh" component="main">
      <Stack align="center">
        <Title order={1}>{title}</Title>
        <Text>{text}</Text>
        <Button onClick={() => void signIn('/')}>Sign in</Button>
      </Stack>
    </Center>
  );
}

/** The frame of every page. Plain CSS (console.css), not Mantine's AppShell: its layout comes from an inline <style> tag, which the CSP refuses. */
function Shell({ email }: { email: string | undefined }) {
  const [location] = useLocation();
  const can = useCan();
  const onClients = location.startsWith('/clients');
  const here = (path: string) => (location.startsWith(path) ? { active: true, 'aria-current': 'page' as const } : {});
  return (
    <div className="shell">
      <header className="shell-header">
        <Text fw={700} size="lg">Gatehouse</Text>
        <Group>
          <OrganizationSwitcher />
          {email && <Text size="sm">{email}</Text>}
          <ColorSchemeToggle />
          <Button variant="default" onClick={() => void signOut()}>Sign out</Button>
        </Group>
      </header>
      <nav className="shell-nav" aria-label="Console">
        {can('client:read') && <NavLink component={Link} href="/clients" label="OAuth clients" active={onClients} aria-current={onClients ? 'page' : undefined} />}
        {can('organization:read') && <NavLink component={Link} href="/organizations" label="Organizations" {...here('/organizations')} />}
        {can('project:read') && <NavLink component={Link} href="/projects" label="Projects" {...here('/projects')} />}
        {can('user:read') && <NavLink component={Link} href="/users" label="Users" {...here('/users')} />}
        {can('audit:read') && <NavLink component={Link} href="/audit" label="Audit log" {...here('/audit')} />}
        {can('key:read') && <NavLink component={Link} href="/keys" label="Signing keys" {...here('/keys')} />}
        <NavLink component={Link} href="/settings" label="Your settings" {...here('/settings')} />
      </nav>
      <main className="shell-main">
        <Switch>
          <Route path="/clients" component={ClientsPage} />
          <Route path="/clients/:id">{(params) => <ClientPage id={decodeURIComponent(params.id)} />}</Route>
          <Route path="/audit" component={AuditLogPage} />
          <Route path="/keys" component={SigningKeysPage} />
          <Route path="/settings" component={SettingsPage} />
          <Route path="/organizations" component={OrganizationsPage} />
          <Route path="/projects" component={ProjectsPage} />
          <Route path="/users" component={UsersPage} />
          <Route path="/">{can('client:read') ? <Redirect to="/clients" /> : <Welcome />}</Route>
          <Route>
            <Alert color="red" title="Not found">There is no such page in the console.</Alert>
          </Route>
        </Switch>
      </main>
    </div>
  );
}

/** Where someone whose role administers nothing lands: the menu shows only what their role allows. */
function Welcome() {
  return (
    <Stack>
      <Title order={1}>Gatehouse</Title>
      <Text>You are signed in. Your role in this organization gives you no administration rights here.</Text>
      <Text>
        Your personal access tokens and the apps you allowed are in <Anchor component={Link} href="/settings" underline="always">Your settings</Anchor>.
      </Text>
    </Stack>
  );
}

function ColorSchemeToggle() {
  // keepTransitions: otherwise Mantine injects a <style> tag for the switch, which the CSP refuses.
  const { setColorScheme } = useMantineColorScheme({ keepTransitions: true });
  const scheme = useComputedColorScheme('light');
  const next = scheme === 'dark' ? 'light' : 'dark';
  return (
    <ActionIcon variant="default" size="lg" onClick={() => setColorScheme(next)} aria-label={`Switch to ${next} mode`} title={`Switch to ${next} mode`}>
      <span aria-hidden="true">{scheme === 'dark' ? '☀' : '☾'}</span>
    </ActionIcon>
  );
}
