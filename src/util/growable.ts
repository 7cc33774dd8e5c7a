type TypedArray = Int32Array | Uint32Array | Float64Array | Uint8Array;

/** Returns `array` if it can hold index `needed`, else a copy at least twice as long. */
export function ensureCapacity<T extends TypedArray>(array: T, needed: number, fill?: number): T {
  if (needed < array.length) return array;
  let length = Math.max(16, array.length * 2);
  while (length <= needed) length *= 2;
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  if (fill !== undefined) grown.fill(fill, array.length);
  return grown;
}
