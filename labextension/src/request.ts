import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  ICellSnapshot,
  IHistory,
  IServerStatus,
  IVerifyJob
} from './api';

/** An error answered by the jupyter-repro server extension, with its message for people. */
export class ReproRequestError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
    this.name = 'ReproRequestError';
  }
}

/** Call the authenticated REST API under `/jupyter-repro/`. */
export async function requestAPI<T>(
  endpoint: string,
  init: RequestInit = {},
  query: Record<string, string> = {}
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const search = new URLSearchParams(query).toString();
  const url =
    URLExt.join(settings.baseUrl, 'jupyter-repro', endpoint) +
    (search ? `?${search}` : '');
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(url, init, settings);
  } catch (error) {
    throw new ReproRequestError(0, `jupyter-repro server unreachable: ${String(error)}`);
  }
  const text = await response.text();
  let data: unknown = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message =
      data !== null && typeof data === 'object' && 'message' in data
        ? String((data as { message: unknown }).message)
        : response.statusText;
    throw new ReproRequestError(response.status, message);
  }
  return data as T;
}

function post<T>(endpoint: string, body: object): Promise<T> {
  return requestAPI<T>(endpoint, { method: 'POST', body: JSON.stringify(body) });
}

/** Status of the notebook as the browser holds it (unsaved edits and execution counts). */
export function fetchStatus(
  path: string,
  cells: ICellSnapshot[] | null,
  kernelId: string | null,
  journal: string | null = null
): Promise<IServerStatus> {
  return post<IServerStatus>('status', { path, cells, kernel_id: kernelId, journal });
}

export function fetchHistory(path: string): Promise<IHistory> {
  return requestAPI<IHistory>('history', {}, { path });
}

export interface ISnapshotReply {
  notebook: string;
  written: boolean;
  snapshot: string | null;
  missing: string[];
}

export function takeSnapshot(path: string, kernelId: string | null): Promise<ISnapshotReply> {
  return post<ISnapshotReply>('snapshot', { path, kernel_id: kernelId });
}

export interface IRestoreReply {
  notebook: string;
  snapshot: string;
  files: { path: string; target: string }[];
}

export function restoreSnapshot(path: string, snapshot: string): Promise<IRestoreReply> {
  return post<IRestoreReply>('restore', { path, snapshot });
}

export interface IPairReply {
  notebook: string;
  script: string;
  format: string;
}

export function pairNotebook(path: string): Promise<IPairReply> {
  return post<IPairReply>('pair', { path });
}

export interface ISyncReply {
  notebook: string;
  script: string;
  action: 'in-sync' | 'notebook-to-script' | 'script-to-notebook' | 'conflict';
  conflicts: { cell: number; notebook: string; script: string }[];
}

export function syncPair(path: string, use: 'notebook' | 'script' | null): Promise<ISyncReply> {
  return post<ISyncReply>('sync', { path, use });
}

export function startVerify(path: string): Promise<IVerifyJob> {
  return post<IVerifyJob>('verify', { path });
}

export function fetchVerifyJob(id: string): Promise<IVerifyJob> {
  return requestAPI<IVerifyJob>(`verify/${encodeURIComponent(id)}`);
}

export function cancelVerifyJob(id: string): Promise<IVerifyJob> {
  return requestAPI<IVerifyJob>(`verify/${encodeURIComponent(id)}`, { method: 'DELETE' });
}
