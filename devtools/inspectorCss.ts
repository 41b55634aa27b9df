/** Inspector tabs, tree, diff and sync. */
export const inspectorCss = `
.sd-inspector { display: flex; flex-direction: column; min-height: 0; min-width: 0; }
.sd-tabs { display: flex; gap: 2px; padding: 0 8px; border-bottom: 1px solid var(--sd-border); background: var(--sd-surface); overflow-x: auto; flex: none; }
.sd-tab { border: 0; background: none; padding: 7px 9px 6px; cursor: pointer; color: var(--sd-muted); border-bottom: 2px solid transparent; white-space: nowrap; font-weight: 550; }
.sd-tab[aria-selected="true"] { color: var(--sd-accent); border-bottom-color: var(--sd-accent); }
.sd-tab:hover { color: var(--sd-text); }
.sd-tabpanel { flex: 1; min-height: 0; overflow: auto; }
.sd-tree { padding: 6px 8px 12px; font-family: var(--sd-mono); font-size: 11.5px; }
.sd-tree ul { list-style: none; margin: 0; padding: 0 0 0 14px; }
.sd-tree > ul { padding-left: 0; }
.sd-node { display: flex; align-items: center; gap: 4px; min-height: 20px; border-radius: 3px; padding-right: 4px; }
.sd-node:hover { background: var(--sd-surface); }
.sd-node.sd-watched { background: var(--sd-warn-soft); }
.sd-node.sd-match .sd-key { background: var(--sd-warn-soft); border-radius: 2px; }
.sd-twisty { width: 14px; height: 14px; border: 0; padding: 0; background: none; cursor: pointer; color: var(--sd-faint); flex: none; display: inline-flex; align-items: center; justify-content: center; }
.sd-twisty svg { transition: transform .12s; }
.sd-twisty[aria-expanded="true"] svg { transform: rotate(90deg); }
.sd-key { color: var(--sd-accent); }
.sd-val-string { color: var(--sd-ok); } .sd-val-number { color: var(--sd-warn); }
.sd-val-boolean, .sd-val-null, .sd-val-undefined { color: var(--sd-reject); }
.sd-val-summary { color: var(--sd-muted); }
.sd-node-actions { margin-left: auto; display: none; gap: 2px; }
.sd-node:hover .sd-node-actions, .sd-node:focus-within .sd-node-actions { display: inline-flex; }
.sd-mini { height: 18px; padding: 0 5px; font-size: 10px; border: 1px solid var(--sd-border); border-radius: 3px; background: var(--sd-raised); cursor: pointer; font-family: var(--sd-sans); }
.sd-tree-bar { display: flex; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--sd-border); position: sticky; top: 0; background: var(--sd-bg); z-index: 1; }
.sd-tree-bar .sd-input { flex: 1; }
.sd-diff-bar { display: flex; gap: 6px; align-items: center; padding: 6px 8px; border-bottom: 1px solid var(--sd-border); flex-wrap: wrap; }
.sd-diff-bar .sd-input { width: 58px; }
.sd-diff-side { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.sd-segmented { display: inline-flex; white-space: nowrap; }
.sd-segmented .sd-btn:first-child { border-top-right-radius: 0; border-bottom-right-radius: 0; }
.sd-segmented .sd-btn:last-child { border-top-left-radius: 0; border-bottom-left-radius: 0; margin-left: -1px; }
.sd-changes { list-style: none; margin: 0; padding: 4px 0; }
.sd-change { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 2px 8px; padding: 5px 10px; border-bottom: 1px solid var(--sd-border); }
.sd-change-path { font-family: var(--sd-mono); font-size: 11.5px; font-weight: 600; overflow-wrap: anywhere; }
.sd-change-vals { grid-column: 2; font-family: var(--sd-mono); font-size: 11px; display: flex; gap: 6px; flex-wrap: wrap; align-items: baseline; }
.sd-old { color: var(--sd-error); text-decoration: line-through; background: var(--sd-error-soft); padding: 0 3px; border-radius: 2px; overflow-wrap: anywhere; }
.sd-new { color: var(--sd-ok); background: var(--sd-ok-soft); padding: 0 3px; border-radius: 2px; overflow-wrap: anywhere; }
.sd-paths { display: flex; flex-wrap: wrap; gap: 4px; }
.sd-chip { border: 1px solid var(--sd-border); background: var(--sd-raised); border-radius: 10px; padding: 1px 8px; cursor: pointer; font-family: var(--sd-mono); font-size: 11px; }
.sd-chip[aria-pressed="true"] { border-color: var(--sd-touch); background: var(--sd-warn-soft); }
.sd-table { width: 100%; border-collapse: collapse; }
.sd-table th, .sd-table td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--sd-border); white-space: nowrap; }
.sd-table th { white-space: normal; font-size: 10.5px; color: var(--sd-muted); font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.sd-table td.sd-wrap { white-space: normal; overflow-wrap: anywhere; }
.sd-probes { display: flex; flex-wrap: wrap; gap: 3px; margin-top: 6px; }
.sd-probe { font-family: var(--sd-mono); font-size: 10.5px; padding: 0 4px; border-radius: 3px; background: var(--sd-error-soft); color: var(--sd-error); }
.sd-probe.sd-eq { background: var(--sd-ok-soft); color: var(--sd-ok); }
`
