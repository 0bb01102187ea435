/**
 * The tree of an EXPR expression (RFC 0005 "Expression AST", in this tool's own shapes), as
 * expr-parse.ts makes it: a dotted name is one `name` node (`Param.Scene.stem`, the longest
 * prefix with a value is looked up, the rest read as properties); a method call is a `call`
 * with `self`; a comprehension binds one variable `v`.
 */

export type Node =
  | { k: 'lit'; v: Literal }
  | { k: 'name'; path: string[] }
  | { k: 'attr'; obj: Node; name: string }
  | { k: 'call'; fn: string; args: Node[]; self?: Node }
  | { k: 'index'; obj: Node; index: Node }
  | { k: 'slice'; obj: Node; lo: Node | null; hi: Node | null; step: Node | null }
  | { k: 'unary'; op: '-' | '+' | 'not'; x: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'bool'; op: 'and' | 'or'; l: Node; r: Node }
  | { k: 'cmp'; ops: string[]; xs: Node[] }
  | { k: 'if'; test: Node; then: Node; else: Node }
  | { k: 'list'; items: Node[] }
  | { k: 'comp'; elt: Node; v: string; iter: Node; ifs: Node[] };

/** An int literal is exact (`bigint`); a float keeps the text it was written as. */
export type Literal = bigint | string | boolean | null | { float: number; text: string };
