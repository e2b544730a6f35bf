// The contract's part for tidying the workspace: renaming and deleting datasets, models and runs, and linking a null
// model to its target. contract.ts re-exports everything here and names the channels.
import { z } from 'zod';
import { Id, OneLine } from './contract-common';

/** A dataset's or model's name: one line of 1–200 characters once trimmed, unique among items of its kind. */
export const ItemName = OneLine.trim().min(1).max(200);

export const DatasetRenameRequest = z.strictObject({ datasetId: Id, name: ItemName });
export type DatasetRenameRequest = z.input<typeof DatasetRenameRequest>;

export const ModelRenameRequest = z.strictObject({ modelId: Id, name: ItemName });
export type ModelRenameRequest = z.input<typeof ModelRenameRequest>;

/** `targetModelId: null` clears the link. */
export const ModelNullLinkRequest = z.strictObject({ modelId: Id, targetModelId: Id.nullable() });
export type ModelNullLinkRequest = z.input<typeof ModelNullLinkRequest>;

/** What a delete answers: the id of the item that is gone. */
export const ItemDeleted = z.object({ id: Id });
export type ItemDeleted = z.infer<typeof ItemDeleted>;
