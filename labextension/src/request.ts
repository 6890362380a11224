import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import {
  ICellSnapshot,
  IHistory,
  ILineage,
  IRunComparison,
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

/** The JSON a `/jupyter-repro/status` POST carries. */
export interface IStatusRequest {
  path: string;
  cells: ICellSnapshot[] | null;
  kernel_id: string | null;
  journal: string | null;
  /** Names this browser tab, so cells may leave out sources it sent before. */
  client: string;
}

export interface ISnapshotReply {
  notebook: string;
  written: boolean;
  snapshot: string | null;
  missing: string[];
}

export interface IRestoreReply {
  notebook: string;
  snapshot: string;
  files: { path: string; target: string }[];
}

export interface IPairReply {
  notebook: string;
  script: string;
  format: string;
}

export interface ISyncReply {
  notebook: string;
  script: string;
  action: 'in-sync' | 'notebook-to-script' | 'script-to-notebook' | 'conflict';
  conflicts: { cell: number; notebook: string; script: string }[];
}

/**
 * The authenticated REST API under `/jupyter-repro/`, with the application's server
 * settings (base URL, token, cookies), as JupyterLab's own services use them.
 */
export class ReproClient {
  constructor(serverSettings?: ServerConnection.ISettings) {
    this.serverSettings = ServerConnection.makeSettings(serverSettings);
  }

  readonly serverSettings: ServerConnection.ISettings;

  async request<T>(
    endpoint: string,
    init: RequestInit = {},
    query: Record<string, string> = {}
  ): Promise<T> {
    const settings = this.serverSettings;
    const search = new URLSearchParams(query).toString();
    const url =
      URLExt.join(settings.baseUrl, 'jupyter-repro', endpoint) +
      (search ? `?${search}` : '');
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(url, init, settings);
    } catch (error) {
      throw new ReproRequestError(
        0,
        `jupyter-repro server unreachable: ${String(error)}`
      );
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

  /** Status of the notebook as the browser holds it (unsaved edits and execution counts). */
  status(body: IStatusRequest): Promise<IServerStatus> {
    return this._post<IServerStatus>('status', body);
  }

  history(path: string): Promise<IHistory> {
    return this.request<IHistory>('history', {}, { path });
  }

  lineage(path: string): Promise<ILineage> {
    return this.request<ILineage>('lineage', {}, { path });
  }

  compare(path: string, a: string, b: string): Promise<IRunComparison> {
    return this.request<IRunComparison>('compare', {}, { path, a, b });
  }

  snapshot(path: string, kernelId: string | null): Promise<ISnapshotReply> {
    return this._post<ISnapshotReply>('snapshot', {
      path,
      kernel_id: kernelId
    });
  }

  restore(path: string, snapshot: string): Promise<IRestoreReply> {
    return this._post<IRestoreReply>('restore', { path, snapshot });
  }

  pair(path: string): Promise<IPairReply> {
    return this._post<IPairReply>('pair', { path });
  }

  sync(path: string, use: 'notebook' | 'script' | null): Promise<ISyncReply> {
    return this._post<ISyncReply>('sync', { path, use });
  }

  /** `isolated`: rerun in an environment rebuilt from the lock, not the server's. */
  startVerify(path: string, isolated = false): Promise<IVerifyJob> {
    return this._post<IVerifyJob>(
      'verify',
      isolated ? { path, isolated: true } : { path }
    );
  }

  verifyJob(id: string): Promise<IVerifyJob> {
    return this.request<IVerifyJob>(`verify/${encodeURIComponent(id)}`);
  }

  cancelVerify(id: string): Promise<IVerifyJob> {
    return this.request<IVerifyJob>(`verify/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    });
  }

  private _post<T>(endpoint: string, body: object): Promise<T> {
    return this.request<T>(endpoint, {
      method: 'POST',
      body: JSON.stringify(body)
    });
  }
}
