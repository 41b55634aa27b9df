/** Shell, toolbar, scrubber and lanes. */
export const layoutCss = `
.sd-launcher {
  position: fixed; z-index: 99997; display: inline-flex; align-items: center; gap: 6px;
  height: 32px; padding: 0 12px 0 10px; border-radius: 16px; border: 1px solid var(--sd-border);
  background: var(--sd-raised); color: var(--sd-text); box-shadow: 0 4px 14px rgba(16,24,40,.18);
  cursor: pointer; font-weight: 600;
}
.sd-launcher[data-corner$="right"] { right: 16px; } .sd-launcher[data-corner$="left"] { left: 16px; }
.sd-launcher[data-corner^="bottom"] { bottom: 16px; } .sd-launcher[data-corner^="top"] { top: 16px; }
.sd-launcher-name { font-weight: 500; color: var(--sd-muted); white-space: pre; }
.sd-logo { width: 16px; height: 16px; flex: none; }
.sd-dock {
  /* Under Vite's error overlay (z-index 99999): a build error must stay readable. */
  position: fixed; z-index: 99998; display: flex; flex-direction: column;
  background: var(--sd-bg); box-shadow: var(--sd-shadow); border: 1px solid var(--sd-border);
}
.sd-dock[data-dock="bottom"] { left: 0; right: 0; bottom: 0; border-width: 1px 0 0; }
.sd-dock[data-dock="right"] { top: 0; right: 0; bottom: 0; border-width: 0 0 0 1px; }
.sd-resize { position: absolute; z-index: 2; background: transparent; }
.sd-resize:hover, .sd-resize:focus-visible { background: var(--sd-accent); opacity: 0.5; }
.sd-dock[data-dock="bottom"] .sd-resize { top: -3px; left: 0; right: 0; height: 6px; cursor: ns-resize; }
.sd-dock[data-dock="right"] .sd-resize { left: -3px; top: 0; bottom: 0; width: 6px; cursor: ew-resize; }
.sd-panel { display: flex; flex-direction: column; height: 100%; min-height: 0; position: relative; background: var(--sd-bg); }
.sd-toolbar {
  display: flex; align-items: center; gap: 8px; padding: 6px 10px; min-height: 38px;
  border-bottom: 1px solid var(--sd-border); background: var(--sd-surface); flex-wrap: wrap;
}
.sd-title { display: inline-flex; align-items: center; gap: 6px; font-weight: 650; font-size: 12.5px; margin-right: 4px; }
.sd-spacer { flex: 1; }
.sd-scrubber { display: flex; align-items: center; gap: 6px; padding: 6px 10px; border-bottom: 1px solid var(--sd-border); }
.sd-slider-wrap { position: relative; flex: 1; min-width: 120px; height: 26px; display: flex; align-items: center; }
.sd-slider { width: 100%; margin: 0; accent-color: var(--sd-accent); cursor: pointer; position: relative; z-index: 1; }
.sd-slider-earlier {
  position: absolute; left: 7px; top: 9px; height: 8px; border-radius: 4px; pointer-events: none;
  background: repeating-linear-gradient(135deg, var(--sd-border) 0 4px, transparent 4px 8px);
}
.sd-row.sd-earlier { color: var(--sd-faint); font-style: italic; }
.sd-marks { position: absolute; left: 7px; right: 7px; bottom: 0; height: 6px; pointer-events: none; }
.sd-mark { position: absolute; bottom: 0; width: 2px; height: 6px; border-radius: 1px; transform: translateX(-1px); }
.sd-mark.sd-m-error { background: var(--sd-error); } .sd-mark.sd-m-rejected { background: var(--sd-reject); }
.sd-mark.sd-m-skipped { background: var(--sd-faint); } .sd-mark.sd-m-hot { background: var(--sd-warn); height: 10px; width: 3px; }
.sd-position { font-variant-numeric: tabular-nums; min-width: 92px; text-align: right; color: var(--sd-muted); }
.sd-body { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 1fr) minmax(300px, 38%); }
.sd-dock[data-dock="right"] .sd-body { grid-template-columns: 1fr; grid-template-rows: minmax(0, 1fr) minmax(0, 1fr); }
.sd-lanes { display: flex; flex-direction: column; min-height: 0; min-width: 0; border-right: 1px solid var(--sd-border); }
.sd-dock[data-dock="right"] .sd-lanes { border-right: 0; border-bottom: 1px solid var(--sd-border); }
.sd-dock[data-dock="right"] .sd-time { display: none; }
.sd-filter { display: flex; gap: 6px; align-items: center; padding: 6px 10px; border-bottom: 1px solid var(--sd-border); }
.sd-filter .sd-input { flex: 1; }
.sd-lane-grid { flex: 1; min-height: 0; display: grid; grid-template-columns: minmax(0, 0.9fr) minmax(0, 1.25fr) minmax(0, 0.85fr); }
.sd-lane { display: flex; flex-direction: column; min-height: 0; min-width: 0; border-right: 1px solid var(--sd-border); }
.sd-lane:last-child { border-right: 0; }
.sd-lane-head {
  display: flex; align-items: center; justify-content: space-between; gap: 6px; height: 26px; padding: 0 10px;
  font-size: 11px; font-weight: 600; color: var(--sd-muted); text-transform: uppercase; letter-spacing: 0.04em;
  border-bottom: 1px solid var(--sd-border); background: var(--sd-surface);
}
.sd-lane-head .sd-count { font-weight: 500; text-transform: none; font-variant-numeric: tabular-nums; }
.sd-scroll { flex: 1; min-height: 0; overflow: auto; position: relative; outline: none; }
.sd-scroll:focus-visible { box-shadow: inset 0 0 0 2px var(--sd-accent); }
.sd-row {
  position: absolute; left: 0; right: 0; display: flex; align-items: center; gap: 6px; padding: 0 10px;
  white-space: nowrap; overflow: hidden; cursor: pointer; border-left: 3px solid transparent;
}
.sd-row:hover { background: var(--sd-surface); }
.sd-row.sd-future { color: var(--sd-faint); }
.sd-row.sd-related { background: var(--sd-related); }
.sd-row.sd-viewed { background: var(--sd-viewed); }
.sd-row.sd-active { background: var(--sd-select); border-left-color: var(--sd-accent); }
.sd-row.sd-touched { border-left-color: var(--sd-touch); }
.sd-row.sd-failed { color: var(--sd-error); }
.sd-row.sd-rejected { color: var(--sd-reject); }
.sd-row.sd-skipped .sd-type { text-decoration: line-through; opacity: 0.6; }
.sd-idx { color: var(--sd-faint); font-variant-numeric: tabular-nums; min-width: 34px; font-family: var(--sd-mono); font-size: 10.5px; }
.sd-type { font-weight: 550; overflow: hidden; text-overflow: ellipsis; flex: none; max-width: 55%; }
.sd-preview { color: var(--sd-muted); overflow: hidden; text-overflow: ellipsis; flex: 1; min-width: 0; font-family: var(--sd-mono); font-size: 11px; }
.sd-row.sd-future .sd-preview { color: var(--sd-faint); }
.sd-time { color: var(--sd-faint); font-variant-numeric: tabular-nums; font-size: 10.5px; flex: none; }
`
