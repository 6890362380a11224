import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

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
