// Decides whether an IPC message comes from the workbench's own renderer. Kept free of Electron imports so
// it is unit-tested directly; the IPC registration passes it the sender frame's URL.
export function isTrustedSender(frameUrl: string | undefined | null, rendererUrl: string): boolean {
  if (!frameUrl) return false;
  let frame: URL;
  let expected: URL;
  try {
    frame = new URL(frameUrl);
    expected = new URL(rendererUrl);
  } catch {
    return false;
  }
  if (expected.protocol === 'file:') {
    // A file:// renderer has no origin to compare: the frame must be exactly our index.html.
    return frame.protocol === 'file:' && frame.pathname === expected.pathname && frame.host === '';
  }
  // The dev server: same scheme, host and port.
  return frame.origin === expected.origin;
}
