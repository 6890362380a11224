import { Cell, ICodeCellModel } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { ICellSnapshot, IFinding } from './api';
import { KernelChannel, ensureKernelTracking } from './kernel';
import { NotebookReproModel } from './model';
import {
  fetchHistory,
  fetchStatus,
  fetchVerifyJob,
  startVerify
} from './request';

/** UI-level options from the settings registry (schema in labextension/schema/). */
export interface IReproOptions {
  refreshDelay: number;
  editRefreshDelay: number;
  verifyPollInterval: number;
  pollInterval: number;
  strictDialog: boolean;
  loadKernelExtension: boolean;
}

export const DEFAULT_OPTIONS: IReproOptions = {
  refreshDelay: 150,
  editRefreshDelay: 600,
  verifyPollInterval: 1000,
  pollInterval: 3000,
  strictDialog: true,
  loadKernelExtension: true
};

// A second look after a cell finishes, for kernels whose journal line lands a little late.
const FOLLOW_UP_MS = 700;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The cells as the browser holds them now, with every cell's index counted from 0. */
export function snapshotCells(panel: NotebookPanel): ICellSnapshot[] {
  return panel.content.widgets.map((cell: Cell) => {
    const model = cell.model;
    const tags = model.getMetadata('tags');
    const count =
      model.type === 'code' ? (model as ICodeCellModel).executionCount : null;
    return {
      id: model.id,
      cell_type: model.type,
      source: model.sharedModel.getSource(),
      execution_count: typeof count === 'number' ? count : null,
      tags: Array.isArray(tags) ? tags.map(t => String(t)) : []
    };
  });
}

/** Keeps one notebook's model in step with its kernel, its edits, its saves and the server. */
export class NotebookConnector {
  readonly model = new NotebookReproModel();

  constructor(
    private readonly _panel: NotebookPanel,
    private _options: IReproOptions
  ) {
    const session = _panel.sessionContext;
    session.kernelChanged.connect(() => this._watchKernel(session.session?.kernel ?? null), this);
    _panel.context.saveState.connect((_, state) => {
      if (state === 'completed') {
        // The server answers once the save's snapshot is written; history follows.
        this._afterSave = true;
        this.scheduleRefresh(0);
      }
    }, this);
    void session.ready.then(() => {
      const kernel = session.session?.kernel ?? null;
      if (kernel === null) {
        this.model.setKernelPhase('none'); // "No Kernel": nothing to track, nothing to wait for
      }
      this._watchKernel(kernel);
    });
    void _panel.context.ready.then(() => {
      _panel.content.model?.contentChanged.connect(this._onEdit, this);
      this.scheduleRefresh(0);
      void this.loadHistory();
    });
  }

  get panel(): NotebookPanel {
    return this._panel;
  }

  /** Emitted after a save whose status breaks `strict` enforcement; the save happened. */
  get strictViolation(): ISignal<this, IFinding[]> {
    return this._strictViolation;
  }

  get kernelId(): string | null {
    return this._panel.sessionContext.session?.kernel?.id ?? null;
  }

  /** Settles once the current kernel was asked to load the extension. */
  get trackingReady(): Promise<void> {
    return this._loading;
  }

  /** Settles when the next kernel (re)start has been asked to load the extension. */
  nextTrackingReady(timeoutMs = 60_000): Promise<void> {
    return new Promise(resolve => {
      this._loadWaiters.push(resolve);
      window.setTimeout(resolve, timeoutMs);
    });
  }

  set options(options: IReproOptions) {
    this._options = options;
  }

  /** A cell finished: refresh now-ish, and once more in case its journal line was late. */
  cellFinished(): void {
    this.scheduleRefresh();
    window.setTimeout(() => this.scheduleRefresh(0), FOLLOW_UP_MS);
  }

  /** Refresh after `delay` ms; an earlier pending refresh is never postponed by a later ask. */
  scheduleRefresh(delay: number = this._options.refreshDelay): void {
    const due = Date.now() + delay;
    if (this._timer !== null) {
      if (this._due <= due) {
        return;
      }
      window.clearTimeout(this._timer);
    }
    this._due = due;
    this._timer = window.setTimeout(() => {
      this._timer = null;
      void this.refresh();
    }, delay);
  }

  async refresh(): Promise<void> {
    if (this._panel.isDisposed) {
      return;
    }
    const afterSave = this._afterSave;
    const ticket = ++this._ticket;
    try {
      const status = await fetchStatus(
        this._panel.context.path,
        snapshotCells(this._panel),
        this.kernelId,
        this._channel?.journal ?? null
      );
      if (ticket !== this._ticket) {
        return; // a newer request is on its way: its answer wins (and sees the save)
      }
      this.model.setServerStatus(status);
      if (afterSave) {
        this._afterSave = false;
      }
    } catch (error) {
      this.model.setError(message(error));
      return;
    }
    if (afterSave) {
      void this.loadHistory();
    }
    if (afterSave && this.model.violatesStrict && this._options.strictDialog) {
      this._strictViolation.emit(this.model.findings.filter(f => f.severity === 'error'));
    }
  }

  async loadHistory(): Promise<void> {
    try {
      this.model.setHistory(await fetchHistory(this._panel.context.path));
    } catch (error) {
      this.model.setNotice(`history unavailable: ${message(error)}`, true);
    }
  }

  /** Start (or join) a verify job for the saved notebook and follow it until it ends. */
  async verify(): Promise<void> {
    const context = this._panel.context;
    try {
      if (context.model.dirty) {
        await context.save();
      }
      let job = await startVerify(context.path);
      this.model.setVerify(job);
      while (job.state === 'running' && !this._panel.isDisposed) {
        await new Promise(resolve => window.setTimeout(resolve, this._options.verifyPollInterval));
        job = await fetchVerifyJob(job.id);
        this.model.setVerify(job);
      }
    } catch (error) {
      this.model.setVerify(this.model.verify, message(error));
    }
  }

  dispose(): void {
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
    }
    this._channel?.dispose();
    Signal.clearData(this);
    this.model.dispose();
  }

  private _onEdit(): void {
    this.scheduleRefresh(this._options.editRefreshDelay);
  }

  private _watchKernel(kernel: Kernel.IKernelConnection | null): void {
    if (kernel === this._kernel) {
      return;
    }
    this._kernel?.statusChanged.disconnect(this._onKernelStatus, this);
    this._channel?.dispose();
    this._channel = null;
    this._kernel = kernel;
    if (kernel === null) {
      this.model.setKernelPhase('none');
      this.scheduleRefresh(0);
      return;
    }
    this._needsLoad = true;
    this._missedRuns = 0;
    this.model.setKernelPhase('starting');
    kernel.statusChanged.connect(this._onKernelStatus, this);
    this._onKernelStatus(kernel, kernel.status);
  }

  private _onKernelStatus(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'starting') {
      if (status !== 'starting') {
        this._missedRuns = 0; // a new kernel process: nothing ran in it yet
      }
      this._needsLoad = true;
      this._channel?.dispose(); // the new process has a journal (and a comm) of its own
      this._channel = null;
      this.model.setKernelPhase('starting');
    } else if (status === 'dead') {
      this.model.setKernelPhase('dead');
    } else if (status === 'idle' && this._needsLoad) {
      this._needsLoad = false;
      this._loading = this._load(kernel);
    }
  }

  private async _load(kernel: Kernel.IKernelConnection): Promise<void> {
    try {
      let tracking = await ensureKernelTracking(kernel, this._options.loadKernelExtension);
      if (tracking.kind === 'tracked') {
        // Runs missed before the first load stay missed until the kernel restarts.
        this._missedRuns = Math.max(this._missedRuns, tracking.missedRuns ?? 0);
        tracking = { ...tracking, missedRuns: this._missedRuns };
      }
      this.model.setTracking(tracking);
      if (tracking.kind === 'tracked') {
        this._channel?.dispose();
        this._channel = new KernelChannel(kernel);
        this._channel.events.connect((_, event) => {
          if (event.event === 'cell-finished' || event.event === 'hello') {
            this.scheduleRefresh(0);
          }
        });
        this._channel.connect();
      }
    } catch (error) {
      this.model.setError(message(error));
    }
    for (const resolve of this._loadWaiters.splice(0)) {
      resolve();
    }
    this.scheduleRefresh(0);
  }

  private _kernel: Kernel.IKernelConnection | null = null;
  private _channel: KernelChannel | null = null;
  private _needsLoad = true;
  private _missedRuns = 0;
  private _loading: Promise<void> = Promise.resolve();
  private _timer: number | null = null;
  private _due = 0;
  private _ticket = 0;
  private _afterSave = false;
  private _loadWaiters: (() => void)[] = [];
  private _strictViolation = new Signal<this, IFinding[]>(this);
}
