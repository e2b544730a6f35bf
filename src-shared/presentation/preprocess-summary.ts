// A model's stored preprocessing and class names in the words the Models view shows them: what was read from its
// sidecar or preprocessor_config.json, so the auditor can see how images will reach the model before a run.
// The input is the stored configuration as models.details sends it (an open record), so every field is read
// defensively and an unknown shape shows as "not stated" rather than failing the panel.

export interface PreprocessRow {
  readonly label: string;
  readonly value: string;
}

type Loose = Record<string, unknown>;
const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null && !Array.isArray(value);
const numbers = (value: unknown): number[] | null =>
  Array.isArray(value) && value.every((v) => typeof v === 'number') ? (value as number[]) : null;
const list = (values: number[] | null): string => (values ? values.map((v) => String(Number(v.toPrecision(6)))).join(', ') : 'not stated');

function resizeRows(spec: Loose): PreprocessRow[] {
  const size = `${String(spec.width)}×${String(spec.height)}`;
  const resize = spec.resize ?? 'stretch';
  if (resize === 'stretch') return [{ label: 'Resize', value: `stretched to ${size}` }];
  if (resize === 'shorter-side-crop') return [{ label: 'Resize', value: `shorter side scaled, centre ${size} cropped` }];
  if (!isRecord(resize)) return [{ label: 'Resize', value: 'not stated' }];
  const to = resize.resizeTo;
  const filter = typeof resize.filter === 'string' ? resize.filter : 'bilinear';
  const resizeText =
    to === 'none'
      ? 'none'
      : isRecord(to) && typeof to.shorterEdge === 'number'
        ? `shorter edge to ${to.shorterEdge} px (${filter})`
        : isRecord(to)
          ? `to ${String(to.width)}×${String(to.height)} (${filter})`
          : 'not stated';
  const cropped = !(isRecord(to) && to.width === spec.width && to.height === spec.height);
  return [
    { label: 'Resize', value: resizeText },
    { label: 'Crop', value: cropped ? `centre ${size}` : 'none' },
  ];
}

/** One row per step, in the order the engine applies them. */
export function preprocessRows(preprocess: unknown): PreprocessRow[] {
  if (!isRecord(preprocess)) return [{ label: 'Preprocessing', value: 'not stated' }];
  const scale = typeof preprocess.scale === 'number' ? preprocess.scale : 1 / 255;
  return [
    {
      label: 'Input',
      value: `${String(preprocess.channels)} × ${String(preprocess.height)} × ${String(preprocess.width)} (channels × height × width)`,
    },
    ...resizeRows(preprocess),
    {
      label: 'Greyscale to RGB',
      value: preprocess.channels === 3 ? (preprocess.expandGrey === true ? 'allowed' : 'refused') : 'not applicable',
    },
    { label: 'Rescale', value: Math.abs(scale - 1 / 255) < 1e-12 ? '× 1/255' : `× ${scale}` },
    { label: 'Mean', value: list(numbers(preprocess.mean)) },
    { label: 'Std', value: list(numbers(preprocess.std)) },
  ];
}

/** "10 classes: T-shirt/top, Trouser, Pullover, …" (the first `shown` names), or null when the model names none. */
export function classNamesSummary(classNames: unknown, shown = 4): string | null {
  if (!Array.isArray(classNames) || classNames.length === 0) return null;
  const names = classNames.map(String);
  const first = names.slice(0, shown).join(', ');
  return `${names.length} classes: ${first}${names.length > shown ? ', …' : ''}`;
}
