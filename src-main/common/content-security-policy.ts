// The content security policy of the renderer, shared by the Electron window and the headless host:
// only the app's own files, no remote hosts, no eval.
export function contentSecurityPolicy(bridgeOrigin?: string): string {
  const connect = bridgeOrigin ? `'self' ${bridgeOrigin}` : `'self'`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    // ECharts and Vue's transitions set inline style attributes; no inline scripts are allowed.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
