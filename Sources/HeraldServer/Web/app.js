// The web inbox: signing in, the Pending and Active tabs (live, from server-sent events), an
// interaction's thread and actions, the New flow and the composer. Everything it shows comes from
// the JSON API under /api/v1 (docs/server.md); nothing is rendered here that the server renders.
import * as Editor from "/assets/editor.js";
import { buildVoiceNote } from "/assets/voice-note.js";

const $ = (selector, root = document) => root.querySelector(selector);
const el = (tag, attributes = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value == null) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child.nodeType ? child : document.createTextNode(String(child)));
  return node;
};

// `selected` is the interaction the agent asked for last (the list marks it at once, J and K move
// from it); `current` is the one the page shows, whose buttons act on it; `opens` counts the
// requests for an interaction, so that only the newest one's answer is shown.
const app = { me: null, csrf: null, tab: "active", selected: null, current: null, opens: 0, lists: { active: [], pending: [] }, options: [], campaigns: [], agents: [] };
const channelNames = { email: "Email", sms: "SMS", whatsapp: "WhatsApp", phone: "Phone" };
const channelIcons = { email: "✉", sms: "💬", whatsapp: "🟢", phone: "☎" };

// ---- The API ----

class Problem extends Error {
  constructor(status, body) {
    super(body.detail || `HTTP ${status}`);
    this.status = status;
    this.field = body.field;
  }
}

async function api(method, path, body, { raw = false, contentType } = {}) {
  const headers = {};
  if (method !== "GET" && app.csrf) headers["X-CSRF-Token"] = app.csrf;
  let payload;
  if (body !== undefined) {
    if (raw) { payload = body; headers["Content-Type"] = contentType || "application/octet-stream"; }
    else { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  }
  const response = await fetch(`/api/v1${path}`, { method, headers, body: payload, credentials: "same-origin" });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    if (response.status === 401 && path !== "/session") showSignIn("Your session has ended; sign in again.");
    throw new Problem(response.status, data);
  }
  return data;
}

function announce(message, kind = "info") {
  const status = $("#status");
  status.textContent = message;
  status.dataset.kind = kind;
}

// ---- Signing in ----

function showSignIn(message) {
  app.me = null;
  app.csrf = null;
  if (app.events) app.events.close();
  const form = el("form", { class: "signin", "aria-labelledby": "signin-title", onsubmit: signIn },
    el("h1", { id: "signin-title", text: "Sign in to Herald" }),
    message ? el("p", { class: "error", role: "alert", text: message }) : null,
    el("label", { for: "email", text: "Email" }), el("input", { id: "email", name: "email", type: "email", autocomplete: "username", required: true }),
    el("label", { for: "password", text: "Password" }),
    el("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true }),
    el("button", { type: "submit", class: "primary", text: "Sign in" }));
  $("#app").replaceChildren(form);
  $("#email").focus();
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  try {
    const session = await api("POST", "/session", { email: form.email.value, password: form.password.value });
    app.csrf = session.csrfToken;
    await start();
  } catch (error) {
    showSignIn(error.message);
  }
}

async function signOut() {
  await api("DELETE", "/session").catch(() => {});
  showSignIn("Signed out.");
}

// ---- The page ----

async function start() {
  app.me = await api("GET", "/me");
  [app.options, app.campaigns, app.agents] = await Promise.all([api("GET", "/start-options"), api("GET", "/campaigns"), api("GET", "/agents")]);
  const header = el("header", { class: "bar" },
    el("span", { class: "brand", text: "Herald" }),
    el("span", { class: "spacer" }),
    el("span", { class: "who", text: `${app.me.name} (${app.me.role})` }),
    el("button", { type: "button", onclick: signOut, text: "Sign out" }),
    el("button", { type: "button", class: "primary", id: "new", onclick: openNew, disabled: app.options.length === 0,
                   title: app.options.length === 0 ? "You are not a member of a campaign with a channel" : "Start an interaction (N)", text: "New" }));
  const tabs = el("div", { class: "tabs", role: "tablist" },
    el("button", { role: "tab", id: "tab-pending", "aria-selected": String(app.tab === "pending"), onclick: () => selectTab("pending") }),
    el("button", { role: "tab", id: "tab-active", "aria-selected": String(app.tab === "active"), onclick: () => selectTab("active") }));
  const layout = el("main", { class: "layout" },
    el("nav", { class: "list-column", "aria-label": "Interactions" }, tabs, el("ul", { id: "list", class: "list", role: "tabpanel" })),
    el("section", { id: "thread", class: "thread-column", "aria-label": "Interaction" }, el("p", { class: "empty", text: "Choose an interaction, or press New." })),
    el("aside", { id: "info", class: "info-column", "aria-label": "Customer and form" }));
  $("#app").replaceChildren(header, layout);
  await refreshLists();
  listen();
}

function selectTab(tab) {
  app.tab = tab;
  $("#tab-pending").setAttribute("aria-selected", String(tab === "pending"));
  $("#tab-active").setAttribute("aria-selected", String(tab === "active"));
  renderList();
}

async function refreshLists() {
  const campaigns = app.me.campaigns.map((c) => c.id);
  const [active, ...pending] = await Promise.all([api("GET", "/tabs/active"), ...campaigns.map((id) => api("GET", `/tabs/pending?campaign=${encodeURIComponent(id)}`))]);
  app.lists.active = active;
  app.lists.pending = pending.flat().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  $("#tab-pending").textContent = `Pending ${app.lists.pending.length}`;
  $("#tab-active").textContent = `Active ${app.lists.active.length}`;
  renderList();
}

function waited(since) {
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(since)) / 60000));
  return minutes < 60 ? `${minutes} min` : `${Math.round(minutes / 60)} h`;
}

function campaignName(id) {
  return (app.campaigns.find((c) => c.id === id) || { name: id }).name;
}

function renderList() {
  const items = app.lists[app.tab];
  const list = $("#list");
  // Live refreshes redraw often; a list unchanged within the minute (its waiting times are in
  // minutes) is left as it is: a row being clicked is not replaced under the pointer.
  const drawn = JSON.stringify([app.tab, app.selected, Math.floor(Date.now() / 60000), items]);
  if (list.dataset.drawn === drawn) return;
  list.dataset.drawn = drawn;
  if (items.length === 0) {
    list.replaceChildren(el("li", { class: "empty", text: app.tab === "pending" ? "Nothing is waiting." : "No active interactions." }));
    return;
  }
  list.replaceChildren(...items.map((item) => el("li", {},
    el("button", { class: "item" + (app.selected === item.id ? " selected" : ""), "data-id": item.id, onclick: () => openInteraction(item.id) },
      el("span", { class: "who", text: item.to || item.customer }),
      el("span", { class: "when", text: waited(item.updatedAt || item.createdAt) }),
      el("span", { class: "meta" }, el("span", { class: `channel ${item.channel}`, "aria-label": channelNames[item.channel], text: `${channelIcons[item.channel]} ${channelNames[item.channel]}` }),
         ` · ${campaignName(item.campaign)}${item.state === "finished" ? " · finished" : ""}`),
      el("span", { class: "last", text: item.subject || "" })))));
}

// Live updates: every event refreshes the tabs and the open interaction (the stream sends only
// what this agent may see; EventSource reconnects with Last-Event-ID by itself).
function listen() {
  if (app.events) app.events.close();
  app.events = new EventSource("/api/v1/events");
  let pending = null;
  const refresh = () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      await refreshLists().catch(() => {});
      if (app.selected && !app.composing) openInteraction(app.selected, { keepComposer: true }).catch(() => {});
    }, 150);
  };
  for (const kind of ["created", "taken", "messageSent", "messageReceived", "transferred", "finished", "categorized", "closed", "formSubmitted"]) {
    app.events.addEventListener(kind, refresh);
  }
  // Skip the backlog: the lists were just read.
  app.events.addEventListener("open", () => {}, { once: true });
}

// ---- An interaction ----

// Opens (or, with keepComposer, refreshes) an interaction. Answers can come back in another order
// than they were asked for (J then K, a live refresh beside a click): an answer to anything but
// the newest request is dropped, so the page never shows one interaction while the list marks
// another.
async function openInteraction(id, { keepComposer = false } = {}) {
  const request = ++app.opens;
  if (app.selected !== id) {
    app.selected = id;
    renderList();
  }
  let interaction;
  try {
    interaction = await api("GET", `/interactions/${encodeURIComponent(id)}`);
  } catch (error) {
    if (request !== app.opens) return;
    if (error.status === 404) {
      app.selected = null;
      app.current = null;
      $("#thread").replaceChildren(el("p", { class: "error", role: "alert", text: "This interaction is no longer yours to see." }));
      return;
    }
    throw error;
  }
  if (request !== app.opens) return;
  app.current = interaction;
  renderList();
  const mine = interaction.assignee === app.me.id;
  const campaign = app.campaigns.find((c) => c.id === interaction.campaign) || { categories: [], forms: [] };
  const actions = el("div", { class: "actions", role: "toolbar", "aria-label": "Actions" });
  if (interaction.state === "pending") {
    actions.append(el("button", { class: "primary", id: "take", onclick: () => act(interaction.id, "take"), text: "Take" }));
  }
  if (mine && interaction.state === "active") actions.append(el("button", { id: "finish", onclick: () => act(interaction.id, "finish"), text: "Finish" }));
  if (mine && interaction.state !== "closed") {
    const select = el("select", { id: "category", "aria-label": "Category", onchange: (e) => e.target.value && act(interaction.id, "category", { category: e.target.value }) },
      el("option", { value: "", text: interaction.category ? `Category: ${interaction.category}` : "Categorize…" }),
      ...campaign.categories.map((c) => el("option", { value: c, text: c })));
    actions.append(select, el("button", { id: "close", onclick: () => act(interaction.id, "close"), text: "Close",
      title: interaction.state !== "finished" ? "Finish the interaction before closing" : !interaction.category ? "Categorize it before closing" : "Close" }));
  }
  if (interaction.state !== "closed" && interaction.state !== "pending") actions.append(el("button", { id: "transfer", onclick: () => openTransfer(interaction.id), text: "Transfer" }));
  const contact = interaction.contact || {};
  const head = el("div", { class: "thread-head" },
    el("h2", { text: `${(contact.to || []).join(", ")}` }),
    el("p", { class: "meta", text: `${channelIcons[interaction.channel]} ${channelNames[interaction.channel]} · ${campaignName(interaction.campaign)} · ${interaction.state}` +
      (contact.subject ? ` · ${contact.subject}` : "") }), actions);
  const thread = el("ol", { class: "messages", "aria-label": "Messages" }, ...interaction.messages.map((m) => renderMessage(m, interaction.id)));
  if (interaction.call) thread.append(el("li", { class: "call", text: `Call to ${interaction.call.number}, dialled ${interaction.call.dialled}` }));
  // A refresh (a live event) replaces the head and the thread only: the composer and the form
  // keep what the agent is typing, and the focus.
  let body = $("#thread-body");
  let slot = $("#thread-composer");
  if (!keepComposer || !body || app.composerFor !== id) {
    body = el("div", { id: "thread-body" });
    slot = el("div", { id: "thread-composer" });
    $("#thread").replaceChildren(body, slot);
    app.composer = null;
  }
  body.replaceChildren(head, thread);
  if (mine && interaction.state === "active" && interaction.channel !== "phone") {
    if (!app.composer) {
      // An email reply shows whom it goes to, with the copies prefilled and editable.
      const reply = interaction.channel === "email" ? replyFields(interaction.id) : null;
      app.composer = buildComposer(interaction.channel, { send: (message) => sendMessage(interaction.id, reply ? reply.apply(message) : message),
        templates: { campaign: interaction.campaign, interaction: interaction.id } });
      app.composerFor = id;
      slot.replaceChildren(...(reply ? [reply.element] : []), app.composer.element);
    }
  } else {
    app.composer = null;
    slot.replaceChildren();
  }
  renderInfo(interaction, campaign, mine, keepComposer);
  // Delivery is the outbox's, not an inbox event: while a message is still on its way, look again.
  clearTimeout(app.deliveryTimer);
  const waiting = interaction.messages.some((m) => (m.delivery || []).some((d) => d.status === "pending" || d.status === "deferred"));
  if (waiting) app.deliveryTimer = setTimeout(() => { if (app.selected === id && !app.composing) openInteraction(id, { keepComposer: true }).catch(() => {}); }, 1500);
}

// The copies of a reply to the customer's email (GET …/reply-defaults): To as the server will
// send it, Cc prefilled with the customer's other recipients and editable; nothing shows until
// the customer has written by email.
function replyFields(interactionID) {
  const to = el("span", { id: "reply-to", class: "reply-value" });
  const cc = el("input", { id: "reply-cc", type: "text", autocomplete: "off", "aria-label": "Cc" });
  const subject = el("span", { id: "reply-subject", class: "reply-value" });
  const element = el("div", { class: "reply-fields", role: "group", "aria-label": "Reply", hidden: true },
    el("span", { class: "reply-label", text: "To" }), to, el("label", { for: cc.id, class: "reply-label", text: "Cc" }), cc,
    el("span", { class: "reply-label", text: "Subject" }), subject);
  let active = false;
  api("GET", `/interactions/${encodeURIComponent(interactionID)}/reply-defaults`).then((defaults) => {
    if (!defaults) return;
    active = true;
    to.textContent = defaults.to.join(", ");
    cc.value = defaults.cc.join(", ");
    subject.textContent = defaults.subject || "";
    element.hidden = false;
  }).catch(() => {});
  // The Cc as typed, one list (the server reads addresses the way the New dialog's are read).
  const apply = (message) => active ? { ...message, cc: cc.value.trim() ? [cc.value.trim()] : [] } : message;
  return { element, apply };
}

const receiptNames = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" };

function renderMessage(message, interactionID) {
  if (message.direction === "inbound" && message.inbound) return renderInbound(message, interactionID);
  const delivery = (message.delivery || []).map((d) => {
    const status = d.receipt ? receiptNames[d.receipt.status] : d.status;
    const detail = d.receipt && d.receipt.detail ? ` (${d.receipt.detail})` : "";
    return el("li", { class: `delivery ${d.receipt ? d.receipt.status : d.status}` }, `${d.recipient}: ${status}${detail}`);
  });
  return el("li", { class: "message" },
    el("div", { class: "message-meta", text: `${message.author || "customer"} · ${new Date(message.at).toLocaleString()}` +
      (message.attachments && message.attachments.length ? ` · 📎 ${message.attachments.join(", ")}` : "") }),
    el("div", { class: "message-text", text: message.summary || (message.template ? `Template ${message.template}` : "") }),
    delivery.length ? el("ul", { class: "deliveries", "aria-label": "Delivery" }, ...delivery) : null);
}

// A customer's message: who wrote, the new text (their HTML as the server sanitized it, through
// the document model: no script, no style sheet, no remote content), the quoted history folded
// away, their files as downloads.
function renderInbound(message, interactionID) {
  const inbound = message.inbound;
  const who = inbound.fromName ? `${inbound.fromName} <${inbound.from}>` : inbound.from;
  const body = el("div", { class: "message-text inbound-text" });
  if (inbound.html) body.innerHTML = inbound.html; else body.textContent = inbound.text;
  const quoted = inbound.quotedHTML || inbound.quoted;
  let history = null;
  if (quoted) {
    const inner = el("div", { class: "quoted-text" });
    if (inbound.quotedHTML) inner.innerHTML = inbound.quotedHTML; else inner.textContent = inbound.quoted;
    history = el("details", { class: "quoted" }, el("summary", { text: "Show quoted text" }), inner);
  }
  const files = (inbound.files || []).map((file) => el("li", {},
    el("a", { href: `/api/v1/interactions/${encodeURIComponent(interactionID)}/files/${file.sha256}`, download: file.name,
              text: `📎 ${file.name}` }), ` (${file.mediaType}, ${Math.max(1, Math.ceil(file.size / 1024))} KB)`));
  return el("li", { class: "message inbound" + (inbound.autoReply ? " auto-reply" : "") },
    el("div", { class: "message-meta", text: `${who} · ${new Date(message.at).toLocaleString()}` +
      (inbound.autoReply ? " · automatic reply" : "") }),
    message.subject ? el("div", { class: "message-subject", text: message.subject }) : null,
    body, history, files.length ? el("ul", { class: "inbound-files", "aria-label": "Files" }, ...files) : null);
}

// The customer information panel: who the customer is (name, addresses, numbers, whatever else
// the business keeps) and their other interactions this agent may see; filled when the server
// answers, kept as it was on a refresh until then.
function customerPanel(interaction) {
  const previous = $("#customer");
  const panel = previous && previous.dataset.interaction === interaction.id ? previous
    : el("section", { id: "customer", "aria-label": "Customer information", "data-interaction": interaction.id },
        el("h3", { text: "Customer" }), el("p", { text: (interaction.contact.to || []).join(", ") }));
  api("GET", `/interactions/${encodeURIComponent(interaction.id)}/customer`).then((card) => {
    if (!app.current || app.current.id !== interaction.id) return;
    // Every live refresh asks again: an unchanged card is left as it is, so a button being
    // clicked is not replaced under the pointer.
    const seen = JSON.stringify(card);
    if (panel.dataset.card === seen) return;
    panel.dataset.card = seen;
    const { customer, interactions } = card;
    const rows = [["Name", customer.name], ["Email", customer.emailAddresses.join(", ")], ["Phone", customer.phoneNumbers.join(", ")],
                  ...Object.entries(customer.fields).sort(([a], [b]) => a.localeCompare(b))].filter(([, value]) => value);
    panel.replaceChildren(el("h3", { text: "Customer" }),
      el("dl", { class: "customer-fields" }, ...rows.flatMap(([name, value]) => [el("dt", { text: name }), el("dd", { text: value })])),
      el("h4", { text: interactions.length ? "Other interactions" : "No other interactions" }),
      ...(interactions.length ? [el("ul", { class: "customer-history" }, ...interactions.map((other) =>
        el("li", {}, el("button", { type: "button", class: "link", onclick: () => openInteraction(other.id) },
          `${channelIcons[other.channel]} ${other.subject || other.to} · ${campaignName(other.campaign)} · ${other.state}`))))] : []));
  }).catch(() => {});
  return panel;
}

function renderInfo(interaction, campaign, mine, keep = false) {
  const parts = [customerPanel(interaction)];
  const form = campaign.forms.find((f) => f.id === interaction.openForm) || (mine ? campaign.forms.find((f) => f.mandatory) : null);
  const submitted = (interaction.forms || []).map((f) => f.form);
  const existing = $("#form");
  if (form && mine && !submitted.includes(form.id) && keep && existing && existing.dataset.form === form.id) {
    parts.push(existing);
  } else if (form && mine && !submitted.includes(form.id)) {
    const fields = form.fields.map((field) => {
      const id = `field-${field.id}`;
      const input = field.kind === "choice"
        ? el("select", { id, name: field.id, required: field.required }, el("option", { value: "", text: "—" }), ...field.options.map((o) => el("option", { value: o, text: o })))
        : el("input", { id, name: field.id, required: field.required, type: field.kind === "number" ? "text" : field.kind === "date" ? "date" : "text",
                        inputmode: field.kind === "number" ? "decimal" : null });
      return [el("label", { for: id, text: field.label + (field.required ? " *" : "") }), input];
    });
    parts.push(el("form", { class: "form", id: "form", "data-form": form.id, onsubmit: async (event) => {
      event.preventDefault();
      const values = {};
      for (const field of form.fields) { const value = event.target.elements[field.id].value; if (value) values[field.id] = value; }
      await act(interaction.id, "forms", { form: form.id, values });
    } }, el("h3", { text: form.name + (form.mandatory ? " (required to close)" : "") }), ...fields.flat(), el("button", { type: "submit", text: "Submit form" })));
  }
  parts.push(el("h3", { text: "History" }), el("ol", { class: "history" }, ...(interaction.history || []).map((event) =>
    el("li", { text: `${new Date(event.at).toLocaleTimeString()} ${event.actor === interaction.customer ? "customer" : event.actor}: ${event.kind}${event.note ? ` — ${event.note}` : ""}` }))));
  $("#info").replaceChildren(...parts);
}

// An action on the interaction whose buttons were pressed (`id`), not on whatever the agent has
// moved to since.
async function act(id, action, body) {
  try {
    await api("POST", `/interactions/${encodeURIComponent(id)}/${action}`, body);
    await refreshLists();
    if (app.selected === id) await openInteraction(id);
    // Said once the page shows the result.
    announce(`${action === "forms" ? "Form submitted" : action[0].toUpperCase() + action.slice(1)} done.`);
  } catch (error) {
    announce(error.message, "error");
    if (app.selected === id) await openInteraction(id).catch(() => {});
  }
}

async function openTransfer(interactionID) {
  const targets = await api("GET", `/interactions/${encodeURIComponent(interactionID)}/transfer-targets`);
  const dialog = modal("Transfer",
    el("label", { for: "transfer-to", text: "To" }),
    el("select", { id: "transfer-to" },
      el("optgroup", { label: "An agent of this campaign" }, ...targets.agents.map((a) => el("option", { value: `agent:${a.id}`, text: a.name }))),
      el("optgroup", { label: "Another campaign (Pending there)" }, ...targets.campaigns.map((c) => el("option", { value: `campaign:${c.id}`, text: c.name })))),
    el("label", { for: "transfer-note", text: "Note" }), el("textarea", { id: "transfer-note", rows: 3 }),
    el("button", { class: "primary", id: "transfer-go", onclick: async () => {
      const [kind, id] = $("#transfer-to").value.split(":");
      const note = $("#transfer-note").value || undefined;
      dialog.close();
      await act(interactionID, "transfer", { [kind]: id, note });
    }, text: "Transfer" }));
}

// ---- Modals ----

function modal(title, ...content) {
  const dialog = el("dialog", { class: "modal", "aria-label": title },
    el("div", { class: "modal-head" }, el("h2", { text: title }), el("button", { "aria-label": "Close", onclick: () => dialog.close(), text: "✕" })),
    ...content);
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}

// ---- New: channel → campaign → fields ----

function openNew() {
  const dialog = modal("New interaction", el("p", { text: "Channel" }),
    el("div", { class: "choices", role: "group", "aria-label": "Channel" },
      ...app.options.map((option) => el("button", { class: "choice", "data-channel": option.channel, onclick: () => chooseCampaign(dialog, option) },
        `${channelIcons[option.channel]} ${channelNames[option.channel]}`))));
}

function chooseCampaign(dialog, option) {
  const body = [el("p", { text: `${channelNames[option.channel]} · Campaign` }),
    el("div", { class: "choices", role: "group", "aria-label": "Campaign" },
      ...option.campaigns.map((c) => el("button", { class: "choice", "data-campaign": c.id, onclick: () => fields(dialog, option.channel, c.id) }, c.name)))];
  dialog.querySelectorAll(":scope > :not(.modal-head)").forEach((node) => node.remove());
  dialog.append(...body);
}

// Address chips: what is typed or pasted is read by the server's address parser (the one that
// writes the headers), so a chip is an address the message can carry; a text it refuses stays as
// a red chip with the parser's reason, and the start is refused until it is removed.
// `suggestions`: the ID of a <datalist> the input offers; `onChange`: called with the valid
// addresses whenever they change.
function chips(id, label, { suggestions = null, onChange = () => {} } = {}) {
  const entries = [];
  const list = el("span", { class: "chip-list" });
  const input = el("input", { id, "aria-label": label, placeholder: "name@example.com", autocomplete: "off", list: suggestions });
  const changed = () => onChange(entries.filter((e) => !e.error).map((e) => e.addrSpec));
  const chip = (entry) => {
    const node = el("span", { class: "chip" + (entry.error ? " invalid" : ""), "data-value": entry.addrSpec || entry.text,
                              title: entry.error || entry.address, "aria-invalid": entry.error ? "true" : null },
      entry.address || entry.text, entry.error ? el("span", { class: "chip-reason", text: ` — ${entry.error}` }) : null,
      el("button", { type: "button", "aria-label": `Remove ${entry.address || entry.text}`, onclick: () => { entries.splice(entries.indexOf(entry), 1); node.remove(); changed(); } }, "×"));
    entries.push(entry);
    list.append(node);
    changed();
  };
  // Chips are added in the order typed, each once the server has read it.
  let pending = Promise.resolve();
  const add = (text) => {
    if (!text.trim()) return pending;
    pending = pending.then(async () => {
      try {
        const read = await api("POST", "/addresses", { text });
        for (const mailbox of read.addresses) chip(mailbox);
      } catch (problem) {
        chip({ text: text.trim(), error: problem.message });
      }
    });
    return pending;
  };
  const take = () => { const text = input.value; input.value = ""; return add(text); };
  input.addEventListener("keydown", (event) => {
    if ((event.key === "Enter" || event.key === ",") && input.value.trim()) { event.preventDefault(); take(); }
    else if (event.key === "Backspace" && !input.value && entries.length) { entries.pop(); list.lastChild.remove(); changed(); }
  });
  input.addEventListener("paste", (event) => { event.preventDefault(); add(event.clipboardData.getData("text")); });
  input.addEventListener("blur", () => { if (input.value.trim()) take(); });
  return {
    element: el("div", { class: "chips" }, el("label", { for: id, text: label }), list, input),
    values: () => entries.filter((e) => !e.error).map((e) => e.address),
    invalid: () => entries.filter((e) => e.error).length,
    settled: () => pending,
    add,
  };
}

// CC and BCC suggestions for a new email: once the first To address is read, the server offers
// that customer's other addresses and whoever took part in their earlier emails (only those of
// interactions the agent may see), as the inputs' autocomplete and as buttons adding to CC.
function addressSuggestions(cc) {
  const datalist = el("datalist", { id: "new-suggestions" });
  const row = el("div", { class: "suggestions", "aria-label": "Suggested addresses", role: "group" });
  let asked = null;
  const show = async (toAddresses) => {
    const first = toAddresses[0] || null;
    if (first === asked) return;
    asked = first;
    let addresses = [];
    if (first) addresses = (await api("GET", `/address-suggestions?to=${encodeURIComponent(first)}`).catch(() => ({ addresses: [] }))).addresses;
    if (asked !== first) return;
    datalist.replaceChildren(...addresses.map((a) => el("option", { value: a })));
    row.replaceChildren(...(addresses.length ? [el("span", { class: "hint", text: "Suggested:" })] : []),
      ...addresses.map((a) => el("button", { type: "button", class: "suggestion", "aria-label": `Add ${a} to CC`, onclick: (event) => { cc.add(a); event.target.remove(); } }, `+ ${a}`)));
  };
  return { datalist, row, show };
}

function fields(dialog, channel, campaignID) {
  const campaign = app.campaigns.find((c) => c.id === campaignID);
  dialog.querySelectorAll(":scope > :not(.modal-head)").forEach((node) => node.remove());
  const error = el("p", { class: "error", role: "alert" });
  const parts = [el("p", { text: `${channelNames[channel]} · ${campaign.name}` })];
  let to, cc, bcc, subject, number, composer, template;
  if (channel === "email") {
    cc = chips("new-cc", "CC", { suggestions: "new-suggestions" }); bcc = chips("new-bcc", "BCC", { suggestions: "new-suggestions" });
    const suggested = addressSuggestions(cc);
    to = chips("new-to", "To", { onChange: suggested.show });
    subject = el("input", { id: "new-subject", "aria-label": "Subject", placeholder: "Subject" });
    parts.push(to.element, cc.element, suggested.row, bcc.element, suggested.datalist, el("label", { for: "new-subject", text: "Subject" }), subject);
  } else {
    number = el("input", { id: "new-number", type: "tel", "aria-label": "Phone number", placeholder: "+34 612 345 678" });
    parts.push(el("label", { for: "new-number", text: "Phone number" }), number);
    if (channel === "phone" && campaign.channels.phone) parts.push(el("p", { class: "hint", text: "The campaign's dial rule is applied when dialling." }));
  }
  if (channel === "whatsapp") {
    // A WhatsApp conversation opens with an approved template: nothing else is offered.
    const templates = (campaign.channels.whatsapp && campaign.channels.whatsapp.templates) || [];
    const select = el("select", { id: "new-template", "aria-label": "Template" }, ...templates.map((t) => el("option", { value: t.name, text: t.name })));
    const params = el("div", { class: "params" });
    const showParams = () => {
      const chosen = templates.find((t) => t.name === select.value);
      const count = chosen ? new Set((chosen.body.match(/\{\{\s*([^}]+?)\s*\}\}/g) || [])).size : 0;
      params.replaceChildren(el("p", { class: "hint", text: chosen ? chosen.body : "" }),
        ...Array.from({ length: count }, (_, i) => el("input", { class: "param", "aria-label": `Parameter ${i + 1}`, placeholder: `{{${i + 1}}}` })));
    };
    select.addEventListener("change", showParams);
    showParams();
    template = { select, params };
    parts.push(el("label", { for: "new-template", text: "Approved template" }), select, params);
  } else if (channel !== "phone") {
    composer = buildComposer(channel, { inline: true, templates: { campaign: campaignID, subject } });
    parts.push(composer.element);
  }
  parts.push(error, el("button", { class: "primary", id: "start", onclick: async () => {
    if (channel === "email") await Promise.all([to.settled(), cc.settled(), bcc.settled()]);
    if (channel === "email" && [to, cc, bcc].some((field) => field.invalid() > 0)) {
      error.textContent = "Remove the addresses marked in red (or correct them) first.";
      return;
    }
    const body = { channel, campaign: campaignID, to: channel === "email" ? to.values() : [number.value] };
    if (channel === "email") Object.assign(body, { cc: cc.values(), bcc: bcc.values(), subject: subject.value });
    if (template) body.message = { template: template.select.value, parameters: [...template.params.querySelectorAll(".param")].map((p) => p.value) };
    else if (composer) body.message = await composer.message();
    try {
      const started = await api("POST", "/interactions", body);
      dialog.close();
      app.tab = "active";
      await refreshLists();
      selectTab("active");
      await openInteraction(started.id);
      announce("Interaction started.");
    } catch (problem) {
      error.textContent = problem.message + (problem.field ? ` (${problem.field})` : "");
    }
  }, text: "Start new interaction" }));
  dialog.append(...parts);
}

// ---- The composer ----

const emojis = ["😀", "🙂", "😉", "🙏", "👍", "👋", "🎉", "✅", "❤️", "📦", "📞", "✉️"];

function buildComposer(channel, { send, inline = false, templates = null } = {}) {
  const rich = channel === "email";
  const uploads = [];
  const mount = el("div", { class: "editor", id: inline ? "new-editor" : "editor" });
  const toolbar = el("div", { class: "toolbar", role: "toolbar", "aria-label": "Formatting" });
  const preview = el("div", { class: "preview", "aria-live": "polite" });
  const files = el("ul", { class: "files", "aria-label": "Attachments" });
  let view;
  let previewTimer = null;
  const refreshPreview = () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      if (!preview.isConnected || !view) return;
      try {
        const shown = await api("POST", "/preview", { channel, html: Editor.toHTML(view.state) });
        if (channel === "email") {
          const frame = el("iframe", { class: "email-preview" + (app.phoneWidth ? " phone" : ""), title: "Email preview", sandbox: "" });
          frame.srcdoc = shown.html;
          // Desktop or phone width (375 px, as mail apps on a phone lay it out).
          const widths = el("div", { class: "widths", role: "group", "aria-label": "Preview width" },
            ...[["Desktop", false], ["Phone", true]].map(([label, phone]) => el("button", { type: "button", class: "tool", "aria-pressed": String(!!app.phoneWidth === phone),
              onclick: () => { app.phoneWidth = phone; refreshPreview(); }, text: label })));
          preview.replaceChildren(widths, frame);
        } else if (channel === "sms") {
          preview.replaceChildren(el("pre", { class: "sms-preview", text: shown.text }),
            el("p", { class: "hint", text: `${shown.sms.encoding}, ${shown.sms.segmentCount} segment(s)` +
              (shown.sms.nonGSMCharacters.length ? `; UCS-2 because of ${shown.sms.nonGSMCharacters.join(" ")}` : "") }));
        } else {
          // The server's HTML of the bubble (WhatsAppMarkup: marks applied, everything else escaped).
          const bubble = el("div", { class: "bubble" });
          bubble.innerHTML = shown.html;
          preview.replaceChildren(bubble);
        }
      } catch (error) {
        preview.replaceChildren(el("p", { class: "error", text: error.message }));
      }
    }, 250);
  };
  const sync = () => {
    for (const button of toolbar.querySelectorAll("[data-state]")) {
      const active = Editor.activeState(view.state);
      const key = button.dataset.state;
      const on = key.includes("=") ? String(active[key.split("=")[0]]) === key.split("=")[1] : !!active[key];
      button.setAttribute("aria-pressed", String(on));
    }
    refreshPreview();
  };
  view = Editor.createEditor(mount, { onChange: sync, placeholder: "Message" });
  // The selection the browser shows is the one a button acts on (it may not have reached the
  // editor's state yet when the click comes right after a keyboard selection).
  const run = (command) => () => { Editor.syncSelection(view); command(view.state, view.dispatch, view); view.focus(); };
  const button = (label, text, command, state) =>
    el("button", { type: "button", class: "tool", "aria-label": label, title: label, "data-state": state, onmousedown: (e) => e.preventDefault(), onclick: run(command) }, text);
  const S = Editor.schema;
  if (rich) {
    toolbar.append(
      button("Bold (Ctrl+B)", "B", Editor.toggleMark(S.marks.strong), "strong"),
      button("Italic (Ctrl+I)", "I", Editor.toggleMark(S.marks.em), "em"),
      button("Underline (Ctrl+U)", "U", Editor.toggleMark(S.marks.underline), "underline"),
      button("Strikethrough (Ctrl+Shift+X)", "S", Editor.toggleMark(S.marks.strike), "strike"),
      button("Highlight (Ctrl+Shift+H)", "H̲", Editor.toggleMark(S.marks.highlight), "highlight"),
      el("select", { class: "tool", "aria-label": "Text style", onchange: (e) => {
        const value = e.target.value;
        Editor.syncSelection(view);
        (value === "p" ? Editor.setBlock(S.nodes.paragraph) : Editor.setBlock(S.nodes.heading, { level: +value.slice(1) }))(view.state, view.dispatch);
        view.focus();
      } }, el("option", { value: "p", text: "Paragraph" }), ...[1, 2, 3, 4, 5, 6].map((l) => el("option", { value: `h${l}`, text: `Heading ${l}` }))),
      button("Bulleted list (Ctrl+Shift+8)", "•≡", Editor.wrapInList(S.nodes.bullet_list), "list=bullet_list"),
      button("Numbered list (Ctrl+Shift+7)", "1≡", Editor.wrapInList(S.nodes.ordered_list), "list=ordered_list"),
      ...["left", "center", "right", "justify"].map((a) => button(`Align ${a}`, { left: "⇤", center: "↔", right: "⇥", justify: "☰" }[a], Editor.setAlign(a), `align=${a}`)),
      button("Horizontal rule", "―", Editor.insertRule),
      button("Line break (Shift+Enter)", "↵", Editor.insertBreak),
      button("Insert table", "▦", Editor.insertTable(2, 2)),
      button("Add row", "+row", Editor.addRowAfter),
      button("Add column", "+col", Editor.addColumnAfter),
      button("Remove row", "−row", Editor.deleteRow),
      button("Remove column", "−col", Editor.deleteColumn),
      el("button", { type: "button", class: "tool", "aria-label": "Link", title: "Link", "data-state": "link", onmousedown: (e) => e.preventDefault(), onclick: () => {
        Editor.syncSelection(view);
        const href = window.prompt("Link address (https://…)");
        if (href) Editor.toggleMark(S.marks.link, { href })(view.state, view.dispatch);
        view.focus();
      } }, "🔗"),
      button("Undo (Ctrl+Z)", "↶", Editor.undo, "canUndo"),
      button("Redo (Ctrl+Y)", "↷", Editor.redo, "canRedo"));
  }
  const emojiMenu = el("div", { class: "emoji-menu", hidden: true, role: "menu" },
    ...emojis.map((e) => el("button", { type: "button", role: "menuitem", "aria-label": `Insert ${e}`, onmousedown: (ev) => ev.preventDefault(),
      onclick: () => { Editor.insertText(e)(view.state, view.dispatch); emojiMenu.hidden = true; view.focus(); } }, e)));
  toolbar.append(el("button", { type: "button", class: "tool", "aria-label": "Emoji", title: "Emoji", onmousedown: (e) => e.preventDefault(),
    onclick: () => { emojiMenu.hidden = !emojiMenu.hidden; } }, "😊"), emojiMenu);
  const fileInput = el("input", { type: "file", multiple: true, id: inline ? "new-files" : "files", class: "visually-hidden", "aria-label": "Attach files" });
  if (channel !== "sms") {
    fileInput.addEventListener("change", async () => {
      for (const file of fileInput.files) {
        const row = el("li", { class: "file" }, `${file.name} (${Math.ceil(file.size / 1024)} KB) — checking…`);
        files.append(row);
        try {
          const uploaded = await api("POST", `/uploads?name=${encodeURIComponent(file.name)}`, file, { raw: true, contentType: file.type || "application/octet-stream" });
          uploads.push(uploaded.id);
          row.replaceChildren(`${uploaded.name} (${Math.ceil(uploaded.size / 1024)} KB, ${uploaded.contentType}) `,
            el("button", { type: "button", "aria-label": `Remove ${uploaded.name}`, onclick: () => { uploads.splice(uploads.indexOf(uploaded.id), 1); row.remove(); } }, "×"));
        } catch (error) {
          row.className = "file refused";
          row.setAttribute("role", "alert");
          row.textContent = `${file.name}: ${error.message}`;
        }
      }
      fileInput.value = "";
    });
    toolbar.append(el("label", { for: fileInput.id, class: "tool", title: "Attach files", "aria-label": "Attach files" }, "📎"), fileInput);
  }
  if (rich) narrowToolbar(toolbar);
  const message = async () => {
    const body = { html: Editor.toHTML(view.state) };
    if (uploads.length) body.attachments = uploads.slice();
    return body;
  };
  const parts = [toolbar, mount, files];
  if (templates && (channel === "email" || channel === "sms")) parts.unshift(templatePicker(channel, view, { inline, ...templates }));
  // Voice notes are WhatsApp's (the API refuses them elsewhere), in a conversation already open.
  const voice = send && channel === "whatsapp" ? buildVoiceNote({ el, api, send, announce }) : null;
  if (send) {
    parts.push(el("div", { class: "composer-actions" }, voice ? voice.element : null,
      el("button", { type: "button", class: "primary", id: "send", onclick: async () => { await send(await message()); }, text: "Send" })));
  }
  const element = el("div", { class: "composer" + (rich ? " rich" : "") }, el("div", { class: "compose" }, ...parts),
    el("div", { class: "preview-pane" }, el("h3", { text: "Preview" }), preview));
  sync();
  mount.addEventListener("keydown", (event) => {
    if (send && (event.ctrlKey || event.metaKey) && event.key === "Enter") { event.preventDefault(); message().then(send); }
  });
  return { element, view, message, reset: () => { Editor.clear(view); uploads.length = 0; files.replaceChildren(); sync(); } };
}

// ---- The template picker (email and SMS composers) ----

// Lists the campaign's templates for the channel; "Use" fills the chosen one on the server (with
// the interaction's customer when replying) and puts it in the editor, replacing what is there
// (Undo brings it back). Required values nobody has are listed as inputs; "Apply" fills again
// with what the agent typed. WhatsApp has its approved templates instead.
function templatePicker(channel, view, { campaign, interaction = null, subject = null, inline = false }) {
  const prefix = inline ? "new-template" : "template";
  const select = el("select", { id: `${prefix}-choice`, "aria-label": "Template" }, el("option", { value: "", text: "Choose a template…" }));
  const use = el("button", { type: "button", id: `${prefix}-use`, class: "tool", text: "Use template" });
  const about = el("p", { class: "hint template-about", id: `${prefix}-about` });
  const missing = el("div", { class: "template-missing", id: `${prefix}-missing`, role: "group", "aria-label": "Missing values", hidden: true });
  const error = el("p", { class: "template-error", role: "alert" });
  const element = el("div", { class: "template-picker", role: "group", "aria-label": "Template", hidden: true },
    el("div", { class: "template-row" }, el("label", { for: select.id, text: "Template" }), select, use), about, missing, error);
  let templates = [];
  let given = {};
  let filledSubject = null;
  const chosen = () => templates.find((t) => t.name === select.value);
  // An example for a path: the variable's, or its field's for `order.id`.
  const exampleOf = (path) => {
    const [root, ...keys] = path.split(".");
    let value = ((chosen() || { variables: [] }).variables.find((v) => v.name === root) || {}).example;
    for (const key of keys) value = value && typeof value === "object" ? value[key] : undefined;
    return value == null || typeof value === "object" ? "" : String(value);
  };
  const showMissing = (paths) => {
    const lists = new Set((chosen() || { variables: [] }).variables.filter((v) => v.type === "list").map((v) => v.name));
    const inputs = paths.filter((path) => !lists.has(path)).map((path) => {
      const id = `${prefix}-value-${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
      const example = exampleOf(path);
      return el("div", { class: "template-value" }, el("label", { for: id, text: `Missing: ${path}` }),
        el("input", { id, "data-path": path, placeholder: example ? `e.g. ${example}` : "", "aria-label": `Missing: ${path}` }));
    });
    const notes = paths.filter((path) => lists.has(path)).map((path) => el("p", { class: "hint", text: `Missing: ${path} (a list: write it in the message)` }));
    missing.replaceChildren(el("p", { class: "template-warning", text: "Fill these before sending:" }), ...inputs, ...notes,
      ...(inputs.length ? [el("button", { type: "button", id: `${prefix}-apply`, class: "primary", text: "Apply" })] : []));
    missing.hidden = paths.length === 0;
    const apply = missing.querySelector("button");
    if (apply) apply.addEventListener("click", () => {
      for (const input of missing.querySelectorAll("input[data-path]")) if (input.value.trim()) given[input.dataset.path] = input.value;
      fill();
    });
    for (const input of missing.querySelectorAll("input")) {
      input.addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); apply.click(); } });
    }
  };
  const fill = async () => {
    const template = chosen();
    if (!template) return;
    error.textContent = "";
    try {
      const body = { campaign, channel, values: given };
      if (interaction) body.interaction = interaction;
      const filled = await api("POST", `/templates/${encodeURIComponent(template.name)}/fill`, body);
      Editor.setHTML(view, filled.html);
      // The subject is the template's unless the agent wrote their own.
      if (subject && filled.subject && (!subject.value.trim() || subject.value === filledSubject)) subject.value = filledSubject = filled.subject;
      showMissing(filled.missing);
      const first = missing.querySelector("input");
      if (first) first.focus(); else view.focus();
    } catch (problem) {
      error.textContent = problem.message + (problem.field ? ` (${problem.field})` : "");
    }
  };
  select.addEventListener("change", () => {
    const template = chosen();
    about.textContent = template ? template.description + (template.subject ? ` — Subject: ${template.subject}` : "") : "";
  });
  use.addEventListener("click", () => { given = {}; fill(); });
  api("GET", `/templates?campaign=${encodeURIComponent(campaign)}&channel=${channel}`).then((list) => {
    templates = list;
    select.append(...list.map((t) => el("option", { value: t.name, text: t.name })));
    element.hidden = list.length === 0;
  }).catch(() => {});
  return element;
}

// Where the composer is narrow (a phone, or a thread column beside the preview), the toolbar keeps
// the everyday commands in one row and puts the rest behind "More" (style.css hides them by a
// container query on the composer's width; nothing is hidden on a wide composer). Every command
// stays one click away on an empty line, and every shortcut works whatever is shown.
const everyday = new Set(["Bold (Ctrl+B)", "Italic (Ctrl+I)", "Underline (Ctrl+U)", "Bulleted list (Ctrl+Shift+8)", "Numbered list (Ctrl+Shift+7)", "Link",
                          "Emoji", "Attach files"]);
function narrowToolbar(toolbar) {
  for (const tool of toolbar.children) {
    if (tool.classList.contains("tool") && !everyday.has(tool.getAttribute("aria-label"))) tool.classList.add("secondary");
  }
  const more = el("button", { type: "button", class: "tool more", "aria-label": "More formatting", title: "More formatting", "aria-expanded": "false",
    onmousedown: (e) => e.preventDefault(),
    onclick: () => { const open = toolbar.classList.toggle("expanded"); more.setAttribute("aria-expanded", String(open)); } }, "⋯");
  toolbar.append(more);
}

// True once sent. A voice note goes alone: the text being typed stays in the composer.
async function sendMessage(id, message) {
  try {
    app.composing = true;
    await api("POST", `/interactions/${encodeURIComponent(id)}/messages`, message);
    // The agent may have moved on while it was sent: only this interaction's composer is emptied.
    if (!message.voiceNote && app.composer && app.composerFor === id) app.composer.reset();
    announce("Sent.");
    return true;
  } catch (error) {
    announce(error.message, "error");
    return false;
  } finally {
    app.composing = false;
    await openInteraction(id, { keepComposer: true });
  }
}

// ---- Keyboard: N for New, Escape closes a modal (the dialog's own) ----

document.addEventListener("keydown", (event) => {
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName) || document.activeElement.isContentEditable;
  if (typing || !app.me || document.querySelector("dialog[open]")) return;
  if (event.key === "n") { event.preventDefault(); openNew(); }
  // J and K move through the open tab's list (and open the interaction), as in mail readers.
  if (event.key === "j" || event.key === "k") {
    const items = app.lists[app.tab];
    if (items.length === 0) return;
    const at = items.findIndex((item) => item.id === app.selected);
    const next = at < 0 ? 0 : Math.min(items.length - 1, Math.max(0, at + (event.key === "j" ? 1 : -1)));
    event.preventDefault();
    openInteraction(items[next].id).then(() => { const button = document.querySelector(`#list .item[data-id="${CSS.escape(items[next].id)}"]`); if (button) button.focus(); });
  }
});

// A session may already be open (a reload): GET /session tells its CSRF token.
api("GET", "/session").then((session) => { app.csrf = session.csrfToken; return start(); }).catch(() => showSignIn());
