// The composer's editor: ProseMirror (Debian's packages) with a schema that mirrors Herald's
// document model one to one, and the small commands, key bindings and history Debian does not
// package (prosemirror-commands, -keymap, -history, -tables), written here on ProseMirror's
// public API. What it produces is HTML the server reads with its editor-HTML reader — the same
// document the preview renders and the customer receives.
import { Schema, DOMParser, DOMSerializer, Fragment } from "prosemirror-model";
import { EditorState, Plugin, PluginKey, TextSelection } from "prosemirror-state";
import { EditorView } from "prosemirror-view";
import { canSplit } from "prosemirror-transform";
import { wrapInList, splitListItem, liftListItem, sinkListItem } from "prosemirror-schema-list";
import { keyName } from "w3c-keyname";

const alignAttr = { align: { default: null } };
const alignStyle = (node) => (node.attrs.align ? { style: `text-align: ${node.attrs.align}` } : {});
const alignFrom = (dom) => {
  const value = (dom.style && dom.style.textAlign) || dom.getAttribute("align");
  return ["left", "center", "right", "justify"].includes(value) ? value : null;
};

// Herald's document: paragraphs and headings (H1–H6) with alignment, lists, rules, line breaks,
// tables, links, images; bold, italic, underline, strike, highlight, code.
export const schema = new Schema({
  nodes: {
    doc: { content: "block+" },
    paragraph: {
      group: "block", content: "inline*", attrs: alignAttr,
      parseDOM: [{ tag: "p", getAttrs: (dom) => ({ align: alignFrom(dom) }) },
                 { tag: "div", getAttrs: (dom) => ({ align: alignFrom(dom) }) }],
      toDOM: (node) => ["p", alignStyle(node), 0],
    },
    heading: {
      group: "block", content: "inline*", defining: true, attrs: { level: { default: 1 }, ...alignAttr },
      parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, getAttrs: (dom) => ({ level, align: alignFrom(dom) }) })),
      toDOM: (node) => [`h${node.attrs.level}`, alignStyle(node), 0],
    },
    blockquote: { group: "block", content: "block+", defining: true, parseDOM: [{ tag: "blockquote" }], toDOM: () => ["blockquote", 0] },
    horizontal_rule: { group: "block", parseDOM: [{ tag: "hr" }], toDOM: () => ["hr"] },
    bullet_list: { group: "block", content: "list_item+", parseDOM: [{ tag: "ul" }], toDOM: () => ["ul", 0] },
    ordered_list: {
      group: "block", content: "list_item+", attrs: { order: { default: 1 } },
      parseDOM: [{ tag: "ol", getAttrs: (dom) => ({ order: dom.hasAttribute("start") ? +dom.getAttribute("start") : 1 }) }],
      toDOM: (node) => (node.attrs.order === 1 ? ["ol", 0] : ["ol", { start: node.attrs.order }, 0]),
    },
    list_item: { content: "paragraph block*", defining: true, parseDOM: [{ tag: "li" }], toDOM: () => ["li", 0] },
    table: { group: "block", content: "table_row+", isolating: true, parseDOM: [{ tag: "table" }], toDOM: () => ["table", ["tbody", 0]] },
    table_row: { content: "table_cell+", parseDOM: [{ tag: "tr" }], toDOM: () => ["tr", 0] },
    table_cell: {
      content: "paragraph+", isolating: true, attrs: { header: { default: false } },
      parseDOM: [{ tag: "td" }, { tag: "th", getAttrs: () => ({ header: true }) }],
      toDOM: (node) => [node.attrs.header ? "th" : "td", 0],
    },
    image: {
      group: "inline", inline: true, draggable: true, attrs: { src: {}, alt: { default: null } },
      parseDOM: [{ tag: "img[src]", getAttrs: (dom) => ({ src: dom.getAttribute("src"), alt: dom.getAttribute("alt") }) }],
      toDOM: (node) => ["img", { src: node.attrs.src, alt: node.attrs.alt }],
    },
    hard_break: { group: "inline", inline: true, selectable: false, parseDOM: [{ tag: "br" }], toDOM: () => ["br"] },
    text: { group: "inline" },
  },
  marks: {
    link: {
      attrs: { href: {} }, inclusive: false,
      parseDOM: [{ tag: "a[href]", getAttrs: (dom) => ({ href: dom.getAttribute("href") }) }],
      toDOM: (mark) => ["a", { href: mark.attrs.href }, 0],
    },
    strong: {
      parseDOM: [{ tag: "strong" },
                 // Google Docs wraps a whole paste in <b style="font-weight:normal">: not bold.
                 { tag: "b", getAttrs: (dom) => dom.style.fontWeight !== "normal" && null },
                 { style: "font-weight", getAttrs: (value) => (/^(bold(er)?|[6-9]\d\d)$/.test(value) ? null : false) }],
      toDOM: () => ["strong", 0],
    },
    em: { parseDOM: [{ tag: "i" }, { tag: "em" }, { style: "font-style=italic" }], toDOM: () => ["em", 0] },
    underline: { parseDOM: [{ tag: "u" }, { tag: "ins" }, { style: "text-decoration", getAttrs: (v) => (v.includes("underline") ? null : false) }],
                 toDOM: () => ["u", 0] },
    strike: { parseDOM: [{ tag: "s" }, { tag: "strike" }, { tag: "del" },
                         { style: "text-decoration", getAttrs: (v) => (v.includes("line-through") ? null : false) }],
              toDOM: () => ["s", 0] },
    highlight: {
      // Word marks highlight as a background colour (and mso-highlight) on a span.
      parseDOM: [{ tag: "mark" },
                 ...["background", "background-color"].map((style) => ({
                   style, getAttrs: (v) => (v && !/^(transparent|none|inherit|initial|white|#fff(fff)?|rgba?\(255,\s*255,\s*255(,\s*1)?\))$/i.test(v.trim()) ? null : false),
                 }))],
      toDOM: () => ["mark", 0],
    },
    code: { parseDOM: [{ tag: "code" }], toDOM: () => ["code", 0] },
  },
});

// ---- Commands: (state, dispatch) => handled ----

function markActive(state, type) {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks || $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

export function toggleMark(type, attrs = null) {
  return (state, dispatch) => {
    const { empty, $cursor, ranges } = state.selection;
    if (dispatch) {
      if (empty && $cursor) {
        dispatch(type.isInSet(state.storedMarks || $cursor.marks()) ? state.tr.removeStoredMark(type) : state.tr.addStoredMark(type.create(attrs)));
      } else {
        const active = markActive(state, type);
        const tr = state.tr;
        for (const range of ranges) {
          if (active) tr.removeMark(range.$from.pos, range.$to.pos, type);
          else tr.addMark(range.$from.pos, range.$to.pos, type.create(attrs));
        }
        dispatch(tr.scrollIntoView());
      }
    }
    return true;
  };
}

export function setBlock(type, attrs = {}) {
  return (state, dispatch) => {
    const { from, to } = state.selection;
    let applicable = false;
    state.doc.nodesBetween(from, to, (node, pos) => {
      if (applicable) return false;
      if (!node.isTextblock || node.hasMarkup(type, { ...attrs, align: node.attrs.align ?? null })) return true;
      const $pos = state.doc.resolve(pos);
      applicable = $pos.parent.canReplaceWith($pos.index(), $pos.index() + 1, type);
      return false;
    });
    if (!applicable) return false;
    if (dispatch) {
      const tr = state.tr;
      state.doc.nodesBetween(from, to, (node, pos) => {
        if (node.isTextblock) tr.setNodeMarkup(pos, type, { ...attrs, align: node.attrs.align ?? null });
        return !node.isTextblock;
      });
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

export function setAlign(align) {
  return (state, dispatch) => {
    const { from, to } = state.selection;
    const tr = state.tr;
    state.doc.nodesBetween(from, to, (node, pos) => {
      if (node.isTextblock && "align" in node.attrs) tr.setNodeMarkup(pos, null, { ...node.attrs, align: align === "left" ? null : align });
      return !node.isTextblock;
    });
    if (!tr.docChanged) return false;
    if (dispatch) dispatch(tr);
    return true;
  };
}

function insertNode(node) {
  return (state, dispatch) => {
    if (dispatch) dispatch(state.tr.replaceSelectionWith(node).scrollIntoView());
    return true;
  };
}

export const insertRule = (state, dispatch) => insertNode(schema.nodes.horizontal_rule.create())(state, dispatch);
export const insertBreak = (state, dispatch) => insertNode(schema.nodes.hard_break.create())(state, dispatch);

export function insertText(text) {
  return (state, dispatch) => {
    if (dispatch) dispatch(state.tr.insertText(text).scrollIntoView());
    return true;
  };
}

// Enter: a new paragraph (after a heading, a paragraph, not another heading).
export function splitBlock(state, dispatch) {
  const { $from } = state.selection;
  if (!$from.parent.isTextblock) return false;
  if (dispatch) {
    const tr = state.tr;
    if (!state.selection.empty) tr.deleteSelection();
    const $pos = tr.selection.$from;
    const atEnd = $pos.parentOffset === $pos.parent.content.size;
    const types = atEnd ? [{ type: schema.nodes.paragraph, attrs: { align: $pos.parent.attrs.align ?? null } }] : undefined;
    if (!canSplit(tr.doc, $pos.pos, 1, types)) return false;
    tr.split($pos.pos, 1, types);
    dispatch(tr.scrollIntoView());
  }
  return true;
}

// ---- Tables: insert, add and remove rows and columns ----

export function insertTable(rows = 2, columns = 2) {
  return (state, dispatch) => {
    const cell = () => schema.nodes.table_cell.create(null, schema.nodes.paragraph.create());
    const row = () => schema.nodes.table_row.create(null, Fragment.from(Array.from({ length: columns }, cell)));
    const table = schema.nodes.table.create(null, Fragment.from(Array.from({ length: rows }, row)));
    if (dispatch) dispatch(state.tr.replaceSelectionWith(table).scrollIntoView());
    return true;
  };
}

/// Where the selection is in a table: the table's position and node, the row and column index.
function cellAround(state) {
  const $from = state.selection.$from;
  for (let depth = $from.depth; depth > 0; depth--) {
    if ($from.node(depth).type === schema.nodes.table_cell) {
      return { tablePos: $from.before(depth - 2), table: $from.node(depth - 2), row: $from.index(depth - 2), column: $from.index(depth - 1) };
    }
  }
  return null;
}

function rebuildTable(change) {
  return (state, dispatch) => {
    const found = cellAround(state);
    if (!found) return false;
    const rows = [];
    found.table.forEach((row) => { const cells = []; row.forEach((cell) => cells.push(cell)); rows.push(cells); });
    const result = change(rows, found);
    if (!result) return false;
    if (dispatch) {
      const emptyCell = () => schema.nodes.table_cell.create(null, schema.nodes.paragraph.create());
      const table = result.length === 0 ? null
        : schema.nodes.table.create(null, result.map((cells) => schema.nodes.table_row.create(null, cells.map((c) => c || emptyCell()))));
      const tr = state.tr;
      if (table) tr.replaceWith(found.tablePos, found.tablePos + found.table.nodeSize, table);
      else tr.delete(found.tablePos, found.tablePos + found.table.nodeSize);
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}

export const addRowAfter = rebuildTable((rows, at) => { rows.splice(at.row + 1, 0, rows[at.row].map(() => null)); return rows; });
export const addColumnAfter = rebuildTable((rows, at) => rows.map((cells) => { cells.splice(at.column + 1, 0, null); return cells; }));
export const deleteRow = rebuildTable((rows, at) => { rows.splice(at.row, 1); return rows; });
export const deleteColumn = rebuildTable((rows, at) => {
  const kept = rows.map((cells) => { cells.splice(at.column, 1); return cells; });
  return kept[0].length === 0 ? [] : kept;
});
export const inTable = (state) => !!cellAround(state);

// ---- History: undo and redo of whole document states, typing grouped by pauses ----

const historyKey = new PluginKey("history");
const historyPlugin = new Plugin({
  key: historyKey,
  state: {
    init: () => ({ done: [], undone: [], last: 0 }),
    apply(tr, value, oldState) {
      const meta = tr.getMeta(historyKey);
      if (meta) return meta;
      if (!tr.docChanged) return value;
      const now = Date.now();
      const grouped = now - value.last < 600 && value.done.length > 0;
      const entry = { doc: oldState.doc, selection: oldState.selection.toJSON() };
      return { done: grouped ? value.done : [...value.done.slice(-199), entry], undone: [], last: now };
    },
  },
});

function travel(from, to) {
  return (state, dispatch) => {
    const value = historyKey.getState(state);
    if (value[from].length === 0) return false;
    if (dispatch) {
      const target = value[from][value[from].length - 1];
      const current = { doc: state.doc, selection: state.selection.toJSON() };
      const tr = state.tr.replaceWith(0, state.doc.content.size, target.doc.content);
      try { tr.setSelection(TextSelection.fromJSON(tr.doc, target.selection)); } catch { /* the old selection no longer fits */ }
      tr.setMeta(historyKey, { ...value, [from]: value[from].slice(0, -1), [to]: [...value[to], current], last: 0 });
      dispatch(tr.scrollIntoView());
    }
    return true;
  };
}
export const undo = travel("done", "undone");
export const redo = travel("undone", "done");

// ---- Key bindings ----

/// The browser reports a selection made with the keyboard (Shift+Home) a moment later than the
/// keys that follow it; a shortcut pressed at once must act on what is selected now.
export function syncSelection(view) {
  flushTyping(view);
  const selection = view.root.getSelection ? view.root.getSelection() : document.getSelection();
  if (!selection || !selection.anchorNode || !view.dom.contains(selection.anchorNode) || !view.dom.contains(selection.focusNode)) return;
  try {
    const anchor = view.posAtDOM(selection.anchorNode, selection.anchorOffset);
    const head = view.posAtDOM(selection.focusNode, selection.focusOffset);
    if (anchor !== view.state.selection.anchor || head !== view.state.selection.head) {
      view.dispatch(view.state.tr.setSelection(TextSelection.create(view.state.doc, anchor, head)));
    }
  } catch { /* a position the document does not have: leave the selection as it is */ }
}

/// Reads what was typed and not reported yet into the editor's state. (domObserver is
/// prosemirror-view's own, not its documented API; Debian pins the version, 1.23, and the editor
/// test in Chromium covers it.)
function flushTyping(view) {
  const observer = view.domObserver;
  if (observer && typeof observer.forceFlush === "function" && typeof observer.flush === "function") {
    observer.forceFlush();
    observer.flush();
  }
}

// Keys whose default action moves or extends the selection.
const selectionKeys = new Set(["Home", "End", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown"]);

function keymapPlugin(bindings) {
  const normalized = {};
  for (const [key, command] of Object.entries(bindings)) normalized[key.toLowerCase()] = command;
  return new Plugin({
    props: {
      // The selection a key made is taken into the editor's state as the key is released.
      // Otherwise a write of the state's selection to the page still pending (prosemirror-view
      // delays one after a click in Chrome, in a timer) could run first, and Chrome runs input
      // before timers when busy: a click, typing, then Shift+Home lost the selection (seen under
      // load in the formatting browser test).
      handleDOMEvents: {
        keyup(view, event) {
          if (selectionKeys.has(event.key)) syncSelection(view);
          return false;
        },
      },
      handleKeyDown(view, event) {
        // Text typed just before Shift+Home is read in first; the key then does what it does.
        if (selectionKeys.has(event.key)) flushTyping(view);
        const name = keyName(event);
        let key = (event.shiftKey && name.length > 1 ? "shift-" : "") + name;
        if (event.shiftKey && name.length === 1) key = "shift-" + (event.code.startsWith("Digit") ? event.code.slice(5) : name);
        if (event.altKey) key = "alt-" + key;
        if (event.ctrlKey || event.metaKey) key = "mod-" + key;
        const command = normalized[key.toLowerCase()];
        if (!command) return false;
        syncSelection(view);
        return command(view.state, view.dispatch, view);
      },
    },
  });
}

const listItem = schema.nodes.list_item;
export const bindings = {
  "Mod-b": toggleMark(schema.marks.strong),
  "Mod-i": toggleMark(schema.marks.em),
  "Mod-u": toggleMark(schema.marks.underline),
  "Mod-Shift-x": toggleMark(schema.marks.strike),
  "Mod-Shift-h": toggleMark(schema.marks.highlight),
  "Mod-Shift-7": wrapInList(schema.nodes.ordered_list),
  "Mod-Shift-8": wrapInList(schema.nodes.bullet_list),
  "Mod-z": undo,
  "Mod-y": redo,
  "Mod-Shift-z": redo,
  "Shift-Enter": insertBreak,
  "Enter": (state, dispatch) => splitListItem(listItem)(state, dispatch) || splitBlock(state, dispatch),
  "Tab": (state, dispatch) => sinkListItem(listItem)(state, dispatch),
  "Shift-Tab": (state, dispatch) => liftListItem(listItem)(state, dispatch),
};

// ---- The editor ----

export function createEditor(mount, { onChange, placeholder } = {}) {
  const state = EditorState.create({ schema, plugins: [keymapPlugin(bindings), historyPlugin] });
  const view = new EditorView(mount, {
    state,
    attributes: { role: "textbox", "aria-multiline": "true", "aria-label": placeholder || "Message", class: "editor-content" },
    dispatchTransaction(tr) {
      view.updateState(view.state.apply(tr));
      if (onChange) onChange(view);
    },
  });
  return view;
}

/// The document as the HTML the server reads (`HTMLReader`).
export function toHTML(state) {
  const container = document.createElement("div");
  container.appendChild(DOMSerializer.fromSchema(schema).serializeFragment(state.doc.content));
  return container.innerHTML;
}

/// Replaces the document with `html` (a filled template, `EditorHTMLWriter`'s HTML) as one
/// change, so Undo brings back what was there. The HTML is parsed in an inert document: nothing
/// in it loads or runs, and the schema keeps only what it knows.
export function setHTML(view, html) {
  const parsed = new window.DOMParser().parseFromString(html, "text/html");
  const doc = DOMParser.fromSchema(schema).parse(parsed.body, { preserveWhitespace: true });
  view.dispatch(view.state.tr.replaceWith(0, view.state.doc.content.size, doc.content).scrollIntoView());
}

export function isEmpty(state) {
  return state.doc.childCount === 1 && state.doc.firstChild.isTextblock && state.doc.firstChild.content.size === 0;
}

export function clear(view) {
  const empty = EditorState.create({ schema, plugins: view.state.plugins });
  view.updateState(empty);
}

/// The toolbar's state: which marks and blocks the selection has.
export function activeState(state) {
  const { $from } = state.selection;
  const parent = $from.parent;
  let list = null;
  for (let depth = $from.depth; depth > 0; depth--) {
    const type = $from.node(depth).type;
    if (type === schema.nodes.bullet_list || type === schema.nodes.ordered_list) { list = type.name; break; }
  }
  return {
    strong: markActive(state, schema.marks.strong),
    em: markActive(state, schema.marks.em),
    underline: markActive(state, schema.marks.underline),
    strike: markActive(state, schema.marks.strike),
    highlight: markActive(state, schema.marks.highlight),
    link: markActive(state, schema.marks.link),
    block: parent.type === schema.nodes.heading ? `h${parent.attrs.level}` : "p",
    align: parent.attrs.align || "left",
    list,
    table: inTable(state),
    canUndo: historyKey.getState(state).done.length > 0,
    canRedo: historyKey.getState(state).undone.length > 0,
  };
}

export { wrapInList, liftListItem, DOMParser };
