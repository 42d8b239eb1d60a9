// For tests/quiz/test_practice_scheduler.py: run practice.js's scheduler on the vectors
// (practice_vectors.json) in Node and print what it found. Usage: node practice_vectors.js <practice.js> <vectors.json>
const fs = require("fs");
const vm = require("vm");

const context = {window: {}, console};
vm.createContext(context);
vm.runInContext(fs.readFileSync(process.argv[2], "utf8"), context);
const practice = context.window.CourseBookPractice;
const vectors = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const items = vectors.items;
console.log(JSON.stringify({
  sessions: vectors.sessions.map((c) =>
    practice.buildSession(items, c.now, c.size, c.chapter).map((i) => [i.key, i.group])),
  summary: practice.chapterSummary(items, vectors.summary.now),
  attempts: vectors.attempts.map((a) => practice.afterAttempt(items[a.item], a.right, a.now)),
}));
