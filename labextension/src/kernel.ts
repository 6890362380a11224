import { Kernel, KernelMessage } from '@jupyterlab/services';

/** What the kernel said when asked to load the extension. */
export type KernelTracking =
  | { kind: 'tracked'; version: string }
  | { kind: 'missing'; reason: string }
  | { kind: 'unsupported'; reason: string };

const LOAD_CODE = '%load_ext jupyter_repro';
const VERSION_EXPRESSION = "__import__('jupyter_repro').__version__";

/**
 * Load the kernel extension silently (no history, no execution count) and ask its version.
 *
 * Silent executions fire no IPython cell events, so this never shows up in the journal.
 */
export async function ensureKernelTracking(
  kernel: Kernel.IKernelConnection
): Promise<KernelTracking> {
  const spec = await kernel.spec;
  if (spec !== undefined && spec.language.toLowerCase() !== 'python') {
    return { kind: 'unsupported', reason: `${spec.language} kernels are not tracked` };
  }
  const future = kernel.requestExecute({
    code: LOAD_CODE,
    silent: true,
    store_history: false,
    user_expressions: { version: VERSION_EXPRESSION },
    allow_stdin: false,
    stop_on_error: false
  });
  const reply = (await future.done) as KernelMessage.IExecuteReplyMsg;
  const content = reply.content;
  if (content.status !== 'ok') {
    const name = 'ename' in content ? String(content.ename) : 'error';
    return {
      kind: 'missing',
      reason: `jupyter-repro is not installed in this kernel's environment (${name})`
    };
  }
  const expression = content.user_expressions['version'] as
    | { status: string; data?: Record<string, unknown> }
    | undefined;
  if (expression === undefined || expression.status !== 'ok') {
    return { kind: 'missing', reason: 'jupyter-repro is not importable in this kernel' };
  }
  const text = String(expression.data?.['text/plain'] ?? '').replace(/^'|'$/g, '');
  return { kind: 'tracked', version: text };
}
