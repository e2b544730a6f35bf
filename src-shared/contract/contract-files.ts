// The contract's channels for choosing files and folders to open: `files.chooseOpen` (the app's native dialog, or
// where the page should start its own picker) and `files.list` (one folder on the host's disk, for the browser's
// picker). contract.ts re-exports everything here.
import { z } from 'zod';
import { OpenPurpose } from '../domain/open-purposes';

export * from '../domain/open-purposes';

/** The page names only what is being chosen; the filters and the file-or-folder choice follow from it in main. */
export const ChooseOpenRequest = z.strictObject({ purpose: OpenPurpose });
export type ChooseOpenRequest = z.input<typeof ChooseOpenRequest>;

export const ChooseOpenAnswer = z.discriminatedUnion('outcome', [
  /** The app: the path the auditor chose in the native dialog. */
  z.object({ outcome: z.literal('chosen'), path: z.string() }),
  /** The app: the auditor closed the dialog. */
  z.object({ outcome: z.literal('cancelled') }),
  /** The browser: no native dialog; the page browses with `files.list`, starting here unless it remembers a folder. */
  z.object({ outcome: z.literal('browse'), startFolder: z.string() }),
]);
export type ChooseOpenAnswer = z.infer<typeof ChooseOpenAnswer>;

/** A maximum of entries in one listing: a folder holding more is listed in part, with `truncated`. */
export const maxListedEntries = 5000;

export const FolderListRequest = z.strictObject({
  /** An absolute path on the host. */
  path: z.string().min(1).max(4096),
  /** Names beginning with a dot are left out unless asked for. */
  showHidden: z.boolean().default(false),
});
export type FolderListRequest = z.input<typeof FolderListRequest>;

export const FolderEntry = z.object({
  name: z.string(),
  /** The entry's absolute path, so the page never joins paths of the host's platform itself. */
  path: z.string(),
  /** What the entry is, after following a symbolic link one step; special files and broken links are not listed. */
  kind: z.enum(['file', 'folder']),
  link: z.boolean(),
  /** Bytes, for files. */
  size: z.number().nonnegative().nullable(),
  modifiedMs: z.number(),
});
export type FolderEntry = z.infer<typeof FolderEntry>;

export const FolderListing = z.object({
  /** The folder, absolute and normalised. */
  path: z.string(),
  /** The folder above, or null at the root. */
  parent: z.string().nullable(),
  /** From the root down to this folder, for the picker's breadcrumbs. */
  crumbs: z.array(z.object({ name: z.string(), path: z.string() })),
  /** Folders first, then files, each by name. */
  entries: z.array(FolderEntry),
  /** More entries were there than `maxListedEntries`. */
  truncated: z.boolean(),
});
export type FolderListing = z.infer<typeof FolderListing>;
