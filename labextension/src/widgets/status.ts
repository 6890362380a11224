import { Widget } from '@lumino/widgets';

import { NotebookReproModel } from '../model';

const KIND_CLASS_PREFIX = 'jp-repro-status-';

/**
 * The status item in the notebook toolbar. Text plus colour, readable without colour.
 * Untrusted strings only ever go through `textContent` and `title`.
 */
export class ReproStatusWidget extends Widget {
  constructor(
    private readonly _model: NotebookReproModel,
    private readonly _onClick: () => void = () => undefined
  ) {
    super({ node: document.createElement('button') });
    this.addClass('jp-repro-status');
    this.node.setAttribute('type', 'button');
    this.node.dataset['reproStatus'] = 'checking';
    this._model.changed.connect(this._render, this);
    this.node.addEventListener('click', () => this._onClick());
    this._render();
  }

  dispose(): void {
    this._model.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const summary = this._model.summary;
    for (const name of Array.from(this.node.classList)) {
      if (name.startsWith(KIND_CLASS_PREFIX)) {
        this.node.classList.remove(name);
      }
    }
    this.node.classList.add(KIND_CLASS_PREFIX + summary.kind);
    this.node.dataset['reproStatus'] = summary.kind;
    this.node.textContent = summary.label;
    this.node.title = summary.detail;
    this.node.setAttribute('aria-label', `${summary.label}: ${summary.detail}`);
  }
}
