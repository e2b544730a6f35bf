// Counts the queries a run sends to its remote models and stops the run cleanly before it would exceed its budget.
// What counts: every query attempt that goes out on the network (an infer or image-variation POST, each retry
// included, since a paid API may bill it); readiness and metadata reads are not queries and cost nothing, and neither
// does a response served from the cache. This is what the estimate before Start counts.
import { MiaError } from '../../common/errors';

export class QueryBudget {
  private sentCount: number;

  /** `limit` undefined means no limit; `alreadySent` continues a count a resumed run had reached. */
  constructor(
    readonly limit: number | undefined,
    private readonly targetName: string,
    alreadySent = 0,
  ) {
    this.sentCount = alreadySent;
  }

  get sent(): number {
    return this.sentCount;
  }

  /** Takes one query from the budget, or refuses with `remote.budget-exhausted` when none is left. */
  spend(): void {
    if (this.limit !== undefined && this.sentCount >= this.limit) {
      throw new MiaError(
        'remote.budget-exhausted',
        `The query budget of ${this.limit} queries to ${this.targetName} is used up (${this.sentCount} sent); the run stopped before sending more. Raise the budget to go on; answers already received stay cached.`,
        { budget: this.limit, sent: this.sentCount, target: this.targetName },
      );
    }
    this.sentCount += 1;
  }
}
