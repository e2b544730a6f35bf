// Module declarations for non-TypeScript files the renderer imports (kept import-free so they stay global).
declare module '*.css';
