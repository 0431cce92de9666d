/** Label values that depend on the machine or the run, not on the exporter. */
const machineLabels = ['nodejs_version', 'os', 'tcp_port'];

/**
 * The shape of an exposition, for a golden file (node_exporter's e2e-output pattern): every family's HELP and
 * TYPE and every series' name and labels, without sample values, series sorted within their family (a
 * server lists commands in hash order). A renamed, dropped or added metric or label changes it, whatever
 * test names it. Label values that depend on the machine or the run are masked.
 */
export function expositionShape(text: string, maskedLabels: readonly string[] = machineLabels): string {
  const masked = new RegExp(`\\b(${maskedLabels.join('|')})="[^"]*"`, 'g');
  const out: string[] = [];
  let series: string[] = [];
  const flush = () => {
    out.push(...series.sort());
    series = [];
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      flush();
      out.push(line);
    } else series.push(line.slice(0, line.lastIndexOf(' ')).replace(masked, '$1="*"'));
  }
  flush();
  return `${out.join('\n')}\n`;
}
