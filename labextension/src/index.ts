import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { INotebookTracker, NotebookActions, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { LabIcon } from '@jupyterlab/ui-components';

import { MENU_COMMANDS, ReproActions, registerCommands } from './commands';
import { DEFAULT_OPTIONS, IReproOptions, NotebookConnector } from './connector';
import { CellMarkers } from './widgets/markers';
import { ReproMenuButton } from './widgets/menu';
import { ReproPanel } from './widgets/panel';
import { ReproStatusWidget } from './widgets/status';

const PLUGIN_ID = 'jupyter-repro:plugin';

// A static, trusted icon (a check inside a circular arrow) for the sidebar tab.
const reproIcon = new LabIcon({
  name: 'jupyter-repro:icon',
  svgstr:
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">' +
    '<path class="jp-icon3" fill="#616161" d="M12 4a8 8 0 1 0 7.75 10h-2.1A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4l-2.35 2.35A7.95 7.95 0 0 0 12 4z"/>' +
    '<path class="jp-icon3" fill="#616161" d="M10.5 15.5l-3-3 1.4-1.4 1.6 1.6 4.1-4.1 1.4 1.4z"/></svg>'
});

interface IMarkedConnector {
  connector: NotebookConnector;
  markers: CellMarkers;
}

function readOptions(settings: ISettingRegistry.ISettings | null): IReproOptions & { showCellMarkers: boolean } {
  const get = <T>(key: string, fallback: T): T => {
    const value = settings?.get(key).composite;
    return value === undefined || value === null ? fallback : (value as T);
  };
  return {
    refreshDelay: get('refreshDelay', DEFAULT_OPTIONS.refreshDelay),
    editRefreshDelay: get('editRefreshDelay', DEFAULT_OPTIONS.editRefreshDelay),
    verifyPollInterval: get('verifyPollInterval', DEFAULT_OPTIONS.verifyPollInterval),
    pollInterval: get('pollInterval', DEFAULT_OPTIONS.pollInterval),
    strictDialog: get('strictDialog', DEFAULT_OPTIONS.strictDialog),
    loadKernelExtension: get('loadKernelExtension', DEFAULT_OPTIONS.loadKernelExtension),
    showCellMarkers: get('showCellMarkers', true)
  };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Live reproducibility status, cell markers, a lineage panel and one-click verify.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, ISettingRegistry, ILayoutRestorer],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    registry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null
  ): void => {
    const connectors = new WeakMap<NotebookPanel, IMarkedConnector>();
    const live = new Set<IMarkedConnector>();
    let options = readOptions(null);

    const panel = new ReproPanel({
      jumpToCell: (c, i) => actions.jumpToCell(c, i),
      verify: c => actions.verify(c),
      snapshot: c => void actions.snapshot(c),
      restartRunAll: c => void actions.restartRunAll(c),
      pair: c => void actions.pair(c),
      sync: c => void actions.sync(c),
      restore: (c, id) => void actions.restore(c, id)
    });
    panel.title.icon = reproIcon;
    const actions = new ReproActions(app, panel.id);
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, panel.id);

    const current = (): NotebookConnector | null => {
      const widget = tracker.currentWidget;
      return widget === null ? null : connectors.get(widget)?.connector ?? null;
    };
    registerCommands(app, actions, current);
    for (const command of MENU_COMMANDS) {
      palette?.addItem({ command, category: 'Reproducibility' });
    }

    tracker.widgetAdded.connect((_, notebookPanel) => {
      const connector = new NotebookConnector(notebookPanel, options);
      const markers = new CellMarkers(notebookPanel, connector.model);
      markers.enabled = options.showCellMarkers;
      const entry = { connector, markers };
      connectors.set(notebookPanel, entry);
      live.add(entry);
      connector.strictViolation.connect((_, findings) => void actions.strictDialog(findings));
      notebookPanel.toolbar.insertItem(
        10,
        'jupyter-repro-status',
        new ReproStatusWidget(connector.model, () => {
          panel.connector = connector;
          actions.openPanel();
        })
      );
      notebookPanel.toolbar.insertItem(11, 'jupyter-repro-menu', new ReproMenuButton(app, MENU_COMMANDS));
      notebookPanel.disposed.connect(() => {
        live.delete(entry);
        markers.dispose();
        connector.dispose();
        if (panel.connector === connector) {
          panel.connector = null;
        }
      });
      if (tracker.currentWidget === notebookPanel) {
        panel.connector = connector;
      }
    });
    tracker.currentChanged.connect((_, widget) => {
      if (widget !== null) {
        panel.connector = connectors.get(widget)?.connector ?? null;
      }
    });
    NotebookActions.executed.connect((_, { notebook }) => {
      const notebookPanel = tracker.find(candidate => candidate.content === notebook);
      if (notebookPanel !== undefined) {
        connectors.get(notebookPanel)?.connector.cellFinished();
      }
    });

    // Files change on disk without telling anyone: the current notebook looks again now
    // and then (cheap: unchanged files are answered from the server's stat cache).
    let poll: number | null = null;
    const schedulePoll = () => {
      if (poll !== null) {
        window.clearInterval(poll);
        poll = null;
      }
      if (options.pollInterval > 0) {
        poll = window.setInterval(() => {
          if (document.visibilityState === 'visible') {
            current()?.scheduleRefresh(0);
          }
        }, options.pollInterval);
      }
    };
    schedulePoll();

    if (registry !== null) {
      void registry
        .load(PLUGIN_ID)
        .then(settings => {
          const apply = () => {
            options = readOptions(settings);
            for (const entry of live) {
              entry.connector.options = options;
              entry.markers.enabled = options.showCellMarkers;
            }
            schedulePoll();
          };
          settings.changed.connect(apply);
          apply();
        })
        .catch((error: unknown) => console.warn(`jupyter-repro settings unavailable: ${String(error)}`));
    }
  }
};

export default plugin;
