import { useEffect, useState, useSyncExternalStore } from 'react';
import { ActionIcon, Alert, Button, Center, Group, Loader, NavLink, Stack, Text, Title, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { Link, Redirect, Route, Router, Switch, useLocation } from 'wouter';
import { completeSignIn, currentSession, justSignedOut, signIn, signOut, subscribe } from './auth';
import { ClientsPage } from './pages/ClientsPage';
import { ClientPage } from './pages/ClientPage';
import { AuditLogPage } from './pages/AuditLogPage';
import { SigningKeysPage } from './pages/SigningKeysPage';
import { SettingsPage } from './pages/SettingsPage';
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
  const on = (path: string) => ({ active: location.startsWith(path), 'aria-current': location.startsWith(path) ? ('page' as const) : undefined });
  return (
    <div className="shell">
      <header className="shell-header">
        <Text fw={700} size="lg">Gatehouse</Text>
        <Group>
          {email && <Text size="sm">{email}</Text>}
          <ColorSchemeToggle />
          <Button variant="default" onClick={() => void signOut()}>Sign out</Button>
        </Group>
      </header>
      <nav className="shell-nav" aria-label="Console">
        <NavLink component={Link} href="/clients" label="OAuth clients" active={onClients} aria-current={onClients ? 'page' : undefined} />
        {can('audit:read') && <NavLink component={Link} href="/audit" label="Audit log" {...on('/audit')} />}
        {can('key:read') && <NavLink component={Link} href="/keys" label="Signing keys" {...on('/keys')} />}
        <NavLink component={Link} href="/settings" label="Your settings" {...on('/settings')} />
      </nav>
      <main className="shell-main">
        <Switch>
          <Route path="/clients" component={ClientsPage} />
          <Route path="/clients/:id">{(params) => <ClientPage id={decodeURIComponent(params.id)} />}</Route>
          <Route path="/audit" component={AuditLogPage} />
          <Route path="/keys" component={SigningKeysPage} />
          <Route path="/settings" component={SettingsPage} />
          <Route path="/"><Redirect to={can('client:read') ? '/clients' : '/settings'} /></Route>
          <Route>
            <Alert color="red" title="Not found">There is no such page in the console.</Alert>
          </Route>
        </Switch>
      </main>
    </div>
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
