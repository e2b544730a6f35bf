// What the workbench calls a model's hash, in the words the Models view and the PDF both use: it combines the
// hashes of the model's files, so it never matches `sha256sum` of any one file, and the labels must say so.
export const modelHashLabel = 'Model hash (combined)';

export const modelHashDescription =
  'SHA-256 over one line per model file, "role<TAB>the file\'s own SHA-256", sorted by role. It is not the SHA-256 of any single file: check each file against its own SHA-256.';
