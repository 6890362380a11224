import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ICellSnapshot,
  IFinding,
  IServerStatus,
  IVerifyJob,
  KernelTracking
} from '../src/api';
import { cellsToSend } from '../src/cells';
import { RunPairing } from '../src/runs';
import {
  NotebookReproModel,
  describeOnRemote,
  describeRanIn,
  describeReason,
  describeVerify,
  formatSize,
  markersFor,
  pairStateOf,
  shortHash,
  summarize
} from '../src/model';

const TRACKED: KernelTracking = {
  kind: 'tracked',
  version: '0.1.0',
  missedRuns: 0
};

function status(extra: Partial<IServerStatus> = {}): IServerStatus {
  return {
    version: '0.1.0',
    path: 'air-quality/analysis.ipynb',
    project_root: '/project',
    locked: false,
    findings: [],
    journal: { runs: 3, complete: true, incomplete: [], kernel_id: 'k1' },
    ...extra
  };
}

function finding(
  rule: string,
  cell: number | null,
  severity: 'error' | 'warning' = 'error'
): IFinding {
  return { rule, cell, severity, message: `${rule} in ${cell}` };
}

function job(extra: Partial<IVerifyJob>): IVerifyJob {
  return {
    id: 'abc',
    path: 'nb.ipynb',
    state: 'running',
    elapsed: 3.2,
    progress: { done: null, total: null },
    result: null,
    message: null,
    exit_code: null,
    ...extra
  };
}

describe('the status item summary', () => {
  it('is reproducible for a tracked kernel with a complete journal and no findings', () => {
    const summary = summarize(TRACKED, status(), null);
    assert.equal(summary.kind, 'reproducible');
    assert.equal(summary.label, 'repro: ok');
    assert.match(summary.detail, /3 cell runs journaled; no lock yet/);
  });

  it('counts findings, red when any is an error', () => {
    const summary = summarize(
      TRACKED,
      status({
        findings: [
          finding('out-of-order', 3),
          finding('stale-cell', 5, 'warning')
        ]
      }),
      null
    );
    assert.equal(summary.kind, 'findings');
    assert.equal(summary.label, 'repro: 2 findings');
    assert.match(
      summary.detail,
      /^1 error, 1 warning: out-of-order, stale-cell; 3 cell runs journaled$/
    );
  });

  it('is amber, not red, when every finding is a warning', () => {
    const summary = summarize(
      TRACKED,
      status({ findings: [finding('count-gap', 2, 'warning')] }),
      null
    );
    assert.equal(summary.kind, 'warnings');
    assert.equal(summary.label, 'repro: 1 finding');
  });

  it('says so when strict enforcement is broken', () => {
    const summary = summarize(
      TRACKED,
      status({ enforce: 'strict', findings: [finding('hidden-state', 1)] }),
      null
    );
    assert.match(summary.detail, /strict/);
  });

  it('is not tracked when the kernel cannot load the extension', () => {
    const summary = summarize(
      { kind: 'missing', reason: 'not installed in this kernel' },
      status(),
      null
    );
    assert.equal(summary.kind, 'untracked');
    assert.equal(summary.label, 'repro: not tracked');
    assert.equal(summary.detail, 'not installed in this kernel');
  });

  it('is incomplete when the journal says some reads could not be attributed', () => {
    const summary = summarize(
      TRACKED,
      status({
        journal: {
          runs: 2,
          complete: false,
          incomplete: ['a child process read files'],
          kernel_id: 'k1'
        }
      }),
      null
    );
    assert.equal(summary.kind, 'incomplete');
    assert.equal(summary.detail, 'a child process read files');
  });

  it('is incomplete when cells ran before tracking started', () => {
    const summary = summarize({ ...TRACKED, missedRuns: 2 }, status(), null);
    assert.equal(summary.kind, 'incomplete');
    assert.match(
      summary.detail,
      /2 cell runs happened before tracking started/
    );
  });

  it('findings outrank incomplete tracking', () => {
    const summary = summarize(
      { ...TRACKED, missedRuns: 1 },
      status({ findings: [finding('out-of-order', 2)] }),
      null
    );
    assert.equal(summary.kind, 'findings');
  });

  it('waits while the session opens and while the kernel starts or restarts', () => {
    assert.equal(summarize(null, status(), null, 'unknown').kind, 'checking');
    assert.equal(summarize(null, status(), null, 'starting').kind, 'checking');
    assert.equal(summarize(null, null, null, 'none').kind, 'checking');
  });

  it('judges a notebook without a kernel from its saved cells alone', () => {
    const summary = summarize(null, status(), null, 'none');
    assert.equal(summary.kind, 'reproducible');
    assert.match(summary.detail, /no kernel/);
  });

  it('shows errors from the server and from the save hook', () => {
    assert.equal(
      summarize(TRACKED, status(), 'server unreachable').kind,
      'error'
    );
    const saved = summarize(TRACKED, status({ save_error: 'disk full' }), null);
    assert.equal(saved.kind, 'error');
    assert.equal(saved.detail, 'disk full');
  });

  it('accepts an older server that sends only the first fields', () => {
    const old: IServerStatus = {
      version: '0.0.1',
      path: 'nb.ipynb',
      project_root: '/',
      locked: true
    };
    const summary = summarize(TRACKED, old, null);
    assert.equal(summary.kind, 'reproducible');
    assert.match(summary.detail, /locked/);
  });
});

function code(
  id: string,
  source: string,
  count: number | null = null
): ICellSnapshot {
  return { id, cell_type: 'code', source, execution_count: count, tags: [] };
}

describe('cell markers', () => {
  it('mark only the rules about execution state and randomness, one marker per cell id', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const markers = markersFor(
      [
        finding('out-of-order', 3),
        finding('stale-cell', 3, 'warning'),
        finding('unseeded-random', 4, 'warning'),
        finding('absolute-path', 5),
        finding('hidden-state', null),
        finding('hidden-state', 6)
      ],
      ids
    );
    assert.deepEqual(Array.from(markers.keys()).sort(), ['d', 'e', 'g']);
    const d = markers.get('d');
    assert.ok(d);
    assert.deepEqual(d.rules, ['out-of-order', 'stale-cell']);
    assert.equal(d.severity, 'error');
    assert.equal(
      d.tooltip,
      'out-of-order: out-of-order in 3\nstale-cell: stale-cell in 3'
    );
  });

  it("follow the server's cell id over the index", () => {
    const moved = { ...finding('hidden-state', 1), cell_id: 'x' };
    assert.deepEqual(Array.from(markersFor([moved], ['a', 'b']).keys()), ['x']);
  });

  it('put the worst severity first whatever the order of the findings', () => {
    const markers = markersFor(
      [finding('edited-after-run', 1, 'warning'), finding('hidden-state', 1)],
      ['a', 'b']
    );
    assert.equal(markers.get('b')?.severity, 'error');
    assert.deepEqual(markers.get('b')?.rules, [
      'hidden-state',
      'edited-after-run'
    ]);
  });

  it('stay on their cell when a cell above is deleted', () => {
    const model = new NotebookReproModel();
    model.setServerStatus(status({ findings: [finding('hidden-state', 2)] }), [
      code('a', 'x = 1'),
      code('b', 'y = 2'),
      code('c', 'print(x)')
    ]);
    assert.deepEqual(Array.from(model.markers.keys()), ['c']);
    assert.equal(model.findingCellId(model.findings[0]), 'c');
  });
});

describe('the cells sent to the server', () => {
  it('leave out the sources the server already has and keep everything else', () => {
    const sent = new Map([
      ['a', 'x = 1'],
      ['b', 'old']
    ]);
    const cells = cellsToSend(
      [code('a', 'x = 1', 4), code('b', 'new', 5), code('c', 'z')],
      sent
    );
    assert.deepEqual(cells[0], {
      id: 'a',
      cell_type: 'code',
      execution_count: 4,
      tags: []
    });
    assert.equal(cells[1].source, 'new');
    assert.equal(cells[2].source, 'z');
    const failed = {
      ...code('d', 'print(y)', 6),
      error: "NameError: name 'y' is not defined"
    };
    assert.deepEqual(cellsToSend([failed], new Map([['d', 'print(y)']]))[0], {
      id: 'd',
      cell_type: 'code',
      execution_count: 6,
      tags: [],
      error: "NameError: name 'y' is not defined"
    });
  });
});

describe('one status request per cell run', () => {
  it('waits for the journal line after JupyterLab saw the run finish', () => {
    const runs = new RunPairing();
    assert.equal(runs.executed(), 'wait');
    assert.equal(runs.unmatched, true);
    assert.equal(runs.journaled(), 'refresh');
    assert.equal(runs.unmatched, false);
  });

  it('waits for JupyterLab when the journal line comes first', () => {
    const runs = new RunPairing();
    assert.equal(runs.journaled(), 'wait');
    assert.equal(runs.executed(), 'refresh');
    assert.equal(runs.unmatched, false);
  });

  it('pairs the runs of a Run All one by one', () => {
    const runs = new RunPairing();
    const steps = [
      runs.executed(),
      runs.journaled(),
      runs.journaled(),
      runs.executed()
    ];
    assert.deepEqual(steps, ['wait', 'refresh', 'wait', 'refresh']);
  });

  it('asks at once without a comm, and leaves lone events to the grace period', () => {
    const runs = new RunPairing();
    assert.equal(runs.executed(false), 'refresh');
    assert.equal(runs.unmatched, false);
    runs.executed(); // an empty cell: the kernel never sees it
    assert.equal(runs.unmatched, true);
    runs.reset();
    assert.equal(runs.unmatched, false);
  });
});

describe('the paired script', () => {
  const outOfSync = status({
    pair: {
      path: 'nb.py',
      in_sync: false,
      declared: true,
      error: null,
      format: 'py:percent'
    },
    findings: [finding('pair-out-of-sync', null)]
  });

  it('will sync on save while the notebook has unsaved edits, and is then no finding', () => {
    assert.equal(pairStateOf(outOfSync, true), 'will sync on save');
    assert.equal(pairStateOf(outOfSync, false), 'out of sync');
    const model = new NotebookReproModel();
    model.setTracking(TRACKED);
    model.setServerStatus(outOfSync);
    assert.equal(model.summary.kind, 'findings');
    model.setDirty(true);
    assert.deepEqual(model.findings, []);
    assert.equal(model.summary.label, 'repro: ok');
    assert.equal(model.pairState, 'will sync on save');
    model.setDirty(false); // saved: the answer from before the save is not the last word
    assert.equal(model.pairState, 'will sync on save');
    model.setServerStatus(status({ locked: true }));
    assert.equal(model.pairState, 'not paired');
  });

  it('is not paired without a path, and says why it cannot be read', () => {
    assert.equal(pairStateOf(status(), false), 'not paired');
    const broken = status({
      pair: {
        path: 'nb.py',
        in_sync: null,
        declared: true,
        error: 'bad header',
        format: 'py'
      }
    });
    assert.equal(pairStateOf(broken, true), 'cannot read: bad header');
  });
});

describe('the verify line', () => {
  it('follows a job from progress to verdict', () => {
    assert.match(
      describeVerify(job({})),
      /rerunning from scratch in a fresh kernel… 3 s$/
    );
    assert.match(
      describeVerify(job({ progress: { done: 2, total: 7 } })),
      /cell 2 of 7/
    );
    const reproduced = job({
      state: 'done',
      result: {
        path: 'nb.ipynb',
        verdict: 'reproduced',
        cells: [{ cell: 1, status: 'same' }]
      }
    });
    assert.match(describeVerify(reproduced), /^reproduced: all 1 cell match/);
    const differs = job({
      state: 'done',
      result: {
        path: 'nb.ipynb',
        verdict: 'not-reproduced',
        cells: [
          { cell: 1, status: 'same' },
          { cell: 2, status: 'differs', diff: '-1\n+2' }
        ]
      }
    });
    assert.equal(describeVerify(differs), 'not reproduced: 1 cell differ');
  });

  it('says when there was nothing to compare, not that the notebook reproduced', () => {
    const nothing = job({
      state: 'done',
      result: { path: 'nb.ipynb', verdict: 'nothing-to-compare', cells: [] }
    });
    assert.match(describeVerify(nothing), /^nothing to compare: /);
  });

  it('says a clean-environment job is rerunning there, not in the current one', () => {
    assert.match(
      describeVerify(
        job({
          isolated: true,
          progress: { done: null, total: 7, phase: 'starting' }
        })
      ),
      /^rerunning in a clean environment… building it from the lock/
    );
  });

  it('names the environment a verify ran in', () => {
    assert.equal(describeRanIn(undefined), null);
    assert.equal(
      describeRanIn({ rebuilt_from_lock: false, interpreter: 'python3' }),
      'ran in: the current environment (kernel python3)'
    );
    assert.equal(
      describeRanIn({
        rebuilt_from_lock: true,
        interpreter: '/cache/env/bin/python',
        cache: 'hit',
        builder: 'uv'
      }),
      'ran in: an environment rebuilt from the lock, /cache/env/bin/python (cache hit, built with uv)'
    );
  });

  it('shows the kernel starting, then the cell that runs now', () => {
    assert.match(
      describeVerify(
        job({ progress: { done: null, total: 7, phase: 'starting' } })
      ),
      /starting a fresh kernel/
    );
    assert.match(
      describeVerify(
        job({ progress: { done: 2, total: 7, phase: 'running', running: 3 } })
      ),
      /running cell 3 of 7/
    );
  });

  it('is outdated once the cells, their runs or the inputs change after the job started', () => {
    const model = new NotebookReproModel();
    const cells = [code('a', 'x = 1', 1)];
    model.setServerStatus(status(), cells);
    model.setVerify(job({ id: 'j1' }));
    model.setVerify(job({ id: 'j1', state: 'done' }));
    model.setServerStatus(status({ locked: true }), cells); // the save's lock: same notebook
    assert.equal(model.verifyOutdated, false);
    model.setServerStatus(status({ locked: true }), [code('a', 'x = 1', 2)]); // ran again
    assert.equal(model.verifyOutdated, true);
    model.setVerify(job({ id: 'j2' })); // a new job judges the notebook as it is now
    assert.equal(model.verifyOutdated, false);
    const upgraded = status({
      locked: true,
      environment: {
        python: '3.11',
        implementation: 'CPython',
        platform: 'linux',
        locked_python: '3.11',
        packages: [
          { name: 'pandas', locked: '2.2', now: '3.0', status: 'changed' }
        ],
        drift: true,
        known: true
      }
    });
    model.setServerStatus(upgraded, [code('a', 'x = 1', 2)]); // a package was upgraded
    assert.equal(model.verifyOutdated, true);
  });

  it('reports a job that could not run, and a request that failed', () => {
    assert.equal(
      describeVerify(job({ state: 'failed', message: 'no kernel' })),
      'verify failed: no kernel'
    );
    assert.equal(
      describeVerify(null, 'forbidden'),
      'verify could not start: forbidden'
    );
    assert.equal(describeVerify(null), 'not verified in this session');
  });
});

describe('the notebook model', () => {
  it('signals every change and forgets the tracking of a restarting kernel', () => {
    const model = new NotebookReproModel();
    let changes = 0;
    model.changed.connect(() => {
      changes += 1;
    });
    model.setTracking(TRACKED);
    assert.equal(model.kernelPhase, 'ready');
    model.setServerStatus(status({ findings: [finding('out-of-order', 0)] }), [
      code('a', 'x')
    ]);
    assert.equal(model.markers.size, 1);
    model.setKernelPhase('starting');
    assert.equal(model.tracking, null);
    assert.equal(model.summary.kind, 'checking');
    model.setKernelPhase('starting'); // no change, no signal
    assert.equal(changes, 3);
  });

  it('ignores an answer equal to the last one (nothing re-renders)', () => {
    const model = new NotebookReproModel();
    let changes = 0;
    model.changed.connect(() => {
      changes += 1;
    });
    model.setServerStatus(status());
    model.setServerStatus(status());
    assert.equal(changes, 1);
    model.setServerStatus(status({ locked: true }));
    assert.equal(changes, 2);
  });

  it('clears a server error once the server answers again', () => {
    const model = new NotebookReproModel();
    model.setTracking(TRACKED);
    model.setError('unreachable');
    assert.equal(model.summary.kind, 'error');
    model.setServerStatus(status());
    assert.equal(model.summary.kind, 'reproducible');
  });

  it('breaks strict enforcement only with error findings under strict', () => {
    const model = new NotebookReproModel();
    model.setServerStatus(
      status({
        enforce: 'strict',
        findings: [finding('count-gap', 1, 'warning')]
      })
    );
    assert.equal(model.violatesStrict, false);
    model.setServerStatus(
      status({ enforce: 'warn', findings: [finding('out-of-order', 1)] })
    );
    assert.equal(model.violatesStrict, false);
    model.setServerStatus(
      status({ enforce: 'strict', findings: [finding('out-of-order', 1)] })
    );
    assert.equal(model.violatesStrict, true);
  });
});

describe('panel formatting', () => {
  it('prints sizes and short hashes people can compare', () => {
    assert.equal(formatSize(512), '512 B');
    assert.equal(formatSize(12345), '12.3 kB');
    assert.equal(formatSize(null), '?');
    assert.equal(shortHash('blake3:0123456789abcdef'), '0123456789');
    assert.equal(shortHash(null), '—');
  });
});

describe('a snapshot on the remote', () => {
  const origin = { name: 'origin', reachable: true, error: null };

  it('says nothing without a remote', () => {
    assert.equal(describeOnRemote(null, null), null);
    assert.equal(describeOnRemote(undefined, undefined), null);
  });

  it('says whether the inputs are there, or why it cannot tell', () => {
    assert.equal(describeOnRemote(true, origin), 'inputs on origin');
    assert.match(describeOnRemote(false, origin) ?? '', /not all on origin/);
    assert.equal(
      describeOnRemote(null, {
        name: 'origin',
        reachable: false,
        error: 'unreachable'
      }),
      'origin unknown: unreachable'
    );
  });
});

describe('runs chosen for comparison', () => {
  const lineage = (ids: string[]) => ({
    notebook: 'model.ipynb',
    state: 'fresh',
    reasons: [],
    upstream: [],
    downstream: [],
    inputs: [],
    outputs: [],
    runs: ids.map(id => ({
      id,
      command: 'run',
      verdict: 'ok',
      started: '2026-01-01T00:00:00+00:00',
      seconds: 1,
      metrics: {}
    }))
  });

  it('keeps the two chosen last, and a new choice drops the comparison shown', () => {
    const model = new NotebookReproModel();
    model.setLineage(lineage(['r1', 'r2', 'r3']));
    model.toggleRun('r1');
    model.toggleRun('r2');
    model.setComparison({
      a: run('r1'),
      b: run('r2'),
      differences: [],
      cells: []
    });
    model.toggleRun('r3');
    assert.deepEqual(model.selectedRuns, ['r2', 'r3']);
    assert.equal(model.comparison, null);
    model.toggleRun('r2');
    assert.deepEqual(model.selectedRuns, ['r3']);
  });

  it('forgets chosen runs the pipeline no longer lists', () => {
    const model = new NotebookReproModel();
    model.setLineage(lineage(['r1', 'r2']));
    model.toggleRun('r1');
    model.toggleRun('r2');
    model.setLineage(lineage(['r2']));
    assert.deepEqual(model.selectedRuns, ['r2']);
  });

  it('says why a notebook is stale in words', () => {
    assert.equal(
      describeReason({ kind: 'input-changed', detail: 'data/raw.csv' }),
      'input changed: data/raw.csv'
    );
  });

  function run(id: string) {
    return { id, command: 'run', verdict: 'ok', started: '' };
  }
});
