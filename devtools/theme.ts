/**
 * The panel's colours, as custom properties on its root: one place to change a theme, and
 * nothing leaks to or from the host page (the panel lives in a shadow root).
 */
export const themeCss = `
:host { all: initial; }
.sd-root {
  --sd-bg: #ffffff; --sd-surface: #f6f7f9; --sd-raised: #ffffff; --sd-border: #e2e5ea;
  --sd-text: #1d2330; --sd-muted: #667085; --sd-faint: #98a2b3;
  --sd-accent: #4263eb; --sd-accent-soft: #e8edff; --sd-accent-text: #ffffff;
  --sd-select: #dbe4ff; --sd-related: #f1f4ff; --sd-viewed: #fff4d6;
  --sd-error: #d92d20; --sd-error-soft: #fdecea; --sd-warn: #b54708; --sd-warn-soft: #fef0c7;
  --sd-reject: #6941c6; --sd-reject-soft: #f0ebff; --sd-ok: #067647; --sd-ok-soft: #e3f8ec;
  --sd-touch: #f79009; --sd-shadow: 0 -8px 24px rgba(16, 24, 40, 0.12);
  --sd-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
  --sd-sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color-scheme: light;
}
.sd-root[data-theme="dark"] {
  --sd-bg: #14161b; --sd-surface: #1b1e25; --sd-raised: #22262e; --sd-border: #2e333d;
  --sd-text: #e4e7ec; --sd-muted: #98a2b3; --sd-faint: #667085;
  --sd-accent: #7a95ff; --sd-accent-soft: #252d4a; --sd-accent-text: #0c1020;
  --sd-select: #2f3a66; --sd-related: #232a45; --sd-viewed: #3a3320;
  --sd-error: #f97066; --sd-error-soft: #3b1f1d; --sd-warn: #fdb022; --sd-warn-soft: #3a2c12;
  --sd-reject: #b692f6; --sd-reject-soft: #2e2540; --sd-ok: #47cd89; --sd-ok-soft: #16301f;
  --sd-touch: #fdb022; --sd-shadow: 0 -8px 24px rgba(0, 0, 0, 0.5);
  color-scheme: dark;
}
.sd-root, .sd-root * { box-sizing: border-box; }
.sd-root {
  font: 12px/1.4 var(--sd-sans); color: var(--sd-text); -webkit-font-smoothing: antialiased;
  text-align: left; letter-spacing: normal;
}
.sd-root button, .sd-root input, .sd-root select { font: inherit; color: inherit; }
.sd-root :focus-visible { outline: 2px solid var(--sd-accent); outline-offset: -2px; }
.sd-mono { font-family: var(--sd-mono); font-size: 11.5px; }
.sd-muted { color: var(--sd-muted); }
.sd-btn {
  display: inline-flex; align-items: center; gap: 4px; height: 24px; padding: 0 8px;
  border: 1px solid var(--sd-border); border-radius: 5px; background: var(--sd-raised);
  cursor: pointer; white-space: nowrap;
}
.sd-btn:hover { border-color: var(--sd-faint); }
.sd-btn:disabled { opacity: 0.45; cursor: default; }
.sd-btn[aria-pressed="true"] { background: var(--sd-accent-soft); border-color: var(--sd-accent); color: var(--sd-accent); }
.sd-btn.sd-primary { background: var(--sd-accent); border-color: var(--sd-accent); color: var(--sd-accent-text); }
.sd-icon-btn { width: 26px; padding: 0; justify-content: center; }
.sd-input {
  height: 24px; padding: 0 8px; border: 1px solid var(--sd-border); border-radius: 5px;
  background: var(--sd-bg); min-width: 0;
}
.sd-badge {
  display: inline-flex; align-items: center; height: 16px; padding: 0 5px; border-radius: 8px;
  font-size: 10px; font-weight: 600; letter-spacing: 0.02em; text-transform: uppercase;
  background: var(--sd-surface); color: var(--sd-muted); border: 1px solid var(--sd-border); flex: none;
}
.sd-badge.sd-error { background: var(--sd-error-soft); color: var(--sd-error); border-color: transparent; }
.sd-badge.sd-reject { background: var(--sd-reject-soft); color: var(--sd-reject); border-color: transparent; }
.sd-badge.sd-warn { background: var(--sd-warn-soft); color: var(--sd-warn); border-color: transparent; }
.sd-badge.sd-ok { background: var(--sd-ok-soft); color: var(--sd-ok); border-color: transparent; }
.sd-badge.sd-live { background: var(--sd-ok-soft); color: var(--sd-ok); border-color: transparent; }
.sd-empty { padding: 16px; color: var(--sd-muted); }
.sd-kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0; }
.sd-kv dt { color: var(--sd-muted); }
.sd-kv dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.sd-section { padding: 8px 12px; border-bottom: 1px solid var(--sd-border); }
.sd-section h3 { margin: 0 0 6px; font-size: 11px; font-weight: 600; color: var(--sd-muted); text-transform: uppercase; letter-spacing: 0.04em; }
.sd-error-box { border-left: 3px solid var(--sd-error); background: var(--sd-error-soft); padding: 6px 8px; border-radius: 4px; }
.sd-error-box.sd-reject { border-color: var(--sd-reject); background: var(--sd-reject-soft); }
.sd-error-box pre { margin: 4px 0 0; white-space: pre-wrap; max-height: 120px; overflow: auto; font-family: var(--sd-mono); font-size: 10.5px; color: var(--sd-muted); }
.sd-row-actions { display: flex; gap: 6px; flex-wrap: wrap; }
.sd-toast { position: absolute; right: 12px; bottom: 12px; padding: 6px 10px; border-radius: 6px; background: var(--sd-text); color: var(--sd-bg); box-shadow: 0 4px 12px rgba(0,0,0,.2); z-index: 3; max-width: 60%; }
.sd-toast.sd-error { background: var(--sd-error); color: #fff; }
`
