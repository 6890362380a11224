import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import {
  INotebookTracker,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { LabIcon } from '@jupyterlab/ui-components';

import { EVENT_SCHEMA_ID, IReproEvent } from './api';
import {
  MENU_COMMANDS,
  PALETTE_CATEGORY,
  ReproActions,
  registerCommands
} from './commands';
import { DEFAULT_OPTIONS, IReproOptions, NotebookConnector } from './connector';
import { ReproClient } from './request';
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

function readOptions(
  settings: ISettingRegistry.ISettings | null
): IReproOptions & { showCellMarkers: boolean } {
  const get = <T>(key: string, fallback: T): T => {
    const value = settings?.get(key).composite;
    return value === undefined || value === null ? fallback : (value as T);
  };
  return {
    refreshDelay: get('refreshDelay', DEFAULT_OPTIONS.refreshDelay),
    editRefreshDelay: get('editRefreshDelay', DEFAULT_OPTIONS.editRefreshDelay),
    verifyPollInterval: get(
      'verifyPollInterval',
      DEFAULT_OPTIONS.verifyPollInterval
    ),
    strictDialog: get('strictDialog', DEFAULT_OPTIONS.strictDialog),
    loadKernelExtension: get(
      'loadKernelExtension',
      DEFAULT_OPTIONS.loadKernelExtension
    ),
    showCellMarkers: get('showCellMarkers', true)
  };
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Live reproducibility status, cell markers, a lineage panel and one-click verify.',
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
    const client = new ReproClient(app.serviceManager.serverSettings);
    const connectors = new WeakMap<NotebookPanel, IMarkedConnector>();
    const live = new Set<IMarkedConnector>();
    let options = readOptions(null);

    const panel = new ReproPanel({
      jumpToCell: (c, id) => actions.jumpToCell(c, id),
      jumpToIndex: (c, i) => actions.jumpToIndex(c, i),
      verify: c => actions.verify(c),
      verifyIsolated: c => actions.verifyIsolated(c),
      snapshot: c => void actions.snapshot(c),
      restartRunAll: c => void actions.restartRunAll(c),
      pair: c => void actions.pair(c),
      sync: c => void actions.sync(c),
      restore: (c, id) => void actions.restore(c, id),
      openNotebook: path => actions.openNotebook(path)
    });
    panel.title.icon = reproIcon;
    const actions = new ReproActions(app, panel.id);
    app.shell.add(panel, 'right', { rank: 900 });
    restorer?.add(panel, panel.id);

    const current = (): NotebookConnector | null => {
      const widget = tracker.currentWidget;
      return widget === null
        ? null
        : (connectors.get(widget)?.connector ?? null);
    };
    registerCommands(app, actions, current);
    for (const command of MENU_COMMANDS) {
      palette?.addItem({
        command,
        category: PALETTE_CATEGORY,
        args: { isPalette: true }
      });
    }

    tracker.widgetAdded.connect((_, notebookPanel) => {
      const connector = new NotebookConnector(notebookPanel, options, client);
      const markers = new CellMarkers(notebookPanel, connector.model);
      markers.enabled = options.showCellMarkers;
      const entry = { connector, markers };
      connectors.set(notebookPanel, entry);
      live.add(entry);
      connector.strictViolation.connect(
        (_, findings) => void actions.strictDialog(connector, findings)
      );
      notebookPanel.toolbar.insertItem(
        10,
        'jupyter-repro-status',
        new ReproStatusWidget(connector.model, () => {
          panel.connector = connector;
          actions.openPanel();
        })
      );
      notebookPanel.toolbar.insertItem(
        11,
        'jupyter-repro-menu',
        new ReproMenuButton(app, MENU_COMMANDS)
      );
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
      const notebookPanel = tracker.find(
        candidate => candidate.content === notebook
      );
      if (notebookPanel !== undefined) {
        connectors.get(notebookPanel)?.connector.cellExecuted();
      }
    });

    // The server tells when a notebook's status changed outside the browser (the
    // snapshot of a save, an input changed on disk): no polling.
    app.serviceManager.events.stream.connect((_, emission) => {
      if (emission.schema_id !== EVENT_SCHEMA_ID) {
        return;
      }
      const event = emission as unknown as IReproEvent;
      for (const entry of live) {
        if (entry.connector.panel.context.path === event.path) {
          entry.connector.serverEvent(event);
        }
      }
    });

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
          };
          settings.changed.connect(apply);
          apply();
        })
        .catch((error: unknown) =>
          console.warn(`jupyter-repro settings unavailable: ${String(error)}`)
        );
    }
  }
};

export default plugin;
