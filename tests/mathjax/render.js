// Typesets each TeX formula read from standard input (a JSON list) with
// MathJax's TeX input, the packages Anki loads, and prints the errors as
// JSON: [[index, message], ...]. Unknown macros are errors, not red text.
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {STATE} = require('mathjax-full/js/core/MathItem.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {SerializedMmlVisitor} = require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js');
require('mathjax-full/js/input/tex/base/BaseConfiguration.js');
require('mathjax-full/js/input/tex/ams/AmsConfiguration.js');
require('mathjax-full/js/input/tex/boldsymbol/BoldsymbolConfiguration.js');

const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const tex = new TeX({
  packages: ['base', 'ams', 'boldsymbol'],
  formatError: (jax, err) => { throw err; },
});
const doc = mathjax.document('', {InputJax: tex});
const visitor = new SerializedMmlVisitor();

const formulas = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const errors = [];
formulas.forEach(([source, display], i) => {
  try {
    const mml = doc.convert(source, {display, end: STATE.CONVERT});
    const text = visitor.visitTree(mml);
    if (text.includes('<merror')) errors.push([i, 'merror in output']);
  } catch (err) {
    errors.push([i, String(err.message || err)]);
  }
});
process.stdout.write(JSON.stringify(errors));
