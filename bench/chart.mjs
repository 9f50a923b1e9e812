// A dependency-free horizontal bar chart (SVG) of requests per second, one bar per measurement.
const escape = (text) => String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function renderChart(results) {
  const rowHeight = 26;
  const labelWidth = 560;
  const barWidth = 420;
  const top = 40;
  const max = Math.max(...results.map((result) => result.requestsPerSecond));
  const height = top + results.length * rowHeight + 20;
  const colors = { gatehouse: '#2f6fb3', 'node-oidc-provider': '#c0504d', 'bare fastify': '#7f7f7f' };
  const color = (target) => (target.startsWith('gatehouse') ? colors.gatehouse : colors[target] ?? '#999');
  const rows = results.map((result, index) => {
    const y = top + index * rowHeight;
    const width = Math.max(1, Math.round((result.requestsPerSecond / max) * barWidth));
    return [
      `<text x="${labelWidth - 8}" y="${y + 17}" text-anchor="end">${escape(result.scenario)} · ${escape(result.target)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${width}" height="${rowHeight - 8}" fill="${color(result.target)}"/>`,
      `<text x="${labelWidth + width + 6}" y="${y + 17}">${result.requestsPerSecond} req/s · p99 ${result.p99} ms</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + barWidth + 200}" height="${height}" font-family="sans-serif" font-size="13">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="22" font-size="15" font-weight="bold">Requests per second (median of rounds, same run, same machine)</text>`,
    ...rows,
    '</svg>',
    '',
  ].join('\n');
}
