/* The demo site's own script: shows that pages can listen to Embed Consent's DOM events. */
(function () {
  'use strict';
  function log(text) {
    var target = document.getElementById('consent-log');
    if (target) { target.textContent = text; }
  }
  document.addEventListener('embed-consent:granted', function (event) {
    log('Consent given: ' + event.detail.provider + ' (' + event.detail.scope + ')');
  });
  document.addEventListener('embed-consent:withdrawn', function (event) {
    log('Consent withdrawn: ' + event.detail.provider);
  });
})();
