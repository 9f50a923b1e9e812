import { readFileSync } from 'node:fs';
import { type Page } from 'playwright-core';

const AXE = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core's serious and critical findings on the page as it is now, one line each. Injected
 * through the DevTools protocol (page.evaluate), which the page's CSP does not govern.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // Runs in the page: its globals, which Node's types do not know.
    const page = globalThis as unknown as { axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[] }> }; document: unknown };
    return (await page.axe.run(page.document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.nodes.map((node) => `${node.target.join(' ')}${node.failureSummary ? ` (${node.failureSummary})` : ''}`).join(', ')}`);
}

/** Runs in the page: what the console's light/dark toggle does to the document. */
export function setColorScheme(scheme: string): void {
  (globalThis as unknown as { document: { documentElement: { setAttribute(name: string, value: string): void } } }).document.documentElement.setAttribute('data-mantine-color-scheme', scheme);
}
