// Parse a GIFT file with gift-pegjs (an independent parser, not ours) and print its questions as JSON.
// Usage: node parse_gift.js <path to the gift-pegjs package> <file.gift.txt>
const fs = require("fs");
const { parse } = require(process.argv[2]);

const text = fs.readFileSync(process.argv[3], "utf8");
try {
  process.stdout.write(JSON.stringify(parse(text)));
} catch (error) {
  const where = error.location ? `line ${error.location.start.line}, column ${error.location.start.column}: ` : "";
  process.stderr.write(`gift-pegjs could not parse ${process.argv[3]}: ${where}${error.message}\n`);
  process.exit(1);
}
