/** The task kinds the Blender runner takes (apart from it, so the agent's first lines can read it). */
export const BLENDER_KINDS = [
  'blender-render',
  'blender-encode',
  'blender-view',
  'blender-tile',
  'blender-merge',
] as const;
