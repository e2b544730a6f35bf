// The JavaScript heap the engine host may grow to, given to it as a V8 flag by whatever starts it (fork or
// utilityProcess). Scoring makes short-lived garbage for every record (pixels, tensors, batch promises) that outlives
// the young generation; without a cap V8 let the old generation reach four times the live heap before collecting
// it: in process, a 1,000,000-record loss run reached 1.0 GB of heap (1.46 GB RSS) with about 300 MB live. With the
// cap it collects sooner. 512 MiB measured no lower a peak (that peak is the task's arrival, bench/README.md), so the
// cap leaves room above what a run holds. It is on JS objects only: tensors, model outputs and ONNX Runtime's memory
// live outside it.
export const engineHostHeapMib = 640;

export const engineHostExecArgv: readonly string[] = [`--max-old-space-size=${engineHostHeapMib}`];
