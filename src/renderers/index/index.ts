/** The NVIDIA IndeX launch contract: srun argument arrays, sbatch scripts, checks, output parsing. */
export * from './launch.js';
export * from './script.js';
export * from './script-spec.js';
export * from './validate.js';
export * from './viewer-url.js';
