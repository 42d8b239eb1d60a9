// Run the shared vectors against the site's grader and policy in Node, without a browser.
// Reads {specs, policy, cases, sequences} as JSON on stdin; prints what CourseBook returns.
"use strict";
const fs = require("fs");
const vm = require("vm");

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const source = fs.readFileSync(process.argv[2], "utf8");
// The least of a page the file touches when it loads: no blocks, so nothing is wired.
const document = { readyState: "complete", querySelectorAll: () => [], addEventListener() {} };
const context = { document, location: { pathname: "/vectors" }, console };
context.window = context;
vm.createContext(context);
vm.runInContext(source, context, { filename: "coursebook.js" });
const CB = context.CourseBook;

const plain = (x) => JSON.parse(JSON.stringify(x));  // objects from the vm's realm, as JSON
const cases = input.cases.map((c) => plain(CB.grade(input.specs[c.question], c.response)));
const sequences = input.sequences.map((seq) => {
  let state = CB.newState();
  return seq.steps.map((entry) => {
    const out = CB.step(input.policy, input.specs[seq.question], state, entry.event);
    state = out.state;
    return plain({ result: out.result, state: out.state });
  });
});
process.stdout.write(JSON.stringify({ cases, sequences }));
