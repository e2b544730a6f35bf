// A row-major float32 matrix of per-record features (one row per record), the input of the blind baseline.
import { MiaError } from '../../../common/errors';

export interface FeatureMatrix {
  /** rowCount × featureCount values, row-major. */
  readonly data: Float32Array;
  readonly rowCount: number;
  readonly featureCount: number;
}

/** Stacks per-record feature vectors (all the same length) into one matrix. */
export function stackFeatureRows(rows: readonly Float32Array[]): FeatureMatrix {
  const featureCount = rows[0]?.length ?? 0;
  const data = new Float32Array(rows.length * featureCount);
  rows.forEach((row, index) => {
    if (row.length !== featureCount) {
      throw new MiaError(
        'checks.feature-length',
        `Feature row ${index} has ${row.length} values; row 0 has ${featureCount}. Every record needs the same features.`,
        {
          row: index,
          length: row.length,
          expected: featureCount,
        },
      );
    }
    data.set(row, index * featureCount);
  });
  return { data, rowCount: rows.length, featureCount };
}

/** Joins several feature vectors of one record (e.g. image and caption features) into one. */
export function concatFeatures(...parts: readonly Float32Array[]): Float32Array {
  const joined = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

export function checkFeatureMatrix(matrix: FeatureMatrix, labelCount: number): void {
  if (matrix.data.length !== matrix.rowCount * matrix.featureCount || matrix.rowCount !== labelCount) {
    throw new MiaError(
      'checks.feature-shape',
      `The feature matrix holds ${matrix.data.length} values for ${matrix.rowCount} rows × ${matrix.featureCount} features, and there are ${labelCount} membership labels; these must agree.`,
      { values: matrix.data.length, rowCount: matrix.rowCount, featureCount: matrix.featureCount, labels: labelCount },
    );
  }
  for (let i = 0; i < matrix.data.length; i++) {
    if (!Number.isFinite(matrix.data[i]!)) {
      const row = Math.floor(i / Math.max(matrix.featureCount, 1));
      throw new MiaError('checks.feature-not-finite', `Feature ${i % matrix.featureCount} of row ${row} is not a finite number.`, {
        row,
        feature: i % matrix.featureCount,
      });
    }
  }
}
