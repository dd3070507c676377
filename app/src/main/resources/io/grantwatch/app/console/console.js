'use strict';
// The findings console's only script (a page's Content-Security-Policy allows no other): filters apply on change
// without sending empty fields (so addresses stay short and stable), copy buttons copy their block's text.
document.addEventListener('DOMContentLoaded', function () {
  var filters = document.getElementById('filters');
  if (filters) {
    filters.addEventListener('submit', function () {
      Array.prototype.forEach.call(filters.elements, function (el) {
        if (el.name && !el.value) {
          el.disabled = true;
        }
      });
    });
    Array.prototype.forEach.call(filters.querySelectorAll('select'), function (select) {
      select.addEventListener('change', function () {
        filters.requestSubmit();
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('button[data-copy]'), function (button) {
    button.addEventListener('click', function () {
      var source = document.getElementById(button.getAttribute('data-copy'));
      var text = source ? source.textContent : '';
      var done = function (ok) {
        button.textContent = ok ? 'Copied' : 'Copy failed: select the text';
        button.setAttribute('data-copied', ok ? 'true' : 'false');
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(fallback(source)); });
      } else {
        done(fallback(source));
      }
    });
  });

  // Without the asynchronous clipboard (a page not on https or localhost): select the block and copy the selection.
  function fallback(source) {
    if (!source) {
      return false;
    }
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try {
      return document.execCommand('copy');
    } catch (e) {
      return false;
    }
  }
});
