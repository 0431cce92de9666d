/** 10^0 to 10^22: every one exactly a double, so dividing an exact integer by one rounds once. */
export const exactPowersOfTen: readonly number[] = Array.from({ length: 23 }, (_, power) => 10 ** power);

/**
 * `value * scale`, with a power-of-ten scale applied to the decimal digits rather than by a binary multiply:
 * 291094 µs is 0.291094 s, where `291094 * 1e-6` is 0.29109399999999996 and `73.215 / 1e6` is
 * 0.00007321500000000001. The exposition then prints what the server printed, without float noise in the
 * digits (bytes of every scrape, and values that read as if the server had reported them).
 */
export function scaled(value: number, scale: number): number {
  if (scale === 1 || !Number.isFinite(value)) return value;
  const exponent = decimalExponent(scale);
  if (exponent === undefined) return value * scale;
  // An exact integer over an exact power of ten rounds once; other values go through their decimal text.
  const divisor = exponent < 0 ? exactPowersOfTen[-exponent] : undefined;
  if (Number.isSafeInteger(value) && divisor !== undefined) return value / divisor;
  // JSON.stringify rather than String: see printNumber in exposition.ts.
  return Number(`${JSON.stringify(value)}e${exponent}`);
}

/** The power of ten `scale` is (-6 for 1e-6), or undefined when it is none (1024). */
export function decimalExponent(scale: number): number | undefined {
  const exponent = Math.log10(scale);
  return Number.isInteger(exponent) ? exponent : undefined;
}
