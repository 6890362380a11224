/** What to do after a cell-run event: ask the server now, or wait for its pair. */
export type RunStep = 'refresh' | 'wait';

/**
 * Pairs JupyterLab's "cell executed" (the prompt shows the new count) with the kernel's
 * "cell-finished" (its journal line is written), so that one cell run makes one status
 * request, with both in it, whichever arrives first. Events left without a pair (an
 * empty cell never reaches the kernel; a run from another client of the kernel) are the
 * caller's to settle after a grace period (`unmatched`, then `reset`).
 */
export class RunPairing {
  /** JupyterLab executed a cell; `journaled` false: no comm, nothing to wait for. */
  executed(journaled = true): RunStep {
    if (!journaled) {
      return 'refresh';
    }
    if (this._early > 0) {
      this._early -= 1;
      return 'refresh';
    }
    this._awaiting += 1;
    return 'wait';
  }

  /** The kernel journaled a cell run. */
  journaled(): RunStep {
    if (this._awaiting > 0) {
      this._awaiting -= 1;
      return 'refresh';
    }
    this._early += 1;
    return 'wait';
  }

  /** True while some event waits for its pair. */
  get unmatched(): boolean {
    return this._awaiting > 0 || this._early > 0;
  }

  reset(): void {
    this._awaiting = 0;
    this._early = 0;
  }

  private _awaiting = 0;
  private _early = 0;
}
