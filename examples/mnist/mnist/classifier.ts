/**
 * A small multi-layer perceptron for 28x28 digits (784 -> hidden ReLU -> 10 softmax), trained
 * with mini-batch SGD. Deterministic: a seeded generator drives initialisation and shuffling.
 *
 * @module
 */

/** Trained parameters, stored as `weights.json` in the model package. */
export interface Weights {
  /** Hidden units. */
  hidden: number;
  /** hidden x 784, row-major. */
  w1: number[];
  /** hidden. */
  b1: number[];
  /** 10 x hidden, row-major. */
  w2: number[];
  /** 10. */
  b2: number[];
}

/** One training example: 784 pixels in 0..255 and the digit. */
export interface Sample {
  pixels: ArrayLike<number>;
  label: number;
}

const INPUTS = 784;
const CLASSES = 10;

/** The network with its parameters in typed arrays. */
export class Classifier {
  readonly hidden: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
  readonly #h: Float32Array;
  readonly #x = new Float32Array(INPUTS);

  constructor(weights: Weights) {
    this.hidden = weights.hidden;
    this.w1 = Float32Array.from(weights.w1);
    this.b1 = Float32Array.from(weights.b1);
    this.w2 = Float32Array.from(weights.w2);
    this.b2 = Float32Array.from(weights.b2);
    this.#h = new Float32Array(this.hidden);
  }

  /** Random initial parameters (He initialisation) from a seed. */
  static init(hidden: number, seed: number): Classifier {
    const random = mulberry32(seed);
    const gauss = () =>
      Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    return new Classifier({
      hidden,
      w1: Array.from({ length: hidden * INPUTS }, () => gauss() * Math.sqrt(2 / INPUTS)),
      b1: new Array(hidden).fill(0),
      w2: Array.from({ length: CLASSES * hidden }, () => gauss() * Math.sqrt(2 / hidden)),
      b2: new Array(CLASSES).fill(0),
    });
  }

  /** Class probabilities of one image. */
  probabilities(pixels: ArrayLike<number>): Float32Array {
    const x = this.#x;
    for (let i = 0; i < INPUTS; i++) x[i] = pixels[i] / 255;
    const h = this.#h;
    for (let j = 0; j < this.hidden; j++) {
      let s = this.b1[j];
      const row = j * INPUTS;
      for (let i = 0; i < INPUTS; i++) s += this.w1[row + i] * x[i];
      h[j] = s > 0 ? s : 0;
    }
    const out = new Float32Array(CLASSES);
    let max = -Infinity;
    for (let k = 0; k < CLASSES; k++) {
      let s = this.b2[k];
      const row = k * this.hidden;
      for (let j = 0; j < this.hidden; j++) s += this.w2[row + j] * h[j];
      out[k] = s;
      if (s > max) max = s;
    }
    let sum = 0;
    for (let k = 0; k < CLASSES; k++) sum += out[k] = Math.exp(out[k] - max);
    for (let k = 0; k < CLASSES; k++) out[k] /= sum;
    return out;
  }

  /** The most likely digit and its probability. */
  predict(pixels: ArrayLike<number>): { label: number; confidence: number } {
    const p = this.probabilities(pixels);
    let label = 0;
    for (let k = 1; k < CLASSES; k++) if (p[k] > p[label]) label = k;
    return { label, confidence: p[label] };
  }

  /**
   * Trains for some epochs of mini-batch SGD; calls `onEpoch` with the training accuracy.
   */
  train(
    samples: Sample[],
    options: {
      epochs: number;
      rate: number;
      batch: number;
      seed: number;
      onEpoch?: (epoch: number, accuracy: number) => void;
    },
  ): void {
    const random = mulberry32(options.seed);
    const order = samples.map((_, i) => i);
    const g1 = new Float32Array(this.w1.length);
    const gb1 = new Float32Array(this.hidden);
    const g2 = new Float32Array(this.w2.length);
    const gb2 = new Float32Array(CLASSES);
    const h = this.#h;
    const x = this.#x;
    const dh = new Float32Array(this.hidden);
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      let correct = 0;
      for (let start = 0; start < order.length; start += options.batch) {
        g1.fill(0), gb1.fill(0), g2.fill(0), gb2.fill(0);
        const end = Math.min(order.length, start + options.batch);
        for (let n = start; n < end; n++) {
          const s = samples[order[n]];
          const p = this.probabilities(s.pixels); // fills x and h
          let best = 0;
          for (let k = 1; k < CLASSES; k++) if (p[k] > p[best]) best = k;
          if (best === s.label) correct++;
          dh.fill(0);
          for (let k = 0; k < CLASSES; k++) {
            const d = p[k] - (k === s.label ? 1 : 0);
            gb2[k] += d;
            const row = k * this.hidden;
            for (let j = 0; j < this.hidden; j++) {
              g2[row + j] += d * h[j];
              dh[j] += d * this.w2[row + j];
            }
          }
          for (let j = 0; j < this.hidden; j++) {
            if (h[j] <= 0) continue;
            const d = dh[j];
            gb1[j] += d;
            const row = j * INPUTS;
            for (let i = 0; i < INPUTS; i++) if (x[i] !== 0) g1[row + i] += d * x[i];
          }
        }
        const step = options.rate / (end - start);
        for (let i = 0; i < g1.length; i++) this.w1[i] -= step * g1[i];
        for (let i = 0; i < gb1.length; i++) this.b1[i] -= step * gb1[i];
        for (let i = 0; i < g2.length; i++) this.w2[i] -= step * g2[i];
        for (let i = 0; i < gb2.length; i++) this.b2[i] -= step * gb2[i];
      }
      options.onEpoch?.(epoch, correct / samples.length);
    }
  }

  /** The parameters as plain arrays (for `weights.json`). */
  toJSON(): Weights {
    const round = (a: Float32Array) => Array.from(a, (v) => Math.round(v * 1e6) / 1e6);
    return {
      hidden: this.hidden,
      w1: round(this.w1),
      b1: round(this.b1),
      w2: round(this.w2),
      b2: round(this.b2),
    };
  }
}

/** A small seeded pseudo-random generator in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
