import { type BrowserContext, type Page } from 'playwright-core';
import { type Callback, type CallbackServer, type Person } from './interop-server.js';

/**
 * The person at the keyboard: opens the authorization URL a client library built in Chromium,
 * signs in when asked, allows the app when asked (a remembered consent skips that page), and
 * answers what the browser delivered to the app's redirect URI (a GET, or a form_post POST).
 */
export async function signInAndConsent(context: BrowserContext, authorizationUrl: URL | string, person: Person, callbacks: CallbackServer): Promise<{ page: Page; callback: Callback }> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const callback = await personAnswers(page, person, callbacks, () => page.goto(String(authorizationUrl)));
  return { page, callback };
}

/**
 * `start` makes `page` go to the authorization endpoint (a goto, or a click in an app's page that
 * sends the browser there); the person then signs in and consents as above.
 */
export async function personAnswers(page: Page, person: Person, callbacks: CallbackServer, start: () => Promise<unknown>): Promise<Callback> {
  callbacks.reset();
  const arrived = callbacks.next();
  await start();
  const signInForm = page.getByLabel('Email');
  const allow = page.getByRole('button', { name: 'Allow' });
  // Already signed in in this context: the consent page or straight back to the app.
  let step = await Promise.race([arrived.then(() => 'back' as const), signInForm.waitFor().then(() => 'sign-in' as const), allow.waitFor().then(() => 'consent' as const)]).catch(async (error: unknown) => {
    throw new Error(`neither sign-in, consent nor the app at ${page.url()}: ${(await page.textContent('body').catch(() => '')) ?? ''}`, { cause: error });
  });
  if (step === 'sign-in') {
    await signInForm.fill(person.email);
    await page.getByLabel('Password').fill(person.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    step = await Promise.race([arrived.then(() => 'back' as const), allow.waitFor().then(() => 'consent' as const)]);
  }
  if (step === 'consent') await allow.click();
  return arrived;
}
