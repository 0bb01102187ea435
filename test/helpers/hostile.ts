/** Values that would do harm if a script ran them instead of keeping them literal. */
export const HOSTILE_VALUES = [
  '$(touch /tmp/ct-pwned)',
  '`touch /tmp/ct-pwned`',
  'it\'s "quoted"',
  'two  spaces\tand tab',
  'a; touch /tmp/ct-pwned',
  '*',
  '/etc/*.conf',
  '$HOME ${PATH}',
  '-rf',
  '|| true &&',
  '',
  'back\\slash',
  '!event',
  '~root',
];
