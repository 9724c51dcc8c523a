/* Embed Consent activation script. No dependencies, no inline code: works under script-src 'self' (plus the
   page's nonce, copied onto the scripts it creates). Without it the placeholder forms still work. */
(function () {
  'use strict';
  var self = document.currentScript;
  var nonce = (self && self.nonce) || '';
  var base = self && self.src ? self.src.replace(/\/[^\/]*$/, '') : '/embed-consent';
  var allowed = {};
  var activatedHosts = {};
  var LOADED = {en: 'loaded', de: 'geladen', uk: 'завантажено', fr: 'chargé', es: 'cargado', it: 'caricato',
    pl: 'załadowano', nl: 'geladen'};
  var WITHDRAWN = {en: 'Consent withdrawn', de: 'Einwilligung widerrufen', uk: 'Згоду відкликано',
    fr: 'Consentement retiré', es: 'Consentimiento retirado', it: 'Consenso revocato', pl: 'Zgoda wycofana',
    nl: 'Toestemming ingetrokken'};
  var live = document.createElement('div');
  live.className = 'ec-live';
  live.setAttribute('role', 'status');
  live.setAttribute('aria-live', 'polite');

  function attachLive() {
    if (!live.isConnected && document.body) { document.body.appendChild(live); }
  }
  if (document.body) { attachLive(); } else { document.addEventListener('DOMContentLoaded', attachLive); }

  function announce(text) {
    attachLive();
    live.textContent = '';
    setTimeout(function () { live.textContent = text; }, 50);
  }

  function word(table, el) {
    var lang = ((el && el.closest('[lang]') || document.documentElement).lang || 'en').slice(0, 2).toLowerCase();
    return table[lang] || table.en;
  }

  function emit(type, provider, scope) {
    document.dispatchEvent(new CustomEvent('embed-consent:' + type,
      {bubbles: true, detail: {provider: provider, scope: scope}}));
  }

  /* Scripts imported from a template would not run; fresh copies do, in document order. */
  function revive(root) {
    var old = root.querySelectorAll('script');
    for (var i = 0; i < old.length; i++) {
      var s = document.createElement('script');
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

  function content(template) {
    return revive(document.importNode(template.content, true));
  }

  function activateLoaders(provider) {
    var inert = document.querySelectorAll('template.ec-inert[data-consent-provider="' + CSS.escape(provider) + '"]');
    for (var i = 0; i < inert.length; i++) {
      inert[i].parentNode.replaceChild(content(inert[i]), inert[i]);
    }
  }

  /* Replaces a placeholder by its original embed; returns the wrapper that now holds it. */
  function activate(placeholder) {
    var template = placeholder.querySelector(':scope > template.ec-original');
    if (!template || !placeholder.parentNode) { return null; }
    var provider = placeholder.getAttribute('data-consent-provider');
    if (provider.indexOf('host:') === 0) { activatedHosts[provider.slice(5)] = true; }
    var title = placeholder.querySelector('.ec-title');
    var wrapper = document.createElement('div');
    wrapper.className = 'ec-loaded';
    wrapper.setAttribute('data-consent-provider', provider);
    wrapper.setAttribute('role', 'group');
    wrapper.setAttribute('aria-label', title ? title.textContent.replace(/\s+/g, ' ').trim() : provider);
    wrapper.tabIndex = -1;
    if (placeholder.lang) { wrapper.lang = placeholder.lang; }
    wrapper.appendChild(content(template));
    placeholder.parentNode.replaceChild(wrapper, placeholder);
    return wrapper;
  }

  function activateAll(provider, root) {
    var list = (root || document).querySelectorAll(
      '.ec-placeholder[data-consent-provider="' + CSS.escape(provider) + '"]');
    for (var i = 0; i < list.length; i++) { activate(list[i]); }
    if (root && root.matches && root.matches('.ec-placeholder') &&
        root.getAttribute('data-consent-provider') === provider) { activate(root); }
    activateLoaders(provider);
  }

  function field(form, name) {
    var input = form.elements.namedItem(name);
    return input && input.value ? input.value : '';
  }

  function post(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'Accept': 'application/json'},
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) { throw new Error('consent endpoint answered ' + response.status); }
      return response.json();
    });
  }

  function fallback(form) {
    delete form.dataset.ecBusy;
    HTMLFormElement.prototype.submit.call(form);
  }

  function granted(form, placeholder, provider, scope) {
    var label = placeholder.querySelector('.ec-title');
    var text = (label ? label.textContent.replace(/\s+/g, ' ').trim() : provider) + ': ' + word(LOADED, placeholder);
    if (scope === 'provider') { allowed[provider] = true; }
    var wrapper = activate(placeholder);
    if (scope === 'provider') { activateAll(provider); } else { activateLoaders(provider); }
    if (wrapper) { wrapper.focus(); }
    announce(text);
    emit('granted', provider, scope);
  }

  function withdrawn(form, provider, scope) {
    delete allowed[provider];
    announce(word(WITHDRAWN, form));
    emit('withdrawn', provider, scope);
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !window.fetch ||
        !(form.classList.contains('ec-form') || form.classList.contains('ec-settings-form'))) { return; }
    var provider = field(form, 'provider');
    var scope = field(form, 'scope') || 'provider';
    var decision = field(form, 'decision');
    var placeholder = form.closest('.ec-placeholder');
    if (!provider || (decision === 'grant' && !placeholder)) { return; }
    event.preventDefault();
    if (form.dataset.ecBusy) { return; }
    form.dataset.ecBusy = '1';
    post(form.action, {provider: provider, decision: decision, scope: scope, page: location.pathname})
      .then(function () {
        delete form.dataset.ecBusy;
        if (decision === 'grant') {
          granted(form, placeholder, provider, scope);
        } else {
          withdrawn(form, provider, scope);
          var back = field(form, 'return');
          if (back && back.charAt(0) === '/' && back.charAt(1) !== '/') { location.assign(back); } else { location.reload(); }
        }
      }, function () { fallback(form); });
  });

  /* csp=enforce lists an unknown host once allowed: a host:<id> frame activated here is blocked, so reload once. */
  document.addEventListener('securitypolicyviolation', function (e) {
    var host;
    try { host = new URL(e.blockedURI).hostname; } catch (x) { return; }
    if (e.disposition === 'enforce' && activatedHosts[host] &&
        /^(frame|child)-src$/.test(e.effectiveDirective || e.violatedDirective)) {
      activatedHosts = {};
      location.reload();
    }
  });

  /* For sites with their own privacy page: embedConsent.withdraw('youtube').then(...) */
  window.embedConsent = {
    withdraw: function (provider) {
      return post(base + '/consent', {provider: provider, decision: 'withdraw', scope: 'provider',
        page: location.pathname}).then(function (result) {
        withdrawn(document.body, provider, 'provider');
        return result;
      });
    }
  };

  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var added = mutations[i].addedNodes;
      for (var j = 0; j < added.length; j++) {
        if (added[j].nodeType !== 1) { continue; }
        for (var provider in allowed) {
          if (added[j].matches('.ec-placeholder, template.ec-inert') || added[j].querySelector('.ec-placeholder, template.ec-inert')) {
            activateAll(provider, added[j]);
          }
        }
      }
    }
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
