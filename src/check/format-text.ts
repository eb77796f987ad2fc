import { countBySeverity, type CheckReport, type SourceLocation } from './report.js';

/** ANSI styles, applied only when the output is a terminal that shows colour. */
const STYLES = {
  bold: ['\x1b[1m', '\x1b[22m'],
  dim: ['\x1b[2m', '\x1b[22m'],
  red: ['\x1b[31m', '\x1b[39m'],
  yellow: ['\x1b[33m', '\x1b[39m'],
  cyan: ['\x1b[36m', '\x1b[39m'],
} as const;
type Style = keyof typeof STYLES;

const LABEL_STYLES: Record<string, Style> = { deny: 'red', warn: 'yellow', error: 'red', note: 'cyan' };

/**
 * One line per finding, compiler style, so editors and CI logs link to the field:
 * `file:line:column: deny MG101 AuthorizationPolicy foo/deny-get: spec.rules[0]...: message`.
 * Input errors and notes use the same shape; a summary line closes the report.
 */
export function formatText(report: CheckReport, colour: boolean): string {
  const paint = (style: Style, text: string) => (colour ? `${STYLES[style][0]}${text}${STYLES[style][1]}` : text);
  const label = (name: string) => paint(LABEL_STYLES[name] ?? 'bold', name);
  const lines: string[] = [];
  for (const problem of report.problems) lines.push(`${paint('bold', where(problem))}: ${label('error')}: ${problem.message}`);
  for (const f of report.findings) {
    const object = `${f.kind} ${f.namespace ? `${f.namespace}/` : ''}${f.name}`;
    lines.push(`${paint('bold', where(f))}: ${label(f.severity)} ${paint('dim', f.rule)} ${object}: ${f.path}: ${f.message}`);
  }
  for (const note of report.notes) lines.push(`${note.file ? `${paint('bold', where({ ...note, file: note.file }))}: ` : ''}${label('note')}: ${note.message}`);
  lines.push(summary(report));
  return `${lines.join('\n')}\n`;
}

function where(location: SourceLocation): string {
  return [location.file, location.line, location.column].filter((part) => part !== undefined).join(':');
}

/** `12 files, 40 objects, 17 Istio objects checked: 3 deny, 2 warn` */
function summary(report: CheckReport): string {
  const read = `${plural(report.files, 'file')}, ${plural(report.objects, 'object')}`;
  if (report.problems.length > 0) return `${read}: ${plural(report.problems.length, 'input error')}, nothing was checked`;
  const counts = countBySeverity(report.findings);
  const ignored = report.ignoredDocuments > 0 ? ` (${plural(report.ignoredDocuments, 'other YAML document')} ignored)` : '';
  return `${read}${ignored}, ${report.checked} checked: ${counts.deny} deny, ${counts.warn} warn`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
