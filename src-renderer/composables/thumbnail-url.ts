// PNG thumbnails arrive as bytes; an <img> takes them as a data URL (the content security policy allows data:),
// which needs no clean-up when the grid scrolls past.
export function thumbnailUrl(png: Uint8Array | null | undefined): string | null {
  if (!png || png.length === 0) return null;
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < png.length; i += chunk) binary += String.fromCharCode(...png.subarray(i, i + chunk));
  return `data:image/png;base64,${btoa(binary)}`;
}
