/**
 * Key ranges over ordered-binary array keys.
 * @module
 */

/**
 * Every `[first, …]` key whose second element is a number or an ASCII string (ids, sequences):
 * ordered-binary sorts numbers before strings, so `[first, '\uffff']` is above all of them — `null`
 * sorts below everything and is not an upper bound.
 */
export const under = (first: string | number) => ({ start: [first], end: [first, '\uffff'] })
