// Migration 7: models served over the network. A remote model keeps its endpoint and, per component role, the
// server's model name, version and the identity hash of its metadata at import (RemoteModelDescriptor, JSON); its
// `files` column then holds only the local files it still needs (a CLIP tokenizer, a diffusion scheduler). NULL for
// every model read from ONNX files. API keys are never stored, only the name of the variable that holds one.
export const migration007RemoteModels = {
  version: 7,
  name: 'remote-models',
  sql: `
ALTER TABLE models ADD COLUMN remote TEXT;
`,
} as const;
