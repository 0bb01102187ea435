import { parseType, splitTop, type ExprType } from './expr-types.js';

/**
 * The types of the operators, functions and properties the static type check knows (RFC 0006
 * signatures as the checker reads them). An operator is its method name (`__add__`); a method
 * call `x.f(a)` is `f(x, a)`; a property `x.name` is `.name(x)`. A function missing here, or
 * called with a number of arguments no signature here has, is not checked: its result is `any`.
 * `T1`, `T2` are type variables: each binds to the argument type it first meets.
 */
const TABLE = `
__add__: (int, int) -> int; (float, float) -> float; (string, string) -> string
__add__: (list[T1], list[T2]) -> list[T1]; (list[T1], range_expr) -> list[T1]; (range_expr, list[T1]) -> list[T1]
__add__: (range_expr, range_expr) -> list[int]; (range_expr, string) -> string; (string, range_expr) -> string
__add__: (path, string) -> path
__sub__: (int, int) -> int; (float, float) -> float
__mul__: (int, int) -> int; (float, float) -> float; (string, int) -> string; (list[T1], int) -> list[T1]
__truediv__: (int, int) -> float; (float, float) -> float; (path, path) -> path; (path, string) -> path
__floordiv__: (int, int) -> int; (float, float) -> int
__mod__: (int, int) -> int; (float, float) -> float
__pow__: (int, int) -> int | float; (float, float) -> float
__neg__: (int) -> int; (float) -> float
__pos__: (int) -> int; (float) -> float
__not__: (bool) -> bool
__contains__: (list[T1], T1) -> bool; (range_expr, int) -> bool; (string, string) -> bool
__getitem__: (list[T1], int) -> T1; (range_expr, int) -> int; (string, int) -> string
__slice__: (list[T1]) -> list[T1]; (range_expr) -> range_expr | list[int]; (string) -> string
.name: (path) -> string; (string) -> string
.stem: (path) -> string; (string) -> string
.suffix: (path) -> string; (string) -> string
.parent: (path) -> path; (string) -> path
.parts: (path) -> list[string]
.suffixes: (path) -> list[string]
bool: (bool) -> bool; (int) -> bool; (float) -> bool; (string) -> bool; (nulltype) -> bool
bool: (list[T1]) -> noreturn; (path) -> noreturn
int: (int) -> int; (float) -> int; (string) -> int
float: (float) -> float; (string) -> float
string: (T1) -> string
repr: (T1) -> string
path: (string) -> path; (list[string]) -> path
range_expr: (string) -> range_expr; (list[int]) -> range_expr
len: (list[T1]) -> int; (path) -> int; (range_expr) -> int; (string) -> int
abs: (int) -> int; (float) -> float
min: (list[int]) -> int; (list[float]) -> float; (range_expr) -> int; (int, int) -> int; (float, float) -> float
max: (list[int]) -> int; (list[float]) -> float; (range_expr) -> int; (int, int) -> int; (float, float) -> float
floor: (int) -> int; (float) -> int
ceil: (int) -> int; (float) -> int
round: (int) -> int; (float) -> int; (int, int) -> int; (float, int) -> float | int
sum: (list[int]) -> int; (list[float]) -> float; (range_expr) -> int
range: (int) -> list[int]; (int, int) -> list[int]; (int, int, int) -> list[int]
all: (list[bool]) -> bool
any: (list[bool]) -> bool
sorted: (list[T1]) -> list[T1]
reversed: (list[T1]) -> list[T1]
unique: (list[T1]) -> list[T1]
flatten: (list[list[T1]]) -> list[T1]; (list[T1]) -> list[T1]
capitalize: (string) -> string
lower: (string) -> string
upper: (string) -> string
title: (string) -> string
strip: (string) -> string; (string, string) -> string
lstrip: (string) -> string; (string, string) -> string
rstrip: (string) -> string; (string, string) -> string
isalnum: (string) -> bool
isalpha: (string) -> bool
isascii: (string) -> bool
isdigit: (string) -> bool
islower: (string) -> bool
isspace: (string) -> bool
isupper: (string) -> bool
startswith: (string, string) -> bool
endswith: (string, string) -> bool
count: (string, string) -> int
find: (string, string) -> int
rfind: (string, string) -> int
index: (string, string) -> int
rindex: (string, string) -> int
replace: (string, string, string) -> string
removeprefix: (string, string) -> string
removesuffix: (string, string) -> string
split: (string) -> list[string]; (string, string) -> list[string]; (string, string, int) -> list[string]
rsplit: (string) -> list[string]; (string, string) -> list[string]; (string, string, int) -> list[string]
join: (list[string], string) -> string; (list[path], string) -> string
center: (string, int) -> string; (string, int, string) -> string
ljust: (string, int) -> string; (string, int, string) -> string
rjust: (string, int) -> string; (string, int, string) -> string
zfill: (string, int) -> string; (int, int) -> string; (float, int) -> string
re_match: (string, string) -> list[string]?
re_search: (string, string) -> list[string]?
re_findall: (string, string) -> list[string] | list[list[string]]
re_split: (string, string) -> list[string]; (string, string, int) -> list[string]
re_sub: (string, string, string) -> string
re_escape: (string) -> string
as_posix: (path) -> string
is_absolute: (path) -> bool
is_relative_to: (path, path) -> bool; (path, string) -> bool
relative_to: (path, path) -> path; (path, string) -> path
with_name: (path, string) -> path
with_stem: (path, string) -> path
with_suffix: (path, string) -> path
with_number: (path, int) -> path; (string, int) -> string
apply_path_mapping: (string) -> path
fail: (string) -> noreturn
`;

/** One signature: its parameter types and its result. */
export interface Signature {
  params: ExprType[];
  result: ExprType;
}

function load(): ReadonlyMap<string, Signature[]> {
  const out = new Map<string, Signature[]>();
  for (const line of TABLE.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon < 0) continue;
    const name = line.slice(0, colon);
    for (const sig of line.slice(colon + 2).split('; ')) {
      const m = /^\((.*)\) -> (.*)$/.exec(sig) as RegExpExecArray;
      const entry = {
        params: splitTop(m[1] as string, ',').map(parseType),
        result: parseType(m[2] as string),
      };
      out.set(name, [...(out.get(name) ?? []), entry]);
    }
  }
  return out;
}

/** Signatures by function, operator (`__add__`) or property (`.name`) name. */
export const SIGNATURES = load();
