import { formatPath, type Problem } from './problem.js';
import type { JobParameterDefinition } from './schema/parameters.js';

/**
 * Which `userInterface` control takes which fields (2023-09 Template Schemas §2.1–2.4). There is
 * no submission GUI here, but a template must still be one that the tools that draw it accept:
 * CHECK_BOX needs two allowed values that read as on and off; DROPDOWN_LIST needs allowed values;
 * the free-form controls (LINE_EDIT, MULTILINE_EDIT, SPIN_BOX, CHOOSE_*) take none; `fileFilters`
 * belong to the file choosers, `singleStepDelta` and `decimals` to SPIN_BOX. Only a control the
 * template names is judged: the one a tool would pick by default is its own business.
 */

/** The pairs a CHECK_BOX may have as its two allowed values, compared case-insensitively. */
const CHECK_BOX_PAIRS = [
  ['true', 'false'],
  ['yes', 'no'],
  ['on', 'off'],
  ['1', '0'],
];

const FREE_FORM = [
  'LINE_EDIT',
  'MULTILINE_EDIT',
  'SPIN_BOX',
  'CHOOSE_INPUT_FILE',
  'CHOOSE_OUTPUT_FILE',
  'CHOOSE_DIRECTORY',
];
// the list parameters' choosers (EXPR) take the same fields as their single-value ones
const FILE_CHOOSERS = [
  'CHOOSE_INPUT_FILE',
  'CHOOSE_OUTPUT_FILE',
  'CHOOSE_INPUT_FILE_LIST',
  'CHOOSE_OUTPUT_FILE_LIST',
];
const SPIN_BOXES = ['SPIN_BOX', 'SPIN_BOX_LIST'];

/** The fields of a `userInterface` these rules judge (each type's schema has some of them). */
interface UiFields {
  control?: string;
  fileFilters?: unknown;
  fileFilterDefault?: unknown;
  singleStepDelta?: unknown;
  decimals?: unknown;
}

/** Checks one parameter's `userInterface` against its control; problems name the field. */
export function checkUserInterface(
  def: JobParameterDefinition,
  index: number,
  problems: Problem[],
): void {
  const ui: UiFields | undefined = def.userInterface;
  const control = ui?.control;
  if (!ui || control === undefined) return;
  const at = (...more: string[]) =>
    formatPath(['parameterDefinitions', index, 'userInterface', ...more]);
  if (def.type === 'BOOL') return; // CHECK_BOX or HIDDEN (the schema's), and no allowedValues
  const given = 'allowedValues' in def ? def.allowedValues : undefined;
  const allowed = given?.map((v) => String(v).toLowerCase());
  if (control === 'DROPDOWN_LIST' && !allowed)
    problems.push({ path: at('control'), message: 'DROPDOWN_LIST needs allowedValues to offer' });
  if (FREE_FORM.includes(control) && allowed)
    problems.push({
      path: at('control'),
      message: `${control} takes any value: remove allowedValues, or use DROPDOWN_LIST`,
    });
  if (control === 'CHECK_BOX') {
    const pair =
      allowed?.length === 2 &&
      CHECK_BOX_PAIRS.some(
        ([on, off]) => allowed.includes(on as string) && allowed.includes(off as string),
      );
    if (!pair)
      problems.push({
        path: at('control'),
        message:
          'CHECK_BOX needs allowedValues of exactly two values that mean on and off: true/false, yes/no, on/off or 1/0 (any case)',
      });
  }
  for (const key of ['fileFilters', 'fileFilterDefault'] as const)
    if (ui[key] !== undefined && !FILE_CHOOSERS.includes(control))
      problems.push({
        path: at(key),
        message: `belongs to CHOOSE_INPUT_FILE and CHOOSE_OUTPUT_FILE, not ${control}: remove it`,
      });
  for (const key of ['singleStepDelta', 'decimals'] as const)
    if (ui[key] !== undefined && !SPIN_BOXES.includes(control))
      problems.push({ path: at(key), message: `belongs to SPIN_BOX, not ${control}: remove it` });
}
