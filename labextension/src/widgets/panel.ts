import { Widget } from '@lumino/widgets';

import {
  IFinding,
  IHistoryRemote,
  IInputRow,
  ILineage,
  ILineageNeighbour,
  ILineageRun,
  IRunComparison,
  IServerStatus,
  IVerifyJob
} from '../api';
import { NotebookConnector } from '../connector';
import {
  describeOnRemote,
  describeRanIn,
  describeReason,
  describeValue,
  describeVerify,
  formatSize,
  plural,
  shortHash
} from '../model';
import { button, h } from './dom';

/** What the panel's buttons and links do; the plugin supplies them (commands, dialogs). */
export interface IPanelActions {
  /** Select and show the cell with this id. */
  jumpToCell(connector: NotebookConnector, cellId: string): void;
  /** Select and show the cell at this index (counting every cell from 0). */
  jumpToIndex(connector: NotebookConnector, index: number): void;
  verify(connector: NotebookConnector): void;
  /** Verify in an environment rebuilt from the lock. */
  verifyIsolated(connector: NotebookConnector): void;
  snapshot(connector: NotebookConnector): void;
  restartRunAll(connector: NotebookConnector): void;
  pair(connector: NotebookConnector): void;
  sync(connector: NotebookConnector): void;
  restore(connector: NotebookConnector, snapshot: string): void;
  /** Open a notebook of the pipeline (a path relative to the server root). */
  openNotebook(path: string): void;
}

/** The shared differ says recorded/rerun: between two runs they are run a and run b. */
function runDiff(diff: string): string {
  return diff.replace('--- recorded', '--- a').replace('+++ rerun', '+++ b');
}

function describeMetrics(run: ILineageRun): string {
  return Object.entries(run.metrics)
    .map(([name, value]) => `${name} ${value}`)
    .join(' · ');
}

function section(name: string, title: string, body: Node[]): HTMLElement {
  return h(
    'section',
    { className: 'jp-repro-section', data: { section: name } },
    [h('h3', { className: 'jp-repro-section-title', text: title }), ...body]
  );
}

function empty(text: string): HTMLElement {
  return h('p', { className: 'jp-repro-empty', text });
}

/** Cells named as people count them: from 1, over all cells (JupyterLab's "Cell 3/9"). */
function cellsText(cells: number[]): string {
  return cells.length === 0
    ? ''
    : `cell${cells.length > 1 ? 's' : ''} ${cells.map(c => c + 1).join(', ')}`;
}

function dismissButton(dismiss: () => void): HTMLButtonElement {
  const node = button('×', dismiss, {
    action: 'dismiss',
    title: 'Dismiss this message',
    className: 'jp-repro-dismiss'
  });
  node.setAttribute('aria-label', 'Dismiss this message');
  return node;
}

/** A list entry that acts when clicked or when Enter/Space is pressed on it. */
function actionItem(
  className: string,
  label: string,
  act: (() => void) | null,
  children: (Node | null)[],
  data: Record<string, string> = {}
): HTMLElement {
  const item = h('li', { className, data }, children);
  if (act !== null) {
    item.tabIndex = 0;
    item.setAttribute('role', 'button');
    item.setAttribute('aria-label', label);
    item.addEventListener('click', () => act());
    item.addEventListener('keydown', event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        act();
      }
    });
  }
  return item;
}

/**
 * The right-sidebar panel for the current notebook: findings, verify, inputs, outputs,
 * environment, snapshot history and the paired script. Re-rendered from the model on
 * every change; built with `textContent` only.
 */
export class ReproPanel extends Widget {
  constructor(private readonly _actions: IPanelActions) {
    super();
    this.id = 'jupyter-repro-panel';
    this.addClass('jp-repro-panel');
    this.title.caption = 'Reproducibility';
    this._render();
  }

  get connector(): NotebookConnector | null {
    return this._connector;
  }

  set connector(connector: NotebookConnector | null) {
    if (connector === this._connector) {
      return;
    }
    this._connector?.model.changed.disconnect(this._render, this);
    this._connector = connector;
    connector?.model.changed.connect(this._render, this);
    if (connector !== null && this.isVisible) {
      void connector.loadHistory();
    }
    this._render();
  }

  protected onAfterShow(): void {
    if (this._connector !== null) {
      void this._connector.loadHistory();
    }
    this._render();
  }

  private _render(): void {
    const connector = this._connector;
    if (connector === null) {
      this.node.replaceChildren(
        empty('Open a notebook to see its reproducibility.')
      );
      return;
    }
    const model = connector.model;
    const status = model.server;
    const summary = model.summary;
    const notice = model.notice;
    const scrollTop = this.node.scrollTop; // re-rendering must not move the reader's place
    const parts: (HTMLElement | null)[] = [
      h('header', { className: 'jp-repro-panel-header' }, [
        h('div', {
          className: 'jp-repro-panel-path',
          text: connector.panel.context.path
        }),
        h('div', {
          className: `jp-repro-panel-summary jp-repro-status-${summary.kind}`,
          text: summary.label,
          title: summary.detail,
          data: { reproStatus: summary.kind }
        }),
        h('div', { className: 'jp-repro-panel-detail', text: summary.detail })
      ]),
      h('div', { className: 'jp-repro-actions' }, [
        button('Verify from scratch', () => this._actions.verify(connector), {
          action: 'verify',
          disabled: model.verify?.state === 'running',
          title:
            'Rerun the saved notebook in a fresh kernel and compare with its outputs'
        }),
        button(
          'Verify in a clean environment',
          () => this._actions.verifyIsolated(connector),
          {
            action: 'verify-isolated',
            disabled: model.verify?.state === 'running',
            title:
              'Rebuild the locked environment (or reuse its cached copy), rerun the saved notebook there and compare'
          }
        ),
        button('Snapshot now', () => this._actions.snapshot(connector), {
          action: 'snapshot'
        }),
        button(
          'Restart & run all',
          () => this._actions.restartRunAll(connector),
          {
            action: 'restart-run-all'
          }
        )
      ]),
      notice === null
        ? null
        : h(
            'div',
            {
              className: `jp-repro-notice${notice.error ? ' jp-repro-notice-error' : ''}`
            },
            [
              h('span', {
                className: 'jp-repro-notice-text',
                text: notice.text
              }),
              dismissButton(() => model.setNotice(null))
            ]
          ),
      this._verify(connector, model.verify, model.verifyError),
      this._findings(connector),
      this._pipeline(connector),
      this._inputs(status),
      this._outputs(status),
      this._environment(status),
      this._history(connector),
      this._pair(connector, status)
    ];
    const focused = this._focusedIndex();
    this.node.replaceChildren(
      ...parts.filter((node): node is HTMLElement => node !== null)
    );
    this.node.scrollTop = scrollTop;
    if (focused !== null) {
      // re-rendering must not take the keyboard's place away either
      this._focusables()[focused]?.focus({ preventScroll: true });
    }
  }

  private _focusables(): HTMLElement[] {
    return Array.from(
      this.node.querySelectorAll<HTMLElement>('button, [tabindex="0"]')
    );
  }

  private _focusedIndex(): number | null {
    const active = document.activeElement;
    if (!(active instanceof HTMLElement) || !this.node.contains(active)) {
      return null;
    }
    const index = this._focusables().indexOf(active);
    return index < 0 ? null : index;
  }

  /** Where a finding is, as people count cells now: "cell 3", or "notebook". */
  private _where(connector: NotebookConnector, finding: IFinding): string {
    const cellId = connector.model.findingCellId(finding);
    const number = cellId === null ? null : connector.cellNumber(cellId);
    if (number !== null) {
      return `cell ${number}`;
    }
    return finding.cell === null ? 'notebook' : `cell ${finding.cell + 1}`;
  }

  private _findings(connector: NotebookConnector): HTMLElement {
    const findings = connector.model.findings;
    const items = findings.map(finding => {
      const cellId = connector.model.findingCellId(finding);
      const where = this._where(connector, finding);
      const item = actionItem(
        `jp-repro-finding jp-repro-finding-${finding.severity}`,
        `${where}, ${finding.rule}: ${finding.message}. Show the cell.`,
        cellId === null
          ? null
          : () => this._actions.jumpToCell(connector, cellId),
        [
          h('span', { className: 'jp-repro-finding-where', text: where }),
          h('span', { className: 'jp-repro-finding-rule', text: finding.rule }),
          h('span', {
            className: 'jp-repro-finding-message',
            text: finding.message
          })
        ],
        { rule: finding.rule, cellId: cellId ?? '' }
      );
      item.title = finding.hint ?? '';
      return item;
    });
    return section(
      'findings',
      `Findings (${findings.length})`,
      items.length > 0
        ? [h('ul', { className: 'jp-repro-list' }, items)]
        : [empty('None.')]
    );
  }

  private _verify(
    connector: NotebookConnector,
    job: IVerifyJob | null,
    error: string | null
  ): HTMLElement {
    const verdict =
      job?.state === 'done' ? (job.result?.verdict ?? null) : null;
    const outdated =
      job !== null && job.state !== 'running' && connector.model.verifyOutdated;
    const body: Node[] = [
      h('p', {
        className: `jp-repro-verdict${outdated ? ' jp-repro-outdated' : ''}`,
        text: describeVerify(job, error),
        data: {
          verdict: verdict ?? job?.state ?? 'none',
          outdated: String(outdated)
        }
      })
    ];
    const ranIn =
      job?.state === 'done' ? describeRanIn(job.result?.ran_in) : null;
    if (ranIn !== null) {
      body.push(
        h('p', {
          className: 'jp-repro-ran-in',
          text: ranIn,
          title: job?.result?.ran_in?.path ?? '',
          data: {
            rebuilt: String(job?.result?.ran_in?.rebuilt_from_lock ?? false)
          }
        })
      );
    }
    if (outdated) {
      body.push(
        h('p', {
          className: 'jp-repro-outdated-note',
          text: 'Outdated: cells, their runs or the inputs changed since this verify. Verify again.'
        })
      );
    }
    const result = job?.state === 'done' ? job.result : null;
    const facts = [
      result?.failure ? `execution failed: ${result.failure}` : null,
      ...(result?.inputs ?? [])
        .filter(i => i.status !== 'same')
        .map(i => `input ${i.path}: ${i.status}`),
      ...(result?.environment ?? [])
        .filter(e => e.status !== 'same')
        .map(
          e =>
            `package ${e.distribution}: ${e.locked ?? '?'} → ${e.current ?? 'not installed'}`
        ),
      ...(result?.notes ?? []).map(n => `note: ${n}`)
    ].filter((line): line is string => line !== null);
    if (facts.length > 0) {
      body.push(
        h(
          'ul',
          { className: 'jp-repro-list jp-repro-verify-facts' },
          facts.map(text => h('li', { text }))
        )
      );
    }
    const cells = (result?.cells ?? []).filter(c => c.status !== 'same');
    if (cells.length > 0) {
      body.push(
        h(
          'ul',
          { className: 'jp-repro-list' },
          cells.map(c =>
            actionItem(
              'jp-repro-verify-cell',
              `cell ${c.cell + 1}: ${c.status}. Show the cell.`,
              () => this._actions.jumpToIndex(connector, c.cell),
              [
                h('span', {
                  className: 'jp-repro-finding-where',
                  text: `cell ${c.cell + 1}`
                }),
                h('span', {
                  className: 'jp-repro-finding-rule',
                  text: c.nondeterministic
                    ? `${c.status} (nondeterministic)`
                    : c.status
                }),
                ...(c.causes ?? []).map(cause =>
                  h('span', {
                    className: 'jp-repro-finding-message',
                    text: cause
                  })
                ),
                c.diff
                  ? h('pre', { className: 'jp-repro-diff', text: c.diff })
                  : null
              ]
            )
          )
        )
      );
    }
    return section('verify', 'Verify', body);
  }

  /** Stale or fresh and why, the neighbours as a small graph, the runs and a comparison. */
  private _pipeline(connector: NotebookConnector): HTMLElement {
    const model = connector.model;
    const lineage = model.lineage;
    if (lineage === null) {
      return section('pipeline', 'Pipeline', [
        empty(
          model.lineageError === null
            ? 'Loading…'
            : `Not in a pipeline yet: ${model.lineageError}`
        )
      ]);
    }
    const stale = lineage.state === 'stale';
    const body: Node[] = [
      h('p', {
        className: `jp-repro-pipeline-state${stale ? ' jp-repro-file-warning' : ''}`,
        text: stale
          ? '⚠ stale: rerun it (jupyter-repro repro) to bring its outputs up to date'
          : 'fresh: its code, inputs and upstream notebooks match its lock',
        data: { state: lineage.state }
      })
    ];
    if (lineage.reasons.length > 0) {
      body.push(
        h(
          'ul',
          { className: 'jp-repro-list jp-repro-pipeline-reasons' },
          lineage.reasons.map(r =>
            h('li', { text: describeReason(r), data: { kind: r.kind } })
          )
        )
      );
    }
    body.push(this._graph(lineage), ...this._runs(connector, lineage));
    return section('pipeline', `Pipeline (${lineage.state})`, body);
  }

  /** Upstream notebooks, this one, downstream ones: top to bottom, joined by lines. */
  private _graph(lineage: ILineage): HTMLElement {
    const layer = (
      name: string,
      nodes: ILineageNeighbour[],
      what: string
    ): HTMLElement | null =>
      nodes.length === 0
        ? null
        : h(
            'ul',
            {
              className: `jp-repro-graph-layer jp-repro-graph-${name}`,
              data: { layer: name }
            },
            nodes.map(n => this._graphNode(n, what))
          );
    const link = (present: boolean, name: string): HTMLElement | null =>
      present
        ? h('div', {
            className: 'jp-repro-graph-link',
            data: { link: name }
          })
        : null;
    const upstream = lineage.upstream.length > 0;
    const downstream = lineage.downstream.length > 0;
    const graph = h(
      'div',
      { className: 'jp-repro-graph', data: { graph: 'lineage' } },
      [
        layer('upstream', lineage.upstream, 'writes'),
        link(upstream, 'upstream'),
        h('div', {
          className: 'jp-repro-graph-node jp-repro-graph-current',
          text: lineage.notebook,
          title: 'This notebook',
          data: { state: lineage.state }
        }),
        link(downstream, 'downstream'),
        layer('downstream', lineage.downstream, 'reads')
      ]
    );
    graph.setAttribute(
      'aria-label',
      `${plural(lineage.upstream.length, 'upstream notebook')}, ${plural(lineage.downstream.length, 'downstream notebook')}`
    );
    if (!upstream && !downstream) {
      graph.appendChild(
        empty('No other notebook writes its inputs or reads its outputs.')
      );
    }
    return graph;
  }

  private _graphNode(node: ILineageNeighbour, what: string): HTMLElement {
    const apiPath = node.api_path;
    const files = node.files.join(', ');
    const item = actionItem(
      `jp-repro-graph-node jp-repro-graph-${node.state}`,
      `${node.notebook}, ${node.state}, ${what} ${files}. Open it.`,
      apiPath === null ? null : () => this._actions.openNotebook(apiPath),
      [
        h('span', {
          className: 'jp-repro-graph-name',
          text: node.notebook
        }),
        h('span', {
          className: 'jp-repro-graph-state',
          text: node.state
        }),
        h('span', {
          className: 'jp-repro-graph-files',
          text: `${what} ${files}`,
          title: node.files.join('\n')
        })
      ],
      { notebook: node.notebook, state: node.state }
    );
    item.title =
      apiPath === null ? 'Outside the server root: cannot be opened here' : '';
    return item;
  }

  private _runs(connector: NotebookConnector, lineage: ILineage): Node[] {
    const model = connector.model;
    if (lineage.runs.length === 0) {
      return [
        h('h4', { className: 'jp-repro-subtitle', text: 'Runs' }),
        empty('No runs recorded yet: run, verify or repro records one.')
      ];
    }
    const selected = model.selectedRuns;
    const items = lineage.runs.map(run => {
      const checked = selected.includes(run.id);
      const item = actionItem(
        `jp-repro-run${checked ? ' jp-repro-run-selected' : ''}`,
        `run ${run.id}, ${run.command}, ${run.verdict}. Select to compare.`,
        () => connector.selectRun(run.id),
        [
          h('span', {
            className: 'jp-repro-run-when',
            text: `${run.started.replace('T', ' ').slice(0, 19)} · ${run.command}`
          }),
          h('span', {
            className: 'jp-repro-run-verdict',
            text: `${run.verdict} · ${run.seconds.toFixed(1)} s`
          }),
          h('span', {
            className: 'jp-repro-run-metrics',
            text: describeMetrics(run)
          })
        ],
        { run: run.id, selected: String(checked) }
      );
      item.setAttribute('role', 'checkbox');
      item.setAttribute('aria-checked', String(checked));
      return item;
    });
    const parts: Node[] = [
      h('h4', {
        className: 'jp-repro-subtitle',
        text: `Runs (${lineage.runs.length}): select two to compare`
      }),
      h('ul', { className: 'jp-repro-list jp-repro-runs' }, items)
    ];
    const comparison = this._comparison(
      model.comparison,
      model.comparisonError
    );
    if (comparison !== null) {
      parts.push(comparison);
    } else if (selected.length === 2) {
      parts.push(empty('Comparing…'));
    }
    return parts;
  }

  private _comparison(
    comparison: IRunComparison | null,
    error: string | null
  ): HTMLElement | null {
    if (error !== null) {
      return h('p', {
        className: 'jp-repro-compare jp-repro-file-warning',
        text: `compare failed: ${error}`,
        data: { compare: 'error' }
      });
    }
    if (comparison === null) {
      return null;
    }
    const differing = (comparison.cells ?? []).filter(
      c => c.status === 'differs' || c.status === 'error'
    );
    const same = comparison.differences.length === 0 && differing.length === 0;
    const rows = comparison.differences.map(d =>
      h('tr', { data: { section: d.section } }, [
        h('td', { text: d.section }),
        h('td', { text: d.name }),
        h('td', { text: describeValue(d.a), title: describeValue(d.a) }),
        h('td', { text: describeValue(d.b), title: describeValue(d.b) })
      ])
    );
    return h(
      'div',
      {
        className: 'jp-repro-compare',
        data: { compare: same ? 'same' : 'differs' }
      },
      [
        h('p', {
          className: 'jp-repro-compare-title',
          text: `a: ${comparison.a.id} (${comparison.a.command}) · b: ${comparison.b.id} (${comparison.b.command})`
        }),
        same ? empty('The two runs are the same.') : null,
        rows.length > 0
          ? h(
              'table',
              { className: 'jp-repro-packages jp-repro-compare-table' },
              [
                h('tr', {}, [
                  h('th', { text: 'section' }),
                  h('th', { text: 'what' }),
                  h('th', { text: 'a' }),
                  h('th', { text: 'b' })
                ]),
                ...rows
              ]
            )
          : null,
        comparison.cells === null
          ? empty('Outputs not compared: an executed notebook is gone.')
          : null,
        ...differing.map(c =>
          h(
            'div',
            {
              className: 'jp-repro-compare-cell',
              data: { cell: String(c.cell) }
            },
            [
              h('span', {
                className: 'jp-repro-finding-where',
                text: `cell ${c.cell + 1}: ${c.status}`
              }),
              c.diff
                ? h('pre', {
                    className: 'jp-repro-diff',
                    text: runDiff(c.diff)
                  })
                : null
            ]
          )
        )
      ]
    );
  }

  private _inputRow(row: IInputRow): HTMLElement {
    const warn = row.status !== 'ok';
    return h(
      'li',
      {
        className: `jp-repro-file${warn ? ' jp-repro-file-warn' : ''}`,
        data: { status: row.status }
      },
      [
        h('span', {
          className: 'jp-repro-file-path',
          text: row.path,
          title: row.path
        }),
        h('span', {
          className: 'jp-repro-file-meta',
          text: [
            formatSize(row.size),
            shortHash(row.hash),
            cellsText(row.cells),
            row.locked ? 'locked' : 'read, not locked yet'
          ]
            .filter(Boolean)
            .join(' · ')
        }),
        warn
          ? h('span', {
              className: 'jp-repro-file-warning',
              text: `⚠ ${row.detail}`
            })
          : null
      ]
    );
  }

  private _inputs(status: IServerStatus | null): HTMLElement {
    const rows = status?.inputs ?? [];
    return section(
      'inputs',
      `Inputs (${rows.length})`,
      rows.length > 0
        ? [
            h(
              'ul',
              { className: 'jp-repro-list' },
              rows.map(r => this._inputRow(r))
            )
          ]
        : [
            empty(
              'No inputs recorded yet: run the cells that read data, then save.'
            )
          ]
    );
  }

  private _outputs(status: IServerStatus | null): HTMLElement {
    const rows = status?.outputs ?? [];
    return section(
      'outputs',
      `Outputs written (${rows.length})`,
      rows.length > 0
        ? [
            h(
              'ul',
              { className: 'jp-repro-list' },
              rows.map(r =>
                h('li', { className: 'jp-repro-file' }, [
                  h('span', {
                    className: 'jp-repro-file-path',
                    text: r.path,
                    title: r.path
                  }),
                  h('span', {
                    className: 'jp-repro-file-meta',
                    text: [
                      formatSize(r.size),
                      shortHash(r.hash),
                      cellsText(r.cells)
                    ]
                      .filter(Boolean)
                      .join(' · ')
                  })
                ])
              )
            )
          ]
        : [empty('No files written.')]
    );
  }

  private _environment(status: IServerStatus | null): HTMLElement {
    const env = status?.environment;
    if (env === undefined) {
      return section('environment', 'Environment', [empty('Unknown.')]);
    }
    const python = [env.implementation, env.python, env.platform]
      .filter(Boolean)
      .join(' ');
    const drifted = env.packages.filter(
      p => p.status === 'changed' || p.status === 'missing'
    );
    const rows = env.packages.map(p =>
      h(
        'tr',
        {
          className: `jp-repro-package jp-repro-package-${p.status}`,
          data: { status: p.status }
        },
        [
          h('td', { text: p.name }),
          h('td', {
            text: p.now ?? (p.status === 'missing' ? 'not installed' : '?')
          }),
          h('td', {
            text:
              p.status === 'changed' || p.status === 'missing'
                ? `⚠ locked ${p.locked ?? '?'}`
                : p.status === 'new'
                  ? 'not locked yet'
                  : ''
          })
        ]
      )
    );
    return section('environment', 'Environment', [
      h('p', {
        className: 'jp-repro-env-python',
        text: python
          ? `Python: ${python}`
          : 'Python: unknown (no journal from the kernel yet)'
      }),
      h('p', {
        className: `jp-repro-env-drift${drifted.length > 0 ? ' jp-repro-file-warning' : ''}`,
        text:
          drifted.length > 0
            ? `⚠ ${plural(drifted.length, 'distribution')} drifted from the lock`
            : env.known
              ? 'No drift against the lock.'
              : 'Installed versions unknown until the kernel writes its journal.'
      }),
      rows.length > 0
        ? h('table', { className: 'jp-repro-packages' }, rows)
        : empty('No imported distributions recorded.')
    ]);
  }

  private _history(connector: NotebookConnector): HTMLElement {
    const history = connector.model.history;
    const rows = history?.snapshots ?? [];
    return section(
      'history',
      `Snapshots (${history?.total ?? 0})`,
      rows.length > 0
        ? [
            h(
              'ul',
              { className: 'jp-repro-list' },
              rows.map(row =>
                h(
                  'li',
                  {
                    className: 'jp-repro-snapshot',
                    data: { snapshot: row.id }
                  },
                  [
                    h('span', {
                      className: 'jp-repro-snapshot-time',
                      text: `${row.time} · ${row.id}`
                    }),
                    h('span', {
                      className: 'jp-repro-snapshot-summary',
                      text: row.summary,
                      title: row.changes.join('\n')
                    }),
                    this._onRemote(row.on_remote, history?.remote),
                    button(
                      'Restore inputs',
                      () => this._actions.restore(connector, row.id),
                      {
                        action: 'restore',
                        disabled: row.inputs === 0,
                        title: `Put back the ${plural(row.inputs, 'input')} of this snapshot from the store`
                      }
                    )
                  ]
                )
              )
            )
          ]
        : [empty('No snapshots yet: each save that changes the lock adds one.')]
    );
  }

  private _onRemote(
    onRemote: boolean | null | undefined,
    remote: IHistoryRemote | null | undefined
  ): HTMLElement | null {
    const text = describeOnRemote(onRemote, remote);
    if (text === null) {
      return null;
    }
    const state =
      onRemote === true ? 'yes' : onRemote === false ? 'no' : 'unknown';
    return h('span', {
      className: `jp-repro-snapshot-remote jp-repro-snapshot-remote-${state}`,
      text,
      title: remote?.error ?? '',
      data: { onRemote: state }
    });
  }

  private _pair(
    connector: NotebookConnector,
    status: IServerStatus | null
  ): HTMLElement {
    const pair = status?.pair;
    const state = connector.model.pairState;
    return section('pair', 'Paired script', [
      h('p', {
        className: 'jp-repro-pair-state',
        text: pair?.path ? `${pair.path}: ${state}` : state,
        data: { state: state.replace(/ /g, '-') }
      }),
      h('div', { className: 'jp-repro-actions' }, [
        button('Pair', () => this._actions.pair(connector), {
          action: 'pair',
          disabled: Boolean(pair?.path)
        }),
        button('Sync', () => this._actions.sync(connector), {
          action: 'sync',
          disabled: !pair?.path
        })
      ])
    ]);
  }

  private _connector: NotebookConnector | null = null;
}
