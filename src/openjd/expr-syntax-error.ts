/** Why an expression cannot be read (its tokens or its grammar). */
export class ExprSyntaxError extends Error {}
