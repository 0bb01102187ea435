/**
 * What planning may ask of the file system: questions only, answered by the head node. The job
 * types take it as a parameter so that they stay free of I/O (see node-files.ts).
 */
export interface FileProbe {
  isFile(p: string): boolean;
  isDirectory(p: string): boolean;
  isExecutable(p: string): boolean;
  /** Whether this process may create files in directory `p`. */
  isWritableDirectory(p: string): boolean;
  /** The file's text; throws when it cannot be read. */
  readText(p: string): string;
  /** The names in a directory (not recursive); throws when it cannot be read. */
  list(dir: string): string[];
  /** The path with every symlink followed (to tell where a link leads); absent where unknown. */
  realPath?(p: string): string;
}
