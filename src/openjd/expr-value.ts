/** A value of an EXPR expression, as the evaluator and its functions hold it. */
export type Value =
  | { t: 'int'; v: number }
  | { t: 'float'; v: number }
  | { t: 'string'; v: string }
  | { t: 'path'; v: string }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'list'; v: Value[] };
