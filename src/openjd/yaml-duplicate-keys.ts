import { isScalar, visit, type Document, type LineCounter } from 'yaml';

/**
 * A key written twice in one YAML mapping. Strict YAML refuses it, but AWS Deadline Cloud's CLI
 * and the OpenJD reference implementation read templates with PyYAML, which keeps the later
 * value; published job bundles rely on that (a parameter with `type` written twice), so a
 * template here reads the same way, with a warning that names both lines.
 */
export interface DuplicateKey {
  key: string;
  /** 1-based lines of the first and of the repeated key. */
  firstLine: number;
  line: number;
}

/** The repeated keys of every mapping in a document parsed with `uniqueKeys: false`. */
export function duplicateKeys(doc: Document, lines: LineCounter): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Map<string, number>();
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue;
        const key = String(pair.key.value);
        const line = lines.linePos(pair.key.range[0]).line;
        const firstLine = seen.get(key);
        if (firstLine === undefined) seen.set(key, line);
        else found.push({ key, firstLine, line });
      }
    },
  });
  return found;
}

/** The warning for one repeated key, saying what is used and what to change. */
export function duplicateKeyMessage(d: DuplicateKey): string {
  return (
    `key "${d.key}" is written twice in one mapping (lines ${d.firstLine} and ${d.line}): ` +
    'the later value is used, as Deadline Cloud reads it; remove one of them'
  );
}
