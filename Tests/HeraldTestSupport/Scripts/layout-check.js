// Loaded by HeraldTestSupport's BrowserLayout into a page with EMAIL (an email's HTML) and
// WIDTHS defined: shows the email in an iframe of each width (headless Chromium lays a window out
// at least 500 px wide, an iframe at its own width) and writes, for each, what a reader would
// see go wrong into <pre id="herald-layout-WIDTH">:
//   broken  - words of data-table cells split across lines (a word ends at a space or after a
//             hyphen; text in a `word-break:break-all` span is an overlong string and may wrap)
//   wrapped - those overlong strings that did wrap
//   splitNumbers - cells holding only a number (digits, separators, currency: "129,30 €") that
//             take more than one line
//   pageWidth/viewport - the page scrolls sideways when the first is larger
function heraldLayout(doc, win) {
  var broken = [], wrapped = [];
  var walker = doc.createTreeWalker(doc.body, NodeFilter.SHOW_TEXT);
  var node;
  while ((node = walker.nextNode())) {
    // Only the text of data tables (Herald's layout tables are role=presentation).
    var cell = node.parentElement.closest('td, th');
    if (!cell || cell.closest('table').getAttribute('role') === 'presentation') continue;
    var overlong = node.parentElement.closest('[style*="break-all"]');
    var pattern = overlong ? /\S+/g : /[^\s-]+-?/g, match;
    while ((match = pattern.exec(node.data))) {
      var range = doc.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      var lines = {}, rects = range.getClientRects();
      for (var r = 0; r < rects.length; r++) if (rects[r].width > 0) lines[Math.round(rects[r].top)] = true;
      if (Object.keys(lines).length > 1) (overlong ? wrapped : broken).push(match[0]);
    }
  }
  var splitNumbers = [];
  var cells = doc.querySelectorAll('td, th');
  for (var c = 0; c < cells.length; c++) {
    var table = cells[c].closest('table');
    var text = cells[c].textContent.trim();
    if (table.getAttribute('role') === 'presentation' || !/\d/.test(text) || !/^[\d\s.,:;%+\-\u2212\/()'\u2019\p{Sc}]+$/u.test(text)) continue;
    var range = doc.createRange();
    range.selectNodeContents(cells[c]);
    var lines = {}, rects = range.getClientRects();
    for (var r = 0; r < rects.length; r++) if (rects[r].width > 0) lines[Math.round(rects[r].top)] = true;
    if (Object.keys(lines).length > 1) splitNumbers.push(text);
  }
  return { broken: broken, wrapped: wrapped, splitNumbers: splitNumbers, pageWidth: doc.documentElement.scrollWidth, viewport: win.innerWidth };
}
WIDTHS.forEach(function (width) {
  var frame = document.createElement('iframe');
  frame.style.cssText = 'display:block;border:0;height:3000px;width:' + width + 'px';
  frame.onload = function () {
    var out = document.createElement('pre');
    out.id = 'herald-layout-' + width;
    out.textContent = JSON.stringify(heraldLayout(frame.contentDocument, frame.contentWindow));
    document.body.appendChild(out);
  };
  frame.srcdoc = EMAIL;
  document.body.appendChild(frame);
});
