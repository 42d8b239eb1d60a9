// The quiz runtime and the explorers' models in Node: the only oracle the Python tests have.
// Reads {"bundle": source, "calls": [[name, ...args], ...]} as JSON on stdin and prints the
// results; a call that throws gives {"error": message}. Calls: grade(spec, response),
// walk(policy, spec, events) -> every step's {state, result}, model(name, values), svg(outputs),
// entries(type) -> the names a type's module registered (null for none).
"use strict";
const fs = require("fs");
const vm = require("vm");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
// The least of a page the bundle touches when it loads: no blocks, so nothing is wired.
const document = {readyState: "complete", querySelectorAll: () => [], addEventListener() {}};
const context = {document, location: {pathname: "/node"}, console};
context.window = context;
vm.createContext(context);
vm.runInContext(input.bundle, context, {filename: "coursebook.js"});
const CB = context.CourseBook;
const plain = (x) => JSON.parse(JSON.stringify(x === undefined ? null : x));

const calls = {
  grade: (spec, response) => CB.grade(spec, response),
  walk: (policy, spec, events) => {
    let state = CB.newState();
    return events.map((event) => {
      const out = CB.step(policy, spec, state, event);
      state = out.state;
      return {state: out.state, result: out.result};
    });
  },
  model: (name, values) => CB.models[name](values),
  svg: (outputs) => CB.thresholdSvg(outputs),
  entries: (type) => (CB.types.hasOwnProperty(type) ? Object.keys(CB.types[type]).sort() : null),
};
const results = input.calls.map(([name, ...args]) => {
  try { return plain(calls[name](...args)); } catch (error) { return {error: String(error.message || error)}; }
});
process.stdout.write(JSON.stringify(results));
