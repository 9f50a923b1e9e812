/** stdout is for results (and secrets, once); everything said to the person goes to stderr. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function note(text: string): void {
  process.stderr.write(`${text}\n`);
}

export function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map(cell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/\s+/g, ' ');
}

export type Column<T> = readonly [heading: string, value: (row: T) => unknown];

/** A plain aligned table, headings in capitals; `empty` is printed instead when there are no rows. */
export function printTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): void {
  if (rows.length === 0) {
    note(empty);
    return;
  }
  const cells = [columns.map(([heading]) => heading), ...rows.map((row) => columns.map(([, value]) => cell(value(row))))];
  const widths = columns.map((_, index) => Math.max(...cells.map((line) => line[index].length)));
  print(cells.map((line) => line.map((text, index) => (index === line.length - 1 ? text : text.padEnd(widths[index]))).join('  ')).join('\n'));
}

/** One field a line, `name: value`, for a single resource. */
export function printRecord(record: Record<string, unknown>): void {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  print(
    Object.entries(record)
      .map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${cell(value)}`)
      .join('\n'),
  );
}
