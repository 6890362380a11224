import { Cell, ICodeCellModel } from '@jupyterlab/cells';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';
import { UUID } from '@lumino/coreutils';
import { ISignal, Signal } from '@lumino/signaling';

import { ICellSnapshot, IFinding, IReproEvent } from './api';
import { cellsToSend } from './cells';
import { RunPairing, RunStep } from './runs';
import { KernelChannel, ensureKernelTracking } from './kernel';
import { NotebookReproModel } from './model';
import { ReproClient, ReproRequestError } from './request';

/** UI-level options from the settings registry (schema in labextension/schema/). */
export interface IReproOptions {
  refreshDelay: number;
  editRefreshDelay: number;
  verifyPollInterval: number;
  strictDialog: boolean;
  loadKernelExtension: boolean;
}

export const DEFAULT_OPTIONS: IReproOptions = {
  refreshDelay: 150,
  editRefreshDelay: 600,
  verifyPollInterval: 10_000,
  strictDialog: true,
  loadKernelExtension: true
};

// A cell run whose journal line does not arrive (an empty cell never reaches the kernel;
// a kernel without the comm) is refreshed after this long anyway.
const JOURNAL_GRACE_MS = 1500;
// The status answer a server gives when it does not know a source the request left out.
const SOURCES_UNKNOWN = 409;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `ename: evalue` of the first error a code cell's outputs show (as `check` reads it). */
function shownError(model: ICodeCellModel): string | undefined {
  const outputs = model.outputs;
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs.get(i).toJSON();
    if (output.output_type === 'error') {
      return `${String(output.ename ?? '')}: ${String(output.evalue ?? '')}`;
    }
  }
  return undefined;
}

/** The cells as the browser holds them now, in notebook order (indices from 0). */
export function snapshotCells(panel: NotebookPanel): ICellSnapshot[] {
  return panel.content.widgets.map((cell: Cell) => {
    const model = cell.model;
    const tags = model.getMetadata('tags');
    const code = model.type === 'code' ? (model as ICodeCellModel) : null;
    const count = code?.executionCount;
    const error = code === null ? undefined : shownError(code);
    return {
      id: model.id,
      cell_type: model.type,
      source: model.sharedModel.getSource(),
      execution_count: typeof count === 'number' ? count : null,
      tags: Array.isArray(tags) ? tags.map(t => String(t)) : [],
      ...(error === undefined ? {} : { error })
    };
  });
}

/**
 * Keeps one notebook's model in step with its kernel, its edits and the server.
 *
 * Nothing polls. The status is asked again when something happened: a cell run (once its
 * journal line is written, as the kernel's comm says), an edit (debounced; nothing is sent
 * when the cells are as last sent), a kernel (re)start, or a server event (the snapshot of
 * a save, an input changed on disk). Requests go one at a time.
 */
export class NotebookConnector {
  readonly model = new NotebookReproModel();

  constructor(
    private readonly _panel: NotebookPanel,
    private _options: IReproOptions,
    private readonly _client: ReproClient
  ) {
    const session = _panel.sessionContext;
    session.kernelChanged.connect(
      () => this._watchKernel(session.session?.kernel ?? null),
      this
    );
    _panel.context.saveState.connect((_, state) => {
      // The snapshot event of this tab's save may even arrive before 'completed' does.
      if (state === 'started') {
        this._savedHere = true;
      } else if (state === 'failed') {
        this._savedHere = false;
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
      const notebook = _panel.content.model;
      notebook?.contentChanged.connect(this._onEdit, this);
      this.model.setDirty(_panel.context.model.dirty);
      _panel.context.model.stateChanged.connect((_, change) => {
        if (change.name === 'dirty') {
          this.model.setDirty(Boolean(change.newValue));
        }
      }, this);
      this.scheduleRefresh(0, true);
      void this.loadHistory();
    });
  }

  get panel(): NotebookPanel {
    return this._panel;
  }

  get client(): ReproClient {
    return this._client;
  }

  /** Emitted after this tab's save whose status breaks `strict` enforcement; the save happened. */
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

  /** How many status requests this notebook made (for tests and the curious). */
  get requests(): number {
    return this._requests;
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

  /** The 1-based position of a cell in the notebook now (JupyterLab's "Cell 3/9"). */
  cellNumber(cellId: string): number | null {
    const index = this._panel.content.widgets.findIndex(
      cell => cell.model.id === cellId
    );
    return index < 0 ? null : index + 1;
  }

  /**
   * JupyterLab finished executing a cell (its prompt shows the new count). The status is
   * asked once the kernel's journal line for it is in too.
   */
  cellExecuted(): void {
    const open = this._channel !== null && this._channel.open;
    this._afterRunEvent(this._runs.executed(open));
  }

  /** A server event about this notebook. */
  serverEvent(event: IReproEvent): void {
    if (event.action === 'verify') {
      if (event.job) {
        this._jobsMoved.add(event.job); // kept until the job is asked for again
        this._jobWaiters.get(event.job)?.();
      }
      return;
    }
    if (event.action === 'snapshot') {
      this._afterSave = this._savedHere;
      this._savedHere = false;
      this._historyAfterRefresh = true;
    }
    this.scheduleRefresh(0, true);
  }

  /**
   * Refresh after `delay` ms; an earlier pending refresh is never postponed by a later
   * ask. `force` asks the server even when the cells are as last sent (the kernel's
   * journal, the lock or the inputs changed).
   */
  scheduleRefresh(
    delay: number = this._options.refreshDelay,
    force = false
  ): void {
    this._force = this._force || force;
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
    if (this._inFlight) {
      this._again = true; // one request at a time: ask again when this one is answered
      return;
    }
    const cells = snapshotCells(this._panel);
    const journal = this._channel?.journal ?? null;
    const key = JSON.stringify([cells, this.kernelId, journal]);
    if (!this._force && key === this._lastKey) {
      return; // nothing the server would judge differently
    }
    this._force = false;
    const afterSave = this._afterSave;
    this._afterSave = false;
    this._inFlight = true;
    try {
      const status = await this._ask(cells, journal);
      this._lastKey = key;
      this.model.setServerStatus(status, cells);
    } catch (error) {
      this.model.setError(message(error));
    } finally {
      this._inFlight = false;
    }
    if (this._historyAfterRefresh) {
      this._historyAfterRefresh = false;
      void this.loadHistory();
    }
    if (afterSave && this.model.violatesStrict && this._options.strictDialog) {
      this._strictViolation.emit(
        this.model.findings.filter(f => f.severity === 'error')
      );
    }
    if (this._again) {
      this._again = false;
      this.scheduleRefresh(0);
    }
  }

  /** The notebook's place in its project's pipeline; a notebook not locked yet has none. */
  async loadLineage(): Promise<void> {
    try {
      this.model.setLineage(
        await this._client.lineage(this._panel.context.path)
      );
    } catch (error) {
      this.model.setLineage(null, message(error));
    }
  }

  /** Select or unselect a run; with two selected, compare them. */
  selectRun(id: string): void {
    this.model.toggleRun(id);
    if (this.model.selectedRuns.length === 2) {
      void this.compareRuns();
    }
  }

  /** Compare the two selected runs (the older one first). */
  async compareRuns(): Promise<void> {
    const [first, second] = this.model.selectedRuns;
    if (first === undefined || second === undefined) {
      return;
    }
    const [a, b] = first < second ? [first, second] : [second, first];
    try {
      const comparison = await this._client.compare(
        this._panel.context.path,
        a,
        b
      );
      const still = this.model.selectedRuns;
      if (still.includes(a) && still.includes(b)) {
        this.model.setComparison(comparison);
      }
    } catch (error) {
      this.model.setComparison(null, message(error));
    }
  }

  async loadHistory(): Promise<void> {
    // the pipeline section changes when the history does: after saves and snapshots
    void this.loadLineage();
    try {
      this.model.setHistory(
        await this._client.history(this._panel.context.path)
      );
    } catch (error) {
      this.model.setNotice(`history unavailable: ${message(error)}`, true);
    }
  }

  /**
   * Start (or join) a verify job for the saved notebook and follow it until it ends;
   * `isolated` reruns it in an environment rebuilt from the lock.
   */
  async verify(isolated = false): Promise<void> {
    const context = this._panel.context;
    try {
      if (context.model.dirty) {
        await context.save();
      }
      let job = await this._client.startVerify(context.path, isolated);
      this.model.setVerify(job);
      while (job.state === 'running' && !this._panel.isDisposed) {
        await this._jobMoved(job.id, this._options.verifyPollInterval);
        job = await this._client.verifyJob(job.id);
        this.model.setVerify(job);
      }
      if (job.state === 'done') {
        void this.loadLineage(); // the verify recorded a run
      }
    } catch (error) {
      this.model.setVerify(this.model.verify, message(error));
    }
  }

  /**
   * Settles when the server says the verify job moved on (progress, end), or after
   * `fallbackMs` without a word (a server without the event bus, a lost connection).
   */
  private _jobMoved(jobId: string, fallbackMs: number): Promise<void> {
    return new Promise(resolve => {
      const done = () => {
        window.clearTimeout(timer);
        this._jobWaiters.delete(jobId);
        this._jobsMoved.delete(jobId);
        resolve();
      };
      if (this._jobsMoved.has(jobId)) {
        // it moved while its last answer was on the way: ask at once
        this._jobsMoved.delete(jobId);
        resolve();
        return;
      }
      const timer = window.setTimeout(done, fallbackMs);
      this._jobWaiters.set(jobId, done);
    });
  }

  dispose(): void {
    for (const settle of this._jobWaiters.values()) {
      settle();
    }
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
    }
    if (this._graceTimer !== null) {
      window.clearTimeout(this._graceTimer);
    }
    this._channel?.dispose();
    Signal.clearData(this);
    this.model.dispose();
  }

  /** One status request; sources the server has from this tab are left out. */
  private async _ask(cells: ICellSnapshot[], journal: string | null) {
    const request = (sent: ReadonlyMap<string, string>) => {
      this._requests += 1;
      return this._client.status({
        path: this._panel.context.path,
        cells: cellsToSend(cells, sent),
        kernel_id: this.kernelId,
        journal,
        client: this._clientId
      });
    };
    let status;
    try {
      status = await request(this._sentSources);
    } catch (error) {
      if (
        !(error instanceof ReproRequestError) ||
        error.status !== SOURCES_UNKNOWN
      ) {
        throw error;
      }
      status = await request(new Map()); // the server forgot them (it restarted)
    }
    this._sentSources = new Map(cells.map(c => [c.id, c.source ?? '']));
    return status;
  }

  private _onEdit(): void {
    this.scheduleRefresh(this._options.editRefreshDelay);
  }

  private _onKernelEvent(event: string): void {
    if (event === 'hello') {
      this.scheduleRefresh(0, true);
    } else if (event === 'cell-finished') {
      this._afterRunEvent(this._runs.journaled());
    }
  }

  private _afterRunEvent(step: RunStep): void {
    if (step === 'refresh') {
      this.scheduleRefresh(this._options.refreshDelay, true);
    }
    this._disarmJournalGrace();
    if (this._runs.unmatched) {
      this._graceTimer = window.setTimeout(() => {
        this._graceTimer = null;
        this._runs.reset();
        this.scheduleRefresh(0, true);
      }, JOURNAL_GRACE_MS);
    }
  }

  private _disarmJournalGrace(): void {
    if (this._graceTimer !== null) {
      window.clearTimeout(this._graceTimer);
      this._graceTimer = null;
    }
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
      this.scheduleRefresh(0, true);
      return;
    }
    this._needsLoad = true;
    this._missedRuns = 0;
    this.model.setKernelPhase('starting');
    kernel.statusChanged.connect(this._onKernelStatus, this);
    this._onKernelStatus(kernel, kernel.status);
  }

  private _onKernelStatus(
    kernel: Kernel.IKernelConnection,
    status: Kernel.Status
  ): void {
    if (
      status === 'restarting' ||
      status === 'autorestarting' ||
      status === 'starting'
    ) {
      if (status !== 'starting') {
        this._missedRuns = 0; // a new kernel process: nothing ran in it yet
      }
      this._needsLoad = true;
      this._channel?.dispose(); // the new process has a journal (and a comm) of its own
      this._channel = null;
      this._runs.reset();
      this._disarmJournalGrace();
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
      let tracking = await ensureKernelTracking(
        kernel,
        this._options.loadKernelExtension
      );
      if (tracking.kind === 'tracked') {
        // Runs missed before the first load stay missed until the kernel restarts.
        this._missedRuns = Math.max(this._missedRuns, tracking.missedRuns ?? 0);
        tracking = { ...tracking, missedRuns: this._missedRuns };
      }
      this.model.setTracking(tracking);
      if (tracking.kind === 'tracked') {
        this._channel?.dispose();
        this._channel = new KernelChannel(kernel);
        this._channel.events.connect((_, event) =>
          this._onKernelEvent(event.event)
        );
        this._channel.connect();
      }
    } catch (error) {
      this.model.setError(message(error));
    }
    for (const resolve of this._loadWaiters.splice(0)) {
      resolve();
    }
    this.scheduleRefresh(0, true);
  }

  private readonly _clientId = UUID.uuid4();
  private readonly _jobWaiters = new Map<string, () => void>();
  private readonly _jobsMoved = new Set<string>();
  private _sentSources: ReadonlyMap<string, string> = new Map();
  private _lastKey: string | null = null;
  private _force = false;
  private _inFlight = false;
  private _again = false;
  private _requests = 0;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _channel: KernelChannel | null = null;
  private _needsLoad = true;
  private _missedRuns = 0;
  private readonly _runs = new RunPairing();
  private _graceTimer: number | null = null;
  private _loading: Promise<void> = Promise.resolve();
  private _timer: number | null = null;
  private _due = 0;
  private _afterSave = false;
  private _savedHere = false;
  private _historyAfterRefresh = false;
  private _loadWaiters: (() => void)[] = [];
  private _strictViolation = new Signal<this, IFinding[]>(this);
}
