// Visage web UI: one page, routed by the URL's fragment (#/people, #/person/<id>, #/suggestions,
// #/review, #/search, #/settings, #/sign-in). Plain DOM, no framework, no build step: every
// element is made with el(), never from HTML strings, so names and paths from the library can't
// inject markup. The API key is sent once, to POST /ui/session, and never kept: the session lives
// in an HttpOnly cookie, and the CSRF token only in this script's memory.
'use strict';

// ---------------------------------------------------------------------------------------------
// DOM helpers

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const $ = (selector, root = document) => root.querySelector(selector);
const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));
const main = () => $('#main');
const percent = (value) => `${Math.round(value * 100)}%`;
const plural = (count, word) => `${count} ${count === 1 ? word : word === 'person' ? 'people' : `${word}s`}`;

function cropURL(faceID, size = 160) {
  return `/faces/${encodeURIComponent(faceID)}/crop?size=${size}`;
}

function faceImage(faceID, alt, size = 160) {
  if (faceID === null || faceID === undefined) return el('div', { class: 'face-placeholder', role: 'img', 'aria-label': alt }, '?');
  return el('img', { src: cropURL(faceID, size), alt, loading: 'lazy', decoding: 'async', width: size, height: size });
}

function personLabel(name) {
  return name ?? 'Unnamed person';
}

// ---------------------------------------------------------------------------------------------
// Session and API

const session = { loaded: false, signedIn: false, open: false, scopes: new Set(), csrf: null, keyName: null, expiresAt: null };
const can = (scope) => session.scopes.has(scope);

class APIError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  const type = response.headers.get('Content-Type') || '';
  const data = type.includes('json') ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    const error = data?.error ?? {};
    if (response.status === 401 && !path.startsWith('/ui/session')) {
      session.signedIn = false;
      session.loaded = false;
      navigate('#/sign-in');
    }
    throw new APIError(response.status, error.code ?? 'http_error', error.message ?? data?.detail ?? response.statusText);
  }
  return data;
}

async function loadSession() {
  applySession(await api('GET', '/ui/session'));
}

function applySession(payload) {
  session.loaded = true;
  session.signedIn = payload.signed_in;
  session.open = payload.open;
  session.scopes = new Set(payload.scopes);
  session.csrf = payload.csrf_token ?? null;
  session.keyName = payload.key_name ?? null;
  session.expiresAt = payload.expires_at ?? null;
  const nav = $('#nav');
  nav.hidden = !(session.signedIn || session.open);
  for (const link of $$('a[data-scope]', nav)) {
    link.hidden = !link.dataset.scope.split(' ').some(can);
  }
  $('#who').textContent = session.signedIn ? `Signed in as ${session.keyName}` : session.open ? 'Open server (no keys yet)' : '';
}

// ---------------------------------------------------------------------------------------------
// Feedback: toasts and dialogs

function toast(message, { action, kind = 'info', seconds = 6 } = {}) {
  const node = el('div', { class: `toast toast-${kind}` }, el('span', {}, message));
  if (action) {
    node.append(el('button', { type: 'button', onclick: () => { node.remove(); action.run(); } }, action.label));
  }
  $('#toasts').append(node);
  setTimeout(() => node.remove(), seconds * 1000);
  return node;
}

function showError(error) {
  const message = error instanceof APIError ? `${error.message} (${error.code})` : String(error.message ?? error);
  toast(message, { kind: 'error', seconds: 10 });
}

/// Opens the shared <dialog> with a title and content; resolves with what `close(value)` gives, or
/// null when the user presses Escape.
function openDialog(title, build) {
  const dialog = $('#dialog');
  dialog.replaceChildren();
  return new Promise((resolve) => {
    let settled = false;
    const close = (value) => {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      resolve(value);
    };
    dialog.append(el('h2', { id: 'dialog-title' }, title), build(close));
    dialog.addEventListener('close', () => close(null), { once: true });
    dialog.showModal();
    const first = $('[autofocus]', dialog) ?? $('input, button, [tabindex="0"]', dialog);
    first?.focus();
  });
}

function promptText(title, label, { value = '', id = 'prompt-input', submit = 'Save' } = {}) {
  return openDialog(title, (close) => {
    const input = el('input', { id, type: 'text', value, autofocus: true, required: true, autocomplete: 'off' });
    return el('form', {
      class: 'stack',
      onsubmit: (event) => { event.preventDefault(); close(input.value.trim() || null); },
    },
    el('label', { for: id }, label), input,
    el('div', { class: 'row' },
      el('button', { type: 'submit', class: 'primary' }, submit),
      el('button', { type: 'button', onclick: () => close(null) }, 'Cancel')));
  });
}

// ---------------------------------------------------------------------------------------------
// Selectable, keyboard-driven grids: one focused item (roving tabindex), any number selected.
// Arrows move (up and down by a row of the grid), x toggles, shift-click selects a range.

class SelectableGrid {
  constructor(container, { onOpen, onChange } = {}) {
    this.container = container;
    this.onOpen = onOpen;
    this.onChange = onChange;
    this.anchor = null;
    container.addEventListener('click', (event) => this.clicked(event));
  }

  items() {
    return $$('[data-item]', this.container);
  }

  focused() {
    return this.items().find((item) => item.tabIndex === 0) ?? this.items()[0] ?? null;
  }

  focus(item) {
    if (!item) return;
    for (const other of this.items()) other.tabIndex = -1;
    item.tabIndex = 0;
    item.focus();
    item.scrollIntoView({ block: 'nearest' });
  }

  /// Moves by `delta` items, or by whole rows with `rows`.
  move(delta, rows = false) {
    const items = this.items();
    if (items.length === 0) return;
    const current = Math.max(0, items.indexOf(this.focused()));
    let step = delta;
    if (rows) {
      const top = items[current].offsetTop;
      const perRow = items.filter((item) => item.offsetTop === items[0].offsetTop).length || 1;
      step = delta * perRow;
      if (items[current].offsetTop !== top) step = delta;
    }
    this.focus(items[Math.min(items.length - 1, Math.max(0, current + step))]);
  }

  isSelected(item) {
    return item.getAttribute('aria-selected') === 'true';
  }

  setSelected(item, selected) {
    item.setAttribute('aria-selected', String(selected));
    const box = $('input.pick', item);
    if (box) box.checked = selected;
  }

  toggle(item) {
    if (!item) return;
    this.setSelected(item, !this.isSelected(item));
    this.anchor = item;
    this.changed();
  }

  selectAll(selected) {
    for (const item of this.items()) this.setSelected(item, selected);
    const box = $('#select-all');
    if (box) box.checked = selected;
    this.changed();
  }

  selected() {
    return this.items().filter((item) => this.isSelected(item));
  }

  /// The selection, or the focused item when nothing is selected: what an action applies to.
  targets() {
    const selected = this.selected();
    if (selected.length > 0) return selected;
    const focused = this.container.contains(document.activeElement) ? this.focused() : null;
    return focused ? [focused] : [];
  }

  clicked(event) {
    const item = event.target.closest('[data-item]');
    if (!item || !this.container.contains(item)) return;
    if (event.target.closest('a, button:not(.pick)') && !event.target.matches('input.pick')) return;
    if (event.shiftKey && this.anchor) {
      event.preventDefault();
      const items = this.items();
      const [from, to] = [items.indexOf(this.anchor), items.indexOf(item)].sort((a, b) => a - b);
      for (const each of items.slice(from, to + 1)) this.setSelected(each, true);
      this.changed();
    } else if (event.target.matches('input.pick') || item.dataset.clickSelects === 'true') {
      if (!event.target.matches('input.pick')) event.preventDefault();
      this.setSelected(item, event.target.matches('input.pick') ? event.target.checked : !this.isSelected(item));
      this.anchor = item;
      this.changed();
    }
    this.focus(item);
  }

  changed() {
    this.onChange?.(this.selected());
  }

  /// Handles the keys every grid shares; returns true when it did.
  handleKey(event) {
    switch (event.key) {
      case 'ArrowRight': this.move(1); return true;
      case 'ArrowLeft': this.move(-1); return true;
      case 'ArrowDown': this.move(1, true); return true;
      case 'ArrowUp': this.move(-1, true); return true;
      case 'j': this.move(1); return true;
      case 'Home': this.focus(this.items()[0]); return true;
      case 'End': this.focus(this.items().at(-1)); return true;
      case 'x': case ' ': this.toggle(this.focused()); return true;
      case 'A': this.selectAll(this.selected().length < this.items().length); return true;
      case 'Enter': {
        const item = this.focused();
        if (item && this.onOpen) { this.onOpen(item); return true; }
        return false;
      }
      default: return false;
    }
  }
}

function selectAllBox(grid, label = 'Select all') {
  const box = el('input', { type: 'checkbox', id: 'select-all', 'data-testid': 'select-all' });
  box.addEventListener('change', () => grid.selectAll(box.checked));
  return el('label', { class: 'select-all', for: 'select-all' }, box, ` ${label}`);
}

function pickBox(label) {
  return el('input', { type: 'checkbox', class: 'pick', tabindex: -1, 'aria-label': label });
}

// ---------------------------------------------------------------------------------------------
// Pages. Each is a class with render() and an optional key(event) returning true when handled.

class SignInPage {
  static title = 'Sign in';

  render() {
    const input = el('input', { id: 'api-key', name: 'api-key', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, autofocus: true, placeholder: 'vsk_…' });
    const message = el('p', { id: 'sign-in-error', class: 'error', role: 'alert' });
    const form = el('form', {
      class: 'card sign-in stack',
      onsubmit: async (event) => {
        event.preventDefault();
        message.textContent = '';
        try {
          applySession(await api('POST', '/ui/session', { api_key: input.value }));
          input.value = '';
          navigate(defaultPage());
        } catch (error) {
          message.textContent = error instanceof APIError ? error.message : String(error);
        }
      },
    },
    el('h1', {}, 'Sign in to Visage'),
    el('label', { for: 'api-key' }, 'API key'), input,
    el('p', { class: 'muted' }, 'The key is exchanged for a session cookie and is not stored by this page. Create one with ',
      el('code', {}, 'visage keys create --name NAME --scope faces:write --scope review'), '.'),
    el('button', { type: 'submit', class: 'primary', id: 'sign-in' }, 'Sign in'), message);
    main().replaceChildren(form);
    input.focus();
  }
}

class PeoplePage {
  static title = 'People';
  static pageSize = 120;

  async render() {
    const info = await api('GET', '/faceinfo');
    this.people = info.clusters.filter((cluster) => cluster.face_count > 0).sort(PeoplePage.order);
    this.shown = PeoplePage.pageSize;
    this.search = el('input', { id: 'people-search', type: 'search', placeholder: 'Search by name', 'aria-label': 'Search people by name', autocomplete: 'off' });
    this.search.addEventListener('input', () => { this.shown = PeoplePage.pageSize; this.draw(); });
    this.list = el('div', { class: 'grid people-grid', role: 'list', 'aria-label': 'People' });
    this.more = el('button', { type: 'button', class: 'more', onclick: () => { this.shown += PeoplePage.pageSize; this.draw(); } }, 'Show more');
    this.grid = new SelectableGrid(this.list, { onOpen: (item) => navigate(`#/person/${encodeURIComponent(item.dataset.clusterId)}`) });
    main().replaceChildren(
      el('div', { class: 'page-head' },
        el('h1', {}, 'People'),
        el('p', { class: 'muted' }, `${plural(info.total_clusters, 'person')}, ${info.named_clusters} named, ${plural(info.total_faces, 'face')}`),
        this.search),
      this.list, this.more);
    this.draw();
    this.grid.focus(this.grid.items()[0]);
  }

  /// Named people first, by name; then unnamed ones, largest first.
  static order(a, b) {
    if ((a.name === null) !== (b.name === null)) return a.name === null ? 1 : -1;
    if (a.name !== null && a.name !== b.name) return a.name.localeCompare(b.name);
    return b.face_count - a.face_count || a.cluster_id.localeCompare(b.cluster_id);
  }

  draw() {
    const query = this.search.value.trim().toLowerCase();
    const matching = query ? this.people.filter((person) => person.name?.toLowerCase().includes(query)) : this.people;
    const cards = matching.slice(0, this.shown).map((person) => el('a', {
      class: 'card person-card', role: 'listitem', 'data-item': true, 'data-testid': 'person-card',
      'data-cluster-id': person.cluster_id, href: `#/person/${encodeURIComponent(person.cluster_id)}`, tabindex: -1,
    },
    faceImage(person.cover_face_id, person.name ? `Face of ${person.name}` : 'Face of an unnamed person'),
    el('span', { class: person.name ? 'name' : 'name unnamed' }, person.name ?? 'unnamed'),
    el('span', { class: 'muted' }, plural(person.face_count, 'face'))));
    this.list.replaceChildren(...cards);
    if (cards.length === 0) this.list.append(el('p', { class: 'muted' }, query ? 'Nobody has that name.' : 'No people yet: recognise some photos first.'));
    this.more.hidden = matching.length <= this.shown;
    if (cards[0]) cards[0].tabIndex = 0;
  }

  key(event) {
    if (event.key === '/') { this.search.focus(); return true; }
    if (event.key === 'k') { this.grid.move(-1); return true; }
    return this.grid.handleKey(event);
  }
}

class PersonPage {
  static title = 'Person';
  static pageSize = 200;

  constructor(clusterID) {
    this.clusterID = clusterID;
  }

  async render() {
    const [info, listing] = await Promise.all([
      api('GET', `/faceinfo?cluster_id=${encodeURIComponent(this.clusterID)}`),
      api('GET', `/faces/clusters/${encodeURIComponent(this.clusterID)}/faces`),
    ]);
    this.cluster = info.clusters[0];
    this.faces = listing.faces;
    this.shown = PersonPage.pageSize;
    const writable = can('faces:write');
    this.selectionNote = el('span', { class: 'muted', id: 'selection-count' });
    const button = (label, keys, run, attributes = {}) => el('button', { type: 'button', 'aria-keyshortcuts': keys, onclick: run, ...attributes }, label);
    const actions = writable ? el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Person actions' },
      button(this.cluster.name ? 'Rename' : 'Name', 'n', () => this.rename(), { id: 'rename' }),
      button('Merge into…', 'm', () => this.merge(), { id: 'merge' }),
      button('Split selected', 's', () => this.split(), { id: 'split' }),
      button('Not this person', 'r', () => this.notThisPerson(), { id: 'not-this-person' }),
      this.selectionNote) : null;
    this.list = el('div', { class: 'grid face-grid', role: 'list', 'aria-label': 'Faces', 'aria-multiselectable': 'true' });
    this.grid = new SelectableGrid(this.list, {
      onOpen: (item) => this.preview(item),
      onChange: (selected) => { this.selectionNote.textContent = selected.length ? `${selected.length} selected` : ''; },
    });
    this.more = el('button', { type: 'button', class: 'more', onclick: () => { this.shown += PersonPage.pageSize; this.draw(); } }, 'Show more');
    main().replaceChildren(
      el('div', { class: 'page-head' },
        el('a', { href: '#/people', class: 'back' }, '← People'),
        el('h1', { id: 'person-name' }, personLabel(this.cluster.name)),
        el('p', { class: 'muted' }, `${plural(this.cluster.face_count, 'face')}${this.cluster.pinned ? ' · confirmed by you' : ''}`),
        actions, writable ? selectAllBox(this.grid) : null),
      this.list, this.more);
    this.draw();
    this.grid.focus(this.grid.items()[0]);
  }

  draw() {
    const tiles = this.faces.slice(0, this.shown).map((face) => el('div', {
      class: 'card face-tile', role: 'listitem', 'data-item': true, 'data-testid': 'face-tile', 'data-face-id': face.face_id,
      'data-click-selects': 'true', 'aria-selected': 'false', tabindex: -1, title: face.image_path,
    },
    pickBox(`Select face ${face.face_id}`),
    faceImage(face.face_id, `Face ${face.face_id} in ${face.image_id}`),
    el('span', { class: 'caption' }, face.image_id)));
    this.list.replaceChildren(...tiles);
    this.more.hidden = this.faces.length <= this.shown;
    if (tiles[0]) tiles[0].tabIndex = 0;
  }

  selectedFaceIDs() {
    return this.grid.targets().map((item) => Number(item.dataset.faceId));
  }

  async rename() {
    const name = await promptText(this.cluster.name ? `Rename ${this.cluster.name}` : 'Name this person', 'Name', { value: this.cluster.name ?? '', id: 'name-input' });
    if (!name) return;
    if (this.cluster.name) await api('POST', '/faces/rename', { old_name: this.cluster.name, new_name: name });
    else await api('POST', `/faces/clusters/${encodeURIComponent(this.clusterID)}/name`, { name });
    toast(`Named ${name}`);
    await this.render();
  }

  async merge() {
    const [similar, everyone] = await Promise.all([
      api('GET', `/faces/clusters/${encodeURIComponent(this.clusterID)}/similar?limit=30`),
      api('GET', '/faceinfo'),
    ]);
    const similarity = new Map(similar.similar.map((entry) => [entry.cluster_id, entry.similarity]));
    const candidates = [
      ...similar.similar,
      ...everyone.clusters.filter((cluster) => cluster.cluster_id !== this.clusterID && !similarity.has(cluster.cluster_id) && cluster.face_count > 0)
        .sort(PeoplePage.order),
    ];
    const target = await openDialog(`Merge ${personLabel(this.cluster.name)} into…`, (close) => {
      const filter = el('input', { type: 'search', id: 'merge-filter', placeholder: 'Filter by name', 'aria-label': 'Filter people by name', autofocus: true, autocomplete: 'off' });
      const list = el('div', { class: 'picker', role: 'listbox', 'aria-label': 'People to merge into' });
      const draw = () => {
        const query = filter.value.trim().toLowerCase();
        const shown = candidates.filter((cluster) => !query || cluster.name?.toLowerCase().includes(query)).slice(0, 60);
        list.replaceChildren(...shown.map((cluster) => el('button', {
          type: 'button', class: 'pick-person', role: 'option', 'data-testid': 'merge-target', 'data-cluster-id': cluster.cluster_id,
          onclick: () => close(cluster),
        },
        faceImage(cluster.cover_face_id, `Face of ${personLabel(cluster.name)}`, 64),
        el('span', { class: 'name' }, personLabel(cluster.name)),
        el('span', { class: 'muted' }, `${plural(cluster.face_count, 'face')}${similarity.has(cluster.cluster_id) ? ` · ${percent(similarity.get(cluster.cluster_id))} similar` : ''}`))));
      };
      filter.addEventListener('input', draw);
      filter.addEventListener('keydown', (event) => {
        if (event.key === 'ArrowDown' || event.key === 'Enter') { event.preventDefault(); $('button', list)?.focus(); }
      });
      list.addEventListener('keydown', (event) => {
        const buttons = $$('button', list);
        const index = buttons.indexOf(document.activeElement);
        if (event.key === 'ArrowDown' || event.key === 'j') { event.preventDefault(); buttons[Math.min(buttons.length - 1, index + 1)]?.focus(); }
        if (event.key === 'ArrowUp' || event.key === 'k') { event.preventDefault(); (index <= 0 ? filter : buttons[index - 1]).focus(); }
      });
      draw();
      return el('div', { class: 'stack' }, filter, list, el('button', { type: 'button', onclick: () => close(null) }, 'Cancel'));
    });
    if (!target) return;
    await api('POST', '/faces/clusters/merge', { source_cluster_id: this.clusterID, target_cluster_id: target.cluster_id });
    toast(`Merged into ${personLabel(target.name)}`);
    navigate(`#/person/${encodeURIComponent(target.cluster_id)}`);
  }

  async split() {
    const faceIDs = this.selectedFaceIDs();
    if (faceIDs.length === 0) return toast('Select the faces to split off first (x or click).');
    const name = await openDialog(`Split ${plural(faceIDs.length, 'face')} into a new person`, (close) => {
      const input = el('input', { id: 'split-name', type: 'text', autocomplete: 'off', autofocus: true });
      return el('form', { class: 'stack', onsubmit: (event) => { event.preventDefault(); close({ name: input.value.trim() }); } },
        el('label', { for: 'split-name' }, 'Name of the new person (optional)'), input,
        el('div', { class: 'row' }, el('button', { type: 'submit', class: 'primary' }, 'Split'), el('button', { type: 'button', onclick: () => close(null) }, 'Cancel')));
    });
    if (!name) return;
    const result = await api('POST', `/faces/clusters/${encodeURIComponent(this.clusterID)}/split`, { face_ids: faceIDs, ...(name.name ? { name: name.name } : {}) });
    toast(`Split ${plural(faceIDs.length, 'face')} into a new person`, { action: { label: 'Open', run: () => navigate(`#/person/${encodeURIComponent(result.cluster_id)}`) } });
    await this.render();
  }

  /// The faces leave this person and may never join it again: a split without a name, which
  /// forbids them the name they leave (the API's rule for split).
  async notThisPerson() {
    const faceIDs = this.selectedFaceIDs();
    if (faceIDs.length === 0) return toast('Select the faces that are not this person first (x or click).');
    await api('POST', `/faces/clusters/${encodeURIComponent(this.clusterID)}/split`, { face_ids: faceIDs });
    toast(`${plural(faceIDs.length, 'face')} marked as not ${personLabel(this.cluster.name)}`);
    await this.render();
  }

  preview(item) {
    const faceID = item.dataset.faceId;
    openDialog(`Face ${faceID}`, (close) => el('div', { class: 'stack' },
      el('img', { class: 'preview', src: cropURL(faceID, 512), alt: `Face ${faceID}, larger` }),
      el('p', { class: 'muted' }, item.title),
      el('button', { type: 'button', onclick: () => close(null), autofocus: true }, 'Close')));
  }

  key(event) {
    if (event.key === 'k') { this.grid.move(-1); return true; }
    if (can('faces:write')) {
      const actions = { n: () => this.rename(), m: () => this.merge(), s: () => this.split(), r: () => this.notThisPerson() };
      if (actions[event.key]) { run(actions[event.key]); return true; }
    }
    return this.grid.handleKey(event);
  }
}

class SuggestionsPage {
  static title = 'Suggestions';

  async render() {
    const [result, info] = await Promise.all([api('GET', '/faces/suggestions'), api('GET', '/faceinfo')]);
    const covers = new Map(info.clusters.map((cluster) => [cluster.cluster_id, cluster.cover_face_id]));
    this.list = el('div', { class: 'suggestions', role: 'list', 'aria-label': 'Name suggestions', 'aria-multiselectable': 'true' });
    this.grid = new SelectableGrid(this.list, { onOpen: (item) => navigate(`#/person/${encodeURIComponent(item.dataset.clusterId)}`) });
    const writable = can('faces:write');
    for (const suggestion of result.suggestions) {
      const row = el('div', {
        class: 'card suggestion', role: 'listitem', 'data-item': true, 'data-testid': 'suggestion', 'data-cluster-id': suggestion.cluster_id,
        'data-name': suggestion.suggested_name, 'aria-selected': 'false', tabindex: -1,
      },
      writable ? pickBox(`Select the suggestion ${suggestion.suggested_name}`) : null,
      faceImage(covers.get(suggestion.cluster_id), 'Face of the unnamed person', 96),
      el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'),
      faceImage(covers.get(suggestion.reference_cluster_id), `Face of ${suggestion.suggested_name}`, 96),
      el('div', { class: 'stack tight' },
        el('strong', {}, `Is this ${suggestion.suggested_name}?`),
        el('span', { class: 'muted' }, `${percent(suggestion.similarity_score)} similar · ${plural(suggestion.face_count, 'face')}`)),
      writable ? el('div', { class: 'row' },
        el('button', { type: 'button', class: 'primary', 'data-action': 'accept', onclick: () => run(() => this.decide([row], true)) }, 'Accept'),
        el('button', { type: 'button', 'data-action': 'reject', onclick: () => run(() => this.decide([row], false)) }, 'Reject')) : null);
      this.list.append(row);
    }
    main().replaceChildren(
      el('div', { class: 'page-head' },
        el('h1', {}, 'Suggestions'),
        el('p', { class: 'muted' }, result.suggestions.length ? 'Unnamed people who look like someone you named, most certain first. a accepts, r rejects; x selects several.' : 'Nothing to confirm: every unnamed person is unlike the people you named.'),
        writable && result.suggestions.length ? el('div', { class: 'toolbar' },
          selectAllBox(this.grid),
          el('button', { type: 'button', id: 'accept-selected', onclick: () => run(() => this.decide(this.grid.targets(), true)) }, 'Accept selected'),
          el('button', { type: 'button', id: 'reject-selected', onclick: () => run(() => this.decide(this.grid.targets(), false)) }, 'Reject selected')) : null),
      this.list);
    this.grid.focus(this.grid.items()[0]);
  }

  async decide(rows, accept) {
    if (rows.length === 0) return;
    let done = 0;
    for (const row of rows) {
      const { clusterId, name } = row.dataset;
      if (accept) await api('POST', `/faces/clusters/${encodeURIComponent(clusterId)}/name`, { name });
      else await api('POST', '/faces/suggestions/reject', { cluster_id: clusterId, name });
      done += 1;
    }
    toast(`${accept ? 'Accepted' : 'Rejected'} ${plural(done, 'suggestion')}`);
    await this.render();
  }

  key(event) {
    if (event.key === 'k') { this.grid.move(-1); return true; }
    if (can('faces:write') && (event.key === 'a' || event.key === 'r')) {
      run(() => this.decide(this.grid.targets(), event.key === 'a'));
      return true;
    }
    return this.grid.handleKey(event);
  }
}

class ReviewPage {
  static title = 'Review';
  static pageSize = 60;

  constructor(offset) {
    this.offset = Math.max(0, Number(offset) || 0);
  }

  async render() {
    const settings = await api('GET', '/api/settings/face-recognition');
    if (!settings.review_path || !settings.destination_path) {
      main().replaceChildren(el('div', { class: 'page-head' }, el('h1', {}, 'Review'),
        el('p', {}, 'Routing is not set up: the review and destination folders are chosen in ', el('a', { href: '#/settings' }, 'Settings'), '.')));
      return;
    }
    const page = await api('GET', `/api/review/list?limit=${ReviewPage.pageSize}&offset=${this.offset}`);
    this.items = new Map(page.items.map((item) => [item.file_path, item]));
    this.count = el('span', { class: 'muted', id: 'selection-count' });
    this.list = el('div', { class: 'grid review-grid', role: 'list', 'aria-label': 'Files to review', 'aria-multiselectable': 'true' });
    this.grid = new SelectableGrid(this.list, {
      onOpen: (item) => this.lightbox(item.dataset.filePath),
      onChange: (selected) => { this.count.textContent = selected.length ? `${selected.length} selected` : ''; },
    });
    for (const item of page.items) this.list.append(this.tile(item));
    this.destination = el('input', { id: 'keep-destination', type: 'text', placeholder: 'folder under the destination (optional)', 'aria-label': 'Destination folder for Keep', autocomplete: 'off' });
    this.person = el('input', { id: 'reference-name', type: 'text', placeholder: 'person name', 'aria-label': 'Person name for Add as reference', autocomplete: 'off' });
    const first = this.offset + 1, last = this.offset + page.items.length;
    const pager = el('div', { class: 'row pager' },
      el('button', { type: 'button', id: 'previous-page', disabled: this.offset === 0, onclick: () => navigate(`#/review/${Math.max(0, this.offset - ReviewPage.pageSize)}`) }, '← Newer'),
      el('span', { class: 'muted' }, page.total ? `${first}–${last} of ${page.total}` : 'Nothing to review'),
      el('button', { type: 'button', id: 'next-page', disabled: last >= page.total, onclick: () => navigate(`#/review/${this.offset + ReviewPage.pageSize}`) }, 'Older →'));
    main().replaceChildren(
      el('div', { class: 'page-head' },
        el('h1', {}, 'Review'),
        el('p', { class: 'muted' }, `Files routing could not place, newest first. Keep moves a file under ${settings.destination_path}; Delete moves it to the trash (undo from the message).`),
        el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Batch actions' },
          selectAllBox(this.grid), this.count,
          el('span', { class: 'group' }, this.destination,
            el('button', { type: 'button', class: 'primary', 'data-testid': 'batch-keep', 'aria-keyshortcuts': 'k', onclick: () => run(() => this.keep()) }, 'Keep')),
          el('span', { class: 'group' }, this.person,
            el('button', { type: 'button', 'data-testid': 'batch-add-reference', 'aria-keyshortcuts': 'a', onclick: () => run(() => this.addReference()) }, 'Add as reference')),
          el('button', { type: 'button', class: 'danger', 'data-testid': 'batch-delete', 'aria-keyshortcuts': 'Delete', onclick: () => run(() => this.remove()) }, 'Delete'))),
      this.list, pager);
    this.grid.focus(this.grid.items()[0]);
  }

  tile(item) {
    const faces = item.error ? [el('span', { class: 'badge error' }, item.error.code)]
      : item.faces.length === 0 ? [el('span', { class: 'badge' }, 'no face')]
        : item.faces.slice(0, 4).map((face) => el('span', {
          class: face.person_name ? 'badge match' : 'badge',
          // The distance is seed 003's: a match is within the tolerance (0.6 by default).
          title: face.nearest_person ? `Distance ${face.distance.toFixed(2)} to the closest reference` : null,
        }, face.person_name ?? (face.nearest_person ? `no match (closest: ${face.nearest_person}, ${face.distance.toFixed(2)})` : 'no match')));
    return el('div', {
      class: 'card review-item', role: 'listitem', 'data-item': true, 'data-testid': 'review-item', 'data-file-path': item.file_path,
      'data-click-selects': 'true', 'aria-selected': 'false', tabindex: -1, title: item.file_path,
    },
    pickBox(`Select ${item.file_name}`),
    el('img', { src: item.thumbnail_url, alt: `${item.media_type === 'video' ? 'Video' : 'Photo'} ${item.file_name}`, loading: 'lazy', decoding: 'async' }),
    item.media_type === 'video' ? el('span', { class: 'badge video' }, '▶ video') : null,
    el('span', { class: 'caption' }, item.file_name),
    el('span', { class: 'badges' }, faces),
    el('button', { type: 'button', class: 'open', 'aria-label': `Preview ${item.file_name}`, onclick: () => this.lightbox(item.file_path) }, '⤢'));
  }

  targets() {
    return this.grid.targets().map((item) => item.dataset.filePath);
  }

  async keep(paths = this.targets()) {
    if (paths.length === 0) return toast('Select files first (x, click, or Select all).');
    const result = await api('POST', '/api/review/batch/keep', { file_paths: paths, destination: this.destination.value.trim() });
    this.report(result, 'Kept');
    await this.render();
  }

  async addReference(paths = this.targets()) {
    if (paths.length === 0) return toast('Select files first (x, click, or Select all).');
    let name = this.person.value.trim();
    if (!name) name = await promptText('Add as reference', 'Who is it?', { id: 'reference-prompt', submit: 'Add' });
    if (!name) return;
    this.person.value = name;
    const result = await api('POST', '/api/review/batch/add-reference', { file_paths: paths, person_name: name, destination: this.destination.value.trim() });
    this.report(result, `Added as references of ${name}:`);
    await this.render();
  }

  async remove(paths = this.targets()) {
    if (paths.length === 0) return toast('Select files first (x, click, or Select all).');
    const result = await api('POST', '/api/review/batch/delete', { file_paths: paths });
    const trashed = result.results.filter((entry) => entry.ok).map((entry) => entry.moved_to);
    this.report(result, 'Deleted', trashed.length ? {
      label: 'Undo',
      run: () => run(async () => {
        for (const path of trashed) await api('POST', '/api/review/restore', { trash_path: path });
        toast(`Restored ${plural(trashed.length, 'file')}`);
        await this.render();
      }),
    } : undefined);
    await this.render();
  }

  report(result, verb, action) {
    const failed = result.results.filter((entry) => !entry.ok);
    toast(`${verb} ${plural(result.succeeded, 'file')}${failed.length ? `; ${failed.length} failed: ${failed.map((entry) => `${entry.file_path.split('/').pop()} (${entry.error.code})`).join(', ')}` : ''}`,
      { kind: failed.length ? 'error' : 'info', action, seconds: action ? 12 : 8 });
  }

  lightbox(path) {
    const item = this.items.get(path);
    if (!item) return;
    const media = `/api/review/media?file_path=${encodeURIComponent(path)}`;
    const paths = Array.from(this.items.keys());
    const showable = item.media_type === 'video' || /\.(jpe?g|png|gif|webp)$/i.test(item.file_name);
    openDialog(item.file_name, (close) => {
      const view = item.media_type === 'video'
        ? el('video', { class: 'preview', src: media, controls: true, preload: 'metadata', poster: item.thumbnail_url, 'aria-label': `Video ${item.file_name}` })
        : el('img', { class: 'preview', src: showable ? media : item.thumbnail_url, alt: `Photo ${item.file_name}` });
      const step = (delta) => {
        const next = paths[paths.indexOf(path) + delta];
        if (next) { close(null); this.lightbox(next); }
      };
      const act = (action) => () => { close(null); run(() => action([path])); };
      const body = el('div', { class: 'stack lightbox', tabindex: 0 },
        view,
        el('p', { class: 'muted' }, item.file_path),
        el('ul', { class: 'faces' }, item.faces.map((face) => el('li', {},
          face.person_name ? `${face.person_name} (distance ${face.distance.toFixed(2)})` : `No match${face.nearest_person ? `; nearest ${face.nearest_person} at ${face.distance.toFixed(2)}` : ''}`))),
        el('div', { class: 'row' },
          el('button', { type: 'button', onclick: () => step(-1) }, '← Previous'),
          el('button', { type: 'button', class: 'primary', onclick: act((p) => this.keep(p)) }, 'Keep'),
          el('button', { type: 'button', onclick: act((p) => this.addReference(p)) }, 'Add as reference'),
          el('button', { type: 'button', class: 'danger', onclick: act((p) => this.remove(p)) }, 'Delete'),
          el('button', { type: 'button', onclick: () => step(1) }, 'Next →'),
          el('button', { type: 'button', onclick: () => close(null), autofocus: true }, 'Close')));
      body.addEventListener('keydown', (event) => {
        if (event.target.matches('input, textarea, video')) return;
        const keys = { ArrowRight: () => step(1), ArrowLeft: () => step(-1), k: act((p) => this.keep(p)), a: act((p) => this.addReference(p)), Delete: act((p) => this.remove(p)) };
        if (keys[event.key]) { event.preventDefault(); event.stopPropagation(); keys[event.key](); }
      });
      return body;
    });
  }

  key(event) {
    const actions = { k: () => this.keep(), a: () => this.addReference(), Delete: () => this.remove(), Backspace: () => this.remove() };
    if (actions[event.key]) { run(actions[event.key]); return true; }
    return this.grid.handleKey(event);
  }
}

class SearchPage {
  static title = 'Search';

  async render() {
    const [health, collections] = await Promise.all([
      api('GET', '/health'),
      can('facedb:read') ? api('GET', '/facedb/collections').catch(() => ({ collections: [] })) : { collections: [] },
    ]);
    const file = el('input', { id: 'search-file', type: 'file', accept: 'image/*', required: true });
    const collection = el('select', { id: 'search-collection', 'aria-label': 'Face-database collection' },
      el('option', { value: '' }, 'People only'),
      (collections.collections ?? []).map((entry) => el('option', { value: entry.collection ?? entry.name }, `People and collection ${entry.collection ?? entry.name}`)));
    this.results = el('div', { id: 'search-results', class: 'stack', 'aria-live': 'polite' });
    const clip = health.models_loaded?.clip === true;
    main().replaceChildren(
      el('div', { class: 'page-head' }, el('h1', {}, 'Search')),
      el('form', { class: 'card stack', onsubmit: (event) => { event.preventDefault(); run(() => this.searchFaces(file.files[0], collection.value)); } },
        el('h2', {}, 'Find a face'),
        el('label', { for: 'search-file' }, 'A photo with the face to look for'), file,
        can('facedb:read') ? collection : null,
        el('button', { type: 'submit', class: 'primary', id: 'search-faces' }, 'Search')),
      this.results,
      this.semanticSection(clip));
  }

  /// Text and similar-image search over the images encoded with POST /images/encode.
  semanticSection(clip) {
    const query = el('input', { id: 'text-search', type: 'search', placeholder: 'a dog on a beach', disabled: !clip, 'aria-label': 'Describe the photo' });
    const example = el('input', { id: 'similar-file', type: 'file', accept: 'image/*', disabled: !clip, 'aria-label': 'A photo to find similar ones to' });
    this.semanticResults = el('ol', { id: 'semantic-results', class: 'plain', 'aria-live': 'polite' });
    const show = (answer) => this.showImageMatches(answer.results);
    return el('section', { class: 'card stack', 'aria-labelledby': 'semantic-title' },
      el('h2', { id: 'semantic-title' }, 'Search photos by text or by example'),
      el('form', { class: 'stack', onsubmit: (event) => { event.preventDefault(); if (query.value.trim()) run(async () => show(await api('POST', '/search', { query: query.value, limit: 24 }))); } },
        query, el('button', { type: 'submit', id: 'text-search-go', disabled: !clip }, 'Search by text')),
      el('form', { class: 'stack', onsubmit: (event) => { event.preventDefault(); if (example.files[0]) run(async () => { const data = new FormData(); data.append('file', example.files[0], example.files[0].name); data.append('limit', '24'); show(await api('POST', '/search/similar', data)); }); } },
        el('label', { for: 'similar-file' }, 'Photos like this one'), example, el('button', { type: 'submit', id: 'similar-search-go', disabled: !clip }, 'Find similar')),
      el('p', { class: clip ? 'muted' : 'muted unavailable', id: 'semantic-status' },
        clip ? 'Searches the photos encoded for search (POST /images/encode) with the CLIP models.' : 'Unavailable: this server has no CLIP models installed (put ViT-B-32__openai in the model directory).'),
      this.semanticResults);
  }

  showImageMatches(results) {
    this.semanticResults.replaceChildren(...(results.length === 0 ? [el('li', { class: 'muted' }, 'No encoded photo matches.')] : results.map((match) =>
      el('li', { 'data-testid': 'image-match', 'data-image-id': match.image_id },
        el('strong', {}, match.image_id), ` · ${percent(match.score)} · `, el('span', { class: 'muted' }, match.image_path ?? 'no path')))));
  }

  async searchFaces(file, collection) {
    if (!file) return;
    this.results.replaceChildren(el('p', { class: 'muted' }, 'Searching…'));
    const form = () => { const data = new FormData(); data.append('file', file, file.name); return data; };
    const [people, database] = await Promise.all([
      can('faces:read') ? api('POST', '/faces/search', form()) : null,
      collection ? api('POST', `/facedb/search?collection=${encodeURIComponent(collection)}`, form()) : null,
    ]);
    const preview = el('img', { class: 'query', src: URL.createObjectURL(file), alt: 'The photo searched with' });
    const sections = [preview];
    (people?.faces ?? []).forEach((face, index) => {
      sections.push(el('h2', {}, `Face ${index + 1}: ${plural(face.matches.length, 'match')} among people`));
      sections.push(el('div', { class: 'grid face-grid' }, face.matches.map((match) => el('a', {
        class: 'card face-tile', href: match.cluster_id ? `#/person/${encodeURIComponent(match.cluster_id)}` : '#/people', 'data-testid': 'search-match', 'data-face-id': match.face_id,
      },
      faceImage(match.face_id, `Face ${match.face_id} of ${personLabel(match.name)}`),
      el('span', { class: 'name' }, personLabel(match.name)),
      el('span', { class: 'muted' }, `${percent(match.similarity)} similar · ${match.image_id}`)))));
    });
    (database?.faces ?? []).forEach((face, index) => {
      sections.push(el('h2', {}, `Face ${index + 1}: ${plural(face.matches.length, 'match')} in ${collection}`));
      sections.push(el('ul', { class: 'plain' }, face.matches.map((match) => el('li', { 'data-testid': 'collection-match' },
        `${match.image_id} (${match.file}) · ${percent(match.similarity)} similar`))));
    });
    if ((people?.faces ?? []).length === 0 && (database?.faces ?? []).length === 0) sections.push(el('p', {}, 'No face was found in that photo.'));
    this.results.replaceChildren(...sections);
  }
}

class SettingsPage {
  static title = 'Settings';

  async render() {
    const [health, settings, status] = await Promise.all([
      api('GET', '/health'),
      can('review') ? api('GET', '/api/settings/face-recognition') : null,
      can('admin') ? api('GET', '/api/status').catch(() => null) : null,
    ]);
    const sections = [el('div', { class: 'page-head' }, el('h1', {}, 'Settings and status'))];
    if (settings) sections.push(this.routingForm(settings));
    sections.push(this.statusSection(health, status));
    sections.push(el('section', { class: 'card stack' },
      el('h2', {}, 'Session'),
      el('p', {}, session.signedIn ? `Signed in as ${session.keyName} until ${new Date(session.expiresAt).toLocaleString()}.` : 'This server has no API keys yet, so it is open to this machine.'),
      el('p', { class: 'muted' }, `Scopes: ${Array.from(session.scopes).join(', ')}`),
      session.signedIn ? el('button', { type: 'button', id: 'sign-out', onclick: () => run(signOut) }, 'Sign out') : null));
    main().replaceChildren(...sections);
  }

  routingForm(settings) {
    const editable = can('admin');
    const field = (name, label, attributes = {}) => {
      const input = el('input', { id: `setting-${name}`, name, value: settings[name] ?? '', disabled: !editable, autocomplete: 'off', ...attributes });
      return [el('label', { for: input.id }, label), input];
    };
    const enabled = el('input', { id: 'setting-enabled', type: 'checkbox', checked: settings.enabled, disabled: !editable });
    const message = el('p', { role: 'status', id: 'settings-message' });
    return el('form', {
      class: 'card stack settings',
      onsubmit: (event) => {
        event.preventDefault();
        run(async () => {
          const form = event.target;
          const body = { enabled: enabled.checked, tolerance: Number(form.tolerance.value) };
          for (const name of ['person_name', 'inbox_path', 'destination_path', 'review_path']) body[name] = form[name].value.trim();
          try {
            await api('PUT', '/api/settings/face-recognition', body);
            message.textContent = 'Saved.';
          } catch (error) {
            message.textContent = error.message;
            throw error;
          }
        });
      },
    },
    el('h2', {}, 'Face recognition routing (seed 003)'),
    el('label', { class: 'inline', for: 'setting-enabled' }, enabled, ' Route media by face'),
    ...field('person_name', 'Only this person (empty: anyone with a reference)'),
    ...field('tolerance', 'Tolerance (0.6 is the calibrated same-person distance; lower is stricter)', { type: 'number', min: 0, max: 1, step: 0.01 }),
    ...field('inbox_path', 'Inbox folder'),
    ...field('destination_path', 'Destination folder'),
    ...field('review_path', 'Review folder'),
    editable ? el('button', { type: 'submit', class: 'primary', id: 'save-settings' }, 'Save') : el('p', { class: 'muted' }, 'Changing folders needs an admin key.'),
    message);
  }

  statusSection(health, status) {
    const rows = [
      ['Status', health.status], ['Device', health.device], ['Visage', health.versions?.visage],
      ['ONNX Runtime', health.versions?.onnxruntime], ['libvips', health.versions?.libvips],
      ['Models', Object.entries(health.models_used ?? {}).map(([role, name]) => `${role}: ${name}`).join(', ')],
      ['Loaded', Object.entries(health.models_loaded ?? {}).map(([kind, loaded]) => `${kind} ${loaded ? 'yes' : 'no'}`).join(', ')],
    ];
    const clustering = health.clustering;
    if (clustering) {
      rows.push(['Clustering thresholds', `similarity ${clustering.similarity}, join ${clustering.join_similarity}, group ${clustering.group_similarity}, same person ${clustering.same_person_similarity}, min faces ${clustering.min_faces}`]);
      const settling = clustering.settling;
      if (settling) rows.push(['Background pass', settling.enabled ? `after ${settling.quiet_seconds} s quiet; ${settling.passes} passes; ${settling.pending_faces} faces pending${settling.running ? '; running' : ''}` : 'off']);
    }
    if (status) {
      const database = status.database ?? {};
      rows.push(['Database', `${database.bytes != null ? `${(database.bytes / 1048576).toFixed(1)} MB, ` : ''}${database.images} images, ${database.faces} faces, ${database.clusters} people (${database.named_clusters} named)`]);
      const work = status.work ?? {};
      rows.push(['Work queue', `${work.running} running, ${work.queued} queued of ${work.max_queued}, ${work.workers} workers`]);
    }
    return el('section', { class: 'card stack', 'aria-labelledby': 'status-title' },
      el('h2', { id: 'status-title' }, 'Status'),
      el('dl', { class: 'facts', id: 'status' }, rows.filter(([, value]) => value !== undefined && value !== '').flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, String(value))])));
  }
}

// ---------------------------------------------------------------------------------------------
// Routing, shortcuts, start

const pages = { 'sign-in': SignInPage, people: PeoplePage, person: PersonPage, suggestions: SuggestionsPage, review: ReviewPage, search: SearchPage, settings: SettingsPage };
let currentPage = null;

function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

function defaultPage() {
  if (can('faces:read')) return '#/people';
  if (can('review')) return '#/review';
  if (can('facedb:read')) return '#/search';
  return '#/settings';
}

/// Runs an action, showing its error instead of losing it.
function run(action) {
  Promise.resolve().then(action).catch(showError);
}

async function signOut() {
  await api('DELETE', '/ui/session');
  applySession({ signed_in: false, open: false, scopes: [] });
  navigate('#/sign-in');
}

async function render() {
  const [name, ...rest] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  if (!session.loaded) await loadSession();
  const allowed = session.signedIn || session.open;
  if (!allowed && name !== 'sign-in') return navigate('#/sign-in');
  if (allowed && (!pages[name] || name === 'sign-in')) return navigate(defaultPage());
  for (const link of $$('#nav a')) link.toggleAttribute('aria-current', link.dataset.page === name || (name === 'person' && link.dataset.page === 'people'));
  const Page = pages[name];
  currentPage = new Page(...rest);
  document.title = `${Page.title} · Visage`;
  try {
    await currentPage.render();
  } catch (error) {
    if (error instanceof APIError && error.status === 401) return;
    main().replaceChildren(el('div', { class: 'page-head' }, el('h1', {}, Page.title), el('p', { class: 'error', role: 'alert' }, error.message ?? String(error))));
  }
}

const shortcuts = [
  ['Everywhere', [['?', 'Show this help'], ['g p / g s / g r / g f / g o', 'Go to People, Suggestions, Review, Search (find), Settings (options)'], ['Esc', 'Close a dialog']]],
  ['Lists and grids', [['← → ↑ ↓, j', 'Move'], ['k', 'Move back (keeps the file on the Review page)'], ['x or Space', 'Select'], ['Shift+A', 'Select all (again: none)'], ['Shift+click', 'Select a range'], ['Enter', 'Open'], ['Home / End', 'First / last']]],
  ['People', [['/', 'Search by name']]],
  ['A person', [['n', 'Name or rename'], ['m', 'Merge into another person'], ['s', 'Split the selected faces into a new person'], ['r', 'The selected faces are not this person']]],
  ['Suggestions', [['a', 'Accept'], ['r', 'Reject']]],
  ['Review', [['k', 'Keep'], ['a', 'Add as reference'], ['Delete', 'Delete (undo from the message)'], ['Enter', 'Preview; ← → step through']]],
];

function showHelp() {
  openDialog('Keyboard shortcuts', (close) => el('div', { class: 'stack help', id: 'help' },
    shortcuts.map(([section, keys]) => [el('h3', {}, section), el('dl', { class: 'facts' }, keys.map(([key, what]) => [el('dt', {}, el('kbd', {}, key)), el('dd', {}, what)]))]),
    el('button', { type: 'button', onclick: () => close(null), autofocus: true }, 'Close')));
}

let pendingG = false;
document.addEventListener('keydown', (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  if ($('#dialog').open) return;
  if (event.target.closest('input, textarea, select, [contenteditable]')) {
    if (event.key === 'Escape') event.target.blur();
    return;
  }
  if (event.key === '?') { event.preventDefault(); showHelp(); return; }
  if (pendingG) {
    pendingG = false;
    const targets = { p: '#/people', s: '#/suggestions', r: '#/review', f: '#/search', o: '#/settings' };
    if (targets[event.key]) { event.preventDefault(); navigate(targets[event.key]); return; }
  }
  if (event.key === 'g') { pendingG = true; return; }
  if (currentPage?.key?.(event)) event.preventDefault();
});

window.addEventListener('hashchange', render);
window.addEventListener('DOMContentLoaded', () => {
  $('#help-button').addEventListener('click', showHelp);
  render();
});
