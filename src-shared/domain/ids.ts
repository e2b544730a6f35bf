// Row ids: positive integers, the same in the workspace, the engine and every front door.
import { z } from 'zod';

export const Id = z.number().int().positive();
