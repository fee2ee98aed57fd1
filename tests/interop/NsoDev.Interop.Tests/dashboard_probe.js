// Reads the Aspire dashboard's FluentUI data grids by their column titles (not by CSS classes or
// column positions), and records every state a resource row shows. Added as an init script by
// DashboardTests; everything it exposes lives under window.__nsodev.
window.__nsodev = (() => {
  const title = th => (th.querySelector('[col-title-text]')?.textContent ?? th.textContent).trim();

  const grids = () => [...document.querySelectorAll('table')].map(table => {
    const columns = new Map([...table.querySelectorAll(':scope > thead th')].map(th => [th.getAttribute('col-index'), title(th)]));
    const rows = [...table.querySelectorAll(':scope > tbody > tr, :scope > tr')].map(tr => {
      const cells = {};
      for (const td of tr.querySelectorAll(':scope > td')) {
        const column = columns.get(td.getAttribute('col-index'));
        if (column) {
          // Every URL of the cell, also those folded into "+1" (hidden, or in the overflow popover).
          const urls = [...td.querySelectorAll('a[title], span[title]')].map(e => e.title).filter(t => t.includes('://'));
          cells[column] = { text: td.innerText.trim(), urls: [...new Set(urls)] };
        }
      }
      return cells;
    });
    return { columns: [...columns.values()], rows };
  });

  // The Resources page's grid: the one with State and URLs columns.
  const resource = name => {
    const grid = grids().find(g => g.columns.includes('Name') && g.columns.includes('State') && g.columns.includes('URLs'));
    const row = grid?.rows.find(r => r.Name?.text === name);
    return row ? { state: row.State?.text ?? '', urls: row.URLs?.urls ?? [] } : null;
  };

  // The details pane's URLs grid: endpoint name -> address.
  const endpoints = () => {
    const grid = grids().find(g => g.columns.includes('Address') && g.columns.includes('Endpoint name'));
    return grid ? Object.fromEntries(grid.rows.map(r => [r['Endpoint name']?.text ?? '', r.Address?.text ?? ''])) : null;
  };

  // The details pane's URLs grid: endpoint name -> the URL's display text ('' when it has none).
  const linkTexts = () => {
    const grid = grids().find(g => g.columns.includes('Address') && g.columns.includes('Endpoint name'));
    return grid ? Object.fromEntries(grid.rows.map(r => [r['Endpoint name']?.text ?? '', r.Text?.text ?? ''])) : null;
  };

  // Every distinct state the row shows from now on, in order, however briefly it shows it.
  const record = name => {
    const seen = [];
    const read = () => {
      const state = resource(name)?.state ?? '(no row)';
      if (seen[seen.length - 1] !== state) {
        seen.push(state);
      }
    };
    read();
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    return seen;
  };

  const recordings = {};
  return {
    resource,
    endpoints,
    linkTexts,
    record: name => { recordings[name] = record(name); return [...recordings[name]]; },
    seen: name => [...(recordings[name] ?? [])],
  };
})();
