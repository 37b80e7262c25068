// biome-ignore-all lint/a11y/useSemanticElements: a virtualized grid positions rows absolutely, which <table> layout does not allow; ARIA grid roles on divs are the WAI-ARIA pattern for it
// biome-ignore-all lint/a11y/useFocusableInteractive: the grid element holds focus and moves the active row with the arrow keys (roving selection)
// biome-ignore-all lint/a11y/useKeyWithClickEvents: keyboard handling is on the grid element (↑/↓/Enter), not on each row
/**
 * The virtualized grid: TanStack Table for columns and visibility, TanStack Virtual for rows, so
 * only the rows on screen are in the DOM however many pages have been loaded. Scrolling near the
 * end loads the next keyset page. Keyboard: ↑/↓ move, Enter opens the details, Home/End.
 */
import {
  type ColumnDef,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type VisibilityState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import type { Rec } from '../lib/format.ts';
import type { Column } from '../views/types.ts';

const ROW_HEIGHT = 36;
const NO_ROWS: Rec[] = [];

interface Props {
  rows: Rec[];
  columns: readonly Column[];
  visibility: VisibilityState;
  active: number;
  onActive: (index: number) => void;
  onOpen: (index: number) => void;
  hasMore: boolean;
  loading: boolean;
  loadMore: () => void;
}

export function Grid({
  rows,
  columns,
  visibility,
  active,
  onActive,
  onOpen,
  hasMore,
  loading,
  loadMore,
}: Props) {
  const defs = useMemo<ColumnDef<Rec>[]>(
    () => columns.map((c) => ({ id: c.id, header: c.header, size: c.width })),
    [columns],
  );
  // The table holds the columns only (order, sizes, visibility): a row model over every loaded row
  // would be rebuilt, row by row, each time a page arrives (O(rows) per page); cells are rendered
  // for the visible rows alone, below.
  const table = useReactTable({
    data: NO_ROWS,
    columns: defs,
    state: { columnVisibility: visibility },
    getCoreRowModel: getCoreRowModel(),
  });
  const byId = useMemo(() => new Map(columns.map((c) => [c.id, c])), [columns]);
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtual.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;

  useEffect(() => {
    if (hasMore && !loading && lastIndex >= rows.length - 30) loadMore();
  }, [lastIndex, rows.length, hasMore, loading, loadMore]);

  const visibleColumns = table.getVisibleLeafColumns();
  const width = table.getVisibleLeafColumns().reduce((w, c) => w + c.getSize(), 0);

  const onKey = (e: React.KeyboardEvent) => {
    if (rows.length === 0) return;
    let next = active;
    if (e.key === 'ArrowDown') next = Math.min(rows.length - 1, active + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, active - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = rows.length - 1;
    else if (e.key === 'Enter' && active >= 0) {
      onOpen(active);
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    onActive(next);
    virtual.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div
      className="grid"
      ref={scroller}
      role="grid"
      aria-rowcount={rows.length}
      tabIndex={0}
      onKeyDown={onKey}
      data-testid="grid"
    >
      <div className="grid-head" role="row" style={{ width }}>
        {table.getHeaderGroups()[0]!.headers.map((h) => (
          <div key={h.id} role="columnheader" className="cell" style={{ width: h.getSize() }} data-col={h.id}>
            {flexRender(h.column.columnDef.header, h.getContext())}
          </div>
        ))}
      </div>
      <div style={{ height: virtual.getTotalSize(), width, position: 'relative' }}>
        {items.map((v) => {
          const row = rows[v.index]!;
          return (
            <div
              key={v.index}
              role="row"
              aria-rowindex={v.index + 1}
              aria-selected={v.index === active}
              className={`grid-row${v.index === active ? ' active' : ''}${v.index % 2 ? ' odd' : ''}`}
              style={{ transform: `translateY(${v.start}px)`, height: ROW_HEIGHT }}
              onClick={() => {
                onActive(v.index);
                onOpen(v.index);
              }}
            >
              {visibleColumns.map((column) => {
                const c = byId.get(column.id)!;
                return (
                  <div
                    key={column.id}
                    role="gridcell"
                    className="cell"
                    style={{ width: column.getSize() }}
                    data-col={column.id}
                  >
                    {c.cell ? c.cell(row) : c.value(row)}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
    </div>
  );
}
