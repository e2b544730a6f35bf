// A store's backend event subscriptions, shared by every view that wants live updates: the events are subscribed
// when the first view asks and dropped when the last one lets go, so one view leaving does not stop another's.
export interface SharedSubscription {
  /** Holds the subscription; the returned function lets go of this hold (calling it again does nothing). */
  acquire(): () => void;
  /** How many holds are open (0: no event listener is registered). */
  readonly holders: number;
}

/** `subscribe` registers the listeners and returns their unsubscribe functions; it runs once per first holder. */
export function createSharedSubscription(subscribe: () => readonly (() => void)[]): SharedSubscription {
  let holders = 0;
  let unsubscribe: readonly (() => void)[] = [];

  function acquire(): () => void {
    if (holders === 0) unsubscribe = subscribe();
    holders++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      holders--;
      if (holders > 0) return;
      for (const stop of unsubscribe) stop();
      unsubscribe = [];
    };
  }

  return {
    acquire,
    get holders() {
      return holders;
    },
  };
}
