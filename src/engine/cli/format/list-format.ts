/**
 * The docker CLI's list formatting (`cli/command/formatter`): the default table, `table TEMPLATE`
 * with headers from the same template, or a raw template per item; `\t` and `\n` escapes turned
 * into real characters first, as docker does.
 */

import { dockerTemplateFuncs, parseTemplate, TemplateError } from '../../go/template.ts';
import { type GoValue, goStringMap } from '../../go/values.ts';
import { ExitError } from '../terminal.ts';
import { tabwrite } from './tabwriter.ts';

export interface ListFormat<T> {
  /** The default table template (`table {{.ID}}\t{{.Name}}...`). */
  defaultFormat: string;
  /** Header text by field name (`ID` -> `NETWORK ID`). */
  headers: Record<string, string>;
  /** The formatting context for one item (fields and methods templates call). */
  context(item: T): GoValue;
  /** What the header row's template runs on, when methods take arguments (`.Label "tier"`). */
  headerContext?: GoValue;
}

const headerFuncs = {
  json: (v: GoValue) => v,
  title: (v: GoValue) => v,
  lower: (v: GoValue) => v,
  upper: (v: GoValue) => v,
  truncate: (v: GoValue) => v,
  split: (v: GoValue) => v,
  join: (v: GoValue) => v,
  pad: (v: GoValue) => v,
};

/** Formats `items` with the user's `--format` (empty for the default). Throws ExitError on template errors. */
export function formatList<T>(spec: ListFormat<T>, items: readonly T[], userFormat: string): string {
  let format = userFormat === '' || userFormat === 'table' ? spec.defaultFormat : userFormat;
  const table = format.startsWith('table');
  if (table) format = format.slice('table'.length);
  format = format
    .replace(/^ +| +$/g, '')
    .replaceAll('\\t', '\t')
    .replaceAll('\\n', '\n');
  let tmpl: ReturnType<typeof parseTemplate>;
  try {
    tmpl = parseTemplate(format, dockerTemplateFuncs);
  } catch (e) {
    if (e instanceof TemplateError) throw new ExitError(64, `Template parsing error: ${e.message}`);
    throw e;
  }
  let body = '';
  for (const item of items) {
    try {
      body += `${tmpl.execute(spec.context(item))}\n`;
    } catch (e) {
      // The CLI's contextFormat says it in lower case, unlike parseFormat above.
      if (e instanceof TemplateError) throw new ExitError(1, `template parsing error: ${e.message}\n`);
      throw e;
    }
  }
  if (!table) return body;
  let header = '';
  try {
    header = parseTemplate(format, headerFuncs).execute(spec.headerContext ?? goStringMap(spec.headers));
  } catch {
    header = '';
  }
  return tabwrite(`${header}\n${body}`);
}
