/**
 * The JSON the jupyter-repro server extension answers (see jupyter_repro/server/).
 * Types and constants only: no DOM, no JupyterLab, so the model and its tests can import it.
 */

/** What the kernel said when asked to load the extension. */
export type KernelTracking =
  | { kind: 'tracked'; version: string; missedRuns?: number }
  | { kind: 'missing'; reason: string }
  | { kind: 'unsupported'; reason: string };

/**
 * One finding as the server reports it (DESIGN.md rule slugs). `cell` counts every cell
 * from 0 in the notebook the server judged; `cell_id` names that cell (newer servers).
 */
export interface IFinding {
  rule: string;
  cell: number | null;
  cell_id?: string | null;
  severity: 'error' | 'warning';
  message: string;
  hint?: string;
}

export interface IInputRow {
  path: string;
  size: number | null;
  hash: string | null;
  size_now: number | null;
  hash_now: string | null;
  cells: number[];
  locked: boolean;
  stored: boolean;
  status: 'ok' | 'changed' | 'missing';
  detail: string;
}

export interface IOutputRow {
  path: string;
  size: number | null;
  hash: string | null;
  cells: number[];
}

export interface IPackageRow {
  name: string;
  locked: string | null;
  now: string | null;
  status: 'same' | 'changed' | 'missing' | 'new' | 'unknown';
}

export interface IEnvironment {
  python: string | null;
  implementation: string | null;
  platform: string | null;
  locked_python: string | null;
  packages: IPackageRow[];
  drift: boolean;
  known: boolean;
}

export interface IPairState {
  path: string | null;
  in_sync: boolean | null;
  declared: boolean;
  error: string | null;
  format: string;
}

export interface IJournalState {
  runs: number;
  complete: boolean;
  incomplete: string[];
  kernel_id: string | null;
}

export type Enforcement = 'off' | 'warn' | 'strict';

/** The server's answer to /jupyter-repro/status. Older servers send only the first four. */
export interface IServerStatus {
  version: string;
  path: string;
  project_root: string;
  locked: boolean;
  notebook?: string;
  lock_error?: string | null;
  live?: boolean;
  enforce?: Enforcement;
  kernel_id?: string | null;
  journal?: IJournalState | null;
  tracking_complete?: boolean | null;
  findings?: IFinding[];
  inputs?: IInputRow[];
  outputs?: IOutputRow[];
  environment?: IEnvironment;
  pair?: IPairState;
  save_error?: string | null;
}

export interface ISnapshotRow {
  id: string;
  time: string;
  source: string | null;
  summary: string;
  changes: string[];
  inputs: number;
  /**
   * Whether every input it names is on the project's default remote; null when no
   * remote is configured or it could not be listed (newer servers).
   */
  on_remote?: boolean | null;
}

/** The project's default remote as the history route saw it. */
export interface IHistoryRemote {
  name: string | null;
  reachable: boolean;
  error: string | null;
}

export interface IHistory {
  notebook: string;
  snapshots: ISnapshotRow[];
  total: number;
  /** null: no remote configured (newer servers). */
  remote?: IHistoryRemote | null;
}

export type VerdictKind =
  'reproduced' | 'not-reproduced' | 'failed' | 'nothing-to-compare';

/** Which environment a verify ran in (`ran_in` of `jupyter-repro verify --format json`). */
export interface IRanIn {
  rebuilt_from_lock: boolean;
  /** The kernel name (current environment) or the rebuilt environment's Python. */
  interpreter: string;
  cache?: 'hit' | 'miss';
  builder?: string;
  path?: string;
}

export interface IVerifyCell {
  cell: number;
  status: 'same' | 'differs' | 'error' | 'not-run' | string;
  diff?: string | null;
  causes?: string[];
  nondeterministic?: boolean;
  ignored?: boolean;
}

export interface IVerifyInput {
  path: string;
  status: string;
}

export interface IVerifyPackage {
  distribution: string;
  locked: string | null;
  current: string | null;
  status: string;
}

export interface IVerifyResult {
  path: string;
  verdict: VerdictKind;
  cells: IVerifyCell[];
  inputs?: IVerifyInput[];
  environment?: IVerifyPackage[];
  failure?: string;
  notes?: string[];
  ran_in?: IRanIn;
}

export type JobState = 'running' | 'done' | 'failed' | 'cancelled';

export interface IVerifyJob {
  id: string;
  path: string;
  state: JobState;
  elapsed: number;
  /**
   * `done` cells finished of `total`; newer servers add the `phase` and the 1-based
   * number of the code cell `running` now.
   */
  progress: {
    done: number | null;
    total: number | null;
    phase?: 'starting' | 'running';
    running?: number | null;
  };
  result: IVerifyResult | null;
  message: string | null;
  exit_code: number | null;
  /** Rerun in an environment rebuilt from the lock (newer servers). */
  isolated?: boolean;
}

/** Why a notebook is stale (server/pipeline.py, `jupyter-repro status`). */
export interface IStaleReason {
  kind: string;
  detail: string;
}

/** A notebook upstream or downstream of the open one, and the files between them. */
export interface ILineageNeighbour {
  notebook: string;
  /** null when the notebook lies outside the server root (it cannot be opened). */
  api_path: string | null;
  state: 'fresh' | 'stale' | string;
  files: string[];
}

export interface ILineageRun {
  id: string;
  command: string;
  verdict: string;
  started: string;
  seconds: number;
  metrics: Record<string, number>;
}

/** The answer to /jupyter-repro/lineage: the notebook in its project's pipeline. */
export interface ILineage {
  notebook: string;
  state: 'fresh' | 'stale' | string;
  reasons: IStaleReason[];
  upstream: ILineageNeighbour[];
  downstream: ILineageNeighbour[];
  inputs: { path: string; hash: string | null; producer: string | null }[];
  outputs: { path: string; hash: string | null; consumers: string[] }[];
  /** Newest first. */
  runs: ILineageRun[];
}

export interface IRunDifference {
  section: string;
  name: string;
  a: unknown;
  b: unknown;
}

/** The answer to /jupyter-repro/compare: `jupyter-repro compare --format json`. */
export interface IRunComparison {
  a: { id: string; command: string; verdict: string; started: string };
  b: { id: string; command: string; verdict: string; started: string };
  differences: IRunDifference[];
  /** null when an executed notebook is gone: outputs not compared. */
  cells: IVerifyCell[] | null;
}

/**
 * A cell as the browser holds it, sent so the status reflects unsaved edits. `source` is
 * left out when this client already sent that cell's current source.
 */
export interface ICellSnapshot {
  id: string;
  cell_type: string;
  source?: string;
  execution_count: number | null;
  tags: string[];
  /** `ename: evalue` of the first error the cell's outputs show, if any. */
  error?: string;
}

/** The jupyter-repro event schema on the Jupyter server's event bus (server/events.py). */
export const EVENT_SCHEMA_ID =
  'https://events.jupyter-repro.org/jupyter_repro/notebook/v1';

/** One jupyter-repro event, as the server's event stream delivers it. */
export interface IReproEvent {
  schema_id: string;
  action: 'snapshot' | 'inputs-changed' | 'verify';
  path: string;
  status?: 'written' | 'unchanged' | 'incomplete' | 'failed' | 'skipped';
  snapshot?: string | null;
  files?: string[];
  /** The verify job that moved on, and its state (action `verify`). */
  job?: string;
  state?: 'running' | 'done' | 'failed' | 'cancelled';
}
