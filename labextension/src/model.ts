import { ISignal, Signal } from '@lumino/signaling';

import {
  ICellSnapshot,
  IFinding,
  IHistory,
  IHistoryRemote,
  ILineage,
  IRunComparison,
  IServerStatus,
  IRanIn,
  IVerifyJob,
  KernelTracking
} from './api';

export type { IFinding, IServerStatus } from './api';

export type StatusKind =
  | 'checking'
  | 'reproducible'
  | 'warnings'
  | 'findings'
  | 'untracked'
  | 'incomplete'
  | 'error';

/** What the status item shows: a kind (its colour), a short label and a longer tooltip. */
export interface IStatusSummary {
  kind: StatusKind;
  label: string;
  detail: string;
}

/** The kernel's life as the notebook sees it. */
export type KernelPhase = 'unknown' | 'none' | 'starting' | 'ready' | 'dead';

/** Rules whose findings mark the cell in its prompt area. */
export const MARKER_RULES: ReadonlySet<string> = new Set([
  'out-of-order',
  'stale-cell',
  'edited-after-run',
  'hidden-state',
  'skipped-cell',
  'unseeded-random'
]);

/** The pair's state for people: a dirty notebook's pair is synced by its next save. */
export type PairStateText =
  | 'not paired'
  | 'in sync'
  | 'out of sync'
  | 'will sync on save'
  | `cannot read: ${string}`;

/** One marker on one cell (by cell id): the rules and reasons behind it, worst first. */
export interface ICellMarker {
  cellId: string;
  severity: 'error' | 'warning';
  rules: string[];
  tooltip: string;
}

/**
 * The reproducibility state of one notebook: what the kernel and the server said,
 * the newest verify job and the snapshot history.
 *
 * No DOM here: widgets render it and listen to `changed`.
 */
export class NotebookReproModel {
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get tracking(): KernelTracking | null {
    return this._tracking;
  }

  get kernelPhase(): KernelPhase {
    return this._phase;
  }

  get server(): IServerStatus | null {
    return this._server;
  }

  get error(): string | null {
    return this._error;
  }

  /**
   * The findings to show. While the notebook has unsaved edits, `pair-out-of-sync` is
   * not one: the save writes the paired script (see `pairState`).
   */
  get findings(): IFinding[] {
    const findings = this._server?.findings ?? [];
    return this._syncing
      ? findings.filter(f => f.rule !== 'pair-out-of-sync')
      : findings;
  }

  /** Dirty, or just saved and the server not asked since: the pair is the save's job. */
  private get _syncing(): boolean {
    return this._dirty || this._savedSinceStatus;
  }

  /** True while the notebook has unsaved changes. */
  get dirty(): boolean {
    return this._dirty;
  }

  get pairState(): PairStateText {
    return pairStateOf(this._server, this._syncing);
  }

  /** The id of the cell a finding is about (null: the whole notebook). */
  findingCellId(finding: IFinding): string | null {
    return findingCellId(finding, this._cellIds);
  }

  get summary(): IStatusSummary {
    const server =
      this._server === null
        ? null
        : { ...this._server, findings: this.findings };
    return summarize(this._tracking, server, this._error, this._phase);
  }

  get markers(): Map<string, ICellMarker> {
    return markersFor(this.findings, this._cellIds);
  }

  /**
   * True when the notebook changed since the newest verify job started (cells, their
   * runs or the inputs): its verdict is about a state that is gone.
   */
  get verifyOutdated(): boolean {
    return this._verifyBasis !== null && this._verifyBasis !== this._basis;
  }

  get verify(): IVerifyJob | null {
    return this._verify;
  }

  get verifyError(): string | null {
    return this._verifyError;
  }

  get history(): IHistory | null {
    return this._history;
  }

  /** The message of the last panel action (pair, sync, snapshot, restore), if any. */
  get notice(): { text: string; error: boolean } | null {
    return this._notice;
  }

  setKernelPhase(phase: KernelPhase): void {
    if (phase === this._phase) {
      return;
    }
    this._phase = phase;
    if (phase !== 'ready') {
      this._tracking = null;
    }
    this._changed.emit();
  }

  setTracking(tracking: KernelTracking | null): void {
    this._tracking = tracking;
    if (tracking !== null) {
      this._phase = 'ready';
    }
    this._changed.emit();
  }

  /**
   * A new answer from the server about `cells` (as the browser sent them, in order); an
   * answer equal to the last one about the same cells changes nothing.
   */
  setServerStatus(
    status: IServerStatus,
    cells: readonly ICellSnapshot[] = []
  ): void {
    const ids = cells.map(c => c.id);
    this._basis = basisOf(status, cells);
    const text = JSON.stringify([status, ids, this._basis]);
    if (text === this._serverText && this._error === null) {
      return;
    }
    this._serverText = text;
    this._server = status;
    this._savedSinceStatus = false;
    this._cellIds = ids;
    this._error = null;
    this._changed.emit();
  }

  setDirty(dirty: boolean): void {
    if (dirty !== this._dirty) {
      // the last answer judged the pair before this save wrote the script
      this._savedSinceStatus = this._dirty && !dirty;
      this._dirty = dirty;
      this._changed.emit();
    }
  }

  setError(message: string): void {
    this._error = message;
    this._changed.emit();
  }

  setVerify(job: IVerifyJob | null, error: string | null = null): void {
    if (job !== null && job.id !== this._verify?.id) {
      this._verifyBasis = this._basis; // a new job judges the notebook as it is now
    }
    this._verify = job;
    this._verifyError = error;
    this._changed.emit();
  }

  setHistory(history: IHistory | null): void {
    this._history = history;
    this._changed.emit();
  }

  /** The notebook in its project's pipeline; `error` says why it is not known. */
  setLineage(lineage: ILineage | null, error: string | null = null): void {
    this._lineage = lineage;
    this._lineageError = error;
    const known = new Set((lineage?.runs ?? []).map(r => r.id));
    const kept = this._selectedRuns.filter(id => known.has(id));
    if (kept.length !== this._selectedRuns.length) {
      this._selectedRuns = kept;
      this._comparison = null;
    }
    this._changed.emit();
  }

  get lineage(): ILineage | null {
    return this._lineage;
  }

  get lineageError(): string | null {
    return this._lineageError;
  }

  /** The runs chosen for comparison, in the order chosen (at most two). */
  get selectedRuns(): readonly string[] {
    return this._selectedRuns;
  }

  /**
   * Select or unselect a run; a third selection replaces the older of the two. Any
   * change drops the comparison shown.
   */
  toggleRun(id: string): void {
    this._selectedRuns = this._selectedRuns.includes(id)
      ? this._selectedRuns.filter(r => r !== id)
      : [...this._selectedRuns, id].slice(-2);
    this._comparison = null;
    this._comparisonError = null;
    this._changed.emit();
  }

  /** The comparison of the two selected runs (`a`, `b` its ids), or why it failed. */
  setComparison(
    comparison: IRunComparison | null,
    error: string | null = null
  ): void {
    this._comparison = comparison;
    this._comparisonError = error;
    this._changed.emit();
  }

  get comparison(): IRunComparison | null {
    return this._comparison;
  }

  get comparisonError(): string | null {
    return this._comparisonError;
  }

  setNotice(text: string | null, error = false): void {
    this._notice = text === null ? null : { text, error };
    this._changed.emit();
  }

  /** True when the newest status breaks `strict` enforcement: error findings. */
  get violatesStrict(): boolean {
    return (
      this._server?.enforce === 'strict' &&
      this.findings.some(f => f.severity === 'error')
    );
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _tracking: KernelTracking | null = null;
  private _phase: KernelPhase = 'unknown';
  private _server: IServerStatus | null = null;
  private _serverText = '';
  private _cellIds: string[] = [];
  private _dirty = false;
  private _savedSinceStatus = false;
  private _basis: string | null = null;
  private _verifyBasis: string | null = null;
  private _error: string | null = null;
  private _verify: IVerifyJob | null = null;
  private _verifyError: string | null = null;
  private _history: IHistory | null = null;
  private _notice: { text: string; error: boolean } | null = null;
  private _lineage: ILineage | null = null;
  private _lineageError: string | null = null;
  private _selectedRuns: string[] = [];
  private _comparison: IRunComparison | null = null;
  private _comparisonError: string | null = null;
  private _changed = new Signal<this, void>(this);
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function kernelDetail(
  tracking: KernelTracking | null,
  server: IServerStatus
): string {
  const lock = server.locked ? 'locked' : 'no lock yet: save to write one';
  if (tracking === null) {
    return `reproducible so far; no kernel; ${lock}`;
  }
  return `reproducible so far; tracked by jupyter-repro ${tracking.kind === 'tracked' ? tracking.version : ''}${journalDetail(server)}; ${lock}`;
}

/** "; 3 cell runs journaled": what the running kernel recorded, for every tooltip. */
function journalDetail(server: IServerStatus): string {
  const journal = server.journal;
  return journal === undefined
    ? ''
    : journal === null
      ? '; no journal from this kernel yet (order judged from execution counts)'
      : `; ${plural(journal.runs, 'cell run')} journaled`;
}

/** The pure state transition behind the status item. */
export function summarize(
  tracking: KernelTracking | null,
  server: IServerStatus | null,
  error: string | null,
  phase: KernelPhase = 'ready'
): IStatusSummary {
  if (error !== null) {
    return { kind: 'error', label: 'repro: error', detail: error };
  }
  if (phase === 'unknown') {
    return {
      kind: 'checking',
      label: 'repro: …',
      detail: 'waiting for the notebook session'
    };
  }
  if (phase === 'starting') {
    return {
      kind: 'checking',
      label: 'repro: kernel starting…',
      detail: 'waiting for the kernel to load jupyter-repro'
    };
  }
  if (tracking !== null && tracking.kind !== 'tracked') {
    return {
      kind: 'untracked',
      label: 'repro: not tracked',
      detail: tracking.reason
    };
  }
  if (server === null) {
    return {
      kind: 'checking',
      label: 'repro: …',
      detail: 'asking the jupyter-repro server'
    };
  }
  if (server.save_error) {
    return {
      kind: 'error',
      label: 'repro: save hook failed',
      detail: server.save_error
    };
  }
  const findings = server.findings ?? [];
  if (findings.length > 0) {
    const errors = findings.filter(f => f.severity === 'error').length;
    const strict =
      server.enforce === 'strict' && errors > 0
        ? ' (strict: fix before sharing)'
        : '';
    const rules = Array.from(new Set(findings.map(f => f.rule))).join(', ');
    return {
      kind: errors > 0 ? 'findings' : 'warnings',
      label: `repro: ${plural(findings.length, 'finding')}`,
      detail: `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}: ${rules}${strict}${journalDetail(server)}`
    };
  }
  const missed = tracking?.kind === 'tracked' ? (tracking.missedRuns ?? 0) : 0;
  if (missed > 0) {
    return {
      kind: 'incomplete',
      label: 'repro: tracking incomplete',
      detail: `${plural(missed, 'cell run')} happened before tracking started: restart the kernel and run all`
    };
  }
  const complete = server.journal?.complete ?? server.tracking_complete ?? true;
  if (complete === false) {
    const reasons = server.journal?.incomplete ?? [];
    return {
      kind: 'incomplete',
      label: 'repro: tracking incomplete',
      detail:
        reasons.length > 0
          ? reasons.join('; ')
          : 'some file reads could not be attributed'
    };
  }
  return {
    kind: 'reproducible',
    label: 'repro: ok',
    detail: kernelDetail(tracking, server)
  };
}

const SEVERITY_RANK = { error: 0, warning: 1 } as const;

/**
 * The id of the cell a finding is about: the server's `cell_id`, else the id of the cell
 * at its index among the cells that were judged (`cellIds`, in the order sent).
 */
export function findingCellId(
  finding: IFinding,
  cellIds: readonly string[]
): string | null {
  if (finding.cell_id) {
    return finding.cell_id;
  }
  return finding.cell === null ? null : (cellIds[finding.cell] ?? null);
}

/** Cell markers from findings: one per cell id, naming every marker rule and its reason. */
export function markersFor(
  findings: readonly IFinding[],
  cellIds: readonly string[] = []
): Map<string, ICellMarker> {
  const byCell = new Map<string, IFinding[]>();
  for (const finding of findings) {
    const cellId = findingCellId(finding, cellIds);
    if (cellId === null || !MARKER_RULES.has(finding.rule)) {
      continue;
    }
    const list = byCell.get(cellId) ?? [];
    list.push(finding);
    byCell.set(cellId, list);
  }
  const markers = new Map<string, ICellMarker>();
  for (const [cellId, list] of byCell) {
    list.sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
    markers.set(cellId, {
      cellId,
      severity: list[0].severity,
      rules: Array.from(new Set(list.map(f => f.rule))),
      tooltip: list.map(f => `${f.rule}: ${f.message}`).join('\n')
    });
  }
  return markers;
}

/** The pair's state as people read it; a dirty notebook's pair syncs on its next save. */
export function pairStateOf(
  server: IServerStatus | null,
  dirty: boolean
): PairStateText {
  const pair = server?.pair;
  if (pair === undefined || pair.path === null) {
    return 'not paired';
  }
  if (pair.error) {
    return `cannot read: ${pair.error}`;
  }
  if (pair.in_sync) {
    return 'in sync';
  }
  return dirty ? 'will sync on save' : 'out of sync';
}

/**
 * What a verdict is about: the code cells (source and run), the inputs and the kernel's
 * installed versions as they are now. A different basis later means the verdict judged a
 * state that is gone. (The lock is not part of it: the save before a verify writes a new
 * one; what the lock records comes from these.)
 */
export function basisOf(
  status: IServerStatus,
  cells: readonly ICellSnapshot[]
): string {
  const code = cells
    .filter(c => c.cell_type === 'code')
    .map(c => [c.id, c.source ?? '', c.execution_count]);
  const inputs = (status.inputs ?? []).map(row => [
    row.path,
    row.status,
    row.hash_now ?? row.size_now
  ]);
  const installed = (status.environment?.packages ?? []).map(p => [
    p.name,
    p.now
  ]);
  return JSON.stringify([code, inputs, installed]);
}

/** One line about a verify job for the panel: progress while it runs, then the verdict. */
export function describeVerify(
  job: IVerifyJob | null,
  error: string | null = null
): string {
  if (error !== null) {
    return `verify could not start: ${error}`;
  }
  if (job === null) {
    return 'not verified in this session';
  }
  switch (job.state) {
    case 'running': {
      const { done, total, running } = job.progress;
      const elapsed = `${job.elapsed.toFixed(0)} s`;
      const where = job.isolated
        ? 'rerunning in a clean environment'
        : 'rerunning from scratch';
      if (running !== undefined && running !== null && total !== null) {
        return `${where}… running cell ${running} of ${total} (${elapsed})`;
      }
      if (job.progress.phase === 'starting') {
        return job.isolated
          ? `${where}… building it from the lock or reusing it, then starting a kernel (${elapsed})`
          : `${where}… starting a fresh kernel (${elapsed})`;
      }
      const cells =
        done !== null && total !== null ? `, cell ${done} of ${total}` : '';
      return `${where} in a fresh kernel… ${elapsed}${cells}`;
    }
    case 'cancelled':
      return 'verify cancelled';
    case 'failed':
      return `verify failed: ${job.message ?? 'no message'}`;
    case 'done': {
      const result = job.result;
      if (result === null) {
        return 'verify finished without a result';
      }
      const differing = result.cells.filter(c => c.status !== 'same').length;
      if (result.verdict === 'reproduced') {
        return `reproduced: all ${plural(result.cells.length, 'cell')} match (${job.elapsed.toFixed(0)} s)`;
      }
      if (result.verdict === 'nothing-to-compare') {
        return 'nothing to compare: no code cell had a recorded output (run and save the notebook first)';
      }
      if (result.verdict === 'failed') {
        return `failed: the notebook raised during the rerun (${plural(differing, 'cell')} not matching)`;
      }
      return `not reproduced: ${plural(differing, 'cell')} differ`;
    }
  }
  return job.state;
}

/**
 * Which environment a finished verify ran in, or null when the server did not say
 * (older servers).
 */
export function describeRanIn(ranIn: IRanIn | null | undefined): string | null {
  if (ranIn === null || ranIn === undefined) {
    return null;
  }
  if (!ranIn.rebuilt_from_lock) {
    return `ran in: the current environment (kernel ${ranIn.interpreter})`;
  }
  const how = [
    ranIn.cache === undefined ? null : `cache ${ranIn.cache}`,
    ranIn.builder === undefined ? null : `built with ${ranIn.builder}`
  ].filter((part): part is string => part !== null);
  return `ran in: an environment rebuilt from the lock, ${ranIn.interpreter}${how.length > 0 ? ` (${how.join(', ')})` : ''}`;
}

/**
 * Whether a snapshot's inputs are on the remote, for its history row; null when there is
 * nothing to say (no remote configured, or an older server).
 */
export function describeOnRemote(
  onRemote: boolean | null | undefined,
  remote: IHistoryRemote | null | undefined
): string | null {
  if (remote === null || remote === undefined) {
    return null;
  }
  const name = remote.name ?? 'the remote';
  if (onRemote === true) {
    return `inputs on ${name}`;
  }
  if (onRemote === false) {
    return `inputs not all on ${name}: push them`;
  }
  return `${name} unknown: ${remote.error ?? 'not listed'}`;
}

/** A stale reason as one line: `input changed: data/raw.csv`. */
export function describeReason(reason: {
  kind: string;
  detail: string;
}): string {
  const kind = reason.kind.replace(/-/g, ' ');
  return reason.detail ? `${kind}: ${reason.detail}` : kind;
}

/** A value of a run comparison, short: hashes to their first digits. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) {
    return '—';
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.startsWith('blake3:') ? shortHash(text) : text;
}

/** `12.3 kB`-style sizes for the panel. */
export function formatSize(size: number | null | undefined): string {
  if (size === null || size === undefined) {
    return '?';
  }
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${size} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** The first hex digits of a `blake3:<hex>` hash, enough to tell versions apart. */
export function shortHash(hash: string | null | undefined): string {
  if (!hash) {
    return '—';
  }
  const hex = hash.includes(':') ? hash.slice(hash.indexOf(':') + 1) : hash;
  return hex.slice(0, 10);
}
