// Counts the HTTP requests a run sends to one target and stops the run cleanly before it would exceed its budget.
// What counts: every attempt that goes out on the network (readiness and metadata calls, each retry); a response
// served from the cache sends nothing and costs nothing.
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

  /** Takes one request from the budget, or refuses with `remote.budget-exhausted` when none is left. */
  spend(): void {
    if (this.limit !== undefined && this.sentCount >= this.limit) {
      throw new MiaError(
        'remote.budget-exhausted',
        `The query budget of ${this.limit} requests to ${this.targetName} is used up (${this.sentCount} sent); the run stopped before sending more. Raise the budget to go on; answers already received stay cached.`,
        { budget: this.limit, sent: this.sentCount, target: this.targetName },
      );
    }
    this.sentCount += 1;
  }
}
