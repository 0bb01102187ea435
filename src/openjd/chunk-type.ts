/**
 * The task parameter type whose tasks each take a chunk of its values (TASK_CHUNKING): its own
 * module so that the range and expression modules can name it without the template schema.
 */
export const CHUNK_INT = 'CHUNK[INT]';
