// Lets the engine host notice that the process that started it is gone (killed with SIGKILL, crashed), so it stops
// computing at once instead of running on until its next message fails. Two signs, because neither covers every
// case: Node's IPC channel reports `disconnect` when the parent's end closes (the CLI, the headless host, the
// tests), and the parent pid changes (to 1 or a subreaper) when the parent dies, whatever the channel (Electron's
// utilityProcess has no `disconnect`).
export interface ParentWatchOptions {
  /** How often the parent pid is compared; the check is one system call. */
  readonly intervalMs?: number;
}

export function watchParent(onGone: (why: string) => void, options: ParentWatchOptions = {}): void {
  const parentAtStart = process.ppid;
  let gone = false;
  const report = (why: string): void => {
    if (gone) return;
    gone = true;
    clearInterval(timer);
    onGone(why);
  };
  process.once('disconnect', () => report('the channel to the parent process closed'));
  const timer = setInterval(() => {
    if (process.ppid !== parentAtStart) report(`the parent process ${parentAtStart} is gone`);
  }, options.intervalMs ?? 500);
  // The watch alone must not keep an idle host alive.
  timer.unref();
}
