import { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, showDialog } from '@jupyterlab/apputils';
import { NotebookActions } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import { IFinding } from './api';
import { NotebookConnector } from './connector';
import { plural } from './model';
import { IPanelActions } from './widgets/panel';
import { h } from './widgets/dom';

export namespace CommandIDs {
  export const restartRunAll = 'jupyter-repro:restart-run-all';
  export const verify = 'jupyter-repro:verify';
  export const verifyIsolated = 'jupyter-repro:verify-isolated';
  export const snapshot = 'jupyter-repro:snapshot';
  export const pair = 'jupyter-repro:pair';
  export const sync = 'jupyter-repro:sync';
  export const openPanel = 'jupyter-repro:open-panel';
}

/** The commands shown in the palette and in the notebook toolbar's menu, in order. */
export const MENU_COMMANDS = [
  CommandIDs.restartRunAll,
  CommandIDs.verify,
  CommandIDs.verifyIsolated,
  CommandIDs.snapshot,
  CommandIDs.pair,
  CommandIDs.sync,
  CommandIDs.openPanel
];

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function textBody(lines: string[]): Widget {
  const node = h(
    'div',
    { className: 'jp-repro-dialog' },
    lines.map(line => h('p', { text: line }))
  );
  return new Widget({ node });
}

async function saveIfDirty(connector: NotebookConnector): Promise<void> {
  const context = connector.panel.context;
  if (context.model.dirty) {
    await context.save();
  }
}

/** What each action does; shared by the commands and the panel's buttons. */
export class ReproActions implements IPanelActions {
  constructor(
    private readonly _app: JupyterFrontEnd,
    private readonly _panelId: string
  ) {}

  openPanel(): void {
    this._app.shell.activateById(this._panelId);
  }

  jumpToCell(connector: NotebookConnector, cellId: string): void {
    const index = connector.panel.content.widgets.findIndex(
      cell => cell.model.id === cellId
    );
    if (index >= 0) {
      this.jumpToIndex(connector, index);
    }
  }

  jumpToIndex(connector: NotebookConnector, index: number): void {
    const notebook = connector.panel.content;
    const cell = notebook.widgets[index];
    if (cell === undefined) {
      return;
    }
    this._app.shell.activateById(connector.panel.id);
    notebook.activeCellIndex = index;
    void notebook.scrollToCell(cell, 'center');
  }

  verify(connector: NotebookConnector): void {
    void connector.verify();
    this.openPanel();
  }

  verifyIsolated(connector: NotebookConnector): void {
    void connector.verify(true);
    this.openPanel();
  }

  async snapshot(connector: NotebookConnector): Promise<void> {
    try {
      await saveIfDirty(connector);
      const reply = await connector.client.snapshot(
        connector.panel.context.path,
        connector.kernelId
      );
      const what = reply.snapshot
        ? `snapshot ${reply.snapshot} recorded`
        : 'lock unchanged: no new snapshot';
      const missing =
        reply.missing.length > 0
          ? ` (not captured: ${reply.missing.join('; ')})`
          : '';
      connector.model.setNotice(what + missing);
      await connector.loadHistory();
      connector.scheduleRefresh(0, true);
    } catch (error) {
      connector.model.setNotice(`snapshot failed: ${message(error)}`, true);
    }
  }

  async restartRunAll(connector: NotebookConnector): Promise<void> {
    const session = connector.panel.sessionContext;
    const answer = await showDialog({
      title: 'Restart kernel and run all cells?',
      body: textBody([
        'All variables are lost; every cell runs top to bottom in a fresh, tracked kernel.'
      ]),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: 'Restart and run all' })
      ]
    });
    if (!answer.button.accept || session.session?.kernel === null) {
      return;
    }
    const loaded = connector.nextTrackingReady();
    await session.restartKernel();
    await loaded; // the extension is loaded before the first cell runs, so every run is journaled
    await NotebookActions.runAll(connector.panel.content, session);
  }

  async pair(connector: NotebookConnector): Promise<void> {
    try {
      await saveIfDirty(connector);
      const reply = await connector.client.pair(connector.panel.context.path);
      // The pairing lives in the notebook's metadata: load what was written.
      await connector.panel.context.revert();
      connector.model.setNotice(
        `paired with ${reply.script} (${reply.format})`
      );
      connector.scheduleRefresh(0, true);
    } catch (error) {
      connector.model.setNotice(`pair failed: ${message(error)}`, true);
    }
  }

  async sync(
    connector: NotebookConnector,
    use: 'notebook' | 'script' | null = null
  ): Promise<void> {
    try {
      await saveIfDirty(connector);
      const reply = await connector.client.sync(
        connector.panel.context.path,
        use
      );
      if (reply.action === 'conflict') {
        await this._resolveConflict(
          connector,
          reply.script,
          reply.conflicts.length
        );
        return;
      }
      if (reply.action === 'script-to-notebook') {
        await connector.panel.context.revert();
      }
      const text = {
        'in-sync': `${reply.script} is in sync`,
        'notebook-to-script': `${reply.script} updated from the notebook`,
        'script-to-notebook': `notebook updated from ${reply.script}`
      }[reply.action];
      connector.model.setNotice(text);
      connector.scheduleRefresh(0, true);
    } catch (error) {
      connector.model.setNotice(`sync failed: ${message(error)}`, true);
    }
  }

  async restore(connector: NotebookConnector, snapshot: string): Promise<void> {
    const answer = await showDialog({
      title: `Restore the inputs of snapshot ${snapshot}?`,
      body: textBody([
        'The input files this snapshot recorded are written back in place from the store, ' +
          'overwriting the current versions. Nothing is written outside the project.'
      ]),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: 'Restore inputs' })
      ]
    });
    if (!answer.button.accept) {
      return;
    }
    try {
      const reply = await connector.client.restore(
        connector.panel.context.path,
        snapshot
      );
      connector.model.setNotice(
        `restored ${plural(reply.files.length, 'input')} of snapshot ${reply.snapshot}: ` +
          reply.files.map(f => f.path).join(', ')
      );
      connector.scheduleRefresh(0, true);
    } catch (error) {
      connector.model.setNotice(`restore failed: ${message(error)}`, true);
    }
  }

  openNotebook(path: string): void {
    void this._app.commands.execute('docmanager:open', { path });
  }

  /** At `strict`, a save with error findings: say so clearly (the save itself happened). */
  async strictDialog(
    connector: NotebookConnector,
    findings: IFinding[]
  ): Promise<void> {
    const lines = findings.slice(0, 8).map(f => {
      const cellId = connector.model.findingCellId(f);
      const number = cellId === null ? null : connector.cellNumber(cellId);
      const where =
        number !== null
          ? `cell ${number}`
          : f.cell === null
            ? 'notebook'
            : `cell ${f.cell + 1}`;
      return `${where} · ${f.rule}: ${f.message}`;
    });
    if (findings.length > 8) {
      lines.push(`… and ${findings.length - 8} more`);
    }
    const answer = await showDialog({
      title: 'Saved, but this notebook is not reproducible',
      body: textBody([
        `The project enforces reproducibility (strict). Your work was saved; ${plural(findings.length, 'error')} must be fixed:`,
        ...lines
      ]),
      buttons: [
        Dialog.cancelButton({ label: 'Close' }),
        Dialog.okButton({ label: 'Show findings' })
      ]
    });
    if (answer.button.accept) {
      this.openPanel();
    }
  }

  private async _resolveConflict(
    connector: NotebookConnector,
    script: string,
    cells: number
  ): Promise<void> {
    const answer = await showDialog({
      title: 'Both the notebook and its script changed',
      body: textBody([
        `The notebook and ${script} differ in ${plural(cells, 'cell')} and both changed since the last sync.`,
        'Choose the side whose code wins; the other side is overwritten.'
      ]),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: 'Keep the script' }),
        Dialog.okButton({ label: 'Keep the notebook' })
      ]
    });
    if (answer.button.label === 'Keep the notebook') {
      await this.sync(connector, 'notebook');
    } else if (answer.button.label === 'Keep the script') {
      await this.sync(connector, 'script');
    } else {
      connector.model.setNotice('sync cancelled: the pair still differs', true);
    }
  }
}

/** The palette's category: every command of ours is listed under it. */
export const PALETTE_CATEGORY = 'Repro';

/**
 * A command label: in the palette it starts with "Repro: " (typing "Pair with" must not
 * run another extension's command by mistake); in our own menus it needs no prefix.
 */
function label(text: string) {
  return (args: { isPalette?: unknown }) =>
    args.isPalette === true ? `Repro: ${text}` : text;
}

/** Register the commands; `current` gives the connector of the active notebook. */
export function registerCommands(
  app: JupyterFrontEnd,
  actions: ReproActions,
  current: () => NotebookConnector | null
): void {
  const withConnector =
    (run: (connector: NotebookConnector) => unknown) => () => {
      const connector = current();
      if (connector !== null) {
        void run(connector);
      }
    };
  const enabled = () => current() !== null;
  app.commands.addCommand(CommandIDs.restartRunAll, {
    label: label('Restart kernel and run all (tracked)'),
    caption:
      'Restart the kernel, load tracking, and run every cell top to bottom',
    isEnabled: enabled,
    execute: withConnector(c => actions.restartRunAll(c))
  });
  app.commands.addCommand(CommandIDs.verify, {
    label: label('Verify from scratch'),
    caption:
      'Rerun the saved notebook in a fresh kernel, in the background, and compare',
    isEnabled: enabled,
    execute: withConnector(c => actions.verify(c))
  });
  app.commands.addCommand(CommandIDs.verifyIsolated, {
    label: label('Verify in a clean environment'),
    caption:
      'Rebuild the locked environment (cached), rerun the saved notebook there, in the background, and compare',
    isEnabled: enabled,
    execute: withConnector(c => actions.verifyIsolated(c))
  });
  app.commands.addCommand(CommandIDs.snapshot, {
    label: label('Snapshot now'),
    caption: 'Write the lock of inputs and environment and record a snapshot',
    isEnabled: enabled,
    execute: withConnector(c => actions.snapshot(c))
  });
  app.commands.addCommand(CommandIDs.pair, {
    label: label('Pair with script'),
    caption: 'Create the paired py:percent script of this notebook',
    isEnabled: enabled,
    execute: withConnector(c => actions.pair(c))
  });
  app.commands.addCommand(CommandIDs.sync, {
    label: label('Sync paired script'),
    caption: 'Bring the notebook and its paired script in line, by content',
    isEnabled: enabled,
    execute: withConnector(c => actions.sync(c))
  });
  app.commands.addCommand(CommandIDs.openPanel, {
    label: label('Show reproducibility panel'),
    execute: () => actions.openPanel()
  });
}
