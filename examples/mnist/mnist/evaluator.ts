/**
 * The MNIST evaluation pipeline: `predict` classifies one digit image, `evaluate` turns the
 * results into accuracy, per-class precision/recall/F1 and a confusion matrix.
 *
 * @module
 */

import { logSummary, PipelineHandler, type ResultRow, type TaskContext } from "@starwhale/sdk";
import { Classifier, type Weights } from "./classifier.ts";

let classifier: Promise<Classifier> | undefined;

function load(): Promise<Classifier> {
  classifier ??= Deno.readTextFile(new URL("../weights.json", import.meta.url))
    .then((text) => new Classifier(JSON.parse(text) as Weights));
  return classifier;
}

/** Digit classification on the `mnist` dataset (features `image`: 784 bytes, `label`: 0-9). */
export class MNISTInference extends PipelineHandler {
  static override predictOptions = { replicas: 2, logDatasetFeatures: ["label"] };

  override async predict(
    data: Record<string, unknown>,
  ): Promise<{ label: number; confidence: number }> {
    const image = data.image;
    if (!(image instanceof Uint8Array) || image.length !== 784) {
      throw new TypeError("expected an `image` feature of 784 bytes");
    }
    const { label, confidence } = (await load()).predict(image);
    return { label, confidence: Math.round(confidence * 1e4) / 1e4 };
  }

  override async evaluate(results: AsyncIterable<ResultRow>, ctx: TaskContext): Promise<void> {
    const matrix = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
    let total = 0;
    for await (const row of results) {
      const truth = Number(row.input.label);
      const guess = Number((row.output as { label: number }).label);
      matrix[truth][guess]++;
      total++;
    }
    const correct = matrix.reduce((s, r, i) => s + r[i], 0);
    const labels: Record<
      string,
      { precision: number; recall: number; "f1-score": number; support: number }
    > = {};
    let precisionSum = 0;
    let recallSum = 0;
    for (let k = 0; k < 10; k++) {
      const tp = matrix[k][k];
      const predicted = matrix.reduce((s, r) => s + r[k], 0);
      const support = matrix[k].reduce((s, v) => s + v, 0);
      const precision = predicted ? tp / predicted : 0;
      const recall = support ? tp / support : 0;
      const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
      labels[String(k)] = {
        precision: round(precision),
        recall: round(recall),
        "f1-score": round(f1),
        support,
      };
      precisionSum += precision;
      recallSum += recall;
      ctx.log("labels", { id: String(k), ...labels[String(k)] });
      ctx.log("confusion_matrix/binarylabel", {
        id: k,
        ...Object.fromEntries(matrix[k].map((v, j) => [String(j), v])),
      });
    }
    logSummary({
      kind: "multi_classification",
      rows: total,
      accuracy: round(total ? correct / total : 0),
      "macro avg": { precision: round(precisionSum / 10), recall: round(recallSum / 10) },
      labels,
    });
  }
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
