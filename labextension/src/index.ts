import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { Kernel } from '@jupyterlab/services';

import { ensureKernelTracking } from './kernel';
import { IServerStatus, NotebookReproModel } from './model';
import { requestAPI } from './request';
import { ReproStatusWidget } from './widgets/status';

const REFRESH_DELAY_MS = 150;

/** Keeps one notebook's model in step with its kernel and the server. */
class NotebookConnector {
  readonly model = new NotebookReproModel();

  constructor(private readonly _panel: NotebookPanel) {
    const session = _panel.sessionContext;
    session.kernelChanged.connect(() => this._watchKernel(session.session?.kernel ?? null));
    _panel.context.saveState.connect((_, state) => {
      if (state === 'completed') {
        this.scheduleRefresh();
      }
    });
    void session.ready.then(() => this._watchKernel(session.session?.kernel ?? null));
    void _panel.context.ready.then(() => this.scheduleRefresh());
  }

  get panel(): NotebookPanel {
    return this._panel;
  }

  scheduleRefresh(): void {
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
    }
    this._timer = window.setTimeout(() => {
      this._timer = null;
      void this._refresh();
    }, REFRESH_DELAY_MS);
  }

  private _watchKernel(kernel: Kernel.IKernelConnection | null): void {
    if (kernel === null || kernel === this._kernel) {
      return;
    }
    this._kernel?.statusChanged.disconnect(this._onKernelStatus, this);
    this._kernel = kernel;
    this._needsLoad = true;
    kernel.statusChanged.connect(this._onKernelStatus, this);
    this._onKernelStatus(kernel, kernel.status);
  }

  private _onKernelStatus(kernel: Kernel.IKernelConnection, status: Kernel.Status): void {
    if (status === 'restarting' || status === 'autorestarting' || status === 'starting') {
      this._needsLoad = true;
    } else if (status === 'idle' && this._needsLoad) {
      this._needsLoad = false;
      void ensureKernelTracking(kernel)
        .then(tracking => this.model.setTracking(tracking))
        .catch((error: unknown) => this.model.setError(String(error)))
        .then(() => this.scheduleRefresh());
    }
  }

  private async _refresh(): Promise<void> {
    try {
      const status = await requestAPI<IServerStatus>('status', {}, { path: this._panel.context.path });
      this.model.setServerStatus(status);
    } catch (error) {
      this.model.setError(error instanceof Error ? error.message : String(error));
    }
  }

  private _kernel: Kernel.IKernelConnection | null = null;
  private _needsLoad = true;
  private _timer: number | null = null;
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-repro:plugin',
  description: 'Live reproducibility status for notebooks.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_app: JupyterFrontEnd, tracker: INotebookTracker): void => {
    const connectors = new WeakMap<NotebookPanel, NotebookConnector>();
    tracker.widgetAdded.connect((_, panel) => {
      const connector = new NotebookConnector(panel);
      connectors.set(panel, connector);
      panel.toolbar.insertItem(10, 'jupyter-repro-status', new ReproStatusWidget(connector.model));
    });
    NotebookActions.executed.connect((_, { notebook }) => {
      const panel = tracker.find(candidate => candidate.content === notebook);
      if (panel !== undefined) {
        connectors.get(panel)?.scheduleRefresh();
      }
    });
  }
};

export default plugin;
