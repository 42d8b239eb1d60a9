// For tests/test_question_types.py: run coursebook.js's per-type entry points (grader, reading and
// writing a response) in Node, for each question spec given, and report which ones have no entry.
// Usage: node question_types.js <coursebook.js> <specs.json>;
// prints {type: {grade: null or the error, readResponse: ..., writeResponse: ...}}.
const fs = require("fs");
const vm = require("vm");

const element = {value: "", checked: false, dataset: {item: "0"}, appendChild() {}, querySelector() { return element; }};
const section = {querySelector: () => element, querySelectorAll: () => [element]};
const context = {
  window: {}, console, location: {pathname: "/"}, localStorage: {getItem: () => null, setItem() {}},
  document: {readyState: "complete", querySelectorAll: () => [], addEventListener() {}},
};
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
const book = context.window.CourseBook;

function attempt(call) {
  try { call(); return null; } catch (error) { return String(error.message || error); }
}

const found = {};
for (const spec of JSON.parse(fs.readFileSync(process.argv[3], "utf8"))) {
  let response = null;
  found[spec.type] = {
    grade: attempt(() => book.grade(spec, null)),
    readResponse: attempt(() => { response = book.readResponse(section, spec.type); }),
    writeResponse: attempt(() => book.writeResponse(section, spec.type, response === null ? "" : response)),
  };
}
process.stdout.write(JSON.stringify(found));
