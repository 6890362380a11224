import { NotebookPanel } from '@jupyterlab/notebook';

import { ICellMarker, NotebookReproModel } from '../model';

const MARKER_CLASS = 'jp-repro-cell-marker';
const HOST_CLASS = 'jp-repro-marker-host';
// On the notebook while markers are on: its prompt column is wide enough for a marker
// beside a three-digit `[123]:` prompt.
const GUTTER_CLASS = 'jp-repro-marker-gutter';

const SYMBOLS: Record<string, string> = {
  'out-of-order': '↕',
  'stale-cell': '⟳',
  'edited-after-run': '✎',
  'hidden-state': '?',
  'skipped-cell': '⤼',
  'unseeded-random': '⚂'
};

/**
 * Markers in the prompt area of cells that are out of order, stale, edited after their
 * run, skipped, use hidden state or unseeded randomness. Found by cell id, so inserting or
 * deleting cells never moves them to a neighbour. The marker is a sibling of the input
 * prompt, left of its `[n]:` in a prompt column widened for it (JupyterLab rewrites the
 * prompt's text on every run). It shows the symbol of the worst rule, and one more symbol
 * when there are others; its tooltip and accessible name list each rule and its reason,
 * set through `title` and `textContent` only.
 */
export class CellMarkers {
  constructor(
    private readonly _panel: NotebookPanel,
    private readonly _model: NotebookReproModel
  ) {
    this._model.changed.connect(this.render, this);
    this._panel.content.modelContentChanged.connect(this.render, this);
    this.render();
  }

  set enabled(value: boolean) {
    this._enabled = value;
    this.render();
  }

  render(): void {
    const markers = this._enabled
      ? this._model.markers
      : new Map<string, ICellMarker>();
    this._panel.node.classList.toggle(GUTTER_CLASS, this._enabled);
    this._panel.content.widgets.forEach(cell => {
      const host = cell.inputArea?.node ?? null;
      if (host === null) {
        return;
      }
      const existing = host.querySelector<HTMLElement>(
        `:scope > .${MARKER_CLASS}`
      );
      const marker = markers.get(cell.model.id);
      if (marker === undefined) {
        existing?.remove();
        return;
      }
      const node = existing ?? document.createElement('span');
      node.className = `${MARKER_CLASS} ${MARKER_CLASS}-${marker.severity}`;
      node.dataset['rules'] = marker.rules.join(' ');
      node.textContent =
        (SYMBOLS[marker.rules[0]] ?? '!') +
        (marker.rules.length > 1 ? `+${marker.rules.length - 1}` : '');
      node.title = marker.tooltip;
      node.setAttribute('role', 'img');
      node.setAttribute('aria-label', marker.tooltip);
      if (existing === null) {
        host.classList.add(HOST_CLASS);
        host.appendChild(node);
      }
    });
  }

  dispose(): void {
    this._model.changed.disconnect(this.render, this);
    if (!this._panel.isDisposed) {
      this._panel.content.modelContentChanged.disconnect(this.render, this);
    }
  }

  private _enabled = true;
}
