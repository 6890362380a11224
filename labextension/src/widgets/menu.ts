import { JupyterFrontEnd } from '@jupyterlab/application';
import { Menu, Widget } from '@lumino/widgets';

/**
 * The notebook toolbar's "Repro" menu: a button that opens the jupyter-repro commands.
 */
export class ReproMenuButton extends Widget {
  constructor(app: JupyterFrontEnd, commands: readonly string[]) {
    super({ node: document.createElement('button') });
    this.addClass('jp-repro-menu-button');
    this.node.setAttribute('type', 'button');
    this.node.textContent = 'Repro ▾';
    this.node.title = 'Reproducibility commands';
    this._menu = new Menu({ commands: app.commands });
    this._menu.addClass('jp-repro-menu');
    for (const command of commands) {
      this._menu.addItem({ command });
    }
    this.node.addEventListener('click', () => {
      const box = this.node.getBoundingClientRect();
      this._menu.open(box.left, box.bottom);
    });
  }

  dispose(): void {
    this._menu.dispose();
    super.dispose();
  }

  private _menu: Menu;
}
