import { ICellSnapshot } from './api';

/**
 * The cells to send: those whose source the server already has from this client go
 * without it. `sent` maps cell ids to the sources the server last received.
 */
export function cellsToSend(
  cells: readonly ICellSnapshot[],
  sent: ReadonlyMap<string, string>
): ICellSnapshot[] {
  return cells.map(cell =>
    cell.source !== undefined && sent.get(cell.id) === cell.source
      ? withoutSource(cell)
      : cell
  );
}

function withoutSource(cell: ICellSnapshot): ICellSnapshot {
  const known: ICellSnapshot = { ...cell };
  delete known.source;
  return known;
}
