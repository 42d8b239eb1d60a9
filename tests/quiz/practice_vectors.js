// For tests/quiz/test_practice_scheduler.py: run the scheduler (assets/quiz/practice.js, as bundled
// in coursebook.js) in Node and print what it found. Usage: node practice_vectors.js <script.js>
// <input.json>, where the input is practice_vectors.json (sessions, summary, attempts) or
// {"calls": [[name, ...arguments], ...]} (each call's result, in order).
const fs = require("fs");
const vm = require("vm");

const context = {window: {}, console};
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
const practice = context.window.CourseBookPractice;
const input = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
if (input.calls) {
  console.log(JSON.stringify(input.calls.map(([name, ...args]) => practice[name](...args))));
} else {
  const items = input.items;
  console.log(JSON.stringify({
    sessions: input.sessions.map((c) =>
      practice.buildSession(items, c.now, c.size, c.chapter).map((i) => [i.key, i.group])),
    summary: practice.chapterSummary(items, input.summary.now),
    attempts: input.attempts.map((a) => practice.afterAttempt(items[a.item], a.right, a.now)),
  }));
}
