import { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { KernelTracking } from './api';

export type { KernelTracking } from './api';

const LOAD_CODE = '%load_ext jupyter_repro';
const VERSION_EXPRESSION = "__import__('jupyter_repro').__version__";
// The next execution count: above 1, cells ran before tracking started (not journaled).
const COUNT_EXPRESSION = 'get_ipython().execution_count';
const LOADED_EXPRESSION =
  "'jupyter_repro' in get_ipython().extension_manager.loaded";
export const COMM_TARGET = 'jupyter_repro';

function expressionText(
  expressions: Record<string, unknown>,
  name: string
): string | null {
  const value = expressions[name] as
    { status: string; data?: Record<string, unknown> } | undefined;
  if (value === undefined || value.status !== 'ok') {
    return null;
  }
  return String(value.data?.['text/plain'] ?? '');
}

async function silentProbe(
  kernel: Kernel.IKernelConnection,
  code: string
): Promise<KernelMessage.IExecuteReplyMsg['content']> {
  const future = kernel.requestExecute({
    code,
    silent: true,
    store_history: false,
    user_expressions: {
      version: VERSION_EXPRESSION,
      count: COUNT_EXPRESSION,
      loaded: LOADED_EXPRESSION
    },
    allow_stdin: false,
    stop_on_error: false
  });
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  return reply.content;
}

/**
 * Make sure the kernel extension is loaded, silently (no history, no execution count),
 * and say what tracks this kernel. With `load` false, only ask whether something else
 * (kernel-setup, a profile) loaded it. Cells that ran before the extension was loaded by
 * this call are counted as `missedRuns`: they are not in the journal.
 *
 * Silent executions fire no IPython cell events, so this never shows up in the journal.
 */
export async function ensureKernelTracking(
  kernel: Kernel.IKernelConnection,
  load = true
): Promise<KernelTracking> {
  const spec = await kernel.spec;
  if (spec !== undefined && spec.language.toLowerCase() !== 'python') {
    return {
      kind: 'unsupported',
      reason: `${spec.language} kernels are not tracked`
    };
  }
  const before = await silentProbe(kernel, '');
  const version =
    before.status === 'ok'
      ? expressionText(before.user_expressions, 'version')
      : null;
  if (before.status !== 'ok' || version === null) {
    return {
      kind: 'missing',
      reason: "jupyter-repro is not installed in this kernel's environment"
    };
  }
  const clean = version.replace(/^'|'$/g, '');
  if (expressionText(before.user_expressions, 'loaded') === 'True') {
    return { kind: 'tracked', version: clean, missedRuns: 0 };
  }
  const notLoaded = {
    kind: 'missing' as const,
    reason:
      'the jupyter-repro kernel extension is not loaded in this kernel (run %load_ext jupyter_repro)'
  };
  if (!load) {
    return notLoaded;
  }
  const next = Number(expressionText(before.user_expressions, 'count') ?? 1);
  const after = await silentProbe(kernel, LOAD_CODE);
  if (
    after.status !== 'ok' ||
    expressionText(after.user_expressions, 'loaded') !== 'True'
  ) {
    return notLoaded;
  }
  return {
    kind: 'tracked',
    version: clean,
    missedRuns: Number.isFinite(next) ? Math.max(0, next - 1) : 0
  };
}

/** A message the kernel extension pushes on its comm (`event` names what happened). */
export interface IKernelEvent {
  event: string;
  [key: string]: unknown;
}

/**
 * The live channel to the kernel extension: a comm on target `jupyter_repro`.
 *
 * The kernel pushes `{"event": "cell-finished", ...}` once a cell's journal line is
 * written; `events` re-emits every pushed message. A kernel without the comm target
 * closes the comm at once: `open` stays false and callers rely on their own timers.
 */
export class KernelChannel {
  constructor(private readonly _kernel: Kernel.IKernelConnection) {}

  get events(): ISignal<this, IKernelEvent> {
    return this._events;
  }

  get open(): boolean {
    return this._comm !== null;
  }

  /** This kernel process's journal file, as the kernel's `hello` named it (null: not yet). */
  get journal(): string | null {
    return this._journal;
  }

  connect(): void {
    if (this._comm !== null || this._kernel.isDisposed) {
      return;
    }
    try {
      const comm = this._kernel.createComm(COMM_TARGET);
      comm.onMsg = msg => {
        const data = msg.content.data as unknown;
        if (data !== null && typeof data === 'object' && 'event' in data) {
          const event = data as IKernelEvent;
          if (event.event === 'hello' && typeof event['journal'] === 'string') {
            this._journal = event['journal'];
          }
          this._events.emit(event);
        }
      };
      comm.onClose = () => {
        this._comm = null;
      };
      comm.open({ action: 'hello' });
      this._comm = comm;
    } catch {
      this._comm = null;
    }
  }

  dispose(): void {
    const comm = this._comm;
    this._comm = null;
    if (comm !== null && !comm.isDisposed && !this._kernel.isDisposed) {
      try {
        comm.close();
      } catch {
        // the kernel is already gone: nothing to close
      }
    }
    Signal.clearData(this);
  }

  private _comm: Kernel.IComm | null = null;
  private _journal: string | null = null;
  private _events = new Signal<this, IKernelEvent>(this);
}
