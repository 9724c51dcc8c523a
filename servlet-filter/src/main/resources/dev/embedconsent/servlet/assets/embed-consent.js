/* Embed Consent activation script (API: embed-consent.d.ts). No inline code: works under script-src 'self' plus
   the page's nonce, which it copies onto the scripts it creates. The forms work without it. */
(function () {
  'use strict';
  var d = document, me = d.currentScript, nonce = (me && me.nonce) || '',
    base = me && me.src ? me.src.replace(/\/[^\/]*$/, '') : '/embed-consent',
    P = '.ec-placeholder', allowed = {}, pending = {}, hosts = {}, asked, live = d.createElement('div');
  live.className = 'ec-live';
  live.setAttribute('role', 'status');

  function attach() {
    if (!live.isConnected) { d.body.appendChild(live); }
  }

  function announce(text) {
    attach();
    live.textContent = '';
    setTimeout(function () { live.textContent = text || ''; }, 50);
  }

  function emit(type, provider, scope) {
    d.dispatchEvent(new CustomEvent('embed-consent:' + type,
      {bubbles: true, detail: {provider: provider, scope: scope}}));
  }

  function of(provider) {
    return '[data-consent-provider="' + CSS.escape(provider) + '"]';
  }

  function each(root, s, f) {
    var list = root.querySelectorAll(s);
    for (var i = 0; i < list.length; i++) { f(list[i]); }
    if (root.matches && root.matches(s)) { f(root); }
  }

  function title(p, provider) {
    var t = p && p.querySelector('.ec-title');
    return t ? t.textContent.replace(/\s+/g, ' ').trim() : provider;
  }

  function lang(el) {
    var m = /^[a-z]{2,3}\b/i.exec((el.closest('[lang]') || d.documentElement).lang);
    return m ? m[0].toLowerCase() : undefined;
  }

  /* Scripts imported from a template would not run; fresh copies do, in document order. */
  function content(template) {
    var root = d.importNode(template.content, true), old = root.querySelectorAll('script');
    for (var i = 0; i < old.length; i++) {
      var s = d.createElement('script');
      for (var j = 0; j < old[i].attributes.length; j++) {
        s.setAttribute(old[i].attributes[j].name, old[i].attributes[j].value);
      }
      if (nonce) { s.nonce = nonce; }
      if (s.src && !old[i].hasAttribute('async')) { s.async = false; }
      s.text = old[i].text;
      old[i].parentNode.replaceChild(s, old[i]);
    }
    return root;
  }

  function inert(t) {
    t.parentNode.replaceChild(content(t), t);
  }

  /* Replaces a placeholder by its original embed; returns the wrapper that now holds it. */
  function activate(p) {
    var template = p.querySelector(':scope > template.ec-original'), provider = p.getAttribute('data-consent-provider');
    if (!template || !p.parentNode) { return null; }
    if (!provider.indexOf('host:')) { hosts[provider.slice(5)] = 1; }
    var w = d.createElement('div');
    w.className = 'ec-loaded';
    w.setAttribute('data-consent-provider', provider);
    w.setAttribute('role', 'group');
    w.setAttribute('aria-label', title(p, provider));
    w.tabIndex = -1;
    if (p.lang) { w.lang = p.lang; }
    w.appendChild(content(template));
    p.parentNode.replaceChild(w, p);
    return w;
  }

  function hold(p) {
    p.classList.add('ec-pending');
  }

  /* Activates allowed providers' embeds in root once the page is parsed; until then, and while pending, holds them. */
  function scan(root) {
    var k, ready = d.readyState !== 'loading';
    for (k in allowed) {
      each(root, P + of(k), ready ? activate : hold);
      if (ready) { each(root, 'template.ec-inert' + of(k), inert); }
    }
    for (k in pending) {
      each(root, P + of(k), function (p) {
        hold(p);
        asked = asked || ask();
      });
    }
  }

  /* The hinted providers' placeholders wait for the server's word on the signed cookie, at most two seconds. */
  function ask() {
    var late = setTimeout(release, 2000);
    state().then(function (s) {
      for (var k in s.state) {
        if (s.state[k].granted) { allowed[k] = 1; }
      }
      clearTimeout(late);
      release();
      scan(d);
    }, release);
    return 1;
  }

  function release() {
    pending = {};
    each(d, '.ec-pending', function (p) {
      if (!allowed[p.getAttribute('data-consent-provider')]) { p.classList.remove('ec-pending'); }
    });
  }

  function answer(response) {
    if (!response.ok) { throw new Error('consent endpoint answered ' + response.status); }
    return response.json();
  }

  function state() {
    return fetch(base + '/consent', {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(answer);
  }

  function post(url, body) {
    body.page = location.pathname;
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: JSON.stringify(body)
    }).then(answer);
  }

  /* Records a decision, activates the placeholder p first (a grant from it), then what the grant allows. */
  function decide(url, provider, decision, scope, el, p) {
    return post(url, {provider: provider, decision: decision, scope: scope, language: lang(el)}).then(function (r) {
      var t = p && title(p, provider), w = p && activate(p);
      if (decision === 'withdraw') {
        delete allowed[provider];
      } else if (scope === 'provider') {
        allowed[provider] = 1;
        scan(d);
      } else {
        each(d, 'template.ec-inert' + of(provider), inert);
      }
      if (w) { w.focus(); }
      announce(t ? t + ': ' + r.announce : decision === 'withdraw' ? r.announce : '');
      emit(decision === 'grant' ? 'granted' : 'withdrawn', provider, scope);
      return r;
    });
  }

  function field(form, name) {
    var input = form.elements.namedItem(name);
    return input && input.value ? input.value : '';
  }

  d.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !window.fetch || !form.matches('.ec-form, .ec-settings-form')) {
      return;
    }
    var provider = field(form, 'provider'), decision = field(form, 'decision'), p = form.closest(P);
    if (!provider || (decision === 'grant' && !p)) { return; }
    event.preventDefault();
    if (form.dataset.ecBusy) { return; }
    form.dataset.ecBusy = '1';
    decide(form.action, provider, decision, field(form, 'scope') || 'provider', form, p).then(function () {
      var back = field(form, 'return');
      delete form.dataset.ecBusy;
      if (!p) { /^\/(?!\/)/.test(back) ? location.assign(back) : location.reload(); }
    }, function () {
      delete form.dataset.ecBusy;
      HTMLFormElement.prototype.submit.call(form);
    });
  });

  /* csp=enforce lets an unknown host's frames through only in a page rendered for the visitor: go to one. */
  d.addEventListener('securitypolicyviolation', function (e) {
    var host, u = new URL(location.href);
    try { host = new URL(e.blockedURI).hostname; } catch (x) { return; }
    if (e.disposition === 'enforce' && hosts[host] && !u.searchParams.has('ec-render') &&
        /^(frame|child)-src$/.test(e.effectiveDirective || e.violatedDirective)) {
      hosts = {};
      u.searchParams.set('ec-render', Date.now().toString(36));
      location.replace(u.href);
    }
  });

  window.embedConsent = {
    grant: function (provider, options) {
      return decide(base + '/consent', provider, 'grant', (options && options.scope) || 'provider', d.body);
    },
    withdraw: function (provider) {
      return decide(base + '/consent', provider, 'withdraw', 'provider', d.body);
    },
    state: state
  };

  var hint = /(?:^|;\s*)ec_hint=([^;]+)/.exec(d.cookie);
  if (hint) { hint[1].split('|').forEach(function (k) { pending[k] = 1; }); }
  scan(d);
  d.addEventListener('DOMContentLoaded', function () {
    attach();
    scan(d);
  });
  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      for (var j = 0, added = mutations[i].addedNodes; j < added.length; j++) {
        if (added[j].nodeType === 1) { scan(added[j]); }
      }
    }
  }).observe(d.documentElement, {childList: true, subtree: true});
})();
