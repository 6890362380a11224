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
      ? {
          id: cell.id,
          cell_type: cell.cell_type,
          execution_count: cell.execution_count,
          tags: cell.tags
        }
      : cell
  );
}
