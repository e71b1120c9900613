// Prints one plain closing line, `tests: N passed, N failed, N skipped`, as
// the very last line of a run: CI tools that don't know jest read that line to
// tell a run that tested nothing from a green one. Jest prints its own summary
// after every reporter's onRunComplete, hence the write on exit.
class PlainSummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    const line = `tests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = PlainSummaryReporter;
