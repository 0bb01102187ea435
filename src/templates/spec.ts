/** A script to render: a template of the package (path from its root) and the values it takes. */
export interface ScriptSpec {
  template: string;
  values: Record<string, unknown>;
}
