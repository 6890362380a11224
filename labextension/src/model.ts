import { ISignal, Signal } from '@lumino/signaling';

import { KernelTracking } from './kernel';

/** One finding as the server reports it (DESIGN.md rule slugs). */
export interface IFinding {
  rule: string;
  cell: number | null;
  severity: 'error' | 'warning';
  message: string;
}

/** The server's answer to GET /jupyter-repro/status?path=... */
export interface IServerStatus {
  version: string;
  path: string;
  project_root: string;
  locked: boolean;
  findings?: IFinding[];
  tracking_complete?: boolean;
  save_error?: string | null;
}

export type StatusKind =
  | 'checking'
  | 'reproducible'
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

/**
 * The reproducibility state of one notebook: what the kernel and the server said.
 *
 * No DOM here: widgets render `summary` and listen to `changed`.
 */
export class NotebookReproModel {
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get tracking(): KernelTracking | null {
    return this._tracking;
  }

  get server(): IServerStatus | null {
    return this._server;
  }

  get summary(): IStatusSummary {
    return summarize(this._tracking, this._server, this._error);
  }

  setTracking(tracking: KernelTracking | null): void {
    this._tracking = tracking;
    this._changed.emit();
  }

  setServerStatus(status: IServerStatus): void {
    this._server = status;
    this._error = null;
    this._changed.emit();
  }

  setError(message: string): void {
    this._error = message;
    this._changed.emit();
  }

  private _tracking: KernelTracking | null = null;
  private _server: IServerStatus | null = null;
  private _error: string | null = null;
  private _changed = new Signal<this, void>(this);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The pure state transition behind the status item. */
export function summarize(
  tracking: KernelTracking | null,
  server: IServerStatus | null,
  error: string | null
): IStatusSummary {
  if (error !== null) {
    return { kind: 'error', label: 'repro: error', detail: error };
  }
  if (tracking !== null && tracking.kind !== 'tracked') {
    return { kind: 'untracked', label: 'repro: not tracked', detail: tracking.reason };
  }
  if (server === null) {
    return { kind: 'checking', label: 'repro: …', detail: 'asking the jupyter-repro server' };
  }
  if (server.save_error) {
    return { kind: 'error', label: 'repro: save hook failed', detail: server.save_error };
  }
  const findings = server.findings ?? [];
  if (findings.length > 0) {
    const errors = findings.filter(f => f.severity === 'error').length;
    return {
      kind: 'findings',
      label: `repro: ${plural(findings.length, 'finding')}`,
      detail: `${plural(errors, 'error')}, ${plural(findings.length - errors, 'warning')}`
    };
  }
  if (server.tracking_complete === false) {
    return {
      kind: 'incomplete',
      label: 'repro: tracking incomplete',
      detail: 'some file reads could not be attributed'
    };
  }
  const lock = server.locked ? 'locked' : 'no lock yet: save to write one';
  const kernel = tracking === null ? 'kernel not started' : `tracked by jupyter-repro ${tracking.version}`;
  return { kind: 'reproducible', label: 'repro: ok', detail: `${kernel}; ${lock}` };
}
